package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
)

// Rescue and snooze over the team inbox (newTeamInbox), with windows lost
// while customers waited: Dana (30h ago), Eli (26h ago), Fay (25h ago, no
// number), and Gus (28h ago, but we answered since). The engine does not
// run: what the keys queued is read back from the store's outbox.
func newRescueInbox(t *testing.T, w, h int) *teamInbox {
	t.Helper()
	ti := newTeamInbox(t, w, h, decorated{})
	ti.app.keys.Rescue = bind("8", "rescue", "8")
	ti.app.keys.RescueSend = bind("W", "rescue templates…", "W")
	ti.app.keys.Snooze = bind("z", "snooze…", "z")
	ti.app.keys.Snoozed = bind("9", "snoozed", "9")
	ti.app.keys.Unsnooze = bind("Z", "wake", "Z")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	in := func(id, conv, contact, body string, ago time.Duration) state.Message {
		return state.Message{ID: id, ConversationID: conv, AccountID: "a1", ContactID: contact, Direction: state.Inbound,
			Body: body, Time: teamNow.Add(-ago)}
	}
	out := in("o8", "c8", "k8", "Done, thanks", 27*time.Hour)
	out.Direction, out.Status = state.Outbound, state.StatusRead
	_, err := ti.st.ApplyMessages(state.Batch{
		Contacts: []state.Contact{
			{ID: "k5", AccountID: "a1", Name: "Dana Reyes", Number: "+447902111127"},
			{ID: "k6", AccountID: "a1", Name: "Eli \x1b[31mRed", Number: "+447902111128"},
			{ID: "k7", AccountID: "a1", Name: "Fay Noone"},
			{ID: "k8", AccountID: "a1", Name: "Gus Grey", Number: "+447902111129"},
		},
		Messages: []state.Message{
			in("m5", "c5", "k5", "Is the room still free?", 30*time.Hour),
			in("m6", "c6", "k6", "Can I visit on Friday?", 26*time.Hour),
			in("m7", "c7", "k7", "Hello??", 25*time.Hour),
			in("m8", "c8", "k8", "Thanks", 28*time.Hour), out,
		},
	}, teamNow)
	must(err)
	must(ti.st.ReplaceTemplates([]state.Template{{ID: "tp1", AccountID: "a1", Name: "comeback", Language: "en", Status: "Approved",
		Text: "Hi {{1}}, are you still looking for a room?", Example: "Hi [Ana], are you still looking for a room?"}}))
	ti.drive(ti.app.reloadSidebar())
	ti.drive(ti.app.reloadList(""))
	return ti
}

func (ti *teamInbox) outbox() []state.OutboxItem {
	ti.t.Helper()
	items, err := ti.st.Outbox()
	if err != nil {
		ti.t.Fatal(err)
	}
	return items
}

// The dry run sends nothing; the real run queues each template once; a
// second run queues nothing new.
func TestRescueDryRunThenOnce(t *testing.T) {
	ti := newRescueInbox(t, 120, 40)
	ti.keys("8")
	if got := ti.sidebarLine("Rescue"); !strings.Contains(got, "3") {
		t.Errorf("sidebar Rescue = %q, want a count of 3", got)
	}
	ti.keys("V", "W", "enter") // all in view, the template picker, comeback
	frame := ti.frame()
	if !strings.Contains(frame, "Template comeback → 3 conversations") || !strings.Contains(frame, "{first_name}") {
		t.Fatalf("form:\n%s", frame)
	}
	ti.keys("enter") // the dry run
	frame = ti.frame()
	for _, want := range []string{"dry run: nothing is sent", "Would send 2 templates, skip 1.",
		"Eli ␛[31mRed", "→ Hi Eli, are you still looking for a room?", "→ Hi Dana, are you still looking", "skipped: the contact has no number"} {
		if !strings.Contains(frame, want) {
			t.Errorf("dry run lacks %q:\n%s", want, frame)
		}
	}
	if strings.Contains(frame, "\x1b[31m") {
		t.Error("the contact's escape reached the frame")
	}
	if n := len(ti.outbox()); n != 0 {
		t.Fatalf("the dry run queued %d", n)
	}
	ti.keys("enter") // confirm: the real run
	if got := ti.outbox(); len(got) != 2 {
		t.Fatalf("queued %d, want 2", len(got))
	}
	frame = ti.frame()
	if !strings.Contains(frame, "Queued 2 templates, skipped 1.") || !strings.Contains(frame, "Rescue: 2 templates queued, 1 skipped") {
		t.Errorf("results:\n%s", frame)
	}
	ti.keys("esc")
	if ti.app.top() != nil {
		t.Errorf("the rescue's dialogs stay open")
	}
	// Again on what is left: nothing new.
	ti.keys("V", "W", "enter", "enter")
	if !strings.Contains(ti.frame(), "Would send 0 templates, skip 1.") {
		t.Errorf("second dry run:\n%s", ti.frame())
	}
	ti.keys("enter", "esc")
	if got := ti.outbox(); len(got) != 2 {
		t.Errorf("after a second run: %d queued, want 2", len(got))
	}
	for _, it := range ti.outbox() {
		if it.Kind != state.OutboxTemplate || it.TemplateName != "comeback" || (it.ConversationID != "c5" && it.ConversationID != "c6") {
			t.Errorf("queued %+v", it)
		}
	}
}

// Outside the Rescue view the key says where to go.
func TestRescueKeyOutsideView(t *testing.T) {
	ti := newRescueInbox(t, 120, 40)
	ti.keys("W")
	if ti.app.top() != nil || !strings.Contains(ti.frame(), "Bulk template sends start from the Rescue view (8)") {
		t.Errorf("frame:\n%s", ti.frame())
	}
}

// The snooze dialog takes the keys typed after its key (type-ahead), caps
// the wake by the window, and the conversation leaves the Inbox for
// Snoozed; Z wakes it.
func TestSnoozeDialog(t *testing.T) {
	ti := newRescueInbox(t, 120, 40)
	ti.selectRow("Ana Lima") // wrote an hour ago: the window closes in 23h
	ti.keys("z", "30h")
	if !strings.Contains(ti.frame(), "wakes at Mon 10:30, 30 min before the window closes") {
		t.Errorf("dialog:\n%s", ti.frame())
	}
	ti.keys("enter")
	c := ti.conv("c1")
	if want := teamNow.Add(23*time.Hour - 30*time.Minute); !c.SnoozedUntil.Equal(want) {
		t.Errorf("snoozed until %v, want %v", c.SnoozedUntil, want)
	}
	if ti.app.top() != nil || !strings.Contains(ti.frame(), "Snoozed Ana Lima: wakes at") {
		t.Errorf("frame:\n%s", ti.frame())
	}
	if strings.Contains(ti.frame(), "● Ana Lima") || !strings.Contains(ti.sidebarLine("Snoozed"), "1") {
		t.Errorf("Ana still listed in the Inbox:\n%s", ti.frame())
	}
	ti.keys("9")
	if !strings.Contains(ti.frame(), "Ana Lima") {
		t.Errorf("Snoozed view lacks Ana:\n%s", ti.frame())
	}
	// A section of the snoozed lists her too, and Z wakes her there.
	q, err := state.ParseQuery("snoozed:yes")
	if err != nil {
		t.Fatal(err)
	}
	ti.app.list.Reset(state.View{Query: q})
	ti.drive(ti.app.reloadList(""))
	if c, ok := ti.app.list.Selected(); !ok || c.ID != "c1" {
		t.Fatalf("the section lists %+v", c)
	}
	ti.keys("Z")
	if c := ti.conv("c1"); !c.SnoozedUntil.IsZero() {
		t.Errorf("still snoozed after Z")
	}
	// A typo is said, not sent.
	ti.drive(ti.app.showEntry("inbox"))
	ti.keys("z", "soon", "enter")
	if !strings.Contains(ti.frame(), `"soon" is neither a time like 14:30 nor a duration like 90m`) {
		t.Errorf("frame:\n%s", ti.frame())
	}
}

// z on marked conversations snoozes them all, each capped by its own
// window; the snoozed are unmarked.
func TestSnoozeMarked(t *testing.T) {
	ti := newRescueInbox(t, 120, 40)
	ti.selectRow("Ana Lima")
	var marked []string
	for range 2 {
		c, _ := ti.app.list.Selected()
		marked = append(marked, c.ID)
		ti.keys("x")
	}
	ti.keys("z", "30h")
	if f := ti.frame(); !strings.Contains(f, "Snooze 2 marked conversations") || !strings.Contains(f, "they wake at Mon 18:00 or when their customers write") {
		t.Errorf("dialog:\n%s", f)
	}
	ti.keys("enter")
	for _, id := range marked {
		c := ti.conv(id)
		cap, ok := state.SnoozeCap(c, teamNow)
		if !ok || !c.SnoozedUntil.Equal(cap) {
			t.Errorf("%s snoozed until %v, want its window's cap %v", id, c.SnoozedUntil, cap)
		}
	}
	if f := ti.frame(); ti.app.top() != nil || !strings.Contains(f, "Snoozed 2 conversations till Mon 18:00 or a reply (2 capped by their windows)") {
		t.Errorf("frame:\n%s", f)
	}
	if n := len(ti.app.list.Targets()); n != 1 {
		t.Errorf("marks left: %d targets", n)
	}
	// One whose window closes within the margin is not snoozed, stays
	// marked, and is named.
	_, err := ti.st.ApplyMessages(state.Batch{
		Contacts: []state.Contact{{ID: "k9", AccountID: "a1", Name: "Hal Late", Number: "+447902111130"}},
		Messages: []state.Message{{ID: "m9", ConversationID: "c9", AccountID: "a1", ContactID: "k9", Direction: state.Inbound,
			Body: "still there?", Time: teamNow.Add(-23*time.Hour - 40*time.Minute)}},
	}, teamNow)
	if err != nil {
		t.Fatal(err)
	}
	ti.drive(ti.app.reloadList(""))
	ti.app.list.Unmark(ti.app.list.Targets())
	ti.selectRow("Chloé Martin")
	ti.keys("x")
	ti.selectRow("Hal Late")
	ti.keys("x", "z", "enter")
	if c := ti.conv("c9"); !c.SnoozedUntil.IsZero() {
		t.Errorf("Hal snoozed until %v, 20 min before the window closes", c.SnoozedUntil)
	}
	if c := ti.conv("c3"); c.SnoozedUntil.IsZero() {
		t.Errorf("Chloé not snoozed")
	}
	if f := ti.frame(); !strings.Contains(f, "Not snoozed (still marked): Hal Late — the window closes in 20m") {
		t.Errorf("frame:\n%s", f)
	}
	if got := ti.app.list.Targets(); len(got) != 1 || got[0] != "c9" {
		t.Errorf("marked after: %v, want [c9]", got)
	}
	ti.app.list.Unmark(ti.app.list.Targets())
	// In the Snoozed view, z on marks says Z wakes them.
	ti.keys("9", "x", "x", "z")
	if f := ti.frame(); ti.app.top() != nil || !strings.Contains(f, "These are snoozed: Z wakes them") {
		t.Errorf("frame:\n%s", f)
	}
}

func TestGoldenRescueFrames(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}} {
		for _, sc := range []struct {
			name string
			keys []string
		}{
			{"rescue_view", []string{"8"}},
			{"rescue_dry_run", []string{"8", "V", "W", "enter", "enter"}},
			{"rescue_results", []string{"8", "V", "W", "enter", "enter", "enter"}},
			{"snooze_dialog", []string{"z", "\x0e", "\x0e"}}, // two downs (below)
			{"snooze_typed", []string{"z", "90m"}},
			{"snooze_marked", []string{"x", "x", "z"}},
			{"snoozed_view", []string{"z", "90m", "enter", "j", "z", "\x0e", "\x0e", "\x0e", "enter", "9"}},
		} {
			t.Run(sc.name+"_"+sz.name, func(t *testing.T) {
				ti := newRescueInbox(t, sz.w, sz.h)
				for _, k := range sc.keys {
					if k == "\x0e" {
						ti.send(tea.KeyPressMsg{Code: tea.KeyDown})
						continue
					}
					ti.keys(k)
				}
				frame := ti.frame()
				for _, l := range strings.Split(frame, "\n") {
					if w := len([]rune(l)); w > sz.w {
						t.Errorf("line wider than %d: %q", sz.w, l)
					}
				}
				golden.RequireEqual(t, frame)
			})
		}
	}
}

// A long dry run scrolls: the rows that fit, then how many more.
func TestRescueDialogScrolls(t *testing.T) {
	d := &rescueDialog{km: testKeys(), tpl: state.Template{Name: "comeback"}, phase: rescuePlanned}
	for i := range 30 {
		d.items = append(d.items, state.RescueItem{Conversation: state.Conversation{ID: "c", ContactName: "Customer " + string(rune('A'+i))},
			Body: "Hi, are you still looking?"})
	}
	view := func() string {
		return ansi.Strip(d.View(viewCtx{st: newStyles(true), keys: d.km, w: 80, h: 16}))
	}
	v := view()
	if lines := strings.Count(v, "\n") + 1; lines > 16 || !strings.Contains(v, "Customer A") || !strings.Contains(v, "more") {
		t.Fatalf("%d lines:\n%s", lines, v)
	}
	d.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
	if v := view(); strings.Contains(v, "Customer A ") || !strings.Contains(v, "Customer B") {
		t.Errorf("after j:\n%s", v)
	}
}

func TestParseSnooze(t *testing.T) {
	now := time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC) // a Monday
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{"90m", now.Add(90 * time.Minute), ""},
		{" 2h30m ", now.Add(150 * time.Minute), ""},
		{"14:30", time.Date(2025, 3, 10, 14, 30, 0, 0, time.UTC), ""},
		{"09:00", time.Date(2025, 3, 11, 9, 0, 0, 0, time.UTC), ""}, // passed today: tomorrow
		{"12:00", time.Date(2025, 3, 11, 12, 0, 0, 0, time.UTC), ""},
		{"-5m", time.Time{}, "not ahead"},
		{"25:00", time.Time{}, "neither"},
		{"soon\x1b[2J", time.Time{}, "neither"},
	}
	for _, tt := range tests {
		got, err := parseSnooze(tt.in, now)
		switch {
		case tt.err != "":
			if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), "\x1b") {
				t.Errorf("%q: err %v, want %q", tt.in, err, tt.err)
			}
		case err != nil || !got.Equal(tt.want):
			t.Errorf("%q = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	// The presets, and what the dialog says of them.
	if r := snoozeRequest(2, now); !r.Until.Equal(time.Date(2025, 3, 11, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("tomorrow 9:00 = %v", r.Until)
	}
	if r := snoozeRequest(3, now); !r.UntilReply {
		t.Errorf("until the customer writes = %+v", r)
	}
	waiting := state.Conversation{LastInbound: now.Add(-20 * time.Hour)}
	p, err := state.PlanSnooze(waiting, state.SnoozeRequest{UntilReply: true}, now)
	if err != nil || describeSnooze(p, now) != "wakes when the customer writes, or at 15:30, 30 min before the window closes" {
		t.Errorf("until they write: %q %v", describeSnooze(p, now), err)
	}
}
