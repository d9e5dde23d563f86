package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
)

// triageInbox is the team inbox with the preview on, a clock the test
// moves, u bound, and timers kept for the test to fire by hand.
type triageInbox struct {
	*teamInbox
	now    time.Time
	timers []tea.Msg
}

func newTriageInbox(t *testing.T, w, h int, preview bool) *triageInbox {
	t.Helper()
	ti := &triageInbox{teamInbox: newTeamInbox(t, w, h, decorated{}), now: teamNow}
	a := ti.app
	a.d.Preview = preview
	a.d.Now = func() time.Time { return ti.now }
	a.d.Tick = func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
		ti.timers = append(ti.timers, fn(ti.now.Add(d)))
		return func() tea.Msg { return nil }
	}
	a.keys.Undo = bind("u", "undo", "u")
	return ti
}

// previews are the preview timers set so far, oldest first.
func (ti *triageInbox) previews() []previewDueMsg {
	var out []previewDueMsg
	for _, m := range ti.timers {
		if p, ok := m.(previewDueMsg); ok {
			out = append(out, p)
		}
	}
	return out
}

// The thread follows the cursor once it rests: a timer set for a row the
// cursor left does nothing, and a thread read for it arriving after the
// next one's is dropped. The preview opens nothing: the focus stays in
// the list and the conversation stays unread until enter.
func TestPreviewFollowsCursor(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, true)
	if ti.conv("c3").Unread == 0 || ti.conv("c4").Unread == 0 {
		t.Fatal("the fixture's conversations are not unread")
	}
	ti.keys("j", "j") // Ben, then Chloé: two timers
	p := ti.previews()
	if len(p) != 2 || p[0].id != "c2" || p[1].id != "c3" {
		t.Fatalf("preview timers %+v, want c2 then c3", p)
	}
	ti.send(p[0]) // the cursor left Ben: nothing
	if id := ti.app.thread.conv.ID; id != "" {
		t.Fatalf("a preview for a row the cursor left showed %q", id)
	}
	// Chloé's preview starts a read; before it answers the cursor moves
	// on to Zed and his preview starts its own.
	_, readC3 := ti.app.Update(p[1])
	ti.keys("j")
	p = ti.previews()
	_, readC4 := ti.app.Update(p[len(p)-1])
	ti.drive(readC4)
	ti.drive(readC3) // late: dropped
	if ti.app.thread.conv.ID != "c4" || ti.app.focus != focusList {
		t.Fatalf("thread %q focus %v, want c4 previewed from the list", ti.app.thread.conv.ID, ti.app.focus)
	}
	if f := ti.frame(); !strings.Contains(f, "Hello?") {
		t.Errorf("the thread does not show Zed's message:\n%s", f)
	}
	for _, m := range ti.app.thread.msgs {
		if m.ConversationID != "c4" {
			t.Errorf("the late read of Chloé's thread was shown: %+v", m)
		}
	}
	if ti.conv("c4").Unread == 0 || ti.conv("c3").Unread == 0 {
		t.Error("a preview marked a conversation read")
	}
	if c, _ := ti.app.list.Selected(); c.Unread == 0 {
		t.Error("the previewed row lost its unread dot")
	}
	if p := ti.app.currentPlace(); p.Open != "" {
		t.Errorf("a preview is kept as the open conversation: %+v", p)
	}
	ti.keys("enter")
	if ti.conv("c4").Unread != 0 || ti.app.focus != focusThread {
		t.Error("enter on the previewed row did not open it")
	}
	// From the thread the cursor is not followed; back in the list it is.
	n := len(ti.previews())
	ti.keys("esc", "k")
	if len(ti.previews()) != n+1 {
		t.Error("k in the list set no preview timer")
	}
}

// Going into a previewed thread (tab) opens it: now it is read.
func TestPreviewAdoptedByFocus(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, true)
	ti.keys("j")
	p := ti.previews()
	ti.send(p[len(p)-1])
	if ti.app.thread.conv.ID != "c2" || ti.conv("c2").Unread == 0 {
		t.Fatal("Ben is not previewed unread")
	}
	ti.app.keys.NextPane = bind("tab", "next pane", "tab")
	ti.send(tea.KeyPressMsg{Code: tea.KeyTab})
	if ti.app.focus != focusThread || ti.conv("c2").Unread != 0 {
		t.Errorf("focus %v, unread %d: tab into the preview did not open it", ti.app.focus, ti.conv("c2").Unread)
	}
}

// With the preview off, or in one pane, the thread does not follow.
func TestPreviewOff(t *testing.T) {
	for _, tt := range []struct {
		name    string
		w, h    int
		preview bool
	}{{"off", 120, 40, false}, {"one pane", 60, 15, true}} {
		t.Run(tt.name, func(t *testing.T) {
			ti := newTriageInbox(t, tt.w, tt.h, tt.preview)
			ti.keys("j", "j")
			if p := ti.previews(); len(p) != 0 {
				t.Errorf("preview timers %+v", p)
			}
			if id := ti.app.thread.conv.ID; id != "" {
				t.Errorf("the thread shows %q", id)
			}
		})
	}
}

// Resolving the open conversation moves on to the next one (opened, the
// cursor on it); u within the window takes it back and reopens it.
func TestMoveOnAndUndo(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, false)
	ti.keys("enter") // Ana
	ti.keys("e")
	if ti.conv("c1").Folder != state.FolderArchive {
		t.Fatalf("Ana is in %q", ti.conv("c1").Folder)
	}
	if ti.app.thread.conv.ID != "c2" || ti.app.focus != focusThread {
		t.Fatalf("after e: thread %q focus %v, want Ben opened", ti.app.thread.conv.ID, ti.app.focus)
	}
	if c, _ := ti.app.list.Selected(); c.ID != "c2" {
		t.Errorf("the cursor is on %q, want Ben", c.ID)
	}
	if ti.conv("c2").Unread != 0 {
		t.Error("Ben was moved on to but not opened (still unread)")
	}
	if got := ti.app.bar.flash + ti.app.bar.tail; got != "Resolved Ana Lima · u undo" { // a platform that resolves: its word
		t.Errorf("flash = %q", got)
	}
	ti.now = ti.now.Add(9 * time.Second)
	ti.keys("u")
	if ti.conv("c1").Folder != state.FolderInbox {
		t.Errorf("after u Ana is in %q", ti.conv("c1").Folder)
	}
	if ti.app.thread.conv.ID != "c1" {
		t.Errorf("after u the thread shows %q, want Ana again", ti.app.thread.conv.ID)
	}
	if c, _ := ti.app.list.Selected(); c.ID != "c1" {
		t.Errorf("after u the cursor is on %q, want Ana", c.ID)
	}
	if got := ti.app.bar.flash; got != "Undone: reopened Ana Lima" {
		t.Errorf("flash = %q", got)
	}
	ti.keys("u") // once only
	if !strings.Contains(ti.app.bar.flash, "Nothing to undo") {
		t.Errorf("a second u: flash = %q", ti.app.bar.flash)
	}
}

// From the list the cursor stays in place; an assignment is undone back
// to the previous person and team, or to nobody.
func TestUndoAssignment(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, false)
	ti.keys("a", "support", "enter") // Ana: Robin and Sales → Robin and Support
	if c := ti.conv("c1"); c.TeamID != "t2" {
		t.Fatalf("Ana's team %q", c.TeamID)
	}
	if c, _ := ti.app.list.Selected(); c.ID != "c1" || ti.app.thread.conv.ID != "" {
		t.Errorf("from the list: cursor %q, thread %q; want Ana and none", c.ID, ti.app.thread.conv.ID)
	}
	if !strings.Contains(ti.frame(), "Assigned Ana Lima to team Support · u undo") {
		t.Errorf("no undo offer:\n%s", ti.frame())
	}
	ti.keys("u")
	if c := ti.conv("c1"); c.UserID != "u-2" || c.TeamID != "t1" {
		t.Errorf("after u Ana has %q and %q, want Robin and Sales", c.UserID, c.TeamID)
	}
	ti.keys("j", "a", "robin", "enter") // Ben: nobody → Robin
	ti.keys("u")
	if c := ti.conv("c2"); c.UserID != "" || c.TeamID != "" {
		t.Errorf("after u Ben has %q and %q, want nobody", c.UserID, c.TeamID)
	}
	if got := ti.app.bar.flash; got != "Undone: unassigned Ben Okafor" {
		t.Errorf("flash = %q", got)
	}

	// Where the platform cannot take an assignee away, nothing is offered.
	ti.app.caps.Unassign = false
	ti.keys("a", "robin", "enter")
	if f := ti.frame(); strings.Contains(f, "undo") || !strings.Contains(f, "Assigned Ben Okafor to Robin Regular") {
		t.Errorf("an undo the platform cannot do is offered:\n%s", f)
	}
	ti.keys("u")
	if c := ti.conv("c2"); c.UserID != "u-2" || !strings.Contains(ti.app.bar.flash, "Nothing to undo") {
		t.Errorf("u: Ben has %q, flash %q", c.UserID, ti.app.bar.flash)
	}
}

// Marked conversations: u takes back every one.
func TestUndoBulk(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, false)
	ti.keys("x", "x", "e")
	if ti.conv("c1").Folder != state.FolderArchive || ti.conv("c2").Folder != state.FolderArchive {
		t.Fatal("the marked ones were not resolved")
	}
	ti.keys("u")
	if ti.conv("c1").Folder != state.FolderInbox || ti.conv("c2").Folder != state.FolderInbox {
		t.Error("u did not bring both back")
	}
	if got := ti.app.bar.flash; got != "Undone: 2 conversations back as they were" {
		t.Errorf("flash = %q", got)
	}
}

// After the window u does nothing, and says so.
func TestUndoTooLate(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, false)
	ti.keys("e")
	ti.now = ti.now.Add(undoWindow + time.Second)
	ti.keys("u")
	if ti.conv("c1").Folder != state.FolderArchive {
		t.Error("u after the window moved Ana back")
	}
	if got := ti.app.bar.flash; got != "Too late to undo (u works for 10 seconds after a move or assignment)" {
		t.Errorf("flash = %q", ti.app.bar.flash)
	}
}

// Assigning the open conversation to oneself keeps it open: the agent
// takes it to work on it.
func TestAssignToMeStays(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, false)
	ti.keys("j", "enter", "A")
	if ti.conv("c2").UserID != "u-me" || ti.app.thread.conv.ID != "c2" {
		t.Errorf("after A: assigned %q, thread %q; want u-me and Ben still open", ti.conv("c2").UserID, ti.app.thread.conv.ID)
	}
}

// Golden frames: the preview (the list focused, the thread showing the
// cursor's conversation; one pane has none) and the undo offer.
func TestGoldenTriageFrames(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}, {"60x15", 60, 15}} {
		t.Run("preview_"+sz.name, func(t *testing.T) {
			ti := newTriageInbox(t, sz.w, sz.h, true)
			ti.keys("j")
			for _, p := range ti.previews() {
				ti.send(p)
			}
			golden.RequireEqual(t, ti.frame())
		})
		t.Run("undo_"+sz.name, func(t *testing.T) {
			ti := newTriageInbox(t, sz.w, sz.h, false)
			ti.keys("enter", "e")
			golden.RequireEqual(t, ti.frame())
		})
	}
}

func click(x, y int) tea.MouseClickMsg { return tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft} }

func wheel(x, y int, up bool) tea.MouseWheelMsg {
	b := tea.MouseWheelDown
	if up {
		b = tea.MouseWheelUp
	}
	return tea.MouseWheelMsg{X: x, Y: y, Button: b}
}

// The mouse: a click on a row selects it and a second one opens it; a
// click on a pane focuses it, on a folder or view lists it; the wheel
// moves the list or scrolls the thread under the pointer; with a dialog
// open it does nothing.
func TestMouse(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, true)
	a := ti.app
	if a.View().MouseMode != tea.MouseModeNone {
		t.Error("the mouse is reported without Deps.Mouse")
	}
	a.d.Mouse = true
	if a.View().MouseMode != tea.MouseModeCellMotion {
		t.Error("Deps.Mouse does not turn the mouse on")
	}
	listX := a.panes.sideW + 2 + 3
	threadX := a.panes.sideW + 2 + a.panes.listW + 2 + 5
	rowY := func(i int) int { return 1 + i*rowHeight + 1 } // the row's second line

	ti.send(click(listX, rowY(2))) // Chloé: selected, previewed, not opened
	if c, _ := a.list.Selected(); c.ID != "c3" || a.focus != focusList {
		t.Fatalf("a click on Chloé's row: cursor %q focus %v", c.ID, a.focus)
	}
	p := ti.previews()
	ti.send(p[len(p)-1])
	if a.thread.conv.ID != "c3" || ti.conv("c3").Unread == 0 {
		t.Errorf("thread %q unread %d: want Chloé previewed, unread", a.thread.conv.ID, ti.conv("c3").Unread)
	}
	ti.send(click(listX, rowY(2))) // again: opened
	if a.focus != focusThread || ti.conv("c3").Unread != 0 {
		t.Errorf("the second click did not open Chloé (focus %v)", a.focus)
	}
	ti.send(click(listX, rowY(3)))
	ti.send(click(threadX, 5)) // a click in the thread opens the row shown
	for _, p := range ti.previews() {
		ti.send(p)
	}
	if a.focus != focusThread {
		t.Errorf("a click in the thread: focus %v", a.focus)
	}

	ti.send(wheel(listX, rowY(0), true)) // the wheel over the list moves its cursor
	if c, _ := a.list.Selected(); c.ID != "c3" || a.focus != focusThread {
		t.Errorf("the wheel: cursor %q focus %v, want Chloé and the thread kept", c.ID, a.focus)
	}
	// A thread taller than its pane: the wheel over it scrolls it.
	var msgs []state.Message
	for i := range 40 {
		msgs = append(msgs, state.Message{ID: fmt.Sprintf("x%d", i), ConversationID: "c4", AccountID: "a1", ContactID: "k4",
			Direction: state.Inbound, Body: fmt.Sprintf("line %d", i), Time: teamNow.Add(-5*time.Hour + time.Duration(i)*time.Minute)})
	}
	if _, err := ti.st.ApplyMessages(state.Batch{Messages: msgs}, teamNow); err != nil {
		t.Fatal(err)
	}
	ti.send(click(listX, rowY(3)))
	ti.send(click(listX, rowY(3)))
	if a.thread.conv.ID != "c4" || a.thread.scroll != 0 {
		t.Fatalf("Zed not open at the bottom: %q, %d", a.thread.conv.ID, a.thread.scroll)
	}
	ti.send(wheel(threadX, 5, true))
	ti.send(wheel(threadX, 5, true))
	ti.send(wheel(threadX, 5, false))
	if a.thread.scroll != wheelLines {
		t.Errorf("the wheel over the thread: %d lines up, want %d", a.thread.scroll, wheelLines)
	}

	ti.send(click(threadX, 1+a.panes.threadH+1)) // the composer: a reply starts
	if a.focus != focusComposer {
		t.Errorf("a click on the composer: focus %v", a.focus)
	}
	ti.send(click(3, 5)) // Mine, in the sidebar (Open, Resolved, a gap, "Views", Mine)
	if a.side.active != "mine" || a.focus != focusList {
		t.Errorf("a click on Mine: %q listed, focus %v", a.side.active, a.focus)
	}
	ti.send(click(3, 1))
	if a.side.active != "inbox" {
		t.Errorf("a click on Open: %q listed", a.side.active)
	}

	ti.keys("a") // a dialog: clicks do nothing, the wheel is the picker's
	before, _ := a.list.Selected()
	ti.send(click(listX, rowY(3)))
	ti.send(wheel(listX, rowY(3), false))
	if c, _ := a.list.Selected(); c.ID != before.ID || len(a.dialogs) != 1 {
		t.Errorf("the mouse acted under a dialog: cursor %q, %d dialogs", c.ID, len(a.dialogs))
	}
}

// The status bar and the borders take no clicks.
func TestMouseHit(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, false)
	a := ti.app
	for _, tt := range []struct {
		x, y int
		ok   bool
		pane focus
		comp bool
	}{
		{5, 0, false, 0, false},                        // the top border
		{5, 39, false, 0, false},                       // the status bar
		{5, 3, true, focusSidebar, false},              // a folder
		{30, 3, true, focusList, false},                // a row
		{100, 3, true, focusThread, false},             // the thread
		{100, 37, true, focusThread, true},             // the composer
		{100, 38, false, 0, false},                     // the bottom border
		{a.panes.sideW + 2, 3, true, focusList, false}, // the list's left border
	} {
		h := a.hit(tt.x, tt.y)
		if h.ok != tt.ok || h.ok && (h.pane != tt.pane || h.composer != tt.comp) {
			t.Errorf("hit(%d, %d) = %+v, want ok %t pane %v composer %t", tt.x, tt.y, h, tt.ok, tt.pane, tt.comp)
		}
	}
}

// The wheel moves a picker's selection as its keys do; a form takes none.
func TestWheelInPicker(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, false)
	ti.keys("j", "a") // Ben: the assignment picker
	p, ok := isOpen[*assignPicker](ti.app)
	if !ok {
		t.Fatal("no picker")
	}
	before := p.list.cursor
	ti.send(wheel(1, 1, false))
	ti.send(wheel(1, 1, false))
	ti.send(wheel(1, 1, true))
	if p.list.cursor != before+1 {
		t.Errorf("the wheel moved the picker from %d to %d, want %d", before, p.list.cursor, before+1)
	}
	for _, tt := range []struct {
		b    string
		code rune
		mod  tea.KeyMod
	}{{"down", tea.KeyDown, 0}, {"ctrl+j", 'j', tea.ModCtrl}, {"J", 'J', 0}} {
		k, ok := keyPressOf(bind(tt.b, tt.b, tt.b))
		if !ok || k.Code != tt.code || k.Mod != tt.mod {
			t.Errorf("keyPressOf(%q) = %+v, %t", tt.b, k, ok)
		}
	}
}

// The conversation open at the last quit opens again even when the
// preview of the first row came first; a preview is not kept as open.
func TestPreviewAndRestart(t *testing.T) {
	ti := newTriageInbox(t, 120, 40, true)
	ti.selectRow("+447902111126")
	ti.keys("enter") // Zed, opened
	for _, m := range ti.timers {
		if _, ok := m.(placeSaveMsg); ok {
			ti.send(m) // the place is kept
		}
	}
	a := New(Deps{Core: ti.app.d.Core, Account: "Shop · Alex Agent", Platform: "Acme", Preview: true,
		Tick: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
		Now:  func() time.Time { return teamNow }}, teamKeys())
	t.Cleanup(a.Close)
	two := &teamInbox{t: t, app: a, st: ti.st, be: ti.be}
	init := a.Init()
	two.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	// The first row's list and its preview (no timer: at once) before the kept place.
	var place tea.Msg
	for _, m := range runBatch(init) {
		if _, ok := m.(placeLoadedMsg); ok {
			place = m
			continue
		}
		two.send(m)
	}
	if a.thread.conv.ID != "c1" || !a.previewing {
		t.Fatalf("thread %q previewing %t before the kept place: want Ana previewed", a.thread.conv.ID, a.previewing)
	}
	two.send(place)
	if a.thread.conv.ID != "c4" || a.previewing || a.focus != focusThread {
		t.Errorf("after the kept place: thread %q previewing %t focus %v; want Zed open", a.thread.conv.ID, a.previewing, a.focus)
	}
}

// runBatch runs a command and returns its messages (a batch's, flattened).
func runBatch(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch m := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, runBatch(c)...)
		}
		return out
	default:
		return []tea.Msg{m}
	}
}

// A long summary is cut before the undo offer, which stays whole.
func TestFlashTail(t *testing.T) {
	for _, tt := range []struct {
		flash, tail string
		w           int
		want        string
	}{
		{"Archived Ana Lima", " · u undo", 80, "Archived Ana Lima · u undo"},
		{"41 archived, 2 failed: Ana Lima (refused), Ben (refused)", " · u undo", 30, "41 archived, 2 faile… · u undo"},
		{"Archived \x1b[2JAna", "", 80, "Archived ␛[2JAna"},
		{"Archived Ana Lima", " · u undo", 5, "Archived Ana Lima · u undo"}, // no room: the bar's edge cuts it
	} {
		s := statusBar{flash: tt.flash, tail: tt.tail}
		if got := s.flashLine(tt.w); got != tt.want {
			t.Errorf("flashLine(%q, %d) = %q, want %q", tt.flash, tt.w, got, tt.want)
		}
	}
}

// A conversation an undo brings back above the cursor is the agent's
// own, not news: no "↑ 1 new"; one that arrives otherwise is.
func TestUndoIsNotNews(t *testing.T) {
	rows := func(ids ...string) []state.Conversation {
		var out []state.Conversation
		for _, id := range ids {
			out = append(out, state.Conversation{ID: id})
		}
		return out
	}
	for _, tt := range []struct {
		name string
		own  int
		want int
	}{{"an undo brought it back", 1, 0}, {"a customer wrote in", 0, 1}} {
		t.Run(tt.name, func(t *testing.T) {
			l := newConvList()
			l.SetSize(40, 4) // two rows shown: the list is longer than the pane
			v := state.View{Folder: state.FolderInbox}
			l.SetRows(listLoadedMsg{view: v, total: 2, rows: rows("hana", "ulla"), focus: -1})
			l.Move(1) // on Ulla, the second row
			l.ownAbove = tt.own
			l.SetRows(listLoadedMsg{view: v, total: 3, rows: rows("hana", "ian", "ulla"), focus: 2})
			if l.newAbove != tt.want {
				t.Errorf("%d new above, want %d", l.newAbove, tt.want)
			}
		})
	}
}
