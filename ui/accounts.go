package ui

import (
	tea "charm.land/bubbletea/v2"
)

// accountPicker switches to another configured account: the program ends
// and main opens that account's inbox (its own store and sync).
type accountPicker struct {
	names []string
	list  pickList
}

func newAccountPicker(names []string, current string) accountPicker {
	p := accountPicker{names: names, list: newPickList("Account: ", "type to filter")}
	items := make([]pickItem, len(names))
	for i, n := range names {
		items[i] = pickItem{title: n, current: n == current}
		if n == current {
			items[i].status = "open now"
		}
	}
	p.list.SetItems(items)
	if i, ok := p.list.Highlighted(); ok && items[i].current {
		p.list.Move(1) // the one open now is rarely the one wanted
	}
	return p
}

func (p *accountPicker) Focus() tea.Cmd { return p.list.input.Focus() }

// Update handles a key: enter emits accountChosenMsg, esc dialogClosedMsg.
func (p *accountPicker) Update(k tea.KeyPressMsg, km KeyMap) tea.Cmd {
	return p.list.Key(k, km, func(i int) tea.Msg { return accountChosenMsg{name: p.names[i]} })
}

func (p *accountPicker) View(st styles, w, h int) string {
	lines := []string{st.title.Render("Switch account"), ""}
	lines = append(lines, p.list.Lines(st, w-4, min(h-6, len(p.names)+1))...)
	lines = append(lines, "", st.muted.Render("enter switch (drafts are kept) · esc close"))
	return st.dialog.Render(fitBlock(lines, w-4, min(h-2, len(lines))))
}
