package main

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
)

// dailyRig is mbx in tmux against an msgboxx sandbox of the test's own,
// logged in as the demo agent, the whole history synced: the test plays
// the customers and the other agents through the sandbox.
type dailyRig struct {
	srv  *sandbox.Server
	url  string
	term *tmuxTerm
	snap sandbox.Snapshot
}

func startDaily(t *testing.T, w, h int) *dailyRig {
	t.Helper()
	skipE2E(t)
	srv := sandbox.New(sandbox.Config{Seed: 3})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	user, pass := srv.Credentials()
	term := startTmux(t, w, h, "--base-url", hs.URL, "--username", user)
	term.waitScreen("Log in", e2eFirstFrame)
	term.typeText(pass)
	term.keys("Enter")
	term.waitFor("the inbox online with its whole history", func(s string) bool {
		return synced(s) && len(listRows(s)) > 0
	}, e2eFirstFrame)
	return &dailyRig{srv: srv, url: hs.URL, term: term, snap: srv.Snapshot()}
}

// agentAccount is the api account of the reference's Test Customer, one
// the demo agent works in.
func (r *dailyRig) agentAccount(t *testing.T) string {
	t.Helper()
	for _, c := range r.snap.Contacts {
		if c.Name == "Test Customer" {
			return c.APIAccountID
		}
	}
	t.Fatal("the demo has no Test Customer")
	return ""
}

// contactOf is the contact of a conversation.
func (r *dailyRig) contactOf(convID string) sandbox.SnapshotContact {
	for _, c := range r.snap.Contacts {
		if c.ConversationID == convID {
			return c
		}
	}
	return sandbox.SnapshotContact{}
}

// TestE2ENewArrival: a conversation arriving while the cursor is deep in
// the list is announced in the list's title ("↑ 1 new") and one key (g)
// reaches it.
func TestE2ENewArrival(t *testing.T) {
	t.Parallel()
	r := startDaily(t, 120, 40)
	acct := r.agentAccount(t)
	// An archived conversation of the agent's account: its customer's
	// message brings it back to the top of the Inbox.
	var who sandbox.SnapshotContact
	for _, c := range r.snap.Conversations {
		if c.Folder == "archive" && c.APIAccountID == acct && c.UserID == "" && c.TeamID == "" {
			if k := r.contactOf(c.ConversationID); k.Name != "" && !strings.ContainsAny(k.Name, "\x1b\u202e") && k.Name == strings.TrimSpace(k.Name) {
				who = k
				break
			}
		}
	}
	if who.ContactID == "" {
		t.Fatal("no archived conversation of the agent's account")
	}
	term := r.term
	term.keys("C-d", "C-d", "C-d") // deep in the list: the top rows out of view
	before := term.waitFor("the list scrolled", func(s string) bool {
		rows := listRows(s)
		return len(rows) > 0 && !slices.ContainsFunc(rows, func(x shownRow) bool { return strings.HasPrefix(who.Name, x.name) })
	}, e2eStep)
	if strings.Contains(before, "↑") {
		t.Fatalf("news announced before any arrived:\n%s", before)
	}
	if _, err := r.srv.Receive(who.ContactID, "e2e: is the job still open?"); err != nil {
		t.Fatal(err)
	}
	term.waitScreen("↑ 1 new", e2eStep)
	term.keys("g")
	screen := term.waitFor(who.Name+" on top, under the cursor", func(s string) bool {
		rows := listRows(s)
		return len(rows) > 0 && strings.HasPrefix(who.Name, rows[0].name) && !strings.Contains(s, "↑ 1 new")
	}, e2eStep)
	top := ""
	for _, l := range strings.Split(screen, "\n") {
		if _, list, _, ok := panes(l); ok && listRow.MatchString(list) {
			top = list
			break
		}
	}
	if !strings.HasPrefix(top, "›") {
		t.Errorf("the cursor is not on the new conversation's row %q:\n%s", top, screen)
	}
}
