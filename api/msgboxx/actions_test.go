package msgboxx_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// Conversation actions (state.Engine.Apply) against the sandbox.

// gatedBackend holds every UpdateConversation until the test lets it go,
// so that a test can look at the store while a change is in flight.
type gatedBackend struct {
	*msgboxx.Backend
	started chan string   // receives the conversation id as a PUT is about to leave
	gate    chan struct{} // closed by release: the PUTs go
	once    sync.Once
}

func newGated(t *testing.T, b *msgboxx.Backend) *gatedBackend {
	g := &gatedBackend{Backend: b, started: make(chan string, 100), gate: make(chan struct{})}
	t.Cleanup(g.release) // a failed test does not leave Apply waiting
	return g
}

func (g *gatedBackend) release() { g.once.Do(func() { close(g.gate) }) }

func (g *gatedBackend) UpdateConversation(ctx context.Context, id string, change state.ConversationMeta) error {
	g.started <- id
	select {
	case <-g.gate:
	case <-ctx.Done():
		return ctx.Err()
	}
	return g.Backend.UpdateConversation(ctx, id, change)
}

// withEngine replaces the rig's engine by one over be.
func withEngine(r *rig, be state.Backend) {
	r.engine = state.NewEngine(r.store, be, state.Config{Now: r.now, HistoryDays: 7})
}

// noRetryBackend is a backend whose client never repeats a request, so
// that an injected failure reaches the engine.
func noRetryBackend(t *testing.T, r *rig) *msgboxx.Backend {
	t.Helper()
	user, pass := r.srv.Credentials()
	c, err := msgboxx.New(msgboxx.Config{BaseURL: r.url, Username: user, Password: pass, Application: "mbx/test", Now: r.now,
		Timeout: 5 * time.Second, Retry: msgboxx.RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return msgboxx.NewBackend(c)
}

func sandboxConvs(r *rig) map[string]sandbox.SnapshotConversation {
	out := map[string]sandbox.SnapshotConversation{}
	for _, c := range r.srv.Snapshot().Conversations {
		out[c.ConversationID] = c
	}
	return out
}

func accountID(t *testing.T, r *rig, name string) string {
	t.Helper()
	accounts, err := r.store.Accounts()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accounts {
		if a.Name == name {
			return a.ID
		}
	}
	t.Fatalf("no account %q", name)
	return ""
}

func teamID(t *testing.T, r *rig, name string) string {
	t.Helper()
	teams, err := r.store.Teams()
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range teams {
		if tm.Name == name {
			return tm.ID
		}
	}
	t.Fatalf("no team %q", name)
	return ""
}

// pick returns n inbox conversations of the account that keep matches.
func pick(t *testing.T, r *rig, accountID string, n int, keep func(state.Conversation) bool) []state.Conversation {
	t.Helper()
	convs, err := r.store.ListConversations(state.View{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []state.Conversation
	for _, c := range convs {
		if c.AccountID == accountID && c.MetaKnown && keep(c) {
			out = append(out, c)
			if len(out) == n {
				return out
			}
		}
	}
	t.Fatalf("only %d suitable conversations, want %d", len(out), n)
	return nil
}

func ids(convs []state.Conversation) []string {
	out := make([]string, len(convs))
	for i, c := range convs {
		out[i] = c.ID
	}
	return out
}

// sameAsSandbox fails unless the store holds each conversation as the
// sandbox has it, with its metadata known.
func sameAsSandbox(t *testing.T, r *rig, convIDs ...string) {
	t.Helper()
	sb := sandboxConvs(r)
	for _, id := range convIDs {
		got, _, err := r.store.Conversation(id)
		if err != nil {
			t.Fatal(err)
		}
		want := sb[id]
		if string(got.Folder) != want.Folder || got.UserID != want.UserID || got.TeamID != want.TeamID || !got.MetaKnown {
			t.Errorf("conversation %s: store %s/%q/%q (known %v), sandbox %s/%q/%q", id,
				got.Folder, got.UserID, got.TeamID, got.MetaKnown, want.Folder, want.UserID, want.TeamID)
		}
	}
}

func TestArchiveOneConversation(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	g := newGated(t, newBackend(t, r.srv, r.url, r.now))
	withEngine(r, g)
	conv := r.openConversation(t)
	counts0, _ := r.store.FolderCounts()
	sub := r.engine.Subscribe()
	defer sub.Close()
	r.srv.ResetStats()

	done := make(chan []state.ActionResult, 1)
	go func() {
		done <- r.engine.Apply(context.Background(), []string{conv.ID}, state.Change{Folder: state.FolderArchive}, nil)
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ch, _, err := sub.Next(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ch.Conversations[conv.ID]; !ok || !ch.List {
		t.Errorf("changes before the answer: %+v", ch)
	}
	// Mid-flight: the store and its counts have it; the platform not yet.
	<-g.started
	if got, _, _ := r.store.Conversation(conv.ID); got.Folder != state.FolderArchive {
		t.Errorf("mid-flight the store has %s", got.Folder)
	}
	if n, _ := r.store.CountConversations(state.View{Folder: state.FolderArchive}); n != counts0[state.FolderArchive]+1 {
		t.Errorf("mid-flight the archive counts %d, want %d", n, counts0[state.FolderArchive]+1)
	}
	if sandboxConvs(r)[conv.ID].Folder != "inbox" || r.srv.Stats().Requests["PUT /conversation/{id}"] != 0 {
		t.Fatal("the PUT left before the gate opened")
	}
	g.release()
	res := <-done
	if len(res) != 1 || res[0].Err != nil {
		t.Fatalf("results %+v", res)
	}
	if got := state.Summary(res, state.Change{Folder: state.FolderArchive}, ""); got != "Archived "+conv.Label() {
		t.Errorf("summary %q", got)
	}
	sameAsSandbox(t, r, conv.ID)
	counts, _ := r.store.FolderCounts()
	if counts[state.FolderArchive] != counts0[state.FolderArchive]+1 || counts[state.FolderInbox] != counts0[state.FolderInbox]-1 {
		t.Errorf("folder counts %v → %v", counts0, counts)
	}
	if n := r.srv.Stats().Requests["PUT /conversation/{id}"]; n != 1 {
		t.Errorf("%d PUTs", n)
	}
	// The next sync agrees.
	r.syncUntil(t, 1)
	sameAsSandbox(t, r, conv.ID)
}

func TestBulkAssignToTeam(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	ho, team := accountID(t, r, "Head Office"), teamID(t, r, "Head Office")
	marked := pick(t, r, ho, 5, func(c state.Conversation) bool { return c.TeamID != team })
	r.srv.ResetStats()
	var last [2]int
	res := r.engine.Apply(context.Background(), ids(marked), state.Change{TeamID: team},
		func(done, total int) { last = [2]int{done, total} })
	for i, x := range res {
		if x.Err != nil || x.ConversationID != marked[i].ID || x.Label != marked[i].Label() {
			t.Errorf("result %d: %+v", i, x)
		}
	}
	if last != [2]int{5, 5} {
		t.Errorf("last progress %v", last)
	}
	sb := sandboxConvs(r)
	for _, c := range marked {
		if s := sb[c.ID]; s.TeamID != team || s.UserID != "" {
			t.Errorf("sandbox %s: team %q user %q", c.ID, s.TeamID, s.UserID)
		}
	}
	sameAsSandbox(t, r, ids(marked)...)
	if n := r.srv.Stats().Requests["PUT /conversation/{id}"]; n != 5 {
		t.Errorf("%d PUTs, want 5", n)
	}
	if got := state.Summary(res, state.Change{TeamID: team}, "Head Office"); got != "5 assigned to team Head Office" {
		t.Errorf("summary %q", got)
	}
}

func TestBulkWithFailures(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	withEngine(r, noRetryBackend(t, r))
	ho, team := accountID(t, r, "Head Office"), teamID(t, r, "Head Office")
	marked := pick(t, r, ho, 5, func(c state.Conversation) bool { return c.TeamID != team })
	// Team Head Office does not work in the Contract account.
	marked = append(marked, pick(t, r, accountID(t, r, "Stitch Recruit Contract"), 1, func(state.Conversation) bool { return true })...)
	before := map[string]state.Conversation{}
	for _, c := range marked {
		before[c.ID] = c
	}
	r.srv.ResetStats()
	r.srv.SetFaults(sandbox.Fault{Methods: []string{"PUT"}, Paths: []string{"/conversation"}, Count: 2, Status: 500})

	ch := state.Change{TeamID: team}
	res := r.engine.Apply(context.Background(), ids(marked), ch, nil)
	var ok, platform, input []state.ActionResult
	for _, x := range res {
		var be *state.BackendError
		var ie *state.InputError
		switch {
		case x.Err == nil:
			ok = append(ok, x)
		case errors.As(x.Err, &be):
			platform = append(platform, x)
		case errors.As(x.Err, &ie):
			input = append(input, x)
			if want := "team Head Office does not work in Stitch Recruit Contract"; ie.Msg != want {
				t.Errorf("input error %q, want %q", ie.Msg, want)
			}
		default:
			t.Errorf("unexpected error %v", x.Err)
		}
	}
	if len(ok) != 3 || len(platform) != 2 || len(input) != 1 || input[0].ConversationID != marked[5].ID {
		t.Fatalf("%d succeeded, %d failed on the platform, %d refused here: %+v", len(ok), len(platform), len(input), res)
	}
	if n := r.srv.Stats().Requests["PUT /conversation/{id}"]; n != 5 {
		t.Errorf("%d PUTs, want 5 (none for the refused one)", n)
	}
	sb := sandboxConvs(r)
	for _, x := range ok {
		if sb[x.ConversationID].TeamID != team {
			t.Errorf("%s not assigned on the sandbox", x.Label)
		}
		sameAsSandbox(t, r, x.ConversationID)
	}
	for _, x := range append(platform, input...) {
		got, _, _ := r.store.Conversation(x.ConversationID)
		if got.Folder != before[x.ConversationID].Folder || got.UserID != before[x.ConversationID].UserID || got.TeamID != before[x.ConversationID].TeamID {
			t.Errorf("%s not put back: %+v, was %+v", x.Label, got, before[x.ConversationID])
		}
		if sb[x.ConversationID].TeamID == team {
			t.Errorf("%s assigned on the sandbox although it failed", x.Label)
		}
	}
	sum := state.Summary(res, ch, "Head Office")
	if !strings.HasPrefix(sum, "3 assigned to team Head Office, 3 failed: ") {
		t.Errorf("summary %q", sum)
	}
	for _, x := range append(platform, input...) {
		if !strings.Contains(sum, x.Label) {
			t.Errorf("summary %q does not name %q", sum, x.Label)
		}
	}
	if !strings.Contains(sum, "does not work in Stitch Recruit Contract") || !strings.Contains(sum, "try again") {
		t.Errorf("summary %q does not say why", sum)
	}
	t.Log(sum)
	// The failed ones are read again and match the platform after a sync.
	r.srv.SetFaults()
	r.syncUntil(t, 1)
	sameAsSandbox(t, r, ids(marked)...)
}

func TestAssignToMe(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	username, _ := r.srv.Credentials()
	for _, l := range r.srv.Users() {
		if strings.EqualFold(l.Username, username) {
			r.engine.SetMe(l.UserID)
		}
	}
	me := r.engine.Me()
	if me == "" {
		t.Fatal("the demo agent is not among the sandbox's users")
	}
	mine0, _ := r.store.CountConversations(state.View{UserID: me})
	conv := pick(t, r, accountID(t, r, "Head Office"), 1, func(c state.Conversation) bool { return c.UserID != me })[0]
	res := r.engine.Apply(context.Background(), []string{conv.ID}, state.Change{UserID: r.engine.Me()}, nil)
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	if got := sandboxConvs(r)[conv.ID]; got.UserID != me || got.TeamID != "" {
		t.Errorf("sandbox: user %q team %q", got.UserID, got.TeamID)
	}
	sameAsSandbox(t, r, conv.ID)
	if n, _ := r.store.CountConversations(state.View{UserID: me}); n != mine0+1 {
		t.Errorf("Mine counts %d, want %d", n, mine0+1)
	}
	if i, _ := r.store.IndexOf(state.View{UserID: me}, conv.ID); i < 0 {
		t.Error("not in the Mine view")
	}
	if got := state.Summary(res, state.Change{UserID: me}, "me"); got != "Assigned "+conv.Label()+" to me" {
		t.Errorf("summary %q", got)
	}
	// Alex Agent does not work in Permanent: the picker does not offer them there.
	users, teams, err := r.engine.Assignees(accountID(t, r, "Head Office"))
	if err != nil || !slices.ContainsFunc(users, func(u state.User) bool { return u.ID == me }) ||
		!slices.ContainsFunc(teams, func(tm state.Team) bool { return tm.Name == "Night Shift" }) ||
		slices.ContainsFunc(teams, func(tm state.Team) bool { return tm.Name == "Contract Recruitment" }) {
		t.Errorf("assignees of Head Office: %+v %+v %v", users, teams, err)
	}
}

func TestNoOpChangeSendsNothing(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	convs, err := r.store.ListConversations(state.View{Folder: state.FolderArchive}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var conv state.Conversation
	for _, c := range convs {
		if c.MetaKnown && c.TeamID != "" {
			conv = c
			break
		}
	}
	if conv.ID == "" {
		t.Fatal("no archived conversation assigned to a team")
	}
	r.srv.ResetStats()
	sub := r.engine.Subscribe()
	defer sub.Close()
	res := r.engine.Apply(context.Background(), []string{conv.ID}, state.Change{Folder: state.FolderArchive, TeamID: conv.TeamID}, nil)
	if res[0].Err != nil {
		t.Fatal(res[0].Err)
	}
	if st := r.srv.Stats(); len(st.Requests) != 0 {
		t.Errorf("requests for a change that changes nothing: %v", st.Requests)
	}
	if got, _, _ := r.store.ConversationRow(conv.ID); !reflect.DeepEqual(got, conv) {
		t.Errorf("the store changed: %+v → %+v", conv, got)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if ch, _, err := sub.Next(ctx, 0); err == nil {
		t.Errorf("changes published for nothing: %+v", ch)
	}
}

// TestActionRacingSync: a poll fetches the conversation's metadata after
// the optimistic write and before the platform acted. Whatever the
// answer, the store holds the platform's truth after the next sync.
func TestActionRacingSync(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		fault *sandbox.Fault
		want  string // the sandbox's folder in the end
	}{
		{name: "accepted", want: "archive"},
		{name: "refused", fault: &sandbox.Fault{Methods: []string{"PUT"}, Paths: []string{"/conversation"}, Count: 1, Status: 400}, want: "inbox"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newSyncedRig(t, true)
			g := newGated(t, noRetryBackend(t, r))
			withEngine(r, g)
			conv := r.openConversation(t)
			done := make(chan []state.ActionResult, 1)
			go func() {
				done <- r.engine.Apply(context.Background(), []string{conv.ID}, state.Change{Folder: state.FolderArchive}, nil)
			}()
			<-g.started
			if got, _, _ := r.store.Conversation(conv.ID); got.Folder != state.FolderArchive {
				t.Fatalf("optimistic write missing: %s", got.Folder)
			}
			// The customer writes; the poll reads the conversation's folder
			// while the PUT is held: still inbox on the platform.
			r.clock.Add(time.Second)
			if _, err := r.srv.Receive(conv.ContactID, "Hello again"); err != nil {
				t.Fatal(err)
			}
			r.syncUntil(t, 1)
			if got, _, _ := r.store.Conversation(conv.ID); got.Folder != state.FolderInbox {
				t.Fatalf("the poll did not read the folder in between: %s", got.Folder)
			}
			if tt.fault != nil {
				r.srv.SetFaults(*tt.fault)
			}
			g.release()
			res := <-done
			if (res[0].Err == nil) != (tt.fault == nil) {
				t.Fatalf("result %+v", res[0])
			}
			if got := sandboxConvs(r)[conv.ID].Folder; got != tt.want {
				t.Fatalf("sandbox folder %s, want %s", got, tt.want)
			}
			r.syncUntil(t, 1)
			sameAsSandbox(t, r, conv.ID)
		})
	}
}
