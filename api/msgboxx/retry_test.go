package msgboxx_test

import (
	"context"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestRetryFailedReplyOnSandbox: a reply the platform refused is retried
// by the agent; the outbox first reads the contact's messages and sends
// only when the platform does not have it — once — and when it does (the
// agent sent the same text from elsewhere meanwhile) it is settled with
// no request at all.
func TestRetryFailedReplyOnSandbox(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		elsewhere bool // the agent's own copy reached the platform meanwhile
		wantPosts int
	}{
		{"not on the platform: sent once", false, 1},
		{"already on the platform: claimed, not sent", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newSyncedRig(t, true)
			conv := r.openConversation(t)
			const body = "Your contract is ready to sign"
			r.srv.SetFaults(sandbox.Fault{Methods: []string{"POST"}, Paths: []string{"/message"}, Count: 1, Status: 400})
			item, err := r.engine.Send(conv.ID, body)
			if err != nil {
				t.Fatal(err)
			}
			r.engine.SendPending(context.Background())
			if got, _, _ := r.store.OutboxItem(item.LocalID); got.State != state.OutboxFailed {
				t.Fatalf("after the refusal: %+v", got)
			}
			if tt.elsewhere {
				user, pass := r.srv.Credentials()
				c, err := msgboxx.New(msgboxx.Config{BaseURL: r.url, Username: user, Password: pass, Application: "mbx/web", Now: r.now})
				if err != nil {
					t.Fatal(err)
				}
				if _, err := c.SendMessage(context.Background(), msgboxx.NewMessage{APIAccountID: conv.AccountID, ContactID: conv.ContactID, Message: body}); err != nil {
					t.Fatal(err)
				}
			}
			r.srv.ResetStats()
			r.clock.Add(time.Minute)
			if err := r.engine.Retry(item.LocalID); err != nil {
				t.Fatal(err)
			}
			for range 3 {
				r.engine.SendPending(context.Background())
				r.clock.Add(10 * time.Second)
			}
			got, _, _ := r.store.OutboxItem(item.LocalID)
			if got.State != state.OutboxSent {
				t.Fatalf("after the retry: %+v", got)
			}
			if n := r.srv.Stats().Requests["POST /message"]; n != tt.wantPosts {
				t.Errorf("%d POSTs, want %d", n, tt.wantPosts)
			}
			if n := sendAndCount(t, r, conv, body); n != 1 {
				t.Errorf("%d copies on the platform, want 1", n)
			}
		})
	}
}
