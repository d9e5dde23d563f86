package main

import (
	"charm.land/bubbles/v2/key"

	"github.com/mbx-inbox/mbx/ui"
)

// defaultKeyMap returns a fresh copy of every default binding with its help
// text (../shared/ARCHITECTURE.md, "Default keys"). No Alt+letter outside
// the composer: those collide with AltGr layouts.
func defaultKeyMap() ui.KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return ui.KeyMap{
		Up:           b("k/↑", "up", "k", "up"),
		Down:         b("j/↓", "down", "j", "down"),
		Top:          b("g", "top", "g", "home"),
		Bottom:       b("G", "bottom", "G", "end"),
		HalfPageDown: b("ctrl+d", "half page down", "ctrl+d", "pgdown"),
		HalfPageUp:   b("ctrl+u", "half page up", "ctrl+u", "pgup"),
		Open:         b("enter/l", "open", "enter", "l"),
		Back:         b("esc/h", "back", "esc", "h"),
		NextPane:     b("tab", "next pane", "tab"),
		PrevPane:     b("shift+tab", "previous pane", "shift+tab"),

		Inbox:       b("1", "inbox", "1"),
		Archive:     b("2", "archive", "2"),
		Spam:        b("3", "spam", "3"),
		Mine:        b("4", "mine", "4"),
		Unassigned:  b("5", "unassigned", "5"),
		ClosingSoon: b("6", "closing soon", "6"),
		Reply:       b("r", "reply", "r"),
		Template:    b("t", "template", "t"),
		Assign:      b("a", "assign…", "a"),
		AssignToMe:  b("A", "assign to me", "A"),
		MoveArchive: b("e", "archive", "e"),
		MoveSpam:    b("!", "spam", "!"),
		MoveBack:    b("I", "back to inbox", "I"),
		Mark:        b("x/space", "mark", "x", "space"),

		Search:     b("/", "search", "/"),
		NextResult: b("n", "next result", "n"),
		PrevResult: b("N", "previous result", "N"),
		Contacts:   b("c", "contacts", "c"),
		Sync:       b("ctrl+r", "sync now", "ctrl+r"),
		Help:       b("?", "help", "?"),
		Quit:       b("q", "quit", "q", "ctrl+c"),

		Send:          b("enter", "send", "enter"),
		Newline:       b("alt+enter/ctrl+j", "new line", "alt+enter", "ctrl+j"),
		Editor:        b("ctrl+e", "edit in $EDITOR", "ctrl+e"),
		LeaveComposer: b("esc", "leave (draft kept)", "esc"),
	}
}
