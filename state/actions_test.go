package state

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// actionBackend is a Backend whose UpdateConversation the test scripts;
// every other method panics (the embedded interface is nil).
type actionBackend struct {
	Backend
	mu       sync.Mutex
	calls    map[string]ConversationMeta // id → the update sent
	inFlight int
	maxIn    int
	// update, when set, answers instead of success.
	update func(ctx context.Context, id string, change ConversationMeta) error
}

func (b *actionBackend) UpdateConversation(ctx context.Context, id string, change ConversationMeta) error {
	b.mu.Lock()
	if b.calls == nil {
		b.calls = map[string]ConversationMeta{}
	}
	b.calls[id] = change
	b.inFlight++
	b.maxIn = max(b.maxIn, b.inFlight)
	b.mu.Unlock()
	defer func() {
		b.mu.Lock()
		b.inFlight--
		b.mu.Unlock()
	}()
	if b.update != nil {
		return b.update(ctx, id, change)
	}
	return nil
}

func (b *actionBackend) sent() map[string]ConversationMeta {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := map[string]ConversationMeta{}
	for k, v := range b.calls {
		out[k] = v
	}
	return out
}

// Reference data of the action tests, shaped like the sandbox's demo.
const (
	accHO   = "a1" // Head Office (the account of inMsg)
	accPerm = "a2" // Stitch Recruit Permanent
	uAlex   = "u-alex"
	uHelen  = "u-helen"
	uSam    = "u-sam"
	tHO     = "t-ho"
	tPermie = "t-permie"
	tNight  = "t-night"
)

// actionFixture is a store with two accounts, users and teams, and
// conversations c1…c5 of Head Office (c5's folder and assignee never
// fetched) and p1 of Permanent; and an engine over it.
func actionFixture(t *testing.T, be *actionBackend, concurrency int) (*Store, *Engine) {
	t.Helper()
	s := openTest(t)
	must(t, s.ReplaceAccounts([]Account{{ID: accHO, Name: "Head Office"}, {ID: accPerm, Name: "Stitch Recruit Permanent"}}))
	must(t, s.ReplaceUsers([]User{
		{ID: uAlex, FirstName: "Alex", LastName: "Agent", AccountIDs: []string{accHO}},
		{ID: uHelen, FirstName: "Helen", LastName: "Smith", AccountIDs: []string{accPerm}},
		{ID: uSam, FirstName: "sam", LastName: "Supervisor", AccountIDs: []string{accHO, accPerm}},
	}))
	must(t, s.ReplaceTeams([]Team{
		{ID: tHO, Name: "Head Office", AccountIDs: []string{accHO}},
		{ID: tPermie, Name: "Permie Recruitment", AccountIDs: []string{accPerm}},
		{ID: tNight, Name: "Night Shift"},
	}))
	perm := inMsg("mp1", "p1", "hello", at(time.Minute))
	perm.AccountID = accPerm
	if _, err := s.ApplyMessages(Batch{
		Messages: []Message{inMsg("m1", "c1", "a", t0), inMsg("m2", "c2", "b", t0), inMsg("m3", "c3", "c", t0),
			inMsg("m4", "c4", "d", t0), inMsg("m5", "c5", "e", t0), perm},
		Contacts: []Contact{{ID: "kc1", AccountID: accHO, Name: "Ana Lima", Number: "+447700900001"},
			{ID: "kc2", AccountID: accHO, Number: "+447700900002"}},
	}, t0); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"c1", "c2", "c3", "c4", "p1"} {
		_, err := s.SetConversationMeta(id, FolderInbox, "", "")
		must(t, err)
	}
	_, err := s.SetConversationMeta("c4", FolderArchive, "", tHO)
	must(t, err)
	return s, NewEngine(s, be, Config{Now: func() time.Time { return t0 }, MetaConcurrency: concurrency})
}

func TestApplyRefusesWhatThePlatformWould(t *testing.T) {
	tests := []struct {
		name string
		id   string
		ch   Change
		want string // in the error
	}{
		{"user not linked to the account", "p1", Change{UserID: uAlex}, "Alex Agent does not work in Stitch Recruit Permanent"},
		{"user of the other account", "c1", Change{UserID: uHelen, Folder: FolderArchive}, "Helen Smith does not work in Head Office"},
		{"team of another account", "c1", Change{TeamID: tPermie}, "team Permie Recruitment does not work in Head Office"},
		{"user and team", "c1", Change{UserID: uAlex, TeamID: tHO}, "not both"},
		{"bad folder", "c1", Change{Folder: "trash"}, `"trash" is not a folder: choose inbox, archive or spam`},
		{"folder in capitals", "c1", Change{Folder: "ARCHIVE"}, "is not a folder"},
		{"nothing to change", "c1", Change{}, "nothing to change"},
		{"unknown user", "c1", Change{UserID: "u-nobody"}, "not in mbx's list of users"},
		{"unknown team", "c1", Change{TeamID: "t-nobody"}, "not in mbx's list of teams"},
		{"unknown conversation", "c-nowhere", Change{Folder: FolderArchive}, "not in mbx yet"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := &actionBackend{}
			s, e := actionFixture(t, be, 4)
			before, _, _ := s.Conversation(tt.id)
			res := e.Apply(context.Background(), []string{tt.id}, tt.ch, nil)
			if len(res) != 1 || res[0].ConversationID != tt.id {
				t.Fatalf("results %+v", res)
			}
			var ie *InputError
			if !errors.As(res[0].Err, &ie) || !strings.Contains(ie.Msg, tt.want) {
				t.Fatalf("err = %v, want an InputError with %q", res[0].Err, tt.want)
			}
			if len(be.sent()) != 0 {
				t.Errorf("requests sent: %v", be.sent())
			}
			if after, _, _ := s.Conversation(tt.id); !reflect.DeepEqual(after, before) {
				t.Errorf("the store changed: %+v → %+v", before, after)
			}
		})
	}
}

func TestApplyAllowsWhatThePlatformWould(t *testing.T) {
	for _, ch := range []Change{
		{UserID: uSam}, {UserID: uHelen}, {TeamID: tPermie}, {TeamID: tNight, Folder: FolderSpam},
	} {
		be := &actionBackend{}
		s, e := actionFixture(t, be, 4)
		res := e.Apply(context.Background(), []string{"p1"}, ch, nil)
		if res[0].Err != nil {
			t.Errorf("%+v: %v", ch, res[0].Err)
			continue
		}
		c := getConv(t, s, "p1")
		if c.UserID != ch.UserID || c.TeamID != ch.TeamID || (ch.Folder != "" && c.Folder != ch.Folder) {
			t.Errorf("%+v: stored %+v", ch, c)
		}
	}
}

func TestApplySendsOnlyWhatDiffers(t *testing.T) {
	be := &actionBackend{}
	s, e := actionFixture(t, be, 4)
	// c4: archived, team Head Office. c5: never fetched.
	ids := []string{"c1", "c4", "c5"}
	res := e.Apply(context.Background(), ids, Change{Folder: FolderArchive, TeamID: tHO}, nil)
	for i, r := range res {
		if r.Err != nil || r.ConversationID != ids[i] {
			t.Fatalf("result %d: %+v", i, r)
		}
	}
	sent := be.sent()
	want := map[string]ConversationMeta{
		"c1": {Folder: FolderArchive, TeamID: tHO},
		// c4 is already so: no request.
		"c5": {Folder: FolderArchive, TeamID: tHO}, // unknown meta: the whole change
	}
	if len(sent) != len(want) {
		t.Fatalf("sent %v, want %v", sent, want)
	}
	for id, m := range want {
		if sent[id] != m {
			t.Errorf("sent %s %+v, want %+v", id, sent[id], m)
		}
	}
	be.calls = nil
	e.Apply(context.Background(), []string{"c1"}, Change{Folder: FolderArchive, UserID: uAlex}, nil)
	if got := be.sent()["c1"]; got != (ConversationMeta{UserID: uAlex}) {
		t.Errorf("second change sent %+v, want the user only", got)
	}
	c1 := getConv(t, s, "c1")
	if c1.Folder != FolderArchive || c1.UserID != uAlex || c1.TeamID != "" || !c1.MetaKnown {
		t.Errorf("c1 = %+v", c1)
	}
	if c5 := getConv(t, s, "c5"); c5.Folder != FolderArchive || c5.TeamID != tHO || c5.MetaKnown {
		t.Errorf("c5 = %+v: a successful write must not claim the rest of the metadata is known", c5)
	}
	checkIntegrity(t, s)
}

func TestApplyIsOptimistic(t *testing.T) {
	be := &actionBackend{}
	s, e := actionFixture(t, be, 4)
	sub := e.Subscribe()
	defer sub.Close()
	counts0, _ := s.FolderCounts()
	var seen Changes
	var mid Conversation
	var midCounts map[Folder]int
	be.update = func(ctx context.Context, id string, _ ConversationMeta) error {
		// While the request is in flight, the UI already has it.
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		seen, _, _ = sub.Next(ctx, 0)
		mid = getConv(t, s, id)
		midCounts, _ = s.FolderCounts()
		return nil
	}
	res := e.Apply(context.Background(), []string{"c1"}, Change{Folder: FolderArchive}, nil)
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	if _, ok := seen.Conversations["c1"]; !ok || !seen.List {
		t.Errorf("changes published before the answer: %+v", seen)
	}
	if mid.Folder != FolderArchive {
		t.Errorf("mid-flight the store has %+v", mid)
	}
	if midCounts[FolderArchive] != counts0[FolderArchive]+1 || midCounts[FolderInbox] != counts0[FolderInbox]-1 {
		t.Errorf("counts %v → %v mid-flight", counts0, midCounts)
	}
}

func TestApplyFailuresPutBack(t *testing.T) {
	refused := &BackendError{Kind: KindRefused, Op: "PUT /conversation/{id}", Message: "user is not linked"}
	temporary := &BackendError{Kind: KindTemporary, Op: "PUT /conversation/{id}", Message: "server error"}
	be := &actionBackend{update: func(_ context.Context, id string, _ ConversationMeta) error {
		switch id {
		case "c2":
			return refused
		case "c3", "c5":
			return temporary
		}
		return nil
	}}
	s, e := actionFixture(t, be, 2)
	before := map[string]Conversation{}
	for _, id := range []string{"c1", "c2", "c3", "c5"} {
		before[id] = getConv(t, s, id)
	}
	var calls [][2]int
	res := e.Apply(context.Background(), []string{"c1", "c2", "c3", "c5", "c1"}, Change{TeamID: tHO},
		func(done, total int) { calls = append(calls, [2]int{done, total}) })
	wantErr := []error{nil, refused, temporary, temporary, nil}
	for i, r := range res {
		if r.Err != wantErr[i] {
			t.Errorf("result %d %+v, want error %v", i, r, wantErr[i])
		}
	}
	if res[0].Label != "Ana Lima" || res[1].Label != "+447700900002" {
		t.Errorf("labels %q %q", res[0].Label, res[1].Label)
	}
	if len(calls) != 5 || calls[4] != [2]int{5, 5} || !slices.IsSortedFunc(calls, func(a, b [2]int) int { return a[0] - b[0] }) {
		t.Errorf("progress calls %v", calls)
	}
	if c1 := getConv(t, s, "c1"); c1.TeamID != tHO || !c1.MetaKnown {
		t.Errorf("c1 (success) = %+v", c1)
	}
	// Refused: nothing happened on the platform; the row is as it was.
	if c2 := getConv(t, s, "c2"); !reflect.DeepEqual(c2, before["c2"]) {
		t.Errorf("c2 (refused) = %+v, want %+v", c2, before["c2"])
	}
	// A server error may have acted: as it was, but to be read again.
	for _, id := range []string{"c3", "c5"} {
		got, want := getConv(t, s, id), before[id]
		want.MetaKnown = false
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s (server error) = %+v, want %+v", id, got, want)
		}
	}
	if ids, _ := s.ConversationsWithoutMeta(10); !slices.Contains(ids, "c3") || slices.Contains(ids, "c2") {
		t.Errorf("to be read again: %v", ids)
	}
	if be.maxIn > 2 {
		t.Errorf("%d requests at once, MetaConcurrency 2", be.maxIn)
	}
	checkIntegrity(t, s)
}

func TestApplyLeavesWhatASyncWroteMeanwhile(t *testing.T) {
	for _, fail := range []bool{false, true} {
		be := &actionBackend{}
		s, e := actionFixture(t, be, 1)
		be.update = func(_ context.Context, id string, _ ConversationMeta) error {
			// A poll's metadata fetch lands while the request is in flight.
			if _, err := s.SetConversationMeta(id, FolderSpam, "", ""); err != nil {
				t.Error(err)
			}
			if fail {
				return &BackendError{Kind: KindRefused}
			}
			return nil
		}
		e.Apply(context.Background(), []string{"c1"}, Change{Folder: FolderArchive}, nil)
		c1 := getConv(t, s, "c1")
		if c1.Folder != FolderSpam || c1.MetaKnown {
			t.Errorf("fail=%v: c1 = %+v, want the sync's row, marked to be read again", fail, c1)
		}
	}
}

func TestApplyStopsWhenTheContextEnds(t *testing.T) {
	be := &actionBackend{}
	s, e := actionFixture(t, be, 1)
	ctx, cancel := context.WithCancel(context.Background())
	be.update = func(ctx context.Context, id string, _ ConversationMeta) error {
		cancel() // the app quits while the first request is in flight
		return ctx.Err()
	}
	before := getConv(t, s, "c2")
	res := e.Apply(ctx, []string{"c1", "c2", "c3"}, Change{Folder: FolderSpam}, nil)
	for _, r := range res {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%+v", r)
		}
	}
	if n := len(be.sent()); n != 1 {
		t.Errorf("%d requests after the context ended, want 1", n)
	}
	if c2 := getConv(t, s, "c2"); !reflect.DeepEqual(c2, before) {
		t.Errorf("c2 (never sent) = %+v, want %+v", c2, before)
	}
	if c1 := getConv(t, s, "c1"); c1.Folder != FolderInbox || c1.MetaKnown {
		t.Errorf("c1 (cancelled in flight) = %+v", c1)
	}
	if res := e.Apply(ctx, []string{"c4"}, Change{Folder: FolderSpam}, nil); !errors.Is(res[0].Err, context.Canceled) {
		t.Errorf("a done context: %+v", res)
	}
}

func TestSwapAndForgetConversationMeta(t *testing.T) {
	s := openTest(t)
	apply(t, s, inMsg("m1", "c1", "hi", t0))
	_, err := s.SetConversationMeta("c1", FolderInbox, "u1", "")
	must(t, err)
	inbox := ConversationMeta{Folder: FolderInbox, UserID: "u1"}
	archived := ConversationMeta{Folder: FolderArchive, TeamID: "t1"}
	ok, err := s.SwapConversationMeta("c1", archived, inbox, false)
	if err != nil || ok {
		t.Fatalf("swap from a state it is not in: %v %v", ok, err)
	}
	ok, err = s.SwapConversationMeta("c1", inbox, archived, false)
	if err != nil || !ok {
		t.Fatalf("swap: %v %v", ok, err)
	}
	if c := getConv(t, s, "c1"); metaOf(c) != archived || !c.MetaKnown {
		t.Errorf("after swap: %+v", c)
	}
	if n, _ := s.CountConversations(View{Folder: FolderArchive, TeamID: "t1"}); n != 1 {
		t.Errorf("the view counts %d", n)
	}
	ok, _ = s.SwapConversationMeta("c1", archived, inbox, true)
	if c := getConv(t, s, "c1"); !ok || metaOf(c) != inbox || c.MetaKnown {
		t.Errorf("swap with forget: %+v", c)
	}
	_, err = s.SetConversationMeta("c1", FolderInbox, "u1", "")
	must(t, err)
	must(t, s.ForgetConversationMeta("c1"))
	if c := getConv(t, s, "c1"); metaOf(c) != inbox || c.MetaKnown {
		t.Errorf("after forget: %+v", c)
	}
	if ok, err := s.SwapConversationMeta("c-none", inbox, archived, false); ok || err != nil {
		t.Errorf("missing row: %v %v", ok, err)
	}
	if _, err := s.SwapConversationMeta("c1", inbox, ConversationMeta{Folder: "trash"}, false); err == nil {
		t.Error("unknown folder accepted")
	}
	must(t, s.ForgetConversationMeta("c-none"))
	checkIntegrity(t, s)
}

func TestAssignees(t *testing.T) {
	_, e := actionFixture(t, &actionBackend{}, 1)
	users, teams, err := e.Assignees(accPerm)
	must(t, err)
	var names []string
	for _, u := range users {
		names = append(names, u.Name())
	}
	for _, tm := range teams {
		names = append(names, "team "+tm.Name)
	}
	want := []string{"Helen Smith", "sam Supervisor", "team Night Shift", "team Permie Recruitment"}
	if !slices.Equal(names, want) {
		t.Errorf("assignees of Permanent: %q, want %q", names, want)
	}
}

func TestMe(t *testing.T) {
	s, e := actionFixture(t, &actionBackend{}, 1)
	if me := e.Me(); me != "" {
		t.Errorf("Me before SetMe = %q", me)
	}
	e.SetMe(uAlex)
	if me := e.Me(); me != uAlex {
		t.Errorf("Me = %q", me)
	}
	// Another engine over the same store (the next start) knows it too.
	if me := NewEngine(s, &actionBackend{}, Config{}).Me(); me != uAlex {
		t.Errorf("Me after a restart = %q", me)
	}
}

func TestSummary(t *testing.T) {
	ok := func(label string) ActionResult { return ActionResult{ConversationID: "id-" + label, Label: label} }
	bad := func(label string, err error) ActionResult {
		return ActionResult{ConversationID: "id-" + label, Label: label, Err: err}
	}
	notLinked := &InputError{"team Head Office does not work in Contract"}
	down := &BackendError{Kind: KindTemporary, Message: "server error"}
	refused := &BackendError{Kind: KindRefused, Message: "folder is not valid"}
	many := func(n int, r ActionResult) []ActionResult { return slices.Repeat([]ActionResult{r}, n) }
	tests := []struct {
		name     string
		results  []ActionResult
		ch       Change
		assignee string
		want     string
	}{
		{"archive one", []ActionResult{ok("Ana Lima")}, Change{Folder: FolderArchive}, "", "Archived Ana Lima"},
		{"spam one", []ActionResult{ok("+447700900123")}, Change{Folder: FolderSpam}, "", "Marked +447700900123 as spam"},
		{"inbox one", []ActionResult{ok("Ana Lima")}, Change{Folder: FolderInbox}, "", "Moved Ana Lima to inbox"},
		{"assign one", []ActionResult{ok("Ana Lima")}, Change{UserID: "u"}, "Helen Smith", "Assigned Ana Lima to Helen Smith"},
		{"assign to me", []ActionResult{ok("Ana Lima")}, Change{UserID: "u"}, "me", "Assigned Ana Lima to me"},
		{"team one", []ActionResult{ok("Ana Lima")}, Change{TeamID: "t"}, "Head Office", "Assigned Ana Lima to team Head Office"},
		{"both one", []ActionResult{ok("Ana Lima")}, Change{Folder: FolderArchive, TeamID: "t"}, "Head Office",
			"Archived Ana Lima and assigned to team Head Office"},
		{"one failed", []ActionResult{bad("Ana Lima", down)}, Change{Folder: FolderSpam}, "",
			"Could not mark Ana Lima as spam: the platform had a problem; try again"},
		{"bulk", many(41, ok("x")), Change{TeamID: "t"}, "Head Office", "41 assigned to team Head Office"},
		{"bulk archive", many(3, ok("x")), Change{Folder: FolderArchive}, "", "3 archived"},
		{"bulk both", many(2, ok("x")), Change{Folder: FolderSpam, UserID: "u"}, "Helen Smith", "2 marked as spam and assigned to Helen Smith"},
		{"mixed reasons", append(many(3, ok("x")), bad("Ana Lima", notLinked), bad("+447700900123", down)),
			Change{TeamID: "t"}, "Head Office",
			"3 assigned to team Head Office, 2 failed: Ana Lima (team Head Office does not work in Contract), " +
				"+447700900123 (the platform had a problem; try again)"},
		{"one reason", append(many(41, ok("x")), bad("Ana Lima", down), bad("Bo", down)),
			Change{Folder: FolderArchive}, "",
			"41 archived, 2 failed: Ana Lima, Bo (the platform had a problem; try again)"},
		{"and more", append([]ActionResult{ok("x")}, bad("A", refused), bad("B", down), bad("C", down), bad("D", down), bad("E", down)),
			Change{Folder: FolderInbox}, "",
			"1 moved to inbox, 5 failed: A (refused by the platform: folder is not valid), " +
				"B (the platform had a problem; try again), " +
				"C (the platform had a problem; try again) and 2 more"},
		{"all failed", many(4, bad("Ana Lima", notLinked)), Change{TeamID: "t"}, "Head Office",
			"Could not assign 4 conversations to team Head Office: " +
				"Ana Lima, Ana Lima, Ana Lima and 1 more (team Head Office does not work in Contract)"},
		{"no label", []ActionResult{{ConversationID: "c-9"}}, Change{Folder: FolderArchive}, "", "Archived c-9"},
		{"long label", []ActionResult{ok(strings.Repeat("é", 50))}, Change{Folder: FolderArchive}, "",
			"Archived " + strings.Repeat("é", 31) + "…"},
		{"nothing", nil, Change{Folder: FolderArchive}, "", "Nothing to change"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summary(tt.results, tt.ch, tt.assignee); got != tt.want {
				t.Errorf("Summary =\n%q, want\n%q", got, tt.want)
			}
		})
	}
}

func TestActionResultReason(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{&InputError{"Helen Smith does not work in Head Office"}, "Helen Smith does not work in Head Office"},
		{&BackendError{Kind: KindTemporary, RetryAfter: 30 * time.Second}, "the platform asked us to slow down; try again in"},
		{&BackendError{Kind: KindTemporary, Err: errors.New("connection refused")}, "could not reach the platform; try again"},
		{&BackendError{Kind: KindTemporary, Message: "bad gateway"}, "the platform had a problem; try again"},
		{&BackendError{Kind: KindAmbiguous}, "no answer from the platform; try again"},
		{&BackendError{Kind: KindNotFound}, "no such conversation"},
		{&BackendError{Kind: KindAuth}, "log in again"},
		{&BackendError{Kind: KindRefused, Message: strings.Repeat("x", 500)}, "refused by the platform: xxx"},
		{context.Canceled, "cancelled"},
	}
	for _, tt := range tests {
		got := ActionResult{Err: tt.err}.Reason()
		if !strings.Contains(got, tt.want) || (tt.want == "" && got != "") || len(got) > 200 {
			t.Errorf("Reason(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
