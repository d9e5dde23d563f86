package ui

import (
	"context"
	"fmt"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Deps is what the UI needs from the rest of the program.
type Deps struct {
	Core    Core             // the account's data and actions (state.Service)
	Account string           // shown in the status bar
	Now     func() time.Time // the clock; time.Now in the program
	// Tick delivers fn's message after d (tea.Tick in the program; tests
	// fire it by hand). Every timer of the UI goes through it.
	Tick   func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd
	Editor string // $EDITOR for ctrl+e

	// Login logs in again with a password the agent typed, when the
	// platform refused the stored token; it stores the new token. nil:
	// the inbox cannot log in (the demo), and says so instead.
	Login func(ctx context.Context, password string) error
	// Username is who Login logs in as, shown in the login prompt.
	Username string
	// Platform names the platform in the agent's words, for the login
	// prompt and for what it cannot do.
	Platform string
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
	// Hooks runs the config's [hooks] commands (hooks.go); nil: none.
	// Desktop is the desktop notifications' form (desktop.go: "osc9",
	// "osc777"; anything else: off); Tmux wraps them for tmux.
	Hooks   Hooks
	Desktop string
	Tmux    bool
	// Open hands a saved file to the desktop's opener (xdg-open, open);
	// nil: files are saved only, and the status bar says where.
	Open func(path string) error
	// Preview: the thread follows the list's cursor (triage.go; [ui]
	// preview). Mouse: clicks and the wheel are the inbox's (mouse.go;
	// [ui] mouse); without it the terminal selects text as usual.
	Preview, Mouse bool
	// Sections are the config's [[sections]]: named queries in the
	// sidebar under the views.
	Sections []Section
	// Board opens the inbox on the supervisor board (mbx board; board.go).
	Board bool
}

type focus int

const (
	focusSidebar focus = iota
	focusList
	focusThread
	focusComposer
)

// App is the root model: it routes messages to the panes and the dialog
// stack, and carries out what they ask.
type App struct {
	d      Deps
	core   Core
	keys   KeyMap
	caps   state.Capabilities
	st     styles
	width  int
	height int
	ready  bool
	narrow bool
	panes  panes

	// Restart where you were (place.go).
	touched    bool   // a key or paste came: never move the inbox under it
	restoring  *place // the kept place, until the sidebar can take it
	keptPlace  place  // what the store holds
	placeDue   bool   // a write of the place is on its way
	sideLoaded bool

	// sectionWarned: the section problem last said in the status bar.
	sectionWarned string

	// Frames paced while a burst of keys is typed (frames.go).
	lastView    *tea.View
	lastDrawn   time.Time
	frameOwed   bool // this message's frame is not drawn: the pending tick's will be
	tickPending bool // a frameDueMsg is on its way

	// ctx lives as long as this inbox: cancelled at quit and account
	// switch, so a bulk action or a read in flight stops with it.
	ctx    context.Context
	cancel context.CancelFunc
	sub    *state.Subscription

	focus  focus
	side   sidebar
	list   convList
	thread threadView
	comp   composer
	bar    statusBar
	srch   search

	dialogs        []*dialogEntry
	dialogSeq      int
	later          map[string]time.Time // questions put off (uncertain.go): the reply's next look then
	askedAtStart   bool                 // the questions left from the last run were read
	accounts       []state.Account
	loginDismissed bool              // the agent closed the login prompt: not offered until asked
	flushing       bool              // drafts are to be written by a command after this update
	held           []tea.Msg         // input typed while a reply was being queued
	listHeld       []tea.KeyPressMsg // keys for the rows of a view still being read
	cancelSearch   func()            // the contacts search under way

	listReq, threadReq int
	flashSeq           int
	switchTo           string
	live               bool // the engine has been online: inbound messages are news, not backfill
	spinning           bool // the status bar's spinner is ticking
	unseen             int  // customer messages since the agent last pressed a key
	who                whoState

	// Bulk work (bulk.go): the last bulk action's results, the session's messages.
	lastBulk *bulkResults
	msgLog   msgLog
	// Triage (triage.go): the preview of the row under the cursor, and
	// the last move or assignment while it can be taken back.
	previewing  bool   // the thread shows the cursor's row, not opened
	previewSeq  int    // the preview scheduled last; earlier ones are dropped
	previewWant string // the row it is for
	undo        *undoable
	inFlight    int       // moves and assignments not yet done
	hk          hookState // hooks and desktop notifications (hooks.go, desktop.go)
}

// New builds the inbox. Call it once per program.
func New(d Deps, keys KeyMap) *App {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Tick == nil {
		d.Tick = tea.Tick
	}
	if len(d.Accounts) < 2 { // nothing to switch to: neither acts nor shows in help
		keys.SwitchAccount.SetEnabled(false)
	}
	caps := d.Core.Capabilities()
	if !caps.ContactEditing {
		keys.NewContact.SetEnabled(false)
		keys.EditTags.SetEnabled(false)
	}
	if !caps.Tags { // the key says why (handleGlobalKey), not in help
		keys.Tags.SetEnabled(false)
	}
	if !caps.SavedResponses {
		keys.SavedResponse.SetEnabled(false)
	}
	if !caps.Media { // the key says why, not in help
		keys.Files.SetEnabled(false)
		keys.OpenFile.SetEnabled(false)
	}
	if !caps.Attachments {
		keys.Attach.SetEnabled(false)
	}
	switch {
	case caps.Folders:
	case caps.Resolve: // open and resolved in place of folders: no spam
		keys.Archive.SetHelp(keys.Archive.Help().Key, "resolved")
		keys.MoveArchive.SetHelp(keys.MoveArchive.Help().Key, "resolve")
		keys.MoveBack.SetHelp(keys.MoveBack.Help().Key, "reopen")
		keys.Spam.SetEnabled(false)
		keys.MoveSpam.SetEnabled(false)
	default:
		for _, b := range []*key.Binding{&keys.Archive, &keys.Spam, &keys.MoveArchive, &keys.MoveSpam, &keys.MoveBack} {
			b.SetEnabled(false)
		}
	}
	a := &App{
		d: d, core: d.Core, keys: keys, caps: caps, st: newStyles(d.Theme != "light"),
		list: newConvList(), thread: newThreadView(), comp: newComposer(keys),
		bar: newStatusBar(d.Account), srch: newSearch(),
		focus: focusList,
	}
	a.ctx, a.cancel = context.WithCancel(context.Background())
	a.thread.retryKey = a.retryKey() // under the failed reply the retry key acts on (failed.go)
	a.sub = d.Core.Subscribe()
	a.side.SetEntries(shownEntries(sidebarEntries(nil, d.Core.Me(), caps, d.Sections), nil, ""), nil, nil)
	a.side.Activate("inbox")
	a.list.Reset(state.View{Folder: state.FolderInbox})
	a.bar.conn = d.Core.Status()
	a.bar.login = d.Login != nil
	// The platform may have refused the login before this inbox listened
	// (the engine starts first): ask now, not at the next change.
	a.offerLogin()
	return a
}

// Init starts the first reads and the timers.
func (a *App) Init() tea.Cmd {
	var askBackground tea.Cmd
	if a.d.Theme != "dark" && a.d.Theme != "light" {
		askBackground = tea.RequestBackgroundColor
	}
	return tea.Batch(
		askBackground,
		a.reloadSidebar(),
		a.reloadList(""),
		a.reloadIdentity(),
		loadPlaceCmd(a.core),
		a.minuteCmd(),
		a.startSpinner(),
		a.boardAtStart(),
	)
}

// Listen relays the account's changes to the program (send is
// tea.Program.Send) until the inbox ends: the event relay that keeps
// Update free of blocking commands. The program runs it in a goroutine.
func (a *App) Listen(send func(tea.Msg)) {
	for {
		ch, ok, err := a.sub.Next(a.ctx, 30*time.Millisecond)
		if err != nil || !ok {
			return
		}
		send(changesMsg{changes: ch, ok: true})
	}
}

// PendingChanges returns the changes published since the last call as a
// message for Update, nil when there are none; it never waits (tests
// drive the inbox with it instead of Listen).
func (a *App) PendingChanges() tea.Msg {
	ch, ok := a.sub.Poll()
	if !ok {
		return nil
	}
	return changesMsg{changes: ch, ok: true}
}

// Close ends the inbox's work: commands in flight are cancelled and the
// subscription closed. The program's end calls it; it is idempotent.
func (a *App) Close() {
	a.cancel()
	a.sub.Close()
}

// Update routes: input to the top dialog or the panes, results to the
// dialog or pane that asked, facts to their handlers.
func (a *App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if esc, k, ok := escThenKey(msg, a.keys); ok {
		_, first := a.Update(esc)
		_, then := a.Update(k)
		return a, tea.Batch(first, then)
	}
	a.frameOwed = false // every message is drawn, but keys typed in a burst (paceFrames)
	switch msg.(type) {
	case tea.KeyPressMsg, tea.PasteMsg:
		a.touched = true
	}
	cmd := a.update(msg)
	// The thread follows the cursor; going into a previewed thread opens it.
	cmd = tea.Batch(cmd, a.adoptPreview(), a.followCursor())
	a.fitComposer() // one line until the agent writes, then as tall as the text
	cmd = tea.Batch(cmd, a.keepPlace())
	if ch, ok := msg.(changesMsg); ok || !a.askedAtStart { // a reply the agent is asked about (uncertain.go)
		a.askedAtStart = true
		cmd = tea.Batch(cmd, a.askQuestions(ch.changes, ok))
	}
	if a.flushing { // never a SQLite write inside Update
		a.flushing = false
		cmd = tea.Batch(cmd, flushDraftsCmd(a.core))
	}
	if !a.spinning && a.bar.spinning() {
		// Something to animate again (a sync, a bulk action): restart
		// the spinner, which stops ticking when nothing shows it.
		cmd = tea.Batch(cmd, a.startSpinner())
	}
	return a, cmd
}

func (a *App) startSpinner() tea.Cmd {
	a.spinning = true
	return a.d.Tick(spinFPS, func(time.Time) tea.Msg { return spinMsg{} })
}

// update is Update's type switch, delegating to named handlers.
func (a *App) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return a.handleResize(msg)
	case tea.BackgroundColorMsg:
		return a.handleBackground(msg)
	case tea.KeyPressMsg:
		a.unseen = 0 // the agent is here
		return a.routeInput(msg)
	case tea.PasteMsg:
		return a.routeInput(msg)
	case dialogMsg:
		return a.handleDialogMsg(msg)
	case listLoadedMsg:
		return a.handleListLoaded(msg)
	case sidebarLoadedMsg:
		return a.handleSidebarLoaded(msg)
	case threadLoadedMsg:
		return a.handleThreadLoaded(msg)
	case draftLoadedMsg:
		return a.handleDraftLoaded(msg)
	case changesMsg:
		return tea.Batch(a.handleChanges(msg), a.identityChanged(msg))
	case identityLoadedMsg:
		return a.handleIdentityLoaded(msg)
	case replyQueuedMsg:
		return a.handleReplyQueued(msg)
	case placeLoadedMsg:
		return a.handlePlaceLoaded(msg)
	case placeConvMsg:
		return a.handlePlaceConv(msg)
	case placeSaveMsg:
		return a.writePlace()
	case frameDueMsg:
		a.tickPending = false // and View draws the keys typed since the last frame
		return nil
	case fileSavedMsg:
		return a.handleFileSaved(msg)
	case fileOpenedMsg:
		return a.handleFileOpened(msg)
	case actionDoneMsg:
		return a.handleActionDone(msg)
	case bulkMsg:
		return a.handleBulk(msg)
	case bulkSnoozedMsg: // snooze.go
		return a.handleBulkSnoozed(msg)
	case unsnoozedMsg: // snooze.go
		return a.handleUnsnoozed(msg)
	case previewDueMsg:
		return a.handlePreviewDue(msg)
	case tea.MouseClickMsg:
		return a.handleClick(msg.Mouse())
	case tea.MouseWheelMsg:
		return a.handleWheel(msg.Mouse())
	case actionProgressMsg:
		return a.handleActionProgress(msg)
	case olderLoadedMsg:
		return a.handleOlderLoaded(msg)
	case editorDoneMsg:
		return a.handleEditorDone(msg)
	case conversationStartedMsg:
		return a.handleConversationStarted(msg)
	case minuteMsg:
		return tea.Batch(a.handleMinute(), a.hookMinute()) // hooks.go
	case labelReadMsg:
		return a.handleLabelRead(msg)
	case flashExpiredMsg:
		if msg.id == a.flashSeq {
			a.bar.flash = ""
		}
		return nil
	case questionsLoadedMsg:
		return a.handleQuestions(msg)
	case retriedMsg: // failed.go
		return a.handleRetried(msg)
	case collisionCheckedMsg: // sendguard.go
		return a.handleCollisionChecked(msg)
	case spinMsg:
		return a.handleSpin()
	case nextUnreadMsg: // unread.go
		return a.handleNextUnread(msg)
	case markedUnreadMsg:
		return a.handleMarkedUnread(msg)
	case hookSeededMsg: // hooks.go
		return a.handleHookSeeded(msg)
	case hookFactsMsg:
		return a.handleHookFacts(msg)
	case hookClosingMsg:
		return a.handleHookClosing(msg)
	case hookDoneMsg:
		return a.handleHookDone(msg)
	case draftsFlushedMsg: // the rows show the drafts
		return a.reloadList(a.list.Following())
	}
	if a.focus == focusComposer {
		return a.comp.Update(msg) // the textarea's own messages (cursor blink)
	}
	return nil
}

// View draws the frame. Before the first size, a loading frame.
func (a *App) View() tea.View {
	if v, ok := a.owedView(); ok {
		return v
	}
	var content string
	switch {
	case !a.ready:
		content = "Loading mbx…"
	case a.width < minWidth || a.height < minHeight:
		content = fmt.Sprintf("mbx needs at least %dx%d; this terminal is %dx%d.", minWidth, minHeight, a.width, a.height)
	default:
		body := a.body()
		if box := a.dialogView(); box != "" {
			body = a.over(body, box)
		}
		content = lipgloss.JoinVertical(lipgloss.Left, body, a.barView())
	}
	v := tea.NewView(content)
	v.AltScreen = true
	if a.d.Mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	v.WindowTitle = "mbx — " + line(a.d.Account)
	if a.unseen > 0 {
		v.WindowTitle = fmt.Sprintf("mbx (%d new) — %s", a.unseen, line(a.d.Account))
	}
	if a.focus == focusComposer && len(a.dialogs) == 0 && a.ready {
		v.Cursor = a.composerCursor()
	}
	return a.drawn(v)
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

// SwitchTo is the account the agent chose to switch to when the program
// ended, "" when they quit. main then opens that account's inbox.
func (a *App) SwitchTo() string { return a.switchTo }

// escThenKey reads an alt+key that no binding takes as what the agent
// typed: esc, then the key. A terminal sends alt+key as ESC and the key,
// so esc typed quickly before a key (or esc twice), or sent in one burst
// over SSH, arrives as alt+key; taken literally, "esc esc enter" in the
// composer would be alt+esc (nothing) and then enter (send).
func escThenKey(msg tea.Msg, km KeyMap) (esc, k tea.KeyPressMsg, ok bool) {
	p, isKey := msg.(tea.KeyPressMsg)
	if !isKey || p.Mod&tea.ModAlt == 0 || p.Mod&^(tea.ModAlt|tea.ModShift) != 0 || km.bindsKey(p.String()) {
		return esc, k, false
	}
	k = p
	k.Mod &^= tea.ModAlt
	if k.Text == "" && k.Code >= ' ' && k.Code < tea.KeyExtended && unicode.IsPrint(k.Code) {
		k.Text = string(k.Code)
		if k.Mod&tea.ModShift != 0 && k.ShiftedCode != 0 {
			k.Text = string(k.ShiftedCode)
		}
	}
	return tea.KeyPressMsg{Code: tea.KeyEscape}, k, true
}
