package msgboxx_test

import (
	"bufio"
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// rig is a sandbox on loopback, a client logged in as the demo agent, a
// store in a temp dir and an engine over them, all on one clock.
type rig struct {
	srv    *sandbox.Server
	url    string
	now    func() time.Time
	clock  *fakeClock // nil when real time
	path   string
	store  *state.Store
	engine *state.Engine
}

type rigOpt func(*sandbox.Config, *state.Config)

// rigConfig is the rig's sandbox and engine configuration with opts applied.
func rigConfig(now func() time.Time, opts ...rigOpt) (sandbox.Config, state.Config) {
	scfg := sandbox.Config{Seed: 11, Now: now, StatusStep: time.Minute}
	ecfg := state.Config{Now: now, HistoryDays: 7}
	for _, o := range opts {
		o(&scfg, &ecfg)
	}
	return scfg, ecfg
}

// newRig builds a rig whose store is empty: its first sync is the
// backfill. fake puts everything on a fake clock that stands still until
// the test moves it; otherwise the rig runs on real time.
func newRig(t testing.TB, fake bool, opts ...rigOpt) *rig {
	t.Helper()
	r := &rig{now: time.Now}
	if fake {
		r.clock = newClock()
		r.now = r.clock.Now
	}
	scfg, ecfg := rigConfig(r.now, opts...)
	r.start(t, scfg)
	r.open(t, ecfg)
	return r
}

// start starts the sandbox on loopback and picks the store's path.
func (r *rig) start(t testing.TB, scfg sandbox.Config) {
	t.Helper()
	r.srv = sandbox.New(scfg)
	t.Cleanup(r.srv.Close)
	hs := httptest.NewServer(r.srv)
	t.Cleanup(hs.Close)
	r.url = hs.URL
	r.path = filepath.Join(t.TempDir(), "mbx", "test.db")
}

// backfilled is the store of a fake-clock rig with the default
// configuration right after its first sync (the backfill), made once per
// test binary by newSyncedRig: a first sync of the demo data takes seconds
// under the race detector, and most tests only need one to have happened.
var backfilled struct {
	once  sync.Once
	files map[string][]byte // the store's files by suffix: "" (the database), "-wal"
	snap  sandbox.Snapshot  // the sandbox's data it was made from
}

// newSyncedRig is newRig(t, fake, opts...) followed by a successful sync,
// but the backfill is not done again: the store starts as a copy of
// backfilled. The sandbox's demo data is the same (same seed, same clock
// at the start; checked), so the copy is what this rig's own backfill
// would have written; the rig's engine then polls once. Without fake the
// clock starts where the fake one does and then follows real time.
//
// opts may not change the demo data or the backfill: only sandbox
// settings that act later (BroadcastQueueDelay) and engine settings
// other than HistoryDays may differ from newRig's defaults.
func newSyncedRig(t testing.TB, fake bool, opts ...rigOpt) *rig {
	t.Helper()
	base, files := backfilledStore(t)
	r := &rig{clock: newClock()}
	r.now = r.clock.Now
	scfg, ecfg := rigConfig(r.now, opts...)
	defS, defE := rigConfig(nil)
	cmpS := scfg
	cmpS.Now, cmpS.BroadcastQueueDelay = nil, 0
	if !reflect.DeepEqual(cmpS, defS) || ecfg.HistoryDays != defE.HistoryDays {
		t.Fatalf("newSyncedRig: options change the demo data or the backfill (%+v, history %d days); use newRig", cmpS, ecfg.HistoryDays)
	}
	r.start(t, scfg)
	snap := r.srv.Snapshot()
	if !reflect.DeepEqual(snap, base) {
		t.Fatal("newSyncedRig: the sandbox's demo data differs from the one the backfilled store was made from")
	}
	if err := os.MkdirAll(filepath.Dir(r.path), 0o700); err != nil {
		t.Fatal(err)
	}
	for suffix, b := range files {
		if err := os.WriteFile(r.path+suffix, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if !fake {
		r.clock.run()
	}
	r.open(t, ecfg)
	r.syncUntil(t, 1)
	return r
}

// backfilledStore makes backfilled on first use.
func backfilledStore(t testing.TB) (sandbox.Snapshot, map[string][]byte) {
	t.Helper()
	backfilled.once.Do(func() {
		r := newRig(t, true)
		r.syncUntil(t, 1)
		if done, err := r.store.GetMeta("sync.backfilled"); err != nil || done != "1" {
			t.Fatalf("the backfill did not finish: %q %v", done, err)
		}
		if err := r.store.Close(); err != nil {
			t.Fatal(err)
		}
		files := map[string][]byte{}
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(r.path + suffix)
			if err == nil {
				files[suffix] = b
			} else if suffix == "" || !os.IsNotExist(err) {
				t.Fatal(err)
			}
		}
		backfilled.files, backfilled.snap = files, r.srv.Snapshot()
	})
	if backfilled.files == nil {
		t.Fatal("the shared backfill failed (see the first test that asked for it)")
	}
	return backfilled.snap, backfilled.files
}

func (r *rig) open(t testing.TB, ecfg state.Config) {
	t.Helper()
	st, err := state.Open(r.path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r.store = st
	if ecfg.Now == nil {
		ecfg.Now = r.now
	}
	r.engine = state.NewEngine(st, newBackend(t, r.srv, r.url, r.now), ecfg)
}

func newBackend(t testing.TB, srv *sandbox.Server, url string, now func() time.Time) *msgboxx.Backend {
	t.Helper()
	user, pass := srv.Credentials()
	c, err := msgboxx.New(msgboxx.Config{BaseURL: url, Username: user, Password: pass, Application: "mbx/test", Now: now,
		Timeout: 5 * time.Second,
		Retry:   msgboxx.RetryPolicy{MaxAttempts: 3, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond, MaxRetryAfter: 10 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	return msgboxx.NewBackend(c)
}

// syncUntil runs rounds until one succeeds (faults may fail some).
func (r *rig) syncUntil(t testing.TB, rounds int) {
	t.Helper()
	var err error
	for range rounds {
		if err = r.engine.SyncOnce(context.Background()); err == nil {
			return
		}
	}
	t.Fatalf("no successful sync in %d rounds: %v", rounds, err)
}

// openConversation finds a conversation whose window is open.
func (r *rig) openConversation(t testing.TB) state.Conversation {
	t.Helper()
	convs, err := r.store.ListConversations(state.View{}, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range convs {
		if w := state.WindowAt(c.WindowExpiry(), r.now()); w.State == state.WindowOpen {
			return c
		}
	}
	t.Fatal("no conversation with an open window")
	return state.Conversation{}
}

func TestSyncMatchesSandboxUnderFaults(t *testing.T) {
	t.Parallel()
	r := newRig(t, true)
	r.srv.SetFaults(
		sandbox.Fault{Methods: []string{"GET"}, Rate: 0.2, Status: 503},
		sandbox.Fault{Rate: 0.05, Drop: true},
		sandbox.Fault{Paths: []string{"/message"}, Count: 3, Status: 429, RetryAfter: time.Second},
		sandbox.Fault{Rate: 0.1, Latency: 5 * time.Millisecond},
	)
	r.syncUntil(t, 200) // the backfill
	r.syncUntil(t, 50)  // a poll
	r.srv.SetFaults()
	r.syncUntil(t, 1)

	snap := r.srv.Snapshot()
	visible := map[string]bool{}
	accounts, _ := r.store.Accounts()
	for _, a := range accounts {
		visible[a.ID] = true
	}
	if len(visible) != 2 {
		t.Fatalf("the agent sees %d accounts, want 2", len(visible))
	}
	from := r.now().Add(-7 * 24 * time.Hour)
	wantConvs := map[string]bool{}
	checked := 0
	for _, m := range snap.Messages {
		if !visible[m.APIAccountID] || m.DateTime.Before(from) {
			continue
		}
		wantConvs[m.ConversationID] = true
		got, ok, err := r.store.Message(m.MessageID)
		if err != nil || !ok {
			t.Fatalf("message %s (%s) missing from the store: %v", m.MessageID, m.DateTime, err)
		}
		// Invalid UTF-8 travels as U+FFFD in JSON (sandbox doc.go).
		body := strings.ToValidUTF8(m.BodyText, "\uFFFD")
		if m.FileLocation != "" { // a file's line, as on every platform (backend.go fileMedia)
			if !strings.HasSuffix(got.Media.Ref, m.FileLocation) || got.Media.Name != path.Base(m.FileLocation) {
				t.Errorf("message %s: media %+v for fileLocation %s", m.MessageID, got.Media, m.FileLocation)
			}
			body = state.MediaLine(got.Media.Kind, got.Media.Name, body)
		}
		if got.Body != body || got.ConversationID != m.ConversationID || (got.Direction == state.Outbound) != (m.MessageDirection == "outgoing") {
			t.Errorf("message %s differs: %+v vs %+v", m.MessageID, got, m)
		}
		if got.Direction == state.Outbound && got.Status != state.ParseMessageStatus(m.Status) {
			t.Errorf("message %s: status %v, sandbox says %s", m.MessageID, got.Status, m.Status)
		}
		checked++
	}
	if checked < 500 {
		t.Fatalf("only %d messages compared", checked)
	}
	for _, c := range snap.Conversations {
		if !wantConvs[c.ConversationID] {
			continue
		}
		got, ok, err := r.store.Conversation(c.ConversationID)
		if err != nil || !ok {
			t.Fatalf("conversation %s missing: %v", c.ConversationID, err)
		}
		if string(got.Folder) != c.Folder || got.UserID != c.UserID || got.TeamID != c.TeamID || !got.MetaKnown {
			t.Errorf("conversation %s: store %s/%s/%s, sandbox %s/%s/%s", c.ConversationID, got.Folder, got.UserID, got.TeamID, c.Folder, c.UserID, c.TeamID)
		}
	}
	n := 0
	for _, c := range snap.Contacts {
		if visible[c.APIAccountID] {
			n++
			if _, ok, _ := r.store.Contact(c.ContactID); !ok {
				t.Errorf("contact %s missing", c.ContactID)
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d visible contacts", n)
	}
	if st := r.engine.Status(); st.State != state.Online || st.LastError != "" {
		t.Errorf("status after a good sync: %+v", st)
	}
}

func TestIdlePollIsOneRequest(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	r.syncUntil(t, 1)
	r.srv.ResetStats()
	r.syncUntil(t, 1)
	st := r.srv.Stats()
	total := 0
	for _, n := range st.Requests {
		total += n
	}
	if total != 1 || st.Requests["GET /message"] != 1 {
		t.Errorf("idle poll made %d requests: %v", total, st.Requests)
	}
}

func TestNewMessagesReachSubscribers(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	sub := r.engine.Subscribe()
	defer sub.Close()
	conv := r.openConversation(t)
	r.clock.Add(time.Second)
	if _, err := r.srv.Receive(conv.ContactID, "Is it still free on Friday?"); err != nil {
		t.Fatal(err)
	}
	r.syncUntil(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	ch, _, err := sub.Next(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ch.Threads[conv.ID]; !ok {
		t.Errorf("changes %+v do not name the thread", ch)
	}
	got, _, _ := r.store.Conversation(conv.ID)
	if got.Unread < 1 || got.Preview != "Is it still free on Friday?" {
		t.Errorf("conversation after a new message: %+v", got)
	}
}

func sendAndCount(t *testing.T, r *rig, conv state.Conversation, body string) int {
	t.Helper()
	return r.srv.CountMessages(conv.ID, body)
}

func TestOfflineReplyIsSentOnceWhenBack(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	conv := r.openConversation(t)
	const body = "Sent while the network was down"
	item, err := r.engine.Send(conv.ID, body)
	if err != nil {
		t.Fatal(err)
	}
	thread, _ := r.store.Thread(conv.ID, time.Time{}, 5)
	if last := thread[len(thread)-1]; last.Body != body || last.Status != state.StatusPending || last.LocalID != item.LocalID {
		t.Fatalf("the reply is not shown as pending at once: %+v", last)
	}
	// Offline: connections dropped, or refused with 503.
	r.srv.SetFaults(sandbox.Fault{Drop: true, Rate: 0.5}, sandbox.Fault{Status: 503})
	for range 5 {
		r.engine.SendPending(context.Background())
		r.clock.Add(2 * time.Minute)
	}
	if n := sendAndCount(t, r, conv, body); n != 0 {
		t.Fatalf("%d copies while offline", n)
	}
	got, _, _ := r.store.OutboxItem(item.LocalID)
	if got.State == state.OutboxSent || got.State == state.OutboxFailed || got.Reason == "" {
		t.Fatalf("offline item: %+v", got)
	}
	r.srv.SetFaults()
	r.clock.Add(2 * time.Minute)
	for range 3 {
		r.engine.SendPending(context.Background())
		r.clock.Add(2 * time.Minute)
	}
	if n := sendAndCount(t, r, conv, body); n != 1 {
		t.Fatalf("%d copies after the network came back, want 1", n)
	}
	got, _, _ = r.store.OutboxItem(item.LocalID)
	if got.State != state.OutboxSent || got.ServerID == "" {
		t.Fatalf("item after sending: %+v", got)
	}
	r.syncUntil(t, 1)
	thread, _ = r.store.Thread(conv.ID, time.Time{}, 50)
	copies := 0
	for _, m := range thread {
		if m.Body == body {
			copies++
			if m.ID != got.ServerID {
				t.Errorf("the thread's copy has id %q, want %q", m.ID, got.ServerID)
			}
		}
	}
	if copies != 1 {
		t.Errorf("%d copies in the thread", copies)
	}
}

func TestAmbiguousReplyIsReconciledNotResent(t *testing.T) {
	t.Parallel()
	for _, fault := range []sandbox.Fault{{DropAfter: true}, {Malformed: true}, {Status: 502}} {
		t.Run(fmt.Sprintf("%+v", fault), func(t *testing.T) {
			t.Parallel()
			r := newSyncedRig(t, true)
			conv := r.openConversation(t)
			fault.Methods, fault.Paths, fault.Count = []string{"POST"}, []string{"/message"}, 1
			r.srv.SetFaults(fault)
			r.srv.ResetStats()
			item, err := r.engine.Send(conv.ID, "Did this arrive?")
			if err != nil {
				t.Fatal(err)
			}
			for range 3 {
				r.engine.SendPending(context.Background())
				r.clock.Add(10 * time.Second)
			}
			got, _, _ := r.store.OutboxItem(item.LocalID)
			wantCopies, wantPosts := 1, 1
			if fault.Status == 502 { // a gateway error: nothing arrived, so it is sent again once
				wantPosts = 2
			}
			if n := sendAndCount(t, r, conv, "Did this arrive?"); n != wantCopies {
				t.Errorf("%d copies on the server, want %d", n, wantCopies)
			}
			if n := r.srv.Stats().Requests["POST /message"]; n != wantPosts {
				t.Errorf("%d POSTs, want %d", n, wantPosts)
			}
			if got.State != state.OutboxSent {
				t.Errorf("item %+v", got)
			}
		})
	}
}

func TestWindowClosingWhileOfflineFailsWithTextKept(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	conv := r.openConversation(t)
	const body = "Sorry for the delay!"
	item, err := r.engine.Send(conv.ID, body)
	if err != nil {
		t.Fatal(err)
	}
	r.srv.SetFaults(sandbox.Fault{Status: 503})
	r.engine.SendPending(context.Background())
	r.clock.Add(25 * time.Hour)
	r.srv.SetFaults()
	r.engine.SendPending(context.Background())
	got, _, _ := r.store.OutboxItem(item.LocalID)
	if got.State != state.OutboxFailed || !strings.Contains(got.Reason, "window closed") || got.Body != body {
		t.Fatalf("item %+v", got)
	}
	m, ok, _ := r.store.Message("local:" + item.LocalID)
	if !ok || m.Status != state.StatusFailed || m.Body != body || m.Reason == "" {
		t.Fatalf("message %+v", m)
	}
	if n := sendAndCount(t, r, conv, body); n != 0 {
		t.Errorf("%d copies sent after the window closed", n)
	}
	if _, err := r.engine.Send(conv.ID, "another"); err != state.ErrWindowClosed {
		t.Errorf("Send to a closed window: %v", err)
	}
}

func TestRefusedReplyFailsWithReason(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	conv := r.openConversation(t)
	r.srv.SetFaults(sandbox.Fault{Methods: []string{"POST"}, Paths: []string{"/message"}, Count: 1, Status: 400})
	item, _ := r.engine.Send(conv.ID, "refused")
	r.engine.SendPending(context.Background())
	got, _, _ := r.store.OutboxItem(item.LocalID)
	if got.State != state.OutboxFailed || !strings.Contains(got.Reason, "refused by the platform") {
		t.Fatalf("item %+v", got)
	}
	if err := r.engine.Resend(item.LocalID); err != nil {
		t.Fatal(err)
	}
	r.engine.SendPending(context.Background())
	got, _, _ = r.store.OutboxItem(item.LocalID)
	if got.State != state.OutboxSent || sendAndCount(t, r, conv, "refused") != 1 {
		t.Fatalf("after resend: %+v", got)
	}
}

func TestTemplateSendFollowsTheBroadcast(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true, func(s *sandbox.Config, _ *state.Config) { s.BroadcastQueueDelay = 3 * time.Second })
	conv := r.openConversation(t)
	tpls, _ := r.store.Templates(conv.AccountID)
	var tpl state.Template
	for _, tp := range tpls {
		if tp.Approved() && len(tp.Parse().Placeholders) == 2 {
			tpl = tp
			break
		}
	}
	if tpl.ID == "" {
		t.Fatal("no approved two-placeholder template")
	}
	if _, err := r.engine.SendTemplate(conv, tpl, map[int]string{1: "Sam"}); err == nil {
		t.Fatal("an unfilled placeholder must be refused")
	}
	item, err := r.engine.SendTemplate(conv, tpl, map[int]string{1: "Sam", 2: "the flat on King St"})
	if err != nil {
		t.Fatal(err)
	}
	r.engine.SendPending(context.Background())
	got, _, _ := r.store.OutboxItem(item.LocalID)
	if got.FollowUp == "" || got.State == state.OutboxSent {
		t.Fatalf("before the queue delay: %+v", got)
	}
	r.clock.Add(5 * time.Second)
	r.engine.SendPending(context.Background())
	got, _, _ = r.store.OutboxItem(item.LocalID)
	if got.State != state.OutboxSent || got.ServerID == "" {
		t.Fatalf("after the queue delay: %+v", got)
	}
	m, ok, _ := r.store.Message(got.ServerID)
	if !ok || !m.Template || m.Body != item.Body {
		t.Fatalf("the template message: %+v", m)
	}
}

func TestSearchAfterSync(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	snap := r.srv.Snapshot()
	accounts, _ := r.store.Accounts()
	visible := map[string]bool{}
	for _, a := range accounts {
		visible[a.ID] = true
	}
	var contact sandbox.SnapshotContact
	for _, c := range snap.Contacts {
		if visible[c.APIAccountID] && strings.HasPrefix(c.MobileNumber, "+44") {
			contact = c
			break
		}
	}
	hits, err := r.store.SearchContacts(contact.MobileNumber[5:11], 20)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hits {
		found = found || h.ID == contact.ContactID
	}
	if !found {
		t.Errorf("contact %s not found by part of its number %q", contact.MobileNumber, contact.MobileNumber[5:11])
	}
	conv := r.openConversation(t)
	r.clock.Add(time.Second)
	if _, err := r.srv.Receive(conv.ContactID, "Could we reschedule the viewing to Thursday afternoon?"); err != nil {
		t.Fatal(err)
	}
	r.syncUntil(t, 1)
	msgs, err := r.store.SearchMessages("reschedule thursday", 10)
	if err != nil || len(msgs) == 0 || msgs[0].Conversation.ID != conv.ID {
		t.Errorf("search by words: %+v %v", msgs, err)
	}
}

// ---- crash tests: a child process killed with SIGKILL ----

// TestChild is the child process of the crash tests; it does nothing in
// a normal run. (These tests drive state's engine through this package's
// Backend against the sandbox; they live here so that state imports no
// HTTP package, not even in tests.)
func TestChild(t *testing.T) {
	mode := os.Getenv("MBX_CHILD")
	if mode == "" {
		t.Skip("child process of the crash tests")
	}
	st, err := state.Open(os.Getenv("MBX_CHILD_STORE"))
	if err != nil {
		t.Fatal(err)
	}
	user, pass := os.Getenv("MBX_CHILD_USER"), os.Getenv("MBX_CHILD_PASS")
	// The parent's clock: real time moved by an offset.
	offset, err := time.ParseDuration(os.Getenv("MBX_CHILD_CLOCK_OFFSET"))
	if err != nil {
		t.Fatal(err)
	}
	now := func() time.Time { return time.Now().Add(offset) }
	c, err := msgboxx.New(msgboxx.Config{BaseURL: os.Getenv("MBX_CHILD_URL"), Username: user, Password: pass, Timeout: time.Minute, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	eng := state.NewEngine(st, msgboxx.NewBackend(c), state.Config{DraftDelay: 50 * time.Millisecond, Now: now})
	conv := os.Getenv("MBX_CHILD_CONV")
	switch mode {
	case "send":
		if _, err := eng.Send(conv, os.Getenv("MBX_CHILD_BODY")); err != nil {
			t.Fatal(err)
		}
		fmt.Println("queued")
		eng.SendPending(context.Background()) // killed in here
	case "draft":
		body := os.Getenv("MBX_CHILD_BODY")
		for _, s := range []string{"H", "Hel", "Hello, I'll check", body} {
			eng.SaveDraft(conv, s)
			time.Sleep(5 * time.Millisecond) // typing
		}
		// The writer behind the typing has stored the last text: the
		// parent kills the process as soon as it reads "typed".
		deadline := time.Now().Add(20 * time.Second)
		for d, _, _ := st.Draft(conv); d.Text != body; d, _, _ = st.Draft(conv) {
			if time.Now().After(deadline) {
				t.Fatalf("the draft was not written: %q", d.Text)
			}
			time.Sleep(5 * time.Millisecond) // polling for the condition
		}
		fmt.Println("typed")
	}
	time.Sleep(time.Minute) // killed in here
}

// runChild starts the test binary as a child in mode and returns once it
// printed ready; kill ends it with SIGKILL.
func runChild(t *testing.T, r *rig, mode, conv, body, ready string) (kill func()) {
	t.Helper()
	user, pass := r.srv.Credentials()
	cmd := exec.Command(os.Args[0], "-test.run=^TestChild$", "-test.v")
	cmd.Env = append(os.Environ(), "MBX_CHILD="+mode, "MBX_CHILD_STORE="+r.path, "MBX_CHILD_URL="+r.url,
		"MBX_CHILD_USER="+user, "MBX_CHILD_PASS="+pass, "MBX_CHILD_CONV="+conv, "MBX_CHILD_BODY="+body,
		"MBX_CHILD_CLOCK_OFFSET="+r.now().Sub(time.Now()).String())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		if strings.TrimSpace(lines.Text()) == ready {
			break
		}
	}
	go func() {
		for lines.Scan() {
		}
	}()
	return func() {
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond) // polling for the condition
	}
}

func TestKilledMidSendLeavesExactlyOneCopy(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	tests := []struct {
		name  string
		fault sandbox.Fault
		// acted: the platform created the message before the kill
		acted bool
	}{
		{name: "killed before the platform acted", fault: sandbox.Fault{Latency: time.Minute}},
		{name: "killed after the platform acted, before the answer", fault: sandbox.Fault{HoldAfter: time.Minute}, acted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newSyncedRig(t, false)
			conv := r.openConversation(t)
			r.store.Close()
			body := "Confirmed: Thursday 10:00 — " + tt.name
			tt.fault.Methods, tt.fault.Paths, tt.fault.Count = []string{"POST"}, []string{"/message"}, 1
			r.srv.SetFaults(tt.fault)
			r.srv.ResetStats()

			kill := runChild(t, r, "send", conv.ID, body, "queued")
			if tt.acted {
				waitFor(t, "the platform to act", func() bool { return r.srv.CountMessages(conv.ID, body) == 1 })
			} else {
				waitFor(t, "the request to arrive", func() bool { return r.srv.Stats().Requests["POST /message"] == 1 })
			}
			kill()
			r.srv.SetFaults()

			// Restart: the same store, a new engine.
			r.open(t, state.Config{})
			items, err := r.store.Outbox()
			if err != nil || len(items) != 1 || items[0].State != state.OutboxSending {
				t.Fatalf("after the kill the outbox holds %+v (%v), want one item still sending", items, err)
			}
			r.engine.SendPending(context.Background())
			if n := r.srv.CountMessages(conv.ID, body); n != 1 {
				t.Fatalf("%d copies on the server, want exactly 1", n)
			}
			wantPosts := 2
			if tt.acted {
				wantPosts = 1 // found by reconciliation: never sent again
			}
			if n := r.srv.Stats().Requests["POST /message"]; n != wantPosts {
				t.Errorf("%d POSTs, want %d", n, wantPosts)
			}
			got, _, _ := r.store.OutboxItem(items[0].LocalID)
			if got.State != state.OutboxSent || got.ServerID == "" {
				t.Errorf("item after restart: %+v", got)
			}
		})
	}
}

func TestKilledProcessKeepsItsDraft(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("spawns processes")
	}
	r := newSyncedRig(t, false)
	conv := r.openConversation(t)
	r.store.Close()
	const text = "Hello, I'll check with the landlord and call you back 📞"
	kill := runChild(t, r, "draft", conv.ID, text, "typed")
	kill()
	r.open(t, state.Config{})
	d, ok, err := r.store.Draft(conv.ID)
	if err != nil || !ok || d.Text != text {
		t.Fatalf("draft after SIGKILL: %+v %v %v", d, ok, err)
	}
}

// TestRunLoop drives the real loop: a reply goes out on its own, an outage
// shows as offline with a next attempt, recovery shows as online, and
// cancelling the context stops everything. The clock follows real time;
// the test moves it on for the reply's ticks (StatusStep) to come.
func TestRunLoop(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, false, func(_ *sandbox.Config, e *state.Config) {
		e.Poll, e.IdlePoll, e.MaxBackoff, e.StatusEvery = 20*time.Millisecond, 20*time.Millisecond, 100*time.Millisecond, 20*time.Millisecond
	})
	sub := r.engine.Subscribe()
	defer sub.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.engine.Run(ctx) }()

	waitFor(t, "online", func() bool { return r.engine.Status().State == state.Online })
	conv := r.openConversation(t)
	item, err := r.engine.Send(conv.ID, "Sent by the running engine")
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the reply to reach the platform", func() bool {
		return r.srv.CountMessages(conv.ID, "Sent by the running engine") == 1
	})
	r.clock.Add(3 * time.Minute) // three status steps
	waitFor(t, "the reply to be read", func() bool {
		m, ok, _ := r.store.Message("local:" + item.LocalID)
		return ok && m.ID != "" && m.Status >= state.StatusDelivered
	})
	if n := r.srv.CountMessages(conv.ID, "Sent by the running engine"); n != 1 {
		t.Errorf("%d copies", n)
	}
	r.srv.SetFaults(sandbox.Fault{Status: 503})
	waitFor(t, "offline", func() bool {
		st := r.engine.Status()
		return st.State == state.Offline && !st.NextAttempt.IsZero() && st.LastError != ""
	})
	r.srv.SetFaults()
	waitFor(t, "online again", func() bool { return r.engine.Status().State == state.Online })
	got := false
	for !got {
		c, _, err := sub.Next(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		got = c.Connection
	}
	cancel()
	select {
	case err := <-done:
		if err != context.Canceled {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// TestLoadOlderFromThePlatform: history older than the backfill comes from
// the platform when the agent scrolls past it.
func TestLoadOlderFromThePlatform(t *testing.T) {
	t.Parallel()
	r := newRig(t, true, func(_ *sandbox.Config, e *state.Config) { e.HistoryDays = 1 })
	r.syncUntil(t, 1)
	snap := r.srv.Snapshot()
	oldest := r.now()
	var conv string
	for _, c := range snap.Conversations {
		if c.MessageCount < 4 {
			continue
		}
		if _, ok, _ := r.store.Conversation(c.ConversationID); !ok {
			continue
		}
		thread, _ := r.store.Thread(c.ConversationID, time.Time{}, 1000)
		if len(thread) > 0 && len(thread) < c.MessageCount {
			conv, oldest = c.ConversationID, thread[0].Time
			break
		}
	}
	if conv == "" {
		t.Skip("no conversation with history older than a day in this seed")
	}
	before, _ := r.store.ThreadCount(conv)
	sub := r.engine.Subscribe()
	defer sub.Close()
	added, err := r.engine.LoadOlder(context.Background(), conv, oldest)
	if err != nil {
		t.Fatal(err)
	}
	// Older history is not news: no notification, no "(N new)".
	for ch, ok := sub.Poll(); ok; ch, ok = sub.Poll() {
		if len(ch.Inbound) > 0 {
			t.Fatalf("loading older messages announced %d conversations as news", len(ch.Inbound))
		}
	}
	after, _ := r.store.ThreadCount(conv)
	if added == 0 || after != before+added {
		t.Errorf("added %d, thread %d → %d", added, before, after)
	}
	again, err := r.engine.LoadOlder(context.Background(), conv, oldest)
	if err != nil || again != 0 {
		t.Errorf("a second fetch of the same week added %d (%v)", again, err)
	}
}
