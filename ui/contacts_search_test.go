package ui

import (
	"context"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// searchSpy is a Core whose contacts search records each call and waits,
// as a slow search over a big store would, until its context ends or the
// test releases it.
type searchSpy struct {
	Core
	updating atomic.Bool // the test is inside App.Update
	mu       sync.Mutex
	calls    []spiedSearch
	started  chan struct{} // a search began
	release  chan struct{} // closed: searches answer
}

type spiedSearch struct {
	q   string
	ctx context.Context
}

func (s *searchSpy) SearchContacts(ctx context.Context, q string, limit int) ([]state.Contact, error) {
	s.mu.Lock()
	s.calls = append(s.calls, spiedSearch{q, ctx})
	s.mu.Unlock()
	if s.updating.Load() {
		return nil, nil // run by Update itself: recorded, never waited for
	}
	s.started <- struct{}{}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-s.release:
		return []state.Contact{{ID: "k-" + q, AccountID: "a1", Name: "Ana " + q, Number: "+447902111123"}}, nil
	}
}

func (s *searchSpy) searches() []spiedSearch {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]spiedSearch(nil), s.calls...)
}

// runAll runs a command and the commands of the batches it gives, and
// returns the messages.
func runAll(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch m := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range m {
			out = append(out, runAll(c)...)
		}
		return out
	default:
		return []tea.Msg{m}
	}
}

// Finding 8 of issue 12: the contacts search never runs in Update (a
// key only returns a command) and each key's search cancels the one
// still running, whose answer is then dropped.
func TestContactSearchOffTheUIAndCancelledByTheNextKey(t *testing.T) {
	st, err := state.Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	spy := &searchSpy{
		Core:    state.NewService(st, state.NewEngine(st, folderMover{}, state.Config{})),
		started: make(chan struct{}, 8),
		release: make(chan struct{}),
	}
	a := New(Deps{Core: spy, Account: "work", Platform: "Acme",
		Tick: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
		Now:  func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) },
	}, testKeys())
	t.Cleanup(a.Close)
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	_, open := a.Update(tea.KeyPressMsg{Code: 'c', Text: "c"})
	for _, m := range runAll(open) { // the recent contacts: no search yet
		a.Update(m)
	}
	if _, ok := isOpen[*contactsPanel](a); !ok {
		t.Fatal("the contacts panel did not open")
	}

	update := func(m tea.Msg) tea.Cmd {
		spy.updating.Store(true)
		defer spy.updating.Store(false)
		_, cmd := a.Update(m)
		return cmd
	}
	first := update(tea.KeyPressMsg{Code: 'a', Text: "a"})
	if n := len(spy.searches()); n != 0 {
		t.Fatalf("Update ran %d searches itself", n)
	}
	if first == nil {
		t.Fatal("typing in the contacts panel returned no command")
	}
	done := make(chan []tea.Msg, 1)
	go func() { done <- runAll(first) }() // as the program runs it: beside the UI
	<-spy.started

	second := update(tea.KeyPressMsg{Code: 'n', Text: "n"})
	calls := spy.searches()
	if len(calls) != 1 || calls[0].q != "a" {
		t.Fatalf("searches after the second key = %+v, want only the first key's, run by its command", calls)
	}
	if calls[0].ctx.Err() == nil {
		close(spy.release) // let the first search end before failing
		<-done
		t.Fatal("the second key did not cancel the first key's search")
	}
	for _, m := range <-done {
		if _, ok := m.(dialogMsg); ok {
			t.Errorf("the superseded search answered %+v", m)
		}
	}

	close(spy.release)
	msgs := runAll(second)
	if calls := spy.searches(); len(calls) != 2 || calls[1].q != "an" || calls[1].ctx.Err() != nil {
		t.Fatalf("second search = %+v", calls)
	}
	for _, m := range msgs {
		a.Update(m)
	}
	p, _ := isOpen[*contactsPanel](a)
	if c, ok := p.Highlighted(); !ok || c.ID != "k-an" {
		t.Errorf("highlighted %+v, want the second key's result", c)
	}
}
