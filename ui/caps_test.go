package ui

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// coreOnly is a platform with nothing beyond the core.
type coreOnly struct{ state.Backend }

// resolver is a platform that resolves conversations instead of filing them.
type resolver struct{ state.Backend }

func (resolver) Resolve(context.Context, string) error { return nil }
func (resolver) Reopen(context.Context, string) error  { return nil }

func capsApp(t *testing.T, be state.Backend, platform string) *App {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "c.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	d := Deps{
		Core:     state.NewService(st, state.NewEngine(st, be, state.Config{})),
		Account:  "work",
		Platform: platform,
		Tick:     func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
		Now:      func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) },
	}
	a := New(d, testKeysWith(func(k *KeyMap) {
		k.Archive = bind("2", "archive", "2")
		k.Spam = bind("3", "spam", "3")
		k.MoveSpam = bind("!", "spam", "!")
		k.MoveBack = bind("I", "back to inbox", "I")
	}))
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	return a
}

// The UI shows only what the platform can do, and a key for something it
// cannot do says so in words.
func TestCapabilitiesShapeTheInbox(t *testing.T) {
	tests := []struct {
		name      string
		be        state.Backend
		key       rune
		sidebar   []string
		noSidebar []string
		flash     string
	}{
		{name: "folders", be: folderMover{}, key: 'e', sidebar: []string{"Inbox", "Archive", "Spam"}},
		{name: "core only", be: coreOnly{}, key: 'e', sidebar: []string{"Inbox"}, noSidebar: []string{"Archive", "Spam", "Resolved"},
			flash: "Acme cannot file conversations in folders"},
		{name: "resolve", be: resolver{}, key: '!', sidebar: []string{"Open", "Resolved"}, noSidebar: []string{"Archive", "Spam"},
			flash: "Acme cannot mark conversations as spam"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := capsApp(t, tt.be, "Acme")
			frame := ansi.Strip(a.View().Content)
			side := sidebarText(frame)
			for _, w := range tt.sidebar {
				if !strings.Contains(side, w) {
					t.Errorf("the sidebar lacks %q:\n%s", w, side)
				}
			}
			for _, w := range tt.noSidebar {
				if strings.Contains(side, w) {
					t.Errorf("the sidebar shows %q:\n%s", w, side)
				}
			}
			a.Update(tea.KeyPressMsg{Code: tt.key, Text: string(tt.key)})
			if tt.flash != "" && !strings.Contains(a.bar.flash, tt.flash) {
				t.Errorf("flash = %q, want %q", a.bar.flash, tt.flash)
			}
		})
	}
}

type folderMover struct{ state.Backend }

func (folderMover) UpdateConversation(context.Context, string, state.ConversationMeta) error {
	return nil
}

// sidebarText is the first pane's column of a wide frame.
func sidebarText(frame string) string {
	var b strings.Builder
	for _, l := range strings.Split(frame, "\n") {
		r := []rune(l)
		if len(r) > 24 {
			r = r[:24]
		}
		b.WriteString(string(r) + "\n")
	}
	return b.String()
}

// Each key's contacts search cancels the one before: a superseded search
// stops and answers nothing, so typing fast costs one search, not one
// per key.
func TestContactSearchCancelledByTheNextKey(t *testing.T) {
	a := capsApp(t, folderMover{}, "Acme")
	first := a.contactSearch()
	second := a.contactSearch()
	if first.Err() == nil {
		t.Fatal("the first search was not cancelled by the second")
	}
	if second.Err() != nil {
		t.Fatal("the latest search is cancelled")
	}
	if msg := searchContactsCmd(first, a.core, 1, "ana")(); msg != nil {
		t.Errorf("a superseded search answered %T", msg)
	}
	if msg, ok := searchContactsCmd(second, a.core, 2, "ana")().(contactsFoundMsg); !ok || msg.reqID != 2 || msg.err != nil {
		t.Errorf("the latest search answered %+v", msg)
	}
}
