package ui

import (
	"context"
	"iter"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// anonPlatform cannot say who the user is (Me answers nobody), like a
// platform whose token names no user; it records assignments.
type anonPlatform struct {
	state.Backend
	mu       sync.Mutex
	assigned map[string]state.Assignment
}

func (*anonPlatform) Me(context.Context) (state.User, error) { return state.User{}, nil }
func (*anonPlatform) Accounts(context.Context) ([]state.Account, error) {
	return []state.Account{{ID: "a1", Name: "Shop"}}, nil
}
func (*anonPlatform) Users(context.Context) ([]state.User, error) {
	return []state.User{{ID: "u-me", FirstName: "Alex", LastName: "Agent", AccountIDs: []string{"a1"}},
		{ID: "u-2", FirstName: "Robin", LastName: "Regular", AccountIDs: []string{"a1"}}}, nil
}
func (*anonPlatform) Teams(context.Context) ([]state.Team, error)         { return nil, nil }
func (*anonPlatform) Templates(context.Context) ([]state.Template, error) { return nil, nil }
func (*anonPlatform) Contacts(context.Context) iter.Seq2[[]state.Contact, error] {
	return func(func([]state.Contact, error) bool) {}
}
func (*anonPlatform) Messages(context.Context, state.MessageQuery) iter.Seq2[state.Batch, error] {
	return func(func(state.Batch, error) bool) {}
}
func (p *anonPlatform) Assign(_ context.Context, id string, a state.Assignment) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.assigned[id] = a
	return nil
}

// newAnonInbox is an inbox whose platform could not say who the agent
// is (one sync has run), with one conversation, nobody's.
func newAnonInbox(t *testing.T) (*teamInbox, *anonPlatform) {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "anon.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	_, err = st.ApplyMessages(state.Batch{
		Contacts: []state.Contact{{ID: "k1", AccountID: "a1", Name: "Ana Lima", Number: "+447902111123"}},
		Messages: []state.Message{{ID: "m1", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Direction: state.Inbound,
			Body: "Is the flat still free?", Time: teamNow.Add(-time.Hour)}},
	}, teamNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SetConversationMeta("c1", state.FolderInbox, "", ""); err != nil {
		t.Fatal(err)
	}
	be := &anonPlatform{assigned: map[string]state.Assignment{}}
	eng := state.NewEngine(st, be, state.Config{Now: func() time.Time { return teamNow }})
	_ = eng.SyncOnce(context.Background()) // the reference data, and nobody named
	a := New(Deps{
		Core: state.NewService(st, eng), Account: "Shop", Platform: "Acme",
		Tick: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
		Now:  func() time.Time { return teamNow },
	}, testKeysWith(func(k *KeyMap) {
		k.Mine = bind("4", "mine", "4")
		k.AssignToMe = bind("A", "assign to me", "A")
	}))
	ti := &teamInbox{t: t, app: a, st: st}
	t.Cleanup(a.Close)
	ti.drive(a.Init())
	ti.send(tea.WindowSizeMsg{Width: 120, Height: 40})
	return ti, be
}

// "Which of these is you?": asked once by itself, answered through
// Update; esc leaves the question in the status bar, and the Mine and
// assign-to-me keys ask first, then do what they were pressed for.
func TestWhichOfTheseIsYou(t *testing.T) {
	tests := []struct {
		name     string
		keys     []string
		wantMe   string
		wantView string // the listed view's key afterwards
		assigned string // c1's assignee on the platform
		frame    []string
		// typeAhead are typed at once after keys, before any command
		// runs (the picker's users are read after them).
		typeAhead []string
	}{
		{name: "asked at start, answered", keys: []string{"rob", "enter"}, wantMe: "u-2", wantView: "inbox",
			frame: []string{"You are Robin Regular", "Mine"}},
		{name: "not now: the status bar says which key", keys: []string{"esc"},
			frame: []string{"mbx does not know which user you are: press 4 to choose"}},
		{name: "Mine asks first, then shows Mine", keys: []string{"esc", "4", "alex", "enter"}, wantMe: "u-me", wantView: "mine",
			frame: []string{"Mine lists your conversations", "Mine                0"}},
		{name: "assign to me asks first, then assigns", keys: []string{"esc", "A", "alex", "enter"}, wantMe: "u-me", wantView: "inbox",
			assigned: "u-me"},
		{name: "keys typed before the users are read go to the picker", keys: []string{"esc"}, typeAhead: []string{"A", "rob", "enter"},
			wantMe: "u-2", wantView: "inbox", assigned: "u-2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti, be := newAnonInbox(t)
			if _, ok := isOpen[*whoPicker](ti.app); !ok {
				t.Fatalf("the inbox did not ask who the agent is:\n%s", ti.frame())
			}
			if f := ti.frame(); !strings.Contains(f, "Which of these is you?") || !strings.Contains(f, "Robin Regular") {
				t.Fatalf("the picker:\n%s", f)
			}
			ti.keys(tt.keys...)
			var cmds []tea.Cmd
			for _, k := range tt.typeAhead {
				for _, m := range keyMsgs(k) {
					_, cmd := ti.app.Update(m)
					cmds = append(cmds, cmd)
				}
			}
			ti.drive(tea.Batch(cmds...))
			if _, ok := isOpen[*whoPicker](ti.app); ok {
				t.Fatalf("the picker is still open:\n%s", ti.frame())
			}
			if got := ti.app.core.Me(); got != tt.wantMe {
				t.Errorf("Me() = %q, want %q", got, tt.wantMe)
			}
			if tt.wantView != "" && ti.app.side.active != tt.wantView {
				t.Errorf("listed %q, want %q", ti.app.side.active, tt.wantView)
			}
			be.mu.Lock()
			got := be.assigned["c1"].UserID
			be.mu.Unlock()
			if got != tt.assigned {
				t.Errorf("c1 assigned on the platform to %q, want %q", got, tt.assigned)
			}
			f := ti.frame()
			for _, w := range tt.frame {
				if !strings.Contains(f, w) {
					t.Errorf("the frame lacks %q:\n%s", w, f)
				}
			}
			if strings.Contains(f, "wait for the next sync") {
				t.Errorf("the frame tells the agent to wait:\n%s", f)
			}
			// Asked once: changes that reload who the agent is do not ask again.
			ti.send(changesMsg{ok: true, changes: state.Changes{Reference: true}})
			if _, ok := isOpen[*whoPicker](ti.app); ok {
				t.Error("asked a second time")
			}
		})
	}
}

// Never over the composer: the agent's reply would go into the picker.
func TestWhoPickerWaitsForTheComposer(t *testing.T) {
	ti, _ := newAnonInbox(t)
	ti.keys("esc")
	ti.app.who.asked = false
	ti.app.setFocus(focusComposer)
	ti.send(identityLoadedMsg{id: state.Identity{Ask: true}})
	if _, ok := isOpen[*whoPicker](ti.app); ok {
		t.Fatal("the picker opened over the composer")
	}
	if !strings.Contains(ti.frame(), "press 4 to choose") {
		t.Errorf("the status bar does not say what is missing:\n%s", ti.frame())
	}
}
