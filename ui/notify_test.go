package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

func notifyApp(t *testing.T, d Deps) *App {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "n.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d.Core = state.NewService(st, state.NewEngine(st, nil, state.Config{}))
	d.Now = func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) }
	a := New(d, testKeys())
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	return a
}

func inbound(ids ...string) changesMsg {
	m := map[string]struct{}{}
	for _, id := range ids {
		m[id] = struct{}{}
	}
	return changesMsg{ok: true, changes: state.Changes{Inbound: m}}
}

func TestNotify(t *testing.T) {
	tests := []struct {
		name      string
		deps      Deps
		live      bool
		wantTitle string
		wantBell  bool
	}{
		{name: "off", deps: Deps{Account: "work"}, live: true, wantTitle: "mbx — work"},
		{name: "first sync's history is not news", deps: Deps{Account: "work", Notify: true}, wantTitle: "mbx — work"},
		{name: "counted in the title", deps: Deps{Account: "work", Notify: true}, live: true, wantTitle: "mbx (2 new) — work"},
		{name: "and the bell", deps: Deps{Account: "work", Notify: true, Bell: true}, live: true, wantTitle: "mbx (2 new) — work", wantBell: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := notifyApp(t, tt.deps)
			a.live = tt.live
			cmd := a.notify(inbound("c1", "c2").changes.Inbound)
			if got := a.View().WindowTitle; got != tt.wantTitle {
				t.Errorf("title = %q, want %q", got, tt.wantTitle)
			}
			if bell := cmd != nil && strings.Contains(flattenRaw(cmd), "\a"); bell != tt.wantBell {
				t.Errorf("bell = %v, want %v", bell, tt.wantBell)
			}
			if tt.wantTitle != "mbx — work" {
				if !strings.Contains(a.bar.flash, "New messages in 2 conversations") {
					t.Errorf("flash = %q", a.bar.flash)
				}
				a.Update(tea.KeyPressMsg{Code: 'j', Text: "j"})
				if got := a.View().WindowTitle; got != "mbx — work" {
					t.Errorf("after a key the title is %q", got)
				}
			}
		})
	}
}

// flattenRaw runs a command (and a batch's) and returns the raw terminal
// output they ask for. Commands that wait (the flash's timer) are left
// running: what they would say is not raw output.
func flattenRaw(cmd tea.Cmd) string {
	var out strings.Builder
	var walk func(tea.Cmd)
	walk = func(c tea.Cmd) {
		if c == nil {
			return
		}
		got := make(chan tea.Msg, 1)
		go func() { got <- c() }()
		select {
		case msg := <-got:
			switch m := msg.(type) {
			case tea.BatchMsg:
				for _, c := range m {
					walk(c)
				}
			case tea.RawMsg:
				if s, ok := m.Msg.(string); ok {
					out.WriteString(s)
				}
			}
		case <-time.After(2 * time.Second): // the flash timer waits 5 s
		}
	}
	walk(cmd)
	return out.String()
}
