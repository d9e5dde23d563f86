package state

import (
	"context"
	"errors"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"
)

// Conversations started from mbx ("new:" ids) and how they become the
// platform's.

const (
	newAcc     = "a1"
	newContact = "k-zoe"
	realConv   = "c-real"
	zoeBody    = "Hello Zoe, your viewing is confirmed"
)

var newConv = NewConversationID(newAcc, newContact)

// newConvStore is a store that knows contact Zoe (no conversation) and
// holds a template of hers in the "new:" conversation, outbox state st.
func newConvStore(t *testing.T, st OutboxState) *Store {
	t.Helper()
	s := openTest(t)
	actAsAgent(t, s) // the platform's copies are the agent's (platformCopy)
	must(t, s.UpsertContacts([]Contact{{ID: newContact, AccountID: newAcc, Name: "Zoe New", Number: "+447902111123"}}))
	item := OutboxItem{LocalID: "l1", ConversationID: newConv, AccountID: newAcc, ContactID: newContact,
		Kind: OutboxTemplate, TemplateID: "tp1", Body: zoeBody, Created: t0, State: st}
	must(t, s.Enqueue(item, Message{Template: true}))
	return s
}

// platformCopy is the platform's copy of Zoe's template, in conversation conv.
func platformCopy(conv string, when time.Time, st MessageStatus) Message {
	return Message{ID: "m1", ConversationID: conv, AccountID: newAcc, ContactID: newContact, Direction: Outbound,
		Body: zoeBody, Time: when, Status: st, Template: true, Sender: "Agent"}
}

func TestNewConversationID(t *testing.T) {
	if newConv != "new:a1:k-zoe" || !IsNewConversation(newConv) || IsNewConversation("c1") || IsNewConversation("") {
		t.Fatalf("ids: %q", newConv)
	}
	for _, tt := range []struct{ id, acc, contact string }{
		{"new:a1:k-zoe", "a1", "k-zoe"},
		{"new:a1:k:with:colons", "a1", "k:with:colons"},
		{"new:a1:", "", ""},
		{"new::k", "", ""},
		{"c1", "", ""},
	} {
		a, c, ok := parseNewConversationID(tt.id)
		if a != tt.acc || c != tt.contact || ok != (tt.acc != "") {
			t.Errorf("parse %q = %q %q %v", tt.id, a, c, ok)
		}
	}
}

func TestNewConversationRow(t *testing.T) {
	s := newConvStore(t, OutboxQueued)
	c := getConv(t, s, newConv)
	if !c.MetaKnown || c.Folder != FolderInbox || c.ContactName != "Zoe New" || c.ContactNumber != "+447902111123" ||
		c.AccountID != newAcc || c.ContactID != newContact || c.Preview != zoeBody || !c.PreviewOut {
		t.Errorf("the new conversation: %+v", c)
	}
	if ids, _ := s.ConversationsWithoutMeta(10); len(ids) != 0 {
		t.Errorf("without meta: %v (the platform must never be asked for a new: id)", ids)
	}
	// Even if something marks it unknown, sync does not ask for it.
	must(t, s.ForgetConversationMeta(newConv))
	if ids, _ := s.ConversationsWithoutMeta(10); len(ids) != 0 {
		t.Errorf("without meta after forgetting: %v", ids)
	}
	if got, ok, err := s.ConversationFor(newAcc, newContact); err != nil || !ok || got.ID != newConv {
		t.Errorf("ConversationFor = %+v %v %v", got, ok, err)
	}
	if n, _ := s.CountConversations(View{}); n != 1 {
		t.Errorf("inbox counts %d", n)
	}
	// A refused template stays, failed, with its reason.
	must(t, s.FailOutbox("l1", "refused by the platform: no"))
	m := getMsg(t, s, "local:l1")
	if m.Status != StatusFailed || m.Reason == "" || m.ConversationID != newConv {
		t.Errorf("failed template: %+v", m)
	}
}

// checkRehomed: one conversation, the platform's, holding the template,
// and nothing left of the "new:" one.
func checkRehomed(t *testing.T, s *Store) Conversation {
	t.Helper()
	if _, ok, _ := s.Conversation(newConv); ok {
		t.Error("the new: conversation is still there")
	}
	c := getConv(t, s, realConv)
	if c.AccountID != newAcc || c.ContactID != newContact || c.ContactName != "Zoe New" || c.Preview != zoeBody || !c.PreviewOut {
		t.Errorf("the real conversation: %+v", c)
	}
	thread, err := s.Thread(realConv, time.Time{}, 10)
	if err != nil || len(thread) != 1 || thread[0].ID != "m1" || thread[0].LocalID != "l1" {
		t.Errorf("thread %+v %v", thread, err)
	}
	if n, _ := s.ThreadCount(newConv); n != 0 {
		t.Errorf("%d messages left in the new: conversation", n)
	}
	it, _, _ := s.OutboxItem("l1")
	if it.ConversationID != realConv || it.State != OutboxSent || it.ServerID != "m1" {
		t.Errorf("outbox item %+v", it)
	}
	if got, ok, _ := s.ConversationFor(newAcc, newContact); !ok || got.ID != realConv {
		t.Errorf("ConversationFor = %+v", got)
	}
	counts, _ := s.FolderCounts()
	if total := counts[FolderInbox] + counts[FolderArchive] + counts[FolderSpam]; total != 1 {
		t.Errorf("folder counts %v", counts)
	}
	checkConvIndex(t, s)
	return c
}

func TestNewConversationCompleteFirst(t *testing.T) {
	s := newConvStore(t, OutboxSending)
	must(t, s.SaveDraft(Draft{ConversationID: newConv, Text: "and bring ID", Updated: at(time.Second)}))
	rehomed, err := s.completeOutbox("l1", platformCopy(realConv, at(2*time.Second), StatusPending))
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(rehomed, map[string]string{newConv: realConv}) {
		t.Errorf("rehomed %v", rehomed)
	}
	c := checkRehomed(t, s)
	if c.MetaKnown || c.Folder != FolderInbox {
		t.Errorf("the real conversation's folder and assignee must be read from the platform: %+v", c)
	}
	if ids, _ := s.ConversationsWithoutMeta(10); !slices.Equal(ids, []string{realConv}) {
		t.Errorf("without meta: %v", ids)
	}
	if d, ok, _ := s.Draft(realConv); !ok || d.Text != "and bring ID" {
		t.Errorf("draft not moved: %+v", d)
	}
	if _, ok, _ := s.Draft(newConv); ok {
		t.Error("draft left behind")
	}
	// The sync then sees the message: nothing more changes.
	res, err := s.ApplyMessages(Batch{Messages: []Message{platformCopy(realConv, at(2*time.Second), StatusSent)}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.NewConversations) != 0 || len(res.Rehomed) != 0 || res.NewMessages != 0 || res.StatusChanges != 1 {
		t.Errorf("the sync after: %+v", res)
	}
	checkRehomed(t, s)
}

func TestNewConversationSyncFirst(t *testing.T) {
	s := newConvStore(t, OutboxSending)
	res, err := s.ApplyMessages(Batch{Messages: []Message{platformCopy(realConv, at(time.Second), StatusSent)}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(res.Rehomed, map[string]string{newConv: realConv}) || !slices.Equal(res.NewConversations, []string{realConv}) ||
		!slices.Contains(res.Changed, newConv) || !slices.Contains(res.Changed, realConv) || res.NewMessages != 0 {
		t.Errorf("apply: %+v", res)
	}
	checkRehomed(t, s)
	if m := getMsg(t, s, "m1"); m.Status != StatusSent {
		t.Errorf("status %v", m.Status)
	}
	// Then the send's answer arrives.
	rehomed, err := s.completeOutbox("l1", platformCopy(realConv, at(time.Second), StatusPending))
	if err != nil || len(rehomed) != 0 {
		t.Fatalf("complete after the sync: %v %v", rehomed, err)
	}
	checkRehomed(t, s)
	if m := getMsg(t, s, "m1"); m.Status != StatusSent {
		t.Errorf("status went back: %v", m.Status)
	}
}

// TestNewConversationPlacedBySync: the send's answer named no conversation
// (the message lookup failed): the sync places the message later.
func TestNewConversationPlacedBySync(t *testing.T) {
	s := newConvStore(t, OutboxSending)
	srv := platformCopy("", at(time.Second), StatusPending)
	if rehomed, err := s.completeOutbox("l1", srv); err != nil || len(rehomed) != 0 {
		t.Fatalf("complete: %v %v", rehomed, err)
	}
	// A "new:" id handed back as the platform's says nothing either.
	if m := getMsg(t, s, "m1"); m.ConversationID != newConv {
		t.Fatalf("message %+v", m)
	}
	res, err := s.ApplyMessages(Batch{Messages: []Message{platformCopy(realConv, at(time.Second), StatusDelivered)}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(res.Rehomed, map[string]string{newConv: realConv}) || res.StatusChanges != 1 {
		t.Errorf("apply: %+v", res)
	}
	checkRehomed(t, s)
}

// TestNewConversationIntoKnownOne: the customer wrote while the template
// was on its way: the platform's conversation takes the "new:" one in at
// once, keeps its folder and assignee, and the send's answer lands there.
func TestNewConversationIntoKnownOne(t *testing.T) {
	s := newConvStore(t, OutboxSending)
	in := Message{ID: "m0", ConversationID: realConv, AccountID: newAcc, ContactID: newContact, Direction: Inbound,
		Body: "who is this?", Time: at(3 * time.Second)}
	res, err := s.ApplyMessages(Batch{Messages: []Message{in}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if res.Rehomed[newConv] != realConv {
		t.Errorf("rehomed %v", res.Rehomed)
	}
	if _, err := s.SetConversationMeta(realConv, FolderArchive, "", "t-ho"); err != nil {
		t.Fatal(err)
	}
	rehomed, err := s.completeOutbox("l1", platformCopy(realConv, at(2*time.Second), StatusSent))
	if err != nil || len(rehomed) != 0 {
		t.Fatalf("complete: %v %v", rehomed, err)
	}
	c := getConv(t, s, realConv)
	if c.Folder != FolderArchive || c.TeamID != "t-ho" || !c.MetaKnown || c.Unread != 1 ||
		!c.LastOutbound.Equal(at(2*time.Second)) || !c.LastInbound.Equal(at(3*time.Second)) || c.Preview != "who is this?" {
		t.Errorf("the real conversation: %+v", c)
	}
	if _, ok, _ := s.Conversation(newConv); ok {
		t.Error("the new: conversation is still there")
	}
	if n, _ := s.ThreadCount(realConv); n != 2 {
		t.Errorf("%d messages", n)
	}
	if counts, _ := s.FolderCounts(); counts[FolderArchive] != 1 || counts[FolderInbox] != 0 {
		t.Errorf("counts %v", counts)
	}
}

func TestConversationForPrefersThePlatformsOne(t *testing.T) {
	s := newConvStore(t, OutboxFailed)
	// Another conversation of the same contact id in another account.
	other := Message{ID: "x1", ConversationID: "c-other", AccountID: "a2", ContactID: newContact, Direction: Inbound, Body: "hi", Time: at(time.Hour)}
	real := Message{ID: "x2", ConversationID: realConv, AccountID: newAcc, ContactID: newContact, Direction: Inbound, Body: "hi", Time: at(-time.Hour)}
	if _, err := s.ApplyMessages(Batch{Messages: []Message{other, real}}, t0); err != nil {
		t.Fatal(err)
	}
	if got, ok, _ := s.ConversationFor(newAcc, newContact); !ok || got.ID != realConv {
		t.Errorf("ConversationFor = %+v (the platform's one wins over a newer new: one)", got)
	}
	if got, ok, _ := s.ConversationFor("a2", newContact); !ok || got.ID != "c-other" {
		t.Errorf("ConversationFor a2 = %+v", got)
	}
	if _, ok, _ := s.ConversationFor("a3", newContact); ok {
		t.Error("a conversation for an account with none")
	}
}

func TestStartConversationAndApplyRefusal(t *testing.T) {
	s, e := actionFixture(t, &actionBackend{}, 2)
	must(t, s.ReplaceTemplates([]Template{{ID: "tp1", AccountID: accHO, Name: "hello", Status: "Approved", Text: "Hello {{1}}", Example: "Hello [John]"}}))
	// A contact with a conversation gets it.
	c1, err := e.StartConversation(Contact{ID: "kc1", AccountID: accHO, Name: "Ana Lima"})
	if err != nil || c1.ID != "c1" {
		t.Fatalf("existing: %+v %v", c1, err)
	}
	// One without: a transient conversation, nothing written.
	counts0, _ := s.FolderCounts()
	zed := Contact{ID: "kz", AccountID: accHO, Name: "Zed", Number: "+447902111123"}
	conv, err := e.StartConversation(zed)
	if err != nil {
		t.Fatal(err)
	}
	want := Conversation{ID: NewConversationID(accHO, "kz"), AccountID: accHO, ContactID: "kz", ContactName: "Zed",
		ContactNumber: "+447902111123", Folder: FolderInbox, MetaKnown: true}
	if !reflect.DeepEqual(conv, want) {
		t.Errorf("transient conversation %+v", conv)
	}
	if _, ok, _ := s.Conversation(conv.ID); ok {
		t.Error("a start alone wrote the conversation")
	}
	if counts, _ := s.FolderCounts(); !maps.Equal(counts, counts0) {
		t.Errorf("counts %v → %v", counts0, counts)
	}
	if _, err := e.StartConversation(Contact{ID: "kz"}); err == nil {
		t.Error("a contact without an account")
	}
	// Assign and move are refused, stored or not.
	check := func(when string) {
		t.Helper()
		res := e.Apply(context.Background(), []string{conv.ID}, Change{TeamID: tHO}, nil)
		var ie *InputError
		if !errors.As(res[0].Err, &ie) || ie.Msg != "this conversation starts when the platform accepts its first template; assign or move it after that" {
			t.Errorf("%s: Apply on a new conversation: %v", when, res[0].Err)
		}
	}
	check("before the template")

	tpls, _ := s.Templates(accHO)
	sub := e.Subscribe()
	defer sub.Close()
	item, err := e.SendTemplate(conv, tpls[0], map[int]string{1: "Zed"})
	if err != nil {
		t.Fatal(err)
	}
	if item.ConversationID != conv.ID {
		t.Errorf("item in %s", item.ConversationID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ch, _, err := sub.Next(ctx, 0)
	if _, ok := ch.Conversations[conv.ID]; err != nil || !ok || !ch.List {
		t.Errorf("changes %+v %v", ch, err)
	}
	stored := getConv(t, s, conv.ID)
	if !stored.MetaKnown || stored.Preview != "Hello Zed" {
		t.Errorf("stored %+v", stored)
	}
	if again, _ := e.StartConversation(zed); again.ID != conv.ID || again.Preview != "Hello Zed" {
		t.Errorf("starting again: %+v", again)
	}
	check("after the template")
	if n, _ := e.LoadOlder(context.Background(), conv.ID, time.Time{}); n != 0 {
		t.Errorf("LoadOlder %d", n)
	}

	// The platform places it; a stale view of the new: conversation then
	// sends to the real one, and a late draft follows it too.
	if _, err := s.completeOutbox(item.LocalID, Message{ID: "mz", ConversationID: "cz", AccountID: accHO, ContactID: "kz",
		Direction: Outbound, Body: "Hello Zed", Time: t0}); err != nil {
		t.Fatal(err)
	}
	item2, err := e.SendTemplate(conv, tpls[0], map[int]string{1: "again"})
	if err != nil || item2.ConversationID != "cz" {
		t.Errorf("second template: %+v %v", item2, err)
	}
	e.SaveDraft(conv.ID, "typed in the old view")
	e.FlushDrafts()
	if d, ok, _ := s.Draft("cz"); !ok || d.Text != "typed in the old view" {
		t.Errorf("draft %+v", d)
	}
	if _, ok, _ := s.Draft(conv.ID); ok {
		t.Error("a draft under the new: id")
	}
}

func TestRecentContacts(t *testing.T) {
	s := openTest(t)
	must(t, s.UpsertContacts([]Contact{
		{ID: "k-old", AccountID: "a1", Name: "Old Conversation", Number: "+447902111001"},
		{ID: "k-new", AccountID: "a1", Name: "Recent Conversation", Number: "+447902111002"},
		{ID: "k-arch", AccountID: "a1", Name: "Archived", Number: "+447902111003"},
		{ID: "k-b", AccountID: "a1", Name: "bea", Number: "+447902111004"},
		{ID: "k-a", AccountID: "a1", Name: "Aaron", Number: "+447902111005"},
		{ID: "k-z", AccountID: "a1", Name: "Zed", Number: "+447902111006"},
	}))
	msg := func(id, conv, contact string, d time.Duration) Message {
		return Message{ID: id, ConversationID: conv, AccountID: "a1", ContactID: contact, Direction: Inbound, Body: "hi", Time: at(d)}
	}
	if _, err := s.ApplyMessages(Batch{Messages: []Message{
		msg("m1", "c-old", "k-old", time.Minute), msg("m2", "c-new", "k-new", time.Hour), msg("m3", "c-arch", "k-arch", 30*time.Minute),
		msg("m4", "c-ghost", "k-ghost", 2*time.Hour), // a contact the store does not have
	}}, t0); err != nil {
		t.Fatal(err)
	}
	_, err := s.SetConversationMeta("c-arch", FolderArchive, "", "")
	must(t, err)
	// Zed has a new: conversation too.
	must(t, s.Enqueue(OutboxItem{LocalID: "l1", ConversationID: NewConversationID("a1", "k-z"), AccountID: "a1", ContactID: "k-z",
		Kind: OutboxTemplate, Body: "hello", Created: at(10 * time.Minute)}, Message{}))
	names := func(limit int) []string {
		cs, err := s.RecentContacts(limit)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, c.Name)
		}
		return out
	}
	all := []string{"Recent Conversation", "Archived", "Zed", "Old Conversation", "Aaron", "bea"}
	if got := names(10); !slices.Equal(got, all) {
		t.Errorf("RecentContacts(10) = %q, want %q", got, all)
	}
	for n := range len(all) + 1 {
		if got := names(n); !slices.Equal(got, all[:n]) {
			t.Errorf("RecentContacts(%d) = %q", n, got)
		}
	}
}

func TestContactByNumber(t *testing.T) {
	s := openTest(t)
	must(t, s.UpsertContacts([]Contact{
		{ID: "k1", AccountID: "a1", Name: "Ana", Number: "+447902111123", Tags: []string{"vip"}},
		{ID: "k2", AccountID: "a2", Name: "Ana elsewhere", Number: "+447902111123"},
	}))
	if c, ok, err := s.ContactByNumber("a1", "+447902111123"); err != nil || !ok || c.ID != "k1" || !slices.Equal(c.Tags, []string{"vip"}) {
		t.Errorf("a1: %+v %v %v", c, ok, err)
	}
	if c, ok, _ := s.ContactByNumber("a2", "+447902111123"); !ok || c.ID != "k2" {
		t.Errorf("a2: %+v", c)
	}
	if _, ok, _ := s.ContactByNumber("a3", "+447902111123"); ok {
		t.Error("a3 has no such contact")
	}
	if _, ok, _ := s.ContactByNumber("a1", "+447902111124"); ok {
		t.Error("another number")
	}
}

// TestNewConversationAdoptedByCustomerMessage: the template failed, and
// the customer writes first: the platform's conversation takes the "new:"
// one in, failed template included.
func TestNewConversationAdoptedByCustomerMessage(t *testing.T) {
	s := newConvStore(t, OutboxSending)
	must(t, s.FailOutbox("l1", "refused by the platform: template paused"))
	in := Message{ID: "m0", ConversationID: realConv, AccountID: newAcc, ContactID: newContact, Direction: Inbound,
		Body: "hello?", Time: at(time.Minute)}
	other := Message{ID: "m9", ConversationID: "c-other", AccountID: newAcc, ContactID: "k-other", Direction: Inbound,
		Body: "unrelated", Time: at(time.Minute)}
	res, err := s.ApplyMessages(Batch{Messages: []Message{other, in}}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rehomed) != 1 || res.Rehomed[newConv] != realConv {
		t.Errorf("rehomed %v", res.Rehomed)
	}
	if _, ok, _ := s.Conversation(newConv); ok {
		t.Error("the new: conversation is still there")
	}
	m := getMsg(t, s, "local:l1")
	if m.ConversationID != realConv || m.Status != StatusFailed || m.Reason == "" {
		t.Errorf("the failed template: %+v", m)
	}
	if it, _, _ := s.OutboxItem("l1"); it.ConversationID != realConv || it.State != OutboxFailed {
		t.Errorf("outbox item %+v", it)
	}
	c := getConv(t, s, realConv)
	if c.Preview != "hello?" || c.Unread != 1 || c.LastOutbound.IsZero() || c.MetaKnown {
		t.Errorf("the real conversation: %+v", c)
	}
	if n, _ := s.CountConversations(View{}); n != 2 {
		t.Errorf("inbox counts %d", n)
	}
}
