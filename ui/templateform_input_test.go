package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// Finding 11 of issue 12: a template value with a placeholder, a line or
// paragraph separator, NEL, NUL, ESC or a bidi control is refused in the
// form with words naming it (the platform would refuse the send), and
// what the agent had typed stays in the field.
func TestTemplateFormRefusesWhatThePlatformWould(t *testing.T) {
	tests := []struct {
		name  string
		paste string // pasted into the first field after "Ana"
		key   string // or typed there as one key's text
		err   string // in the form's error; "" for none
		field string // in the field's error; "" for none
		value string // the field afterwards
	}{
		{name: "placeholder typed", key: "{{1}}", field: "no {{ or }}", value: "Ana{{1}}"},
		{name: "placeholder pasted", paste: " {{2}}", field: "no {{ or }}", value: "Ana {{2}}"},
		{name: "escape pasted", paste: " \x1b[31mLima", err: "U+001B ESCAPE", value: "Ana"},
		{name: "NUL pasted", paste: " \x00Lima", err: "U+0000 NUL", value: "Ana"},
		{name: "NEL pasted", paste: " \u0085Lima", err: "U+0085 NEXT LINE (NEL)", value: "Ana"},
		{name: "C1 pasted", paste: " \u009b31m", err: "U+009B CONTROL SEQUENCE INTRODUCER", value: "Ana"},
		{name: "line separator pasted", paste: " Lima\u2028Flat 2", err: "U+2028 LINE SEPARATOR", value: "Ana"},
		{name: "paragraph separator typed", key: "\u2029", err: "U+2029 PARAGRAPH SEPARATOR", value: "Ana"},
		{name: "bidi override pasted", paste: "\u202eamiL", err: "U+202E RIGHT-TO-LEFT OVERRIDE", value: "Ana"},
		{name: "bidi isolate typed", key: "\u2067", err: "U+2067 RIGHT-TO-LEFT ISOLATE", value: "Ana"},
		{name: "line break pasted", paste: " Lima\nFlat 2", err: "line break", value: "Ana"},
		{name: "a clean paste goes in", paste: " Lima", value: "Ana Lima"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newTemplateForm(testKeys(), state.Conversation{ContactName: "Ana"},
				state.Template{Status: "Approved", Text: "Hi {{1}}, about {{2}}"})
			f.SetSize(80)
			f.Focus()
			for _, r := range "Ana" {
				f.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			if tt.paste != "" {
				f.Update(tea.PasteMsg{Content: tt.paste})
			} else {
				r := []rune(tt.key)
				f.Update(tea.KeyPressMsg{Code: r[0], Text: tt.key})
			}
			if got := f.fields[0].Value(); got != tt.value {
				t.Errorf("field = %q, want %q", got, tt.value)
			}
			if (tt.err == "") != (f.err == "") || !strings.Contains(f.err, tt.err) {
				t.Errorf("form error = %q, want %q", f.err, tt.err)
			}
			if got := f.fieldError(0); (tt.field == "") != (got == "") || !strings.Contains(got, tt.field) {
				t.Errorf("field error = %q, want %q", got, tt.field)
			}
			frame := f.View(viewCtx{st: newStyles(true), w: 80, h: 30})
			plain := ansi.Strip(frame)
			for _, want := range []string{tt.err, tt.field} {
				if want != "" && !strings.Contains(strings.Join(strings.Fields(strings.ReplaceAll(plain, "│", " ")), " "), want) {
					t.Errorf("the form does not show %q:\n%s", want, plain)
				}
			}
			if strings.ContainsAny(plain, "\x00\x1b\u0085\u009b\u2028\u2029\u202e\u2067") {
				t.Errorf("the form draws a control character from the value: %q", plain)
			}
			// Sending is refused until the value is fixed; nothing is lost.
			f.Update(tea.KeyPressMsg{Code: tea.KeyTab})
			for _, r := range "rent" {
				f.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			_, act := f.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
			_, sent := act.(submitTemplate)
			if sent != (tt.field == "") {
				t.Errorf("sent = %v with field 1 %q", sent, f.fields[0].Value())
			}
			if sent {
				if v := act.(submitTemplate).values; v[1] != tt.value || v[2] != "rent" {
					t.Errorf("sent values %v", v)
				}
			} else if f.fields[0].Value() != tt.value {
				t.Errorf("the refused send changed field 1 to %q", f.fields[0].Value())
			}
		})
	}
}
