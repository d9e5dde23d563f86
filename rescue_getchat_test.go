package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	gcsandbox "github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestRescueGetchat: the same rescue against the get.chat sandbox, with a
// template that takes the contact's first name: the dry run posts
// nothing, the real run one message a conversation, a second run none.
func TestRescueGetchat(t *testing.T) {
	setXDG(t)
	gs, gurl, stop, err := gcsandbox.Start(gcsandbox.Config{Seed: 1}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	writeConfig(t, "[accounts.gc]\nplatform = \"getchat\"\nbase_url = \""+gurl+"\"\nusername = \""+gcsandbox.DemoUsername+"\"\n")
	t.Setenv("MBX_PASSWORD", gcsandbox.DemoPassword)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, code := openSynced(ctx, "mbx test", accountFlags{}, false, 30*time.Second, io.Discard, testEnv(newFakeKeyring()))
	if s == nil {
		t.Fatalf("open: exit %d", code)
	}
	defer s.close()
	lost, err := s.store.ListConversations(state.View{Rescue: true, Now: time.Now()}, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(lost) == 0 {
		t.Skip("the get.chat demo data has no lost window")
	}
	var tpl state.Template
	tpls, err := s.store.Templates(lost[0].AccountID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range tpls {
		if tp.Approved() && len(tp.Parse().Placeholders) <= 1 {
			tpl = tp
			break
		}
	}
	if tpl.ID == "" {
		t.Skip("no approved template with at most one placeholder")
	}
	var ids []string
	for _, c := range lost {
		ids = append(ids, c.ID)
	}
	values := map[int]string{}
	for _, ph := range tpl.Parse().Placeholders {
		values[ph.Index] = "{first_name}"
	}
	posts := func() int {
		n := 0
		for k, v := range gs.Stats().Requests {
			if strings.HasPrefix(k, "POST ") && strings.Contains(k, "message") {
				n += v
			}
		}
		return n
	}
	before := posts()
	plan, err := s.engine.RescuePlan(ids, tpl, values)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, it := range plan {
		if it.Skip == "" {
			want++
			if strings.Contains(it.Body, "{first_name}") {
				t.Errorf("%s: %q", it.Conversation.ID, it.Body)
			}
		} else {
			t.Logf("%s skipped: %s", it.Conversation.ID, it.Skip)
		}
	}
	if posts() != before {
		t.Fatal("the dry run posted")
	}
	run := func() int {
		items, err := s.engine.RescueSend(ctx, ids, tpl, values, nil)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, it := range items {
			if it.Sent() {
				n++
			}
		}
		s.sendPending(ctx, 30*time.Second, func() bool {
			for _, it := range items {
				if cur, ok, _ := s.store.OutboxItem(it.Item.LocalID); it.Sent() && (!ok || !settled(cur.State)) {
					return false
				}
			}
			return true
		})
		return n
	}
	if n := run(); n != want || posts() != before+want {
		t.Fatalf("queued %d, posted %d; want %d", n, posts()-before, want)
	}
	if n := run(); n != 0 || posts() != before+want {
		t.Errorf("a second run queued %d, posted %d more", n, posts()-before-want)
	}
	t.Logf("%d lost windows; %d rescued with %s", len(lost), want, tpl.Name)
}
