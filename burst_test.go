package main

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

// burst types keys the way a fast typist, a paste or an SSH link sends
// them: every key reaches Update before any command they started has
// answered (a dialog's data included); then everything runs.
func (h *harness) burst(keys ...string) {
	var cmds []tea.Cmd
	for _, k := range keys {
		var msg tea.KeyPressMsg
		if len([]rune(k)) == 1 || k == "enter" || k == "esc" || k == "tab" || k == "space" {
			msg = keyPress(k)
		} else {
			msg = parseKey(k)
		}
		_, cmd := h.app.Update(msg)
		cmds = append(cmds, cmd)
	}
	h.run(tea.Batch(cmds...))
}

// parseKey makes a key press from names like "ctrl+g".
func parseKey(k string) tea.KeyPressMsg {
	if rest, ok := strings.CutPrefix(k, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: []rune(rest)[0], Mod: tea.ModCtrl}
	}
	return keyPress(k)
}

// Keys typed right after a dialog's key go to that dialog, even when
// they all arrive before its data: never to the inbox behind it.
func TestBurstKeysGoToTheDialog(t *testing.T) {
	t.Run("a e esc archives nothing", func(t *testing.T) {
		be := &triageBackend{}
		h, st := triageHarness(t, be)
		h.burst("a", "e", "esc")
		if n := len(be.puts); n != 0 {
			t.Fatalf("%d conversations were changed: %v", n, be.puts)
		}
		if c, _, _ := st.Conversation("c1"); c.Folder != state.FolderInbox {
			t.Fatalf("Ana Lima's conversation is in %q", c.Folder)
		}
		if s := h.frame(120); strings.Contains(s, "Assign Ana Lima") || strings.Contains(s, "rchived") {
			t.Fatalf("the picker is open or something was archived:\n%s", s)
		}
	})
	t.Run("a night enter assigns to Night Shift", func(t *testing.T) {
		be := &triageBackend{}
		h, st := triageHarness(t, be)
		h.burst("a", "n", "i", "g", "h", "t", "enter")
		c, _, _ := st.Conversation("c1")
		if c.TeamID == "" || be.puts["c1"].TeamID != c.TeamID {
			t.Fatalf("c1 assigned to user %q team %q; platform got %+v", c.UserID, c.TeamID, be.puts)
		}
		if s := h.frame(120); !strings.Contains(s, "Night Shift") {
			t.Errorf("no word of Night Shift:\n%s", s)
		}
	})
	t.Run("t x marks nothing", func(t *testing.T) {
		h, _ := triageHarness(t, &triageBackend{})
		h.burst("t", "x")
		s := h.frame(120)
		if strings.Contains(s, "marked") {
			t.Fatalf("a conversation was marked:\n%s", s)
		}
		if !strings.Contains(s, "Template: x") {
			t.Errorf("the x did not reach the template filter:\n%s", s)
		}
	})
	t.Run("keys after a choice go on to the inbox", func(t *testing.T) {
		be := &triageBackend{}
		h, st := triageHarness(t, be)
		h.burst("a", "n", "i", "g", "h", "t", "enter", "j")
		if c, _, _ := st.Conversation("c1"); c.TeamID == "" {
			t.Fatalf("not assigned: %+v", c)
		}
		if s := h.frame(120); strings.Contains(s, "Assign ") {
			t.Fatalf("the picker stayed open:\n%s", s)
		}
	})
	t.Run("help takes the keys after ?", func(t *testing.T) {
		h, _ := triageHarness(t, &triageBackend{})
		before := h.frame(120)
		h.burst("?", "j", "esc")
		if after := h.frame(120); after != before {
			t.Fatalf("keys after ? moved the inbox:\n%s", after)
		}
	})
}

// [keys] dialog_close rebinds esc in every dialog, and every dialog's
// hint names the new key.
func TestRebindDialogClose(t *testing.T) {
	km, err := applyKeys("config.toml", map[string]any{"dialog_close": "ctrl+g"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := fixture(t)
	eng := state.NewEngine(st, &triageBackend{}, state.Config{Now: func() time.Time { return fixedNow }})
	eng.SetMe("u-me")
	app := ui.New(ui.Deps{Core: state.NewService(st, eng), Tick: noTick, Account: "work", Now: func() time.Time { return fixedNow }}, km)
	h := startHarness(t, app, 120, 40)
	dialogs := []struct {
		open  []string
		title string
	}{
		{[]string{"a"}, "Assign Ana Lima"},
		{[]string{"t"}, "Send a template to"},
		{[]string{"c"}, "Contacts"},
		{[]string{"/", "x", "enter"}, "Nothing matches"},
		{[]string{"?"}, "Keys — "},
	}
	for _, d := range dialogs {
		h.keys(d.open...)
		s := h.frame(120)
		if !strings.Contains(s, d.title) {
			t.Fatalf("%v did not open %q:\n%s", d.open, d.title, s)
		}
		if !strings.Contains(s, "ctrl+g") || strings.Contains(s, "esc close") {
			t.Errorf("%q: the hint does not name ctrl+g:\n%s", d.title, s)
		}
		if d.title != "Keys — " {
			h.keys("esc") // no longer closes
			if s := h.frame(120); !strings.Contains(s, d.title) {
				t.Errorf("%q: esc closed it although dialog_close is ctrl+g", d.title)
			}
		}
		h.send(parseKey("ctrl+g"))
		if s := h.frame(120); strings.Contains(s, d.title) {
			t.Fatalf("%q: ctrl+g did not close it:\n%s", d.title, s)
		}
	}
}

// A reply stays in the composer until the outbox has it; what the agent
// types straight after enter goes after it, into the emptied composer.
func TestReplyInOutboxBeforeTheComposerClears(t *testing.T) {
	h, st, _ := actionHarness(t, 120, 40)
	h.keys("enter", "r")
	h.typ("See you Thursday")
	var cmds []tea.Cmd
	for _, k := range []string{"enter", "a", "n", "d"} {
		_, cmd := h.app.Update(keyPress(k))
		cmds = append(cmds, cmd)
		if k == "enter" {
			// Before the send has run: the text is still there.
			if f := h.frame(120); !strings.Contains(f, "See you Thursday") || strings.Contains(f, "0/4096") {
				t.Fatalf("the composer was cleared before the outbox had the reply:\n%s", f)
			}
		}
	}
	h.run(tea.Batch(cmds...))
	items, _ := st.Outbox(state.OutboxQueued)
	n := 0
	for _, it := range items {
		if it.Body == "See you Thursday" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d queued replies with the text, want 1", n)
	}
	if f := h.frame(120); !strings.Contains(f, "│ and") || !strings.Contains(f, "3/4096") {
		t.Errorf("the keys typed after enter are not alone in the composer:\n%s", f)
	}
}

// Opening an unread conversation shows it read in the very next frame,
// before the store has been told; the store and the counts follow.
func TestOpenedConversationShowsReadAtOnce(t *testing.T) {
	h, st, _ := actionHarness(t, 120, 40)
	if c, _, _ := st.Conversation("c1"); c.Unread == 0 {
		t.Fatal("the fixture's first conversation should be unread")
	}
	row := func() string { return lineWith(h.frame(120), "Ana Lima  ") }
	if !strings.Contains(row(), "●") {
		t.Fatalf("Ana Lima's row is not unread before: %q", row())
	}
	_, cmd := h.app.Update(keyPress("enter")) // no command has run yet
	if strings.Contains(row(), "●") {
		t.Fatalf("the next frame still shows Ana Lima unread: %q", row())
	}
	h.run(cmd)
	if c, _, _ := st.Conversation("c1"); c.Unread != 0 {
		t.Errorf("the store still counts %d unread", c.Unread)
	}
	if strings.Contains(row(), "●") {
		t.Errorf("after the reload Ana Lima shows unread again: %q", row())
	}
}
