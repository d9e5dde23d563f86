package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// Keys typed for a view that is still being read wait for its rows:
// switching to Unassigned, then j and enter before the list came, opens
// Unassigned's second conversation, not nothing (and not the old view's).
func TestKeysWaitForTheViewsRows(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.app.setFocus(focusList)
	load := ti.app.showEntry("unassigned") // the read is on its way
	before := ti.app.thread.conv.ID
	for _, k := range []tea.KeyPressMsg{{Code: 'j', Text: "j"}, {Code: tea.KeyEnter}} {
		ti.app.Update(k)
	}
	if ti.app.thread.conv.ID != before || len(ti.app.listHeld) != 2 {
		t.Fatalf("the keys acted before the rows came (open %q, held %d)", ti.app.thread.conv.ID, len(ti.app.listHeld))
	}
	ti.drive(load)
	rows, err := ti.app.core.ListConversations(ti.app.list.view, 0, 10)
	if err != nil || len(rows) < 2 {
		t.Fatalf("Unassigned has %d rows: %v", len(rows), err)
	}
	if got := ti.app.thread.conv.ID; got != rows[1].ID {
		t.Fatalf("opened %q, want Unassigned's second conversation %q", got, rows[1].ID)
	}
}
