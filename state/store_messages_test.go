package state

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestApplyMessagesInsertAndConversation(t *testing.T) {
	s := openTest(t)
	res, err := s.ApplyMessages(Batch{
		Messages: []Message{
			inMsg("m1", "c1", "Hello there", at(-3*time.Hour)),
			outMsg("m2", "c1", "Hi! How can we help?\nSecond line", at(-2*time.Hour), StatusDelivered),
			inMsg("m3", "c2", "Order 66", at(-time.Hour)),
		},
		Contacts: []Contact{{ID: "kc1", AccountID: "a1", Name: "Ana Lima", Number: "+447902111123"}},
	}, t0)
	must(t, err)
	want := ApplyResult{
		NewConversations: []string{"c1", "c2"},
		Changed:          []string{"c1", "c2"},
		NewInbound:       []string{"c1", "c2"},
		Threads:          []string{"c1", "c2"},
		NewMessages:      3,
		Latest:           at(-time.Hour),
	}
	if !reflect.DeepEqual(res, want) {
		t.Errorf("result = %+v\nwant %+v", res, want)
	}
	c1 := getConv(t, s, "c1")
	wantC1 := Conversation{
		ID: "c1", AccountID: "a1", ContactID: "kc1", ContactName: "Ana Lima", ContactNumber: "+447902111123",
		Folder: FolderInbox, LastInbound: at(-3 * time.Hour), LastOutbound: at(-2 * time.Hour),
		LastActivity: at(-2 * time.Hour), Preview: "Hi! How can we help?", PreviewOut: true, Unread: 1,
	}
	if !reflect.DeepEqual(c1, wantC1) {
		t.Errorf("c1 = %+v\nwant %+v", c1, wantC1)
	}
	c2 := getConv(t, s, "c2")
	if c2.ContactName != "" || c2.Preview != "Order 66" || c2.PreviewOut || c2.Unread != 1 || c2.MetaKnown {
		t.Errorf("c2 = %+v", c2)
	}
	m := getMsg(t, s, "m2")
	wantM := outMsg("m2", "c1", "Hi! How can we help?\nSecond line", at(-2*time.Hour), StatusDelivered)
	if !reflect.DeepEqual(m, wantM) {
		t.Errorf("m2 = %+v\nwant %+v", m, wantM)
	}
	if _, ok, err := s.Message("nope"); ok || err != nil {
		t.Errorf("Message(nope) = %v, %v", ok, err)
	}
}

func TestApplyMessagesRepeatedBatchIsIdempotent(t *testing.T) {
	s := openTest(t)
	batch := []Message{
		inMsg("m1", "c1", "one", at(0)),
		inMsg("m1", "c1", "one", at(0)), // the same message twice in a batch
		outMsg("m2", "c1", "two", at(time.Minute), StatusSent),
	}
	first := apply(t, s, batch...)
	if first.NewMessages != 2 || first.StatusChanges != 0 {
		t.Errorf("first apply = %+v", first)
	}
	again := apply(t, s, batch...)
	want := ApplyResult{Latest: at(time.Minute)}
	if !reflect.DeepEqual(again, want) {
		t.Errorf("second apply = %+v, want %+v", again, want)
	}
	if n, _ := s.ThreadCount("c1"); n != 2 {
		t.Errorf("ThreadCount = %d, want 2", n)
	}
	if c := getConv(t, s, "c1"); c.Unread != 1 {
		t.Errorf("unread = %d after a repeated batch, want 1", c.Unread)
	}
}

func TestApplyMessagesStatusOnlyForward(t *testing.T) {
	tests := []struct {
		name        string
		steps       []MessageStatus
		reasons     []string
		want        MessageStatus
		wantReason  string
		wantChanges []int
	}{
		{"forward", []MessageStatus{StatusSent, StatusDelivered, StatusRead}, nil, StatusRead, "", []int{0, 1, 1}},
		{"never back", []MessageStatus{StatusRead, StatusDelivered, StatusSent, StatusPending}, nil, StatusRead, "", []int{0, 0, 0, 0}},
		{"unknown changes nothing", []MessageStatus{StatusDelivered, StatusUnknown}, nil, StatusDelivered, "", []int{0, 0}},
		{"failed wins over read", []MessageStatus{StatusRead, StatusFailed}, []string{"", "number blocked"}, StatusFailed, "number blocked", []int{0, 1}},
		{"failed stays failed", []MessageStatus{StatusFailed, StatusRead, StatusDelivered}, []string{"not on WhatsApp", "", ""}, StatusFailed, "not on WhatsApp", []int{0, 0, 0}},
		{"skip ahead", []MessageStatus{StatusPending, StatusRead}, nil, StatusRead, "", []int{0, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			for i, st := range tt.steps {
				m := outMsg("m1", "c1", "hi", at(0), st)
				if tt.reasons != nil {
					m.Reason = tt.reasons[i]
				}
				res := apply(t, s, m)
				if res.StatusChanges != tt.wantChanges[i] {
					t.Errorf("step %d (%v): StatusChanges = %d, want %d", i, st, res.StatusChanges, tt.wantChanges[i])
				}
			}
			m := getMsg(t, s, "m1")
			if m.Status != tt.want || m.Reason != tt.wantReason {
				t.Errorf("status = %v %q, want %v %q", m.Status, m.Reason, tt.want, tt.wantReason)
			}
		})
	}
}

func TestApplyMessagesUpdatesFields(t *testing.T) {
	s := openTest(t)
	apply(t, s, outMsg("m1", "c1", "draft text", at(0), StatusSent), inMsg("m0", "c1", "earlier", at(-time.Minute)))
	upd := outMsg("m1", "c1", "edited text", at(time.Second), StatusDelivered)
	upd.Template, upd.Sender = true, "Bo"
	res := apply(t, s, upd)
	if res.StatusChanges != 1 || res.NewMessages != 0 || !slices.Equal(res.Changed, []string{"c1"}) {
		t.Errorf("result = %+v", res)
	}
	m := getMsg(t, s, "m1")
	if m.Body != "edited text" || !m.Time.Equal(at(time.Second)) || !m.Template || m.Sender != "Bo" {
		t.Errorf("m1 = %+v", m)
	}
	c := getConv(t, s, "c1")
	if c.Preview != "edited text" || !c.LastOutbound.Equal(at(time.Second)) || !c.LastActivity.Equal(at(time.Second)) {
		t.Errorf("conversation = %+v", c)
	}
	// An update without body, sender or time keeps them; the template flag
	// stays set.
	res = apply(t, s, Message{ID: "m1", ConversationID: "c1", Direction: Outbound, Status: StatusRead})
	m = getMsg(t, s, "m1")
	if m.Body != "edited text" || !m.Time.Equal(at(time.Second)) || !m.Template || m.Sender != "Bo" || m.Status != StatusRead {
		t.Errorf("m1 after a bare status update = %+v", m)
	}
	if len(res.Changed) != 0 {
		t.Errorf("a status change reported the list row changed: %v", res.Changed)
	}
	// Moving the newest message back in time recomputes the preview.
	res = apply(t, s, outMsg("m1", "c1", "edited text", at(-2*time.Minute), StatusRead))
	c = getConv(t, s, "c1")
	if c.Preview != "earlier" || c.PreviewOut || !c.LastOutbound.Equal(at(-2*time.Minute)) || !c.LastActivity.Equal(at(-time.Minute)) {
		t.Errorf("conversation after time moved = %+v", c)
	}
	if !slices.Equal(res.Changed, []string{"c1"}) {
		t.Errorf("Changed = %v", res.Changed)
	}
	if m := getMsg(t, s, "m0"); m.Body != "earlier" {
		t.Errorf("m0 = %+v", m)
	}
	checkIntegrity(t, s)
}

func TestApplyMessagesTimeDefaultsToNow(t *testing.T) {
	s := openTest(t)
	m := inMsg("m1", "c1", "no time", time.Time{})
	res, err := s.ApplyMessages(Batch{Messages: []Message{m}}, at(time.Hour))
	must(t, err)
	if got := getMsg(t, s, "m1").Time; !got.Equal(at(time.Hour)) {
		t.Errorf("time = %v, want now", got)
	}
	if !res.Latest.Equal(at(time.Hour)) {
		t.Errorf("Latest = %v", res.Latest)
	}
}

func TestApplyMessagesEmptyBatch(t *testing.T) {
	s := openTest(t)
	res, err := s.ApplyMessages(Batch{}, t0)
	if err != nil || !reflect.DeepEqual(res, ApplyResult{}) {
		t.Errorf("empty batch = %+v, %v", res, err)
	}
}

func TestAggregatesPreviewAndUnread(t *testing.T) {
	s := openTest(t)
	apply(t, s, inMsg("m1", "c1", "first", at(0)), inMsg("m2", "c1", "second", at(time.Minute)))
	if c := getConv(t, s, "c1"); c.Unread != 2 || c.Preview != "second" {
		t.Fatalf("conversation = %+v", c)
	}
	// An older message synced late does not take the preview.
	res := apply(t, s, outMsg("m0", "c1", "older reply", at(-time.Minute), StatusRead))
	c := getConv(t, s, "c1")
	if c.Preview != "second" || c.PreviewOut || !c.LastOutbound.Equal(at(-time.Minute)) || !c.LastActivity.Equal(at(time.Minute)) {
		t.Errorf("after an older reply: %+v", c)
	}
	if !slices.Equal(res.Changed, []string{"c1"}) || len(res.NewInbound) != 0 {
		t.Errorf("result = %+v (last outbound changed, no customer message)", res)
	}

	must(t, s.MarkRead("c1", at(2*time.Minute)))
	if c := getConv(t, s, "c1"); c.Unread != 0 {
		t.Errorf("unread after MarkRead = %d", c.Unread)
	}
	// Customer messages from before the read time (synced late) stay read;
	// newer ones count.
	res = apply(t, s, inMsg("m3", "c1", "late but old", at(90*time.Second)), inMsg("m4", "c1", "new", at(3*time.Minute)))
	if c := getConv(t, s, "c1"); c.Unread != 1 || c.Preview != "new" {
		t.Errorf("after MarkRead and new inbound: %+v", c)
	}
	if !slices.Equal(res.NewInbound, []string{"c1"}) {
		t.Errorf("NewInbound = %v", res.NewInbound)
	}
	// Same time: the key decides, as in the thread.
	apply(t, s, outMsg("m5", "c1", "tie a", at(3*time.Minute), StatusSent))
	if c := getConv(t, s, "c1"); c.Preview != "tie a" || !c.PreviewOut {
		t.Errorf("tie: %+v", c)
	}
	must(t, s.MarkRead("unknown", t0)) // ignored
}

func TestPreviewOf(t *testing.T) {
	long := strings.Repeat("é", 300)
	tests := []struct{ in, want string }{
		{"", ""},
		{"hello", "hello"},
		{"  first line  \nsecond", "first line"},
		{"\n\n  lead\tspaces   inside \r\nmore", "lead spaces inside"},
		{long, strings.Repeat("é", 199) + "…"},
		{strings.Repeat("a", 200), strings.Repeat("a", 200)},
	}
	for _, tt := range tests {
		if got := previewOf(tt.in); got != tt.want {
			t.Errorf("previewOf(%.20q) = %.30q, want %.30q", tt.in, got, tt.want)
		}
	}
}

func TestApplyMessagesContacts(t *testing.T) {
	s := openTest(t)
	// A known contact names new conversations.
	must(t, s.UpsertContacts([]Contact{{ID: "kc1", Name: "Ana", Number: "+4479"}}))
	apply(t, s, inMsg("m1", "c1", "hi", t0))
	if c := getConv(t, s, "c1"); c.ContactName != "Ana" || c.ContactNumber != "+4479" {
		t.Errorf("conversation = %+v", c)
	}
	// A rename in a later batch refreshes the row and reports it changed.
	res, err := s.ApplyMessages(Batch{Contacts: []Contact{{ID: "kc1", Name: "Ana Lima", Number: "+4479"}}}, t0)
	must(t, err)
	if !slices.Equal(res.Changed, []string{"c1"}) {
		t.Errorf("Changed = %v", res.Changed)
	}
	if c := getConv(t, s, "c1"); c.ContactName != "Ana Lima" {
		t.Errorf("conversation = %+v", c)
	}
	// A conversation created without contact (by SetConversationMeta) is
	// completed by its first message.
	_, err = s.SetConversationMeta("c9", FolderArchive, "u1", "")
	must(t, err)
	must(t, s.UpsertContacts([]Contact{{ID: "kc9", Name: "Zed", Number: "+1555"}}))
	res = apply(t, s, inMsg("m9", "c9", "yo", t0))
	c := getConv(t, s, "c9")
	if c.ContactName != "Zed" || c.AccountID != "a1" || c.Folder != FolderArchive || c.UserID != "u1" || !c.MetaKnown {
		t.Errorf("c9 = %+v", c)
	}
	if len(res.NewConversations) != 0 {
		t.Errorf("NewConversations = %v for an existing row", res.NewConversations)
	}
}

// enqueueLocal enqueues an outbox item in state st with its local message.
func enqueueLocal(t testing.TB, s *Store, localID, conv, body string, created time.Time, st OutboxState) {
	t.Helper()
	item := OutboxItem{LocalID: localID, ConversationID: conv, AccountID: "a1", ContactID: "k" + conv, Kind: OutboxMessage,
		Body: body, Created: created, State: st}
	must(t, s.Enqueue(item, Message{Body: body, Time: created, Sender: "Agent"}))
}

func TestApplyMessagesAttachesToLocal(t *testing.T) {
	tests := []struct {
		name    string
		state   OutboxState
		conv    string // of the local message; "" = not known yet
		body    string
		created time.Duration // of the outbox item, relative to the platform message
		attach  bool
	}{
		{"sending", OutboxSending, "c1", "on my way", 0, true},
		{"uncertain", OutboxUncertain, "c1", "on my way", 0, true},
		{"created 5 min after (clock skew)", OutboxSending, "c1", "on my way", 5 * time.Minute, true},
		{"created long before (retried)", OutboxUncertain, "c1", "on my way", -time.Hour, true},
		{"no conversation yet, same contact", OutboxSending, "", "on my way", 0, true},
		{"created over 5 min after", OutboxSending, "c1", "on my way", 5*time.Minute + time.Second, false},
		{"different body", OutboxSending, "c1", "on my way!", 0, false},
		{"queued", OutboxQueued, "c1", "on my way", 0, false},
		{"failed", OutboxFailed, "c1", "on my way", 0, false},
		{"sent", OutboxSent, "c1", "on my way", 0, false},
		{"other conversation", OutboxSending, "c2", "on my way", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			actAsAgent(t, s) // only the agent's own copy is attached (outbox_owner_test.go)
			item := OutboxItem{LocalID: "L1", ConversationID: tt.conv, AccountID: "a1", ContactID: "kc1",
				Body: tt.body, Created: at(tt.created), State: tt.state}
			must(t, s.Enqueue(item, Message{Sender: "Agent"}))
			platform := sentBy(outMsg("p1", "c1", "on my way", t0, StatusSent), "Agent")
			res := apply(t, s, platform)

			local, _, _ := s.Message("local:L1")
			it, _, _ := s.OutboxItem("L1")
			n, _ := s.ThreadCount("c1")
			if tt.attach {
				if local.ID != "p1" || local.Status != StatusSent || !local.Time.Equal(t0) || local.ConversationID != "c1" || local.Sender != "Agent" {
					t.Errorf("local message = %+v", local)
				}
				if it.State != OutboxSent || it.ServerID != "p1" || it.ConversationID != "c1" {
					t.Errorf("outbox item = %+v", it)
				}
				if res.NewMessages != 0 || res.StatusChanges != 1 || n != 1 {
					t.Errorf("result = %+v, thread count %d; want the platform copy merged", res, n)
				}
				if m := getMsg(t, s, "p1"); m.LocalID != "L1" {
					t.Errorf("Message(p1) = %+v", m)
				}
			} else {
				if local.ID != "" || it.State != tt.state {
					t.Errorf("attached: local %+v, item %+v", local, it)
				}
				if res.NewMessages != 1 {
					t.Errorf("result = %+v", res)
				}
			}
			checkIntegrity(t, s)
		})
	}
}

func TestApplyMessagesAttachOldestFirstOnce(t *testing.T) {
	s := openTest(t)
	actAsAgent(t, s)
	// Two identical replies in flight: two platform copies take one each,
	// oldest first; a third copy is a new message.
	enqueueLocal(t, s, "L2", "c1", "ok", at(time.Second), OutboxSending)
	enqueueLocal(t, s, "L1", "c1", "ok", at(0), OutboxSending)
	res := apply(t, s, sentBy(outMsg("p1", "c1", "ok", at(0), StatusSent), "Agent"))
	if m := getMsg(t, s, "local:L1"); m.ID != "p1" {
		t.Errorf("first copy went to %+v, want L1", m)
	}
	if res.NewMessages != 0 {
		t.Errorf("result = %+v", res)
	}
	res = apply(t, s, sentBy(outMsg("p1", "c1", "ok", at(0), StatusDelivered), "Agent"),
		sentBy(outMsg("p2", "c1", "ok", at(time.Second), StatusSent), "Agent"),
		sentBy(outMsg("p3", "c1", "ok", at(2*time.Second), StatusSent), "Agent"))
	if m := getMsg(t, s, "local:L2"); m.ID != "p2" {
		t.Errorf("second copy went to %+v, want L2", m)
	}
	if res.NewMessages != 1 || res.StatusChanges != 2 {
		t.Errorf("result = %+v", res)
	}
	if n, _ := s.ThreadCount("c1"); n != 3 {
		t.Errorf("ThreadCount = %d, want 3", n)
	}
	c := getConv(t, s, "c1")
	if !c.LastOutbound.Equal(at(2*time.Second)) || c.Preview != "ok" || !c.PreviewOut {
		t.Errorf("conversation = %+v", c)
	}
}

func TestApplyMessagesInboundNeverAttaches(t *testing.T) {
	s := openTest(t)
	enqueueLocal(t, s, "L1", "c1", "ok", t0, OutboxSending)
	res := apply(t, s, inMsg("p1", "c1", "ok", t0))
	if res.NewMessages != 1 {
		t.Errorf("result = %+v", res)
	}
	if m := getMsg(t, s, "local:L1"); m.ID != "" {
		t.Errorf("inbound attached to %+v", m)
	}
}

func TestThread(t *testing.T) {
	s := openTest(t)
	var msgs []Message
	for i := range 10 {
		msgs = append(msgs, inMsg(fmt.Sprintf("m%02d", i), "c1", fmt.Sprint(i), at(time.Duration(i)*time.Minute)))
	}
	// Two more at the same time as m05: ordered by key.
	msgs = append(msgs, inMsg("m05b", "c1", "5b", at(5*time.Minute)), inMsg("m05a", "c1", "5a", at(5*time.Minute)))
	msgs = append(msgs, inMsg("x1", "c2", "other", at(0)))
	apply(t, s, msgs...)
	enqueueLocal(t, s, "L1", "c1", "local", at(20*time.Minute), OutboxQueued)

	keys := func(ms []Message) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.Key())
		}
		return out
	}
	tests := []struct {
		name   string
		before time.Time
		limit  int
		want   []string
	}{
		{"newest page", time.Time{}, 4, []string{"m07", "m08", "m09", "local:L1"}},
		{"before m06", at(6 * time.Minute), 4, []string{"m04", "m05", "m05a", "m05b"}},
		{"strictly older", at(5 * time.Minute), 2, []string{"m03", "m04"}},
		{"start", at(1 * time.Minute), 10, []string{"m00"}},
		{"nothing older", at(0), 10, nil},
		{"zero limit", time.Time{}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Thread("c1", tt.before, tt.limit)
			must(t, err)
			if !slices.Equal(keys(got), tt.want) {
				t.Errorf("Thread = %v, want %v", keys(got), tt.want)
			}
		})
	}
	for conv, want := range map[string]int{"c1": 13, "c2": 1, "none": 0} {
		if n, err := s.ThreadCount(conv); err != nil || n != want {
			t.Errorf("ThreadCount(%s) = %d, %v; want %d", conv, n, err, want)
		}
	}
}

func TestNonFinalOutgoing(t *testing.T) {
	s := openTest(t)
	apply(t, s,
		outMsg("sent", "c1", "a", at(1*time.Minute), StatusSent),
		outMsg("pending", "c1", "b", at(2*time.Minute), StatusPending),
		outMsg("delivered", "c1", "c", at(3*time.Minute), StatusDelivered),
		outMsg("read", "c1", "d", at(4*time.Minute), StatusRead),
		outMsg("failed", "c1", "e", at(5*time.Minute), StatusFailed),
		outMsg("old", "c1", "f", at(-time.Hour), StatusSent),
		inMsg("inbound", "c1", "g", at(6*time.Minute)),
	)
	enqueueLocal(t, s, "L1", "c1", "local only", at(7*time.Minute), OutboxQueued)
	ids := func(ms []Message) []string {
		var out []string
		for _, m := range ms {
			out = append(out, m.ID)
		}
		return out
	}
	got, err := s.NonFinalOutgoing(t0, 10)
	must(t, err)
	if want := []string{"sent", "pending", "delivered"}; !slices.Equal(ids(got), want) {
		t.Errorf("NonFinalOutgoing = %v, want %v", ids(got), want)
	}
	got, err = s.NonFinalOutgoing(time.Time{}, 2)
	must(t, err)
	if want := []string{"old", "sent"}; !slices.Equal(ids(got), want) {
		t.Errorf("NonFinalOutgoing(zero, 2) = %v, want %v", ids(got), want)
	}
	// Once read, it is final.
	apply(t, s, outMsg("sent", "c1", "a", at(1*time.Minute), StatusRead))
	got, _ = s.NonFinalOutgoing(t0, 10)
	if want := []string{"pending", "delivered"}; !slices.Equal(ids(got), want) {
		t.Errorf("after read: %v, want %v", ids(got), want)
	}
}

func TestApplyMessagesLargeBatch(t *testing.T) {
	s := openTest(t)
	n, budget := 10000, 5*time.Second
	if raceEnabled() {
		n, budget = 2000, 20*time.Second
	}
	msgs := make([]Message, n)
	for i := range msgs {
		conv := fmt.Sprintf("c%03d", i%500)
		if (i/500)%2 == 0 {
			msgs[i] = inMsg(fmt.Sprintf("m%05d", i), conv, fmt.Sprintf("message number %d about the order", i), at(time.Duration(i)*time.Second))
		} else {
			msgs[i] = outMsg(fmt.Sprintf("m%05d", i), conv, fmt.Sprintf("reply %d", i), at(time.Duration(i)*time.Second), StatusDelivered)
		}
	}
	start := time.Now()
	res, err := s.ApplyMessages(Batch{Messages: msgs}, t0)
	must(t, err)
	took := time.Since(start)
	t.Logf("ApplyMessages of %d messages: %v", n, took)
	if res.NewMessages != n || len(res.NewConversations) != 500 || len(res.NewInbound) != 500 {
		t.Errorf("result: %d new, %d conversations, %d inbound", res.NewMessages, len(res.NewConversations), len(res.NewInbound))
	}
	if took > budget {
		t.Errorf("ApplyMessages of %d messages took %v", n, took)
	}
	c := getConv(t, s, "c499")
	if want := fmt.Sprintf("reply %d", n-1); c.Preview != want || c.Unread != n/1000 {
		t.Errorf("c499 = %+v", c)
	}
}

func TestMessageBodyBytesRoundTrip(t *testing.T) {
	s := openTest(t)
	bodies := []string{"\xff\x1b[31mbad bytes then colour", "nul\x00inside", "\u202eRTL override", "emoji 😀\r\n", ""}
	var msgs []Message
	for i, b := range bodies {
		msgs = append(msgs, inMsg(fmt.Sprint("m", i), "c1", b, at(time.Duration(i)*time.Second)))
	}
	apply(t, s, msgs...)
	for i, b := range bodies {
		if got := getMsg(t, s, fmt.Sprint("m", i)).Body; got != b {
			t.Errorf("body %q came back as %q", b, got)
		}
	}
}

// Contacts named by messages carry only name, number and status: applying
// them must not erase the email and tags the contact sync stored.
func TestApplyMessagesKeepsContactDetails(t *testing.T) {
	s := openTest(t)
	now := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	full := Contact{ID: "k1", AccountID: "a1", Name: "Nia", Number: "+447911123456", Status: "Subscribed",
		Email: "nia@example.com", Tags: []string{"vip"}, Created: now.Add(-time.Hour)}
	if err := s.UpsertContacts([]Contact{full}); err != nil {
		t.Fatal(err)
	}
	b := Batch{
		Messages: []Message{{ID: "m1", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Body: "hi", Time: now}},
		Contacts: []Contact{{ID: "k1", AccountID: "a1", Name: "Nia Jones", Number: "+447911123456", Status: "Subscribed"}},
	}
	if _, err := s.ApplyMessages(b, now); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.Contact("k1")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if got.Name != "Nia Jones" || got.Email != full.Email || len(got.Tags) != 1 || got.Tags[0] != "vip" || !got.Created.Equal(full.Created) {
		t.Errorf("contact after a message named it: %+v", got)
	}
	// A contact first seen in a message is stored as far as it is known.
	b.Messages[0].ID, b.Contacts[0].ID, b.Messages[0].ContactID = "m2", "k2", "k2"
	b.Messages[0].ConversationID, b.Contacts[0].Number = "c2", "+447911123457"
	if _, err := s.ApplyMessages(b, now); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := s.Contact("k2"); !ok || got.Number != "+447911123457" {
		t.Errorf("new contact from a message: %+v", got)
	}
}

// A poll re-reads an overlap: messages applied again unchanged name no
// thread to redraw; a status that moves names its conversation.
func TestApplyMessagesThreadsOnlyWhenChanged(t *testing.T) {
	s := openTest(t)
	b := Batch{Messages: []Message{
		inMsg("m1", "c1", "Hello there", at(-3*time.Hour)),
		outMsg("m2", "c2", "On its way", at(-2*time.Hour), StatusSent),
	}}
	_, err := s.ApplyMessages(b, t0)
	must(t, err)
	res, err := s.ApplyMessages(b, t0)
	must(t, err)
	if len(res.Threads) != 0 {
		t.Errorf("the same batch again: Threads = %v, want none", res.Threads)
	}
	b.Messages[1].Status = StatusDelivered
	res, err = s.ApplyMessages(b, t0)
	must(t, err)
	if !slices.Equal(res.Threads, []string{"c2"}) {
		t.Errorf("a status moved: Threads = %v, want [c2]", res.Threads)
	}
}
