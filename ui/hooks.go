package ui

import (
	"context"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Hook events: the [hooks] settings of the config file.
const (
	HookInbound       = "on_inbound"     // a customer message came in
	HookAssigned      = "on_assigned"    // a conversation was assigned to the agent
	HookWindowClosing = "window_closing" // a window waiting on us closes soon
	HookSendFailed    = "send_failed"    // a reply failed
)

// HookEvent is what a hook's command reads on its stdin, as one line of
// JSON. Every text in it passed the sanitizer; nothing of it is ever on
// the command line.
type HookEvent struct {
	Event          string     `json:"event"`
	ConversationID string     `json:"conversation_id"`
	Contact        string     `json:"contact"`
	Number         string     `json:"number"`
	Text           string     `json:"text"`
	Assignee       string     `json:"assignee"`                 // the user's name, else their id; "" unassigned
	WindowClosesAt *time.Time `json:"window_closes_at"`         // null: closed
	Reason         string     `json:"reason,omitempty"`         // send_failed: why, in words
	Time           time.Time  `json:"time"`                     // when mbx saw it
	Account        string     `json:"account_id,omitempty"`     // the WhatsApp number's account
	LocalID        string     `json:"reply_local_id,omitempty"` // send_failed: the reply's local id
}

// Hooks runs the config's commands (main's hooks.go: os/exec with a
// timeout, at most a few at once). The UI calls Run from commands only.
type Hooks interface {
	// Wants reports whether the event has a command.
	Wants(event string) bool
	// WindowClosing is how long before a window closes window_closing
	// fires.
	WindowClosing() time.Duration
	// Run runs the event's command with ev on stdin and waits for it;
	// the error says in words what went wrong (not found, exit status,
	// timeout, too many running). It logs what it ran.
	Run(ctx context.Context, ev HookEvent) error
}

// hookState is what the hooks and the desktop notifications remember
// between events: which conversations are the agent's (to tell an
// assignment), which replies had failed, which windows were told of.
type hookState struct {
	seeded  bool
	seeding bool
	me      string // who the agent was at the seed
	// known: the inbox's conversations, true for the agent's. One that
	// comes later (the first sync's history) is recorded, not announced.
	known map[string]bool
	// Conversations whose assignee the store has not learned yet: when
	// it does (the first sync's metadata), that is no assignment.
	unknown map[string]bool
	failed  map[string]bool      // failed replies already told of, by local id
	closing map[string]time.Time // conversation → the window end told of
	limiter notifyLimiter        // desktop notifications (desktop.go)
}

// hooksWanted: something listens to the conversations' events.
func (a *App) hooksWanted() bool { return a.d.Hooks != nil || a.desktopOn() }

// hookSeededMsg: what was true when the engine first came online.
type hookSeededMsg struct {
	me      string
	known   map[string]bool
	unknown []string
	failed  []string
}

// hookFactsMsg: the conversations a change named, read from the store.
type hookFactsMsg struct {
	me      string
	inbound []state.Conversation
	changed []state.Conversation
	failed  []state.OutboxItem
	outbox  bool // failed was read
	names   map[string]string
	said    map[string]string // inbound: the customer's last message, whole
}

// hookClosingMsg: the conversations waiting on us whose window closes
// within the hooks' lead time.
type hookClosingMsg struct {
	convs []state.Conversation
	names map[string]string
	now   time.Time
}

// hookDoneMsg: a hook's command ended.
type hookDoneMsg struct {
	event string
	err   error
}

// maxHookConvs bounds the conversations one change reads for hooks;
// maxHookUnknown the conversations without an assignee yet read at the
// start (the newest: the engine learns theirs first).
const (
	maxHookConvs   = 200
	maxHookUnknown = 5000
)

// hookChanges is handleChanges' part for the hooks and the desktop
// notifications: seed once live, then read what the change named.
func (a *App) hookChanges(ch state.Changes, wasLive bool) tea.Cmd {
	if !a.hooksWanted() || !a.live {
		return nil
	}
	var cmds []tea.Cmd
	if !a.hk.seeded && !a.hk.seeding {
		a.hk.seeding = true
		cmds = append(cmds, hookSeedCmd(a.core))
	}
	var inbound, changed []string
	if wasLive {
		for id := range ch.Inbound {
			inbound = append(inbound, id)
		}
	}
	if a.hk.seeded {
		for id := range ch.Conversations {
			if _, ok := ch.Inbound[id]; !ok || !wasLive {
				changed = append(changed, id)
			}
		}
	}
	outbox := ch.Outbox && a.hk.seeded && a.d.Hooks != nil && a.d.Hooks.Wants(HookSendFailed)
	if len(inbound)+len(changed) > 0 || outbox {
		cmds = append(cmds, hookFactsCmd(a.core, inbound, changed, outbox))
	}
	return tea.Batch(cmds...)
}

// hookSeedCmd reads the agent's inbox conversations and the failed
// replies: neither is news.
func hookSeedCmd(core Core) tea.Cmd {
	return func() tea.Msg {
		m := hookSeededMsg{me: core.Me()}
		refs, _ := core.ViewMarkRefs(state.View{})
		m.known = make(map[string]bool, len(refs))
		for _, r := range refs {
			m.known[r.ID] = m.me != "" && r.UserID == m.me
		}
		// Not learned yet shows as nobody's.
		convs, _ := core.ListConversations(state.View{Unassigned: true}, 0, maxHookUnknown)
		for _, c := range convs {
			if !c.MetaKnown {
				m.unknown = append(m.unknown, c.ID)
			}
		}
		failed, _ := core.FailedReplies("")
		for _, it := range failed {
			m.failed = append(m.failed, it.LocalID)
		}
		return m
	}
}

func hookFactsCmd(core Core, inbound, changed []string, outbox bool) tea.Cmd {
	return func() tea.Msg {
		m := hookFactsMsg{me: core.Me(), outbox: outbox, names: userNames(core)}
		read := func(ids []string) []state.Conversation {
			var out []state.Conversation
			for _, id := range ids[:min(len(ids), maxHookConvs)] {
				if c, ok, err := core.Conversation(id); ok && err == nil {
					out = append(out, c)
				}
			}
			return out
		}
		m.inbound, m.changed = read(inbound), read(changed)
		m.said = map[string]string{}
		for _, c := range m.inbound {
			msgs, _ := core.Thread(c.ID, time.Time{}, 5)
			if i := slices.IndexFunc(msgs, func(msg state.Message) bool { return msg.Direction == state.Inbound }); i >= 0 {
				m.said[c.ID] = msgs[i].Body
			}
		}
		if outbox {
			m.failed, _ = core.FailedReplies("")
		}
		return m
	}
}

func hookClosingCmd(core Core, now time.Time, lead time.Duration) tea.Cmd {
	return func() tea.Msg {
		convs, _ := core.ListConversations(state.View{ClosingSoon: true, Now: now}, 0, maxHookConvs)
		m := hookClosingMsg{now: now, names: userNames(core)}
		for _, c := range convs {
			if left := c.WindowExpiry().Sub(now); left > 0 && left <= lead {
				m.convs = append(m.convs, c)
			}
		}
		return m
	}
}

func userNames(core Core) map[string]string {
	users, _ := core.Users()
	names := make(map[string]string, len(users))
	for _, u := range users {
		names[u.ID] = u.Name()
	}
	return names
}

func (a *App) handleHookSeeded(m hookSeededMsg) tea.Cmd {
	a.hk.seeding, a.hk.seeded, a.hk.me = false, true, m.me
	a.hk.known = m.known
	a.hk.unknown = map[string]bool{}
	for _, id := range m.unknown {
		a.hk.unknown[id] = true
	}
	a.hk.failed = map[string]bool{}
	for _, id := range m.failed {
		a.hk.failed[id] = true
	}
	return nil
}

func (a *App) handleHookFacts(m hookFactsMsg) tea.Cmd {
	now := a.d.Now()
	var cmds []tea.Cmd
	for _, c := range m.inbound {
		said, ok := m.said[c.ID]
		if !ok {
			said = c.Preview
		}
		ev := ConversationEvent(HookInbound, c, m.names, now)
		ev.Text = state.Sanitize(said) // whole, not the one-line preview
		cmds = append(cmds, a.runHook(ev))
		if a.inView(c.ID) {
			continue
		}
		if c.UserID == "" && c.TeamID == "" || m.me != "" && c.UserID == m.me {
			cmds = append(cmds, a.desktopNotify(c.ID, "New message from "+c.Label(), said))
		}
	}
	if a.hk.seeded && m.me != a.hk.me { // who the agent is became known: seed again
		a.hk.seeded, a.hk.seeding = false, true
		cmds = append(cmds, hookSeedCmd(a.core))
	}
	if a.hk.seeded {
		for _, c := range append(m.changed, m.inbound...) {
			mine := m.me != "" && c.UserID == m.me && (c.Folder == "" || c.Folder == state.FolderInbox)
			learned := a.hk.unknown[c.ID] || !c.MetaKnown // the store learns, nobody assigned
			if c.MetaKnown {
				delete(a.hk.unknown, c.ID)
			} else {
				a.hk.unknown[c.ID] = true
			}
			was, seen := a.hk.known[c.ID]
			if mine && seen && !was && !learned {
				cmds = append(cmds, a.runHook(ConversationEvent(HookAssigned, c, m.names, now)))
				cmds = append(cmds, a.desktopNotify(c.ID, "Assigned to you: "+c.Label(), c.Preview))
			}
			if c.Folder == "" || c.Folder == state.FolderInbox {
				a.hk.known[c.ID] = mine
			} else {
				delete(a.hk.known, c.ID)
			}
		}
	}
	if m.outbox {
		now := map[string]bool{}
		for _, it := range m.failed {
			now[it.LocalID] = true
			if a.hk.failed[it.LocalID] {
				continue
			}
			ev := HookEvent{Event: HookSendFailed, ConversationID: it.ConversationID, Account: it.AccountID,
				Text: state.Sanitize(it.Body), Reason: line(it.Reason), LocalID: it.LocalID, Time: a.d.Now()}
			cmds = append(cmds, a.runHook(ev))
		}
		a.hk.failed = now
	}
	return tea.Batch(cmds...)
}

// hookOwnAssignment: conversations the agent assigns to themselves are
// not announced to them (no on_assigned, no desktop notification).
func (a *App) hookOwnAssignment(ids []string, ch state.Change) {
	if !a.hk.seeded || ch.UserID == "" || ch.UserID != a.core.Me() {
		return
	}
	for _, id := range ids {
		a.hk.known[id] = true
	}
}

// inView: the agent is in the conversation (no desktop notification).
func (a *App) inView(id string) bool {
	return id == a.thread.conv.ID && (a.focus == focusThread || a.focus == focusComposer)
}

// hookMinute is handleMinute's part: the windows about to close, once
// each.
func (a *App) hookMinute() tea.Cmd {
	if a.d.Hooks == nil || !a.d.Hooks.Wants(HookWindowClosing) {
		return nil
	}
	return hookClosingCmd(a.core, a.d.Now(), a.d.Hooks.WindowClosing())
}

func (a *App) handleHookClosing(m hookClosingMsg) tea.Cmd {
	if a.hk.closing == nil {
		a.hk.closing = map[string]time.Time{}
	}
	for id, end := range a.hk.closing { // windows gone: forget them
		if !end.After(m.now) {
			delete(a.hk.closing, id)
		}
	}
	var cmds []tea.Cmd
	for _, c := range m.convs {
		end := c.WindowExpiry()
		if told, ok := a.hk.closing[c.ID]; ok && told.Equal(end) {
			continue
		}
		a.hk.closing[c.ID] = end
		cmds = append(cmds, a.runHook(ConversationEvent(HookWindowClosing, c, m.names, m.now)))
	}
	return tea.Batch(cmds...)
}

// ConversationEvent is the event a hook gets for a conversation (the UI
// builds each with it), every text sanitized; names are the users' names
// by id.
func ConversationEvent(event string, c state.Conversation, names map[string]string, now time.Time) HookEvent {
	ev := HookEvent{Event: event, ConversationID: c.ID, Account: c.AccountID, Contact: line(c.ContactName),
		Number: line(c.ContactNumber), Text: state.Sanitize(c.Preview), Time: now}
	if c.UserID != "" {
		ev.Assignee = c.UserID
		if n := names[c.UserID]; n != "" {
			ev.Assignee = line(n)
		}
	}
	if end := c.WindowExpiry(); end.After(now) {
		ev.WindowClosesAt = &end
	}
	return ev
}

// runHook runs ev's command in a command of its own, never in Update.
func (a *App) runHook(ev HookEvent) tea.Cmd {
	h := a.d.Hooks
	if h == nil || !h.Wants(ev.Event) {
		return nil
	}
	ctx := a.ctx
	return func() tea.Msg { return hookDoneMsg{event: ev.Event, err: h.Run(ctx, ev)} }
}

func (a *App) handleHookDone(m hookDoneMsg) tea.Cmd {
	if m.err == nil {
		return nil
	}
	return a.flash(line(m.err.Error()), true)
}
