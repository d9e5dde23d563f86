package ui

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
)

// Bulk work: the results panel, the message log, marks that stay on the
// failed, mark all and mark by search, and the question before a bulk
// reassignment of conversations that changed since they were marked.

var ctrlX = tea.KeyPressMsg{Code: 'x', Mod: tea.ModCtrl}

// scrollKeys are teamKeys with the rest of the movement keys.
func scrollKeys() KeyMap {
	k := teamKeys()
	k.Bottom = bind("G", "bottom", "G")
	k.HalfPageDown = bind("ctrl+d", "half page down", "ctrl+d")
	k.HalfPageUp = bind("ctrl+u", "half page up", "ctrl+u")
	return k
}

func markedIDs(a *App) []string {
	ids := make([]string, 0, len(a.list.marked))
	for id := range a.list.marked {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Three marked, one refused: the panel lists the three with what
// happened and why, the refused one first; only its mark stays; the
// status bar's tally names the key that reopens the panel.
func TestBulkArchiveResults(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.be.refuse = map[string]error{"c2": &state.BackendError{Kind: state.KindRefused, Message: "conversation is locked\x1b[2J"}}
	ti.keys("x", "x", "x", "e")
	d, ok := isOpen[*bulkResultsDialog](ti.app)
	if !ok {
		t.Fatal("a bulk action with a failure opened no results panel")
	}
	if len(d.r.items) != 3 || d.r.items[0].ok || d.r.items[0].label != "Ben Okafor" {
		t.Errorf("items = %+v, want 3 with Ben Okafor's failure first", d.r.items)
	}
	f := ti.frame()
	for _, want := range []string{
		"2 resolved, 1 failed",
		"✗ Ben Okafor — refused by the platform: conversation is locked␛[2J",
		"✓ Ana Lima — resolved",
		"✓ Chloé Martin — resolved",
	} {
		if !strings.Contains(f, want) {
			t.Errorf("the panel lacks %q:\n%s", want, f)
		}
	}
	if strings.Contains(ti.app.View().Content, "\x1b[2J") {
		t.Error("the platform's escape reached the terminal")
	}
	if got := markedIDs(ti.app); !slices.Equal(got, []string{"c2"}) {
		t.Errorf("marked after the action = %v, want the failed c2 only", got)
	}
	bar := strings.Split(f, "\n")[39]
	if !strings.Contains(bar, "2 resolved, 1 failed · B lists each") {
		t.Errorf("status bar = %q", bar)
	}
	ti.keys("esc")
	if _, ok := isOpen[*bulkResultsDialog](ti.app); ok {
		t.Fatal("esc did not close the panel")
	}
	ti.keys("B")
	if _, ok := isOpen[*bulkResultsDialog](ti.app); !ok {
		t.Fatal("B did not reopen the panel")
	}
}

// A failure while the agent types a reply: the panel waits for its key,
// the keys go on into the composer.
func TestBulkResultsNotOverTheComposer(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.be.refuse = map[string]error{"c2": &state.BackendError{Kind: state.KindRefused, Message: "locked"}}
	ti.keys("x", "x")
	_, act := ti.app.Update(keyMsgs("e")[0])
	ti.app.list.MoveTo(0)
	ti.keys("enter", "r", "Hel")
	ti.drive(act)
	ti.keys("lo")
	if len(ti.app.dialogs) != 0 {
		t.Fatal("the results panel opened over the composer")
	}
	if got := ti.app.comp.Value(); got != "Hello" {
		t.Errorf("composer = %q, want Hello", got)
	}
	if !ti.app.bar.isError || !strings.Contains(ti.app.bar.flash, "1 resolved, 1 failed") || ti.app.bar.tail == "" {
		t.Errorf("flash = %q (more %q)", ti.app.bar.flash, ti.app.bar.tail)
	}
}

// All succeeded: no panel in the way, the tally and the key in the bar,
// no mark left.
func TestBulkArchiveAllSucceeded(t *testing.T) {
	ti := newTeamInbox(t, 80, 24, decorated{})
	ti.keys("x", "x", "e")
	if len(ti.app.dialogs) != 0 {
		t.Error("a panel opened though nothing failed")
	}
	if len(ti.app.list.marked) != 0 {
		t.Errorf("marks left: %v", markedIDs(ti.app))
	}
	bar := strings.Split(ti.frame(), "\n")[23]
	if !strings.Contains(bar, "2 resolved · B lists each") {
		t.Errorf("status bar = %q", bar)
	}
}

// The status bar keeps the key whole and cuts the tally before it.
func TestBulkTallyFitsTheBar(t *testing.T) {
	for _, w := range []int{60, 80, 120} {
		s := statusBar{width: w, flash: "41 assigned to team Contract Recruitment Night Shift North, 2 failed", tail: " · B lists each"}
		got := s.flashLine(w - 33)
		if !strings.HasSuffix(got, " · B lists each") || lipWidth(got) > w-33 {
			t.Errorf("width %d: %q (%d cells)", w, got, lipWidth(got))
		}
	}
}

// The panel scrolls an item at a time, with the half page, top and bottom.
func TestBulkResultsScroll(t *testing.T) {
	r := &bulkResults{tally: "30 archived"}
	for i := range 30 {
		r.items = append(r.items, bulkItem{label: fmt.Sprintf("Customer %02d", i), ok: true, outcome: "archived"})
	}
	d := &bulkResultsDialog{km: scrollKeys(), r: r}
	v := viewCtx{st: newStyles(true), keys: d.km, w: 60, h: 14}
	d.View(v)
	for _, tt := range []struct {
		keys  []tea.KeyPressMsg
		first int
	}{
		{keyMsgs("j"), 1},
		{keyMsgs("jjj"), 4},
		{keyMsgs("k"), 3},
		{keyMsgs("g"), 0},
		{[]tea.KeyPressMsg{{Code: 'd', Mod: tea.ModCtrl}}, 3},
		{[]tea.KeyPressMsg{{Code: 'u', Mod: tea.ModCtrl}}, 0},
		{keyMsgs("G"), 30 - d.shown},
		{keyMsgs("jjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjjj"), 29},
	} {
		for _, k := range tt.keys {
			d.Update(k)
		}
		d.View(v)
		if d.first != tt.first {
			t.Errorf("after %v: first = %d, want %d", tt.keys, d.first, tt.first)
		}
	}
	if f := stripView(d.View(v)); !strings.Contains(f, "30–30 of 30") || !strings.Contains(f, "Customer 29") {
		t.Errorf("at the end:\n%s", f)
	}
}

func stripView(s string) string { return ansi.Strip(s) }

// F2 lists the session's messages with their times, sanitized, newest
// last; the log keeps the last logLimit.
func TestMessageLog(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.keys("X") // nothing marked: says so
	ti.app.flash("from the platform: \x1b]8;;http://x\x07link", true)
	ti.send(tea.KeyPressMsg{Code: tea.KeyF2})
	if _, ok := isOpen[*msgLogDialog](ti.app); !ok {
		t.Fatal("F2 opened no log")
	}
	f := ti.frame()
	first, second := strings.Index(f, "12:00:00 Nothing is marked"), strings.Index(f, "12:00:00 ✗ from the platform: ␛]8;;http://x␇link")
	if first < 0 || second < first {
		t.Errorf("the log lacks the flashes, oldest first:\n%s", f)
	}
	if strings.Contains(ti.app.View().Content, "\x1b]8;;") {
		t.Error("an OSC 8 link reached the terminal")
	}
	ti.send(tea.KeyPressMsg{Code: tea.KeyF2})
	if len(ti.app.dialogs) != 0 {
		t.Error("F2 did not close the log")
	}

	var l msgLog
	for i := range logLimit + 100 {
		l.add(teamNow, fmt.Sprintf("message %d", i), false)
	}
	if len(l.entries) != logLimit || l.entries[0].text != "message 100" || l.entries[logLimit-1].text != fmt.Sprintf("message %d", logLimit+99) {
		t.Errorf("kept %d, from %q", len(l.entries), l.entries[0].text)
	}
}

// The log opens at its end and scrolls back.
func TestMessageLogScroll(t *testing.T) {
	var l msgLog
	for i := range 40 {
		l.add(teamNow, fmt.Sprintf("message %d", i), false)
	}
	d := &msgLogDialog{km: scrollKeys(), log: &l, follow: true}
	v := viewCtx{st: newStyles(true), keys: d.km, w: 60, h: 14}
	if f := stripView(d.View(v)); !strings.Contains(f, "message 39") || strings.Contains(f, "message 0\n") {
		t.Errorf("not at the end:\n%s", f)
	}
	d.Update(keyMsgs("g")[0])
	if f := stripView(d.View(v)); !strings.Contains(f, "message 0 ") || strings.Contains(f, "message 39") {
		t.Errorf("g did not go to the oldest:\n%s", f)
	}
	d.Update(keyMsgs("G")[0])
	l.add(teamNow, "message 40", false)
	if f := stripView(d.View(v)); !strings.Contains(f, "message 40") {
		t.Errorf("at the end, the log does not follow a new message:\n%s", f)
	}
}

// V marks every conversation of the view, X clears the marks; a view
// changed meanwhile marks nothing.
func TestMarkAllInView(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.keys("x", "V")
	if got := markedIDs(ti.app); !slices.Equal(got, []string{"c1", "c2", "c3", "c4"}) {
		t.Errorf("marked %v, want the view's four", got)
	}
	if !strings.Contains(ti.app.bar.flash, "Marked all 4 conversations in this view (1 were marked already)") {
		t.Errorf("flash = %q", ti.app.bar.flash)
	}
	if f := ti.frame(); !strings.Contains(f, "4 marked") {
		t.Errorf("the bar does not count the marks:\n%s", f)
	}
	ti.keys("X")
	if len(ti.app.list.marked) != 0 || !strings.Contains(ti.app.bar.flash, "Marks cleared (4)") {
		t.Errorf("X left %v, flash %q", markedIDs(ti.app), ti.app.bar.flash)
	}

	_, read := ti.app.Update(keyMsgs("V")[0])
	ti.app.list.view = state.View{Folder: state.FolderArchive} // the agent went to another view
	ti.drive(read)
	if len(ti.app.list.marked) != 0 || !ti.app.bar.isError {
		t.Errorf("a stale view's marks were taken: %v (flash %q)", markedIDs(ti.app), ti.app.bar.flash)
	}
}

// ctrl+x in the search results marks every conversation they are in.
func TestMarkSearchMatches(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.keys("/", "apply") // the hits come as it is typed; enter would open the first
	if len(ti.app.srch.hits) == 0 {
		t.Fatal("the search found nothing")
	}
	ti.send(ctrlX)
	if len(ti.app.dialogs) != 0 {
		t.Error("the search stayed open")
	}
	if got := markedIDs(ti.app); !slices.Equal(got, []string{"c2"}) {
		t.Errorf("marked %v, want c2 (\"Can I still apply?\")", got)
	}
	if !strings.Contains(ti.app.bar.flash, `Marked 1 conversation matching "apply"`) {
		t.Errorf("flash = %q", ti.app.bar.flash)
	}
}

// A bulk reassignment of marked conversations that changed since they
// were marked asks first, naming what changed; skipping assigns the
// others and keeps the changed ones marked; going ahead assigns all.
func TestBulkReassignCollision(t *testing.T) {
	for _, tt := range []struct {
		name     string
		keys     []string
		assigned []string // to Alex
		marked   []string
	}{
		{"skip the changed", []string{"enter"}, []string{"c1"}, []string{"c2", "c3"}},
		{"all", []string{"k", "enter"}, []string{"c1", "c2", "c3"}, nil},
		{"cancel", []string{"esc"}, nil, []string{"c1", "c2", "c3"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ti := newTeamInbox(t, 120, 40, decorated{})
			ti.keys("x", "x", "x") // Ana Lima, Ben Okafor, Chloé Martin
			// Since then: Ben given to Robin, Chloé answered by Robin.
			if _, err := ti.st.SetConversationMeta("c2", state.FolderInbox, "u-2", ""); err != nil {
				t.Fatal(err)
			}
			if _, err := ti.st.ApplyMessages(state.Batch{Messages: []state.Message{{ID: "m9", ConversationID: "c3", AccountID: "a1", ContactID: "k3",
				Direction: state.Outbound, Body: "On it", Time: teamNow.Add(time.Minute), Sender: "Robin Regular"}}}, teamNow); err != nil {
				t.Fatal(err)
			}
			ti.keys("a", "alex", "enter")
			if _, ok := isOpen[*collisionDialog](ti.app); !ok {
				t.Fatalf("no question before the reassignment:\n%s", ti.frame())
			}
			f := ti.frame()
			for _, want := range []string{
				"2 of the 3 marked conversations changed since you marked them",
				"Ben Okafor — reassigned to Robin Regular (was nobody)",
				"Chloé Martin — answered by Robin Regular at 12:01",
				"Go ahead with all 3", "Skip the 2 changed: go ahead with 1", "Cancel",
			} {
				if !strings.Contains(f, want) {
					t.Errorf("the question lacks %q:\n%s", want, f)
				}
			}
			ti.keys(tt.keys...)
			if len(ti.app.dialogs) != 0 {
				t.Fatalf("still open:\n%s", ti.frame())
			}
			for _, id := range []string{"c1", "c2", "c3"} {
				if got, want := ti.conv(id).UserID == "u-me", slices.Contains(tt.assigned, id); got != want {
					t.Errorf("%s assigned to Alex: %v, want %v", id, got, want)
				}
			}
			if got := markedIDs(ti.app); !slices.Equal(got, tt.marked) {
				t.Errorf("marked %v, want %v", got, tt.marked)
			}
		})
	}
}

// Marked conversations nobody else touched — unchanged, or answered by
// the agent themselves — are reassigned without a question.
func TestBulkReassignUnchanged(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.keys("x", "x")
	if _, err := ti.st.ApplyMessages(state.Batch{Messages: []state.Message{{ID: "m9", ConversationID: "c2", AccountID: "a1", ContactID: "k2",
		Direction: state.Outbound, Body: "Yes", Time: teamNow.Add(time.Minute), Sender: "Alex Agent"}}}, teamNow); err != nil {
		t.Fatal(err)
	}
	if ti.conv("c2").LastOutbound.IsZero() {
		t.Fatal("the reply did not reach the conversation")
	}
	ti.keys("a", "alex", "enter")
	if len(ti.app.dialogs) != 0 {
		t.Fatalf("a question though nothing changed:\n%s", ti.frame())
	}
	for _, id := range []string{"c1", "c2"} {
		if ti.conv(id).UserID != "u-me" {
			t.Errorf("%s not assigned", id)
		}
	}
}

// The results panel, the question and the log at three sizes.
func TestGoldenBulkFrames(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}, {"60x15", 60, 15}} {
		for _, sc := range []struct {
			name string
			run  func(ti *teamInbox)
		}{
			{"bulk_results", func(ti *teamInbox) { ti.keys("V", "e") }},
			{"message_log", func(ti *teamInbox) { ti.keys("V", "e", "esc", "X"); ti.send(tea.KeyPressMsg{Code: tea.KeyF2}) }},
			{"collision", func(ti *teamInbox) {
				ti.keys("V")
				if _, err := ti.st.SetConversationMeta("c2", state.FolderInbox, "u-2", ""); err != nil {
					ti.t.Fatal(err)
				}
				ti.keys("a", "alex", "enter")
			}},
		} {
			t.Run(sc.name+"_"+sz.name, func(t *testing.T) {
				ti := newTeamInbox(t, sz.w, sz.h, decorated{})
				ti.be.refuse = map[string]error{
					"c2": &state.BackendError{Kind: state.KindRefused, Message: "conversation is locked by another agent's open session"},
					"c4": &state.BackendError{Kind: state.KindNotFound},
				}
				sc.run(ti)
				f := ti.frame()
				lines := strings.Split(f, "\n")
				if len(lines) != sz.h {
					t.Errorf("%d lines, want %d", len(lines), sz.h)
				}
				for i, l := range lines {
					if n := ansi.StringWidth(l); n > sz.w {
						t.Errorf("line %d is %d cells, over %d: %q", i, n, sz.w, l)
					}
				}
				golden.RequireEqual(t, f)
			})
		}
	}
}

// 100k marks: kept as a set of ids with what each was like, marked and
// listed for an action in order (the time: BenchmarkMarkAll).
func TestMarkAllScale(t *testing.T) {
	const n = 100_000
	refs := make([]state.MarkRef, n)
	for i := range refs {
		refs[i] = state.MarkRef{ID: fmt.Sprintf("c%06d", i), UserID: "u1"}
	}
	l := newConvList()
	added := l.Mark(refs)
	ids := l.Targets()
	if added != n || len(ids) != n || ids[0] != "c000000" || ids[n-1] != fmt.Sprintf("c%06d", n-1) {
		t.Fatalf("marked %d, targets %d", added, len(ids))
	}
	l.Unmark(ids[:n/2])
	if len(l.marked) != n/2 {
		t.Errorf("after unmarking half: %d", len(l.marked))
	}
}

// BenchmarkMarkAll: 100k marks taken and listed for an action.
func BenchmarkMarkAll(b *testing.B) {
	refs := make([]state.MarkRef, 100_000)
	for i := range refs {
		refs[i] = state.MarkRef{ID: fmt.Sprintf("c%06d", i), UserID: "u1"}
	}
	for b.Loop() {
		l := newConvList()
		l.Mark(refs)
		if len(l.Targets()) != len(refs) {
			b.Fatal("targets")
		}
	}
}
