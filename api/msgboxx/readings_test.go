package msgboxx_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestUnderEachReading runs the client's whole round — a first sync, a
// reply, a template, their statuses, a poll — against the sandbox under
// each reading of what the reference leaves open, one switch at a time:
// page order, the token's claim layout, broadcast details immediate or
// one step late, read receipts from some customers or from everyone. The
// store equals the server afterwards; the reply and the template are
// each stored once with the status the sandbox gives; Mine is the agent's.
func TestUnderEachReading(t *testing.T) {
	t.Parallel()
	readings := []struct {
		name string
		set  func(*sandbox.Config)
	}{
		{"defaults", func(*sandbox.Config) {}},
		{"order=newest", func(s *sandbox.Config) { s.Order = "newest" }},
		{"claims=sub-username", func(s *sandbox.Config) { s.Claims = sandbox.ClaimsSubUsername }},
		{"broadcast-delay=2m", func(s *sandbox.Config) { s.BroadcastQueueDelay = 2 * time.Minute }},
		{"read-receipts=all", func(s *sandbox.Config) { s.ReadReceipts = "all" }},
	}
	for _, rd := range readings {
		t.Run(rd.name, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, true, smallHistory("oldest"), func(s *sandbox.Config, _ *state.Config) { rd.set(s) })
			r.syncUntil(t, 3)
			checkStoreEqualsServer(t, r, 3)
			if r.engine.Me() == "" {
				t.Fatal("the agent is not known")
			}
			ctx := context.Background()

			conv := r.openConversation(t)
			reply, err := r.engine.Send(conv.ID, "reading "+rd.name)
			if err != nil {
				t.Fatal(err)
			}
			tpls, _ := r.store.Templates(conv.AccountID)
			var tpl state.Template
			for _, tp := range tpls {
				if tp.Approved() && len(tp.Parse().Placeholders) <= 2 {
					tpl = tp
					break
				}
			}
			if tpl.ID == "" {
				t.Fatal("no approved template")
			}
			values := map[int]string{}
			for _, p := range tpl.Parse().Placeholders {
				values[p.Index] = fmt.Sprintf("v%d", p.Index)
			}
			tmpl, err := r.engine.SendTemplate(conv, tpl, values)
			if err != nil {
				t.Fatal(err)
			}
			// Time passes in steps (statuses, the broadcast queue), the
			// outbox and the poll run between them.
			for range 8 {
				r.engine.SendPending(ctx)
				r.clock.Add(time.Minute)
				r.syncUntil(t, 3)
			}
			for _, it := range []state.OutboxItem{reply, tmpl} {
				got, ok, err := r.store.OutboxItem(it.LocalID)
				if err != nil || !ok || got.State != state.OutboxSent || got.ServerID == "" {
					t.Fatalf("%q not sent: %+v %v", it.Body, got, err)
				}
				m, ok, _ := r.store.Message(got.ServerID)
				if !ok || m.Status < state.StatusDelivered {
					t.Fatalf("%q: %+v, want delivered or read", it.Body, m)
				}
			}
			msgs, _ := r.store.Thread(conv.ID, time.Time{}, 1000)
			seen := map[string]int{}
			for _, m := range msgs {
				seen[m.Body]++
			}
			if seen[reply.Body] != 1 || seen[tmpl.Body] != 1 {
				t.Fatalf("copies: reply %d, template %d (want one each)", seen[reply.Body], seen[tmpl.Body])
			}
			checkStoreEqualsServer(t, r, 3)
		})
	}
}
