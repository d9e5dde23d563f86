package ui

import (
	tea "charm.land/bubbletea/v2"
)

// accountPicker switches to another configured account: the program ends
// and main opens that account's inbox (its own store and sync).
type accountPicker struct {
	km    KeyMap
	names []string
	list  pickList
}

// chooseAccount: switch to this account.
type chooseAccount struct{ name string }

func newAccountPicker(km KeyMap, names []string, current string) *accountPicker {
	p := &accountPicker{km: km, names: names, list: newPickList("Account: ", "type to filter")}
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
	p.list.input.Focus()
	return p
}

func (p *accountPicker) Waiting() (bool, bool) { return false, true }
func (p *accountPicker) Bounds() (int, int)    { return 60, 20 }

// Update handles keys: choosing returns chooseAccount.
func (p *accountPicker) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case tea.PasteMsg:
		p.list.Paste(m.Content)
	case tea.KeyPressMsg:
		return p.list.Key(m, p.km, func(i int) action { return chooseAccount{name: p.names[i]} })
	}
	return nil, nil
}

func (p *accountPicker) View(v viewCtx) string {
	st, w, h := v.st, v.w, v.h
	lines := []string{st.title.Render("Switch account"), ""}
	lines = append(lines, p.list.Lines(st, w-4, min(h-6, len(p.names)+1))...)
	lines = append(lines, "", st.muted.Render(hint(p.km.Choose, "switch (drafts are kept)", p.km.Close, "close")))
	return st.dialog.Render(fitBlock(lines, w-4, min(h-2, len(lines))))
}
