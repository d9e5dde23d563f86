package ui

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// The panes' side of the root: loading what they show, following the
// engine's changes, and the keys of the folders, the list, the thread and
// the composer.

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
	return loadListCmd(a.core, a.listReq, v, off, limit, focusID)
}

func (a *App) reloadSidebar() tea.Cmd {
	return loadSidebarCmd(a.core, a.caps, a.d.Sections, a.d.Now())
}

func (a *App) reloadThread() tea.Cmd {
	if a.thread.conv.ID == "" {
		return nil
	}
	a.threadReq++
	if key, until, ok := a.thread.seekUntil(); ok { // read back to a search hit
		return loadThreadToCmd(a.core, a.threadReq, a.thread.conv.ID, key, until)
	}
	return loadThreadCmd(a.core, a.threadReq, a.thread.conv.ID, time.Time{}, false)
}

func (a *App) handleListLoaded(m listLoadedMsg) tea.Cmd {
	if m.reqID != a.listReq {
		return nil // stale
	}
	if m.err != nil {
		a.listHeld = nil // no rows to act on: the keys go with the error
		return a.flash("cannot read the conversation list: "+m.err.Error(), true)
	}
	a.list.SetRows(m)
	if a.list.needsLoad() {
		return a.reloadList(a.list.Following())
	}
	held := a.listHeld // the rows they were typed for are here
	a.listHeld = nil
	var cmds []tea.Cmd
	for _, k := range held {
		cmds = append(cmds, a.routeInput(k))
	}
	return tea.Batch(cmds...)
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
	a.side.SetEntries(shownEntries(sidebarEntries(m.teams, a.core.Me(), a.caps, a.d.Sections), m.views, a.side.active), m.counts, m.views)
	a.side.unread, a.list.accounts = m.unread, accountShortNames(m.accounts)
	a.side.Activate(a.side.active)
	a.updateThreadHeader()
	a.sideLoaded = true
	if m.sectionErr != a.sectionWarned { // said once, not at each reload
		a.sectionWarned = m.sectionErr
		if m.sectionErr != "" {
			return tea.Batch(a.restorePlace(), a.flash(line(m.sectionErr), true))
		}
	}
	return a.restorePlace()
}

func (a *App) updateThreadHeader() {
	c := a.thread.conv
	switch {
	case c.UserID != "" && c.TeamID != "": // a platform with both at once
		a.thread.header = "· " + a.list.assignee(c) // "· @Robin · #Sales"
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
		return findConversationCmd(a.core, a.thread.conv.AccountID, a.thread.conv.ContactID)
	}
	if m.err != nil {
		a.thread.mark.seek = false
		return tea.Batch(a.flash(m.err.Error(), true), a.releaseThreadKeys())
	}
	a.thread.Set(m)
	if !m.older {
		a.thread.seekMark(a.st, a.d.Now())
	}
	a.updateThreadHeader()
	a.setWindowClosed(!state.WindowAt(m.conv.WindowExpiry(), a.d.Now()).Open())
	a.setReadOnly(m.conv)
	return a.releaseThreadKeys()
}

func (a *App) handleChanges(m changesMsg) tea.Cmd {
	if !m.ok {
		return nil
	}
	var cmds []tea.Cmd
	ch := m.changes
	// Customer messages that come in the same changes as the first
	// "online" are the end of the first sync's history, not news: the
	// subscription coalesces the two.
	wasLive := a.live
	if ch.Connection {
		a.bar.conn = a.core.Status()
		a.live = a.live || a.bar.conn.State == state.Online
		cmds = append(cmds, a.offerLogin())
	}
	if len(ch.Inbound) > 0 && wasLive {
		cmds = append(cmds, a.notify(ch.Inbound))
	}
	cmds = append(cmds, a.hookChanges(ch, wasLive)) // hooks.go
	listChanged := ch.List
	for _, c := range a.list.rows {
		_, row := ch.Conversations[c.ID]
		_, status := ch.Threads[c.ID] // a status moved: our last message's tick on the row
		if row || status && c.PreviewOut {
			listChanged = true
			break
		}
	}
	if listChanged {
		cmds = append(cmds, a.reloadList(a.list.Following()))
	}
	if ch.Outbox && a.list.view.Failed && !listChanged { // a reply failed or was settled (failed.go)
		listChanged = true
		cmds = append(cmds, a.reloadList(a.list.Following()))
	}
	if listChanged || ch.Reference || ch.Outbox {
		cmds = append(cmds, a.reloadSidebar())
	}
	if listChanged || len(ch.Conversations) > 0 || ch.Reference { // the supervisor board (board.go)
		cmds = append(cmds, a.refreshBoard())
	}
	id := a.thread.conv.ID
	if _, ok := ch.Rehomed[id]; ok && id != "" {
		// A new conversation the platform accepted: follow it to its real id.
		return tea.Batch(append(cmds, findConversationCmd(a.core, a.thread.conv.AccountID, a.thread.conv.ContactID))...)
	}
	_, inThreads := ch.Threads[id]
	_, inConvs := ch.Conversations[id]
	if id != "" && (inThreads || inConvs) {
		cmds = append(cmds, a.reloadThread())
		if a.focus == focusThread || a.focus == focusComposer {
			cmds = append(cmds, a.markRead(id))
		}
	}
	return tea.Batch(cmds...)
}

// setWindowClosed says whether the open conversation's window is closed:
// the composer then takes no free text, and the thread's retry hint
// offers a template (failed.go).
func (a *App) setWindowClosed(closed bool) {
	a.comp.closed = closed
	a.thread.retryClosed = closed
}

func (a *App) handleMinute() tea.Cmd {
	a.thread.invalidate() // "Today" may have become "Yesterday"
	a.setWindowClosed(a.thread.conv.ID != "" && !state.WindowAt(a.thread.conv.WindowExpiry(), a.d.Now()).Open())
	cmds := []tea.Cmd{a.minuteCmd(), a.reloadSidebar(), a.refreshBoard(), wakeDueCmd(a.core, a.d.Now())} // snooze.go
	if a.list.view.ClosingSoon || a.list.view.Rescue || a.list.view.Query != nil {                       // a section's window: and waiting: follow the clock
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
			if i := slices.IndexFunc(a.list.rows, func(c state.Conversation) bool { return c.ID == from[0] }); i >= 0 {
				cmds = append(cmds, a.flash("New message from "+line(a.list.rows[i].Label()), false))
			} else {
				cmds = append(cmds, labelCmd(a.core, from[0]))
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
	d := 5 * time.Second
	if isErr {
		d = 10 * time.Second
	}
	return a.flashFor(text, isErr, d)
}

// ---- keys ----

// handlePaneInput takes the keys and pastes no dialog took: the
// composer's when it has the focus, else the global keys, then the
// focused pane's.
func (a *App) handlePaneInput(msg tea.Msg) tea.Cmd {
	if p, ok := msg.(tea.PasteMsg); ok {
		return a.handlePaste(p)
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if a.focus == focusComposer {
		if cmd, ok := a.handleBulkKey(k); ok { // the message log
			return cmd
		}
		return a.handleComposerKey(k)
	}
	if a.focus == focusList && !a.list.loaded && (len(a.listHeld) > 0 || a.actsOnRows(k)) {
		// (Once one key waits, every later one does: they act in order.)
		// A view is being read: a key for its rows waits for them, as a
		// key typed into a loading dialog waits (1 j enter opens the
		// Inbox's second conversation, not nothing).
		a.listHeld = append(a.listHeld, k)
		return nil
	}
	if a.holdForThread(k) { // a search hit's thread is being read back to it
		return nil
	}
	if cmd, ok := a.handleBulkKey(k); ok { // marking many, their results, the log (bulk.go)
		return cmd
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

// actsOnRows reports a key that acts on the list's rows (moves, open,
// marks, and the actions on the conversation under the cursor).
func (a *App) actsOnRows(k tea.KeyPressMsg) bool {
	km := a.keys
	if key.Matches(k, km.Retry) { // the row's newest failed reply (failed.go)
		return true
	}
	return key.Matches(k, km.Up, km.Down, km.Top, km.Bottom, km.HalfPageDown, km.HalfPageUp, km.Open, km.Mark,
		km.Reply, km.Template, km.Assign, km.AssignToMe, km.Tags, km.Files, km.MoveArchive, km.MoveSpam, km.MoveBack,
		km.NextUnread, km.MarkUnread)
}

func (a *App) handleGlobalKey(k tea.KeyPressMsg) (tea.Cmd, bool) {
	km := a.keys
	switch {
	case key.Matches(k, km.Quit):
		return a.quit(), true
	case key.Matches(k, km.Help):
		return a.push(&helpDialog{km: a.keys, focus: a.focus}, nil), true
	case key.Matches(k, km.Search):
		return a.openSearch(), true
	case key.Matches(k, km.NextResult, km.PrevResult) && len(a.srch.hits) > 0:
		if key.Matches(k, km.NextResult) {
			a.srch.Move(1)
		} else {
			a.srch.Move(-1)
		}
		return a.openHit(), true
	case key.Matches(k, km.Sync):
		if a.bar.conn.State == state.LoginRequired && a.d.Login != nil {
			a.loginDismissed = false
			return a.offerLogin(), true
		}
		return tea.Batch(syncNowCmd(a.core), a.flash("Syncing…", false)), true
	case key.Matches(k, km.SwitchAccount):
		return a.openAccounts(), true
	case key.Matches(k, km.Board): // the supervisor board (board.go)
		return a.openBoard(), true
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
	case !a.caps.Folders && a.caps.Resolve && pressed(k, km.Spam, km.MoveSpam):
		return a.flash(a.cannot("mark conversations as spam: resolve them instead"), true), true
	case !a.caps.Folders && !a.caps.Resolve && pressed(k, km.Archive, km.Spam, km.MoveArchive, km.MoveSpam, km.MoveBack):
		return a.flash(a.cannot("file conversations in folders"), true), true
	case key.Matches(k, km.Mine):
		if a.core.Me() == "" { // "Which of these is you?" first
			return a.whoFirst(whoThenMine), true
		}
		return a.showEntry("mine"), true
	case key.Matches(k, km.UnreadOnly, km.NextUnread, km.MarkUnread): // unread.go
		return a.handleUnreadKey(k), true
	case key.Matches(k, km.Unassigned):
		return a.showEntry("unassigned"), true
	case key.Matches(k, km.ClosingSoon):
		return a.showEntry("closing"), true
	case key.Matches(k, km.Failed): // failed.go
		return a.showFailed(), true
	case key.Matches(k, km.Rescue, km.RescueSend, km.Snooze, km.Snoozed, km.Unsnooze): // rescue.go, snooze.go
		return a.handleRescueKey(k), true
	case key.Matches(k, km.Retry):
		return a.retry(), true
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
		if conv.ReadOnly { // a template would be refused too: said before it is filled in
			return a.flash(a.readOnlyNote(conv), true), true
		}
		return a.openTemplates(conv), true

	case key.Matches(k, km.Assign):
		return a.openAssign(), true
	case key.Matches(k, km.Tags):
		return a.openTags(), true
	case !a.caps.Tags && pressed(k, km.Tags):
		return a.flash(a.cannot("tag conversations"), true), true
	case key.Matches(k, km.Files):
		return a.openFiles(), true
	case !a.caps.Media && pressed(k, km.Files):
		return a.flash(a.cannot("keep files"), true), true
	case key.Matches(k, km.Contacts):
		return a.openContacts(), true
	case key.Matches(k, km.Undo):
		return a.undoLast(), true
	case key.Matches(k, km.AssignToMe):
		me := a.core.Me()
		if me == "" { // "Which of these is you?" first, then the assignment
			return a.whoFirst(whoThenAssign), true
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
		a.flushing = true // the draft is written by the next command batch
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
			a.list.pinned = a.list.cursor > 0 // on the first row the list follows the top
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
		return loadThreadCmd(a.core, a.threadReq, a.thread.conv.ID, a.thread.Oldest(), true)
	case olderPlatform:
		a.bar.busy = "loading older messages…"
		return loadOlderCmd(a.ctx, a.core, a.thread.conv.ID, a.thread.Oldest())
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
	return loadThreadCmd(a.core, a.threadReq, a.thread.conv.ID, a.thread.Oldest(), true)
}

// openConversation shows a conversation's thread and draft, and marks it
// read.
func (a *App) openConversation(c state.Conversation, f focus) tea.Cmd {
	a.previewing = false
	a.list.MarkRead(c.ID) // shown read in this very frame; the store follows
	cmd := a.showConversation(c)
	a.setFocus(f)
	return tea.Batch(cmd, a.markRead(c.ID))
}

// showConversation puts a conversation in the thread pane with its draft
// (opened, or previewed: triage.go), without marking it read.
func (a *App) showConversation(c state.Conversation) tea.Cmd {
	if a.comp.convID != "" && a.comp.convID != c.ID {
		a.flushing = true
	}
	a.thread.Open(c)
	a.comp.Load(c.ID, "")
	a.comp.draftPending = true
	a.setWindowClosed(!state.WindowAt(c.WindowExpiry(), a.d.Now()).Open())
	a.setReadOnly(c)
	a.updateThreadHeader()
	return tea.Batch(a.reloadThread(), loadDraftCmd(a.core, c.ID))
}

// startReply focuses the composer; when the conversation's window is
// closed, where only a template can reach the customer, it offers the
// template picker instead.
func (a *App) startReply() tea.Cmd {
	conv, ok := a.target()
	if !ok {
		return a.flash("Open a conversation first", true)
	}
	if conv.ReadOnly { // said before the agent types, not after
		cmd := a.flash(a.readOnlyNote(conv), true)
		if conv.ID != a.thread.conv.ID {
			cmd = tea.Batch(a.openConversation(conv, focusThread), cmd)
		}
		return cmd
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

// setReadOnly tells the composer whether the agent may write to c.
func (a *App) setReadOnly(c state.Conversation) {
	a.comp.readOnly = readOnlyWhy(c)
	a.comp.canTake = a.core.Me() != "" && c.UserID != a.core.Me()
}

// readOnlyNote says why the agent may not write to c and, where mbx can
// assign it to them, the key that does.
func (a *App) readOnlyNote(c state.Conversation) string {
	note := strings.TrimRight(strings.ReplaceAll(readOnlyWhy(c), "\n", " "), ". ")
	if me := a.core.Me(); me != "" && c.UserID != me && a.keys.AssignToMe.Enabled() {
		note += ": " + keyName(a.keys.AssignToMe) + " assigns it to you"
	}
	return note
}

// move files the targets in a folder: the marked conversations in the
// list, else the selected one (or the open one from the thread).
func (a *App) move(f state.Folder) tea.Cmd {
	verb := map[state.Folder]string{state.FolderArchive: "archiving", state.FolderSpam: "marking as spam", state.FolderInbox: "moving to inbox"}[f]
	if !a.caps.Folders && a.caps.Resolve {
		verb = map[state.Folder]string{state.FolderArchive: "resolving", state.FolderInbox: "reopening"}[f]
	}
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

// ---- composer ----

func (a *App) handleComposerKey(k tea.KeyPressMsg) tea.Cmd {
	km := a.keys
	switch {
	case key.Matches(k, km.LeaveComposer):
		a.setFocus(focusThread)
		return a.offerLogin() // held back while the agent was typing
	case key.Matches(k, km.ComposerHelp):
		return a.push(&helpDialog{km: a.keys, focus: focusComposer}, nil)
	case key.Matches(k, km.Editor):
		return editorCmd(a.d.Editor, a.thread.conv.ID, a.comp.Value())
	case key.Matches(k, km.SavedResponse):
		return a.openSaved()
	case !a.caps.SavedResponses && pressed(k, km.SavedResponse):
		return a.flash(a.cannot("keep saved responses"), true)
	case key.Matches(k, km.Attach): // disabled where files cannot be sent: the key moves the cursor as usual
		return a.openAttach()
	case key.Matches(k, km.Send):
		return a.send()
	case key.Matches(k, km.Sync): // a control key, which types nothing: the status bar's "ctrl+r logs in" holds here too
		if a.bar.conn.State == state.LoginRequired && a.d.Login != nil && len(a.dialogs) == 0 {
			a.loginDismissed = false // asked for: the prompt opens over the composer, the draft kept
			return a.push(newLoginPrompt(a.keys, a.d.Username, a.d.Platform), nil)
		}
		return tea.Batch(syncNowCmd(a.core), a.flash("Syncing…", false))
	}
	before := a.comp.Value()
	cmd := a.comp.Update(k)
	a.saveDraftIfChanged(before)
	return tea.Batch(cmd, a.paceFrames())
}

func (a *App) handlePaste(m tea.PasteMsg) tea.Cmd {
	if a.focus == focusComposer {
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
	a.core.SaveDraft(m.convID, text)
	return nil
}

func (a *App) saveDraftIfChanged(before string) {
	if a.comp.draftPending {
		return // the saved draft is on its way: saved together when it arrives
	}
	if v := a.comp.Value(); v != before && a.thread.conv.ID != "" {
		a.comp.convID = a.thread.conv.ID
		a.core.SaveDraft(a.thread.conv.ID, v)
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
	case a.comp.readOnly != "":
		return a.flash(a.readOnlyNote(conv)+" (nothing was sent)", true)
	case a.comp.closed:
		return a.flash(state.ErrWindowClosed.Error(), true)
	}
	if err := state.CheckText(text); err != nil {
		return a.flash(err.Error(), true)
	}
	// The text stays in the composer until the outbox has it: a process
	// killed in between still has it as the draft. Keys typed meanwhile
	// are held and replayed after (routeInput).
	a.comp.sending = conv.ID
	return collisionCmd(a.core, a.thread.seen, conv.ID, text) // then sendCmd, or a question first (sendguard.go)
}

func (a *App) handleReplyQueued(m replyQueuedMsg) tea.Cmd {
	a.comp.sending = ""
	held := a.held
	a.held = nil
	cmds := []tea.Cmd{}
	if m.err == nil {
		if a.comp.convID == m.convID {
			a.comp.Load(m.convID, "") // in the outbox, and its draft cleared with it
		}
		if a.thread.conv.ID == m.convID {
			a.thread.seen = state.Glimpse{} // the agent's own reply: seen again from here (sendguard.go)
		}
		a.thread.scroll = 0
		cmds = append(cmds, a.reloadThread())
	} else {
		// Refused before anything was written: the text is still in the
		// composer, as typed.
		if errors.Is(m.err, state.ErrWindowClosed) && a.thread.conv.ID == m.convID {
			a.setWindowClosed(true)
		}
		cmds = append(cmds, a.flash(m.err.Error(), true))
	}
	for _, msg := range held {
		cmds = append(cmds, a.routeInput(msg))
	}
	return tea.Batch(cmds...)
}

func (a *App) handleEditorDone(m editorDoneMsg) tea.Cmd {
	if m.err != nil {
		return a.flash("the editor failed: "+m.err.Error()+" (your text is unchanged)", true)
	}
	text := state.Sanitize(m.text) // the file may have picked up anything
	if m.convID == a.thread.conv.ID {
		a.comp.Load(m.convID, text)
	}
	a.core.SaveDraft(m.convID, text)
	return nil
}

// ---- search ----

func (a *App) openSearch() tea.Cmd {
	var load func(id int) tea.Cmd
	if a.srch.stale() { // its search was abandoned with the box: again
		if act, ok := a.srch.ask().(runSearch); ok {
			load = func(id int) tea.Cmd {
				return to(id, searchCmd(a.contactSearch(), a.core, act.reqID, act.query, a.d.Now()))
			}
		}
	}
	return tea.Batch(a.push(&searchDialog{km: a.keys, s: &a.srch}, load), a.srch.Open())
}

// openHit opens the conversation of the highlighted search result,
// scrolled to the message found and marked (threadmark.go).
func (a *App) openHit() tea.Cmd {
	hit, ok := a.srch.Selected()
	if !ok {
		return nil
	}
	a.thread.SetMark(hit) // first: the thread's rows are read back to it
	return tea.Batch(a.openConversation(hit.Conversation, focusThread), a.reloadList(hit.Conversation.ID))
}
