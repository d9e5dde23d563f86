package ui

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Dialogs are boxes over the panes on a stack (help, search, pickers,
// forms, contacts, login). The rules, which make every key reach the
// place the agent meant:
//
//   - A dialog is pushed the moment its key is pressed, before its data
//     is read: it shows a loading state while that comes.
//   - Keys and pastes go to the top dialog. While it waits (for its data,
//     or for an answer to what it asked) they are kept in order and
//     replayed when the wait ends — to it, or to whatever is on top then
//     (a choice that closed it hands the rest of the keys on). The
//     dialog's close key acts at once on a wait that can be abandoned,
//     and drops the kept keys with the dialog.
//   - A dialog does no IO. Update returns an action (a value saying what
//     the agent chose) that the root carries out synchronously — pop,
//     push another, start a command — so the very next key already goes
//     to the right place. Results of commands come back addressed to the
//     dialog that asked (dialogMsg); a closed dialog's results are dropped.
type dialog interface {
	// Update takes a key, a paste, or a result addressed to this dialog.
	Update(msg tea.Msg) (tea.Cmd, action)
	// View draws the box in at most v.w × v.h cells.
	View(v viewCtx) string
	// Bounds is the largest box the dialog wants.
	Bounds() (w, h int)
	// Waiting: keys are kept for later; cancelable: the close key may
	// abandon the wait (nothing was committed that closing would hide).
	Waiting() (waiting, cancelable bool)
}

// action is what a dialog asks of the root; see handleAction.
type action any

// closeDialog pops the dialog that returned it, with an optional word in
// the status bar.
type closeDialog struct {
	flash string
	isErr bool
}

// viewCtx is what a dialog draws with.
type viewCtx struct {
	st   styles
	keys KeyMap
	now  time.Time
	w, h int
}

// dialogEntry is a dialog on the stack with the input kept while it waits.
type dialogEntry struct {
	id      int
	d       dialog
	pending []tea.Msg
}

// dialogMsg is a command's result addressed to the dialog that asked.
type dialogMsg struct {
	to  int
	msg tea.Msg
}

// top is the dialog that takes the keys, nil when none is open.
func (a *App) top() *dialogEntry {
	if len(a.dialogs) == 0 {
		return nil
	}
	return a.dialogs[len(a.dialogs)-1]
}

// push opens a dialog on top; load (may be nil) builds the commands that
// read its data, their results addressed to it.
func (a *App) push(d dialog, load func(id int) tea.Cmd) tea.Cmd {
	a.dialogSeq++
	e := &dialogEntry{id: a.dialogSeq, d: d}
	a.dialogs = append(a.dialogs, e)
	if load == nil {
		return nil
	}
	return load(e.id)
}

// to addresses a command's result to dialog id.
func to(id int, cmd tea.Cmd) tea.Cmd {
	if cmd == nil {
		return nil
	}
	return func() tea.Msg {
		msg := cmd()
		if msg == nil {
			return nil
		}
		return dialogMsg{to: id, msg: msg}
	}
}

// pop closes the top dialog; its kept keys go with it.
func (a *App) pop() {
	if n := len(a.dialogs); n > 0 {
		a.dialogs[n-1] = nil
		a.dialogs = a.dialogs[:n-1]
	}
}

// popTo closes dialog id and every dialog above it.
func (a *App) popTo(id int) {
	for i, e := range a.dialogs {
		if e.id == id {
			clear(a.dialogs[i:])
			a.dialogs = a.dialogs[:i]
			return
		}
	}
}

func (a *App) entry(id int) *dialogEntry {
	for _, e := range a.dialogs {
		if e.id == id {
			return e
		}
	}
	return nil
}

// isOpen reports whether a dialog of d's type is on the stack.
func isOpen[T dialog](a *App) (T, bool) {
	for _, e := range a.dialogs {
		if d, ok := e.d.(T); ok {
			return d, true
		}
	}
	var zero T
	return zero, false
}

// routeInput sends a key or paste where it belongs: the top dialog (kept
// while it waits), else the panes.
func (a *App) routeInput(msg tea.Msg) tea.Cmd {
	e := a.top()
	if e == nil {
		if a.comp.sending != "" { // a reply is on its way to the outbox
			a.held = append(a.held, msg)
			return nil
		}
		return a.handlePaneInput(msg)
	}
	if waiting, cancelable := e.d.Waiting(); waiting {
		if k, ok := msg.(tea.KeyPressMsg); ok && cancelable && key.Matches(k, a.keys.Close) {
			a.popTo(e.id)
			return a.afterDialogs()
		}
		e.pending = append(e.pending, msg)
		return nil
	}
	return a.deliver(e, msg)
}

// deliver hands msg to a dialog and carries out its action; when the
// dialog stops waiting, the keys kept meanwhile are replayed.
func (a *App) deliver(e *dialogEntry, msg tea.Msg) tea.Cmd {
	wasWaiting, _ := e.d.Waiting()
	cmd, act := e.d.Update(msg)
	cmds := []tea.Cmd{cmd, a.handleAction(e, act)}
	if waiting, _ := e.d.Waiting(); wasWaiting && !waiting || a.entry(e.id) == nil {
		cmds = append(cmds, a.replay(e))
	}
	return tea.Batch(cmds...)
}

// replay routes the input kept by e afresh, in order.
func (a *App) replay(e *dialogEntry) tea.Cmd {
	kept := e.pending
	e.pending = nil
	var cmds []tea.Cmd
	for _, m := range kept {
		cmds = append(cmds, a.routeInput(m))
	}
	return tea.Batch(cmds...)
}

// handleDialogMsg delivers a command's result to the dialog that asked,
// if it is still open.
func (a *App) handleDialogMsg(m dialogMsg) tea.Cmd {
	e := a.entry(m.to)
	if e == nil {
		// The dialog was closed meanwhile: the agent has moved on, and
		// what the command did is in the store and shows.
		return nil
	}
	return a.deliver(e, m.msg)
}

// afterDialogs runs when the stack shrank: a login the platform asked
// for while a dialog was open is offered now.
func (a *App) afterDialogs() tea.Cmd {
	if len(a.dialogs) == 0 {
		return a.offerLogin()
	}
	return nil
}

// dialogView draws the top dialog, "" when none.
func (a *App) dialogView() string {
	e := a.top()
	if e == nil {
		return ""
	}
	w, h := e.d.Bounds()
	return e.d.View(viewCtx{st: a.st, keys: a.keys, now: a.d.Now(), w: min(a.width, w), h: min(a.height-1, h)})
}

// loadingLines is what a dialog shows while its data comes.
func loadingLines(st styles, what string) []string {
	return []string{st.muted.Render("Reading " + what + "…")}
}
