package ui

import (
	"context"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// The login prompt never opens under the agent's fingers in the composer
// (their reply would go into the password field); it opens once they
// leave it.
func TestLoginPromptWaitsForComposer(t *testing.T) {
	a := notifyApp(t, Deps{Account: "work", Username: "agent", Login: func(context.Context, string) error { return nil }})
	a.bar.conn.State = state.LoginRequired
	a.setFocus(focusComposer)
	a.offerLogin()
	if a.overlay == overlayLogin {
		t.Fatal("the login prompt opened over the composer")
	}
	a.setFocus(focusThread)
	a.offerLogin()
	if a.overlay != overlayLogin {
		t.Fatal("the login prompt did not open outside the composer")
	}
}

// ctrl+t edits the tags of the contact under the cursor then, whatever
// search results arrive while the agent types them.
func TestTagsSavedOnTheContactEdited(t *testing.T) {
	km := KeyMap{EditTags: key.NewBinding(key.WithKeys("ctrl+t")), PickerDown: key.NewBinding(key.WithKeys("down"))}
	p := newContactsPanel(nil, "")
	p.SetResults([]state.Contact{{ID: "k1", Name: "Ana", Tags: []string{"vip"}}, {ID: "k2", Name: "Ben", Tags: []string{"spanish\u202e"}}})
	p.Update(tea.KeyPressMsg{Code: tea.KeyDown}, km)
	p.Update(tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl}, km)
	if got := p.tags.Value(); got != "spanish" {
		t.Errorf("tags field = %q, want the platform's tags sanitized", got)
	}
	p.SetResults([]state.Contact{{ID: "k9", Name: "Zoe"}}) // a late search answer
	cmd := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter}, km)
	msg, ok := cmd().(contactTagsMsg)
	if !ok || msg.contactID != "k2" || strings.Join(msg.tags, ",") != "spanish" {
		t.Fatalf("saved %+v, want Ben's (k2) tags", msg)
	}
}

// A template value is one line: a paste with a line break or a tab is
// refused with words, not silently joined.
func TestTemplateFormRefusesMultiLinePaste(t *testing.T) {
	f := newTemplateForm(state.Conversation{}, state.Template{Status: "Approved", Text: "Hi {{1}}"})
	f.SetSize(80)
	f.Paste("Flat 2\n14 King St")
	if f.fields[0].Value() != "" || !strings.Contains(f.err, "line break or a tab") {
		t.Fatalf("value %q, error %q", f.fields[0].Value(), f.err)
	}
	f.Paste("Flat 2, 14 King St\n") // a copied line's own newline is no line break
	if got := f.fields[0].Value(); got != "Flat 2, 14 King St" || f.err != "" {
		t.Fatalf("value %q, error %q", got, f.err)
	}
}

// Opened from a thread, the panel searches the open contact's number;
// typing a name replaces it rather than appending to it.
func TestContactsPrefilledQueryIsTypedOver(t *testing.T) {
	p := newContactsPanel(nil, "+447902111123")
	p.Focus()
	p.Update(tea.KeyPressMsg{Code: 'b', Text: "b"}, KeyMap{})
	p.Update(tea.KeyPressMsg{Code: 'e', Text: "e"}, KeyMap{})
	if got := p.Query(); got != "be" {
		t.Errorf("query = %q, want %q", got, "be")
	}
}
