package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Unread, as a WhatsApp user expects it: the view's unread conversations
// only (a toggle, said in the list's title), a jump to the next unread
// one (wrapping to the top, and saying so), and "mark as unread", which
// the store keeps until the conversation is opened again.

// draftsFlushedMsg: the drafts typed so far are in the store; the list
// shows them ("Draft: …").
type draftsFlushedMsg struct{}

// nextUnreadMsg is where the next unread conversation of a view is.
type nextUnreadMsg struct {
	view    state.View
	id      string
	index   int
	wrapped bool
	ok      bool
	err     error
}

// markedUnreadMsg: conversations were marked unread (n of them).
type markedUnreadMsg struct {
	n   int
	err error
}

func nextUnreadCmd(core Core, v state.View, afterID string) tea.Cmd {
	return func() tea.Msg {
		id, i, wrapped, ok, err := core.NextUnread(v, afterID)
		return nextUnreadMsg{view: v, id: id, index: i, wrapped: wrapped, ok: ok, err: err}
	}
}

func markUnreadCmd(core Core, ids []string) tea.Cmd {
	return func() tea.Msg {
		n := 0
		for _, id := range ids {
			if err := core.MarkUnread(id); err != nil {
				return markedUnreadMsg{n: n, err: err}
			}
			n++
		}
		return markedUnreadMsg{n: n}
	}
}

// handleUnreadKey does what the unread keys ask.
func (a *App) handleUnreadKey(k tea.KeyPressMsg) tea.Cmd {
	km := a.keys
	switch {
	case key.Matches(k, km.UnreadOnly):
		v := a.list.view
		v.Unread = !v.Unread
		a.list.Reset(v)
		if a.focus == focusSidebar || a.narrow && a.focus != focusList {
			a.setFocus(focusList)
		}
		return a.reloadList("")
	case key.Matches(k, km.NextUnread):
		after := ""
		if c, ok := a.list.Selected(); ok {
			after = c.ID
		}
		v := a.list.view
		v.Now = a.d.Now()
		return nextUnreadCmd(a.core, v, after)
	case key.Matches(k, km.MarkUnread):
		ids := a.targets()
		if len(ids) == 0 {
			return a.flash("Select a conversation first", true)
		}
		// The thread would mark it read again as it stays open: the
		// focus goes back to the list, where it shows unread.
		if a.focus == focusThread || a.focus == focusComposer {
			a.setFocus(focusList)
		}
		a.list.MarkUnread(ids)
		return markUnreadCmd(a.core, ids)
	}
	return nil
}

func (a *App) handleNextUnread(m nextUnreadMsg) tea.Cmd {
	was, now := a.list.view, m.view
	was.Now, now.Now = m.view.Now, m.view.Now
	if was != now {
		return nil // another view since
	}
	name := a.side.label(a.side.active)
	switch {
	case m.err != nil:
		return a.flash("cannot find the next unread conversation: "+m.err.Error(), true)
	case !m.ok:
		if c, ok := a.list.Selected(); ok && c.IsUnread() {
			return a.flash("No other unread conversation in "+name, false)
		}
		return a.flash("No unread conversation in "+name, false)
	}
	if a.focus != focusList {
		a.setFocus(focusList)
	}
	a.list.MoveTo(m.index)
	var cmd tea.Cmd
	if a.list.needsLoad() {
		cmd = a.reloadList(m.id)
	}
	if m.wrapped {
		return tea.Batch(cmd, a.flash("Next unread: back at the top of "+name, false))
	}
	return cmd
}

func (a *App) handleMarkedUnread(m markedUnreadMsg) tea.Cmd {
	if m.err != nil {
		return a.flash("cannot mark unread: "+m.err.Error(), true)
	}
	if m.n == 1 {
		return a.flash("Marked unread: it shows unread until you open it", false)
	}
	return a.flash(fmt.Sprintf("%s marked unread", plural(m.n, "conversation")), false)
}
