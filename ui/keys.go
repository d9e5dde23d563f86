package ui

import "charm.land/bubbles/v2/key"

// KeyMap holds every binding of the inbox. main builds it (keymap.go:
// defaults and the user's overrides) and hands it to the UI; nothing here
// is a global.
type KeyMap struct {
	// Movement and focus.
	Up, Down           key.Binding
	Top, Bottom        key.Binding
	HalfPageDown       key.Binding
	HalfPageUp         key.Binding
	Open, Back         key.Binding
	NextPane, PrevPane key.Binding

	// Folders and views.
	Inbox, Archive, Spam            key.Binding
	Mine, Unassigned, ClosingSoon   key.Binding
	Reply, Template                 key.Binding
	Assign, AssignToMe              key.Binding
	MoveArchive, MoveSpam, MoveBack key.Binding
	Mark                            key.Binding

	// Search, contacts, sync, help.
	Search, NextResult, PrevResult key.Binding
	Contacts, Sync, SwitchAccount  key.Binding
	Help, Quit                     key.Binding

	// Inside pickers and forms, where letters type text.
	PickerUp, PickerDown key.Binding
	NewContact, EditTags key.Binding

	// Composer.
	Send, Newline, Editor, LeaveComposer key.Binding
}

// ShortHelp is the one-line help of the status bar.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Help, k.Open, k.Reply, k.Template, k.Assign, k.MoveArchive, k.Search, k.Quit}
}

// FullHelp is the help screen, a column a group.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.HalfPageDown, k.HalfPageUp, k.Open, k.Back, k.NextPane, k.PrevPane},
		{k.Inbox, k.Archive, k.Spam, k.Mine, k.Unassigned, k.ClosingSoon},
		{k.Reply, k.Template, k.Assign, k.AssignToMe, k.MoveArchive, k.MoveSpam, k.MoveBack, k.Mark},
		{k.Search, k.NextResult, k.PrevResult, k.Contacts, k.Sync, k.Help, k.Quit},
		{k.Send, k.Newline, k.Editor, k.LeaveComposer},
	}
}
