package ui

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// A reply whose send was lost, when the platform has a message with its
// text but nothing shows who sent it, is neither shown sent nor sent
// again: the agent is asked (state/doc.go, Outbox). The question opens
// as a small dialog when the outbox changes and the agent is not typing
// or in another dialog; "later" (the close key) leaves it until the
// outbox looks for the reply again.

// questionsLoadedMsg: the replies the agent is asked about.
type questionsLoadedMsg struct {
	items []state.OutboxItem
	err   error
}

// questionAnsweredMsg: the agent's answer was carried out (or not: err).
type questionAnsweredMsg struct {
	again bool
	err   error
}

// answerQuestion: send the reply again (again) or take it as sent.
type answerQuestion struct {
	localID string
	again   bool
}

// laterQuestion: ask again at the outbox's next look for the reply.
type laterQuestion struct {
	localID string
	next    time.Time
}

func questionsCmd(core Core) tea.Cmd {
	return func() tea.Msg {
		items, err := core.Questions("")
		return questionsLoadedMsg{items: items, err: err}
	}
}

func answerCmd(core Core, q answerQuestion) tea.Cmd {
	return func() tea.Msg {
		var err error
		if q.again {
			err = core.SendAgain(q.localID)
		} else {
			err = core.WasSent(q.localID)
		}
		return questionAnsweredMsg{again: q.again, err: err}
	}
}

// askQuestions reads the questions after the outbox changed, and at the
// start (changed false).
func (a *App) askQuestions(ch state.Changes, changed bool) tea.Cmd {
	if changed && !ch.Outbox {
		return nil
	}
	return questionsCmd(a.core)
}

// handleQuestions opens the question about the oldest reply the agent has
// not put off, unless they are typing or in a dialog (the next change
// asks again).
func (a *App) handleQuestions(m questionsLoadedMsg) tea.Cmd {
	if m.err != nil || len(a.dialogs) > 0 || a.focus == focusComposer || a.comp.sending != "" {
		return nil
	}
	if _, open := isOpen[*uncertainDialog](a); open {
		return nil
	}
	for _, it := range m.items {
		if next, ok := a.later[it.LocalID]; ok && next.Equal(it.NextAttempt) {
			continue
		}
		return a.push(newUncertainDialog(a.keys, it, a.convLabel(it.ConversationID)), nil)
	}
	return nil
}

// convLabel names a conversation shown in the list or the thread ("" when
// neither shows it).
func (a *App) convLabel(id string) string {
	if a.thread.conv.ID == id {
		return line(a.thread.conv.Label())
	}
	for _, c := range a.list.rows {
		if c.ID == id {
			return line(c.Label())
		}
	}
	return ""
}

// uncertainDialog asks whether a reply was sent.
type uncertainDialog struct {
	km      KeyMap
	item    state.OutboxItem
	to      string // the conversation's name, sanitized; "" unknown
	waiting bool   // the answer is on its way
}

func newUncertainDialog(km KeyMap, it state.OutboxItem, to string) *uncertainDialog {
	return &uncertainDialog{km: km, item: it, to: to}
}

func (d *uncertainDialog) Bounds() (int, int) { return 64, 14 }

// Waiting: an answer on its way cannot be taken back.
func (d *uncertainDialog) Waiting() (bool, bool) { return d.waiting, false }

func (d *uncertainDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case tea.KeyPressMsg:
		switch {
		case key.Matches(m, d.km.SendAgain):
			d.waiting = true
			return nil, answerQuestion{localID: d.item.LocalID, again: true}
		case key.Matches(m, d.km.WasSent):
			d.waiting = true
			return nil, answerQuestion{localID: d.item.LocalID}
		case key.Matches(m, d.km.Close):
			return nil, laterQuestion{localID: d.item.LocalID, next: d.item.NextAttempt}
		}
	case questionAnsweredMsg:
		d.waiting = false
		switch {
		case m.err != nil:
			return nil, closeDialog{flash: m.err.Error(), isErr: true}
		case m.again:
			return nil, closeDialog{flash: "Sending the reply again"}
		}
		return nil, closeDialog{flash: "Marked as sent"}
	}
	return nil, nil
}

func (d *uncertainDialog) View(v viewCtx) string {
	st, w := v.st, max(10, v.w-4)
	lines := []string{st.title.Render("Not sure this reply was sent"), ""}
	head := "Your reply"
	if d.to != "" {
		head += " to " + d.to
	}
	if !d.item.Created.IsZero() {
		head += " at " + d.item.Created.Local().Format("15:04")
	}
	lines = append(lines, wrap(head+":", w)...)
	body := wrap(strings.ReplaceAll(state.Sanitize(d.item.Body), "\n", " "), w-2)
	if len(body) > 3 {
		body = append(body[:2], body[2]+"…")
	}
	for _, l := range body {
		lines = append(lines, st.muted.Render("“"+l))
	}
	lines = append(lines, "")
	lines = append(lines, wrap("The platform has a message with the same text, but nothing shows it was yours.", w)...)
	lines = append(lines, "")
	if d.waiting {
		lines = append(lines, st.muted.Render("Saving your answer…"))
	} else {
		lines = append(lines, st.muted.Render(hint(d.km.SendAgain, "send again", d.km.WasSent, "it was sent", d.km.Close, "later")))
	}
	return st.dialog.Render(fitBlock(lines, w, min(v.h-2, len(lines))))
}
