package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// secondStart is a new inbox over the same store, as after a restart.
func (ti *teamInbox) secondStart() *teamInbox {
	ti.t.Helper()
	a := New(Deps{Core: ti.app.d.Core, Account: "Shop · Alex Agent", Platform: "Acme",
		Tick: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
		Now:  func() time.Time { return teamNow }}, teamKeys())
	ti.t.Cleanup(a.Close)
	two := &teamInbox{t: ti.t, app: a, st: ti.st, be: ti.be}
	two.drive(a.Init())
	two.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	return two
}

// Restart where you were: the view, the conversation under the cursor
// and the open one come back at the next start.
func TestRestartWhereYouWere(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.keys("esc", "esc") // to the sidebar
	ti.app.setFocus(focusSidebar)
	for ti.app.side.active != "unassigned" {
		ti.keys("j", "enter")
		if ti.app.side.active == "" {
			t.Fatal("no Unassigned view")
		}
		ti.app.setFocus(focusSidebar)
	}
	ti.app.setFocus(focusList)
	ti.selectRow("+447902111126")
	ti.keys("enter")
	if ti.app.thread.conv.ID != "c4" {
		t.Fatalf("open %q, want c4", ti.app.thread.conv.ID)
	}

	two := ti.secondStart()
	if two.app.side.active != "unassigned" || two.app.thread.conv.ID != "c4" {
		t.Fatalf("after a restart: view %q, open %q; want unassigned and c4", two.app.side.active, two.app.thread.conv.ID)
	}
	if c, ok := two.app.list.Selected(); !ok || c.ID != "c4" {
		t.Fatalf("after a restart the cursor is on %+v", c)
	}
	if f := two.frame(); !strings.Contains(f, "Hello?") {
		t.Fatalf("the reopened thread is not drawn:\n%s", f)
	}
}

// A key typed before the kept place is taken wins: the inbox does not
// move under it.
func TestRestartYieldsToKeys(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.selectRow("+447902111126")
	ti.keys("enter")
	a := New(Deps{Core: ti.app.d.Core, Account: "Shop · Alex Agent", Platform: "Acme",
		Tick: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
		Now:  func() time.Time { return teamNow }}, teamKeys())
	t.Cleanup(a.Close)
	two := &teamInbox{t: t, app: a, st: ti.st, be: ti.be}
	init := a.Init()
	two.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	two.keys("j") // before anything was read
	two.drive(init)
	if a.thread.conv.ID != "" {
		t.Fatalf("the kept conversation %q opened under the agent's key", a.thread.conv.ID)
	}
}
