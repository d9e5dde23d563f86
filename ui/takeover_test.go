package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// A regular user (writes only to what is assigned to them) on a chat of
// nobody's: r says why before typing, A takes it, and the r typed right
// after the assignment's flash opens the composer: every key typed next
// goes into the reply, none to the inbox — even before the store's
// published change has come round.
func TestTakeThenReplyKeysReachTheComposer(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	if err := ti.st.SetWriteScope(state.WriteAssigned); err != nil {
		t.Fatal(err)
	}
	ti.drive(ti.app.reloadList(""))
	ti.selectRow("Ben Okafor") // nobody's
	ti.keys("enter", "r")
	if f := ti.frame(); !strings.Contains(f, "assign it to yourself first") {
		t.Fatalf("r on a chat of nobody's did not say why:\n%s", f)
	}
	// A, run to its end, but the engine's change not yet delivered.
	_, cmd := ti.app.Update(tea.KeyPressMsg{Code: 'A', Text: "A"})
	for _, m := range runAll(cmd) {
		ti.app.Update(m)
	}
	for _, k := range keyMsgs("r") {
		ti.app.Update(k)
	}
	for _, k := range keyMsgs("Ben, on it") {
		ti.app.Update(k)
	}
	if got := ti.app.comp.Value(); got != "Ben, on it" {
		t.Fatalf("the composer holds %q after A, r and typing; the rest went to the inbox", got)
	}
}
