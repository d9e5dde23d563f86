package state

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// pagedBackend is coreBackend with its pages counted across every pass:
// the failAt-th page (0-based, whatever pass it is in) fails once. It
// records the message queries and the status reads, and can hand out a
// malformed message.
type pagedBackend struct {
	*coreBackend
	mu         sync.Mutex
	pages      int
	failAt     int // -1: never
	queries    []MessageQuery
	statusIDs  []string
	skipInPage int // > 0: report this many skipped items with each page (ReportSkipped)
}

func newPaged(now func() time.Time) *pagedBackend {
	return &pagedBackend{coreBackend: newCore(now), failAt: -1}
}

func (b *pagedBackend) Messages(ctx context.Context, q MessageQuery) iter.Seq2[Batch, error] {
	b.mu.Lock()
	b.queries = append(b.queries, q)
	b.mu.Unlock()
	inner := b.coreBackend.Messages(ctx, q)
	return func(yield func(Batch, error) bool) {
		for batch, err := range inner {
			if err != nil {
				yield(batch, err)
				return
			}
			b.mu.Lock()
			n := b.pages
			b.pages++
			fail := n == b.failAt
			if fail {
				b.failAt = -1
			}
			skip := b.skipInPage
			b.mu.Unlock()
			if fail {
				yield(Batch{}, &BackendError{Kind: KindTemporary, Op: "GET /messages", Message: "injected"})
				return
			}
			ReportSkipped(ctx, skip)
			if !yield(batch, nil) {
				return
			}
		}
	}
}

func (b *pagedBackend) Message(ctx context.Context, id string) (Message, error) {
	b.mu.Lock()
	b.statusIDs = append(b.statusIDs, id)
	b.mu.Unlock()
	return b.coreBackend.Message(ctx, id)
}

func (b *pagedBackend) takeQueries() []MessageQuery {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.queries
	b.queries = nil
	return q
}

// history fills be with a message every step over days days before now,
// in conversations of contacts k0…k(convs-1) round robin.
func history(be *coreBackend, now time.Time, days int, step time.Duration, convs int) []Message {
	var msgs []Message
	i := 0
	for t := now.Add(-time.Duration(days) * 24 * time.Hour).Add(step / 2); t.Before(now); t = t.Add(step) {
		msgs = append(msgs, coreMsg(fmt.Sprintf("h%03d", i), fmt.Sprintf("k%d", i%convs), t))
		i++
	}
	be.add(msgs...)
	return msgs
}

// checkSynced fails unless every message of msgs is stored in its
// conversation, and every conversation is there with its metadata.
func checkSynced(t *testing.T, s *Store, msgs []Message) {
	t.Helper()
	convs := map[string]bool{}
	missing := 0
	for _, m := range msgs {
		got, ok, err := s.Message(m.ID)
		if err != nil || !ok || got.ConversationID != m.ConversationID {
			missing++
			continue
		}
		convs[m.ConversationID] = true
	}
	if missing > 0 {
		t.Errorf("%d of %d messages missing", missing, len(msgs))
	}
	for id := range convs {
		if c, ok, _ := s.Conversation(id); !ok || !c.MetaKnown {
			t.Errorf("conversation %s: stored %v, metadata known %v", id, ok, c.MetaKnown)
		}
	}
}

// TestBackfillAnyOrderFailureAtEveryPage: the first sync, with the
// platform's pages oldest first, newest first or shuffled, and one
// failure injected at every page position in turn (of whichever window):
// after the next sync the store holds every message and conversation.
// A cursor or floor that moved per page would lose the rest of the pass
// in the newest-first and shuffled orders.
func TestBackfillAnyOrderFailureAtEveryPage(t *testing.T) {
	orders := []string{"oldest", "newest", "shuffled"}
	if raceEnabled() {
		orders = orders[1:2] // SQLite is ~30 times slower under -race: the order that breaks a per-page cursor
	}
	for _, order := range orders {
		t.Run(order, func(t *testing.T) {
			clock := &testClock{now: t0}
			setup := func(failAt int) (*Store, *Engine, *pagedBackend, []Message) {
				be := newPaged(clock.Now)
				be.order, be.pageSize, be.failAt = order, 7, failAt
				msgs := history(be.coreBackend, t0, 3, 50*time.Minute, 9)
				s := openTest(t)
				return s, NewEngine(s, be, Config{Now: clock.Now, HistoryDays: 3, Overlap: time.Minute}), be, msgs
			}
			s, e, be, msgs := setup(-1)
			if err := e.SyncOnce(context.Background()); err != nil {
				t.Fatal(err)
			}
			checkSynced(t, s, msgs)
			pages := be.pages
			if pages < 12 {
				t.Fatalf("only %d pages: the test needs several pages per window", pages)
			}
			for failAt := range pages {
				s, e, _, msgs := setup(failAt)
				if err := e.SyncOnce(context.Background()); err == nil {
					t.Fatalf("fail at page %d: the first sync did not fail", failAt)
				}
				if err := e.SyncOnce(context.Background()); err != nil {
					t.Fatalf("fail at page %d: the second sync: %v", failAt, err)
				}
				t.Run(fmt.Sprintf("fail at page %d", failAt), func(t *testing.T) { checkSynced(t, s, msgs) })
				if c, _ := e.cursor(); !c.Equal(msgs[len(msgs)-1].Time) {
					t.Errorf("fail at page %d: cursor %v, want the newest message's %v", failAt, c, msgs[len(msgs)-1].Time)
				}
			}
		})
	}
}

// TestFirstSyncFillsNewestFirst: the first round reads the last hour
// and its conversations' metadata (the inbox is usable), then each round
// polls when due (from the cursor) and fills one older window, every
// window ending where the one before began, down to HistoryDays. The
// history's customer messages are not announced as news.
func TestFirstSyncFillsNewestFirst(t *testing.T) {
	clock := &testClock{now: t0}
	be := newPaged(clock.Now)
	be.pageSize = 50
	msgs := history(be.coreBackend, t0, 4, 25*time.Minute, 30)
	s := openTest(t)
	e := NewEngine(s, be, Config{Now: clock.Now, HistoryDays: 4, Overlap: time.Minute})
	sub := e.Subscribe()
	defer sub.Close()
	ctx := e.countSkips(context.Background())

	if err := e.backfill(ctx, false); err != nil {
		t.Fatal(err)
	}
	q := be.takeQueries()
	if len(q) != 1 || !q[0].From.Equal(t0.Add(-time.Hour)) || !q[0].To.IsZero() {
		t.Fatalf("first round's queries %+v, want the last hour only", q)
	}
	newest := msgs[len(msgs)-1]
	if c, ok, _ := s.Conversation(newest.ConversationID); !ok || !c.MetaKnown {
		t.Errorf("after the first window the newest conversation is not usable: %+v", c)
	}
	if _, ok, _ := s.Message(msgs[0].ID); ok {
		t.Error("the oldest message came with the first window")
	}
	if st := e.Status(); st.State != Online || !strings.Contains(st.Progress, "loading history") {
		t.Errorf("status after the first window: %+v", st)
	}
	ch, _ := sub.Poll()
	if !ch.List {
		t.Error("the first window did not publish the list")
	}

	rounds := 0
	for e.filling() {
		rounds++
		if rounds > 50 {
			t.Fatal("the history never finished")
		}
		clock.Add(time.Second)
		if err := e.backfill(ctx, false); err != nil {
			t.Fatal(err)
		}
		if ch, ok := sub.Poll(); ok && len(ch.Inbound) > 0 {
			t.Errorf("round %d announced history as news: %v", rounds, ch.Inbound)
		}
	}
	checkSynced(t, s, msgs)
	var windows []MessageQuery
	polls := 0
	for _, q := range be.takeQueries() {
		if q.To.IsZero() {
			polls++
			continue
		}
		windows = append(windows, q)
	}
	if polls == 0 {
		t.Error("no poll while the history filled")
	}
	edge := t0.Add(-time.Hour)
	for i, w := range windows {
		if !w.To.Equal(edge) || !w.From.Before(w.To) {
			t.Errorf("window %d is [%v, %v), want it to end at %v", i, w.From, w.To, edge)
		}
		edge = w.From
	}
	if start := clock.Now().Add(-4 * 24 * time.Hour); edge.After(start) {
		t.Errorf("the history ends at %v, want %v", edge, start)
	}
	if len(windows) < 4 || windows[0].From.After(t0.Add(-23*time.Hour)) {
		t.Errorf("windows %+v: want the rest of the last day first, then a day at a time", windows)
	}
}

// TestSyncSkipsMalformedItems: a message without an id is skipped (and
// logged with its page and position), an item the platform could not
// read is reported; the rest of the page and the sync go on, and the
// status counts both.
func TestSyncSkipsMalformedItems(t *testing.T) {
	clock := &testClock{now: t0}
	be := newPaged(clock.Now)
	be.pageSize = 3
	be.add(coreMsg("m1", "k1", t0.Add(-50*time.Minute)),
		Message{ConversationID: "c-k2", AccountID: "a1", ContactID: "k2", Body: "no id \x1b[31m", Time: t0.Add(-40 * time.Minute)},
		coreMsg("m3", "k3", t0.Add(-30*time.Minute)), coreMsg("m4", "k4", t0.Add(-20*time.Minute)))
	s := openTest(t)
	var logs bytes.Buffer
	e := NewEngine(s, be, Config{Now: clock.Now, HistoryDays: 1, Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	if err := e.SyncOnce(context.Background()); err != nil {
		t.Fatalf("a malformed message stopped the sync: %v", err)
	}
	for _, id := range []string{"m1", "m3", "m4"} {
		if _, ok, _ := s.Message(id); !ok {
			t.Errorf("message %s lost beside the malformed one", id)
		}
	}
	if st := e.Status(); st.State != Online || st.Skipped != 1 {
		t.Errorf("status %+v, want online with 1 skipped", st)
	}
	if l := logs.String(); !strings.Contains(l, "page=1 position=1") || strings.Contains(l, "\x1b") {
		t.Errorf("log %q: want the page and position, no escape", l)
	}

	// The platform package reports what it could not decode.
	be.mu.Lock()
	be.skipInPage = 2
	be.mu.Unlock()
	clock.Add(time.Minute)
	if err := e.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if st := e.Status(); st.Skipped < 3 {
		t.Errorf("status %+v, want the platform's skipped items counted", st)
	}
}

// nonFinal stores n outgoing messages, sent, one a minute up to now.
func nonFinal(t testing.TB, s *Store, be *coreBackend, now time.Time, n int) []Message {
	t.Helper()
	var msgs []Message
	for i := range n {
		m := Message{ID: fmt.Sprintf("o%04d", i), ConversationID: fmt.Sprintf("c%d", i%50), AccountID: "a1",
			ContactID: fmt.Sprintf("k%d", i%50), Direction: Outbound, Body: "hi", Status: StatusSent,
			Time: now.Add(-time.Duration(n-i) * 30 * time.Second)}
		msgs = append(msgs, m)
	}
	if _, err := s.ApplyMessages(Batch{Messages: msgs}, now); err != nil {
		t.Fatal(err)
	}
	be.add(msgs...)
	if err := s.SetMeta(metaBackfilled, "1"); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta(metaCursor, now.UTC().Format(time.RFC3339Nano)); err != nil {
		t.Fatal(err)
	}
	return msgs
}

// TestStatusRefreshNewestFirstWithinBudget: with 2,000 unfinished
// outgoing messages a start asks for the newest ones first, no more than
// StatusBudget a minute; what was asked is kept, so a restart goes on
// with the next ones instead of asking the same again, and every message
// gets its turn.
func TestStatusRefreshNewestFirstWithinBudget(t *testing.T) {
	clock := &testClock{now: t0}
	be := newPaged(clock.Now)
	s := openTest(t)
	msgs := nonFinal(t, s, be.coreBackend, t0, 2000)
	cfg := Config{Now: clock.Now, HistoryDays: 1}
	e := NewEngine(s, be, cfg)
	if err := e.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := append([]string(nil), be.statusIDs...)
	if len(first) != 60 {
		t.Fatalf("the start asked for %d statuses, want the budget (60)", len(first))
	}
	for i := range first {
		if want := msgs[len(msgs)-1-i].ID; !containsID(first, want) {
			t.Errorf("the %d-th newest, %s, not asked for at the start (newest first)", i+1, want)
		}
	}
	// Within the same minute: nothing more.
	clock.Add(5 * time.Second)
	if err := e.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(be.statusIDs); n > 60+5 {
		t.Errorf("%d status reads after 5 s, want at most the budget's share", n)
	}
	// A restart: what was asked is known, so only the newest (due again
	// every few seconds) are asked again; at least half the budget goes
	// to messages not asked yet.
	be.statusIDs = nil
	e2 := NewEngine(s, be, cfg)
	if err := e2.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	again := 0
	for _, id := range be.statusIDs {
		if containsID(first, id) {
			again++
		}
	}
	if len(be.statusIDs) > 60 || again > 30 {
		t.Errorf("restart asked for %d statuses, %d of them asked 5 s before", len(be.statusIDs), again)
	}
	// Every message gets its turn within 90 minutes (2,000 at 60 a
	// minute, half of which go to re-asking the newest).
	asked := map[string]bool{}
	for _, id := range first {
		asked[id] = true
	}
	for range 90 {
		for _, id := range be.statusIDs {
			asked[id] = true
		}
		be.statusIDs = nil
		clock.Add(time.Minute)
		e2.touch() // an agent at work: the full budget
		if err := e2.SyncOnce(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if len(asked) != len(msgs) {
		t.Errorf("%d of %d messages had their status asked for in 90 minutes", len(asked), len(msgs))
	}
}

func containsID(ids []string, id string) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// TestIdleInboxShowsRepliesWithin10s: an inbox left open and quiet polls
// at most 12 times a minute, and a customer's message written at any
// moment of an idle minute is in the store within 10 s. The rounds are
// Run's, on a fake clock: a round, then the wait pollInterval chooses.
func TestIdleInboxShowsRepliesWithin10s(t *testing.T) {
	clock := &testClock{now: t0}
	be := newPaged(clock.Now)
	be.add(coreMsg("m0", "k0", t0.Add(-time.Hour)))
	s := openTest(t)
	e := NewEngine(s, be, Config{Now: clock.Now, HistoryDays: 1})
	ctx := context.Background()
	next := clock.Now() // when the next round runs
	// runUntil runs every round due up to t, then sets the clock to t.
	runUntil := func(t1 time.Time) {
		t.Helper()
		for !next.After(t1) {
			clock.Add(next.Sub(clock.Now()))
			if err := e.cycle(ctx); err != nil {
				t.Fatal(err)
			}
			wait := e.pollInterval()
			if e.filling() {
				wait = 0
			}
			next = clock.Now().Add(wait)
		}
		clock.Add(t1.Sub(clock.Now()))
	}
	runUntil(t0.Add(5 * time.Minute)) // five quiet minutes
	be.takeQueries()
	minute := clock.Now()
	runUntil(minute.Add(time.Minute))
	if n := len(be.takeQueries()); n > 12 {
		t.Errorf("an idle minute made %d message polls, want at most 12", n)
	}
	for _, offset := range []time.Duration{0, 1 * time.Second, 3 * time.Second, 9*time.Second + 500*time.Millisecond} {
		start := clock.Now()
		runUntil(start.Add(offset))
		id := fmt.Sprintf("late-%v", offset)
		written := clock.Now()
		be.add(coreMsg(id, "k0", written))
		shown := time.Time{}
		for range 100 {
			if _, ok, _ := s.Message(id); ok {
				shown = clock.Now()
				break
			}
			runUntil(clock.Now().Add(100 * time.Millisecond))
		}
		switch {
		case shown.IsZero():
			t.Errorf("a message written %v into an idle stretch did not show within 10 s", offset)
		case shown.Sub(written) > 10*time.Second:
			t.Errorf("a message written %v into an idle stretch showed after %v, want within 10 s", offset, shown.Sub(written))
		}
		runUntil(clock.Now().Add(3 * time.Minute)) // quiet again
	}
}

// BenchmarkStatusRequestsPerStart: the status reads of one start with
// 2,000 unfinished outgoing messages (the first round), and over its
// first minute of polls (12 rounds 5 s apart). Before, every start asked
// for 500 (the oldest), and none beyond them.
//
//	go test -run '^$' -bench StatusRequestsPerStart -benchtime 5x ./state/
func BenchmarkStatusRequestsPerStart(b *testing.B) {
	var first, minute int
	for b.Loop() {
		b.StopTimer()
		clock := &testClock{now: t0}
		be := newPaged(clock.Now)
		s := openTest(b)
		nonFinal(b, s, be.coreBackend, t0, 2000)
		e := NewEngine(s, be, Config{Now: clock.Now, HistoryDays: 1})
		b.StartTimer()
		if err := e.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		first = len(be.statusIDs)
		for range 11 {
			clock.Add(5 * time.Second)
			if err := e.SyncOnce(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		minute = len(be.statusIDs)
	}
	b.ReportMetric(float64(first), "status-requests/start")
	b.ReportMetric(float64(minute), "status-requests/first-minute")
}

// During the first sync, a customer message older than its first window
// is history even when it comes in a poll (a platform whose "since"
// lists whole chats returns their older messages too): only the newer
// one is news.
func TestFirstSyncOldMessagesInAPollAreNotNews(t *testing.T) {
	clock := &testClock{now: t0}
	be := newPaged(clock.Now)
	history(be.coreBackend, t0, 2, 50*time.Minute, 10)
	s := openTest(t)
	e := NewEngine(s, be, Config{Now: clock.Now, HistoryDays: 2})
	sub := e.Subscribe()
	defer sub.Close()
	if err := e.backfill(e.countSkips(context.Background()), false); err != nil {
		t.Fatal(err)
	}
	for {
		if _, ok := sub.Poll(); !ok {
			break
		}
	}
	old := inMsg("old1", "cold", "from yesterday", t0.Add(-20*time.Hour))
	recent := inMsg("new1", "cnew", "just now", t0.Add(time.Minute))
	if _, err := e.applyPage(Batch{Messages: []Message{old, recent}}, 1, false); err != nil {
		t.Fatal(err)
	}
	ch, ok := sub.Poll()
	if !ok {
		t.Fatal("nothing published")
	}
	if _, news := ch.Inbound["cold"]; news {
		t.Errorf("a message from before the first window was announced: %v", ch.Inbound)
	}
	if _, news := ch.Inbound["cnew"]; !news {
		t.Errorf("the new message was not announced: %v", ch.Inbound)
	}
}
