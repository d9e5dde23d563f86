package ui

import (
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// A terminal sends esc typed quickly before a key (or two esc, or a burst
// over SSH) as one alt+key; the inbox reads it as esc then the key: "esc
// esc enter" after writing never sends the reply.
func TestAltKeyIsEscThenKey(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.selectRow("Ana Lima")
	ti.keys("enter", "r", "not yet")
	ti.send(tea.KeyPressMsg{Code: tea.KeyEscape, Mod: tea.ModAlt}) // ESC ESC in one read
	if ti.app.focus == focusComposer {
		t.Fatalf("esc esc left the focus in the composer")
	}
	ti.keys("enter")
	if got := ti.outbox(); len(got) != 0 {
		t.Fatalf("esc esc enter sent %+v", got)
	}
	if v := ti.app.comp.Value(); v != "not yet" {
		t.Errorf("the composer holds %q", v)
	}
	// esc then j in one read does what esc then j does.
	twin := newTeamInbox(t, 120, 40, decorated{})
	twin.selectRow("Ana Lima")
	twin.keys("enter", "esc", "j")
	ti = newTeamInbox(t, 120, 40, decorated{})
	ti.selectRow("Ana Lima")
	ti.keys("enter")
	ti.send(tea.KeyPressMsg{Code: 'j', Mod: tea.ModAlt})
	got, _ := ti.app.list.Selected()
	want, _ := twin.app.list.Selected()
	if ti.app.focus != twin.app.focus || got.ID != want.ID {
		t.Errorf("alt+j: focus %v on %s; esc j: focus %v on %s", ti.app.focus, got.ID, twin.app.focus, want.ID)
	}
	// A bound alt key is that key.
	ti.app.keys.Newline = key.NewBinding(key.WithKeys("alt+enter", "ctrl+j"))
	if !ti.app.keys.bindsKey("alt+enter") || ti.app.keys.bindsKey("alt+j") {
		t.Errorf("bindsKey")
	}
}
