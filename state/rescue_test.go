package state

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkView checks that a view's list, count and IndexOf agree with want.
func checkView(t *testing.T, s *Store, name string, v View, want []string) {
	t.Helper()
	got, err := s.ListConversations(v, 0, 100)
	must(t, err)
	if !slices.Equal(ids(got), want) {
		t.Errorf("%s: list = %v, want %v", name, ids(got), want)
	}
	n, err := s.CountConversations(v)
	must(t, err)
	if n != len(want) {
		t.Errorf("%s: count = %d, want %d", name, n, len(want))
	}
	for i, id := range want {
		if idx, err := s.IndexOf(v, id); err != nil || idx != i {
			t.Errorf("%s: IndexOf(%s) = %d, %v; want %d", name, id, idx, err, i)
		}
	}
}

func TestRescueView(t *testing.T) {
	s := viewFixture(t)
	tests := []struct {
		name string
		v    View
		want []string
	}{
		// Closed while the customer waited, most recently lost first; not
		// h (our reply at the same time), g (we replied last), i (archived).
		{"at t0", View{Rescue: true, Now: t0}, []string{"e"}},
		{"an hour later", View{Rescue: true, Now: at(time.Hour)}, []string{"b", "o", "n", "f", "e"}},
		{"an hour later, mine", View{Rescue: true, Now: at(time.Hour), UserID: "u1"}, []string{"b"}},
		{"an hour later, archive", View{Rescue: true, Now: at(time.Hour), Folder: FolderArchive}, []string{"i"}},
		{"without a clock", View{Rescue: true}, nil},
	}
	for _, tt := range tests {
		checkView(t, s, tt.name, tt.v, tt.want)
	}
	id, idx, _, ok, err := s.NextUnread(View{Rescue: true, Now: at(time.Hour)}, "o")
	must(t, err)
	if !ok || id != "n" || idx != 2 {
		t.Errorf("NextUnread after o = %s %d %v, want n 2", id, idx, ok)
	}
}

func TestPlanSnooze(t *testing.T) {
	waiting := Conversation{LastInbound: at(-20 * time.Hour)} // window closes at +4h
	answered := Conversation{LastInbound: at(-20 * time.Hour), LastOutbound: at(-time.Hour)}
	closed := Conversation{LastInbound: at(-30 * time.Hour)}
	tests := []struct {
		name       string
		c          Conversation
		r          SnoozeRequest
		want       time.Time
		capped     bool
		forever    bool
		wantErr    string
		windowOpen bool
	}{
		{"an hour, waiting", waiting, SnoozeRequest{Until: at(time.Hour)}, at(time.Hour), false, false, "", true},
		{"past the margin is capped", waiting, SnoozeRequest{Until: at(5 * time.Hour)}, at(3*time.Hour + 30*time.Minute), true, false, "", true},
		{"until they write, capped", waiting, SnoozeRequest{UntilReply: true}, at(3*time.Hour + 30*time.Minute), true, false, "", true},
		{"answered: no cap", answered, SnoozeRequest{Until: at(48 * time.Hour)}, at(48 * time.Hour), false, false, "", false},
		{"closed: no cap", closed, SnoozeRequest{Until: at(48 * time.Hour)}, at(48 * time.Hour), false, false, "", false},
		{"until they write, closed", closed, SnoozeRequest{UntilReply: true}, time.Time{}, false, true, "", false},
		{"a past time", waiting, SnoozeRequest{Until: at(-time.Minute)}, time.Time{}, false, false, "passed", false},
		{"inside the margin", Conversation{LastInbound: at(-23*time.Hour - 40*time.Minute)}, SnoozeRequest{Until: at(time.Hour)},
			time.Time{}, false, false, "closes in 20m", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanSnooze(tt.c, tt.r, t0)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			must(t, err)
			if tt.forever {
				if !SnoozeForever(p.Wake) {
					t.Errorf("wake = %v, want until they write", p.Wake)
				}
			} else if !p.Wake.Equal(tt.want) {
				t.Errorf("wake = %v, want %v", p.Wake, tt.want)
			}
			if p.Capped != tt.capped || !p.WindowClose.IsZero() != tt.windowOpen {
				t.Errorf("capped %v window %v, want %v %v", p.Capped, p.WindowClose, tt.capped, tt.windowOpen)
			}
		})
	}
}

func TestSnoozeLeavesViewsAndWakes(t *testing.T) {
	s := viewFixture(t)
	e := NewEngine(s, nil, Config{Now: func() time.Time { return t0 }})
	// a: the customer wrote an hour ago; the window closes at +23h.
	p, err := e.Snooze("a", SnoozeRequest{Until: at(48 * time.Hour)})
	must(t, err)
	if !p.Capped || !p.Wake.Equal(at(22*time.Hour+30*time.Minute)) {
		t.Fatalf("plan = %+v", p)
	}
	// k: until the customer writes (no customer message yet: no cap).
	_, err = e.Snooze("k", SnoozeRequest{UntilReply: true})
	must(t, err)
	// b (mine, closing soon at +1h): an hour, capped at +30m.
	_, err = e.Snooze("b", SnoozeRequest{Until: at(time.Hour)})
	must(t, err)
	checkIntegrity(t, s)
	inbox := []string{"l", "d", "g", "c", "h", "n", "o", "f", "e"}
	checkView(t, s, "inbox", View{}, inbox)
	checkView(t, s, "unassigned", View{Unassigned: true}, []string{"c", "h", "o", "f"})
	checkView(t, s, "mine", View{UserID: "u1"}, []string{"l", "g"})
	checkView(t, s, "closing", View{ClosingSoon: true, Now: t0}, []string{"f", "n", "o", "h", "c"})
	checkView(t, s, "unread", View{Unread: true}, []string{"l", "d", "g", "c", "h", "n", "o", "f", "e"})
	checkView(t, s, "snoozed", View{Snoozed: true}, []string{"k", "a", "b"})
	must(t, s.MarkRead("k", t0))
	checkView(t, s, "snoozed unread", View{Snoozed: true, Unread: true}, []string{"a", "b"})
	// Queries leave them out too, counted from the counts table or not.
	for src, want := range map[string][]string{
		"":                          inbox,
		"folder:any":                {"l", "d", "g", "c", "h", "n", "o", "f", "e", "j", "m", "i"},
		"assignee:none":             {"d", "c", "h", "n", "o", "f"},
		"folder:any window:closing": {"c", "h", "n", "o", "f", "i"},
		"folder:any -assignee:none": {"l", "g", "e", "m"},
	} {
		qq, err := ParseQuery(src)
		must(t, err)
		got, err := s.ListConversations(View{Query: qq, Now: t0}, 0, 100)
		must(t, err)
		n, err := s.CountConversations(View{Query: qq, Now: t0})
		must(t, err)
		if !sameSet(ids(got), want) || n != len(want) {
			t.Errorf("query %q: %v (count %d), want %v", src, ids(got), n, want)
		}
	}
	counts, err := s.FolderCounts()
	must(t, err)
	if counts[FolderInbox] != len(inbox) {
		t.Errorf("inbox folder count = %d, want %d", counts[FolderInbox], len(inbox))
	}
	snoozed, _ := s.ListConversations(View{Snoozed: true}, 0, 10)
	for _, c := range snoozed {
		if c.ID == "k" && (!c.SnoozeReply || !SnoozeForever(c.SnoozedUntil)) {
			t.Errorf("k = %v %v, want until they write", c.SnoozedUntil, c.SnoozeReply)
		}
	}

	// Nothing due yet; at +30m b wakes.
	n, err := e.WakeDue(at(29 * time.Minute))
	must(t, err)
	if n != 0 {
		t.Errorf("woke %d before time", n)
	}
	woke, err := s.WakeDue(at(30 * time.Minute))
	must(t, err)
	if !slices.Equal(woke, []string{"b"}) {
		t.Errorf("woke %v, want [b]", woke)
	}
	// The customer writes in k: it wakes at once, in the same write.
	if res := apply(t, s, inMsg("in-k2", "k", "hello?", at(2*time.Hour))); !slices.Contains(res.Changed, "k") {
		t.Errorf("the woken k is not in Changed: %v", res.Changed)
	}
	checkIntegrity(t, s)
	checkView(t, s, "snoozed after", View{Snoozed: true}, []string{"a"})
	checkView(t, s, "mine after", View{UserID: "u1"}, []string{"l", "g", "b"})
	// Moves while snoozed keep the counts right.
	_, err = s.SetConversationMeta("a", FolderArchive, "u1", "")
	must(t, err)
	_, err = s.MarkUnread("a")
	must(t, err)
	checkIntegrity(t, s)
	checkView(t, s, "archive", View{Folder: FolderArchive}, []string{"m", "i"})
	must(t, e.Unsnooze("a"))
	checkIntegrity(t, s)
	checkView(t, s, "archive woken", View{Folder: FolderArchive}, []string{"a", "m", "i"})
	checkView(t, s, "snoozed empty", View{Snoozed: true}, nil)
}

func TestRescueSendExactlyOnce(t *testing.T) {
	s := viewFixture(t)
	now := at(time.Hour)
	_, err := s.ApplyMessages(Batch{Contacts: []Contact{
		{ID: "kb", AccountID: "a1", Name: "Bea Silva", Number: "+351910000001"},
		{ID: "kn", AccountID: "a1", Name: "Nuno", Number: "+351910000002"},
		{ID: "ko", AccountID: "a1", Name: "", Number: "+351910000003"},
		{ID: "ke", AccountID: "a1", Name: "Eva Lima", Number: ""},
	}}, t0)
	must(t, err)
	must(t, s.ReplaceTemplates([]Template{
		{ID: "tp1", AccountID: "a1", Name: "comeback", Status: "Approved", Text: "Hi {{1}}, still there?", Example: "Hi [Ana], still there?"},
		{ID: "tp2", AccountID: "a1", Name: "draft", Status: "Pending", Text: "x"},
	}))
	e := NewEngine(s, nil, Config{Now: func() time.Time { return now }})
	tpl := Template{Name: "comeback"}
	all := []string{"b", "n", "o", "f", "e", "a"}
	vals := map[int]string{1: "{first_name}"}

	plan, err := e.RescuePlan(all, tpl, vals)
	must(t, err)
	want := map[string]string{ // id → body or "skip: why"
		"b": "Hi Bea, still there?",
		"n": "Hi Nuno, still there?",
		"o": "skip: no name for {first_name}",
		"f": "skip: no number",
		"e": "skip: no number",
		"a": "skip: window is open",
	}
	// f has a contact without a number (never named): the store gives none.
	for _, it := range plan {
		w := want[it.Conversation.ID]
		if why, ok := strings.CutPrefix(w, "skip: "); ok {
			if !strings.Contains(it.Skip, why) {
				t.Errorf("%s: skip = %q, want %q", it.Conversation.ID, it.Skip, why)
			}
		} else if it.Skip != "" || it.Body != w {
			t.Errorf("%s: body %q skip %q, want %q", it.Conversation.ID, it.Body, it.Skip, w)
		}
	}
	if q, _ := s.Outbox(); len(q) != 0 {
		t.Fatalf("dry run queued %d", len(q))
	}
	// A template missing in the account.
	none, err := e.RescuePlan([]string{"b"}, Template{Name: "draft"}, nil)
	must(t, err)
	if !strings.Contains(none[0].Skip, "no approved template") {
		t.Errorf("pending template: %q", none[0].Skip)
	}

	var progress []int
	res, err := e.RescueSend(context.Background(), all, tpl, vals, func(done, total int) { progress = append(progress, done) })
	must(t, err)
	sent := 0
	for _, it := range res {
		if it.Sent() {
			sent++
		}
		if it.Err != nil {
			t.Errorf("%s: %v", it.Conversation.ID, it.Err)
		}
	}
	q, _ := s.Outbox()
	if sent != 2 || len(q) != 2 || len(progress) != len(all) {
		t.Fatalf("sent %d, outbox %d, progress %v", sent, len(q), progress)
	}
	for _, it := range q {
		if it.Kind != OutboxTemplate || it.TemplateID != "tp1" || !slices.Contains([]string{"b", "n"}, it.ConversationID) {
			t.Errorf("queued %+v", it)
		}
	}
	// Queued templates are the record: a second run (after a crash) sends
	// nothing new, and the rescued conversations left the view.
	again, err := e.RescueSend(context.Background(), all, tpl, vals, nil)
	must(t, err)
	for _, it := range again {
		if it.Sent() {
			t.Errorf("%s sent twice", it.Conversation.ID)
		}
	}
	if q, _ := s.Outbox(); len(q) != 2 {
		t.Errorf("outbox after rerun: %d", len(q))
	}
	checkView(t, s, "rescue after", View{Rescue: true, Now: now}, []string{"o", "f", "e"})
	// The outbox item alone (its local message gone, as after a crash
	// between the two) still keeps it from a second send.
	_, err = s.db.Exec("DELETE FROM messages WHERE local_id IS NOT NULL AND conversation_id = 'b'")
	must(t, err)
	_, err = s.db.Exec("UPDATE conversations SET last_outbound = 0 WHERE id = 'b'")
	must(t, err)
	again, err = e.RescueSend(context.Background(), []string{"b"}, tpl, vals, nil)
	must(t, err)
	if again[0].Sent() || !strings.Contains(again[0].Skip, "already has a message") {
		t.Errorf("b after a crash: %+v", again[0])
	}
}
