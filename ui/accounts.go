package ui

import (
	"charm.land/bubbles/v2/key"
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
	return p
}

func (p *accountPicker) Focus() tea.Cmd { return p.list.input.Focus() }

// Update handles a key: enter emits accountChosenMsg, esc dialogClosedMsg.
func (p *accountPicker) Update(k tea.KeyPressMsg, km KeyMap) tea.Cmd {
	switch {
	case k.String() == "esc":
		return emit(dialogClosedMsg{})
	case k.String() == "enter":
		if i, ok := p.list.Selected(); ok {
			return emit(accountChosenMsg{name: p.names[i]})
		}
		return nil
	case key.Matches(k, km.PickerUp):
		p.list.Move(-1)
	case key.Matches(k, km.PickerDown):
		p.list.Move(1)
	default:
		cmd, _ := p.list.Update(k)
		return cmd
	}
	return nil
}

func (p *accountPicker) View(st styles, w, h int) string {
	lines := []string{st.title.Render("Switch account"), ""}
	lines = append(lines, p.list.Lines(st, w-4, min(h-6, len(p.names)+1))...)
	lines = append(lines, "", st.muted.Render("enter switch (drafts are kept) · esc close"))
	return st.dialog.Render(fitBlock(lines, w-4, min(h-2, len(lines))))
}
