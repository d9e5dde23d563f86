package ui

import (
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// The root's handlers for the dialogs: the template picker and form, the
// assignment picker and the contacts panel. Each dialog handles its keys
// and emits what the agent chose; the root does the IO through commands.

// The largest boxes of the dialogs; smaller terminals get all they have.
const (
	formW, formH         = 90, 30
	contactsW, contactsH = 90, 28
)

// dialogSize is the box a dialog is drawn in.
func (a *App) dialogSize(maxW, maxH int) (int, int) {
	return min(a.width, maxW), min(a.height-1, maxH)
}

// sizeDialogs fits the dialogs' inputs to the terminal (from layout, and
// when a dialog opens).
func (a *App) sizeDialogs() {
	w, _ := a.dialogSize(formW, formH)
	a.tform.SetSize(w)
	w, _ = a.dialogSize(contactsW, contactsH)
	a.contacts.SetSize(w)
	a.srch.SetWidth(min(a.width, 100))
}

// handleDialogKey routes a key to the open dialog; ok false: no dialog.
func (a *App) handleDialogKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	switch a.overlay {
	case overlayTemplates:
		return a.tpick.Update(k, a.keys), true
	case overlayTemplateForm:
		return a.tform.Update(k, a.keys), true
	case overlayAssign:
		return a.apick.Update(k, a.keys), true
	case overlayContacts:
		return a.contacts.Update(k, a.keys), true
	case overlayLogin:
		return a.login.Update(k), true
	case overlayAccounts:
		return a.acctPick.Update(k, a.keys), true
	}
	return nil, false
}

// dialogView draws the open dialog, "" when none.
func (a *App) dialogView() string {
	switch a.overlay {
	case overlayTemplates:
		w, h := a.dialogSize(formW, formH)
		return (a.tpick.View(a.st, w, h, a.d.Now()))
	case overlayTemplateForm:
		w, h := a.dialogSize(formW, formH)
		return (a.tform.View(a.st, w, h))
	case overlayAssign:
		w, h := a.dialogSize(70, 24)
		return (a.apick.View(a.st, w, h))
	case overlayContacts:
		w, h := a.dialogSize(contactsW, contactsH)
		return (a.contacts.View(a.st, a.keys, w, h, a.d.Now()))
	case overlayLogin:
		w, h := a.dialogSize(70, 18)
		return (a.login.View(a.st, w, h))
	case overlayAccounts:
		w, h := a.dialogSize(60, 20)
		return (a.acctPick.View(a.st, w, h))
	}
	return ""
}

// target is the conversation a single-conversation action is about: the
// open one from the thread or composer, else the one under the cursor.
func (a *App) target() (state.Conversation, bool) {
	if a.thread.conv.ID != "" && (a.focus == focusThread || a.focus == focusComposer || a.narrow && a.focus != focusList) {
		return a.thread.conv, true
	}
	return a.list.Selected()
}

// ---- templates ----

func (a *App) openTemplates(conv state.Conversation) tea.Cmd {
	a.bar.busy = "reading templates…"
	return loadTemplatesCmd(a.d.Store, conv)
}

func (a *App) handleTemplatesLoaded(m templatesLoadedMsg) tea.Cmd {
	a.bar.busy = ""
	if m.err != nil {
		return a.flash("cannot read the templates: "+m.err.Error(), true)
	}
	if len(m.tpls) == 0 {
		return a.flash("This account has no templates yet: they are synced every few minutes (ctrl+r syncs now)", true)
	}
	if a.overlay != overlayNone && a.overlay != overlayContacts {
		return nil // the agent has opened something else meanwhile
	}
	a.tpick = newTemplatePicker(m.conv, m.tpls)
	a.overlay = overlayTemplates
	return a.tpick.Focus()
}

func (a *App) handleTemplateChosen(m templateChosenMsg) tea.Cmd {
	// Back to the list and the same template again: the values typed stay.
	if a.tform.tpl.ID != m.tpl.ID || a.tform.conv.ID != m.conv.ID || a.tform.sending {
		a.tform = newTemplateForm(m.conv, m.tpl)
	}
	a.sizeDialogs()
	a.overlay = overlayTemplateForm
	return a.tform.Focus()
}

func (a *App) handleTemplateSubmit(m templateSubmitMsg) tea.Cmd {
	return sendTemplateCmd(a.d.Engine, m.conv, m.tpl, m.values)
}

func (a *App) handleTemplateQueued(m templateQueuedMsg) tea.Cmd {
	if m.err != nil {
		if a.overlay == overlayTemplateForm {
			a.tform.Refused(m.err.Error() + " (nothing was sent)")
			return nil
		}
		return a.flash(m.err.Error(), true)
	}
	a.overlay = overlayNone
	a.tform = templateForm{} // sent: the next form starts empty
	return tea.Batch(
		a.openConversation(m.conv, focusThread),
		a.reloadList(m.conv.ID),
		a.flash("Template queued for "+line(m.conv.Label())+": watch its ticks in the thread", false),
	)
}

// ---- assignment ----

func (a *App) openAssign() tea.Cmd {
	ids := a.targets()
	if len(ids) == 0 {
		return a.flash("Nothing selected", true)
	}
	return loadAssigneesCmd(a.d.Engine, a.d.Store, ids)
}

// targets are the conversations an action applies to: the open one from
// the thread, else the marked ones, else the one under the cursor.
func (a *App) targets() []string {
	if (a.focus == focusThread || a.focus == focusComposer) && a.thread.conv.ID != "" {
		return []string{a.thread.conv.ID}
	}
	return a.list.Targets()
}

func (a *App) handleAssigneesLoaded(m assigneesLoadedMsg) tea.Cmd {
	if m.err != nil {
		return a.flash("cannot read who may take this: "+m.err.Error(), true)
	}
	if len(m.users)+len(m.teams) == 0 {
		return a.flash("Nobody may take "+line(m.what)+" (no user or team works in its account): sync with ctrl+r", true)
	}
	if a.overlay != overlayNone {
		return nil // the agent has opened something else meanwhile
	}
	a.apick = newAssignPicker(m)
	a.overlay = overlayAssign
	return a.apick.Focus()
}

func (a *App) handleAssigneeChosen(m assigneeChosenMsg) tea.Cmd {
	a.overlay = overlayNone
	return a.applyTo(m.ids, m.change, m.name, "assigning")
}

func (a *App) handleActionProgress(m actionProgressMsg) tea.Cmd {
	if a.bar.busy != "" {
		a.bar.busy = fmt.Sprintf("%s %d/%d…", m.verb, m.done, m.total)
	}
	return waitProgressCmd(m.verb, m.ch)
}

// ---- contacts ----

func (a *App) openContacts() tea.Cmd {
	query := ""
	if conv, ok := a.target(); ok && a.focus != focusList {
		query = line(conv.ContactNumber)
	}
	a.contacts = newContactsPanel(a.accounts, query)
	a.sizeDialogs()
	a.overlay = overlayContacts
	a.contacts.reqID++
	return tea.Batch(a.contacts.Focus(), searchContactsCmd(a.d.Store, a.contacts.reqID, query))
}

func (a *App) handleContactsFound(m contactsFoundMsg) tea.Cmd {
	if a.overlay != overlayContacts || m.reqID != a.contacts.reqID {
		return nil
	}
	if m.err != nil {
		a.contacts.err = "cannot search the contacts: " + m.err.Error()
		return nil
	}
	a.contacts.SetResults(m.contacts)
	if c, ok := a.contacts.Highlighted(); ok {
		return contactDetailCmd(a.d.Store, c)
	}
	return nil
}

func (a *App) handleContactOpen(m contactOpenMsg) tea.Cmd {
	return startConversationCmd(a.d.Engine, a.d.Store, m.contact)
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
	a.overlay = overlayNone
	cmds := []tea.Cmd{a.openConversation(m.conv, focusThread), a.reloadList(m.conv.ID)}
	if !state.WindowAt(m.conv.WindowExpiry(), a.d.Now()).Open() && !state.IsNewConversation(m.conv.ID) {
		cmds = append(cmds, a.openTemplates(m.conv))
	}
	return tea.Batch(cmds...)
}

func (a *App) handleContactCreated(m contactCreatedMsg) tea.Cmd {
	if a.overlay != overlayContacts {
		return nil
	}
	a.contacts.Created(m.err)
	if m.err != nil {
		return nil
	}
	return tea.Batch(a.flash("Contact "+line(m.contact.Label())+" created", false), startConversationCmd(a.d.Engine, a.d.Store, m.contact))
}

func (a *App) handleContactTagsSaved(m contactTagsSavedMsg) tea.Cmd {
	if a.overlay != overlayContacts {
		return nil
	}
	if m.err == nil {
		return tea.Batch(a.contacts.TagsSaved(m.contact, nil), a.flash("Tags of "+line(m.contact.Label())+" saved", false))
	}
	var ie *state.InputError
	if errors.As(m.err, &ie) {
		return a.contacts.TagsSaved(m.contact, m.err)
	}
	return a.contacts.TagsSaved(m.contact, errors.New(state.Words(m.err)))
}

// ---- login and accounts ----

// offerLogin opens the login prompt when the platform wants a login and
// the agent is not busy in another dialog (it opens when that closes)
// and has not dismissed it (ctrl+r asks again).
func (a *App) offerLogin() tea.Cmd {
	// Never while the agent types a reply: their keys would go into the
	// password field. The status bar says; leaving the composer opens it.
	if a.d.Login == nil || a.bar.conn.State != state.LoginRequired || a.overlay != overlayNone || a.login.dismiss ||
		a.focus == focusComposer {
		return nil
	}
	a.login = newLoginPrompt(a.d.Username)
	a.overlay = overlayLogin
	return a.login.Focus()
}

func (a *App) handleLoginDone(m loginDoneMsg) tea.Cmd {
	if m.err != nil {
		a.login.Failed(m.err.Error())
		return nil
	}
	if a.overlay == overlayLogin {
		a.overlay = overlayNone
	}
	a.login = loginPrompt{}
	a.d.Engine.SyncNow()
	return a.flash("Logged in: syncing", false)
}

func (a *App) openAccounts() tea.Cmd {
	if len(a.d.Accounts) < 2 {
		return a.flash("Only one account is configured: add others to config.toml (see README), then S switches", true)
	}
	a.acctPick = newAccountPicker(a.d.Accounts, a.d.Current)
	a.overlay = overlayAccounts
	return a.acctPick.Focus()
}

// handleAccountChosen ends the program for main to open the other
// account; drafts are saved first.
func (a *App) handleAccountChosen(m accountChosenMsg) tea.Cmd {
	a.overlay = overlayNone
	if m.name == a.d.Current {
		return nil
	}
	a.switchTo = m.name
	a.d.Engine.FlushDrafts()
	return tea.Quit
}
