package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Finding 11 of issue 12: the new-contact form follows the one rule for
// phone numbers (state.NormalizeNumber: the E.164 shape, validity being
// the platform's call), so the reference's own example is taken; a line
// break or another control character is refused with words, and the
// field keeps what was typed.
func TestContactFormNumbers(t *testing.T) {
	tests := []struct {
		name   string
		typed  string // typed into the number field
		paste  string // then pasted there
		want   string // the number the contact is created with; "" refused
		err    string // the panel's error
		number string // the field afterwards
	}{
		{name: "the reference's example", typed: "+4479051337665", want: "+4479051337665"},
		{name: "written with spaces", typed: "+44 7902 111123", want: "+447902111123"},
		{name: "pasted with its own newline", paste: "+44 7902 111123\n", want: "+447902111123"},
		{name: "a line break pasted", typed: "+44 ", paste: "7902\n111123", err: "line break (U+000A LINE FEED)", number: "+44 "},
		{name: "an escape pasted", typed: "+44 ", paste: "7902\x1b[2J", err: "U+001B ESCAPE", number: "+44 "},
		{name: "a bidi override pasted", paste: "\u202e+447902111123", err: "U+202E RIGHT-TO-LEFT OVERRIDE", number: ""},
		{name: "no country code", typed: "07902 111123", err: "start the number with + and its country code", number: "07902 111123"},
		{name: "too short", typed: "+44 790", err: "too short", number: "+44 790"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newContactsPanel(testKeys(), []state.Account{{ID: "a1", Name: "Shop"}}, "")
			p.SetSize(70)
			p.Update(tea.KeyPressMsg{Code: 'n', Mod: tea.ModCtrl})
			for _, r := range "Ana Lima" {
				p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			p.Update(tea.KeyPressMsg{Code: tea.KeyTab})
			for _, r := range tt.typed {
				p.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			if tt.paste != "" {
				p.Update(tea.PasteMsg{Content: tt.paste})
			}
			var act action
			if p.err == "" {
				p.Update(tea.KeyPressMsg{Code: tea.KeyTab})
				_, act = p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
			}
			created, ok := act.(createContact)
			switch {
			case tt.want != "":
				if !ok || created.contact.Number != tt.want || created.contact.Name != "Ana Lima" {
					t.Fatalf("created %+v (error %q), want number %s", act, p.err, tt.want)
				}
			default:
				if ok {
					t.Fatalf("created %+v, want it refused", created)
				}
				if !strings.Contains(p.err, tt.err) {
					t.Errorf("error = %q, want %q", p.err, tt.err)
				}
				if got := p.number.Value(); got != tt.number {
					t.Errorf("number field = %q, want %q kept", got, tt.number)
				}
			}
		})
	}
}
