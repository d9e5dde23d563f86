package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
)

// Failed replies: the retry key, the Failed view and the template offered
// when the window has closed, over the team inbox (newTeamInbox) with
// failed replies in its store. The engine does not run: what the keys
// did is read back from the store.

// newFailedInbox is the team inbox with the failed-reply keys and two
// failed replies: to Ana Lima (window open; refused by the platform; the
// newest) and to Dana Reyes (archived; her window closed 6 hours ago).
func newFailedInbox(t *testing.T, w, h int) *teamInbox {
	t.Helper()
	ti := newTeamInbox(t, w, h, decorated{})
	ti.app.keys.Retry = bind("R", "retry failed reply", "R")
	ti.app.keys.Failed = bind("7", "failed", "7")
	ti.app.thread.retryKey = ti.app.retryKey()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	_, err := ti.st.ApplyMessages(state.Batch{
		Contacts: []state.Contact{{ID: "k5", AccountID: "a1", Name: "Dana Reyes", Number: "+447902111127"}},
		Messages: []state.Message{{ID: "m5", ConversationID: "c5", AccountID: "a1", ContactID: "k5", Direction: state.Inbound,
			Body: "Is the room still free?", Time: teamNow.Add(-30 * time.Hour)}},
	}, teamNow)
	must(err)
	_, err = ti.st.SetConversationMeta("c5", state.FolderArchive, "", "")
	must(err)
	must(ti.st.ReplaceTemplates([]state.Template{{ID: "tp1", AccountID: "a1", Name: "follow_up", Language: "en", Status: "Approved",
		Text: "Sorry for the wait: {{1}}"}}))
	fail := func(id, conv, contact, body, reason string, ago time.Duration) {
		it := state.OutboxItem{LocalID: id, ConversationID: conv, AccountID: "a1", ContactID: contact, Kind: state.OutboxMessage,
			Body: body, Created: teamNow.Add(-ago)}
		must(ti.st.Enqueue(it, state.Message{}))
		must(ti.st.FailOutbox(id, reason))
	}
	fail("L1", "c1", "k1", "The viewing is at 3pm tomorrow", "the platform refused it: the number is not on WhatsApp", 10*time.Minute)
	fail("L5", "c5", "k5", "Yes, it is free\nfrom Monday", "the 24-hour window closed at Nov 22 06:00 before this could be sent", 7*time.Hour)
	ti.drive(ti.app.reloadSidebar())
	ti.drive(ti.app.reloadList(""))
	return ti
}

func (ti *teamInbox) item(id string) state.OutboxItem {
	ti.t.Helper()
	it, ok, err := ti.st.OutboxItem(id)
	if err != nil || !ok {
		ti.t.Fatalf("outbox item %s: %v %v", id, ok, err)
	}
	return it
}

// The retry key acts on the newest failed reply of the conversation in
// reach — from the thread, from the list, from the Failed view — and puts
// it back as uncertain (looked for on the platform before any send), its
// message pending; a conversation with none says so.
func TestRetryKey(t *testing.T) {
	tests := []struct {
		name      string
		keys      []string
		wantState state.OutboxState
		wantFlash string
	}{
		{"from the thread", []string{"enter", "R"}, state.OutboxUncertain, "Retrying the reply to Ana Lima: looking for it on the platform first"},
		{"from the list", []string{"R"}, state.OutboxUncertain, "Retrying the reply to Ana Lima"},
		{"from the Failed view", []string{"7", "R"}, state.OutboxUncertain, "Retrying the reply to Ana Lima"},
		{"a conversation without one", []string{"j", "R"}, state.OutboxFailed, "Ben Okafor has no failed reply to retry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti := newFailedInbox(t, 120, 40)
			ti.keys(tt.keys...)
			it := ti.item("L1")
			if it.State != tt.wantState {
				t.Errorf("the failed reply is %s, want %s", it.State, tt.wantState)
			}
			if !strings.Contains(ti.app.bar.flash, tt.wantFlash) {
				t.Errorf("status bar %q, want %q", ti.app.bar.flash, tt.wantFlash)
			}
			if ti.item("L5").State != state.OutboxFailed {
				t.Error("another conversation's failed reply was retried")
			}
			if tt.wantState == state.OutboxUncertain {
				msgs, _ := ti.st.Thread("c1", time.Time{}, 10)
				if m := msgs[len(msgs)-1]; m.LocalID != "L1" || m.Status != state.StatusPending || m.Reason != "" {
					t.Errorf("the retried message %+v, want pending", m)
				}
			}
		})
	}
}

// The retry key typed while the Failed view is still being read waits for
// its rows: "7 R" retries the first row's reply.
func TestRetryKeyWaitsForTheView(t *testing.T) {
	ti := newFailedInbox(t, 120, 40)
	_, load := ti.app.Update(keyMsgs("7")[0])
	_, held := ti.app.Update(keyMsgs("R")[0])
	ti.drive(held)
	ti.drive(load)
	if it := ti.item("L1"); it.State != state.OutboxUncertain {
		t.Errorf("the first row's failed reply is %s, want retried (uncertain); status %q", it.State, ti.app.bar.flash)
	}
}

// The thread marks the failed reply the retry key acts on, under its
// reason.
func TestRetryHintInThread(t *testing.T) {
	ti := newFailedInbox(t, 120, 40)
	ti.keys("enter")
	f := ti.frame()
	if !strings.Contains(f, "✗ the platform refused it: the number is not") || !strings.Contains(f, "on WhatsApp · R retries") {
		t.Fatalf("no retry hint under the failed reply:\n%s", f)
	}
	ti.keys("R")
	if f := ti.frame(); strings.Contains(f, "R retries") {
		t.Errorf("the hint stays on a reply on its way:\n%s", f)
	}
}

// The Failed view lists every conversation with a failed reply, in any
// folder, each with its reason; the sidebar counts them; enter opens one.
func TestFailedViewRows(t *testing.T) {
	ti := newFailedInbox(t, 120, 40)
	if f := ti.frame(); !strings.Contains(f, "Failed") {
		t.Fatalf("no Failed view in the sidebar:\n%s", f)
	}
	ti.keys("7")
	if !ti.app.list.view.Failed || ti.app.list.total != 2 {
		t.Fatalf("view %+v with %d rows, want the Failed view's 2", ti.app.list.view, ti.app.list.total)
	}
	f := ti.frame()
	for _, want := range []string{"Ana Lima", "✗ the platform refused it: the …", "Dana Reyes", "✗ the 24-hour window closed at …"} {
		if !strings.Contains(f, want) {
			t.Errorf("Failed view lacks %q:\n%s", want, f)
		}
	}
	if strings.Contains(f, "Ben Okafor") {
		t.Errorf("a conversation without a failed reply listed:\n%s", f)
	}
	// A second failed reply to Ana: her row counts them.
	it := state.OutboxItem{LocalID: "L1b", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Kind: state.OutboxMessage,
		Body: "Bring ID", Created: teamNow.Add(-5 * time.Minute)}
	if err := ti.st.Enqueue(it, state.Message{}); err != nil {
		t.Fatal(err)
	}
	if err := ti.st.FailOutbox("L1b", "timed out"); err != nil {
		t.Fatal(err)
	}
	ti.drive(ti.app.reloadList(""))
	if f := ti.frame(); !strings.Contains(f, "✗ 2 failed: timed out") {
		t.Errorf("Ana's row does not count her two failed replies:\n%s", f)
	}
	ti.keys("j", "enter")
	if ti.app.thread.conv.ID != "c5" || ti.app.focus != focusThread {
		t.Errorf("enter opened %q (focus %v), want Dana Reyes's thread", ti.app.thread.conv.ID, ti.app.focus)
	}
}

// With no failed reply the view is not in the sidebar, and its key says
// there is nothing to retry.
func TestFailedViewEmpty(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.app.keys.Failed = bind("7", "failed", "7")
	if f := ti.frame(); strings.Contains(f, "Failed") {
		t.Errorf("an empty Failed view in the sidebar:\n%s", f)
	}
	ti.keys("7")
	if ti.app.list.view.Failed || ti.app.bar.flash != "No failed replies: nothing to retry" {
		t.Errorf("view %+v, status %q", ti.app.list.view, ti.app.bar.flash)
	}
}

// A failed freeform reply whose window has closed: the retry key offers
// the templates, the failed text the value of the first free field; the
// template sent settles the failed reply (replaced), which is not sent.
func TestRetryClosedWindowOffersTemplate(t *testing.T) {
	ti := newFailedInbox(t, 120, 40)
	ti.keys("7", "j", "R")
	if ti.item("L5").State != state.OutboxFailed {
		t.Fatal("a reply to a closed window was put back in the queue")
	}
	p, ok := isOpen[*templatePicker](ti.app)
	if !ok || p.replaces.LocalID != "L5" {
		t.Fatalf("no template picker for the failed reply (open %v)", ok)
	}
	if ti.app.thread.conv.ID != "c5" {
		t.Errorf("the thread shows %q, want Dana Reyes's", ti.app.thread.conv.ID)
	}
	if f := ti.frame(); !strings.Contains(f, "in place of the failed reply") {
		t.Errorf("the picker does not say what it is for:\n%s", f)
	}
	ti.keys("enter") // the template
	f, ok := isOpen[*templateForm](ti.app)
	if !ok {
		t.Fatal("no template form")
	}
	if got := f.fields[0].Value(); got != "Yes, it is free from Monday" {
		t.Errorf("the first field holds %q, want the failed text on one line", got)
	}
	ti.keys("enter") // send
	if _, open := isOpen[*templateForm](ti.app); open {
		t.Fatalf("the form is still open: %q", f.err)
	}
	if it := ti.item("L5"); it.State != state.OutboxReplaced {
		t.Errorf("the failed reply is %s, want replaced", it.State)
	}
	items, _ := ti.st.Outbox(state.OutboxQueued)
	if len(items) != 1 || items[0].Kind != state.OutboxTemplate || items[0].Body != "Sorry for the wait: Yes, it is free from Monday" || items[0].ConversationID != "c5" {
		t.Fatalf("queued %+v, want the template with the failed text", items)
	}
	if n, _ := ti.st.CountConversations(state.View{Failed: true}); n != 1 {
		t.Errorf("Failed view holds %d, want Ana Lima's only", n)
	}
}

// The Failed view, the retry hint and the template offered in a failed
// reply's place, at three sizes.
func TestGoldenFailedFrames(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}, {"60x15", 60, 15}} {
		for _, sc := range []struct {
			name string
			keys []string
		}{
			{"failed_view", []string{"7"}},
			{"failed_thread", []string{"7", "j", "enter"}},
			{"template_in_place", []string{"7", "j", "R", "enter"}},
		} {
			t.Run(sc.name+"_"+sz.name, func(t *testing.T) {
				ti := newFailedInbox(t, sz.w, sz.h)
				ti.keys(sc.keys...)
				golden.RequireEqual(t, ti.frame())
			})
		}
	}
}
