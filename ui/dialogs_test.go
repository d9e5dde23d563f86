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
	if _, ok := isOpen[*loginPrompt](a); ok {
		t.Fatal("the login prompt opened over the composer")
	}
	a.setFocus(focusThread)
	a.offerLogin()
	if _, ok := isOpen[*loginPrompt](a); !ok {
		t.Fatal("the login prompt did not open outside the composer")
	}
}

// mbx board logged out: the login prompt opens over the board whichever
// came first (the board at start, the platform's "log in" after).
func TestLoginPromptOverTheBoard(t *testing.T) {
	a := notifyApp(t, Deps{Account: "work", Username: "agent", Board: true, Login: func(context.Context, string) error { return nil }})
	if _, ok := isOpen[*boardDialog](a); !ok {
		a.openBoard()
	}
	a.bar.conn.State = state.LoginRequired
	a.offerLogin()
	if _, ok := isOpen[*loginPrompt](a); !ok {
		t.Fatal("the login prompt did not open over the board")
	}
	if _, ok := a.dialogs[len(a.dialogs)-1].d.(*loginPrompt); !ok {
		t.Error("the login prompt is not on top")
	}
}

// The login-again key works from the composer: it opens the prompt the
// agent asked for, over the composer, and the draft stays.
func TestLoginAgainFromComposer(t *testing.T) {
	a := notifyApp(t, Deps{Account: "work", Username: "agent", Login: func(context.Context, string) error { return nil }})
	a.bar.conn.State = state.LoginRequired
	a.setFocus(focusComposer)
	a.comp.ta.InsertString("half a reply")
	a.Update(tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl})
	if _, ok := isOpen[*loginPrompt](a); !ok {
		t.Fatal("ctrl+r in the composer did not open the login prompt")
	}
	if a.comp.Value() != "half a reply" {
		t.Errorf("the draft is %q", a.comp.Value())
	}
}

// ctrl+t edits the tags of the contact under the cursor then, whatever
// search results arrive while the agent types them.
func TestTagsSavedOnTheContactEdited(t *testing.T) {
	p := newContactsPanel(testKeys(), nil, "")
	p.SetResults([]state.Contact{{ID: "k1", Name: "Ana", Tags: []string{"vip"}}, {ID: "k2", Name: "Ben", Tags: []string{"spanish\u202e"}}})
	p.Update(tea.KeyPressMsg{Code: tea.KeyDown})
	p.Update(tea.KeyPressMsg{Code: 't', Mod: tea.ModCtrl})
	if got := p.tags.Value(); got != "spanish" {
		t.Errorf("tags field = %q, want the platform's tags sanitized", got)
	}
	p.SetResults([]state.Contact{{ID: "k9", Name: "Zoe"}}) // a late search answer
	_, act := p.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	msg, ok := act.(saveTags)
	if !ok || msg.contactID != "k2" || strings.Join(msg.tags, ",") != "spanish" {
		t.Fatalf("saved %+v, want Ben's (k2) tags", msg)
	}
}

// A template value is one line: a paste with a line break or a tab is
// refused with words, not silently joined.
func TestTemplateFormRefusesMultiLinePaste(t *testing.T) {
	f := newTemplateForm(testKeys(), state.Conversation{}, state.Template{Status: "Approved", Text: "Hi {{1}}"})
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
	p := newContactsPanel(testKeys(), nil, "+447902111123")
	p.Update(tea.KeyPressMsg{Code: 'b', Text: "b"})
	p.Update(tea.KeyPressMsg{Code: 'e', Text: "e"})
	if got := p.Query(); got != "be" {
		t.Errorf("query = %q, want %q", got, "be")
	}
}

// testKeys are the default bindings the ui tests type with (the program's
// live in keymap.go, in main; these mirror the ones the tests press).
func testKeys() KeyMap { return testKeysWith(nil) }

// testKeysWith is testKeys with changes.
func testKeysWith(change func(*KeyMap)) KeyMap {
	b := func(help string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, help))
	}
	km := KeyMap{
		Up: b("k", "k", "up"), Down: b("j", "j", "down"), Open: b("enter", "enter", "l"), Back: b("esc", "esc", "h"),
		Assign: b("a", "a"), Template: b("t", "t"), MoveArchive: b("e", "e"), Mark: b("x", "x", "space"),
		Search: b("/", "/"), Contacts: b("c", "c"), Help: b("?", "?"), Quit: b("q", "q"), Sync: b("ctrl+r", "ctrl+r"),
		Close: b("esc", "esc"), Choose: b("enter", "enter"), NextField: b("tab", "tab"), PrevField: b("shift+tab", "shift+tab"),
		PickerUp: b("up", "up", "ctrl+k"), PickerDown: b("down", "down", "ctrl+j"), PrevOption: b("left", "left"), NextOption: b("right", "right", "space"),
		NewContact: b("ctrl+n", "ctrl+n"), EditTags: b("ctrl+t", "ctrl+t"),
		Send: b("enter", "enter"), Newline: b("ctrl+j", "ctrl+j"), Editor: b("ctrl+e", "ctrl+e"), LeaveComposer: b("esc", "esc"),
		Tags: b("#", "#"), SavedResponse: b("ctrl+o", "ctrl+o"),
		// Bulk work (bulk.go).
		MarkAll: b("V", "V"), ClearMarks: b("X", "X"), BulkResults: b("B", "B"), MessageLog: b("f2", "f2"), MarkMatches: b("ctrl+x", "ctrl+x"),
	}
	if change != nil {
		change(&km)
	}
	return km
}

func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}
