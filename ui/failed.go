package ui

import (
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Failed replies (state/doc.go, Outbox). The retry key acts on the newest
// failed reply of the conversation in reach — the open one from the
// thread, else the one under the list's cursor, in any view (the Failed
// view lists them all, each with its reason) — and the thread marks that
// reply with the key under its reason. A retry is looked for on the
// platform before it is sent again, so it never makes a second copy. A
// freeform reply whose 24-hour window has closed cannot be sent again:
// the template picker opens instead, the failed text offered as the
// value of the template's first free field, and the template sent takes
// the failed reply's place (settled, never sent as well).

// retriedMsg: the newest failed reply of conv was put back on its way, or
// not (err); closed: it is a freeform reply whose window has closed.
type retriedMsg struct {
	conv   state.Conversation
	item   state.OutboxItem
	closed bool
	err    error
}

// errNothingFailed: the conversation has no failed reply to retry.
var errNothingFailed = errors.New("no failed reply here to retry")

// failedReasons is, per conversation, why its newest failed reply failed,
// with how many failed when more than one did ("2 failed: …").
func failedReasons(core Core) (map[string]string, error) {
	items, err := core.FailedReplies("")
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(items))
	n := map[string]int{}
	for _, it := range items { // newest first: the first of each conversation wins
		if n[it.ConversationID]++; n[it.ConversationID] == 1 {
			out[it.ConversationID] = reasonOrDefault(it.Reason)
		}
	}
	for id, k := range n {
		if k > 1 {
			out[id] = fmt.Sprintf("%d failed: %s", k, out[id])
		}
	}
	return out, nil
}

func reasonOrDefault(r string) string {
	if strings.TrimSpace(r) == "" {
		return "not sent"
	}
	return r
}

// newestFailed is the local id of a conversation's newest failed reply,
// "" when it has none.
func newestFailed(core Core, convID string) (string, error) {
	items, err := core.FailedReplies(convID)
	if err != nil || len(items) == 0 {
		return "", err
	}
	return items[0].LocalID, nil
}

// retryCmd retries the newest failed reply of conv.
func retryCmd(core Core, conv state.Conversation) tea.Cmd {
	return func() tea.Msg {
		msg := retriedMsg{conv: conv}
		items, err := core.FailedReplies(conv.ID)
		switch {
		case err != nil:
			msg.err = err
			return msg
		case len(items) == 0:
			msg.err = errNothingFailed
			return msg
		}
		msg.item = items[0]
		msg.err = core.Retry(msg.item.LocalID)
		if errors.Is(msg.err, state.ErrWindowClosed) && msg.item.Kind == state.OutboxMessage {
			msg.closed, msg.err = true, nil
		}
		return msg
	}
}

// replaceTemplateCmd queues a template in place of the failed reply
// replaces.
func replaceTemplateCmd(core Core, replaces string, conv state.Conversation, tpl state.Template, values map[int]string) tea.Cmd {
	return func() tea.Msg {
		_, err := core.ReplaceWithTemplate(replaces, conv, tpl, values)
		return templateQueuedMsg{conv: conv, err: err}
	}
}

// retry is the retry key: the newest failed reply of the conversation in
// reach.
func (a *App) retry() tea.Cmd {
	conv, ok := a.target()
	if !ok {
		return a.flash("Open or select a conversation first", true)
	}
	if conv.ReadOnly {
		return a.flash(a.readOnlyNote(conv), true)
	}
	return retryCmd(a.core, conv)
}

func (a *App) handleRetried(m retriedMsg) tea.Cmd {
	switch {
	case errors.Is(m.err, errNothingFailed):
		return a.flash(line(m.conv.Label())+" has no failed reply to retry", true)
	case m.err != nil:
		return a.flash("Not retried: "+state.Words(m.err), true)
	case m.closed:
		// Only a template can reach the customer now: offered, with the
		// failed text as a value, in the failed reply's place.
		var cmds []tea.Cmd
		if m.conv.ID != a.thread.conv.ID {
			cmds = append(cmds, a.openConversation(m.conv, focusThread))
		}
		p := newTemplatePicker(a.keys, m.conv)
		p.replaces = m.item
		cmds = append(cmds, a.push(p, func(id int) tea.Cmd { return to(id, loadTemplatesCmd(a.core, m.conv)) }),
			a.flash("The 24-hour window has closed: choose a template to send in place of the failed reply", false))
		return tea.Batch(cmds...)
	}
	cmds := []tea.Cmd{a.flash("Retrying the reply to "+line(m.conv.Label())+": looking for it on the platform first, then sending", false)}
	if m.conv.ID == a.thread.conv.ID {
		a.thread.scroll = 0
		cmds = append(cmds, a.reloadThread())
	}
	return tea.Batch(cmds...)
}

// retryKey names the retry key under the reply it acts on ("" disabled).
func (a *App) retryKey() string {
	if !a.keys.Retry.Enabled() || len(a.keys.Retry.Keys()) == 0 {
		return ""
	}
	return keyName(a.keys.Retry)
}

// flatValue is a reply's text as one template value: one line, single
// spaces (a value holds no line break, tab or long run of spaces).
func flatValue(body string) string {
	return strings.Join(strings.Fields(state.Sanitize(body)), " ")
}

// shownEntries leaves the Failed view out of the sidebar while it is
// empty and not the one listed: it appears with the first failed reply.
// So do Rescue and Snoozed (rescue.go, snooze.go).
func shownEntries(entries []sidebarEntry, views map[string]int, active string) []sidebarEntry {
	out := make([]sidebarEntry, 0, len(entries))
	for _, e := range entries {
		hideable := e.key == "failed" || e.key == "rescue" || e.key == "snoozed"
		if !hideable || views[e.key] > 0 || active == e.key {
			out = append(out, e)
		}
	}
	return out
}

// showFailed is the Failed view's key: the view, or a word when no reply
// failed.
func (a *App) showFailed() tea.Cmd {
	if cmd := a.showEntry("failed"); cmd != nil {
		return cmd
	}
	return a.flash("No failed replies: nothing to retry", false)
}
