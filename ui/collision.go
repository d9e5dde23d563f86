package ui

import (
	"fmt"
	"slices"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// collisionDialog asks before a bulk reassignment of marked
// conversations some of which changed since they were marked (another
// assignee, or a reply by an agent): go ahead with all, skip the changed
// ones (they stay marked), or cancel.
type collisionDialog struct {
	km      KeyMap
	p       pendingApply
	changed []markChange // named (the first collisionListed)
	skip    []string     // every changed one
	more    int          // changed but not named
	choice  int          // collideAll, collideSkip, collideCancel
}

const (
	collideAll = iota
	collideSkip
	collideCancel
)

// bulkAction is an action of bulk work's dialogs, for handleBulkAction.
type bulkAction interface{ bulkAction() }

// markMatches: mark every conversation of the search results.
type markMatches struct{}

// goAhead: run the pending change on these conversations.
type goAhead pendingApply

func (markMatches) bulkAction() {}
func (goAhead) bulkAction()     {}

func newCollisionDialog(km KeyMap, p pendingApply, changed []markChange, skip []string, more int) *collisionDialog {
	return &collisionDialog{km: km, p: p, changed: changed, skip: skip, more: more, choice: collideSkip}
}

func (d *collisionDialog) Waiting() (bool, bool) { return false, true }
func (d *collisionDialog) Bounds() (int, int)    { return 80, 1 << 16 }

func (d *collisionDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	km := d.km
	switch {
	case key.Matches(k, km.Close):
		return nil, closeDialog{flash: "Nothing assigned: the conversations stay marked"}
	case key.Matches(k, km.Up, km.PickerUp, km.PrevOption):
		d.choice = max(collideAll, d.choice-1)
	case key.Matches(k, km.Down, km.PickerDown, km.NextOption):
		d.choice = min(collideCancel, d.choice+1)
	case key.Matches(k, km.Choose):
		switch d.choice {
		case collideAll:
			return nil, goAhead(d.p)
		case collideSkip:
			p := d.p
			p.ids = slices.DeleteFunc(slices.Clone(p.ids), func(id string) bool { return slices.Contains(d.skip, id) })
			return nil, goAhead(p)
		}
		return nil, closeDialog{flash: "Nothing assigned: the conversations stay marked"}
	}
	return nil, nil
}

func (d *collisionDialog) options() []string {
	return []string{
		fmt.Sprintf("Go ahead with all %d", len(d.p.ids)),
		fmt.Sprintf("Skip the %d changed: go ahead with %d", len(d.skip), len(d.p.ids)-len(d.skip)),
		"Cancel",
	}
}

func (d *collisionDialog) View(v viewCtx) string {
	st := v.st
	w := max(10, v.w-4)
	n := len(d.skip)
	var head []string
	head = append(head, st.title.Render("Changed since you marked them"), "")
	head = append(head, wrap(fmt.Sprintf("%d of the %d marked conversations changed since you marked them:", n, len(d.p.ids)), w)...)
	var opts []string
	for i, o := range d.options() {
		if i == d.choice {
			opts = append(opts, st.itemCursor.Render(fit(glyphCursor+" "+o, w)))
		} else {
			opts = append(opts, "  "+o)
		}
	}
	foot := st.muted.Render(fit(hint([]key.Binding{d.km.PickerUp, d.km.PickerDown}, "choose", d.km.Choose, "go", d.km.Close, "cancel"), w))
	room := max(1, v.h-2-len(head)-1-len(opts)-1) // the border, a gap before the options, the foot
	var list []string
	for i, c := range d.changed {
		item := wrap("• "+line(c.label)+" — "+line(c.what), w-2)
		left := n - i
		if len(list)+len(item) > room || len(list)+len(item) == room && left > 1 {
			list = append(list, st.muted.Render(fmt.Sprintf("  and %d more", left)))
			break
		}
		for j, l := range item {
			if j > 0 {
				l = "  " + l
			}
			list = append(list, l)
		}
		if i == len(d.changed)-1 && d.more > 0 {
			list = append(list, st.muted.Render(fmt.Sprintf("  and %d more", d.more)))
		}
	}
	lines := append(head, list...)
	lines = append(lines, "")
	lines = append(lines, opts...)
	lines = append(lines, foot)
	return st.paneFocused.Render(fitBlock(lines, v.w-2, min(v.h-2, len(lines))))
}
