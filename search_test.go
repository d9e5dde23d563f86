package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

// searchHarness is the fixture with Ana Lima's thread made long: a
// message about a zebrafish, then more than a page of later messages, so
// that opening it from a search reads the thread back to it.
func searchHarness(t *testing.T, w, h int) (*harness, *state.Store) {
	st, _ := fixture(t)
	old := fixedNow.Add(-40 * time.Hour)
	msgs := []state.Message{{ID: "z1", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Direction: state.Inbound,
		Body: "Can I bring my zebrafish tank to the viewing?", Time: old}}
	for i := range 260 {
		msgs = append(msgs, state.Message{ID: fmt.Sprintf("f%d", i), ConversationID: "c1", AccountID: "a1", ContactID: "k1",
			Direction: state.Inbound, Body: fmt.Sprintf("filler line %d", i), Time: old.Add(time.Duration(i+1) * time.Minute)})
	}
	if _, err := st.ApplyMessages(state.Batch{Messages: msgs}, fixedNow); err != nil {
		t.Fatal(err)
	}
	eng := state.NewEngine(st, &fakeBackend{}, state.Config{Now: func() time.Time { return fixedNow }})
	eng.SetMe("u-me")
	app := ui.New(ui.Deps{Core: state.NewService(st, eng), Tick: noTick, Account: "Head Office · Alex Agent", Now: func() time.Time { return fixedNow }}, defaultKeyMap())
	return startHarness(t, app, w, h), st
}

// rowWith is the screen line holding every one of parts, "" for none.
func rowWith(frame string, parts ...string) string {
	for _, l := range strings.Split(frame, "\n") {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return l
		}
	}
	return ""
}

// A phone number typed any way finds the customer's conversation, and
// enter opens it.
func TestSearchFindsACustomerByNumber(t *testing.T) {
	for _, q := range []string{"7902111124", "+44 7902 111124", "0044 (7902) 111-124", "Okafor", "ben"} {
		t.Run(q, func(t *testing.T) {
			h, _ := searchHarness(t, 120, 40)
			h.keys("/")
			h.typ(q)
			f := h.frame(120)
			if !strings.Contains(f, "1 match — enter opens") || rowWith(f, "Ben Okafor", "+447902111124") == "" {
				t.Fatalf("%q does not list Ben Okafor with his number:\n%s", q, f)
			}
			h.keys("enter")
			f = h.frame(120)
			if !strings.Contains(f, "━ Ben Okafor") || !strings.Contains(f, "Can I still apply?") || strings.Contains(f, "1 match") {
				t.Fatalf("enter did not open Ben Okafor's conversation:\n%s", f)
			}
			if strings.Contains(f, "▶") {
				t.Errorf("a conversation found by its contact marks a message:\n%s", f)
			}
		})
	}
}

// Results say who wrote each message: the customer, "you" for the
// logged-in agent, another agent by first name.
func TestSearchSaysWhoWrote(t *testing.T) {
	h, st := searchHarness(t, 120, 40)
	if _, err := st.ApplyMessages(state.Batch{Messages: []state.Message{{ID: "h1", ConversationID: "c4", AccountID: "a1", ContactID: "k4",
		Direction: state.Outbound, Body: "Thursday works for Helen", Time: fixedNow.Add(-time.Hour), Sender: "Helen Smith", Status: state.StatusRead}}}, fixedNow); err != nil {
		t.Fatal(err)
	}
	h.keys("/")
	h.typ("thursday")
	f := h.frame(120)
	for _, want := range [][]string{
		{"Ana Lima", "customer", "Thursday after 5"},
		{"Ana Lima", "you", "Thursday 17:30"},
		{"Helen", "Thursday works"},
	} {
		if rowWith(f, want...) == "" {
			t.Errorf("no row with %q:\n%s", want, f)
		}
	}
	if l := rowWith(f, "Thursday works"); strings.Contains(l, " you ") {
		t.Errorf("Helen's reply is shown as the agent's: %q", l)
	}
}

// Opening a message hit reads the thread back to the message (more than
// a page behind), scrolls to it and marks it; n goes on to the next hit.
func TestSearchOpensTheMessageMarked(t *testing.T) {
	h, _ := searchHarness(t, 120, 40)
	h.keys("/")
	h.typ("zebrafish")
	if f := h.frame(120); rowWith(f, "Ana Lima", "customer", "zebrafish") == "" {
		t.Fatalf("no hit:\n%s", f)
	}
	h.keys("enter")
	f := h.frame(120)
	marked := rowWith(f, "▶")
	if marked == "" || !strings.Contains(f, "Can I bring my zebrafish tank") {
		t.Fatalf("the message is not shown marked:\n%s", f)
	}
	if !strings.Contains(f, "━ Ana Lima") {
		t.Fatalf("Ana Lima's conversation is not open:\n%s", f)
	}
	lines := strings.Split(f, "\n")
	for i, l := range lines {
		if l == marked && (i+1 >= len(lines) || !strings.Contains(lines[i+1], "zebrafish")) {
			t.Errorf("the mark is not on the message's header:\n%s", f)
		}
	}
	// n and N step through the hits: "filler" has many.
	h.keys("/")
	h.typ("filler")
	h.keys("enter")
	first := rowWith(h.frame(120), "▶")
	h.keys("n")
	second := rowWith(h.frame(120), "▶")
	if first == "" || second == "" || first == second {
		t.Fatalf("n did not move the mark: %q then %q", first, second)
	}
	h.keys("N")
	if back := rowWith(h.frame(120), "▶"); back != first {
		t.Errorf("N did not go back: %q, want %q", back, first)
	}
}

// After an empty result the letters typed keep refining the query; none
// runs as an inbox command (e archives, 2 shows the archive).
func TestSearchEmptyResultKeepsTyping(t *testing.T) {
	h, st := searchHarness(t, 120, 40)
	h.keys("/")
	h.typ("qqq")
	if f := h.frame(120); !strings.Contains(f, `Nothing matches "qqq"`) {
		t.Fatalf("no empty result:\n%s", f)
	}
	h.keys("enter") // nothing to open: stays
	h.typ("e2")
	f := h.frame(120)
	if !strings.Contains(f, "/ qqqe2") || !strings.Contains(f, `Nothing matches "qqqe2"`) {
		t.Fatalf("the letters did not refine the query:\n%s", f)
	}
	if c := folderOf(t, st, "c1"); c.Folder != state.FolderInbox {
		t.Errorf("e archived the conversation: %v", c.Folder)
	}
	for range 5 {
		h.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	h.typ("ana")
	if f := h.frame(120); rowWith(f, "Ana Lima", "+447902111123") == "" {
		t.Fatalf("the refined query does not find Ana:\n%s", f)
	}
}

// Re-opening / starts from the last query, selected: typing replaces
// it, a movement key keeps it (and moves through its hits).
func TestSearchReopensWithTheLastQuery(t *testing.T) {
	h, _ := searchHarness(t, 120, 40)
	h.keys("/")
	h.typ("thursday")
	h.keys("esc")
	h.keys("/")
	f := h.frame(120)
	if !strings.Contains(f, "/ thursday") || !strings.Contains(f, "2 matches") {
		t.Fatalf("/ does not start from the last query:\n%s", f)
	}
	h.typ("ben")
	if f := h.frame(120); !strings.Contains(f, "/ ben") || strings.Contains(f, "thursday") || rowWith(f, "Ben Okafor") == "" {
		t.Fatalf("typing did not replace the query:\n%s", f)
	}
	h.keys("esc", "/")
	h.send(tea.KeyPressMsg{Code: tea.KeyDown})
	h.typ("x")
	if f := h.frame(120); !strings.Contains(f, "/ benx") {
		t.Fatalf("a movement key did not keep the query:\n%s", f)
	}
}

// Keys typed after enter, before the hits for the query came, wait for
// them and go where the agent meant: the hit opens and r o k write a
// reply in its conversation.
func TestSearchKeysAfterEnterWait(t *testing.T) {
	h, _ := searchHarness(t, 120, 40)
	h.keys("/")
	h.typ("zebrafis")
	_, search := h.app.Update(tea.KeyPressMsg{Code: 'h', Text: "h"}) // its search not run yet
	var later []tea.Cmd
	for _, k := range []string{"enter", "r", "o", "k"} {
		_, cmd := h.app.Update(keyPress(k))
		later = append(later, cmd)
	}
	if f := h.frame(120); !strings.Contains(f, "/ zebrafish") {
		t.Fatalf("the keys did not wait for the hits:\n%s", f)
	}
	h.run(search)
	for _, cmd := range later {
		h.run(cmd)
	}
	f := h.frame(120)
	if !strings.Contains(f, "━ Ana Lima") || rowWith(f, "▶") == "" {
		t.Fatalf("the hit did not open:\n%s", f)
	}
	if !strings.Contains(f, "ok") || rowWith(f, "ok") == "" {
		t.Fatalf("r o k did not write in the composer:\n%s", f)
	}
}

func TestGoldenSearch(t *testing.T) {
	scenarios := []struct {
		name string
		text string
		then []string
	}{
		{name: "search_customers", text: "7902 111"},                        // four numbers hold these digits, one a hostile name
		{name: "search_messages", text: "thursday"},                         // the customer and the agent
		{name: "search_empty", text: "qqq"},                                 // nothing
		{name: "search_opened", text: "zebrafish", then: []string{"enter"}}, // the thread, read back and marked
	}
	for _, sz := range sizes {
		for _, sc := range scenarios {
			t.Run(sc.name+"_"+sz.name, func(t *testing.T) {
				h, _ := searchHarness(t, sz.w, sz.h)
				h.keys("/")
				h.typ(sc.text)
				h.keys(sc.then...)
				golden.RequireEqual(t, h.frame(sz.w))
			})
		}
	}
}

// Keys typed for the thread while it is read back to a hit act on it
// once it is there: j j typed before the rows came scroll from the hit,
// as typed after.
func TestSearchThreadKeysWaitForTheHit(t *testing.T) {
	after, _ := searchHarness(t, 120, 40)
	after.keys("/")
	after.typ("zebrafish")
	after.keys("enter", "j", "j")
	want := after.frame(120)

	h, _ := searchHarness(t, 120, 40)
	h.keys("/")
	h.typ("zebrafish")
	var cmds []tea.Cmd
	for _, k := range []string{"enter", "j", "j"} {
		_, cmd := h.app.Update(keyPress(k))
		cmds = append(cmds, cmd)
	}
	for _, cmd := range cmds {
		h.run(cmd)
	}
	if got := h.frame(120); got != want {
		t.Errorf("j j typed before the thread came:\n%s\nwant, as typed after:\n%s", got, want)
	}
}

// A search abandoned with the box (esc before its hits came) runs again
// when / opens it, so that enter then opens a hit instead of waiting.
func TestSearchAbandonedRunsAgain(t *testing.T) {
	tests := []struct {
		name     string
		answered string // typed, its search run
		unrun    []tea.KeyPressMsg
	}{
		{"another query", "zebrafis", []tea.KeyPressMsg{{Code: 'h', Text: "h"}}},
		{"the answered query again", "zebrafish", []tea.KeyPressMsg{{Code: tea.KeyBackspace}, {Code: 'h', Text: "h"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := searchHarness(t, 120, 40)
			h.keys("/")
			h.typ(tt.answered)
			for _, k := range tt.unrun {
				h.app.Update(k) // its search never runs
			}
			h.app.Update(keyPress("esc"))
			h.keys("/", "enter")
			if f := h.frame(120); rowWith(f, "▶") == "" || !strings.Contains(f, "Can I bring my zebrafish tank") {
				t.Fatalf("enter did not open the hit:\n%s", f)
			}
		})
	}
}
