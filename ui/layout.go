package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
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
	compH                 int // the composer's rows (composerRows)
}

// Every pane's title is in its top border (README's diagram): the
// sidebar's "Folders", the list's view and count, the thread's contact
// and window. The composer is one line until the agent writes, then grows
// with the text up to a third of the pane; its counter and state are on
// the line that separates it from the thread.
func (a *App) layout() {
	w, h := a.width, a.height
	a.narrow = w < wideMin
	bodyH := max(1, h-1-2) // status bar, borders
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
	p.compH = a.comp.rows(p.threadW, composerMaxRows(bodyH))
	p.threadH = max(1, bodyH-p.compH-1)
	a.panes = p
	a.side.SetSize(p.sideW, p.bodyH)
	a.list.SetSize(p.listW, p.bodyH)
	a.thread.SetSize(p.threadW, p.threadH)
	a.comp.SetSize(p.threadW, p.compH)
	a.bar.width = w
	a.sizeDialogs()
}

// composerMaxRows is the most the composer grows to: a third of the pane,
// so the thread it answers stays in view.
func composerMaxRows(bodyH int) int { return max(1, min(composerHeight+3, bodyH/3)) }

// fitComposer gives the composer the rows its text needs, when that
// changed (after every update: typing, a draft, a send, a focus change).
func (a *App) fitComposer() {
	if !a.ready || a.width == 0 {
		return
	}
	if a.comp.rows(a.panes.threadW, composerMaxRows(a.panes.bodyH)) != a.panes.compH {
		a.layout()
	}
}

// box draws a pane with its title in the top border, heavy when focused
// (visible without colour). left is the title, right an optional note at
// the border's right end; right goes first when the width is short.
func (a *App) box(left, right, content string, focused bool) string {
	st, b := a.st.pane, lipgloss.RoundedBorder()
	if focused {
		st, b = a.st.paneFocused, lipgloss.ThickBorder()
	}
	body := st.BorderTop(false).Render(content)
	inner := max(0, lipgloss.Width(body)-2)
	edge := lipgloss.NewStyle().Foreground(st.GetBorderTopForeground())
	room := max(0, inner-2) // one border rune each side of the titles
	if left != "" {
		left = " " + left + " "
	}
	if right != "" {
		right = " " + right + " "
	}
	if ansi.StringWidth(left)+ansi.StringWidth(right) > room {
		if room-ansi.StringWidth(right) >= 12 {
			left = ansi.Truncate(left, room-ansi.StringWidth(right), "… ")
		} else {
			right = ""
		}
	}
	left = ansi.Truncate(left, room, "… ")
	fill := max(0, room-ansi.StringWidth(left)-ansi.StringWidth(right))
	top := edge.Render(b.TopLeft+b.Top) + left + edge.Render(strings.Repeat(b.Top, fill)) + right + edge.Render(b.Top+b.TopRight)
	if inner < 2 {
		top = edge.Render(b.TopLeft + strings.Repeat(b.Top, inner) + b.TopRight)
	}
	return top + "\n" + body
}

// threadPane is the thread with the composer under it: the line between
// them carries the composer's counter and state.
func (a *App) threadPane() string {
	sep := a.comp.separator(a.st, a.panes.threadW)
	return lipgloss.JoinVertical(lipgloss.Left, a.thread.View(a.st, a.d.Now()), sep, a.comp.View(a.st, a.keys))
}

// threadTitle is the thread pane's border title: the contact, the number,
// the assignee (left) and the tags and the window (right).
func (a *App) threadTitle() (string, string) {
	if a.thread.conv.ID == "" {
		return a.st.title.Render("Thread"), ""
	}
	const previewTag = "preview:" // the cursor's row, not opened (triage.go): still unread
	w := max(1, a.panes.threadW-4)
	if !a.previewing {
		return a.thread.headerParts(a.st, a.d.Now(), w)
	}
	l, r := a.thread.headerParts(a.st, a.d.Now(), max(1, w-len(previewTag)-1))
	return a.st.muted.Render(previewTag) + " " + l, r
}

// body renders the panes for the current size and focus.
func (a *App) body() string {
	now := a.d.Now()
	if a.narrow {
		switch a.focus {
		case focusSidebar:
			return a.box(a.st.title.Render("Folders"), "", a.side.View(a.st), true)
		case focusThread, focusComposer:
			l, r := a.threadTitle()
			l = a.st.muted.Render("‹ ") + l // esc goes back to the list
			if r == "" {
				r = a.st.muted.Render(hint(a.keys.Back, "back"))
			}
			return a.box(l, r, a.threadPane(), true)
		}
		l, r := a.listTitle(hint(a.keys.PrevPane, "folders", a.keys.Help, "help"))
		return a.box(l, r, a.list.View(a.st, now), true)
	}
	ll, lr := a.listTitle("")
	tl, tr := a.threadTitle()
	return lipgloss.JoinHorizontal(lipgloss.Top,
		a.box(a.st.title.Render("Folders"), "", a.side.View(a.st), a.focus == focusSidebar),
		a.box(ll, lr, a.list.View(a.st, now), a.focus == focusList),
		a.box(tl, tr, a.threadPane(), a.focus == focusThread || a.focus == focusComposer),
	)
}

// listTitle is the list's title, in its border: the view and its count,
// the marks, and "↑ N new" when conversations arrived above the rows
// shown (g goes there); right, a hint.
func (a *App) listTitle(right string) (string, string) {
	title := fmt.Sprintf("%s · %d", a.side.label(a.side.active), a.list.total)
	if a.list.view.Unread { // the unread-only filter (unread.go)
		title = fmt.Sprintf("%s · unread · %d", a.side.label(a.side.active), a.list.total)
	}
	if n := len(a.list.marked); n > 0 {
		title += fmt.Sprintf(" · %d marked", n)
	}
	t := a.st.title.Render(line(title))
	if n := a.list.newAbove; n > 0 { // on the right, which the border keeps whole: the key that goes there beside it
		return t, a.st.warning.Render(fmt.Sprintf("↑ %d new", n)) + a.st.muted.Render(" · "+keyName(a.keys.Top))
	}
	if right == "" {
		return t, ""
	}
	return t, a.st.muted.Render(right)
}

func lipWidth(s string) int { return lipgloss.Width(s) }
