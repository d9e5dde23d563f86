package main

import (
	"context"
	"errors"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

// The inbox's golden frames and model tests live here, beside keymap.go,
// so that they drive the UI with the real default key map.

var fixedNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func init() { time.Local = time.UTC } // frames show local times

// fixture is a store with conversations covering what the inbox shows:
// every tick state, open, closing and closed windows, assignees, folders,
// and hostile names and bodies.
func fixture(t testing.TB) (*state.Store, *state.Engine) {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "ui.db"))
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
	must(st.ReplaceAccounts([]state.Account{{ID: "a1", Name: "Head Office", Phone: "+447777123156"}}))
	must(st.ReplaceUsers([]state.User{{ID: "u-me", FirstName: "Alex", LastName: "Agent", AccountIDs: []string{"a1"}},
		{ID: "u-2", FirstName: "Helen", LastName: "Smith", AccountIDs: []string{"a1"}}}))
	must(st.ReplaceTeams([]state.Team{{ID: "t1", Name: "Head Office", AccountIDs: []string{"a1"}},
		{ID: "t2", Name: "Night Shift"}, {ID: "t3", Name: "Permanent", AccountIDs: []string{"a2"}}}))
	must(st.ReplaceTemplates([]state.Template{
		{ID: "tp1", AccountID: "a1", Name: "welcome_back", Status: "Approved",
			Text:    "Hi {{1}}, thanks for getting in touch with {{2}}. Reply to this message to carry on the conversation.",
			Example: "Hi [John], thanks for getting in touch with [Head Office]. Reply to this message to carry on the conversation."},
		{ID: "tp2", AccountID: "a1", Name: "viewing_reminder", Status: "Approved",
			Text:    "Reminder: your viewing at {{1}} is on {{2}} at {{3}}. Reply YES to confirm.",
			Example: "Reminder: your viewing at [14 King St] is on [Thursday] at [17:30]. Reply YES to confirm."},
		{ID: "tp3", AccountID: "a1", Name: "order_update", Status: "Pending", Text: "Your order {{1}} has shipped.", Example: "Your order [#1234] has shipped."},
		{ID: "tp4", AccountID: "a1", Name: "spring_promo", Status: "Rejected", Text: "50% off everything!"},
		{ID: "tp5", AccountID: "a2", Name: "other_account", Status: "Approved", Text: "Not for Head Office."},
	}))
	at := func(d time.Duration) time.Time { return fixedNow.Add(-d) }
	in := func(id, conv, contact, body string, ago time.Duration) state.Message {
		return state.Message{ID: id, ConversationID: conv, AccountID: "a1", ContactID: contact, Direction: state.Inbound, Body: body, Time: at(ago)}
	}
	out := func(id, conv, contact, body string, ago time.Duration, s state.MessageStatus) state.Message {
		return state.Message{ID: id, ConversationID: conv, AccountID: "a1", ContactID: contact, Direction: state.Outbound, Body: body, Time: at(ago), Status: s, Sender: "Alex Agent"}
	}
	tmpl := out("m9", "c1", "k1", "Hi Ana, thanks for the conversation earlier about the flat lets catch up soon.", 26*time.Hour, state.StatusRead)
	tmpl.Template = true
	_, err = st.ApplyMessages(state.Batch{
		Contacts: []state.Contact{
			{ID: "k1", AccountID: "a1", Name: "Ana Lima", Number: "+447902111123"},
			{ID: "k2", AccountID: "a1", Name: "Ben Okafor", Number: "+447902111124"},
			{ID: "k3", AccountID: "a1", Name: "Chloé Martin", Number: "+33612345678"},
			{ID: "k4", AccountID: "a1", Name: "\x1b[31mEVIL\x1b]8;;http://evil\x07link\x1b]8;;\x07 \u202Egnp.exe", Number: "+447902111125"},
			{ID: "k5", AccountID: "a1", Name: "山本 美咲 👩‍👩‍👧", Number: "+81312345678"},
			{ID: "k6", AccountID: "a1", Name: "", Number: "+447902111126"},
		},
		Messages: []state.Message{
			tmpl,
			in("m1", "c1", "k1", "Hi, is the *2 bedroom* flat on King St still available?", 3*time.Hour),
			out("m2", "c1", "k1", "Yes it is! When would you like to view it?", 170*time.Minute, state.StatusRead),
			in("m3", "c1", "k1", "Thursday after 5 would be great 🙂", 2*time.Hour),
			out("m4", "c1", "k1", "Thursday 17:30 it is.", 110*time.Minute, state.StatusDelivered),
			out("m5", "c1", "k1", "I'll send the address.", 100*time.Minute, state.StatusSent),
			out("m6", "c1", "k1", "It's 14 King St, flat 2.", 90*time.Minute, state.StatusFailed),
			in("m10", "c2", "k2", "Can I still apply?", 30*time.Hour),
			in("m11", "c3", "k3", "Merci, à demain !", 23*time.Hour),
			in("m12", "c4", "k4", "pay 100\rpay 999 \x1b[2J\x9b31m done", 5*time.Hour),
			in("m13", "c5", "k5", "明日の面接は大丈夫です 👍🏽", 4*time.Hour),
			in("m14", "c6", "k6", "Hello?", 50*time.Hour),
		},
	}, fixedNow)
	must(err)
	for id, meta := range map[string]state.ConversationMeta{
		"c1": {Folder: state.FolderInbox, UserID: "u-me"}, "c2": {Folder: state.FolderInbox, TeamID: "t1"},
		"c3": {Folder: state.FolderInbox}, "c4": {Folder: state.FolderInbox, UserID: "u-2"},
		"c5": {Folder: state.FolderInbox}, "c6": {Folder: state.FolderArchive},
	} {
		_, err := st.SetConversationMeta(id, meta.Folder, meta.UserID, meta.TeamID)
		must(err)
	}
	// A reply still pending in the outbox.
	must(st.Enqueue(state.OutboxItem{LocalID: "l1", ConversationID: "c1", AccountID: "a1", ContactID: "k1",
		Kind: state.OutboxMessage, Body: "See you then!", Created: at(10 * time.Minute), State: state.OutboxQueued},
		state.Message{LocalID: "l1", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Direction: state.Outbound,
			Body: "See you then!", Time: at(10 * time.Minute), Status: state.StatusPending}))
	must(st.FailOutbox("l1", "refused by the platform: the number is not on WhatsApp"))
	must(st.Enqueue(state.OutboxItem{LocalID: "l2", ConversationID: "c1", AccountID: "a1", ContactID: "k1",
		Kind: state.OutboxMessage, Body: "Sending…", Created: at(time.Minute), State: state.OutboxQueued},
		state.Message{LocalID: "l2", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Direction: state.Outbound,
			Body: "Sending…", Time: at(time.Minute), Status: state.StatusPending}))
	eng := state.NewEngine(st, &fakeBackend{}, state.Config{Now: func() time.Time { return fixedNow }})
	eng.SetMe("u-me")
	return st, eng
}

// harness runs the root model deterministically: every command a step
// returns is run to completion, in order, and its message fed back, until
// nothing is left; then the engine's published changes are fed in the
// same way. No clock, no quiet periods: a step ends when the work it
// caused has ended. Timers (flash expiry, the minute, the spinner) never
// fire on their own (noTick).
type harness struct {
	t   testing.TB
	app *ui.App
}

// noTick is Deps.Tick for tests: timers are never fired.
func noTick(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil }

func newHarness(t testing.TB, w, h int) *harness {
	st, eng := fixture(t)
	app := ui.New(ui.Deps{Core: state.NewService(st, eng), Tick: noTick, Account: "Head Office · Alex Agent", Now: func() time.Time { return fixedNow }}, defaultKeyMap())
	return startHarness(t, app, w, h)
}

func startHarness(t testing.TB, app *ui.App, w, h int) *harness {
	hs := &harness{t: t, app: app}
	t.Cleanup(app.Close)
	hs.run(app.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

func (h *harness) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for steps := 0; ; steps++ {
		if steps > 100000 {
			h.t.Fatal("the inbox never settles: its commands keep making commands")
		}
		if len(queue) == 0 {
			m := h.app.PendingChanges()
			if m == nil {
				return
			}
			_, next := h.app.Update(m)
			queue = append(queue, next)
			continue
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch m := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, m...)
		default:
			if reflect.TypeOf(m).PkgPath() == "charm.land/bubbletea/v2" {
				continue // terminal queries, quit
			}
			_, next := h.app.Update(m)
			queue = append(queue, next)
		}
	}
}

func (h *harness) send(msg tea.Msg) {
	_, cmd := h.app.Update(msg)
	h.run(cmd)
}

// keys types keys: names like "enter", "esc", "ctrl+e", or text.
func (h *harness) keys(keys ...string) {
	for _, k := range keys {
		h.send(keyPress(k))
	}
}

func keyPress(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "ctrl+j":
		return tea.KeyPressMsg{Code: 'j', Mod: tea.ModCtrl}
	}
	r := []rune(k)
	return tea.KeyPressMsg{Code: r[0], Text: k}
}

// frame is the screen with styles removed, every line checked against the width.
func (h *harness) frame(w int) string {
	v := h.app.View()
	out := ansi.Strip(v.Content)
	for i, l := range strings.Split(out, "\n") {
		if n := ansi.StringWidth(l); n > w {
			h.t.Errorf("line %d is %d cells wide, over %d: %q", i, n, w, l)
		}
	}
	return out
}

var sizes = []struct {
	name string
	w, h int
}{{"80x24", 80, 24}, {"120x40", 120, 40}, {"60x15", 60, 15}}

func TestGoldenFrames(t *testing.T) {
	scenarios := []struct {
		name string
		keys []string
	}{
		{name: "inbox"},
		{name: "thread_ticks", keys: []string{"enter"}},                      // Ana Lima: every tick state
		{name: "closed_window", keys: []string{"j", "j", "j", "j", "enter"}}, // the oldest: a closed window
		{name: "help", keys: []string{"?"}},
		{name: "closing_soon", keys: []string{"6"}},
		{name: "archive", keys: []string{"2"}},
	}
	for _, sz := range sizes {
		for _, sc := range scenarios {
			t.Run(sc.name+"_"+sz.name, func(t *testing.T) {
				h := newHarness(t, sz.w, sz.h)
				h.keys(sc.keys...)
				golden.RequireEqual(t, h.frame(sz.w))
			})
		}
	}
}

// msgboxxLike gives a test platform msgboxx's capabilities (folders,
// contact editing), each refusing unless the fake defines its own.
type msgboxxLike struct{ state.Backend }

var errNotInFake = errors.New("not in this test's platform")

func (msgboxxLike) UpdateConversation(context.Context, string, state.ConversationMeta) error {
	return errNotInFake
}
func (msgboxxLike) CreateContact(context.Context, state.Contact) (state.Contact, error) {
	return state.Contact{}, errNotInFake
}
func (msgboxxLike) UpdateContact(context.Context, state.Contact) (state.Contact, error) {
	return state.Contact{}, errNotInFake
}
func (msgboxxLike) ContactByNumber(context.Context, string, string) (state.Contact, bool, error) {
	return state.Contact{}, false, errNotInFake
}

// fakeBackend accepts conversation updates; the UI tests never start the
// engine, so nothing else is called.
type fakeBackend struct {
	msgboxxLike
	mu   sync.Mutex
	puts []string
}

func (f *fakeBackend) UpdateConversation(_ context.Context, id string, _ state.ConversationMeta) error {
	f.mu.Lock()
	f.puts = append(f.puts, id)
	f.mu.Unlock()
	return nil
}

// actionHarness is a harness whose engine has a fake backend.
func actionHarness(t *testing.T, w, h int) (*harness, *state.Store, *state.Engine) {
	st, _ := fixture(t)
	eng := state.NewEngine(st, &fakeBackend{}, state.Config{Now: func() time.Time { return fixedNow }})
	eng.SetMe("u-me")
	app := ui.New(ui.Deps{Core: state.NewService(st, eng), Tick: noTick, Account: "Head Office · Alex Agent", Now: func() time.Time { return fixedNow }}, defaultKeyMap())
	return startHarness(t, app, w, h), st, eng
}

// typ types text one key at a time.
func (h *harness) typ(s string) {
	for _, r := range s {
		h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
}

func folderOf(t *testing.T, st *state.Store, id string) state.Conversation {
	t.Helper()
	c, ok, err := st.Conversation(id)
	if err != nil || !ok {
		t.Fatalf("conversation %s: %v", id, err)
	}
	return c
}

func TestKeyActions(t *testing.T) {
	tests := []struct {
		name  string
		run   func(h *harness)
		check func(t *testing.T, h *harness, st *state.Store, eng *state.Engine, frame string)
	}{
		{name: "j and enter open the second conversation", run: func(h *harness) { h.keys("j", "enter") },
			check: func(t *testing.T, _ *harness, _ *state.Store, _ *state.Engine, frame string) {
				if !strings.Contains(frame, "山本 美咲") || !strings.Contains(frame, "明日の面接は大丈夫です") {
					t.Error("the second conversation's thread is not shown")
				}
			}},
		{name: "G and g", run: func(h *harness) { h.keys("G", "g", "G", "enter") },
			check: func(t *testing.T, _ *harness, _ *state.Store, _ *state.Engine, frame string) {
				if !strings.Contains(frame, "Ben Okafor") || !strings.Contains(frame, "Can I still apply?") {
					t.Errorf("G then enter should open the last conversation:\n%s", frame)
				}
			}},
		{name: "e archives the selected conversation", run: func(h *harness) { h.keys("e") },
			check: func(t *testing.T, _ *harness, st *state.Store, _ *state.Engine, frame string) {
				if c := folderOf(t, st, "c1"); c.Folder != state.FolderArchive {
					t.Errorf("c1 in %s", c.Folder)
				}
				if !strings.Contains(frame, "Archived Ana Lima") || !regexp.MustCompile(`Inbox +4`).MatchString(frame) || !regexp.MustCompile(`Archive +2`).MatchString(frame) {
					t.Log(frame)
					t.Error("no flash or the list did not update")
				}
			}},
		{name: "x marks, ! moves all marked to spam", run: func(h *harness) { h.keys("x", "x", "!") },
			check: func(t *testing.T, _ *harness, st *state.Store, _ *state.Engine, frame string) {
				for _, id := range []string{"c1", "c5"} {
					if c := folderOf(t, st, id); c.Folder != state.FolderSpam {
						t.Errorf("%s in %s", id, c.Folder)
					}
				}
				if !strings.Contains(frame, "2 marked as spam") && !strings.Contains(frame, "as spam") {
					t.Errorf("no summary in the status bar")
				}
			}},
		{name: "I brings an archived conversation back", run: func(h *harness) { h.keys("2", "I") },
			check: func(t *testing.T, _ *harness, st *state.Store, _ *state.Engine, _ string) {
				if c := folderOf(t, st, "c6"); c.Folder != state.FolderInbox {
					t.Errorf("c6 in %s", c.Folder)
				}
			}},
		{name: "A assigns to me", run: func(h *harness) { h.keys("G", "A") },
			check: func(t *testing.T, _ *harness, st *state.Store, _ *state.Engine, _ string) {
				if c := folderOf(t, st, "c2"); c.UserID != "u-me" || c.TeamID != "" {
					t.Errorf("c2 assigned to %q/%q", c.UserID, c.TeamID)
				}
			}},
		{name: "r, text, enter queues a reply and clears the composer", run: func(h *harness) {
			h.keys("enter", "r")
			h.typ("See you Thursday")
			h.keys("enter")
		}, check: func(t *testing.T, _ *harness, st *state.Store, _ *state.Engine, frame string) {
			items, _ := st.Outbox(state.OutboxQueued)
			found := false
			for _, it := range items {
				found = found || it.Body == "See you Thursday"
			}
			if !found || !strings.Contains(frame, "See you Thursday") || !strings.Contains(frame, "0/4096") {
				t.Errorf("reply not queued, shown, or the composer not cleared")
			}
		}},
		{name: "reply on a closed window offers the templates, never freeform text", run: func(h *harness) {
			h.keys("G", "enter", "r")
			h.typ("Hello Ben")
			h.keys("enter")
		}, check: func(t *testing.T, _ *harness, st *state.Store, eng *state.Engine, frame string) {
			items, _ := st.Outbox()
			for _, it := range items {
				if it.Body == "Hello Ben" {
					t.Error("freeform text was queued to a closed window")
				}
			}
			if !strings.Contains(frame, "Send a template to Ben Okafor") || !strings.Contains(frame, "Nothing matches.") {
				t.Errorf("the template picker, filtered by what was typed, expected:\n%s", frame)
			}
		}},
		{name: "over the limit is refused before sending, text kept", run: func(h *harness) {
			h.keys("enter", "r")
			h.send(tea.PasteMsg{Content: strings.Repeat("a", state.MaxMessageLength+3)})
			h.keys("enter")
		}, check: func(t *testing.T, _ *harness, st *state.Store, _ *state.Engine, frame string) {
			items, _ := st.Outbox(state.OutboxQueued)
			if len(items) != 1 { // the fixture's own pending item only
				t.Errorf("%d queued items", len(items))
			}
			if !strings.Contains(frame, "3 over the limit") {
				t.Error("the count over the limit is not shown")
			}
		}},
		{name: "a draft survives leaving the composer", run: func(h *harness) {
			h.keys("enter", "r")
			h.typ("half a thought")
			h.keys("esc", "esc", "j", "enter")
		}, check: func(t *testing.T, _ *harness, st *state.Store, _ *state.Engine, _ string) {
			if d, ok, _ := st.Draft("c1"); !ok || d.Text != "half a thought" {
				t.Errorf("draft %+v", d)
			}
		}},
		{name: "pasted escapes are neutralised", run: func(h *harness) {
			h.keys("enter", "r")
			h.send(tea.PasteMsg{Content: "ok \x1b]52;c;ZXZpbA==\x07 \x1b[2J"})
			h.keys("esc")
		}, check: func(t *testing.T, _ *harness, st *state.Store, _ *state.Engine, _ string) {
			if d, _, _ := st.Draft("c1"); strings.ContainsRune(d.Text, 0x1b) || !strings.Contains(d.Text, "␛") {
				t.Errorf("draft %q", d.Text)
			}
		}},
		{name: "search finds and opens", run: func(h *harness) {
			h.keys("/")
			h.typ("thursday")
			h.keys("enter")
		}, check: func(t *testing.T, _ *harness, _ *state.Store, _ *state.Engine, frame string) {
			if !strings.Contains(frame, "Ana Lima +447902111123") {
				t.Error("the match's conversation is not open")
			}
		}},
		{name: "help opens and closes", run: func(h *harness) { h.keys("?", "?") },
			check: func(t *testing.T, _ *harness, _ *state.Store, _ *state.Engine, frame string) {
				if strings.Contains(frame, "Keys —") {
					t.Error("help still open")
				}
			}},
		{name: "views: mine, unassigned, closing soon", run: func(h *harness) { h.keys("6") },
			check: func(t *testing.T, _ *harness, _ *state.Store, _ *state.Engine, frame string) {
				if !strings.Contains(frame, "Chloé Martin") || strings.Contains(frame, "Ana Lima ") && strings.Contains(frame, "22h 00m 11:59") {
					t.Error("closing soon should list Chloé only")
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, st, eng := actionHarness(t, 120, 40)
			tt.run(h)
			tt.check(t, h, st, eng, h.frame(120))
		})
	}
}

func TestQuitFlushesDrafts(t *testing.T) {
	h, st, _ := actionHarness(t, 120, 40)
	h.keys("enter", "r")
	h.typ("unsent words")
	h.keys("esc")
	_, cmd := h.app.Update(keyPress("q"))
	if cmd == nil {
		t.Fatal("q returned no command")
	}
	if _, ok := cmd().(tea.QuitMsg); !ok {
		t.Error("q does not quit")
	}
	if d, ok, _ := st.Draft("c1"); !ok || d.Text != "unsent words" {
		t.Errorf("draft after quit: %+v", d)
	}
}
