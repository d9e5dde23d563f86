//go:build unix

package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestE2EFailedAndCollision drives the real binary in a pseudo-terminal
// against the msgboxx sandbox: a reply the platform refuses shows failed
// with the retry key under it; R retries it, and it reaches the platform
// once and ticks. Then a colleague replies in the same conversation while
// the agent writes: enter asks first; esc keeps the text; the next enter
// sends it, once.
func TestE2EFailedAndCollision(t *testing.T) {
	skipE2E(t)
	r, conv := newSyncedRig(t, time.Hour)
	srv := r.srv
	user, _ := srv.Credentials()
	label := state.SanitizeLine(conv.Label())

	// The platform refuses the next reply, for good.
	srv.SetFaults(sandbox.Fault{Methods: []string{"POST"}, Paths: []string{"/message"}, Count: 1, Status: 400})
	const text = "e2e failed: the interview is at ten"
	if conv.ContactNumber == "" {
		t.Fatalf("%s has no number to find it by", label)
	}
	p := r.start()
	t.Cleanup(func() { r.kill(p) })
	r.waitScreen(p, "the inbox", "● online")
	// By the customer's number: the sandbox's colleagues write too, so
	// a row may move between the store's read and the keys.
	r.write(p, "/")
	r.waitScreen(p, "the search", "a name, a phone number or words")
	r.write(p, conv.ContactNumber)
	r.waitScreen(p, "the customer found, under the cursor", "› "+label) // the list behind draws "›●" or "›  "
	r.write(p, "\r")
	r.waitScreen(p, "the thread", "━ "+label, "r writes a reply")
	r.write(p, "r")
	r.write(p, text+"\r")
	r.waitScreen(p, "the reply failed, the retry key under it", "✗", "R retries")
	if n := srv.CountMessages(conv.ID, text); n != 0 {
		t.Fatalf("the platform has the refused reply %d times", n)
	}
	r.write(p, "\x1b") // out of the composer, into the thread
	time.Sleep(200 * time.Millisecond)
	r.write(p, "R")
	r.waitScreen(p, "the retry", "Retrying the reply to")
	waitUntil(t, "the retried reply on the platform", func() bool { return srv.CountMessages(conv.ID, text) == 1 })
	waitUntil(t, "the retried reply ticking", func() bool {
		return strings.Contains(p.scr.String(), text) && !strings.Contains(p.scr.String(), "R retries") && strings.Contains(p.scr.String(), "✓")
	})
	time.Sleep(2 * time.Second) // a second copy would have been sent by now
	if n := srv.CountMessages(conv.ID, text); n != 1 {
		t.Fatalf("the platform has the retried reply %d times, want once", n)
	}

	// A colleague replies while the agent writes.
	const mine, theirs = "e2e collision: I can do Tuesday", "e2e collision: colleague says Monday"
	r.write(p, "r")
	r.write(p, mine)
	r.waitScreen(p, "the reply typed", mine)
	sent := false // by the first colleague who may write to the account
	for _, u := range srv.Users() {
		if u.Username == user || sent {
			continue
		}
		c, err := msgboxx.New(msgboxx.Config{BaseURL: r.url, Username: u.Username, Password: u.Password, Application: "mbx/e2e"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.SendMessage(context.Background(), msgboxx.NewMessage{APIAccountID: conv.AccountID, ContactID: conv.ContactID, Message: theirs})
		sent = err == nil
	}
	if !sent {
		t.Fatal("no colleague may write to the conversation's account")
	}
	r.waitScreen(p, "the colleague's reply synced", theirs)
	r.write(p, "\r")
	r.waitScreen(p, "the collision prompt", "Someone else is here", "replied", "send anyway")
	r.write(p, "\x1b")
	r.waitScreen(p, "look first", "Not sent: your reply is kept")
	if n := srv.CountMessages(conv.ID, mine); n != 0 {
		t.Fatalf("sent although the agent chose to look first (%d)", n)
	}
	r.write(p, "r")
	time.Sleep(200 * time.Millisecond)
	r.write(p, "\r")
	waitUntil(t, "the reply sent after looking", func() bool { return srv.CountMessages(conv.ID, mine) == 1 })
}

// waitUntil polls cond until it holds, or fails the test after the
// screen wait.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(kill9ScreenWait)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", kill9ScreenWait, what)
		}
		time.Sleep(20 * time.Millisecond) // polling the platform
	}
}
