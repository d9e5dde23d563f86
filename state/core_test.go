package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"
)

// coreBackend implements the required Backend and nothing else: an
// in-memory platform whose message pages come in a chosen order, with an
// injected failure.
type coreBackend struct {
	mu        sync.Mutex
	now       func() time.Time
	me        User
	users     []User
	teams     []Team
	templates []Template
	msgs      []Message
	pageSize  int
	order     string // "oldest", "newest", "shuffled"
	failAt    int    // a pass fails at this page (0-based) once; -1: never
	through   bool   // pages promise Through (only meaningful oldest first)

	sends   []Outgoing
	assigns map[string]Assignment
	history int
}

func newCore(now func() time.Time) *coreBackend {
	return &coreBackend{
		now:       now,
		me:        User{ID: "u-me", FirstName: "Mo", AccountIDs: []string{"a1"}},
		users:     []User{{ID: "u-me", FirstName: "Mo", AccountIDs: []string{"a1"}}, {ID: "u-2", FirstName: "Bo", AccountIDs: []string{"a1"}}},
		teams:     []Team{{ID: "t-1", Name: "Sales", AccountIDs: []string{"a1"}}},
		templates: []Template{{ID: "tp1", AccountID: "a1", Name: "hello", Language: "en_GB", Status: "Approved", Text: "Hi {{1}}, about {{2}}"}},
		pageSize:  2,
		order:     "oldest",
		failAt:    -1,
		assigns:   map[string]Assignment{},
	}
}

func (b *coreBackend) Me(context.Context) (User, error) { return b.me, nil }
func (b *coreBackend) Accounts(context.Context) ([]Account, error) {
	return []Account{{ID: "a1", Name: "Main"}}, nil
}
func (b *coreBackend) Users(context.Context) ([]User, error) { return b.users, nil }
func (b *coreBackend) Teams(context.Context) ([]Team, error) { return b.teams, nil }
func (b *coreBackend) Templates(context.Context) ([]Template, error) {
	return b.templates, nil
}
func (b *coreBackend) Contacts(context.Context) iter.Seq2[[]Contact, error] {
	return func(yield func([]Contact, error) bool) {}
}

func (b *coreBackend) add(msgs ...Message) {
	b.mu.Lock()
	b.msgs = append(b.msgs, msgs...)
	b.mu.Unlock()
}

func (b *coreBackend) Messages(_ context.Context, q MessageQuery) iter.Seq2[Batch, error] {
	b.mu.Lock()
	var sel []Message
	for _, m := range b.msgs {
		if m.Time.Before(q.From) || (!q.To.IsZero() && !m.Time.Before(q.To)) ||
			(q.ContactID != "" && m.ContactID != q.ContactID) || (q.ConversationID != "" && m.ConversationID != q.ConversationID) {
			continue
		}
		sel = append(sel, m)
	}
	slices.SortFunc(sel, func(x, y Message) int { return x.Time.Compare(y.Time) })
	switch b.order {
	case "newest":
		slices.Reverse(sel)
	case "shuffled":
		r := rand.New(rand.NewPCG(1, 2))
		r.Shuffle(len(sel), func(i, j int) { sel[i], sel[j] = sel[j], sel[i] })
	}
	failAt := b.failAt
	b.failAt = -1
	b.mu.Unlock()
	return func(yield func(Batch, error) bool) {
		for page := 0; page*b.pageSize < len(sel); page++ {
			if page == failAt {
				yield(Batch{}, &BackendError{Kind: KindTemporary, Op: "GET /messages"})
				return
			}
			batch := Batch{Messages: sel[page*b.pageSize : min(len(sel), (page+1)*b.pageSize)]}
			if b.through {
				batch.Through = batch.Messages[len(batch.Messages)-1].Time
			}
			if !yield(batch, nil) {
				return
			}
		}
	}
}

func (b *coreBackend) History(_ context.Context, q HistoryQuery) (Batch, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.history++
	var out Batch
	for _, m := range b.msgs {
		if m.ConversationID == q.ConversationID && m.Time.Before(q.Before) {
			out.Messages = append(out.Messages, m)
		}
	}
	return out, nil
}

func (b *coreBackend) Message(_ context.Context, id string) (Message, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.msgs {
		if m.ID == id {
			return m, nil
		}
	}
	return Message{}, &BackendError{Kind: KindNotFound}
}

func (b *coreBackend) ConversationMeta(context.Context, string) (ConversationMeta, error) {
	return ConversationMeta{}, nil
}

func (b *coreBackend) Send(_ context.Context, out Outgoing) (Sent, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sends = append(b.sends, out)
	m := Message{ID: "srv-" + out.Text, ConversationID: "c-" + out.ContactID, AccountID: out.AccountID, ContactID: out.ContactID,
		Direction: Outbound, Body: out.Text, Time: b.now(), Status: StatusSent, Template: out.IsTemplate()}
	b.msgs = append(b.msgs, m)
	return Sent{Message: m}, nil
}

func (b *coreBackend) Assign(_ context.Context, id string, a Assignment) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.assigns[id] = a
	return nil
}

// fullBackend is a core with every capability but folders (get.chat's
// shape), recording what it was asked.
type fullBackend struct {
	*coreBackend
	resolveErr error // Resolve fails with it
	calls      []string
	events     chan Batch
	followed   int
}

func (b *fullBackend) record(s string) error {
	b.mu.Lock()
	b.calls = append(b.calls, s)
	b.mu.Unlock()
	return nil
}

func (b *fullBackend) Resolve(_ context.Context, id string) error {
	if b.resolveErr != nil {
		return b.resolveErr
	}
	return b.record("resolve " + id)
}
func (b *fullBackend) Reopen(_ context.Context, id string) error { return b.record("reopen " + id) }
func (b *fullBackend) Unassign(_ context.Context, id string) error {
	return b.record("unassign " + id)
}
func (b *fullBackend) AssignsUserAndTeam() {}
func (b *fullBackend) SetConversationTags(_ context.Context, id string, tags []string) error {
	return b.record("tags " + id)
}
func (b *fullBackend) SavedResponses(context.Context) ([]SavedResponse, error) {
	return []SavedResponse{{ID: "s1", Name: "thanks", Text: "Thank you!"}}, nil
}
func (b *fullBackend) CreateContact(_ context.Context, c Contact) (Contact, error) {
	c.ID = "k-new"
	return c, nil
}
func (b *fullBackend) UpdateContact(_ context.Context, c Contact) (Contact, error) { return c, nil }
func (b *fullBackend) ContactByNumber(context.Context, string, string) (Contact, bool, error) {
	return Contact{}, false, nil
}
func (b *fullBackend) Events(ctx context.Context) iter.Seq2[Batch, error] {
	return func(yield func(Batch, error) bool) {
		for {
			select {
			case <-ctx.Done():
				return
			case batch := <-b.events:
				if !yield(batch, nil) {
					return
				}
			}
		}
	}
}

// Send accepts a template before it is a message: FollowUp names it on
// the second ask.
func (b *fullBackend) Send(ctx context.Context, out Outgoing) (Sent, error) {
	if !out.IsTemplate() {
		return b.coreBackend.Send(ctx, out)
	}
	b.mu.Lock()
	b.sends = append(b.sends, out)
	b.mu.Unlock()
	return Sent{FollowUp: "tok-" + out.ContactID}, nil
}

func (b *fullBackend) FollowUp(_ context.Context, token string) (Message, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.followed++
	if b.followed < 2 {
		return Message{}, nil
	}
	out := b.sends[len(b.sends)-1]
	return Message{ID: "srv-" + token, ConversationID: "c-" + out.ContactID, AccountID: out.AccountID, ContactID: out.ContactID,
		Direction: Outbound, Body: out.Text, Time: b.now(), Status: StatusSent, Template: true}, nil
}

func (b *fullBackend) FindSend(context.Context, Outgoing, time.Time, func(string) bool) (Sent, bool, error) {
	return Sent{}, false, nil
}

// testClock is a settable clock.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func coreMsg(id string, contact string, when time.Time) Message {
	return Message{ID: id, ConversationID: "c-" + contact, AccountID: "a1", ContactID: contact, Direction: Inbound,
		Body: "body " + id, Time: when}
}

func TestCapabilities(t *testing.T) {
	s := openTest(t)
	core := newCore(time.Now)
	tests := []struct {
		name string
		be   Backend
		want Capabilities
	}{
		{"nil backend", nil, Capabilities{}},
		{"core only", core, Capabilities{}},
		{"folders", &actionBackend{}, Capabilities{Folders: true}},
		{"creating contacts only", &contactBackend{}, Capabilities{ContactEditing: true}},
		{"every capability but folders", &fullBackend{coreBackend: core}, Capabilities{Resolve: true, Tags: true,
			SavedResponses: true, ContactEditing: true, Unassign: true, UserAndTeam: true, PushedEvents: true,
			TemplateFollowUp: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NewEngine(s, tt.be, Config{}).Capabilities(); got != tt.want {
				t.Errorf("Capabilities() = %+v, want %+v", got, tt.want)
			}
		})
	}
	var e *Engine
	if e.Capabilities() != (Capabilities{}) {
		t.Error("a nil engine has capabilities")
	}
}

// coreEngine is an engine over be on clock, backfilled from be.
func coreEngine(t *testing.T, be Backend, clock *testClock) (*Store, *Engine) {
	t.Helper()
	s := openTest(t)
	e := NewEngine(s, be, Config{Now: clock.Now, HistoryDays: 1, Overlap: time.Minute})
	if err := e.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	return s, e
}

// TestCoreBackendEngine: a platform with no optional capability syncs,
// sends text and templates (by reference, with parameters), assigns, and
// is refused — in words, before any request — what it cannot do.
func TestCoreBackendEngine(t *testing.T) {
	clock := &testClock{now: t0}
	be := newCore(clock.Now)
	be.add(coreMsg("m1", "k1", t0.Add(-time.Hour)), coreMsg("m2", "k2", t0.Add(-30*time.Minute)))
	s, e := coreEngine(t, be, clock)
	ctx := context.Background()

	if e.Me() != "u-me" {
		t.Errorf("Me() = %q, want the backend's user", e.Me())
	}
	conv := getConv(t, s, "c-k1")
	if !conv.MetaKnown || conv.Folder != FolderInbox {
		t.Errorf("conversation after sync: %+v", conv)
	}

	if _, err := e.Send("c-k1", "on my way"); err != nil {
		t.Fatal(err)
	}
	clock.Add(time.Second)
	tpls, _ := s.Templates("a1")
	if len(tpls) != 1 || tpls[0].Language != "en_GB" {
		t.Fatalf("templates %+v", tpls)
	}
	item, err := e.SendTemplate(conv, tpls[0], map[int]string{1: "Ana", 2: "the flat"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"Ana", "the flat"}; !slices.Equal(item.Params, want) || item.TemplateName != "hello" {
		t.Errorf("queued %+v", item)
	}
	e.SendPending(ctx)
	want := []Outgoing{
		{AccountID: "a1", ContactID: "k1", ConversationID: "c-k1", Text: "on my way"},
		{AccountID: "a1", ContactID: "k1", ConversationID: "c-k1", Text: "Hi Ana, about the flat",
			Template: &TemplateRef{ID: "tp1", Name: "hello", Language: "en_GB", Params: []string{"Ana", "the flat"}}},
	}
	if !reflect.DeepEqual(be.sends, want) {
		t.Errorf("sent %+v, want %+v", be.sends, want)
	}
	if got, _, _ := s.OutboxItem(item.LocalID); got.State != OutboxSent {
		t.Errorf("template item %+v", got)
	}

	res := e.Apply(ctx, []string{"c-k1"}, Change{UserID: "u-2"}, nil)
	if res[0].Err != nil || be.assigns["c-k1"] != (Assignment{UserID: "u-2"}) {
		t.Errorf("assign: %v, sent %+v", res[0].Err, be.assigns)
	}
	if c := getConv(t, s, "c-k1"); c.UserID != "u-2" {
		t.Errorf("after assign %+v", c)
	}

	for _, tt := range []struct {
		name string
		ch   Change
	}{
		{"folder", Change{Folder: FolderArchive}},
		{"unassign", Change{Unassign: true}},
		{"user and team", Change{UserID: "u-2", TeamID: "t-1"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := e.Apply(ctx, []string{"c-k2"}, tt.ch, nil)
			var ie *InputError
			if !errors.As(res[0].Err, &ie) {
				t.Errorf("Apply(%+v) = %v, want an InputError", tt.ch, res[0].Err)
			}
		})
	}
	if len(be.assigns) != 1 {
		t.Errorf("requests made for refused changes: %+v", be.assigns)
	}
	var ie *InputError
	if _, err := e.CreateContact(ctx, Contact{AccountID: "a1", Name: "Zoë", Number: "+447902111123"}); !errors.As(err, &ie) {
		t.Errorf("CreateContact without the capability: %v", err)
	}
	if _, err := e.SetContactTags(ctx, "k1", []string{"vip"}); !errors.As(err, &ie) {
		t.Errorf("SetContactTags without the capability: %v", err)
	}
	if err := e.SetConversationTags(ctx, "c-k1", []string{"vip"}); !errors.As(err, &ie) {
		t.Errorf("SetConversationTags without the capability: %v", err)
	}
	if _, err := e.SavedResponses(ctx); !errors.As(err, &ie) {
		t.Errorf("SavedResponses without the capability: %v", err)
	}
	if n, err := e.LoadOlder(ctx, "c-k1", t0.Add(-time.Hour)); err != nil || be.history != 1 {
		t.Errorf("LoadOlder = %d, %v; History calls %d", n, err, be.history)
	}
}

// TestFullBackendEngine: resolve and reopen, unassign, a user and a team
// together, a template followed by its token, pushed events.
func TestFullBackendEngine(t *testing.T) {
	clock := &testClock{now: t0}
	be := &fullBackend{coreBackend: newCore(clock.Now), events: make(chan Batch)}
	be.add(coreMsg("m1", "k1", t0.Add(-time.Hour)))
	s, e := coreEngine(t, be, clock)
	ctx := context.Background()

	steps := []struct {
		ch       Change
		call     string
		folder   Folder
		userTeam [2]string
	}{
		{Change{Folder: FolderArchive}, "resolve c-k1", FolderArchive, [2]string{}},
		{Change{Folder: FolderInbox}, "reopen c-k1", FolderInbox, [2]string{}},
		{Change{UserID: "u-2", TeamID: "t-1"}, "", FolderInbox, [2]string{"u-2", "t-1"}},
		{Change{UserID: "u-me"}, "", FolderInbox, [2]string{"u-me", "t-1"}}, // the team stays
		{Change{Unassign: true}, "unassign c-k1", FolderInbox, [2]string{}},
	}
	for _, st := range steps {
		before := len(be.calls)
		res := e.Apply(ctx, []string{"c-k1"}, st.ch, nil)
		if res[0].Err != nil {
			t.Fatalf("Apply(%+v): %v", st.ch, res[0].Err)
		}
		if st.call != "" && (len(be.calls) != before+1 || be.calls[before] != st.call) {
			t.Errorf("Apply(%+v): calls %v, want %q", st.ch, be.calls[before:], st.call)
		}
		c := getConv(t, s, "c-k1")
		if c.Folder != st.folder || c.UserID != st.userTeam[0] || c.TeamID != st.userTeam[1] {
			t.Errorf("after %+v: %+v", st.ch, c)
		}
	}
	if a := be.assigns["c-k1"]; a != (Assignment{UserID: "u-me"}) {
		t.Errorf("last assignment sent %+v", a)
	}
	if res := e.Apply(ctx, []string{"c-k1"}, Change{Folder: FolderSpam}, nil); res[0].Err == nil {
		t.Error("spam on a platform without folders")
	}
	// Assigned, then refused the resolve: the row cannot say what the
	// platform holds, so it is read again.
	be.resolveErr = &BackendError{Kind: KindRefused, Message: "no"}
	res := e.Apply(ctx, []string{"c-k1"}, Change{Folder: FolderArchive, UserID: "u-2"}, nil)
	if c := getConv(t, s, "c-k1"); res[0].Err == nil || c.MetaKnown || c.Folder != FolderInbox {
		t.Errorf("after a half-made change: %v, %+v", res[0].Err, c)
	}
	be.resolveErr = nil

	// A template accepted before it is a message is followed by its token.
	conv := getConv(t, s, "c-k1")
	tpls, _ := s.Templates("a1")
	item, err := e.SendTemplate(conv, tpls[0], map[int]string{1: "Ana", 2: "rent"})
	if err != nil {
		t.Fatal(err)
	}
	e.SendPending(ctx)
	if got, _, _ := s.OutboxItem(item.LocalID); got.FollowUp != "tok-k1" || got.State == OutboxSent {
		t.Fatalf("after the send: %+v", got)
	}
	for range 3 {
		clock.Add(time.Minute)
		e.SendPending(ctx)
	}
	if got, _, _ := s.OutboxItem(item.LocalID); got.State != OutboxSent || got.ServerID != "srv-tok-k1" {
		t.Errorf("after following: %+v", got)
	}
	if len(be.sends) != 1 {
		t.Errorf("sent %d times", len(be.sends))
	}

	if err := e.SetConversationTags(ctx, "c-k1", []string{" vip ", "VIP", "late"}); err != nil || be.calls[len(be.calls)-1] != "tags c-k1" {
		t.Errorf("SetConversationTags: %v, calls %v", err, be.calls)
	}
	if c := getConv(t, s, "c-k1"); !slices.Equal(c.Tags, []string{"vip", "late"}) {
		t.Errorf("tags stored after the platform accepted them: %q", c.Tags)
	}
	if rs, err := e.SavedResponses(ctx); err != nil || len(rs) != 1 {
		t.Errorf("SavedResponses = %v, %v", rs, err)
	}

	// Pushed events are applied while the engine runs.
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error)
	go func() { done <- e.Run(rctx) }()
	be.events <- Batch{Messages: []Message{coreMsg("m-pushed", "k9", t0)},
		Conversations: map[string]ConversationMeta{"c-k9": {Folder: FolderArchive, UserID: "u-2"}}}
	be.events <- Batch{} // the first is applied once the second is taken
	cancel()
	<-done
	c := getConv(t, s, "c-k9")
	if c.Preview != "body m-pushed" || c.Folder != FolderArchive || c.UserID != "u-2" || !c.MetaKnown {
		t.Errorf("pushed conversation %+v", c)
	}
}

// TestSyncCursorInAnyPageOrder: a pass that fails half-way must not move
// the cursor past messages it has not seen, whatever order the platform
// pages them in; the next pass brings them all.
func TestSyncCursorInAnyPageOrder(t *testing.T) {
	for _, order := range []string{"oldest", "newest", "shuffled"} {
		for _, failAt := range []int{-1, 0, 1, 2} {
			t.Run(fmt.Sprintf("%s/fail at page %d", order, failAt), func(t *testing.T) {
				clock := &testClock{now: t0}
				be := newCore(clock.Now)
				be.order = order
				be.add(coreMsg("m0", "k0", t0.Add(-time.Hour)))
				s, e := coreEngine(t, be, clock)
				// Six messages ten minutes apart (well beyond the one-minute
				// overlap), then a poll that fails at page failAt.
				var ids []string
				for i := range 6 {
					id := "n" + string(rune('a'+i))
					ids = append(ids, id)
					be.add(coreMsg(id, "k"+id, t0.Add(time.Duration(i+1)*10*time.Minute)))
				}
				clock.Add(time.Hour + 5*time.Minute)
				be.failAt = failAt
				err := e.SyncOnce(context.Background())
				if (err != nil) != (failAt >= 0) {
					t.Fatalf("first poll: %v", err)
				}
				if err != nil {
					if err := e.SyncOnce(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				for _, id := range ids {
					if _, ok, _ := s.Conversation("c-k" + id); !ok {
						t.Errorf("message %s never synced", id)
					}
				}
				if c, _ := e.cursor(); !c.Equal(t0.Add(time.Hour)) {
					t.Errorf("cursor %v, want the newest message's time", c)
				}
			})
		}
	}
}

// TestSyncCursorFollowsThrough: a platform that promises Through lets an
// interrupted pass keep what it finished.
func TestSyncCursorFollowsThrough(t *testing.T) {
	clock := &testClock{now: t0}
	be := newCore(clock.Now)
	be.add(coreMsg("m0", "k0", t0.Add(-time.Hour)))
	_, e := coreEngine(t, be, clock)
	be.through = true
	for i := range 6 {
		be.add(coreMsg("n"+string(rune('a'+i)), "k"+string(rune('a'+i)), t0.Add(time.Duration(i+1)*10*time.Minute)))
	}
	clock.Add(2 * time.Hour)
	be.failAt = 2
	if err := e.SyncOnce(context.Background()); err == nil {
		t.Fatal("the poll did not fail")
	}
	// The overlap brings m0 back: the pages are [m0 na] [nb nc], then
	// the failure.
	if c, _ := e.cursor(); !c.Equal(t0.Add(30 * time.Minute)) {
		t.Errorf("cursor %v, want the end of the second page (%v)", c, t0.Add(30*time.Minute))
	}
}

// TestOutboxTemplateReferenceSurvivesReopen: the reference and parameters
// are stored, and the backend gets them after a restart; items written
// before migration 3 still read and send.
func TestOutboxTemplateReferenceSurvivesReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mbx.db")

	// A database at version 2 with an item queued by the old schema.
	db, err := sql.Open("sqlite", dsn(path))
	must(t, err)
	for i, m := range migrations[:2] {
		_, err := db.Exec(m)
		must(t, err)
		_, err = db.Exec("PRAGMA user_version = " + string(rune('1'+i)))
		must(t, err)
	}
	_, err = db.Exec(`INSERT INTO outbox(local_id, conversation_id, account_id, contact_id, kind, template_id, body, created,
		state, attempts, next_attempt, reason, server_id, broadcast_id) VALUES
		('old', 'c1', 'a1', 'k1', 'template', 'tp0', 'Hello Ana', ?, 'queued', 0, 0, '', '', 'b7')`, toNanos(t0))
	must(t, err)
	must(t, db.Close())

	s, err := Open(path)
	must(t, err)
	item := OutboxItem{LocalID: "new", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Kind: OutboxTemplate,
		TemplateID: "tp1", TemplateName: "visit", TemplateLanguage: "pt_BR", Params: []string{"Ana", "", "3 pm"},
		Body: "Olá Ana, 3 pm", Created: at(time.Minute), State: OutboxQueued, FollowUp: "tok"}
	must(t, s.Enqueue(item, Message{Template: true}))
	text := OutboxItem{LocalID: "text", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Kind: OutboxMessage,
		Body: "see you", Created: at(2 * time.Minute), State: OutboxQueued}
	must(t, s.Enqueue(text, Message{}))
	must(t, s.Close())

	s, err = Open(path)
	must(t, err)
	defer s.Close()
	tests := []struct {
		id   string
		want OutboxItem
		out  Outgoing
	}{
		{"new", item, Outgoing{AccountID: "a1", ContactID: "k1", ConversationID: "c1", Text: "Olá Ana, 3 pm",
			Template: &TemplateRef{ID: "tp1", Name: "visit", Language: "pt_BR", Params: []string{"Ana", "", "3 pm"}}}},
		{"text", text, Outgoing{AccountID: "a1", ContactID: "k1", ConversationID: "c1", Text: "see you"}},
		{"old", OutboxItem{LocalID: "old", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Kind: OutboxTemplate,
			TemplateID: "tp0", Body: "Hello Ana", Created: t0, State: OutboxQueued, FollowUp: "b7"},
			Outgoing{AccountID: "a1", ContactID: "k1", ConversationID: "c1", Text: "Hello Ana", Template: &TemplateRef{ID: "tp0"}}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, ok, err := s.OutboxItem(tt.id)
			if err != nil || !ok {
				t.Fatalf("OutboxItem(%s): %v %v", tt.id, ok, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("read back %+v\nwant %+v", got, tt.want)
			}
			if out := got.Outgoing(); !reflect.DeepEqual(out, tt.out) {
				t.Errorf("Outgoing() = %+v\nwant %+v", out, tt.out)
			}
		})
	}
}
