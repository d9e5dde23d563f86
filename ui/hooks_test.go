package ui

import (
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

var hookNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// hostileName has an OSC title change, a bell, a bidi override and a
// semicolon that would split an OSC 777 notification.
const hostileName = "Eve\x1b]0;pwn\a\u202egnp;x\x9b31m"

// recHooks records the events it is asked to run; block, when set, holds
// every run until it is closed (or the command's context ends).
type recHooks struct {
	mu      sync.Mutex
	events  []HookEvent
	started chan HookEvent
	block   chan struct{}
	lead    time.Duration
}

func (h *recHooks) Wants(string) bool            { return true }
func (h *recHooks) WindowClosing() time.Duration { return h.lead }
func (h *recHooks) Run(ctx context.Context, ev HookEvent) error {
	h.mu.Lock()
	h.events = append(h.events, ev)
	h.mu.Unlock()
	if h.started != nil {
		h.started <- ev
	}
	if h.block != nil {
		select {
		case <-h.block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func (h *recHooks) got() []HookEvent {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.events
	h.events = nil
	return out
}

// hookApp is an inbox of agent u1, online, with three conversations: c1
// theirs (from a hostile name, its window closing in 20 minutes), c2
// another agent's, c3 nobody's, c4 whose assignee is not known yet.
func hookApp(t *testing.T, h Hooks, desktop string) (*App, *state.Store) {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "h.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.ReplaceUsers([]state.User{{ID: "u1", FirstName: "Ana", LastName: "\u202eLopez"}, {ID: "u2", FirstName: "Ben"}}))
	_, err = st.ApplyMessages(state.Batch{
		Contacts: []state.Contact{{ID: "k1", AccountID: "a1", Name: hostileName, Number: "+34600\x1b[2J000001"},
			{ID: "k2", AccountID: "a1", Name: "Bob", Number: "+34600000002"},
			{ID: "k3", AccountID: "a1", Name: "Cleo", Number: "+34600000003"}},
		Messages: []state.Message{
			{ID: "m1", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Direction: state.Inbound,
				Body: "pay \x1b[8mhidden\x1b[0m now\u2066!\nsecond line", Time: hookNow.Add(-23*time.Hour - 40*time.Minute)},
			{ID: "m2", ConversationID: "c2", AccountID: "a1", ContactID: "k2", Direction: state.Inbound, Body: "hello", Time: hookNow.Add(-time.Hour)},
			{ID: "m3", ConversationID: "c3", AccountID: "a1", ContactID: "k3", Direction: state.Inbound, Body: "hi there", Time: hookNow.Add(-time.Hour)},
			{ID: "m4", ConversationID: "c4", AccountID: "a1", ContactID: "k3", Direction: state.Inbound, Body: "and c4", Time: hookNow.Add(-2 * time.Hour)},
		},
	}, hookNow)
	must(err)
	_, err = st.SetConversationMeta("c1", state.FolderInbox, "u1", "")
	must(err)
	_, err = st.SetConversationMeta("c2", state.FolderInbox, "u2", "")
	must(err)
	_, err = st.SetConversationMeta("c3", state.FolderInbox, "", "")
	must(err) // c4's assignee is not known yet
	// A reply that failed before the start is not news.
	must(st.Enqueue(state.OutboxItem{LocalID: "L0", ConversationID: "c2", AccountID: "a1", ContactID: "k2", Body: "old",
		Created: hookNow.Add(-time.Hour)}, state.Message{}))
	must(st.FailOutbox("L0", "refused"))
	eng := state.NewEngine(st, coreOnly{}, state.Config{Now: func() time.Time { return hookNow }})
	eng.SetMe("u1")
	a := New(Deps{Core: state.NewService(st, eng), Account: "work", Hooks: h, Desktop: desktop,
		Now:  func() time.Time { return hookNow },
		Tick: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
	}, testKeys())
	t.Cleanup(a.Close)
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	a.live = true
	drive(a, a.hookChanges(state.Changes{}, true)) // what is true at the start
	if a.hooksWanted() != a.hk.seeded {
		t.Fatal("not seeded")
	}
	return a, st
}

// driveRaw is drive, returning the raw terminal output asked for.
func driveRaw(a *App, cmd tea.Cmd) string {
	var raw strings.Builder
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0 && n < 1000; n++ {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.RawMsg:
			raw.WriteString(msg.Msg.(string))
		default:
			_, next := a.Update(msg)
			queue = append(queue, next)
		}
	}
	return raw.String()
}

func changed(ids ...string) changesMsg {
	m := map[string]struct{}{}
	for _, id := range ids {
		m[id] = struct{}{}
	}
	return changesMsg{ok: true, changes: state.Changes{Conversations: m}}
}

// A slow hook never holds a frame: Update only returns commands, the
// hook runs in one of them, and while it runs keys are handled and
// frames drawn.
func TestSlowHookDoesNotBlockUpdate(t *testing.T) {
	h := &recHooks{started: make(chan HookEvent, 8), block: make(chan struct{})}
	a, _ := hookApp(t, h, "")
	_, cmd := a.Update(inbound("c1"))
	if len(h.started) != 0 {
		t.Fatal("Update ran the hook itself")
	}
	// The command reads the conversation; its answer's Update starts
	// the hook in a command of its own.
	var facts hookFactsMsg
	for _, m := range runAll(cmd) {
		if f, ok := m.(hookFactsMsg); ok {
			facts = f
		}
	}
	if len(facts.inbound) != 1 {
		t.Fatalf("facts: %+v", facts)
	}
	_, cmd = a.Update(facts)
	if len(h.started) != 0 {
		t.Fatal("Update ran the hook itself")
	}
	done := make(chan tea.Msg, 8)
	spawn(cmd, done)
	ev := <-h.started // the hook runs, and blocks
	if ev.Event != HookInbound || ev.ConversationID != "c1" {
		t.Fatalf("event %+v", ev)
	}
	a.Update(tea.KeyPressMsg{Code: 'j', Text: "j"}) // while it runs
	if v := a.View(); !strings.Contains(v.Content, "work") {
		t.Fatalf("no frame while the hook runs:\n%s", v.Content)
	}
	close(h.block)
	for m := range done {
		if d, ok := m.(hookDoneMsg); ok {
			if d.err != nil || d.event != HookInbound {
				t.Fatalf("done %+v", d)
			}
			a.Update(d)
			break
		}
	}
}

// spawn runs a command and its batches each in a goroutine, as Bubble
// Tea does, sending their messages to out.
func spawn(cmd tea.Cmd, out chan<- tea.Msg) {
	if cmd == nil {
		return
	}
	go func() {
		switch m := cmd().(type) {
		case tea.BatchMsg:
			for _, c := range m {
				spawn(c, out)
			}
		case nil:
		default:
			out <- m
		}
	}()
}

// Every text of an event passed the sanitizer: no escape, bell, C1 or
// bidi control reaches a hook.
func TestHookEventSanitized(t *testing.T) {
	h := &recHooks{}
	a, _ := hookApp(t, h, "")
	drive(a, func() tea.Msg { return inbound("c1") })
	evs := h.got()
	if len(evs) != 1 {
		t.Fatalf("events %+v", evs)
	}
	ev := evs[0]
	for field, s := range map[string]string{"contact": ev.Contact, "number": ev.Number, "text": ev.Text, "assignee": ev.Assignee} {
		if strings.ContainsAny(s, "\x1b\a\u009b\u202e\u2066") {
			t.Errorf("%s = %q: a control survived", field, s)
		}
	}
	if !strings.Contains(ev.Contact, "␛]0,pwn␇") && !strings.Contains(ev.Contact, "␛]0;pwn␇") {
		t.Errorf("contact = %q: the escape should show, inert", ev.Contact)
	}
	if ev.Text != "pay ␛[8mhidden␛[0m now!\nsecond line" {
		t.Errorf("text = %q: want the whole message, sanitized", ev.Text)
	}
	if ev.Assignee != "Ana Lopez" || ev.WindowClosesAt == nil || !ev.WindowClosesAt.Equal(hookNow.Add(20*time.Minute)) {
		t.Errorf("assignee %q, window %v", ev.Assignee, ev.WindowClosesAt)
	}
}

// Which events fire, once each.
func TestHookEvents(t *testing.T) {
	type step struct {
		name   string
		do     func(t *testing.T, a *App, st *state.Store) tea.Msg
		events []string // event:conversation
		raw    int      // desktop notifications
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{name: "inbound: a hook each; the desktop for mine and nobody's", steps: []step{
			{name: "mine", do: func(*testing.T, *App, *state.Store) tea.Msg { return inbound("c1") }, events: []string{"on_inbound:c1"}, raw: 1},
			{name: "another's", do: func(*testing.T, *App, *state.Store) tea.Msg { return inbound("c2") }, events: []string{"on_inbound:c2"}},
			{name: "nobody's", do: func(*testing.T, *App, *state.Store) tea.Msg { return inbound("c3") }, events: []string{"on_inbound:c3"}, raw: 1},
			{name: "mine again within the minute", do: func(*testing.T, *App, *state.Store) tea.Msg { return inbound("c1") }, events: []string{"on_inbound:c1"}},
		}},
		{name: "assigned to me, once", steps: []step{
			{name: "mine already: a change is not an assignment", do: func(*testing.T, *App, *state.Store) tea.Msg { return changed("c1") }},
			{name: "c3 to me", do: func(t *testing.T, _ *App, st *state.Store) tea.Msg {
				if _, err := st.SetConversationMeta("c3", state.FolderInbox, "u1", ""); err != nil {
					t.Fatal(err)
				}
				return changed("c3")
			}, events: []string{"on_assigned:c3"}, raw: 1},
			{name: "c4's assignee learned: me, but nobody assigned it", do: func(t *testing.T, _ *App, st *state.Store) tea.Msg {
				if _, err := st.SetConversationMeta("c4", state.FolderInbox, "u1", ""); err != nil {
					t.Fatal(err)
				}
				return changed("c4")
			}},
			{name: "c5 comes with the history, mine: not news", do: func(t *testing.T, _ *App, st *state.Store) tea.Msg {
				if _, err := st.ApplyMessages(state.Batch{Messages: []state.Message{{ID: "m5", ConversationID: "c5", AccountID: "a1", ContactID: "k3",
					Direction: state.Inbound, Body: "old", Time: hookNow.Add(-3 * time.Hour)}}}, hookNow); err != nil {
					t.Fatal(err)
				}
				if _, err := st.SetConversationMeta("c5", state.FolderInbox, "u1", ""); err != nil {
					t.Fatal(err)
				}
				return changed("c5")
			}},
			{name: "c3 changes again", do: func(*testing.T, *App, *state.Store) tea.Msg { return changed("c3") }},
			{name: "c2 to another", do: func(t *testing.T, _ *App, st *state.Store) tea.Msg {
				if _, err := st.SetConversationMeta("c2", state.FolderInbox, "u2", ""); err != nil {
					t.Fatal(err)
				}
				return changed("c2")
			}},
		}},
		{name: "assigned by me: not news", steps: []step{
			{name: "c3 to me, by me", do: func(t *testing.T, a *App, st *state.Store) tea.Msg {
				a.hookOwnAssignment([]string{"c3"}, state.Change{UserID: "u1"}) // as runApply does
				if _, err := st.SetConversationMeta("c3", state.FolderInbox, "u1", ""); err != nil {
					t.Fatal(err)
				}
				return changed("c3")
			}},
		}},
		{name: "a reply failed, once", steps: []step{
			{name: "fails", do: func(t *testing.T, _ *App, st *state.Store) tea.Msg {
				if err := st.Enqueue(state.OutboxItem{LocalID: "L1", ConversationID: "c3", AccountID: "a1", ContactID: "k3",
					Body: "see \x1b[5myou", Created: hookNow}, state.Message{}); err != nil {
					t.Fatal(err)
				}
				if err := st.FailOutbox("L1", "refused"); err != nil {
					t.Fatal(err)
				}
				return changesMsg{ok: true, changes: state.Changes{Outbox: true}}
			}, events: []string{"send_failed:c3"}},
			{name: "the outbox again", do: func(*testing.T, *App, *state.Store) tea.Msg {
				return changesMsg{ok: true, changes: state.Changes{Outbox: true}}
			}},
		}},
		{name: "a window closing, once per window", steps: []step{
			{name: "the minute", do: func(*testing.T, *App, *state.Store) tea.Msg { return minuteMsg(hookNow) }, events: []string{"window_closing:c1"}},
			{name: "the next minute", do: func(*testing.T, *App, *state.Store) tea.Msg { return minuteMsg(hookNow) }},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := &recHooks{lead: 30 * time.Minute}
			a, st := hookApp(t, h, DesktopOSC9)
			for _, s := range tt.steps {
				msg := s.do(t, a, st)
				raw := driveRaw(a, func() tea.Msg { return msg })
				var got []string
				for _, ev := range h.got() {
					got = append(got, ev.Event+":"+ev.ConversationID)
					if ev.Event == HookSendFailed && strings.Contains(ev.Text, "\x1b") {
						t.Errorf("%s: text %q", s.name, ev.Text)
					}
				}
				if strings.Join(got, " ") != strings.Join(s.events, " ") {
					t.Errorf("%s: events %v, want %v", s.name, got, s.events)
				}
				if n := strings.Count(raw, "\x1b]9;"); n != s.raw {
					t.Errorf("%s: %d desktop notifications, want %d (%q)", s.name, n, s.raw, raw)
				}
			}
		})
	}
}

// A hook's failure shows in the status bar, in its words.
func TestHookFailureFlashed(t *testing.T) {
	a, _ := hookApp(t, &recHooks{}, "")
	a.Update(hookDoneMsg{event: HookInbound, err: errString("hook on_inbound: command \"nope\" not found; check [hooks] on_inbound in the config file")})
	if !strings.Contains(a.bar.flash, "not found") || !a.bar.isError {
		t.Errorf("flash %q (error %v)", a.bar.flash, a.bar.isError)
	}
}

type errString string

func (e errString) Error() string { return string(e) }
