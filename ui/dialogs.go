package ui

import (
	"context"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// The root's side of the dialogs: opening each one (pushed at once, its
// data read meanwhile) and carrying out the actions they return.

// The largest boxes of the dialogs; smaller terminals get all they have.
const (
	formW, formH         = 90, 30
	contactsW, contactsH = 90, 28
)

// sizer is a dialog whose inputs are fitted to its box's width.
type sizer interface{ SetSize(w int) }

// sizeDialogs fits the dialogs' inputs to the terminal (from layout, and
// when a dialog opens), not while drawing.
func (a *App) sizeDialogs() {
	for _, e := range a.dialogs {
		if s, ok := e.d.(sizer); ok {
			w, _ := e.d.Bounds()
			s.SetSize(min(a.width, w))
		}
	}
	a.srch.SetWidth(min(a.width, 100))
}

// target is the conversation a single-conversation action is about: the
// open one from the thread or composer, else the one under the cursor.
func (a *App) target() (state.Conversation, bool) {
	if a.thread.conv.ID != "" && (a.focus == focusThread || a.focus == focusComposer || a.narrow && a.focus != focusList) {
		return a.thread.conv, true
	}
	return a.list.Selected()
}

// targets are the conversations an action applies to: the open one from
// the thread, else the marked ones, else the one under the cursor.
func (a *App) targets() []string {
	if (a.focus == focusThread || a.focus == focusComposer) && a.thread.conv.ID != "" {
		return []string{a.thread.conv.ID}
	}
	return a.list.Targets()
}

func (a *App) openTemplates(conv state.Conversation) tea.Cmd {
	return a.push(newTemplatePicker(a.keys, conv), func(id int) tea.Cmd {
		return to(id, loadTemplatesCmd(a.core, conv))
	})
}

func (a *App) openAssign() tea.Cmd {
	ids := a.targets()
	if len(ids) == 0 {
		return a.flash("Nothing selected", true)
	}
	p := newAssignPicker(a.keys, ids, a.caps)
	if len(ids) == 1 { // named from the first frame, not once the list is read
		if c := a.thread.conv; c.ID == ids[0] {
			p.what = c.Label()
		} else if c, ok := a.list.Selected(); ok && c.ID == ids[0] {
			p.what = c.Label()
		}
	}
	return a.push(p, func(id int) tea.Cmd {
		return to(id, loadAssigneesCmd(a.core, ids))
	})
}

func (a *App) openContacts() tea.Cmd {
	query := ""
	if conv, ok := a.target(); ok && a.focus != focusList {
		query = line(conv.ContactNumber)
	}
	p := newContactsPanel(a.keys, a.accounts, query)
	cmd := a.push(p, func(id int) tea.Cmd { return to(id, searchContactsCmd(a.contactSearch(), a.core, p.reqID, query)) })
	a.sizeDialogs()
	return cmd
}

func (a *App) openAccounts() tea.Cmd {
	if len(a.d.Accounts) < 2 {
		return a.flash("Only one account is configured: add others to config.toml (see README), then "+keyName(a.keys.SwitchAccount)+" switches", true)
	}
	return a.push(newAccountPicker(a.keys, a.d.Accounts, a.d.Current), nil)
}

// offerLogin opens the login prompt when the platform wants a login and
// the agent is not busy in a dialog (it opens when the last one closes)
// and has not dismissed it (the sync key asks again).
func (a *App) offerLogin() tea.Cmd {
	// Never while the agent types a reply: their keys would go into the
	// password field. The status bar says; leaving the composer opens it.
	if a.d.Login == nil || a.bar.conn.State != state.LoginRequired || !a.onlyBoardOpen() || a.loginDismissed ||
		a.focus == focusComposer {
		return nil
	}
	return a.push(newLoginPrompt(a.keys, a.d.Username, a.d.Platform), nil)
}

// onlyBoardOpen reports no dialog open but the supervisor board, which
// takes no text: the login prompt may open over it (mbx board logged out,
// whichever came first).
func (a *App) onlyBoardOpen() bool {
	for _, e := range a.dialogs {
		if _, ok := e.d.(*boardDialog); !ok {
			return false
		}
	}
	return true
}

// handleAction carries out what dialog e asked for.
func (a *App) handleAction(e *dialogEntry, act action) tea.Cmd {
	switch act := act.(type) {
	case nil:
		return nil
	case closeDialog:
		a.popTo(e.id)
		var cmd tea.Cmd
		if act.flash != "" {
			cmd = a.flash(act.flash, act.isErr)
		}
		return tea.Batch(cmd, a.afterDialogs())
	case flashNote:
		return a.flash(act.text, act.isErr)
	case sendAnyway, lookFirst: // sendguard.go
		return a.answerCollision(e, act)
	case answerQuestion: // uncertain.go
		return to(e.id, answerCmd(a.core, act))
	case laterQuestion:
		if a.later == nil {
			a.later = map[string]time.Time{}
		}
		a.later[act.localID] = act.next
		a.popTo(e.id)
		return tea.Batch(a.flash("Asked again when mbx next looks for the reply", false), a.afterDialogs())

	case chooseTemplate:
		p, _ := e.d.(*templatePicker)
		if p == nil || p.form == nil || p.form.tpl.ID != act.tpl.ID || p.form.conv.ID != act.conv.ID {
			f := newTemplateForm(a.keys, act.conv, act.tpl)
			if p != nil && p.rescue != nil {
				rescueForm(f, p.rescue) // rescue.go
			}
			if p != nil {
				p.form = f // back and the same template again: the values typed stay
				if p.replaces.LocalID != "" {
					f.offerFailed(p.replaces) // failed.go
				}
			}
			cmd := a.push(f, nil)
			a.sizeDialogs()
			return tea.Batch(cmd, f.Focus())
		}
		cmd := a.push(p.form, nil)
		a.sizeDialogs()
		return tea.Batch(cmd, p.form.Focus())
	case submitTemplate:
		if f, ok := e.d.(*templateForm); ok && f.rescue != nil { // rescue.go: the dry run first
			return a.planRescue(f, act)
		}
		if act.replaces != "" { // failed.go
			return to(e.id, replaceTemplateCmd(a.core, act.replaces, act.conv, act.tpl, act.values))
		}
		return to(e.id, sendTemplateCmd(a.core, act.conv, act.tpl, act.values))
	case templateSent:
		a.popTo(e.id)
		if t := a.top(); t != nil {
			if _, ok := t.d.(*templatePicker); ok {
				a.pop()
			}
		}
		return tea.Batch(
			a.openConversation(act.conv, focusThread),
			a.reloadList(act.conv.ID),
			a.flash("Template queued for "+line(act.conv.Label())+": watch its ticks in the thread", false),
			a.afterDialogs(),
		)

	case rescueAction, snoozeAction: // rescue.go, snooze.go
		return a.handleRescueAction(e, act)

	case boardRead, boardAssign, boardMark, boardShow, boardUndo, boardReread: // board.go
		return a.handleBoardAction(e, act)
	case chooseAssignee:
		a.popTo(e.id)
		verb := "assigning"
		if act.change.Unassign {
			verb = "unassigning"
		}
		return tea.Batch(a.applyTo(act.ids, act.change, act.name, verb), a.afterDialogs())

	case saveConvTags:
		return to(e.id, setConvTagsCmd(a.ctx, a.core, act.convID, act.tags))
	case convTagsSaved:
		a.popTo(e.id)
		return tea.Batch(a.tagsSaved(act), a.afterDialogs())

	case insertSaved:
		a.popTo(e.id)
		a.insertSavedText(act.text)
		return a.afterDialogs()

	case saveFile:
		a.popTo(e.id)
		return tea.Batch(a.saveFileCmd(act), a.afterDialogs())
	case queueFile:
		return a.queueFileCmd(e.id, act)
	case fileQueued:
		a.popTo(e.id)
		return tea.Batch(a.fileSent(act.convID), a.afterDialogs())

	case queryContacts:
		return to(e.id, searchContactsCmd(a.contactSearch(), a.core, act.reqID, act.query))
	case detailFor:
		return to(e.id, contactDetailCmd(a.core, act.contact))
	case openContact:
		return to(e.id, startConversationCmd(a.core, act.contact))
	case createContact:
		return to(e.id, createContactCmd(a.ctx, a.core, act.contact))
	case saveTags:
		return to(e.id, setTagsCmd(a.ctx, a.core, act.contactID, act.tags))
	case contactStarted:
		a.popTo(e.id)
		return tea.Batch(a.handleConversationStarted(act.m), a.afterDialogs())

	case runSearch:
		return to(e.id, searchCmd(a.contactSearch(), a.core, act.reqID, act.query, a.d.Now()))
	case openHit:
		a.popTo(e.id)
		return tea.Batch(a.openHit(), a.afterDialogs())

	case submitLogin:
		return to(e.id, loginCmd(a.ctx, a.d.Login, act.password))
	case loggedIn:
		a.popTo(e.id)
		return tea.Batch(syncNowCmd(a.core), a.flash("Logged in: syncing", false))
	case dismissLogin:
		a.loginDismissed = true
		a.popTo(e.id)
		return nil

	case chooseMe:
		return to(e.id, chooseMeCmd(a.core, act.user.ID))
	case meChosen:
		a.popTo(e.id)
		return tea.Batch(a.handleMeChosen(act), a.afterDialogs())

	case bulkAction: // bulk.go
		return a.handleBulkAction(e, act)

	case chooseAccount:
		a.popTo(e.id)
		if act.name == a.d.Current {
			return nil
		}
		a.switchTo = act.name
		return a.quit()
	}
	return nil
}

// contactSearch cancels the contacts search (or / 's search) under way,
// if any, and gives the next one its context: each key's search replaces
// the last one's.
func (a *App) contactSearch() context.Context {
	if a.cancelSearch != nil {
		a.cancelSearch()
	}
	ctx, cancel := context.WithCancel(a.ctx)
	a.cancelSearch = cancel
	return ctx
}

// handleConversationStarted opens the conversation with a contact: a
// stored one like any other (the template picker first when its window
// is closed), a new one at the template picker.
func (a *App) handleConversationStarted(m conversationStartedMsg) tea.Cmd {
	if m.err != nil {
		return a.flash(m.err.Error(), true)
	}
	if m.follow {
		if !state.IsNewConversation(a.thread.conv.ID) || a.thread.conv.ContactID != m.conv.ContactID {
			return nil // the agent has moved on
		}
		return tea.Batch(a.openConversation(m.conv, a.focus), a.reloadList(m.conv.ID))
	}
	if !m.stored {
		return a.openTemplates(m.conv)
	}
	cmds := []tea.Cmd{a.openConversation(m.conv, focusThread), a.reloadList(m.conv.ID)}
	if !state.WindowAt(m.conv.WindowExpiry(), a.d.Now()).Open() && !state.IsNewConversation(m.conv.ID) {
		cmds = append(cmds, a.openTemplates(m.conv))
	}
	return tea.Batch(cmds...)
}

func (a *App) handleActionProgress(m actionProgressMsg) tea.Cmd {
	if a.bar.busy != "" {
		a.bar.busy = fmt.Sprintf("%s %d/%d…", m.verb, m.done, m.total)
	}
	return waitProgressCmd(m.verb, m.ch)
}

// quit ends the inbox: drafts are written, then the program stops and
// everything in flight is cancelled.
func (a *App) quit() tea.Cmd {
	core, cancel, sub := a.core, a.cancel, a.sub
	keep := a.writePlace() // where the agent was, for the next start
	return func() tea.Msg {
		if keep != nil {
			keep()
		}
		core.FlushDrafts()
		cancel()
		sub.Close()
		return tea.Quit()
	}
}

// markRead tells the store a conversation was read (the list already
// shows it); the change published brings the counts along.
func (a *App) markRead(id string) tea.Cmd {
	core, now := a.core, a.d.Now()
	return func() tea.Msg {
		_ = core.MarkRead(id, now)
		return nil
	}
}

// cannot says, in words, that the platform has no such thing.
func (a *App) cannot(what string) string {
	p := a.d.Platform
	if p == "" {
		p = "This platform"
	}
	return p + " cannot " + what + " (nothing was changed)"
}

func (a *App) minuteCmd() tea.Cmd {
	return a.d.Tick(time.Minute, func(t time.Time) tea.Msg { return minuteMsg(t) })
}

func (a *App) handleBackground(m tea.BackgroundColorMsg) tea.Cmd {
	if a.d.Theme == "dark" || a.d.Theme == "light" {
		return nil // fixed in the config file
	}
	a.st = newStyles(m.IsDark())
	a.msgLog.changed() // its drawn lines carry the old styles
	a.thread.Restyle()
	return nil
}

func (a *App) handleSpin() tea.Cmd {
	if !a.bar.spinning() {
		a.spinning = false // idle: no more frames for a spinner nobody sees
		return nil
	}
	a.bar.frame++
	return a.d.Tick(spinFPS, func(time.Time) tea.Msg { return spinMsg{} })
}

func (a *App) handleLabelRead(m labelReadMsg) tea.Cmd {
	if a.bar.flash != "" || a.bar.busy != "" {
		return nil
	}
	if m.label == "" {
		return a.flash("New message", false)
	}
	return a.flash("New message from "+line(m.label), false)
}
