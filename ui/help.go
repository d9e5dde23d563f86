package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// helpGroups is the help for where the focus is, then the global keys.
func helpGroups(k KeyMap, f focus) (title string, groups [][]key.Binding) {
	global := []key.Binding{k.Inbox, k.Archive, k.Spam, k.Mine, k.Unassigned, k.ClosingSoon, k.Search, k.NextResult, k.PrevResult, k.Contacts, k.Sync, k.SwitchAccount, k.NextPane, k.PrevPane, k.Help, k.Quit}
	switch f {
	case focusComposer:
		return "Composer", [][]key.Binding{{k.Send, k.Newline, k.Editor, k.LeaveComposer}}
	case focusThread:
		return "Thread", [][]key.Binding{{k.Up, k.Down, k.Top, k.Bottom, k.HalfPageUp, k.HalfPageDown, k.Back}, {k.Reply, k.Template, k.Assign, k.AssignToMe, k.MoveArchive, k.MoveSpam, k.MoveBack}, global}
	case focusSidebar:
		return "Folders and views", [][]key.Binding{{k.Up, k.Down, k.Open}, global}
	}
	return "Conversations", [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.HalfPageUp, k.HalfPageDown, k.Open, k.Back},
		{k.Reply, k.Template, k.Assign, k.AssignToMe, k.MoveArchive, k.MoveSpam, k.MoveBack, k.Mark},
		global,
	}
}

// helpView renders the help overlay.
func helpView(st styles, k KeyMap, f focus, w, h int) string {
	title, groups := helpGroups(k, f)
	hm := help.New()
	hm.SetWidth(w - 4)
	body := hm.FullHelpView(groups)
	lines := []string{st.title.Render("Keys — " + title), ""}
	lines = append(lines, strings.Split(body, "\n")...)
	// Pickers and forms: letters type text there, so they have keys of their own.
	pickers := []key.Binding{k.PickerUp, k.PickerDown, k.NewContact, k.EditTags,
		key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close"))}
	parts := []string{st.title.Render("In pickers and forms:")}
	for _, b := range pickers {
		if b.Enabled() {
			parts = append(parts, st.key.Render(b.Help().Key)+" "+st.keyDesc.Render(b.Help().Desc))
		}
	}
	lines = append(lines, "")
	lines = append(lines, wrap(strings.Join(parts, "  "), w-4)...)
	lines = append(lines, "", st.muted.Render("Keys can be changed in the [keys] table of config.toml (see README). ? or esc closes."))
	return st.paneFocused.Render(fitBlock(lines, w-2, h-2))
}
