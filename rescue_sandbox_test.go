package main

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

// TestRescueSandbox: a rescue against the msgboxx sandbox, through the
// account's store, engine and outbox as the inbox has them. The dry run
// sends nothing; the real run sends each template once (msgboxx sends a
// template as a broadcast: the sandbox counts them); a second run sends
// nothing new.
func TestRescueSandbox(t *testing.T) {
	r := newScriptRig(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, code := openSynced(ctx, "mbx test", accountFlags{}, false, 30*time.Second, io.Discard, r.e)
	if s == nil {
		t.Fatalf("open: exit %d", code)
	}
	defer s.close()

	lost, err := s.store.ListConversations(state.View{Rescue: true, Now: time.Now()}, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	// The conversations of one account with an approved template without
	// placeholders, at most four.
	var tpl state.Template
	var ids []string
	for _, c := range lost {
		if tpl.ID == "" {
			tpls, err := s.store.Templates(c.AccountID)
			if err != nil {
				t.Fatal(err)
			}
			for _, tp := range tpls {
				if tp.Approved() && len(tp.Parse().Placeholders) == 0 {
					tpl = tp
					break
				}
			}
		}
		if tpl.ID != "" && c.AccountID == tpl.AccountID && len(ids) < 4 {
			ids = append(ids, c.ID)
		}
	}
	if len(ids) == 0 {
		t.Fatalf("the demo data has no lost window with a template to rescue it (%d lost)", len(lost))
	}
	broadcasts := func() int { return len(r.srv.Snapshot().Broadcasts) }
	before := broadcasts()

	plan, err := s.engine.RescuePlan(ids, tpl, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, it := range plan {
		if it.Skip == "" {
			want++
		} else {
			t.Logf("%s skipped: %s", it.Conversation.ID, it.Skip)
		}
	}
	if want == 0 {
		t.Fatal("the dry run sends nothing")
	}
	s.sendPending(ctx, 0, func() bool { return true })
	if n := broadcasts(); n != before {
		t.Fatalf("the dry run sent %d broadcasts", n-before)
	}

	run := func() []state.RescueItem {
		items, err := s.engine.RescueSend(ctx, ids, tpl, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		s.sendPending(ctx, 30*time.Second, func() bool {
			for _, it := range items {
				if !it.Sent() {
					continue
				}
				cur, ok, err := s.store.OutboxItem(it.Item.LocalID)
				if err != nil || !ok || !settled(cur.State) {
					return false
				}
			}
			return true
		})
		return items
	}
	sent := 0
	for _, it := range run() {
		if it.Sent() {
			sent++
			if cur, _, _ := s.store.OutboxItem(it.Item.LocalID); cur.State != state.OutboxSent {
				t.Errorf("%s: %s (%s)", it.Conversation.ID, cur.State, cur.Reason)
			}
		}
	}
	t.Logf("%d lost windows; rescued %d of %d with %s: %d broadcasts more", len(lost), sent, len(ids), tpl.Name, broadcasts()-before)
	if sent != want || broadcasts() != before+want {
		t.Fatalf("queued %d, broadcasts %d more; want %d", sent, broadcasts()-before, want)
	}
	for _, it := range run() {
		if it.Sent() {
			t.Errorf("%s sent again", it.Conversation.ID)
		}
	}
	if n := broadcasts(); n != before+want {
		t.Errorf("a second run sent %d more broadcasts", n-before-want)
	}
}
