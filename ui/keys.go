package ui

import (
	"reflect"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// pressed reports whether k is one of the bindings' keys, enabled or
// not: to say why a key that does nothing here does nothing.
func pressed(k tea.KeyPressMsg, bs ...key.Binding) bool {
	for _, b := range bs {
		if slices.Contains(b.Keys(), k.String()) {
			return true
		}
	}
	return false
}

// KeyMap holds every binding of the inbox, grouped by the context it acts
// in. main builds it (keymap.go: defaults and the user's overrides) and
// hands it to the UI; nothing here is a global. No view or update code
// matches a literal key: every match and every hint goes through a
// binding, so a key rebound in [keys] is rebound everywhere, hints too.
type KeyMap struct {
	// Panes (list, thread, folders): movement and focus.
	Up, Down           key.Binding
	Top, Bottom        key.Binding
	HalfPageDown       key.Binding
	HalfPageUp         key.Binding
	Open, Back         key.Binding
	NextPane, PrevPane key.Binding

	// Global: folders and views, actions on conversations.
	Inbox, Archive, Spam            key.Binding
	Mine, Unassigned, ClosingSoon   key.Binding
	Reply, Template                 key.Binding
	Assign, AssignToMe              key.Binding
	Tags                            key.Binding // the conversation's tags (where the platform tags conversations)
	Files                           key.Binding // the conversation's files: save or open one (where the platform keeps them)
	MoveArchive, MoveSpam, MoveBack key.Binding
	Mark                            key.Binding

	// Triage (triage.go): take back the last move or assignment.
	Undo key.Binding

	// Global: search, contacts, sync, help.
	Search, NextResult, PrevResult key.Binding
	Contacts, Sync, SwitchAccount  key.Binding
	Help, Quit                     key.Binding

	// Unread: the view's unread only (a toggle), the next unread
	// conversation (wrapping), mark the conversation unread.
	UnreadOnly, NextUnread, MarkUnread key.Binding

	// Every dialog (pickers, forms, search, login, help), where letters
	// type text: close, choose or submit, move, next and previous field.
	Close, Choose          key.Binding
	PickerUp, PickerDown   key.Binding
	NextField, PrevField   key.Binding
	PrevOption, NextOption key.Binding // between a field's options (an account)

	// The contacts panel.
	NewContact, EditTags key.Binding

	// The question about a reply whose send was lost (uncertain.go).
	SendAgain, WasSent key.Binding
	// The files list: open the chosen file (Choose saves it).
	OpenFile key.Binding

	// Composer.
	Send, Newline, Editor, LeaveComposer key.Binding
	SavedResponse                        key.Binding // a saved response inserted at the cursor
	Attach                               key.Binding // a file sent with the text as its caption (where the platform takes files)
	ComposerHelp                         key.Binding // the help, from the composer, where ? types text

	// Bulk work (bulk.go): mark every conversation of the view, clear the
	// marks, the last bulk action's results, the session's message log;
	// in the search dialog, mark every conversation of the results.
	MarkAll, ClearMarks, BulkResults, MessageLog key.Binding
	MarkMatches                                  key.Binding
	// Failed replies (failed.go): the Failed view, and retrying the newest
	// failed reply of the conversation.
	Failed, Retry key.Binding

	// Rescue (rescue.go): the view of windows lost while the customer
	// waited, and its bulk template send. Snooze (snooze.go): snooze the
	// conversation, the Snoozed view, wake a snoozed one.
	Rescue, RescueSend        key.Binding
	Snooze, Snoozed, Unsnooze key.Binding
	// The supervisor board (board.go).
	Board key.Binding
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
		{k.Reply, k.Template, k.Assign, k.AssignToMe, k.Tags, k.Files, k.MoveArchive, k.MoveSpam, k.MoveBack, k.Mark},
		{k.Search, k.NextResult, k.PrevResult, k.Contacts, k.Sync, k.Help, k.Quit},
		{k.UnreadOnly, k.NextUnread, k.MarkUnread},
		{k.Close, k.Choose, k.PickerUp, k.PickerDown, k.NextField, k.PrevField, k.PrevOption, k.NextOption, k.NewContact, k.EditTags, k.OpenFile,
			k.SendAgain, k.WasSent},
		{k.Send, k.Newline, k.Editor, k.SavedResponse, k.Attach, k.ComposerHelp, k.LeaveComposer},
		// Bulk work (bulk.go).
		{k.MarkAll, k.ClearMarks, k.BulkResults, k.MessageLog, k.MarkMatches},
		{k.Board}, // the supervisor board (board.go)
	}
}

// keyName is how a binding's first key is written in a hint: the first
// of its help's alternatives ("esc" of "esc/h", "↑" of "↑/ctrl+k").
func keyName(b key.Binding) string {
	if h := b.Help().Key; h != "" {
		first, _, _ := strings.Cut(h, "/")
		if first == "" { // the key is "/" itself
			return h
		}
		return first
	}
	if ks := b.Keys(); len(ks) > 0 {
		return ks[0]
	}
	return ""
}

// hint is a dialog's footer drawn from its bindings: pairs of a binding
// and what it does here, e.g. hint(km.Choose, "assign", km.Close, "close")
// → "enter assign · esc close". Disabled bindings are left out.
func hint(pairs ...any) string {
	var parts []string
	for i := 0; i+1 < len(pairs); i += 2 {
		switch b := pairs[i].(type) {
		case key.Binding:
			if b.Enabled() {
				parts = append(parts, keyName(b)+" "+pairs[i+1].(string))
			}
		case []key.Binding:
			var names []string
			for _, x := range b {
				if x.Enabled() {
					names = append(names, keyName(x))
				}
			}
			if len(names) > 0 {
				parts = append(parts, strings.Join(names, "/")+" "+pairs[i+1].(string))
			}
		}
	}
	return strings.Join(parts, " · ")
}

// bindsKey reports whether some binding of the map takes the key k (as
// tea.Key.String writes it, "alt+enter").
func (km KeyMap) bindsKey(k string) bool {
	v := reflect.ValueOf(km)
	for i := range v.NumField() {
		if b, ok := v.Field(i).Interface().(key.Binding); ok && slices.Contains(b.Keys(), k) {
			return true
		}
	}
	return false
}
