package ui

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Who the agent is, when the platform cannot tell (state.Identity.Ask):
// the inbox asks once, with the "Which of these is you?" picker, as soon
// as the agent is not typing or in a dialog; until they answer, the
// status bar says what is missing and which key answers (the Mine key),
// and the Mine and assign-to-me keys open the picker first and then do
// what they were pressed for. The answer is remembered for the account
// (state.ChooseMe); the config file's user_id wins over it.

// whoState is what the inbox knows of who the agent is.
type whoState struct {
	id    state.Identity
	asked bool // the picker opened by itself once this run
}

// whoThen is what the agent was doing when asked: what follows the answer.
type whoThen int

const (
	whoAsked      whoThen = iota // the inbox asked by itself
	whoThenMine                  // the Mine key: show Mine
	whoThenAssign                // assign to me: assign the targets
)

// identityLoadedMsg is who the agent is, as state says.
type identityLoadedMsg struct {
	id  state.Identity
	err error
}

// whoLoadedMsg is the users to choose from, for the picker.
type whoLoadedMsg struct {
	users []state.User
	me    string
	err   error
}

// meSavedMsg is ChooseMe's answer, for the picker.
type meSavedMsg struct{ err error }

// chooseMe: the agent said which user they are (the picker's action);
// meChosen: it is recorded, the picker closes and what was asked goes on.
type (
	chooseMe struct{ user state.User }
	meChosen struct {
		user state.User
		then whoThen
		ids  []string
	}
)

func loadIdentityCmd(core Core) tea.Cmd {
	return func() tea.Msg {
		id, err := core.Identity()
		return identityLoadedMsg{id: id, err: err}
	}
}

func loadWhoCmd(core Core) tea.Cmd {
	return func() tea.Msg {
		users, err := core.Users()
		return whoLoadedMsg{users: users, me: core.Me(), err: err}
	}
}

func chooseMeCmd(core Core, userID string) tea.Cmd {
	return func() tea.Msg { return meSavedMsg{err: core.ChooseMe(userID)} }
}

func (a *App) reloadIdentity() tea.Cmd { return loadIdentityCmd(a.core) }

// identityChanged reloads who the agent is after changes that may have
// moved it (reference data, a login, an answer).
func (a *App) identityChanged(m changesMsg) tea.Cmd {
	if !m.ok || !m.changes.Reference && !m.changes.Connection {
		return nil
	}
	return a.reloadIdentity()
}

func (a *App) handleIdentityLoaded(m identityLoadedMsg) tea.Cmd {
	if m.err != nil {
		return a.flash("cannot read who you are: "+m.err.Error(), true)
	}
	a.who.id = m.id
	return a.askWho()
}

// askWho opens the picker by itself, once a run, when state says to ask
// and the agent is free: never over a dialog, nor while they type a
// reply (their keys would go into the picker's filter). The status bar
// says meanwhile.
func (a *App) askWho() tea.Cmd {
	if !a.who.id.Ask || a.who.id.Known() || a.who.asked || len(a.dialogs) > 0 ||
		a.focus == focusComposer || a.comp.sending != "" || !a.keys.Mine.Enabled() {
		return nil
	}
	a.who.asked = true
	return a.openWho(whoAsked, nil)
}

// whoFirst is the Mine and assign-to-me keys while mbx does not know who
// the agent is: the picker, then what the key was pressed for.
func (a *App) whoFirst(then whoThen) tea.Cmd {
	var ids []string
	if then == whoThenAssign {
		if ids = a.targets(); len(ids) == 0 {
			return a.flash("Nothing selected", true)
		}
	}
	return a.openWho(then, ids)
}

func (a *App) openWho(then whoThen, ids []string) tea.Cmd {
	return a.push(newWhoPicker(a.keys, then, ids), func(id int) tea.Cmd { return to(id, loadWhoCmd(a.core)) })
}

// whoNote is the status bar's words while something about who the agent
// is is missing or wrong; "" otherwise.
func (a *App) whoNote() string {
	switch {
	case a.who.id.Problem != "":
		return a.who.id.Problem
	case a.who.id.Ask && !a.who.id.Known():
		return "mbx does not know which user you are: press " + keyName(a.keys.Mine) + " to choose"
	}
	return ""
}

// barView is the status bar with whoNote in place of the short help while
// nothing more pressing (a flash, a bulk action, marks) is shown.
func (a *App) barView() string {
	b := a.bar
	if note := a.whoNote(); note != "" && b.flash == "" && b.busy == "" && len(a.list.marked) == 0 {
		b.flash, b.isError = note, true
	}
	var hints []key.Binding
	if a.focus == focusComposer { // the composer's keys while writing: others type text there
		k := a.keys
		hints = []key.Binding{k.Send, k.Newline, k.LeaveComposer, k.ComposerHelp, k.SavedResponse, k.Attach, k.Editor}
	} else if a.focus == focusThread { // the way back first: in one pane it is the only way to the list
		k := a.keys
		hints = []key.Binding{k.Back, k.Reply, k.Template, k.Assign, k.MoveArchive, k.Help, k.Search, k.Quit}
	}
	return b.View(a.st, a.keys, a.d.Now(), len(a.list.marked), hints)
}

// handleMeChosen goes on with what the agent was doing once they said who
// they are: Mine shows at once (the sidebar gains it before its counts
// are read again), an assignment starts.
func (a *App) handleMeChosen(act meChosen) tea.Cmd {
	a.who.id = state.Identity{UserID: act.user.ID, Source: state.IdentityChosen}
	entries := sidebarEntries(nil, act.user.ID, a.caps, a.d.Sections)
	for _, e := range a.side.entries {
		if strings.HasPrefix(e.key, "team:") {
			entries = append(entries, e)
		}
	}
	a.side.SetEntries(entries, a.side.counts, a.side.viewCounts)
	a.side.Activate(a.side.active)
	name := act.user.Name()
	if name == "" {
		name = act.user.ID
	}
	cmds := []tea.Cmd{a.reloadSidebar(), a.reloadIdentity()}
	switch act.then {
	case whoThenMine:
		cmds = append(cmds, a.showEntry("mine"), a.flash("You are "+line(name)+": Mine lists your conversations (remembered for this account)", false))
	case whoThenAssign:
		cmds = append(cmds, a.applyTo(act.ids, state.Change{UserID: act.user.ID}, "you", "assigning"))
	default:
		cmds = append(cmds, a.flash("You are "+line(name)+" (remembered for this account): "+keyName(a.keys.Mine)+" lists your conversations", false))
	}
	return tea.Batch(cmds...)
}

// whoPicker asks "Which of these is you?": the account's users,
// fuzzy-filtered. Choosing records the answer (waiting for it, keys kept)
// and then closes; closing says where to answer later.
type whoPicker struct {
	km      KeyMap
	then    whoThen
	ids     []string // the conversations to assign afterwards (whoThenAssign)
	users   []state.User
	list    pickList
	loading bool
	saving  bool
	chosen  state.User
}

func newWhoPicker(km KeyMap, then whoThen, ids []string) *whoPicker {
	p := &whoPicker{km: km, then: then, ids: ids, list: newPickList("You are: ", "type your name"), loading: true}
	p.list.input.Focus()
	return p
}

func (p *whoPicker) Waiting() (bool, bool) { return p.loading || p.saving, p.loading }
func (p *whoPicker) Bounds() (int, int)    { return 70, 24 }

func (p *whoPicker) set(m whoLoadedMsg) {
	p.loading = false
	p.users = slices.Clone(m.users)
	slices.SortStableFunc(p.users, func(a, b state.User) int {
		return strings.Compare(strings.ToLower(a.Name()), strings.ToLower(b.Name()))
	})
	items := make([]pickItem, len(p.users))
	for i, u := range p.users {
		name := u.Name()
		if name == "" {
			name = u.ID
		}
		items[i] = pickItem{title: name, detail: u.ID, current: u.ID == m.me}
	}
	p.list.SetItems(items)
}

// Update takes the users when read, keys, and the answer to the choice.
func (p *whoPicker) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case whoLoadedMsg:
		switch {
		case m.err != nil:
			return nil, closeDialog{flash: "cannot read this account's users: " + m.err.Error(), isErr: true}
		case len(m.users) == 0:
			return nil, closeDialog{flash: "mbx does not know which user you are and has no list of users yet: " +
				keyName(p.km.Sync) + " syncs it, then " + keyName(p.km.Mine) + " lets you choose", isErr: true}
		}
		p.set(m)
	case meSavedMsg:
		p.saving = false
		if m.err != nil {
			return nil, closeDialog{flash: m.err.Error(), isErr: true}
		}
		return nil, meChosen{user: p.chosen, then: p.then, ids: p.ids}
	case tea.PasteMsg:
		p.list.Paste(m.Content)
	case tea.KeyPressMsg:
		if key.Matches(m, p.km.Close) {
			return nil, closeDialog{flash: "mbx does not know which user you are: press " + keyName(p.km.Mine) + " to choose", isErr: true}
		}
		return p.list.Key(m, p.km, func(i int) action {
			p.saving, p.chosen = true, p.users[i]
			return chooseMe{user: p.users[i]}
		})
	}
	return nil, nil
}

func (p *whoPicker) View(v viewCtx) string {
	st, w, h := v.st, v.w, v.h
	inner := w - 4
	why := "The platform does not say which of its users you are. Choose yourself once: mbx remembers it for this account."
	switch p.then {
	case whoThenMine:
		why = "Mine needs to know which user you are, and the platform does not say. Choose yourself once: mbx remembers it."
	case whoThenAssign:
		why = "To assign to you, mbx needs to know which user you are, and the platform does not say. Choose yourself, then it assigns."
	}
	lines := []string{st.title.Render("Which of these is you?")}
	for _, l := range wrap(why, inner) {
		lines = append(lines, st.muted.Render(l))
	}
	if h >= 12 {
		lines = append(lines, "")
	}
	footer := st.muted.Render(hint([]key.Binding{p.km.PickerUp, p.km.PickerDown}, "move", p.km.Choose, "that's me", p.km.Close, "not now") + "   ● current")
	switch {
	case p.loading:
		lines = append(lines, loadingLines(st, "the users")...)
	case p.saving:
		lines = append(lines, st.muted.Render("Remembering it…"))
	default:
		lines = append(lines, p.list.Lines(st, inner, max(2, h-2-len(lines)-1))...)
	}
	lines = append(lines[:min(len(lines), max(1, h-3))], footer)
	return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
}
