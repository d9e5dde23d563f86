package ui

import (
	"slices"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
)

// The supervisor board (board.go), driven through Update with every
// command run, over a real store: Robin Regular has Ana Lima (team
// Sales) and Chloé Martin, Ben Okafor and Zed are nobody's; every
// customer wrote last, one to four hours ago.

func newBoardInbox(t *testing.T, w, h int) *teamInbox {
	t.Helper()
	ti := newTeamInbox(t, w, h, decorated{})
	ti.app.keys.Board = bind("b", "supervisor board", "b")
	ti.app.keys.Undo = bind("u", "undo", "u")
	return ti
}

func (ti *teamInbox) board() *boardDialog {
	ti.t.Helper()
	d, ok := isOpen[*boardDialog](ti.app)
	if !ok {
		ti.t.Fatalf("the board is not open:\n%s", ti.frame())
	}
	return d
}

// boardLine is the frame's line of a row's name.
func (ti *teamInbox) boardLine(name string) string {
	for _, l := range strings.Split(ti.frame(), "\n") {
		if strings.Contains(l, "  "+name+" ") || strings.Contains(l, "▸ "+name) || strings.Contains(l, "│ "+name) {
			return l
		}
	}
	for _, l := range strings.Split(ti.frame(), "\n") {
		if strings.Contains(l, name) {
			return l
		}
	}
	return ""
}

func TestBoardFiguresAndMoves(t *testing.T) {
	ti := newBoardInbox(t, 120, 40)
	ti.keys("b")
	d := ti.board()
	var names []string
	for _, r := range d.rows {
		names = append(names, r.Name)
	}
	if want := []string{"Robin Regular", "Alex Agent", "Sales", "Support", "Unassigned"}; !slices.Equal(names, want) {
		t.Fatalf("rows %v, want %v", names, want)
	}
	f := ti.frame()
	for _, want := range []string{"Supervisor board", "4 open · 4 waiting · 0 closing <2h · 0 lost today · 12:00", "Agents", "Teams"} {
		if !strings.Contains(f, want) {
			t.Errorf("the board lacks %q:\n%s", want, f)
		}
	}
	// Robin: 2 open, 2 waiting, the longest 3 hours; bars and a sparkline.
	robin := ti.boardLine("Robin Regular")
	for _, want := range []string{"2 ████", "3h 00m", "·█·█·"} { // customers wrote 3 and 1 hours ago
		if !strings.Contains(robin, want) {
			t.Errorf("Robin's row %q lacks %q", robin, want)
		}
	}
	if d.cursor != 0 {
		t.Fatalf("cursor %d", d.cursor)
	}
	ti.keys("j", "j", "j", "j", "j", "j") // past the end: the last row
	if r, _ := d.selected(); r.Kind != state.BoardUnassigned {
		t.Errorf("selected %+v, want Unassigned", r)
	}
	ti.keys("k")
	if r, _ := d.selected(); r.Name != "Support" {
		t.Errorf("selected %q, want Support", r.Name)
	}
}

// esc leaves the inbox as it was: the same view, row and focus.
func TestBoardEscKeepsThePlace(t *testing.T) {
	ti := newBoardInbox(t, 120, 40)
	ti.keys("j")
	before, focus, view := ti.selected(), ti.app.focus, ti.app.list.view
	ti.keys("b", "j", "esc")
	if len(ti.app.dialogs) != 0 {
		t.Fatalf("the board is still open:\n%s", ti.frame())
	}
	if ti.selected() != before || ti.app.focus != focus || ti.app.list.view != view {
		t.Errorf("after the board: %q focus %v view %+v, want %q focus %v", ti.selected(), ti.app.focus, ti.app.list.view, before, focus)
	}
}

// a on Robin's row: the assign picker for Robin's open conversations;
// choosing Alex hands both over, and the board, read again on the
// change, shows them under Alex.
func TestBoardReassignRow(t *testing.T) {
	ti := newBoardInbox(t, 120, 40)
	ti.keys("b", "a")
	p, ok := isOpen[*assignPicker](ti.app)
	if !ok {
		t.Fatalf("no assign picker:\n%s", ti.frame())
	}
	if want := []string{"c3", "c1"}; !slices.Equal(p.ids, want) { // the longest waiting first
		t.Errorf("picker for %v, want %v", p.ids, want)
	}
	ti.keys("alex", "enter")
	for _, id := range []string{"c1", "c3"} {
		if c := ti.conv(id); c.UserID != "u-me" {
			t.Errorf("%s assigned to %q, want u-me", id, c.UserID)
		}
		if a := ti.be.assigned[id]; a.UserID != "u-me" {
			t.Errorf("the platform was asked %+v for %s", a, id)
		}
	}
	d := ti.board() // still open under the picker
	if _, ok := isOpen[*assignPicker](ti.app); ok {
		t.Fatal("the picker stayed open")
	}
	if r := d.rows[0]; r.ID != "u-me" || r.Open != 2 || r.Waiting != 2 {
		t.Errorf("first row after the reassignment %+v, want Alex with 2", r)
	}
	if !strings.Contains(ti.boardLine("Alex Agent (me)"), "2") {
		t.Errorf("Alex's row: %q", ti.boardLine("Alex Agent (me)"))
	}
	// The bulk machinery's undo takes it back.
	if ti.app.undo == nil {
		t.Fatal("no undo for the board's reassignment")
	}
	ti.keys("u") // from the board
	if c := ti.conv("c1"); c.UserID != "u-2" {
		t.Errorf("after undo c1 is %q's, want Robin's", c.UserID)
	}
	if r := ti.board().rows[0]; r.ID != "u-2" || r.Open != 2 {
		t.Errorf("first row after undo %+v, want Robin with 2", r)
	}
}

// x on a row marks all of its open conversations in the list; enter on
// a team lists the team's view.
func TestBoardMarkAndShow(t *testing.T) {
	ti := newBoardInbox(t, 120, 40)
	ti.keys("b", "j", "j", "j", "j", "x") // Unassigned
	if got := markedIDs(ti.app); !slices.Equal(got, []string{"c2", "c4"}) {
		t.Errorf("marked %v, want c2 c4", got)
	}
	if !strings.Contains(ti.boardLine("Unassigned"), glyphSent) {
		t.Errorf("the marked row shows no mark: %q", ti.boardLine("Unassigned"))
	}
	ti.keys("k", "k", "enter") // Sales
	if len(ti.app.dialogs) != 0 {
		t.Fatalf("the board is still open:\n%s", ti.frame())
	}
	if v := ti.app.list.view; v.TeamID != "t1" || ti.selected() != "Ana Lima" {
		t.Errorf("view %+v, selected %q, want Sales with Ana Lima", v, ti.selected())
	}
	// An agent's row: a view of their own, named after them.
	ti.keys("b", "enter")
	if v := ti.app.list.view; v.UserID != "u-2" || !strings.Contains(ti.frame(), "Robin Regular · open · 2") {
		t.Errorf("view %+v:\n%s", v, ti.frame())
	}
}

// The board follows the store: a change published is read again.
func TestBoardLive(t *testing.T) {
	ti := newBoardInbox(t, 120, 40)
	ti.keys("b")
	if _, err := ti.st.SetConversationMeta("c2", state.FolderInbox, "u-me", ""); err != nil {
		t.Fatal(err)
	}
	ti.send(changesMsg{changes: state.Changes{List: true}, ok: true})
	if r := ti.board().rows[1]; r.ID != "u-me" || r.Open != 1 {
		t.Errorf("Alex's row after the change: %+v", r)
	}
	ti.send(minuteMsg(teamNow))
	if r := ti.board().rows[1]; r.ID != "u-me" || r.Open != 1 {
		t.Errorf("Alex's row after the minute: %+v", r)
	}
}

func TestGoldenBoardFrames(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}, {"60x15", 60, 15}} {
		t.Run(sz.name, func(t *testing.T) {
			ti := newBoardInbox(t, sz.w, sz.h)
			ti.keys("b", "j")
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

// Changes while a read is under way: one more read when it ends, not a
// read a change.
func TestBoardReadsOneAtATime(t *testing.T) {
	ti := newBoardInbox(t, 120, 40)
	_, open := ti.app.Update(keyMsgs("b")[0]) // the read not run yet
	d := ti.board()
	if !d.reading {
		t.Fatal("no read under way")
	}
	for range 3 {
		if _, cmd := ti.app.Update(changesMsg{changes: state.Changes{List: true}, ok: true}); cmd != nil {
			ti.drive(cmd) // the inbox's own reloads; no board read
		}
	}
	if !d.again || d.reqID != 1 {
		t.Fatalf("again %v, reqID %d: want one more read asked, none started", d.again, d.reqID)
	}
	if _, err := ti.st.SetConversationMeta("c2", state.FolderInbox, "u-me", ""); err != nil {
		t.Fatal(err)
	}
	ti.drive(open) // the first read, then the one more
	if d.reading || d.again || d.reqID != 2 {
		t.Errorf("reading %v again %v reqID %d, want the second read done", d.reading, d.again, d.reqID)
	}
	if r := d.rows[1]; r.ID != "u-me" || r.Open != 1 {
		t.Errorf("Alex's row %+v, want the change read", r)
	}
}
