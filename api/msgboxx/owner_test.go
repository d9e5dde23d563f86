package msgboxx_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestColleagueSameTextAfterLostSend is issue 12's finding 4 against the
// sandbox: a colleague (the supervisor) sends "Thanks, see you then" to the
// customer, the agent sends the same, and the network drops the agent's
// request — before it reached the platform, or after the platform acted.
// The reply is never shown as the colleague's message: it is sent again,
// or its own copy (sender: the agent) is claimed.
func TestColleagueSameTextAfterLostSend(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		fault     sandbox.Fault
		wantPosts int // by the agent, the lost one included
	}{
		{"dropped before the platform", sandbox.Fault{Drop: true}, 2},
		{"dropped after the platform acted", sandbox.Fault{DropAfter: true}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newSyncedRig(t, true)
			conv := r.openConversation(t)
			ctx := context.Background()
			const body = "Thanks, see you then"

			// The colleague's message, through the API as the supervisor.
			var sup sandbox.Login
			for _, l := range r.srv.Users() {
				if strings.HasPrefix(l.Username, "supervisor") {
					sup = l
				}
			}
			if sup.Username == "" {
				t.Fatal("no supervisor in the sandbox")
			}
			c, err := msgboxx.New(msgboxx.Config{BaseURL: r.url, Username: sup.Username, Password: sup.Password,
				Application: "mbx/test-colleague", Now: r.now})
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := c.SendMessage(ctx, msgboxx.NewMessage{APIAccountID: conv.AccountID, ContactID: conv.ContactID, Message: body})
			if err != nil {
				t.Fatal(err)
			}
			r.clock.Add(time.Second)

			tt.fault.Methods, tt.fault.Paths, tt.fault.Count = []string{"POST"}, []string{"/message"}, 1
			r.srv.SetFaults(tt.fault)
			r.srv.ResetStats()
			item, err := r.engine.Send(conv.ID, body)
			if err != nil {
				t.Fatal(err)
			}
			r.engine.SendPending(ctx) // lost: uncertain
			r.srv.SetFaults()
			for range 3 { // reconcile, and a resend if it comes to that
				r.clock.Add(3 * time.Second)
				r.engine.SendPending(ctx)
			}
			r.syncUntil(t, 1)

			got, _, _ := r.store.OutboxItem(item.LocalID)
			if got.State != state.OutboxSent || got.ServerID == "" {
				t.Fatalf("the reply: %+v", got)
			}
			if got.ServerID == theirs.ID {
				t.Fatal("the colleague's message was taken as the agent's reply (shown ✓✓ though never sent)")
			}
			if n := r.srv.Stats().Requests["POST /message"]; n != tt.wantPosts {
				t.Errorf("%d POSTs by the agent, want %d", n, tt.wantPosts)
			}
			if n := r.srv.CountMessages(conv.ID, body); n != 2 {
				t.Errorf("%d messages with the text on the platform, want 2 (the colleague's and the agent's)", n)
			}
			if m, ok, _ := r.store.Message(theirs.ID); !ok || m.LocalID != "" {
				t.Errorf("the colleague's message in the store: %+v (%v)", m, ok)
			}
			if qs, _ := r.engine.Questions(""); len(qs) != 0 {
				t.Errorf("the agent asked although the platform names the sender: %+v", qs)
			}
		})
	}
}
