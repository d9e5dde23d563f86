package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Triage: the thread follows the list's cursor (a preview), an action on
// the open conversation moves on to the next one, and the last move or
// assignment can be taken back for a few seconds.
//
// A preview shows the conversation under the cursor in the thread pane
// once the cursor rests (previewDelay: holding j reads no thread on the
// way; a load for a row already left is dropped by its request id). It
// does not open the conversation: the focus stays in the list, the row
// keeps its unread dot and nothing is marked read — no read receipt goes
// to the customer — until the agent opens it (enter, a click on the row
// again, the thread pane focused, a reply). In one pane there is no
// preview, and Deps.Preview false ([ui] preview = false) turns it off.

// previewDelay is how long the cursor rests before the thread follows.
const previewDelay = 80 * time.Millisecond

// undoWindow is how long the last move or assignment can be taken back.
const undoWindow = 10 * time.Second

// previewDueMsg: the cursor rested on a row for previewDelay.
type previewDueMsg struct {
	seq int
	id  string
}

// undoable is the last move or assignment, while it can be taken back.
type undoable struct {
	steps []state.UndoStep
	names []string           // each step's assignee in words
	at    time.Time          // when it was done
	back  state.Conversation // the open conversation it moved on from, reopened by the undo
}

// followCursor schedules the preview of the row under the cursor when it
// is not the one shown (after every update: keys, clicks, reloads).
func (a *App) followCursor() tea.Cmd {
	if !a.d.Preview || a.narrow || !a.ready || a.focus != focusList {
		return nil
	}
	c, ok := a.list.Selected()
	if !ok || c.ID == a.thread.conv.ID {
		a.previewWant = ""
		return nil
	}
	if c.ID == a.previewWant {
		return nil // already scheduled
	}
	a.previewWant = c.ID
	a.previewSeq++
	seq, id := a.previewSeq, c.ID
	if cmd := a.d.Tick(previewDelay, func(time.Time) tea.Msg { return previewDueMsg{seq: seq, id: id} }); cmd != nil {
		return cmd
	}
	return a.handlePreviewDue(previewDueMsg{seq: seq, id: id}) // no timer: at once
}

// handlePreviewDue shows the row the cursor rested on, if it is still there.
func (a *App) handlePreviewDue(m previewDueMsg) tea.Cmd {
	if m.seq != a.previewSeq || a.focus != focusList || a.narrow {
		return nil // the cursor moved on, or the agent did
	}
	a.previewWant = ""
	c, ok := a.list.Selected()
	if !ok || c.ID != m.id || c.ID == a.thread.conv.ID {
		return nil
	}
	a.previewing = true
	return a.showConversation(c)
}

// adoptPreview opens the previewed conversation once the agent goes into
// it (the thread or the composer focused): now it is read.
func (a *App) adoptPreview() tea.Cmd {
	if !a.previewing || a.focus != focusThread && a.focus != focusComposer || a.thread.conv.ID == "" {
		return nil
	}
	a.previewing = false
	a.list.MarkRead(a.thread.conv.ID)
	return a.markRead(a.thread.conv.ID)
}

// moveOn opens the next conversation of the list when an action on the
// open one (from the thread) starts: it returns the conversation left and
// the command that opens the next; nothing when the action is not on the
// open conversation, assigns it to the agent (who goes on working it), or
// there is no other row.
func (a *App) moveOn(ids []string, ch state.Change) (state.Conversation, tea.Cmd) {
	open := a.thread.conv
	if a.focus != focusThread || open.ID == "" || len(ids) != 1 || ids[0] != open.ID {
		return state.Conversation{}, nil
	}
	if me := a.core.Me(); ch.Folder == "" && !ch.Unassign && ch.UserID != "" && ch.UserID == me {
		return state.Conversation{}, nil
	}
	i := -1
	for j, c := range a.list.rows {
		if c.ID == open.ID {
			i = j
		}
	}
	var j int
	switch {
	case i < 0:
		return state.Conversation{}, nil
	case i+1 < len(a.list.rows):
		j = i + 1
	case i > 0:
		j = i - 1
	default:
		return state.Conversation{}, nil
	}
	next := a.list.rows[j]
	a.list.MoveTo(a.list.offset + j) // the cursor follows; reloads keep it on next
	return open, a.openConversation(next, focusThread)
}

// undoLast takes back the last move or assignment, if it is recent.
func (a *App) undoLast() tea.Cmd {
	u := a.undo
	switch {
	case a.inFlight > 0:
		return a.flash("A move or assignment is on its way: undo it once it is done", true)
	case u == nil:
		return a.flash("Nothing to undo: "+keyName(a.keys.Undo)+" takes back the last move or assignment", true)
	case a.d.Now().Sub(u.at) > undoWindow:
		a.undo = nil
		return a.flash(fmt.Sprintf("Too late to undo (%s works for %d seconds after a move or assignment)", keyName(a.keys.Undo), int(undoWindow.Seconds())), true)
	}
	a.undo = nil
	a.bar.busy = "undoing…"
	a.list.ownAbove = 0 // what comes back above the cursor is the agent's own, not news
	for _, s := range u.steps {
		a.list.ownAbove += len(s.IDs)
	}
	cmds := []tea.Cmd{undoCmd(a.ctx, a.core, u.steps, u.names, u.back, !a.caps.Folders && a.caps.Resolve)}
	if u.back.ID != "" && a.thread.conv.ID != u.back.ID {
		cmds = append(cmds, a.openConversation(u.back, a.focus))
	}
	return tea.Batch(cmds...)
}

// assigneeName is who a change assigns to, in words ("" for none).
func (a *App) assigneeName(ch state.Change) string {
	var parts []string
	if ch.UserID != "" {
		parts = append(parts, a.list.users[ch.UserID])
	}
	if ch.TeamID != "" {
		parts = append(parts, a.list.teams[ch.TeamID])
	}
	return strings.Join(parts, " · ")
}

// flashFor shows a message in the status bar for d.
func (a *App) flashFor(text string, isErr bool, d time.Duration) tea.Cmd {
	a.flashSeq++
	a.bar.flash, a.bar.isError, a.bar.tail = text, isErr, "" // a tail (keys: the results panel, undo) is set after its flash
	a.msgLog.add(a.d.Now(), text, isErr)                     // every message, for the log (msglog.go)
	id := a.flashSeq
	return a.d.Tick(d, func(time.Time) tea.Msg { return flashExpiredMsg{id: id} })
}

// undoCmd runs an undo's steps in order and sums them up.
func undoCmd(ctx context.Context, core Core, steps []state.UndoStep, names []string, back state.Conversation, resolve bool) tea.Cmd {
	return func() tea.Msg {
		msg := actionDoneMsg{undone: true, back: back}
		for i, s := range steps {
			res := core.Apply(ctx, s.IDs, s.Change, nil)
			failed := 0
			for _, r := range res {
				if r.Err != nil {
					failed++
				}
			}
			sum := state.SummaryAs(res, s.Change, names[i], resolve)
			switch {
			case failed > 0 && msg.failed == 0:
				msg.summary = "Undo: " + sum
			case msg.failed == 0:
				msg.summary = "Undone: " + lowerFirst(sum)
			}
			msg.failed += failed
		}
		seen := map[string]bool{}
		for _, s := range steps {
			for _, id := range s.IDs {
				if !seen[id] && len(msg.changed) < 50 {
					seen[id] = true
					if c, ok, err := core.Conversation(id); err == nil && ok {
						msg.changed = append(msg.changed, c)
					}
				}
			}
		}
		if len(seen) > 1 && msg.failed == 0 {
			msg.summary = "Undone: " + plural(len(seen), "conversation") + " back as they were"
		}
		return msg
	}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
