package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// threadMark is the message a search hit opened: the thread reads back
// to it, scrolls it into view once, and marks it (glyphHit and its time
// highlighted) until another conversation is opened.
type threadMark struct {
	conv, key string
	at        time.Time
	seek      bool // scroll to it when the rows that hold it come
}

// SetMark marks the message of a search hit (a hit on a conversation by
// its contact marks nothing); call it before the conversation is opened.
func (t *threadView) SetMark(h state.SearchHit) {
	t.mark = threadMark{}
	if !h.ByContact {
		t.mark = threadMark{conv: h.Conversation.ID, key: h.Message.Key(), at: h.Message.Time, seek: true}
	}
	t.invalidate()
}

// seekUntil is how far back the thread must be read for the mark to be
// among its rows; false when nothing is sought.
func (t *threadView) seekUntil() (string, time.Time, bool) {
	if !t.mark.seek || t.mark.conv != t.conv.ID {
		return "", time.Time{}, false
	}
	return t.mark.key, t.mark.at, true
}

// marked reports whether m is the marked message.
func (t *threadView) marked(m state.Message) bool {
	return t.mark.key != "" && t.mark.conv == t.conv.ID && m.Key() == t.mark.key
}

// markHead marks a marked message's header line: head (a customer's:
// when, its time) becomes the glyph and the time highlighted; an agent's
// (when "") gets the glyph before it.
func (t *threadView) markHead(st styles, m state.Message, when, head string) string {
	switch {
	case !t.marked(m):
		return head
	case when != "":
		return st.hitMark.Render(glyphHit + " " + when)
	}
	return st.hitMark.Render(glyphHit+" ") + head
}

// seekMark scrolls the marked message into view, its top a third of the
// way down, once: the agent's own scrolling is not undone by a reload.
func (t *threadView) seekMark(st styles, now time.Time) {
	if _, _, ok := t.seekUntil(); !ok {
		return
	}
	t.mark.seek = false
	l := t.layout(st, now)
	if l.mark < 0 {
		return // no longer in the store
	}
	h := t.bodyHeight()
	top := l.ends[l.mark] - len(l.blocks[l.mark])
	bottom := min(l.total(), top+h-h/3)
	t.scroll = max(0, min(l.total()-bottom, l.total()-h))
}

// markPages is how many pages (threadPage messages each) a thread is
// read back to reach a marked message.
const markPages = 25

// loadThreadToCmd reads a thread's newest page and then older pages until
// it holds the message key (dated until), as one reload.
func loadThreadToCmd(core Core, reqID int, convID, key string, until time.Time) tea.Cmd {
	first := loadThreadCmd(core, reqID, convID, time.Time{}, false)
	return func() tea.Msg {
		msg, ok := first().(threadLoadedMsg)
		if !ok {
			return msg
		}
		holds := func() bool {
			for _, m := range msg.msgs {
				if m.Key() == key {
					return true
				}
			}
			return false
		}
		for pages := 1; msg.err == nil && msg.hasOlder && len(msg.msgs) > 0 && pages < markPages &&
			!msg.msgs[0].Time.Before(until) && !holds(); pages++ {
			older, err := core.Thread(convID, msg.msgs[0].Time, threadPage+1)
			if err != nil {
				msg.err = err
				break
			}
			msg.hasOlder = len(older) > threadPage
			if msg.hasOlder {
				older = older[1:]
			}
			msg.msgs = append(older, msg.msgs...)
		}
		return msg
	}
}

// holdForThread keeps a key typed for the thread while it is read back
// to a search hit's message (j k and r act on the rows the agent will
// see, after the thread scrolled there), in the list's held keys, which
// keep their order; false when the key may act now.
func (a *App) holdForThread(k tea.KeyPressMsg) bool {
	if a.focus != focusThread {
		return false
	}
	if _, _, seeking := a.thread.seekUntil(); !seeking {
		return false
	}
	a.listHeld = append(a.listHeld, k)
	return true
}

// releaseThreadKeys replays the keys held for the thread once it came.
func (a *App) releaseThreadKeys() tea.Cmd {
	if _, _, seeking := a.thread.seekUntil(); seeking || len(a.listHeld) == 0 || !a.list.loaded {
		return nil // still sought, or the keys wait for the list's rows too
	}
	held := a.listHeld
	a.listHeld = nil
	var cmds []tea.Cmd
	for _, k := range held {
		cmds = append(cmds, a.routeInput(k))
	}
	return tea.Batch(cmds...)
}
