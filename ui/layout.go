package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
)

// Size is handled here only: WindowSizeMsg → layout() → child.SetSize.

const (
	wideMin        = 100 // below this, one pane at a time
	sidebarWidth   = 22
	composerHeight = 5
	minWidth       = 30
	minHeight      = 8
)

// panes are the inner sizes computed by layout.
type panes struct {
	sideW, listW, threadW int
	bodyH                 int // pane content height (inside borders)
	threadH               int // thread content height above the composer
}

func (a *App) layout() {
	w, h := a.width, a.height
	a.narrow = w < wideMin
	bodyH := max(1, h-1-2) // status bar, borders
	compH := composerHeight
	if bodyH < 12 {
		compH = 3
	}
	var p panes
	p.bodyH = bodyH
	if a.narrow {
		inner := max(1, w-2)
		p.sideW, p.listW, p.threadW = inner, inner, inner
	} else {
		p.sideW = sidebarWidth
		rest := w - (p.sideW + 2) - 4 // two more bordered panes
		p.listW = max(30, min(56, rest*2/5))
		p.threadW = max(20, rest-p.listW)
	}
	p.threadH = max(1, bodyH-compH-1)
	a.panes = p
	listH, threadH := max(1, p.bodyH-1), p.threadH // the list's title line: its view, count, what is new above
	if a.narrow {                                  // one pane at a time: a title line says which
		threadH = max(1, threadH-1)
	}
	a.side.SetSize(p.sideW, p.bodyH)
	a.list.SetSize(p.listW, listH)
	a.thread.SetSize(p.threadW, threadH)
	a.comp.SetSize(p.threadW, compH)
	a.bar.width = w
	a.sizeDialogs()
}

// box draws a pane with its border, highlighted when focused.
func (a *App) box(content string, focused bool) string {
	if focused {
		return a.st.paneFocused.Render(content)
	}
	return a.st.pane.Render(content)
}

// threadPane is the thread with the composer under it.
func (a *App) threadPane() string {
	now := a.d.Now()
	sep := a.st.muted.Render(strings.Repeat("─", a.panes.threadW))
	return lipgloss.JoinVertical(lipgloss.Left, a.thread.View(a.st, now), sep, a.comp.View(a.st, a.keys))
}

// body renders the panes for the current size and focus.
func (a *App) body() string {
	now := a.d.Now()
	if a.narrow {
		switch a.focus {
		case focusSidebar:
			return a.box(a.side.View(a.st), true)
		case focusThread, focusComposer:
			return a.box(a.narrowTitle("‹ "+a.side.label(a.side.active), hint(a.keys.Back, "back"))+"\n"+a.threadPane(), true)
		}
		return a.box(a.listTitle(hint(a.keys.PrevPane, "folders", a.keys.Help, "help"))+"\n"+a.list.View(a.st, now), true)
	}
	return lipgloss.JoinHorizontal(lipgloss.Top,
		a.box(a.side.View(a.st), a.focus == focusSidebar),
		a.box(a.listTitle("")+"\n"+a.list.View(a.st, now), a.focus == focusList),
		a.box(a.threadPane(), a.focus == focusThread || a.focus == focusComposer),
	)
}

// listTitle is the list's first line: the view and its count, the marks,
// and "↑ N new" when conversations arrived above the rows shown (g goes
// there); right, in narrow mode, a hint.
func (a *App) listTitle(right string) string {
	title := fmt.Sprintf("%s · %d", a.side.label(a.side.active), a.list.total)
	if n := len(a.list.marked); n > 0 {
		title += fmt.Sprintf(" · %d marked", n)
	}
	t := a.st.title.Render(" " + line(title))
	if n := a.list.newAbove; n > 0 {
		t += " " + a.st.warning.Render(fmt.Sprintf("↑ %d new", n))
		if right == "" {
			right = hint(a.keys.Top, "goes there")
		}
	}
	return spread(t, a.st.muted.Render(right), a.panes.listW)
}

// narrowTitle is the first line of a pane in narrow mode.
func (a *App) narrowTitle(title, hint string) string {
	return spread(a.st.title.Render(" "+line(title)), a.st.muted.Render(hint), a.panes.listW)
}

func lipWidth(s string) int { return lipgloss.Width(s) }
