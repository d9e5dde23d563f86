package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// questionApp is an inbox whose outbox holds a reply the agent is asked
// about (its send was lost; the platform has a copy nobody can tell is
// theirs), with the engine not running: the answers are read back from
// the store.
func questionApp(t *testing.T) (*App, *state.Store) {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "q.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	item := state.OutboxItem{LocalID: "L1", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Body: "Thanks, see you then",
		Created: now.Add(-time.Minute), State: state.OutboxSending}
	if err := st.Enqueue(item, state.Message{}); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.AskAgent("L1", state.QuestionNotSure, now.Add(time.Minute)); err != nil || !ok {
		t.Fatalf("AskAgent: %v %v", ok, err)
	}
	a := New(Deps{
		Core:    state.NewService(st, state.NewEngine(st, coreOnly{}, state.Config{Now: func() time.Time { return now }})),
		Account: "work",
		Tick:    func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
		Now:     func() time.Time { return now },
	}, testKeysWith(func(k *KeyMap) {
		k.SendAgain = bind("s", "send again", "s")
		k.WasSent = bind("k", "it was sent", "k")
	}))
	t.Cleanup(a.Close)
	drive(a, a.Init())
	drive(a, func() tea.Msg { return tea.WindowSizeMsg{Width: 100, Height: 30} })
	return a, st
}

// drive runs cmd and every command its messages lead to, in order.
func drive(a *App, cmd tea.Cmd) {
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
		default:
			_, next := a.Update(msg)
			queue = append(queue, next)
		}
	}
}

func press(a *App, k rune) {
	drive(a, func() tea.Msg { return tea.KeyPressMsg{Code: k, Text: string(k)} })
}

// The question opens by itself at the start, says what and to whom, and
// each answer does what it says; "later" closes it until the outbox next
// looks for the reply.
func TestQuestionAboutALostReply(t *testing.T) {
	tests := []struct {
		name      string
		key       rune
		wantState state.OutboxState
		wantFlash string
	}{
		{"send again", 's', state.OutboxQueued, "Sending the reply again"},
		{"it was sent", 'k', state.OutboxSent, "Marked as sent"},
		{"later", 0, state.OutboxUncertain, "Asked again when mbx next looks"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, st := questionApp(t)
			if _, ok := isOpen[*uncertainDialog](a); !ok {
				t.Fatal("the question did not open")
			}
			frame := ansi.Strip(a.View().Content)
			for _, want := range []string{"Not sure this reply was sent", "Thanks, see you then", "s send again", "k it was sent", "esc later"} {
				if !strings.Contains(frame, want) {
					t.Errorf("the frame lacks %q:\n%s", want, frame)
				}
			}
			if tt.key == 0 {
				drive(a, func() tea.Msg { return tea.KeyPressMsg{Code: tea.KeyEscape} })
			} else {
				press(a, tt.key)
			}
			if _, ok := isOpen[*uncertainDialog](a); ok {
				t.Fatal("the question is still open after the answer")
			}
			if !strings.Contains(a.bar.flash, tt.wantFlash) {
				t.Errorf("status bar %q, want %q", a.bar.flash, tt.wantFlash)
			}
			it, _, _ := st.OutboxItem("L1")
			if it.State != tt.wantState {
				t.Errorf("the reply is %s, want %s", it.State, tt.wantState)
			}
			// The outbox changes again: a put-off question stays put off
			// until the reply's next look; an answered one is gone.
			drive(a, func() tea.Msg { return changesMsg{changes: state.Changes{Outbox: true}, ok: true} })
			if _, ok := isOpen[*uncertainDialog](a); ok {
				t.Error("the question opened again")
			}
		})
	}
}

// Never under the agent's fingers: while they type a reply the question
// waits for the next change after they leave the composer.
func TestQuestionWaitsForTheComposer(t *testing.T) {
	a, _ := questionApp(t)
	a.popTo(a.top().id)
	a.setFocus(focusComposer)
	drive(a, func() tea.Msg { return changesMsg{changes: state.Changes{Outbox: true}, ok: true} })
	if _, ok := isOpen[*uncertainDialog](a); ok {
		t.Fatal("the question opened over the composer")
	}
	a.setFocus(focusThread)
	drive(a, func() tea.Msg { return changesMsg{changes: state.Changes{Outbox: true}, ok: true} })
	if _, ok := isOpen[*uncertainDialog](a); !ok {
		t.Fatal("the question did not open once the agent left the composer")
	}
}
