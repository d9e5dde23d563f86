package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Rescue: the view of conversations whose window closed while the
// customer waited (state.View.Rescue), and from it a bulk template send:
// mark conversations (or all in view), press the rescue key, choose an
// approved template and fill it in ({name} and {first_name} are filled
// per conversation), read the dry run — every conversation with the
// message it would get, or why it is skipped — and confirm. The real run
// judges each conversation again and queues each template in the outbox,
// exactly once (see state/rescue.go).

// rescueEntries are the sidebar's Rescue and Snoozed views.
func rescueEntries() []sidebarEntry {
	return []sidebarEntry{
		{key: "rescue", label: "Rescue", kind: entryView, view: state.View{Folder: state.FolderInbox, Rescue: true}},
		{key: "snoozed", label: "Snoozed", kind: entryView, view: state.View{Snoozed: true}},
	}
}

// handleRescueKey takes the rescue and snooze keys of the panes.
func (a *App) handleRescueKey(k tea.KeyPressMsg) tea.Cmd {
	km := a.keys
	switch {
	case key.Matches(k, km.Rescue):
		if cmd := a.showEntry("rescue"); cmd != nil {
			return cmd
		}
		return a.flash("Nothing to rescue: no window closed while a customer waited", false)
	case key.Matches(k, km.Snoozed):
		if cmd := a.showEntry("snoozed"); cmd != nil {
			return cmd
		}
		return a.flash("Nothing is snoozed: "+keyName(km.Snooze)+" snoozes a conversation", false)
	case key.Matches(k, km.RescueSend):
		return a.openRescue()
	case key.Matches(k, km.Snooze):
		return a.openSnooze()
	case key.Matches(k, km.Unsnooze):
		return a.unsnooze()
	}
	return nil
}

// openRescue opens the template picker for the marked conversations of
// the Rescue view (else the one under the cursor).
func (a *App) openRescue() tea.Cmd {
	if !a.list.view.Rescue {
		return a.flash("Bulk template sends start from the Rescue view ("+keyName(a.keys.Rescue)+"): conversations lost while the customer waited", true)
	}
	ids := a.list.Targets()
	first, ok := a.list.Selected()
	if len(ids) == 0 || !ok {
		return a.flash("Nothing to rescue: the view is empty", true)
	}
	// The picker lists the templates of the account of the conversation
	// under the cursor; each conversation gets its own account's
	// template of that name.
	label := state.Conversation{ID: first.ID, AccountID: first.AccountID, ContactName: plural(len(ids), "conversation")}
	p := newTemplatePicker(a.keys, label)
	p.rescue = append([]string(nil), ids...)
	return a.push(p, func(id int) tea.Cmd { return to(id, loadTemplatesCmd(a.core, label)) })
}

// rescueForm makes a template form a rescue's: the fields that take a
// name get the per-conversation placeholder instead of one name.
func rescueForm(f *templateForm, ids []string) {
	f.rescue = ids
	for i, ph := range f.parsed.Placeholders {
		if i >= len(f.fields) || !ph.Name {
			continue
		}
		v := "{name}"
		if len(strings.Fields(ph.Hint)) == 1 {
			v = "{first_name}"
		}
		f.fields[i].SetValue(v)
	}
}

// planRescue opens the dry run of a filled rescue form.
func (a *App) planRescue(f *templateForm, act submitTemplate) tea.Cmd {
	f.sending = false
	d := &rescueDialog{km: a.keys, ids: f.rescue, tpl: act.tpl, values: act.values, phase: rescuePlanning}
	return a.push(d, func(id int) tea.Cmd { return to(id, rescuePlanCmd(a.core, d.ids, d.tpl, d.values)) })
}

type rescuePhase int

const (
	rescuePlanning rescuePhase = iota // the dry run is being read
	rescuePlanned                     // the dry run is shown: confirm or go back
	rescueSending                     // the real run is queuing
	rescueDone                        // the real run's results are shown
)

// rescueDialog shows a rescue's dry run, then its results: one line a
// conversation, scrollable.
type rescueDialog struct {
	km     KeyMap
	ids    []string
	tpl    state.Template
	values map[int]string
	phase  rescuePhase
	items  []state.RescueItem
	top    int // first item shown
	err    string
}

// rescueAction: what the rescue dialog asks of the root.
type rescueAction struct {
	send  bool // start the real run
	done  bool // the real run ended: clear the status bar's progress
	close bool // close the rescue: the dry run, the form and the picker
	flash string
	isErr bool
}

// rescuePlannedMsg and rescueSentMsg: a dry run's and a real run's items.
type rescuePlannedMsg struct {
	items []state.RescueItem
	err   error
}
type rescueSentMsg struct {
	items []state.RescueItem
	err   error
}

func rescuePlanCmd(core Core, ids []string, tpl state.Template, values map[int]string) tea.Cmd {
	return func() tea.Msg {
		items, err := core.RescuePlan(ids, tpl, values)
		return rescuePlannedMsg{items: items, err: err}
	}
}

// rescueSendCmd is the real run, addressed to dialog id; its progress
// goes to the status bar (actionProgressMsg, as a bulk action's).
func (a *App) rescueSendCmd(id int, ids []string, tpl state.Template, values map[int]string) tea.Cmd {
	core, ctx := a.core, a.ctx
	prog := make(chan [2]int, 1)
	run := func() tea.Msg {
		items, err := core.RescueSend(ctx, ids, tpl, values, func(done, total int) {
			select { // keep only the latest
			case <-prog:
			default:
			}
			prog <- [2]int{done, total}
		})
		close(prog)
		return rescueSentMsg{items: items, err: err}
	}
	return tea.Batch(to(id, run), waitProgressCmd("rescue: judged and queued", prog))
}

// counts are how many items are sent (or would be) and skipped.
func (d *rescueDialog) counts() (send, skip, failed int) {
	for _, it := range d.items {
		switch {
		case it.Skip != "":
			skip++
		case it.Err != nil:
			failed++
		default:
			send++
		}
	}
	return send, skip, failed
}

func (d *rescueDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case rescuePlannedMsg:
		if m.err != nil {
			return nil, closeDialog{flash: "cannot plan the rescue: " + m.err.Error(), isErr: true}
		}
		d.items, d.phase = m.items, rescuePlanned
	case rescueSentMsg:
		d.items, d.phase, d.top = m.items, rescueDone, 0
		send, skip, failed := d.counts()
		text := fmt.Sprintf("Rescue: %s queued, %d skipped", plural(send, "template"), skip)
		if failed > 0 {
			text += fmt.Sprintf(", %d not queued", failed)
		}
		if m.err != nil {
			d.err = m.err.Error()
			text += ": " + d.err
		}
		return nil, rescueAction{done: true, flash: text, isErr: m.err != nil || failed > 0}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(m, d.km.Close):
			if d.phase == rescueDone {
				return nil, rescueAction{close: true}
			}
			return nil, closeDialog{flash: "Rescue not sent: nothing was queued"}
		case key.Matches(m, d.km.PickerUp, d.km.Up):
			d.top = max(0, d.top-1)
		case key.Matches(m, d.km.PickerDown, d.km.Down):
			d.top = min(max(0, len(d.items)-1), d.top+1)
		case key.Matches(m, d.km.Choose):
			if d.phase == rescueDone {
				return nil, rescueAction{close: true}
			}
			if send, _, _ := d.counts(); send == 0 {
				return nil, flashNote{text: "Nothing to send: every conversation is skipped", isErr: true}
			}
			d.phase = rescueSending
			return nil, rescueAction{send: true}
		}
	}
	return nil, nil
}

func (d *rescueDialog) Bounds() (int, int) { return 100, 30 }

func (d *rescueDialog) Waiting() (bool, bool) {
	switch d.phase {
	case rescuePlanning:
		return true, true
	case rescueSending:
		return true, false
	}
	return false, false
}

func (d *rescueDialog) View(v viewCtx) string {
	st, w, h := v.st, v.w, v.h
	inner := max(10, w-4)
	title := "Rescue with " + line(d.tpl.Name) + " — dry run: nothing is sent"
	if d.phase >= rescueSending {
		title = "Rescue with " + line(d.tpl.Name) + " — results"
	}
	lines := []string{st.title.Render(fit(title, inner))}
	var footer string
	send, skip, failed := d.counts()
	switch d.phase {
	case rescuePlanning:
		lines = append(lines, loadingLines(st, "the conversations")...)
		footer = hint(d.km.Close, "close")
	case rescuePlanned:
		lines = append(lines, st.muted.Render(fit(fmt.Sprintf("Would send %s, skip %d.", plural(send, "template"), skip), inner)))
		footer = hint(d.km.Choose, fmt.Sprintf("send %d", send), []key.Binding{d.km.PickerUp, d.km.PickerDown}, "scroll", d.km.Close, "back")
	case rescueSending:
		lines = append(lines, st.warning.Render(fit(fmt.Sprintf("Queuing %s…", plural(send, "template")), inner)))
		footer = ""
	case rescueDone:
		sum := fmt.Sprintf("Queued %s, skipped %d", plural(send, "template"), skip)
		if failed > 0 {
			sum += fmt.Sprintf(", %d not queued", failed)
		}
		lines = append(lines, st.success.Render(fit(sum+".", inner)))
		if d.err != "" {
			lines = append(lines, st.errorS.Render(fit(line(d.err), inner)))
		}
		footer = hint(d.km.Close, "close", []key.Binding{d.km.PickerUp, d.km.PickerDown}, "scroll")
	}
	lines = append(lines, "")
	room := max(1, h-2-len(lines)-2) // the rows, then a blank and the footer
	shown := min(room, len(d.items)-d.top)
	more := len(d.items) - d.top - shown
	if more > 0 && shown > 1 {
		shown, more = shown-1, more+1
	}
	nameW := min(24, inner/3)
	for i := d.top; i < d.top+shown; i++ {
		it := d.items[i]
		who := fit(line(it.Conversation.Label()), nameW)
		var what string
		switch {
		case it.Skip != "":
			what = st.warning.Render("skipped: " + line(it.Skip))
		case it.Err != nil:
			what = st.errorS.Render("not queued: " + line(it.Err.Error()))
		case d.phase == rescueDone:
			what = st.success.Render("queued") + " " + line(it.Body)
		default:
			what = "→ " + line(it.Body)
		}
		lines = append(lines, fit(who+" "+what, inner))
	}
	if more > 0 {
		lines = append(lines, st.muted.Render(fit(fmt.Sprintf("… %d more", more), inner)))
	}
	if footer != "" {
		lines = append(lines, "", st.muted.Render(fit(footer, inner)))
	}
	return st.dialog.Render(fitBlock(lines, inner, min(max(1, h-2), len(lines))))
}

// handleRescueAction carries out what the rescue and snooze dialogs ask.
func (a *App) handleRescueAction(e *dialogEntry, act action) tea.Cmd {
	switch act := act.(type) {
	case rescueAction:
		d, _ := e.d.(*rescueDialog)
		switch {
		case act.send && d != nil:
			a.bar.busy = "rescue: queuing " + plural(len(d.ids), "conversation") + "…"
			return a.rescueSendCmd(e.id, d.ids, d.tpl, d.values)
		case act.done:
			a.bar.busy = ""
			return tea.Batch(a.flash(act.flash, act.isErr), a.reloadList(a.list.Following()))
		case act.close:
			// The dry run, the form and the picker of this rescue.
			a.popTo(e.id)
			for t := a.top(); t != nil; t = a.top() {
				f, isForm := t.d.(*templateForm)
				p, isPicker := t.d.(*templatePicker)
				if !(isForm && f.rescue != nil || isPicker && p.rescue != nil) {
					break
				}
				a.pop()
			}
			clear(a.list.marked)
			return a.afterDialogs()
		}
	case snoozeAction:
		return a.handleSnoozeAction(e, act)
	}
	return nil
}
