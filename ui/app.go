// Package ui is mbx's terminal interface (Bubble Tea v2): one flat
// package, one file per model. Only App is a tea.Model; its children are
// plain types that do no IO. Every string from a customer or the server is
// drawn through state's sanitizer.
package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Deps is what the UI needs from the rest of the program.
type Deps struct {
	Store   *state.Store
	Engine  *state.Engine
	Account string           // shown in the status bar
	Now     func() time.Time // the clock; time.Now in the program
	Editor  string           // $EDITOR for ctrl+e

	// Login logs in again with a password the agent typed, when the
	// platform refused the stored token; it stores the new token. nil:
	// the inbox cannot log in (the demo), and says so instead.
	Login func(ctx context.Context, password string) error
	// Username is who Login logs in as, shown in the login prompt.
	Username string
	// Accounts are the configured account names, for switching; the
	// current one is Current. Fewer than two: no switching.
	Accounts []string
	Current  string

	// Theme is "dark" or "light" to fix the palette; anything else follows
	// the terminal's background.
	Theme string
	// Notify counts new customer messages in the window title and names
	// them in the status bar; Bell also rings the terminal bell.
	Notify, Bell bool
}

type focus int

const (
	focusSidebar focus = iota
	focusList
	focusThread
	focusComposer
)

type overlay int

const (
	overlayNone overlay = iota
	overlayHelp
	overlaySearch
	overlayTemplates
	overlayTemplateForm
	overlayAssign
	overlayContacts
	overlayLogin
	overlayAccounts
)

// App is the root model.
type App struct {
	d      Deps
	keys   KeyMap
	st     styles
	width  int
	height int
	ready  bool
	narrow bool
	panes  panes

	focus   focus
	overlay overlay
	side    sidebar
	list    convList
	thread  threadView
	comp    composer
	bar     statusBar
	srch    search
	sub     *state.Subscription

	tpick    templatePicker
	tform    templateForm
	apick    assignPicker
	contacts contactsPanel
	accounts []state.Account
	login    loginPrompt
	acctPick accountPicker

	listReq, threadReq, searchReq int
	flashSeq                      int
	switchTo                      string
	live                          bool // the engine has been online: inbound messages are news, not backfill
	spinning                      bool // the status bar's spinner is ticking
	unseen                        int  // customer messages since the agent last pressed a key
}

// New builds the inbox. Call it once per program.
func New(d Deps, keys KeyMap) *App {
	if d.Now == nil {
		d.Now = time.Now
	}
	if len(d.Accounts) < 2 { // nothing to switch to: neither acts nor shows in help
		keys.SwitchAccount.SetEnabled(false)
	}
	a := &App{
		d: d, keys: keys, st: newStyles(d.Theme != "light"),
		list: newConvList(), thread: newThreadView(), comp: newComposer(keys),
		bar: newStatusBar(d.Account), srch: newSearch(),
		focus: focusList,
	}
	a.sub = d.Engine.Subscribe()
	a.side.SetEntries(sidebarEntries(nil, d.Engine.Me()), nil, nil)
	a.side.Activate("inbox")
	a.list.Reset(state.View{Folder: state.FolderInbox})
	a.bar.conn = d.Engine.Status()
	a.bar.login = d.Login != nil
	return a
}

// Init starts the listeners and the first reads.
func (a *App) Init() tea.Cmd {
	var askBackground tea.Cmd
	if a.d.Theme != "dark" && a.d.Theme != "light" {
		askBackground = tea.RequestBackgroundColor
	}
	return tea.Batch(
		askBackground,
		waitChangesCmd(a.sub),
		a.reloadSidebar(),
		a.reloadList(""),
		minuteCmd(),
		a.startSpinner(),
	)
}

// Update is a short switch delegating to named handlers.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := a.update(msg)
	if !a.spinning && a.bar.spinning() {
		// Something to animate again (a sync, a bulk action): restart
		// the spinner, which stops ticking when nothing shows it.
		cmd = tea.Batch(cmd, a.startSpinner())
	}
	return a, cmd
}

func (a *App) startSpinner() tea.Cmd {
	a.spinning = true
	return a.bar.spin.Tick
}

// update is Update's type switch, delegating to named handlers.
func (a *App) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return a.handleResize(msg)
	case tea.BackgroundColorMsg:
		if a.d.Theme == "dark" || a.d.Theme == "light" {
			return nil // fixed in the config file
		}
		a.st = newStyles(msg.IsDark())
		a.thread.Restyle()
		return nil
	case tea.KeyPressMsg:
		return a.handleKey(msg)
	case tea.PasteMsg:
		return a.handlePaste(msg)
	case listLoadedMsg:
		return a.handleListLoaded(msg)
	case sidebarLoadedMsg:
		return a.handleSidebarLoaded(msg)
	case threadLoadedMsg:
		return a.handleThreadLoaded(msg)
	case draftLoadedMsg:
		return a.handleDraftLoaded(msg)
	case changesMsg:
		return a.handleChanges(msg)
	case replyQueuedMsg:
		return a.handleReplyQueued(msg)
	case actionDoneMsg:
		a.bar.busy = ""
		return a.flash(msg.summary, msg.failed > 0)
	case actionProgressMsg:
		return a.handleActionProgress(msg)
	case searchDoneMsg:
		return a.handleSearchDone(msg)
	case olderLoadedMsg:
		return a.handleOlderLoaded(msg)
	case editorDoneMsg:
		return a.handleEditorDone(msg)
	case minuteMsg:
		return a.handleMinute()
	case labelReadMsg:
		if a.bar.flash != "" || a.bar.busy != "" {
			return nil
		}
		if msg.label == "" {
			return a.flash("New message", false)
		}
		return a.flash("New message from "+line(msg.label), false)
	case flashExpiredMsg:
		if msg.id == a.flashSeq {
			a.bar.flash = ""
		}
		return nil
	case dialogClosedMsg:
		a.overlay = overlayNone
		return a.offerLogin()
	case dialogErrorMsg:
		return a.flash(msg.text, true)
	case templatesLoadedMsg:
		return a.handleTemplatesLoaded(msg)
	case templateChosenMsg:
		return a.handleTemplateChosen(msg)
	case templateBackMsg:
		a.overlay = overlayTemplates
		return a.tpick.Focus()
	case templateSubmitMsg:
		return a.handleTemplateSubmit(msg)
	case templateQueuedMsg:
		return a.handleTemplateQueued(msg)
	case assigneesLoadedMsg:
		return a.handleAssigneesLoaded(msg)
	case assigneeChosenMsg:
		return a.handleAssigneeChosen(msg)
	case contactsQueryMsg:
		return searchContactsCmd(a.d.Store, msg.reqID, msg.query)
	case contactsFoundMsg:
		return a.handleContactsFound(msg)
	case contactHighlightedMsg:
		return contactDetailCmd(a.d.Store, msg.contact)
	case contactDetailMsg:
		a.contacts.detail = msg.detail
		return nil
	case contactOpenMsg:
		return a.handleContactOpen(msg)
	case conversationStartedMsg:
		return a.handleConversationStarted(msg)
	case contactCreateMsg:
		return createContactCmd(a.d.Engine, msg.contact)
	case contactCreatedMsg:
		return a.handleContactCreated(msg)
	case contactTagsMsg:
		return setTagsCmd(a.d.Engine, msg.contactID, msg.tags)
	case contactTagsSavedMsg:
		return a.handleContactTagsSaved(msg)
	case loginSubmitMsg:
		return loginCmd(a.d.Login, msg.password)
	case loginDoneMsg:
		return a.handleLoginDone(msg)
	case accountChosenMsg:
		return a.handleAccountChosen(msg)
	case spinner.TickMsg:
		if !a.bar.spinning() {
			a.spinning = false // idle: no more frames for a spinner nobody sees
			return nil
		}
		var cmd tea.Cmd
		a.bar.spin, cmd = a.bar.spin.Update(msg)
		return cmd
	}
	if a.focus == focusComposer {
		return a.comp.Update(msg)
	}
	return nil
}

// View draws the frame. Before the first size, a loading frame.
func (a *App) View() tea.View {
	var content string
	switch {
	case !a.ready:
		content = "Loading mbx…"
	case a.width < minWidth || a.height < minHeight:
		content = fmt.Sprintf("mbx needs at least %dx%d; this terminal is %dx%d.", minWidth, minHeight, a.width, a.height)
	default:
		body := a.body()
		var box string
		switch a.overlay {
		case overlayHelp:
			box = helpView(a.st, a.keys, a.focus, min(a.width, 100), a.height-1)
		case overlaySearch:
			box = a.srch.View(a.st, min(a.width, 100), min(a.height-1, 30), a.d.Now())
		default:
			box = a.dialogView()
		}
		if box != "" {
			body = a.over(body, box)
		}
		content = lipgloss.JoinVertical(lipgloss.Left, body, a.bar.View(a.st, a.keys, a.d.Now(), len(a.list.marked)))
	}
	v := tea.NewView(content)
	v.AltScreen = true
	v.WindowTitle = "mbx — " + line(a.d.Account)
	if a.unseen > 0 {
		v.WindowTitle = fmt.Sprintf("mbx (%d new) — %s", a.unseen, line(a.d.Account))
	}
	if a.focus == focusComposer && a.overlay == overlayNone && a.ready {
		v.Cursor = a.composerCursor()
	}
	return v
}

// over draws a dialog centred over the panes, which stay visible around it.
func (a *App) over(body, box string) string {
	x := max(0, (a.width-lipgloss.Width(box))/2)
	y := max(0, (a.height-1-lipgloss.Height(box))/2)
	return lipgloss.NewCompositor(lipgloss.NewLayer(body), lipgloss.NewLayer(box).X(x).Y(y).Z(1)).Render()
}

// composerCursor puts the terminal cursor where the textarea's is.
func (a *App) composerCursor() *tea.Cursor {
	c := a.comp.ta.Cursor()
	if c == nil {
		return nil
	}
	x, y := 1, 1+a.thread.height+1 // border, thread, separator
	if a.narrow {
		y++ // the title line
	} else {
		x += a.panes.sideW + 2 + a.panes.listW + 2
	}
	c.X += x
	c.Y += y
	return c
}

// ---- handlers ----

func (a *App) handleResize(m tea.WindowSizeMsg) tea.Cmd {
	a.width, a.height, a.ready = m.Width, m.Height, true
	a.layout()
	if a.list.needsLoad() {
		return a.reloadList(a.list.Following())
	}
	return nil
}

func (a *App) reloadList(focusID string) tea.Cmd {
	a.listReq++
	off, limit := a.list.window()
	v := a.list.view
	v.Now = a.d.Now()
	return loadListCmd(a.d.Store, a.listReq, v, off, limit, focusID)
}

func (a *App) reloadSidebar() tea.Cmd {
	return loadSidebarCmd(a.d.Store, a.d.Engine.Me(), a.d.Now())
}

func (a *App) reloadThread() tea.Cmd {
	if a.thread.conv.ID == "" {
		return nil
	}
	a.threadReq++
	return loadThreadCmd(a.d.Store, a.threadReq, a.thread.conv.ID, time.Time{}, false)
}

func (a *App) handleListLoaded(m listLoadedMsg) tea.Cmd {
	if m.reqID != a.listReq {
		return nil // stale
	}
	if m.err != nil {
		return a.flash("cannot read the conversation list: "+m.err.Error(), true)
	}
	a.list.SetRows(m)
	if a.list.needsLoad() {
		return a.reloadList(a.list.Following())
	}
	return nil
}

func (a *App) handleSidebarLoaded(m sidebarLoadedMsg) tea.Cmd {
	if m.err != nil {
		return a.flash("cannot read the folders: "+m.err.Error(), true)
	}
	a.accounts = m.accounts
	clear(a.list.teams)
	for _, t := range m.teams {
		a.list.teams[t.ID] = t.Name
	}
	clear(a.list.users)
	for _, u := range m.users {
		a.list.users[u.ID] = u.Name()
	}
	a.side.SetEntries(sidebarEntries(m.teams, a.d.Engine.Me()), m.counts, m.views)
	a.side.Activate(a.side.active)
	a.updateThreadHeader()
	return nil
}

func (a *App) updateThreadHeader() {
	c := a.thread.conv
	switch {
	case c.UserID != "":
		a.thread.header = "· " + a.list.users[c.UserID]
	case c.TeamID != "":
		a.thread.header = "· team " + a.list.teams[c.TeamID]
	default:
		a.thread.header = "· unassigned"
	}
}

func (a *App) handleThreadLoaded(m threadLoadedMsg) tea.Cmd {
	if m.reqID != a.threadReq || m.conv.ID != a.thread.conv.ID && !m.older {
		return nil
	}
	if m.gone && state.IsNewConversation(m.conv.ID) {
		// The platform accepted its first template: it has a real id now.
		return findConversationCmd(a.d.Store, a.thread.conv.AccountID, a.thread.conv.ContactID)
	}
	if m.err != nil {
		return a.flash(m.err.Error(), true)
	}
	a.thread.Set(m)
	a.updateThreadHeader()
	a.comp.closed = !state.WindowAt(m.conv.WindowExpiry(), a.d.Now()).Open()
	return nil
}

func (a *App) handleChanges(m changesMsg) tea.Cmd {
	if !m.ok {
		return nil
	}
	cmds := []tea.Cmd{waitChangesCmd(a.sub)}
	ch := m.changes
	if ch.Connection {
		a.bar.conn = a.d.Engine.Status()
		a.live = a.live || a.bar.conn.State == state.Online
		cmds = append(cmds, a.offerLogin())
	}
	if len(ch.Inbound) > 0 {
		cmds = append(cmds, a.notify(ch.Inbound))
	}
	listChanged := ch.List
	for _, c := range a.list.rows {
		if _, ok := ch.Conversations[c.ID]; ok {
			listChanged = true
			break
		}
	}
	if listChanged {
		cmds = append(cmds, a.reloadList(a.list.Following()))
	}
	if listChanged || ch.Reference {
		cmds = append(cmds, a.reloadSidebar())
	}
	id := a.thread.conv.ID
	if _, ok := ch.Rehomed[id]; ok && id != "" {
		// A new conversation the platform accepted: follow it to its real id.
		return tea.Batch(append(cmds, findConversationCmd(a.d.Store, a.thread.conv.AccountID, a.thread.conv.ContactID))...)
	}
	_, inThreads := ch.Threads[id]
	_, inConvs := ch.Conversations[id]
	if id != "" && (inThreads || inConvs) {
		cmds = append(cmds, a.reloadThread())
		if a.focus == focusThread || a.focus == focusComposer {
			cmds = append(cmds, markReadCmd(a.d.Store, id, a.d.Now()))
		}
	}
	return tea.Batch(cmds...)
}

func (a *App) handleMinute() tea.Cmd {
	a.thread.invalidate() // "Today" may have become "Yesterday"
	a.comp.closed = a.thread.conv.ID != "" && !state.WindowAt(a.thread.conv.WindowExpiry(), a.d.Now()).Open()
	cmds := []tea.Cmd{minuteCmd(), a.reloadSidebar()}
	if a.list.view.ClosingSoon {
		cmds = append(cmds, a.reloadList(a.list.Following()))
	}
	return tea.Batch(cmds...)
}

// notify tells of new customer messages, when the config asks for it:
// a count in the window title, a word in the status bar (unless it says
// something else), the bell. Not for the conversation the agent is in,
// nor for the history of the first sync.
func (a *App) notify(inbound map[string]struct{}) tea.Cmd {
	if !a.d.Notify || !a.live {
		return nil
	}
	var from []string
	for id := range inbound {
		if id == a.thread.conv.ID && (a.focus == focusThread || a.focus == focusComposer) {
			continue
		}
		from = append(from, id)
	}
	if len(from) == 0 {
		return nil
	}
	a.unseen += len(from)
	var cmds []tea.Cmd
	if a.bar.flash == "" && a.bar.busy == "" {
		if len(from) == 1 {
			// The name: from the rows shown, else read from the store.
			cmds = append(cmds, labelCmd(a.d.Store, from[0]))
			for _, c := range a.list.rows {
				if c.ID == from[0] {
					cmds = append(cmds[:0], a.flash("New message from "+line(c.Label()), false))
				}
			}
		} else {
			cmds = append(cmds, a.flash(fmt.Sprintf("New messages in %d conversations", len(from)), false))
		}
	}
	if a.d.Bell {
		cmds = append(cmds, tea.Raw("\a"))
	}
	return tea.Batch(cmds...)
}

// flash shows a message in the status bar for a few seconds.
func (a *App) flash(text string, isErr bool) tea.Cmd {
	a.flashSeq++
	a.bar.flash, a.bar.isError = text, isErr
	d := 5 * time.Second
	if isErr {
		d = 10 * time.Second
	}
	return flashCmd(a.flashSeq, d)
}

// ---- keys ----

func (a *App) handleKey(k tea.KeyPressMsg) tea.Cmd {
	a.unseen = 0 // the agent is here
	switch a.overlay {
	case overlayHelp:
		if key.Matches(k, a.keys.Help, a.keys.Back, a.keys.Quit) {
			a.overlay = overlayNone
		}
		return nil
	case overlaySearch:
		return a.handleSearchKey(k)
	}
	if cmd, ok := a.handleDialogKey(k); ok {
		return cmd
	}
	if a.focus == focusComposer {
		return a.handleComposerKey(k)
	}
	if cmd, ok := a.handleGlobalKey(k); ok {
		return cmd
	}
	switch a.focus {
	case focusSidebar:
		return a.handleSidebarKey(k)
	case focusThread:
		return a.handleThreadKey(k)
	}
	return a.handleListKey(k)
}

func (a *App) handleGlobalKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	km := a.keys
	switch {
	case key.Matches(k, km.Quit):
		a.d.Engine.FlushDrafts()
		return tea.Quit, true
	case key.Matches(k, km.Help):
		a.overlay = overlayHelp
		return nil, true
	case key.Matches(k, km.Search):
		a.overlay = overlaySearch
		return a.srch.Open(), true
	case key.Matches(k, km.NextResult, km.PrevResult) && len(a.srch.hits) > 0:
		if key.Matches(k, km.NextResult) {
			a.srch.Move(1)
		} else {
			a.srch.Move(-1)
		}
		return a.openHit(), true
	case key.Matches(k, km.Sync):
		if a.bar.conn.State == state.LoginRequired && a.d.Login != nil {
			a.login.dismiss = false
			return a.offerLogin(), true
		}
		a.d.Engine.SyncNow()
		return a.flash("Syncing…", false), true
	case key.Matches(k, km.SwitchAccount):
		return a.openAccounts(), true
	case key.Matches(k, km.NextPane):
		a.cycleFocus(1)
		return nil, true
	case key.Matches(k, km.PrevPane):
		a.cycleFocus(-1)
		return nil, true
	case key.Matches(k, km.Inbox):
		return a.showEntry("inbox"), true
	case key.Matches(k, km.Archive):
		return a.showEntry("archive"), true
	case key.Matches(k, km.Spam):
		return a.showEntry("spam"), true
	case key.Matches(k, km.Mine):
		if a.d.Engine.Me() == "" {
			return a.flash("Mine needs to know who you are: the platform did not say (set user_id in the config file)", true), true
		}
		return a.showEntry("mine"), true
	case key.Matches(k, km.Unassigned):
		return a.showEntry("unassigned"), true
	case key.Matches(k, km.ClosingSoon):
		return a.showEntry("closing"), true
	case key.Matches(k, km.MoveArchive):
		return a.move(state.FolderArchive), true
	case key.Matches(k, km.MoveSpam):
		return a.move(state.FolderSpam), true
	case key.Matches(k, km.MoveBack):
		return a.move(state.FolderInbox), true
	case key.Matches(k, km.Reply):
		return a.startReply(), true
	case key.Matches(k, km.Template):
		conv, ok := a.target()
		if !ok {
			return a.flash("Open or select a conversation first", true), true
		}
		return a.openTemplates(conv), true
	case key.Matches(k, km.Assign):
		return a.openAssign(), true
	case key.Matches(k, km.Contacts):
		return a.openContacts(), true
	case key.Matches(k, km.AssignToMe):
		me := a.d.Engine.Me()
		if me == "" {
			return a.flash("the platform did not say who you are, so mbx cannot assign to you", true), true
		}
		return a.apply(state.Change{UserID: me}, "you", "assigning"), true
	}
	return nil, false
}

func (a *App) cycleFocus(d int) {
	order := []focus{focusSidebar, focusList, focusThread}
	i := 0
	for j, f := range order {
		if f == a.focus {
			i = j
		}
	}
	a.setFocus(order[(i+d+len(order))%len(order)])
}

func (a *App) setFocus(f focus) {
	if a.focus == focusComposer && f != focusComposer {
		a.comp.Blur()
		a.d.Engine.FlushDrafts()
	}
	a.focus = f
	a.side.focused = f == focusSidebar
	a.list.focused = f == focusList
}

func (a *App) showEntry(key string) tea.Cmd {
	for _, e := range a.side.entries {
		if e.key == key {
			a.side.Activate(key)
			a.list.Reset(e.view)
			clear(a.list.marked)
			if a.focus == focusSidebar || a.narrow {
				a.setFocus(focusList)
			}
			return a.reloadList("")
		}
	}
	return nil
}

func (a *App) handleSidebarKey(k tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(k, a.keys.Up):
		a.side.Move(-1)
	case key.Matches(k, a.keys.Down):
		a.side.Move(1)
	case key.Matches(k, a.keys.Open):
		if e, ok := a.side.Selected(); ok {
			cmd := a.showEntry(e.key)
			a.setFocus(focusList)
			return cmd
		}
	}
	return nil
}

func (a *App) handleListKey(k tea.KeyPressMsg) tea.Cmd {
	km := a.keys
	half := max(1, a.list.visibleRows()/2)
	switch {
	case key.Matches(k, km.Up):
		a.list.Move(-1)
	case key.Matches(k, km.Down):
		a.list.Move(1)
	case key.Matches(k, km.Top):
		a.list.MoveTo(0)
	case key.Matches(k, km.Bottom):
		a.list.MoveTo(-1)
	case key.Matches(k, km.HalfPageDown):
		a.list.Move(half)
	case key.Matches(k, km.HalfPageUp):
		a.list.Move(-half)
	case key.Matches(k, km.Mark):
		a.list.ToggleMark()
		a.list.Move(1)
	case key.Matches(k, km.Open):
		if c, ok := a.list.Selected(); ok {
			a.list.pinned = true
			return a.openConversation(c, focusThread)
		}
	case key.Matches(k, km.Back):
		if len(a.list.marked) > 0 {
			clear(a.list.marked)
			return a.flash("Marks cleared", false)
		}
		a.setFocus(focusSidebar)
	}
	if a.list.needsLoad() {
		return a.reloadList("")
	}
	return nil
}

func (a *App) handleThreadKey(k tea.KeyPressMsg) tea.Cmd {
	km := a.keys
	now := a.d.Now()
	half := max(1, a.thread.bodyHeight()/2)
	var older olderSource
	switch {
	case key.Matches(k, km.Up):
		older = a.thread.Scroll(1, a.st, now)
	case key.Matches(k, km.Down):
		a.thread.Scroll(-1, a.st, now)
	case key.Matches(k, km.HalfPageUp):
		older = a.thread.Scroll(half, a.st, now)
	case key.Matches(k, km.HalfPageDown):
		a.thread.Scroll(-half, a.st, now)
	case key.Matches(k, km.Top):
		older = a.thread.Scroll(1<<20, a.st, now)
	case key.Matches(k, km.Bottom):
		a.thread.scroll = 0
	case key.Matches(k, km.Back):
		a.setFocus(focusList)
	case key.Matches(k, km.Open):
		return a.startReply()
	}
	switch older {
	case olderStore:
		a.threadReq++
		return loadThreadCmd(a.d.Store, a.threadReq, a.thread.conv.ID, a.thread.Oldest(), true)
	case olderPlatform:
		a.bar.busy = "loading older messages…"
		return loadOlderCmd(a.d.Engine, a.thread.conv.ID, a.thread.Oldest())
	}
	return nil
}

func (a *App) handleOlderLoaded(m olderLoadedMsg) tea.Cmd {
	a.bar.busy = ""
	if m.convID != a.thread.conv.ID {
		return nil
	}
	a.thread.loadingOlder = false
	a.thread.invalidate()
	if m.err != nil {
		a.thread.askedPlatform = false // may be asked again
		return a.flash("older messages: "+state.Words(m.err), true)
	}
	if m.added == 0 {
		a.thread.platformDone = true
		return nil
	}
	a.threadReq++
	return loadThreadCmd(a.d.Store, a.threadReq, a.thread.conv.ID, a.thread.Oldest(), true)
}

// openConversation shows a conversation's thread and draft.
func (a *App) openConversation(c state.Conversation, f focus) tea.Cmd {
	if a.comp.convID != "" && a.comp.convID != c.ID {
		a.d.Engine.FlushDrafts()
	}
	a.thread.Open(c)
	a.comp.Load(c.ID, "")
	a.comp.draftPending = true
	a.comp.closed = !state.WindowAt(c.WindowExpiry(), a.d.Now()).Open()
	a.updateThreadHeader()
	a.setFocus(f)
	return tea.Batch(a.reloadThread(), loadDraftCmd(a.d.Engine, c.ID), markReadCmd(a.d.Store, c.ID, a.d.Now()))
}

// startReply focuses the composer; when the conversation's window is
// closed, where only a template can reach the customer, it offers the
// template picker instead.
func (a *App) startReply() tea.Cmd {
	conv, ok := a.target()
	if !ok {
		return a.flash("Open a conversation first", true)
	}
	if !state.WindowAt(conv.WindowExpiry(), a.d.Now()).Open() {
		cmd := a.openTemplates(conv)
		if conv.ID != a.thread.conv.ID {
			cmd = tea.Batch(a.openConversation(conv, focusThread), cmd)
		}
		return cmd
	}
	if a.thread.conv.ID == "" || conv.ID != a.thread.conv.ID {
		cmd := a.openConversation(conv, focusComposer)
		return tea.Batch(cmd, a.comp.Focus())
	}
	a.setFocus(focusComposer)
	return a.comp.Focus()
}

// move files the targets in a folder: the marked conversations in the
// list, else the selected one (or the open one from the thread).
func (a *App) move(f state.Folder) tea.Cmd {
	verb := map[state.Folder]string{state.FolderArchive: "archiving", state.FolderSpam: "marking as spam", state.FolderInbox: "moving to inbox"}[f]
	return a.apply(state.Change{Folder: f}, "", verb)
}

// apply runs a change on the targets.
func (a *App) apply(ch state.Change, assignee, verb string) tea.Cmd {
	ids := a.targets()
	if len(ids) == 0 {
		return a.flash("Nothing selected", true)
	}
	return a.applyTo(ids, ch, assignee, verb)
}

// applyTo runs a change on conversations, with progress in the status
// bar and a summary at the end; the marks are cleared.
func (a *App) applyTo(ids []string, ch state.Change, assignee, verb string) tea.Cmd {
	clear(a.list.marked)
	a.bar.busy = fmt.Sprintf("%s %s…", verb, plural(len(ids), "conversation"))
	return applyCmd(a.d.Engine, ids, ch, assignee, verb)
}

// ---- composer ----

func (a *App) handleComposerKey(k tea.KeyPressMsg) tea.Cmd {
	km := a.keys
	switch {
	case key.Matches(k, km.LeaveComposer):
		a.setFocus(focusThread)
		return a.offerLogin() // held back while the agent was typing
	case key.Matches(k, km.Editor):
		return editorCmd(a.d.Editor, a.thread.conv.ID, a.comp.Value())
	case key.Matches(k, km.Send):
		return a.send()
	}
	before := a.comp.Value()
	cmd := a.comp.Update(k)
	a.saveDraftIfChanged(before)
	return cmd
}

func (a *App) handlePaste(m tea.PasteMsg) tea.Cmd {
	switch {
	case a.overlay == overlaySearch:
		a.srch.input.SetValue(a.srch.input.Value() + line(m.Content))
	case a.overlay == overlayLogin:
		a.login.Paste(m.Content)
	case a.overlay == overlayTemplateForm:
		a.tform.Paste(m.Content)
	case a.overlay == overlayContacts:
		return a.contacts.Paste(m.Content)
	case a.overlay == overlayTemplates:
		a.tpick.list.Paste(m.Content)
	case a.overlay == overlayAssign:
		a.apick.list.Paste(m.Content)
	case a.overlay == overlayAccounts:
		a.acctPick.list.Paste(m.Content)
	case a.focus == focusComposer:
		before := a.comp.Value()
		a.comp.ta.InsertString(state.Sanitize(m.Content)) // pasted text can carry escapes too
		a.saveDraftIfChanged(before)
	}
	return nil
}

// handleDraftLoaded puts the saved draft in the composer. Whatever the
// agent typed before it arrived goes after it: neither is lost.
func (a *App) handleDraftLoaded(m draftLoadedMsg) tea.Cmd {
	if m.convID != a.thread.conv.ID || !a.comp.draftPending {
		return nil
	}
	a.comp.draftPending = false
	typed := a.comp.Value()
	if typed == "" {
		a.comp.Load(m.convID, m.text)
		return nil
	}
	text := typed
	if m.text != "" {
		text = m.text + "\n" + typed
	}
	a.comp.Load(m.convID, text)
	a.d.Engine.SaveDraft(m.convID, text)
	return nil
}

func (a *App) saveDraftIfChanged(before string) {
	if a.comp.draftPending {
		return // the saved draft is on its way: saved together when it arrives
	}
	if v := a.comp.Value(); v != before && a.thread.conv.ID != "" {
		a.comp.convID = a.thread.conv.ID
		a.d.Engine.SaveDraft(a.thread.conv.ID, v)
	}
}

func (a *App) send() tea.Cmd {
	text := a.comp.Value()
	conv := a.thread.conv
	switch {
	case conv.ID == "":
		return a.flash("Open a conversation first", true)
	case a.comp.over() > 0:
		return a.flash(fmt.Sprintf("The reply is %d characters over the limit of %d: shorten it (nothing was sent)", a.comp.over(), state.MaxMessageLength), true)
	case a.comp.closed:
		return a.flash(state.ErrWindowClosed.Error(), true)
	}
	if err := state.CheckText(text); err != nil {
		return a.flash(err.Error(), true)
	}
	a.comp.Load(conv.ID, "")
	return sendCmd(a.d.Engine, conv.ID, text)
}

func (a *App) handleReplyQueued(m replyQueuedMsg) tea.Cmd {
	if m.err == nil {
		a.thread.scroll = 0
		return a.reloadThread()
	}
	// Refused before anything was written: give the text back, in front
	// of anything typed since.
	text := m.text
	if a.thread.conv.ID == m.convID {
		if cur := a.comp.Value(); cur != "" {
			text += "\n" + cur
		}
		a.comp.Load(m.convID, text)
	}
	a.d.Engine.SaveDraft(m.convID, text)
	if errors.Is(m.err, state.ErrWindowClosed) {
		a.comp.closed = true
	}
	return a.flash(m.err.Error(), true)
}

func (a *App) handleEditorDone(m editorDoneMsg) tea.Cmd {
	if m.err != nil {
		return a.flash("the editor failed: "+m.err.Error()+" (your text is unchanged)", true)
	}
	text := state.Sanitize(m.text) // the file may have picked up anything
	if m.convID == a.thread.conv.ID {
		a.comp.Load(m.convID, text)
	}
	a.d.Engine.SaveDraft(m.convID, text)
	return nil
}

// ---- search ----

func (a *App) handleSearchKey(k tea.KeyPressMsg) tea.Cmd {
	km := a.keys
	if a.srch.editing {
		switch {
		case k.String() == "esc":
			a.overlay = overlayNone
			return nil
		case k.String() == "enter":
			q := a.srch.input.Value()
			if q == "" {
				return nil
			}
			a.srch.editing = false
			a.srch.input.Blur()
			a.searchReq++
			return searchCmd(a.d.Store, a.searchReq, q)
		}
		return a.srch.Update(k)
	}
	switch {
	case key.Matches(k, km.Back) || k.String() == "esc":
		a.overlay = overlayNone
	case key.Matches(k, km.Search):
		return a.srch.Open()
	case key.Matches(k, km.Up):
		a.srch.Move(-1)
	case key.Matches(k, km.Down):
		a.srch.Move(1)
	case key.Matches(k, km.Open):
		a.overlay = overlayNone
		return a.openHit()
	}
	return nil
}

func (a *App) handleSearchDone(m searchDoneMsg) tea.Cmd {
	if m.reqID != a.searchReq {
		return nil
	}
	a.srch.hits, a.srch.query, a.srch.err, a.srch.cursor = m.hits, m.query, m.err, 0
	return nil
}

func (a *App) openHit() tea.Cmd {
	hit, ok := a.srch.Selected()
	if !ok {
		return nil
	}
	return tea.Batch(a.openConversation(hit.Conversation, focusThread), a.reloadList(hit.Conversation.ID))
}

// SwitchTo is the account the agent chose to switch to when the program
// ended, "" when they quit. main then opens that account's inbox.
func (a *App) SwitchTo() string { return a.switchTo }
