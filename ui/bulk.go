package ui

import (
	"cmp"
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Bulk work, the root's side: marking many conversations at once (every
// one of the view, every one of the search results), what a bulk action
// did to each (bulkresults.go), the session's messages (msglog.go), and
// the question before a bulk reassignment of conversations that changed
// since they were marked (sendguard.go).
//
// Marks stay on the conversations an action failed on and come off the
// ones it changed, so the agent can try the rest again with one key.

// handleBulkKey takes the keys of bulk work from the panes. In the
// composer, where letters type text, only the message log's key.
func (a *App) handleBulkKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	km := a.keys
	if key.Matches(k, km.MessageLog) {
		return a.push(&msgLogDialog{km: km, log: &a.msgLog, follow: true}, nil), true
	}
	if a.focus == focusComposer {
		return nil, false
	}
	switch {
	case key.Matches(k, km.BulkResults):
		if a.lastBulk == nil {
			return a.flash("No bulk action yet in this session: mark conversations with "+keyName(km.Mark)+", then act on them", false), true
		}
		return a.push(&bulkResultsDialog{km: km, r: a.lastBulk}, nil), true
	case key.Matches(k, km.MarkAll):
		v := a.list.view
		v.Now = a.d.Now()
		a.bar.busy = "marking every conversation in this view…"
		return markViewCmd(a.core, v), true
	case key.Matches(k, km.ClearMarks):
		if len(a.list.marked) == 0 {
			return a.flash("Nothing is marked", false), true
		}
		n := len(a.list.marked)
		clear(a.list.marked)
		return a.flash(fmt.Sprintf("Marks cleared (%d)", n), false), true
	}
	return nil, false
}

// handleBulk takes the results of bulk work's commands.
func (a *App) handleBulk(m bulkMsg) tea.Cmd {
	switch m := m.(type) {
	case viewMarkedMsg:
		return a.handleViewMarked(m)
	case marksCheckedMsg:
		return a.handleMarksChecked(m)
	}
	return nil
}

func (a *App) handleViewMarked(m viewMarkedMsg) tea.Cmd {
	a.bar.busy = ""
	if m.err != nil {
		return a.flash("cannot mark the view: "+m.err.Error(), true)
	}
	was, now := a.list.view, m.view
	was.Now, now.Now = time.Time{}, time.Time{}
	if was != now { // the agent went elsewhere meanwhile
		return a.flash("The view changed before its conversations were read: nothing marked", true)
	}
	added := a.list.Mark(m.refs)
	text := fmt.Sprintf("Marked all %s in this view", plural(len(m.refs), "conversation"))
	if already := len(m.refs) - added; already > 0 {
		text += fmt.Sprintf(" (%d were marked already)", already)
	}
	return a.flash(text, false)
}

// markSearchHits marks the conversations of the search results.
func (a *App) markSearchHits() tea.Cmd {
	seen := map[string]bool{}
	var refs []state.MarkRef
	for _, h := range a.srch.hits {
		if c := h.Conversation; c.ID != "" && !seen[c.ID] {
			seen[c.ID] = true
			refs = append(refs, state.MarkRefOf(c))
		}
	}
	if len(refs) == 0 {
		return a.flash("No results to mark", false)
	}
	a.list.Mark(refs)
	return a.flash(fmt.Sprintf("Marked %s matching %q", plural(len(refs), "conversation"), line(a.srch.query)), false)
}

// handleBulkAction carries out what a bulk dialog asked for.
func (a *App) handleBulkAction(e *dialogEntry, act bulkAction) tea.Cmd {
	switch act := act.(type) {
	case markMatches:
		a.popTo(e.id)
		return tea.Batch(a.markSearchHits(), a.afterDialogs())
	case goAhead:
		a.popTo(e.id)
		if len(act.ids) == 0 {
			return tea.Batch(a.flash("Nothing assigned: every marked conversation changed (they stay marked)", false), a.afterDialogs())
		}
		return tea.Batch(a.runApply(act.ids, act.change, act.assignee, act.verb), a.afterDialogs())
	}
	return nil
}

// applyTo runs a change on conversations. A reassignment of marked
// conversations first reads which changed since they were marked.
func (a *App) applyTo(ids []string, ch state.Change, assignee, verb string) tea.Cmd {
	if ch.UserID != "" || ch.TeamID != "" || ch.Unassign {
		if was, ok := a.markedRefs(ids); ok {
			a.bar.busy = fmt.Sprintf("checking %s…", plural(len(ids), "marked conversation"))
			return checkMarksCmd(a.core, was, pendingApply{ids: ids, change: ch, assignee: assignee, verb: verb}, a.assignees())
		}
	}
	return a.runApply(ids, ch, assignee, verb)
}

// markedRefs are the marks of ids when there are several and all are
// marked.
func (a *App) markedRefs(ids []string) ([]state.MarkRef, bool) {
	if len(ids) < 2 {
		return nil, false
	}
	refs := make([]state.MarkRef, 0, len(ids))
	for _, id := range ids {
		r, ok := a.list.MarkedAs(id)
		if !ok {
			return nil, false
		}
		refs = append(refs, r)
	}
	return refs, true
}

func (a *App) handleMarksChecked(m marksCheckedMsg) tea.Cmd {
	a.bar.busy = ""
	p := m.apply
	if m.err != nil {
		return a.flash("cannot read the marked conversations: "+m.err.Error()+" (nothing was assigned)", true)
	}
	if len(m.changed) == 0 {
		return a.runApply(p.ids, p.change, p.assignee, p.verb)
	}
	return a.push(newCollisionDialog(a.keys, p, m.changed, m.skip, m.more), nil)
}

// runApply runs a change on conversations, with progress in the status
// bar and the results at the end (handleActionDone).
func (a *App) runApply(ids []string, ch state.Change, assignee, verb string) tea.Cmd {
	a.bar.busy = fmt.Sprintf("%s %s…", verb, plural(len(ids), "conversation"))
	a.undo, a.inFlight = nil, a.inFlight+1 // the undo offered is this one's, once done
	a.hookOwnAssignment(ids, ch)           // hooks.go: not news to the agent
	back, next := a.moveOn(ids, ch)        // from the open thread: on to the next (triage.go)
	return tea.Batch(applyCmd(a.ctx, a.core, ids, ch, assignee, verb, a.caps, back), next)
}

// handleActionDone shows what a move or an assignment did: one
// conversation's in the status bar; several in a short summary there
// that names the key of the results panel, opened at once when any
// failed (unless the agent is typing a reply or in a dialog). The marks
// come off the conversations it changed.
func (a *App) handleActionDone(msg actionDoneMsg) tea.Cmd {
	a.bar.busy = ""
	for _, c := range msg.changed {
		if c.ID == a.thread.conv.ID { // who may write here may have changed
			a.thread.conv = c
			a.setReadOnly(c)
			if a.thread.seen.ConversationID == c.ID { // the agent's own change: seen, no collision (sendguard.go)
				a.thread.seen.UserID, a.thread.seen.TeamID = c.UserID, c.TeamID
			}
		}
		for i := range a.list.rows { // the row a key acts on, until the list reloads
			if a.list.rows[i].ID == c.ID {
				a.list.rows[i] = c
			}
		}
	}
	if msg.undone { // an undo (triage.go): back where it was, nothing more to offer
		if msg.back.ID != "" && msg.back.ID == a.thread.conv.ID {
			return tea.Batch(a.flash(msg.summary, msg.failed > 0), a.reloadList(msg.back.ID)) // the cursor comes back to it
		}
		return a.flash(msg.summary, msg.failed > 0)
	}
	var done []string
	for _, r := range msg.results {
		if r.Err == nil {
			done = append(done, r.ConversationID)
		}
	}
	a.list.Unmark(done)
	a.inFlight = max(0, a.inFlight-1)
	// Taken back with u for a while (triage.go), when it can be.
	var undoTail string
	offerUndo := len(msg.undo) > 0 && a.inFlight == 0 && a.keys.Undo.Enabled()
	if offerUndo {
		names := make([]string, len(msg.undo))
		for i, s := range msg.undo {
			names[i] = a.assigneeName(s.Change)
		}
		a.undo = &undoable{steps: msg.undo, names: names, at: a.d.Now(), back: msg.back}
		undoTail = " · " + keyName(a.keys.Undo) + " undo"
	}
	flash := func(text string, isErr bool) tea.Cmd {
		if offerUndo {
			return a.flashFor(text, isErr, undoWindow)
		}
		return a.flash(text, isErr)
	}
	if len(msg.results) < 2 {
		cmd := flash(msg.summary, msg.failed > 0)
		a.bar.tail = undoTail // whole, however long the summary
		return cmd
	}
	r := newBulkResults(msg, a.d.Now(), !a.caps.Folders && a.caps.Resolve)
	a.lastBulk = r
	cmd := flash(r.tally, msg.failed > 0)
	a.bar.tail = " · " + hint(a.keys.BulkResults, "lists each") + undoTail
	a.msgLog.detail(r.logLines(bulkLogItems))
	// Opened by itself only when nothing else takes the keys: never over
	// a reply being typed or a dialog in use (the bar names the key).
	if msg.failed > 0 && len(a.dialogs) == 0 && a.focus != focusComposer {
		cmd = tea.Batch(cmd, a.push(&bulkResultsDialog{km: a.keys, r: r}, nil))
	}
	return cmd
}

// bulkLogItems is how many items of a bulk action the message log keeps
// (the failed ones first); the panel has them all.
const bulkLogItems = 100

// changedWords says what changed in a marked conversation, for the
// question before a bulk reassignment.
func changedWords(col state.Collision, names assigneeNamer) string {
	var parts []string
	if col.Reassigned {
		name := func(userID, teamID string) string { return cmp.Or(names.words(userID, teamID), "nobody") }
		parts = append(parts, "reassigned to "+name(col.UserID, col.TeamID)+" (was "+name(col.WasUser, col.WasTeam)+")")
	}
	if n := len(col.Replies); n > 0 {
		last := col.Replies[n-1]
		when := last.Time.Local().Format("15:04")
		if last.Sender != "" {
			parts = append(parts, "answered by "+line(last.Sender)+" at "+when)
		} else {
			parts = append(parts, "answered at "+when)
		}
	}
	return strings.Join(parts, "; ")
}
