package main

// The template picker and form, the assignment picker, bulk triage and the
// contacts panel, driven through the root model with the fixture store
// (inbox_test.go). The fixture's conversations, top to bottom: Ana Lima
// (c1, mine), 山本 美咲 (c5), the hostile name (c4, Helen's), Chloé Martin
// (c3), Ben Okafor (c2, team Head Office, window closed 6 hours ago).

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

func TestGoldenDialogs(t *testing.T) {
	scenarios := []struct {
		name string
		keys []string
		text string // typed after the keys
		then []string
	}{
		// Ben Okafor's window is closed: r offers the templates.
		{name: "template_picker", keys: []string{"j", "j", "j", "j", "r"}},
		// viewing_reminder, sent empty, then a value with five spaces.
		{name: "template_form_errors", keys: []string{"j", "j", "j", "j", "t", "enter", "enter"}, text: "14     King St"},
		{name: "assign_picker", keys: []string{"a"}},
		{name: "contacts", keys: []string{"c"}},
	}
	for _, sz := range sizes {
		for _, sc := range scenarios {
			t.Run(sc.name+"_"+sz.name, func(t *testing.T) {
				h := newHarness(t, sz.w, sz.h)
				h.keys(sc.keys...)
				h.typ(sc.text)
				h.keys(sc.then...)
				golden.RequireEqual(t, h.frame(sz.w))
			})
		}
	}
}

// triageBackend is the fixture's platform for actions: conversation
// updates (failing for the ids in fail), contacts.
type triageBackend struct {
	msgboxxLike
	mu       sync.Mutex
	puts     map[string]state.ConversationMeta
	fail     map[string]error
	contacts []state.Contact
}

func (b *triageBackend) UpdateConversation(_ context.Context, id string, m state.ConversationMeta) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.fail[id]; err != nil {
		return err
	}
	if b.puts == nil {
		b.puts = map[string]state.ConversationMeta{}
	}
	b.puts[id] = m
	return nil
}

func (b *triageBackend) CreateContact(_ context.Context, c state.Contact) (state.Contact, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, o := range b.contacts {
		if o.Number == c.Number && o.AccountID == c.AccountID {
			return state.Contact{}, &state.BackendError{Kind: state.KindConflict, Message: "a contact with this mobile number already exists"}
		}
	}
	c.ID = "k-new"
	b.contacts = append(b.contacts, c)
	return c, nil
}

func (b *triageBackend) ContactByNumber(_ context.Context, accountID, number string) (state.Contact, bool, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, o := range b.contacts {
		if o.Number == number && o.AccountID == accountID {
			return o, true, nil
		}
	}
	return state.Contact{}, false, nil
}

func triageHarness(t *testing.T, be *triageBackend) (*harness, *state.Store) {
	st, _ := fixture(t)
	eng := state.NewEngine(st, be, state.Config{Now: func() time.Time { return fixedNow }})
	eng.SetMe("u-me")
	app := ui.New(ui.Deps{Core: state.NewService(st, eng), Tick: noTick, Account: "Head Office · Alex Agent", Now: func() time.Time { return fixedNow }}, defaultKeyMap())
	return startHarness(t, app, 120, 40), st
}

func TestTemplateFlow(t *testing.T) {
	h, st := triageHarness(t, &triageBackend{})
	h.keys("j", "j", "j", "j", "t")
	screen := h.frame(120)
	for _, want := range []string{"Send a template to Ben Okafor", "closed", "viewing_reminder", "welcome_back", "order_update", "Pending", "spring_promo", "Rejected"} {
		if !strings.Contains(screen, want) {
			t.Errorf("picker lacks %q:\n%s", want, screen)
		}
	}
	if strings.Contains(screen, "other_account") {
		t.Errorf("picker lists another account's template:\n%s", screen)
	}

	// Fuzzy: "wlcm" finds welcome_back; the form pre-fills the first name (the example shows one).
	h.typ("wlcm")
	h.keys("enter")
	screen = h.frame(120)
	if !strings.Contains(screen, "Template welcome_back → Ben Okafor") || !strings.Contains(screen, "{{1}} Ben ") {
		t.Fatalf("form for welcome_back with the name filled in expected:\n%s", screen)
	}
	if !strings.Contains(screen, "e.g. Head Office") {
		t.Errorf("the second field lacks its hint from the example:\n%s", screen)
	}
	h.keys("tab")
	h.typ("Head Office")
	if got := h.frame(120); !strings.Contains(got, "Hi Ben, thanks for getting in touch with Head Office.") {
		t.Errorf("the live preview is not the filled text:\n%s", got)
	}
	h.keys("enter")

	items, err := st.Outbox()
	if err != nil {
		t.Fatal(err)
	}
	var sent []state.OutboxItem
	for _, it := range items {
		if it.Kind == state.OutboxTemplate {
			sent = append(sent, it)
		}
	}
	want := "Hi Ben, thanks for getting in touch with Head Office. Reply to this message to carry on the conversation."
	if len(sent) != 1 || sent[0].Body != want || sent[0].TemplateID != "tp1" || sent[0].ConversationID != "c2" {
		t.Fatalf("outbox templates = %+v, want one tp1 to c2 with %q", sent, want)
	}
	screen = h.frame(120)
	if !strings.Contains(screen, "Template queued for Ben Okafor") || !strings.Contains(screen, "thanks for getting in touch") {
		t.Errorf("after sending: the flash and the template in the thread expected:\n%s", screen)
	}
}

func TestTemplatePickerRefusesUnapproved(t *testing.T) {
	h, _ := triageHarness(t, &triageBackend{})
	h.keys("j", "j", "j", "j", "t")
	h.typ("order")
	h.keys("enter")
	screen := h.frame(120)
	if strings.Contains(screen, "Template order_update") {
		t.Fatalf("a pending template opened its form:\n%s", screen)
	}
	if !strings.Contains(screen, "order_update is pending: it cannot be sent") {
		t.Errorf("the preview does not say the template cannot be sent:\n%s", screen)
	}
}

func TestAssignPicker(t *testing.T) {
	be := &triageBackend{}
	h, st := triageHarness(t, be)
	h.keys("a")
	screen := h.frame(120)
	for _, want := range []string{"Assign Ana Lima", "● Alex Agent", "Helen Smith", "Head Office", "Night Shift"} {
		if !strings.Contains(screen, want) {
			t.Errorf("assignment picker lacks %q:\n%s", want, screen)
		}
	}
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, "Permanent") && strings.Contains(l, "team") {
			t.Errorf("a team of another account is offered: %q", l)
		}
	}
	h.typ("night")
	h.keys("enter")
	if c := folderOf(t, st, "c1"); c.TeamID != "t2" || c.UserID != "" {
		t.Fatalf("c1 = user %q team %q, want team t2 only", c.UserID, c.TeamID)
	}
	if m := be.puts["c1"]; m.TeamID != "t2" || m.UserID != "" {
		t.Errorf("platform got %+v, want the team alone", m)
	}
	if screen := h.frame(120); !strings.Contains(screen, "Assigned Ana Lima to team Night Shift") {
		t.Errorf("no summary:\n%s", screen)
	}
}

func TestBulkAssignReportsFailures(t *testing.T) {
	be := &triageBackend{fail: map[string]error{
		"c3": &state.BackendError{Kind: state.KindRefused, Message: "conversation is locked"},
	}}
	h, st := triageHarness(t, be)
	h.keys("x", "x", "x", "x") // Ana, 山本, the hostile name, Chloé
	h.keys("a")
	if screen := h.frame(120); !strings.Contains(screen, "Assign 4 conversations") {
		t.Fatalf("picker for the marked conversations expected:\n%s", screen)
	}
	h.typ("Head Office")
	h.keys("enter")
	screen := h.frame(120)
	if !strings.Contains(screen, "3 assigned to team Head Office, 1 failed") || !strings.Contains(screen, "Chloé Martin") {
		t.Errorf("summary naming the failure expected:\n%s", screen)
	}
	for id, team := range map[string]string{"c1": "t1", "c5": "t1", "c4": "t1", "c3": ""} {
		if c := folderOf(t, st, id); c.TeamID != team {
			t.Errorf("%s team = %q, want %q", id, c.TeamID, team)
		}
	}
}

func TestContactsCreateAndDuplicate(t *testing.T) {
	be := &triageBackend{contacts: []state.Contact{{ID: "k1", AccountID: "a1", Name: "Ana Lima", Number: "+447902111123"}}}
	h, _ := triageHarness(t, be)
	h.keys("c")
	if screen := h.frame(120); !strings.Contains(screen, "Contacts") || !strings.Contains(screen, "Ana Lima") {
		t.Fatalf("contacts panel with recent contacts expected:\n%s", screen)
	}

	// A number without a country code: refused before any request.
	h.send(keyCtrl('n'))
	h.typ("Zara Quinn")
	h.keys("tab")
	h.typ("07902 555123")
	h.keys("tab", "enter")
	screen := h.frame(120)
	if !strings.Contains(screen, "country code") {
		t.Fatalf("an error about the country code expected:\n%s", screen)
	}
	if len(be.contacts) != 1 {
		t.Fatalf("a contact was created with a bad number: %+v", be.contacts)
	}

	// Ana's number: the platform says 409; the existing contact is offered.
	h.send(keyCtrl('u'))
	h.typ("+44 7902 111123")
	h.keys("tab", "enter")
	screen = h.frame(120)
	if !strings.Contains(screen, "enter opens Ana Lima") {
		t.Fatalf("the existing contact is not offered:\n%s", screen)
	}
	h.keys("enter")
	screen = h.frame(120)
	if strings.Contains(screen, "New contact") || !strings.Contains(screen, "Yes it is!") {
		t.Errorf("enter should open Ana Lima's conversation:\n%s", screen)
	}
}

func TestContactsNewConversationStartsAtTemplates(t *testing.T) {
	be := &triageBackend{}
	h, st := triageHarness(t, be)
	h.keys("c")
	h.send(keyCtrl('n'))
	h.typ("Zara Quinn")
	h.keys("tab")
	h.typ("+44 7902 555123")
	h.keys("tab", "enter")
	screen := h.frame(120)
	if !strings.Contains(screen, "Send a template to Zara Quinn") || !strings.Contains(screen, "A new conversation") {
		t.Fatalf("a new conversation should start at the template picker:\n%s", screen)
	}
	h.typ("welcome")
	h.keys("enter", "tab")
	h.typ("Head Office")
	h.keys("enter")
	conv, ok, err := st.ConversationFor("a1", "k-new")
	if err != nil || !ok || !state.IsNewConversation(conv.ID) {
		t.Fatalf("the new conversation is not in the store: %+v %v %v", conv, ok, err)
	}
	screen = h.frame(120)
	if !strings.Contains(screen, "Template queued for Zara Quinn") || !strings.Contains(screen, "Hi Zara, thanks") {
		t.Errorf("the new conversation's thread with its template expected:\n%s", screen)
	}
}

func TestContactTags(t *testing.T) {
	be := &tagBackend{}
	h, st := func() (*harness, *state.Store) {
		st, _ := fixture(t)
		eng := state.NewEngine(st, be, state.Config{Now: func() time.Time { return fixedNow }})
		app := ui.New(ui.Deps{Core: state.NewService(st, eng), Tick: noTick, Account: "Head Office · Alex Agent", Now: func() time.Time { return fixedNow }}, defaultKeyMap())
		return startHarness(t, app, 120, 40), st
	}()
	h.keys("c")
	h.typ("ana")
	h.send(keyCtrl('t'))
	h.typ("vip, spanish, VIP")
	h.keys("enter")
	c, ok, err := st.Contact("k1")
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if strings.Join(c.Tags, ",") != "vip,spanish" {
		t.Errorf("stored tags = %q, want vip,spanish", c.Tags)
	}
	if screen := h.frame(120); !strings.Contains(screen, "Tags     vip, spanish") {
		t.Errorf("the panel does not show the saved tags:\n%s", screen)
	}
}

// tagBackend answers the contact reads and updates of a tag edit.
type tagBackend struct {
	msgboxxLike
	mu   sync.Mutex
	last state.Contact
}

func (b *tagBackend) ContactByNumber(_ context.Context, accountID, number string) (state.Contact, bool, error) {
	return state.Contact{ID: "k1", AccountID: accountID, Name: "Ana Lima", Number: number}, true, nil
}

func (b *tagBackend) UpdateContact(_ context.Context, c state.Contact) (state.Contact, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if c.ID == "" {
		return c, errors.New("no id")
	}
	b.last = c
	return c, nil
}

func keyCtrl(r rune) tea.KeyPressMsg { return tea.KeyPressMsg{Code: r, Mod: tea.ModCtrl} }

// S lists the configured accounts; choosing another ends the program with
// it as SwitchTo, for main to open; the current one is marked.
func TestSwitchAccount(t *testing.T) {
	st, eng := fixture(t)
	app := ui.New(ui.Deps{Core: state.NewService(st, eng), Tick: noTick, Account: "work · Alex", Now: func() time.Time { return fixedNow },
		Accounts: []string{"home", "work", "weekend"}, Current: "work"}, defaultKeyMap())
	h := startHarness(t, app, 120, 40)
	h.keys("S")
	screen := h.frame(120)
	if !strings.Contains(screen, "Switch account") || !strings.Contains(screen, "● work") || !strings.Contains(screen, "open now") {
		t.Fatalf("account picker with the current account marked expected:\n%s", screen)
	}
	h.typ("wknd")
	h.keys("enter")
	if got := app.SwitchTo(); got != "weekend" {
		t.Errorf("SwitchTo = %q, want weekend", got)
	}

	// One account: S neither acts nor shows in help.
	st2, eng2 := fixture(t)
	one := ui.New(ui.Deps{Core: state.NewService(st2, eng2), Tick: noTick, Now: func() time.Time { return fixedNow }, Accounts: []string{"work"}, Current: "work"}, defaultKeyMap())
	h = startHarness(t, one, 120, 40)
	h.keys("S")
	if screen := h.frame(120); strings.Contains(screen, "Switch account") {
		t.Errorf("a picker with one account:\n%s", screen)
	}
	h.keys("?")
	if screen := h.frame(120); strings.Contains(screen, "switch account") {
		t.Errorf("help offers switching with one account:\n%s", screen)
	}
}
