package main

import (
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
)

// TestE2EBoardReassign: mbx board against the msgboxx sandbox opens on
// the supervisor board (under the login prompt); the first agent's row,
// a, another agent's name, enter: the sandbox has those conversations
// under the other agent, and the board shows the first agent's row empty.
func TestE2EBoardReassign(t *testing.T) {
	t.Parallel()
	skipE2E(t)
	srv := sandbox.New(sandbox.Config{Seed: 3})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	user, pass := srv.Credentials()
	term := startTmux(t, 120, 40, "board", "--base-url", hs.URL, "--username", user)
	term.waitScreen("Log in", e2eFirstFrame)
	term.typeText(pass)
	term.keys("Enter")
	term.waitFor("the board online with its agents", func(s string) bool {
		return synced(s) && strings.Contains(s, "Supervisor board") && strings.Contains(s, "Agents")
	}, e2eFirstFrame)
	// The first row (g) is the agent with the most waiting customers.
	term.keys("g")
	var from string
	term.waitFor("the first agent selected", func(s string) bool {
		from = boardSelected(s)
		return from != "" && from != "Unassigned"
	}, e2eStep)
	t.Logf("the board:\n%s", term.screen())
	snap := srv.Snapshot()
	users := map[string]sandbox.SnapshotUser{}
	for _, u := range snap.Users {
		users[strings.TrimSpace(u.FirstName+" "+u.LastName)] = u
	}
	a, ok := users[strings.TrimSuffix(from, " (me)")]
	if !ok {
		t.Fatalf("the selected row %q is no sandbox user", from)
	}
	// Another agent in every account of the first one's.
	var b sandbox.SnapshotUser
	for name, u := range users {
		if u.UserID != a.UserID && covers(u.APIAccountIDs, a.APIAccountIDs) && name != "" && !strings.ContainsAny(name, "\x1b\u202e") {
			if b.UserID == "" || name < strings.TrimSpace(b.FirstName+" "+b.LastName) {
				b = u
			}
		}
	}
	if b.UserID == "" {
		t.Fatalf("no agent to take %s's conversations", from)
	}
	had := map[string]bool{}
	for _, c := range snap.Conversations {
		if c.UserID == a.UserID && c.Folder == "inbox" {
			had[c.ConversationID] = true
		}
	}
	term.keys("a")
	term.waitScreen("Assign to:", e2eStep)
	term.typeText(strings.TrimSpace(b.FirstName + " " + b.LastName))
	term.keys("Enter")
	// The board, read again on the change: the first agent's row is empty.
	term.waitFor(from+"'s row empty", func(s string) bool {
		l := boardLine(s, from)
		return l != "" && strings.Fields(strings.TrimPrefix(strings.TrimSpace(strings.Trim(l, "│ ▸")), from))[0] == "·"
	}, e2eStep)
	deadline := time.Now().Add(e2eStep)
	for {
		moved, left := 0, 0
		for _, c := range srv.Snapshot().Conversations {
			if !had[c.ConversationID] {
				continue
			}
			switch c.UserID {
			case b.UserID:
				moved++
			case a.UserID:
				left++
			}
		}
		if moved > 0 && left == 0 {
			t.Logf("%s → %s: %d conversations", from, b.FirstName, moved)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the sandbox has %d moved to %s, %d left with %s:\n%s", moved, b.FirstName, left, from, term.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
	term.keys("Escape")
	term.waitFor("the inbox again", func(s string) bool { return !strings.Contains(s, "Supervisor board") && len(listRows(s)) > 0 }, e2eStep)
}

// boardSelected is the name on the board's selected row ("" none).
func boardSelected(s string) string {
	for _, l := range strings.Split(s, "\n") {
		l = strings.Trim(l, "│ ")
		if rest, ok := strings.CutPrefix(l, "▸"); ok {
			rest = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), "✓"))
			if i := strings.Index(rest, "  "); i > 0 {
				return rest[:i]
			}
		}
	}
	return ""
}

// boardLine is the board's row of name.
func boardLine(s, name string) string {
	for _, l := range strings.Split(s, "\n") {
		t := strings.TrimLeft(strings.Trim(l, "│ "), "▸✓ ")
		if strings.HasPrefix(t, name+"  ") {
			return l
		}
	}
	return ""
}

func covers(have, want []string) bool {
	for _, w := range want {
		found := false
		for _, h := range have {
			found = found || h == w
		}
		if !found {
			return false
		}
	}
	return true
}
