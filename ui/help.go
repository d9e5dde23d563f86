package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// helpGroups is the help for where the focus is, then the global keys.
func helpGroups(k KeyMap, f focus) (title string, groups [][]key.Binding) {
	global := []key.Binding{k.Inbox, k.Archive, k.Spam, k.Mine, k.Unassigned, k.ClosingSoon, k.Search, k.NextResult, k.PrevResult, k.Contacts, k.Sync, k.SwitchAccount, k.NextPane, k.PrevPane, k.Help, k.Quit}
	switch f {
	case focusComposer:
		return "Composer", [][]key.Binding{{k.Send, k.Newline, k.Editor, k.SavedResponse, k.Attach, k.LeaveComposer}}
	case focusThread:
		return "Thread", [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.HalfPageUp, k.HalfPageDown, k.Back}, {k.Reply, k.Template, k.Assign, k.AssignToMe, k.Tags, k.Files, k.MoveArchive, k.MoveSpam, k.MoveBack}, global}
	case focusSidebar:
		return "Folders and views", [][]key.Binding{{k.Up, k.Down, k.Open}, global}
	}
	return "Conversations", [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.HalfPageUp, k.HalfPageDown, k.Open, k.Back},
		{k.Reply, k.Template, k.Assign, k.AssignToMe, k.Tags, k.Files, k.MoveArchive, k.MoveSpam, k.MoveBack, k.Mark},
		global,
	}
}

// helpDialog is the help screen for where the focus was when it opened.
type helpDialog struct {
	km    KeyMap
	focus focus
}

func (d *helpDialog) Waiting() (bool, bool) { return false, true }
func (d *helpDialog) Bounds() (int, int)    { return 100, 1 << 16 }

func (d *helpDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	if k, ok := msg.(tea.KeyPressMsg); ok && key.Matches(k, d.km.Help, d.km.Back, d.km.Close, d.km.Quit) {
		return nil, closeDialog{}
	}
	return nil, nil
}

func (d *helpDialog) View(v viewCtx) string { return helpView(v.st, d.km, d.focus, v.w, v.h) }

// helpView renders the help screen.
func helpView(st styles, k KeyMap, f focus, w, h int) string {
	title, groups := helpGroups(k, f)
	hm := help.New()
	hm.SetWidth(w - 4)
	body := hm.FullHelpView(groups)
	lines := []string{st.title.Render("Keys — " + title), ""}
	lines = append(lines, strings.Split(body, "\n")...)
	// Dialogs: letters type text there, so they have keys of their own.
	pickers := []key.Binding{k.Choose, k.Close, k.PickerUp, k.PickerDown, k.NextField, k.PrevField, k.NewContact, k.EditTags, k.OpenFile}
	parts := []string{st.title.Render("In pickers and forms:")}
	for _, b := range pickers {
		if b.Enabled() {
			parts = append(parts, st.key.Render(b.Help().Key)+" "+st.keyDesc.Render(b.Help().Desc))
		}
	}
	lines = append(lines, "")
	lines = append(lines, wrap(strings.Join(parts, "  "), w-4)...)
	lines = append(lines, "", st.muted.Render("Keys can be changed in the [keys] table of config.toml (see README). "+hint([]key.Binding{k.Help, k.Close}, "closes")+"."))
	return st.paneFocused.Render(fitBlock(lines, w-2, h-2))
}
