package main

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

// TestTeatestLoginPrompt: the inbox runs against the sandbox with a stored
// token, as after mbx login; the platform revokes it. The inbox neither
// crashes nor loops: a login prompt opens over it, a wrong password is
// refused in words, the right one brings it back online, and the draft
// typed before is untouched. The password is never drawn.
func TestTeatestLoginPrompt(t *testing.T) {
	setXDG(t)
	srv := sandbox.New(sandbox.Config{Seed: 1, HistoryDays: 2})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	user, pass := srv.Credentials()

	sess := loggedInSession(t, newFakeKeyring(), hs.URL, user, pass)
	st, err := state.Open(filepath.Join(t.TempDir(), "login.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng := state.NewEngine(st, msgboxx.NewBackend(sess.client), state.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = eng.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })

	app := ui.New(ui.Deps{Core: state.NewService(st, eng), Account: "default · " + user, Username: user, Platform: "msgboxx",
		Login: loginAgain(sess.login, msgboxxConn{sess.client}, eng)}, defaultKeyMap())
	f := startTeaFlow(t, app, st)
	f.waitFor("the inbox online", "● online", "Select a conversation and press enter.")
	// The whole history in: the Closing soon list no longer changes under us.
	f.waitUntil("the history filled in", synced)

	// Work in progress: a draft in the first conversation with an open window.
	f.keys("6") // Closing soon: open windows only
	f.waitUntil("the Closing soon list", func(s string) bool {
		rows := listRows(s)
		for _, r := range rows {
			if r.badge == "closed" || strings.Contains(r.badge, "h") && !strings.HasPrefix(r.badge, "1h") {
				return false
			}
		}
		return len(rows) > 0
	})
	f.keys("enter")
	f.waitUntil("the thread", func(s string) bool { return !strings.Contains(s, "Select a conversation and press enter.") })
	f.keys("r")
	f.tm.Type("draft that must survive")
	f.waitFor("the draft typed", "draft that must survive")
	f.keys("esc", "esc")
	eng.FlushDrafts()
	convID := ""
	if cs, err := st.ListConversations(state.View{Folder: state.FolderInbox, ClosingSoon: true, Now: time.Now()}, 0, 1); err == nil && len(cs) == 1 {
		convID = cs[0].ID
	}
	if d, _ := eng.Draft(convID); d != "draft that must survive" {
		t.Fatalf("draft of %s = %q before the revocation", convID, d)
	}

	// The platform revokes the token; the next sync finds out.
	srv.RevokeTokens()
	f.tm.Send(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
	f.waitFor("the login prompt over the inbox", "Log in", "msgboxx wants your password", "User "+user, "Password:", "Folders")

	f.tm.Type("wrong-password")
	f.waitFor("the password masked", "••••")
	f.keys("enter")
	f.waitFor("the refusal in words", "refused the username or password")
	f.tm.Type(pass)
	f.keys("enter")
	f.waitUntil("the prompt closed and the inbox online again", func(s string) bool {
		return !strings.Contains(s, "msgboxx wants your password") && strings.Contains(s, "● online")
	})
	if screen := f.scr.String(); strings.Contains(screen, pass) || strings.Contains(screen, "wrong-password") {
		t.Errorf("a password was drawn:\n%s", screen)
	}
	if d, _ := eng.Draft(convID); d != "draft that must survive" {
		t.Errorf("draft after the login = %q", d)
	}
	if _, err := sess.client.Teams(context.Background()); err != nil {
		t.Errorf("the client after logging in again: %v", err)
	}
}
