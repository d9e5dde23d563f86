package ui

import (
	"slices"

	"charm.land/bubbles/v2/key"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/sahilm/fuzzy"
)

// pickItem is one row of a picker.
type pickItem struct {
	title    string // the name, untrusted: drawn through line()
	detail   string // muted text after the title
	status   string // shown on the right, e.g. "Pending"
	disabled bool   // listed greyed, never chosen
	current  bool   // marked as the current value
}

// pickList is the filterable list under the pickers: a query input,
// items fuzzy-filtered by it (enabled ones first, then the disabled ones,
// each by score), and a cursor that skips disabled items. It does no IO:
// with external set, the owner filters (e.g. a store search) and calls
// SetItems with the results.
type pickList struct {
	input    textinput.Model
	items    []pickItem
	shown    []int // indices into items, in display order
	cursor   int   // position in shown
	external bool
}

func newPickList(prompt, placeholder string) pickList {
	in := newInput()
	in.Prompt = prompt
	in.Placeholder = placeholder
	in.CharLimit = 200
	return pickList{input: in}
}

// SetItems replaces the items and filters them again, keeping the cursor
// on the first choosable one.
func (p *pickList) SetItems(items []pickItem) {
	p.items = items
	p.filter()
}

func (p *pickList) filter() {
	p.shown = p.shown[:0]
	q := p.input.Value()
	if p.external || q == "" {
		for i := range p.items {
			p.shown = append(p.shown, i)
		}
	} else {
		hay := make([]string, len(p.items))
		for i, it := range p.items {
			hay[i] = it.title + " " + it.detail
		}
		for _, m := range fuzzy.Find(q, hay) {
			p.shown = append(p.shown, m.Index)
		}
	}
	// Choosable first; the order within each group is kept.
	slices.SortStableFunc(p.shown, func(a, b int) int {
		da, db := p.items[a].disabled, p.items[b].disabled
		switch {
		case da == db:
			return 0
		case db:
			return -1
		}
		return 1
	})
	p.cursor = 0
	p.skip(1)
}

// skip moves the cursor off disabled items in direction d, or leaves it
// where it was when there is nothing to choose that way.
func (p *pickList) skip(d int) {
	for i := p.cursor; i >= 0 && i < len(p.shown); i += d {
		if !p.items[p.shown[i]].disabled {
			p.cursor = i
			return
		}
	}
}

// Move steps the cursor over choosable items.
func (p *pickList) Move(d int) {
	for i := p.cursor + d; i >= 0 && i < len(p.shown); i += d {
		if !p.items[p.shown[i]].disabled {
			p.cursor = i
			return
		}
	}
}

// Highlighted is the item under the cursor (disabled ones included, for
// previews), as an index into the items.
func (p *pickList) Highlighted() (int, bool) {
	if p.cursor < 0 || p.cursor >= len(p.shown) {
		return 0, false
	}
	return p.shown[p.cursor], true
}

// Selected is the item to choose: the highlighted one when enabled.
func (p *pickList) Selected() (int, bool) {
	i, ok := p.Highlighted()
	if !ok || p.items[i].disabled {
		return 0, false
	}
	return i, true
}

// Update passes a key to the query input; it reports whether the query
// changed (and, unless external, filters again).
func (p *pickList) Update(msg tea.Msg) (tea.Cmd, bool) {
	before := p.input.Value()
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	changed := p.input.Value() != before
	if changed && !p.external {
		p.filter()
	}
	return cmd, changed
}

// Key handles a key the way every picker does: the close key closes,
// the choose key on a choosable item returns choose(its index), the
// picker keys move, anything else types in the filter.
func (p *pickList) Key(k tea.KeyPressMsg, km KeyMap, choose func(i int) action) (tea.Cmd, action) {
	switch {
	case key.Matches(k, km.Close):
		return nil, closeDialog{}
	case key.Matches(k, km.Choose):
		if i, ok := p.Selected(); ok {
			return nil, choose(i)
		}
	case key.Matches(k, km.PickerUp):
		p.Move(-1)
	case key.Matches(k, km.PickerDown):
		p.Move(1)
	default:
		cmd, _ := p.Update(k)
		return cmd, nil
	}
	return nil, nil
}

// Paste types pasted text in the filter (one line of it).
func (p *pickList) Paste(text string) {
	p.input.SetValue(p.input.Value() + line(text))
	p.input.CursorEnd()
	if !p.external {
		p.filter()
	}
}

// Lines renders the query and up to h-1 rows of w cells around the cursor.
func (p *pickList) Lines(st styles, w, h int) []string {
	p.input.SetWidth(max(1, w-lipWidth(p.input.Prompt)-1))
	lines := []string{p.input.View()}
	rows := h - 1
	if rows <= 0 {
		return lines
	}
	if len(p.shown) == 0 {
		msg := "Nothing matches."
		if p.input.Value() == "" {
			msg = "Nothing to choose from."
		}
		return append(lines, st.muted.Render(msg))
	}
	first := max(0, min(p.cursor-rows/2, len(p.shown)-rows))
	for i := first; i < len(p.shown) && i < first+rows; i++ {
		it := p.items[p.shown[i]]
		mark := "  " // the cursor's row is marked by a glyph, not only colour (NO_COLOR)
		if i == p.cursor && !it.disabled {
			mark = "› "
		}
		if it.current {
			mark += "● "
		} else {
			mark += "  "
		}
		title := line(it.title)
		detail := ""
		if it.detail != "" {
			detail = "  " + line(it.detail)
		}
		right := line(it.status)
		var row string
		switch {
		case it.disabled:
			row = st.muted.Render(spread(mark+title+detail, right, w))
		case i == p.cursor:
			row = st.itemCursor.Render(spread(mark+title+detail, right, w))
		default:
			row = spread(st.item.Render(mark+title)+st.muted.Render(detail), st.muted.Render(right), w)
		}
		lines = append(lines, row)
	}
	return lines
}
