package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// A field shows everything typed into it while it fits: the inputs are
// sized before the first key, not while drawing.
func TestTemplateFormFieldShowsWhatWasTyped(t *testing.T) {
	tpl := state.Template{ID: "t", Name: "interview", Status: "Approved",
		Text: "Hi {{1}}, your interview with {{2}} is on {{3}}.", Example: "Hi [Sarah], your interview with [Acme] is on [Thursday]."}
	f := newTemplateForm(testKeys(), state.Conversation{ContactName: "Joseph Patel"}, tpl)
	f.SetSize(90)
	f.Focus()
	f.Update(tea.KeyPressMsg{Code: tea.KeyTab})
	const typed = "Acme     Logistics and Haulage Ltd"
	for _, r := range typed {
		f.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	view := ansi.Strip(f.View(viewCtx{st: newStyles(true), keys: testKeys(), w: 90, h: 30}))
	if !strings.Contains(view, "{{2}} "+typed) {
		t.Errorf("the field does not show %q:\n%s", typed, view)
	}
	if !strings.Contains(view, "no more than four spaces in a row") {
		t.Errorf("no error beside the field:\n%s", view)
	}
	if !strings.Contains(view, "{{1}} Joseph ") {
		t.Errorf("the first name is not filled in:\n%s", view)
	}
}
