package state

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestEnqueue(t *testing.T) {
	s := openTest(t)
	apply(t, s, inMsg("m1", "c1", "Is it in stock?", at(-time.Hour)))
	must(t, s.SaveDraft(Draft{ConversationID: "c1", Text: "Yes, it i", Updated: at(-time.Minute)}))
	must(t, s.SaveDraft(Draft{ConversationID: "c2", Text: "other", Updated: at(-time.Minute)}))

	item := OutboxItem{LocalID: "L1", ConversationID: "c1", AccountID: "a1", ContactID: "kc1", Kind: OutboxMessage,
		Body: "Yes, it is.\nShall I reserve one?", Created: t0}
	msg := Message{LocalID: "L1", ConversationID: "c1", AccountID: "a1", ContactID: "kc1", Direction: Outbound,
		Body: item.Body, Time: t0, Status: StatusPending, Sender: "Bo"}
	must(t, s.Enqueue(item, msg))

	got, ok, err := s.OutboxItem("L1")
	item.State = OutboxQueued
	if err != nil || !ok || !reflect.DeepEqual(got, item) {
		t.Errorf("OutboxItem = %+v, %v, %v\nwant %+v", got, ok, err, item)
	}
	m := getMsg(t, s, "local:L1")
	if !reflect.DeepEqual(m, msg) {
		t.Errorf("local message = %+v\nwant %+v", m, msg)
	}
	c := getConv(t, s, "c1")
	if c.Preview != "Yes, it is." || !c.PreviewOut || !c.LastOutbound.Equal(t0) || !c.LastActivity.Equal(t0) || c.Unread != 1 {
		t.Errorf("conversation = %+v", c)
	}
	if _, ok, _ := s.Draft("c1"); ok {
		t.Error("Enqueue left the conversation's draft")
	}
	if _, ok, _ := s.Draft("c2"); !ok {
		t.Error("Enqueue removed another conversation's draft")
	}
	if th, _ := s.Thread("c1", time.Time{}, 10); len(th) != 2 || th[1].Key() != "local:L1" {
		t.Errorf("thread = %+v", th)
	}

	// A conversation not in the store yet is created; the message is
	// completed from the item.
	must(t, s.UpsertContacts([]Contact{{ID: "kc9", Name: "New Person", Number: "+1555"}}))
	must(t, s.Enqueue(OutboxItem{LocalID: "L2", ConversationID: "c9", AccountID: "a1", ContactID: "kc9", Kind: OutboxTemplate,
		TemplateID: "tpl", Body: "Hello New Person", Created: at(time.Minute)}, Message{Template: true}))
	c9 := getConv(t, s, "c9")
	if c9.ContactName != "New Person" || c9.Preview != "Hello New Person" || c9.Folder != FolderInbox || c9.MetaKnown {
		t.Errorf("c9 = %+v", c9)
	}
	m2 := getMsg(t, s, "local:L2")
	if m2.Direction != Outbound || m2.Status != StatusPending || m2.Body != "Hello New Person" || !m2.Time.Equal(at(time.Minute)) || !m2.Template {
		t.Errorf("m2 = %+v", m2)
	}

	// Errors, none of which writes anything.
	bad := []struct {
		name string
		item OutboxItem
		msg  Message
	}{
		{"no local id", OutboxItem{Body: "x"}, Message{}},
		{"other local id", OutboxItem{LocalID: "L3"}, Message{LocalID: "L4"}},
		{"platform id", OutboxItem{LocalID: "L3"}, Message{ID: "p1"}},
		{"bad state", OutboxItem{LocalID: "L3", State: "lost"}, Message{}},
		{"duplicate", OutboxItem{LocalID: "L1", ConversationID: "c1"}, Message{}},
	}
	for _, tt := range bad {
		if err := s.Enqueue(tt.item, tt.msg); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
	}
	if n := rowCount(t, s, "outbox"); n != 2 {
		t.Errorf("%d outbox rows, want 2", n)
	}
	if n, _ := s.ThreadCount("c1"); n != 2 {
		t.Errorf("c1 has %d messages, want 2", n)
	}
	checkIntegrity(t, s)
}

func TestEnqueueWithoutConversation(t *testing.T) {
	s := openTest(t)
	actAsAgent(t, s)
	// A first message to a contact: no conversation id until the platform
	// answers; the platform's copy then attaches by account and contact.
	must(t, s.Enqueue(OutboxItem{LocalID: "L1", AccountID: "a1", ContactID: "kc1", Body: "hello", Created: t0,
		State: OutboxSending}, Message{}))
	if n := rowCount(t, s, "conversations"); n != 0 {
		t.Errorf("%d conversations created without an id", n)
	}
	res := apply(t, s, sentBy(outMsg("p1", "c1", "hello", t0.Add(time.Second), StatusSent), "Agent"))
	if !slices.Equal(res.NewConversations, []string{"c1"}) || res.NewMessages != 0 {
		t.Errorf("result = %+v", res)
	}
	if c := getConv(t, s, "c1"); c.Preview != "hello" || !c.PreviewOut {
		t.Errorf("conversation = %+v", c)
	}
	if it, _, _ := s.OutboxItem("L1"); it.State != OutboxSent || it.ConversationID != "c1" {
		t.Errorf("item = %+v", it)
	}
}

func TestOutboxListAndUpdate(t *testing.T) {
	s := openTest(t)
	enqueueLocal(t, s, "L2", "c1", "two", at(2*time.Second), OutboxQueued)
	enqueueLocal(t, s, "L1", "c1", "one", at(1*time.Second), OutboxQueued)
	enqueueLocal(t, s, "L3", "c2", "three", at(3*time.Second), OutboxQueued)
	ids := func(items []OutboxItem) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.LocalID)
		}
		return out
	}
	all, err := s.Outbox()
	must(t, err)
	if want := []string{"L1", "L2", "L3"}; !slices.Equal(ids(all), want) {
		t.Errorf("Outbox() = %v, want %v", ids(all), want)
	}
	it := all[1]
	it.State, it.Attempts, it.NextAttempt, it.Reason, it.ServerID, it.FollowUp = OutboxUncertain, 2, at(time.Minute), "timeout", "", "b1"
	it.Body = "ignored"
	must(t, s.UpdateOutbox(it))
	got, _, _ := s.OutboxItem("L2")
	it.Body = "two"
	if !reflect.DeepEqual(got, it) {
		t.Errorf("after update = %+v\nwant %+v", got, it)
	}
	tests := []struct {
		states []OutboxState
		want   []string
	}{
		{[]OutboxState{OutboxQueued}, []string{"L1", "L3"}},
		{[]OutboxState{OutboxUncertain, OutboxSending}, []string{"L2"}},
		{[]OutboxState{OutboxQueued, OutboxUncertain}, []string{"L1", "L2", "L3"}},
		{[]OutboxState{OutboxFailed}, nil},
	}
	for _, tt := range tests {
		got, err := s.Outbox(tt.states...)
		must(t, err)
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("Outbox(%v) = %v, want %v", tt.states, ids(got), tt.want)
		}
	}
	if err := s.UpdateOutbox(OutboxItem{LocalID: "nope", State: OutboxSent}); !errors.Is(err, ErrNotFound) {
		t.Errorf("UpdateOutbox(unknown) = %v, want ErrNotFound", err)
	}
	if err := s.UpdateOutbox(OutboxItem{LocalID: "L1", State: "bogus"}); err == nil {
		t.Error("UpdateOutbox with a bad state accepted")
	}
	if _, ok, err := s.OutboxItem("nope"); ok || err != nil {
		t.Errorf("OutboxItem(nope) = %v, %v", ok, err)
	}
}

func TestCompleteOutbox(t *testing.T) {
	tests := []struct {
		name string
		// before CompleteOutbox: sync stores the platform copy as its own
		// row (item queued, so it cannot attach), or attaches it (item
		// sending), or nothing.
		syncFirst string // "", "separate", "attached"
		serverSt  MessageStatus
		syncSt    MessageStatus
		want      MessageStatus
	}{
		{"complete only", "", StatusSent, 0, StatusSent},
		{"complete without status", "", StatusUnknown, 0, StatusPending},
		{"sync first, separate row", "separate", StatusSent, StatusDelivered, StatusDelivered},
		{"sync first, read", "separate", StatusPending, StatusRead, StatusRead},
		{"sync first, attached", "attached", StatusSent, StatusRead, StatusRead},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			apply(t, s, inMsg("m0", "c1", "question", at(-time.Minute)))
			state := OutboxQueued
			if tt.syncFirst == "attached" {
				state = OutboxSending
			}
			enqueueLocal(t, s, "L1", "c1", "answer", t0, state)
			platform := outMsg("p1", "c1", "answer", t0.Add(2*time.Second), tt.syncSt)
			platform.Sender = ""
			if tt.syncFirst != "" {
				apply(t, s, platform)
				if tt.syncFirst == "separate" {
					if n, _ := s.ThreadCount("c1"); n != 3 {
						t.Fatalf("setup: thread has %d messages, want 3", n)
					}
				}
			}
			server := outMsg("p1", "c1", "answer", t0.Add(2*time.Second), tt.serverSt)
			server.Sender = ""
			must(t, s.CompleteOutbox("L1", server))

			if n, _ := s.ThreadCount("c1"); n != 2 {
				t.Errorf("thread has %d messages, want 2 (one row for the reply)", n)
			}
			m := getMsg(t, s, "p1")
			if m.LocalID != "L1" || m.Status != tt.want || !m.Time.Equal(t0.Add(2*time.Second)) || m.Sender != "Agent" || m.Body != "answer" {
				t.Errorf("message = %+v (want status %v)", m, tt.want)
			}
			if byLocal := getMsg(t, s, "local:L1"); byLocal != m {
				t.Errorf("Message(local:L1) = %+v, want the same row", byLocal)
			}
			it, _, _ := s.OutboxItem("L1")
			if it.State != OutboxSent || it.ServerID != "p1" {
				t.Errorf("item = %+v", it)
			}
			c := getConv(t, s, "c1")
			if c.Preview != "answer" || !c.PreviewOut || !c.LastOutbound.Equal(t0.Add(2*time.Second)) {
				t.Errorf("conversation = %+v", c)
			}
			if hits, _ := s.SearchMessages("answer", 10); len(hits) != 1 {
				t.Errorf("search finds %d copies", len(hits))
			}
			// Sync after completion: the same row, status forward.
			res := apply(t, s, outMsg("p1", "c1", "answer", t0.Add(2*time.Second), StatusRead))
			if res.NewMessages != 0 {
				t.Errorf("sync after completion = %+v", res)
			}
			if n, _ := s.ThreadCount("c1"); n != 2 {
				t.Errorf("thread has %d messages after sync, want 2", n)
			}
			checkIntegrity(t, s)
		})
	}
}

func TestCompleteOutboxErrors(t *testing.T) {
	s := openTest(t)
	if err := s.CompleteOutbox("nope", outMsg("p1", "c1", "x", t0, StatusSent)); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown item: %v", err)
	}
	enqueueLocal(t, s, "L1", "c1", "x", t0, OutboxSending)
	if err := s.CompleteOutbox("L1", Message{}); err == nil {
		t.Error("completion without platform id accepted")
	}
	// A platform message already owned by another item is not taken.
	enqueueLocal(t, s, "L2", "c1", "y", t0, OutboxSending)
	must(t, s.CompleteOutbox("L1", outMsg("p1", "c1", "x", t0, StatusSent)))
	if err := s.CompleteOutbox("L2", outMsg("p1", "c1", "x", t0, StatusSent)); err == nil {
		t.Error("second item completed with the first one's message")
	}
	if m := getMsg(t, s, "local:L2"); m.ID != "" || m.Body != "y" {
		t.Errorf("L2's message = %+v", m)
	}
}

func TestFailAndResendOutbox(t *testing.T) {
	s := openTest(t)
	enqueueLocal(t, s, "L1", "c1", "please keep this text", t0, OutboxSending)
	must(t, s.FailOutbox("L1", "window closed"))
	it, _, _ := s.OutboxItem("L1")
	if it.State != OutboxFailed || it.Reason != "window closed" {
		t.Errorf("item = %+v", it)
	}
	m := getMsg(t, s, "local:L1")
	if m.Status != StatusFailed || m.Reason != "window closed" || m.Body != "please keep this text" {
		t.Errorf("message = %+v", m)
	}
	// A failed item is not attached to a platform copy.
	if res := apply(t, s, outMsg("p1", "c1", "please keep this text", t0, StatusSent)); res.NewMessages != 1 {
		t.Errorf("apply = %+v", res)
	}

	it.Attempts = 3
	must(t, s.UpdateOutbox(it))
	must(t, s.ResendOutbox("L1", at(time.Hour)))
	it, _, _ = s.OutboxItem("L1")
	if it.State != OutboxQueued || it.Reason != "" || it.Attempts != 3 || !it.NextAttempt.Equal(at(time.Hour)) {
		t.Errorf("item after resend = %+v", it)
	}
	m = getMsg(t, s, "local:L1")
	if m.Status != StatusPending || m.Reason != "" || m.Body != "please keep this text" {
		t.Errorf("message after resend = %+v", m)
	}
	must(t, s.ResendOutbox("L1", at(2*time.Hour))) // already queued: nothing to do
	if it, _, _ := s.OutboxItem("L1"); !it.NextAttempt.Equal(at(time.Hour)) {
		t.Errorf("second resend changed the item: %+v", it)
	}

	must(t, s.CompleteOutbox("L1", outMsg("p2", "c1", "please keep this text", at(time.Hour), StatusSent)))
	if err := s.ResendOutbox("L1", t0); err == nil {
		t.Error("resend of a sent item accepted")
	}
	if err := s.ResendOutbox("nope", t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("resend of unknown: %v", err)
	}
	if err := s.FailOutbox("nope", "x"); !errors.Is(err, ErrNotFound) {
		t.Errorf("fail of unknown: %v", err)
	}
	// A completion overrules a local failure.
	enqueueLocal(t, s, "L3", "c1", "third", at(2*time.Hour), OutboxSending)
	must(t, s.FailOutbox("L3", "timeout"))
	must(t, s.CompleteOutbox("L3", outMsg("p3", "c1", "third", at(2*time.Hour), StatusSent)))
	if m := getMsg(t, s, "p3"); m.Status != StatusSent || m.Reason != "" {
		t.Errorf("completed after failure = %+v", m)
	}
	checkIntegrity(t, s)
}

func TestOutboxSurvivesReopen(t *testing.T) {
	s := openTest(t)
	enqueueLocal(t, s, "L1", "c1", "in flight", t0, OutboxSending)
	path := s.path
	must(t, s.Close())
	s, err := Open(path)
	must(t, err)
	defer s.Close()
	items, err := s.Outbox(OutboxSending, OutboxUncertain)
	must(t, err)
	if len(items) != 1 || items[0].Body != "in flight" {
		t.Errorf("outbox after reopen = %+v", items)
	}
}
