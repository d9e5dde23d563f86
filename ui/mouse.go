package ui

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// The mouse (Deps.Mouse turns its reporting on; [ui] mouse): a click
// focuses the pane under it; on a list row it selects the row, and a
// click on the selected row opens it; on a folder or view it lists it;
// on the composer it starts a reply. The wheel moves the list's cursor or
// scrolls the thread, whichever is under the pointer, without moving the
// focus. While a dialog is open a click does nothing, and the wheel moves
// a picker's selection as its keys do. Shift+drag selects text in most
// terminals while the inbox has the mouse.

// wheelLines is how far the thread scrolls for one notch of the wheel.
const wheelLines = 3

// paneHit is where a pointer is: a pane and the line and column inside
// its border (y 0: its first line of content).
type paneHit struct {
	pane     focus
	x, y     int
	composer bool // on the composer, under the thread
	ok       bool
}

// hit finds the pane under (x, y) for the current layout.
func (a *App) hit(x, y int) paneHit {
	if !a.ready || a.width < minWidth || a.height < minHeight || y <= 0 || y >= a.height-1 {
		return paneHit{} // the status bar, a top border, a frame too small
	}
	h := paneHit{y: y - 1, ok: true}
	if a.narrow {
		h.pane, h.x = a.focus, x-1
		if h.pane == focusComposer {
			h.pane = focusThread
		}
	} else {
		p := a.panes
		switch listX := p.sideW + 2; {
		case x < listX:
			h.pane, h.x = focusSidebar, x-1
		case x < listX+p.listW+2:
			h.pane, h.x = focusList, x-listX-1
		default:
			h.pane, h.x = focusThread, x-listX-p.listW-2-1
		}
	}
	if h.y >= a.panes.bodyH {
		return paneHit{} // the bottom border
	}
	h.composer = h.pane == focusThread && h.y > a.panes.threadH
	return h
}

func (a *App) handleClick(m tea.Mouse) tea.Cmd {
	if m.Button != tea.MouseLeft || len(a.dialogs) > 0 {
		return nil // a click outside a dialog, or another button: nothing
	}
	h := a.hit(m.X, m.Y)
	if !h.ok {
		return nil
	}
	a.touched, a.unseen = true, 0
	switch h.pane {
	case focusSidebar:
		if i, ok := a.side.entryAt(h.y); ok {
			a.side.cursor = i
			cmd := a.showEntry(a.side.entries[i].key)
			a.setFocus(focusList)
			return cmd
		}
		a.setFocus(focusSidebar)
	case focusList:
		i, ok := a.list.rowAt(h.y)
		if !ok {
			a.setFocus(focusList)
			return nil
		}
		if i == a.list.cursor && a.focus == focusList { // the second click opens
			if c, ok := a.list.Selected(); ok {
				a.list.pinned = a.list.cursor > 0
				return a.openConversation(c, focusThread)
			}
			return nil
		}
		a.setFocus(focusList)
		a.list.MoveTo(i)
		if a.list.needsLoad() {
			return a.reloadList("")
		}
	case focusThread:
		if a.thread.conv.ID == "" {
			a.setFocus(focusThread)
			return nil
		}
		if h.composer {
			if a.focus == focusComposer {
				return nil // the textarea keeps its cursor
			}
			a.setFocus(focusThread) // the reply is to the conversation shown
			return a.startReply()
		}
		a.setFocus(focusThread)
	}
	return nil
}

func (a *App) handleWheel(m tea.Mouse) tea.Cmd {
	up := m.Button == tea.MouseWheelUp
	if !up && m.Button != tea.MouseWheelDown {
		return nil
	}
	if e := a.top(); e != nil {
		return a.wheelDialog(e, up)
	}
	h := a.hit(m.X, m.Y)
	if !h.ok {
		return nil
	}
	a.unseen = 0
	switch h.pane {
	case focusList:
		a.touched = true
		if up {
			a.list.Move(-1)
		} else {
			a.list.Move(1)
		}
		if a.list.needsLoad() {
			return a.reloadList("")
		}
	case focusThread:
		if a.thread.conv.ID == "" || h.composer {
			return nil
		}
		if !up {
			a.thread.Scroll(-wheelLines, a.st, a.d.Now())
			return nil
		}
		switch a.thread.Scroll(wheelLines, a.st, a.d.Now()) {
		case olderStore:
			a.threadReq++
			return loadThreadCmd(a.core, a.threadReq, a.thread.conv.ID, a.thread.Oldest(), true)
		case olderPlatform:
			a.bar.busy = "loading older messages…"
			return loadOlderCmd(a.ctx, a.core, a.thread.conv.ID, a.thread.Oldest())
		}
	}
	return nil
}

// wheelDialog moves a picker's selection (or scrolls the help) as its
// up and down keys do, wherever the pointer is; other dialogs, where
// those keys move between fields, take no wheel.
func (a *App) wheelDialog(e *dialogEntry, up bool) tea.Cmd {
	switch e.d.(type) {
	case *accountPicker, *assignPicker, *filesPicker, *helpDialog, *savedPicker, *searchDialog, *templatePicker, *whoPicker:
	default:
		return nil
	}
	b := a.keys.PickerDown
	if up {
		b = a.keys.PickerUp
	}
	if k, ok := keyPressOf(b); ok {
		return a.routeInput(k) // kept, like a key, while the picker reads its data
	}
	return nil
}

// namedKeys are the key names a binding may use for keys without text.
var namedKeys = map[string]rune{
	"up": tea.KeyUp, "down": tea.KeyDown, "left": tea.KeyLeft, "right": tea.KeyRight,
	"home": tea.KeyHome, "end": tea.KeyEnd, "pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown,
	"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab, "space": tea.KeySpace,
}

// keyPressOf is a key press that matches b (its first key that can be
// built), for the wheel to act as the binding's key does.
func keyPressOf(b key.Binding) (tea.KeyPressMsg, bool) {
	for _, s := range b.Keys() {
		parts := strings.Split(s, "+")
		var k tea.KeyPressMsg
		for _, m := range parts[:len(parts)-1] {
			switch m {
			case "ctrl":
				k.Mod |= tea.ModCtrl
			case "alt":
				k.Mod |= tea.ModAlt
			case "shift":
				k.Mod |= tea.ModShift
			}
		}
		last := parts[len(parts)-1]
		if r, ok := namedKeys[last]; ok {
			k.Code = r
		} else if r, n := utf8.DecodeRuneInString(last); n == len(last) && n > 0 {
			k.Code = r
			if k.Mod == 0 {
				k.Text = last
			}
		}
		if k.Code != 0 && key.Matches(k, b) {
			return k, true
		}
	}
	return tea.KeyPressMsg{}, false
}
