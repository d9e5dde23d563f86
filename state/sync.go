package state

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Config tunes the sync engine. Zero fields take their defaults.
type Config struct {
	HistoryDays     int           // backfill on first start; default 7
	Poll            time.Duration // poll interval while active; default 5 s
	IdlePoll        time.Duration // poll interval when idle; default 10 s: a customer's reply shows within 10 s at 6 requests a minute
	IdleAfter       time.Duration // idle after this long without news or user action; default 2 min
	MaxBackoff      time.Duration // longest wait between attempts while offline; default 60 s
	Overlap         time.Duration // re-read this much before the last seen message; default 2 min
	MetaConcurrency int           // parallel conversation lookups; default 8
	RefreshEvery    time.Duration // accounts, users, teams, templates; default 5 min
	StatusEvery     time.Duration // shortest spacing of status checks of one message; default 3 s
	StatusMaxAge    time.Duration // stop following a message's status after; default 24 h
	// StatusBudget is how many status checks a minute the engine makes
	// at most (default 60; while idle at most 6, so that an idle inbox
	// stays within 12 requests a minute with the idle polls).
	StatusBudget int
	DraftDelay   time.Duration // while typing goes on, draft writes are at least this far apart; default 20 ms
	Now          func() time.Time
	// After, when set, replaces the engine's timers (tests pass a fake
	// clock's, beside its Now): c delivers once d has passed on that
	// clock, and stop releases a wait that ended otherwise.
	After  func(d time.Duration) (c <-chan time.Time, stop func())
	Logger *slog.Logger
	// Responses, when set, are the agent's own saved responses (a file
	// per account, read each time they are asked for, so an edit shows at
	// once), offered beside the platform's (SavedResponses); it gives the
	// capability to a platform without any.
	Responses *LocalResponses
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if c.HistoryDays <= 0 {
		c.HistoryDays = 7
	}
	def(&c.Poll, 5*time.Second)
	def(&c.IdlePoll, 10*time.Second)
	def(&c.IdleAfter, 2*time.Minute)
	def(&c.MaxBackoff, 60*time.Second)
	def(&c.Overlap, 2*time.Minute)
	def(&c.RefreshEvery, 5*time.Minute)
	def(&c.StatusEvery, 3*time.Second)
	def(&c.StatusMaxAge, 24*time.Hour)
	def(&c.DraftDelay, 20*time.Millisecond)
	if c.MetaConcurrency <= 0 {
		c.MetaConcurrency = 8
	}
	if c.StatusBudget <= 0 {
		c.StatusBudget = 60
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// ConnState is the engine's link to the platform.
type ConnState int

const (
	Connecting    ConnState = iota // not synced yet
	Online                         // the last sync worked
	Syncing                        // a long sync (the first backfill) is running
	Offline                        // the last attempt failed; NextAttempt says when the next is
	LoginRequired                  // the platform refused our credentials; waiting for a login
)

func (s ConnState) String() string {
	return [...]string{"connecting", "online", "syncing", "offline", "login required"}[s]
}

// ConnStatus is what the status bar shows.
type ConnStatus struct {
	State       ConnState
	NextAttempt time.Time // when Offline
	LastError   string    // in words
	LastSync    time.Time
	Progress    string // during a long sync, e.g. "1,200 messages"
	// Streaming: an EventStreamer's stream is up and caught up; changes
	// are pushed and the engine makes no periodic message polls.
	Streaming bool
	// Skipped counts the items the platform sent since the start that
	// could not be read (a message without an id, a list item that does
	// not decode): each was skipped and logged with where it was, and
	// the rest went on.
	Skipped int
}

// Meta keys in the store.
const (
	metaCursor     = "sync.cursor"     // newest platform message time seen (RFC 3339)
	metaFloor      = "sync.floor"      // every message from here up to the cursor is stored (RFC 3339); "" before the first window
	metaBackfilled = "sync.backfilled" // "1" once the first backfill finished
)

// The first sync fills the history newest first, in windows: the last
// hour (then the inbox is usable), the rest of the last day, then a day
// at a time back to HistoryDays. metaChunk conversations are looked up
// per step between windows.
const (
	firstWindow = time.Hour
	dayWindow   = 24 * time.Hour
	metaChunk   = 500
)

// Engine keeps the store in step with the platform and sends the outbox.
// Run it once; the other methods are safe for concurrent use.
type Engine struct {
	store *Store
	be    Backend
	cfg   Config
	log   *slog.Logger
	bus   bus

	mu       sync.Mutex
	rescueMu sync.Mutex // one rescue run at a time (rescue.go)
	me       string     // the current user (SetMe), read from the store once
	meRead   bool
	status   ConnStatus
	// newsFrom: during the first sync, customer messages older than its
	// first window are history, however they come (a platform whose
	// "since" lists whole chats returns their older messages too).
	newsFrom time.Time
	lastNews time.Time
	// The pushed-event stream (EventStreamer): streaming from its
	// Connected batch until it ends; streamGen counts connections;
	// caughtUp once a poll begun during this connection has succeeded
	// (then the stream is live: no periodic polls); recheck asks the
	// next poll to follow every unfinished status again (a break may
	// have hidden some); pollOwed is a SyncNow a live stream must not
	// skip.
	streaming bool
	streamGen int
	caughtUp  bool
	recheck   bool
	pollOwed  bool
	// marking counts, by conversation, the read marks on their way to a
	// ReadMarker: the platform's unread counts of those are not taken
	// meanwhile (they may predate the mark).
	marking map[string]int
	marks   sync.WaitGroup // read marks on their way

	nudge       chan struct{}
	outboxNudge chan struct{}
	drafts      draftSaver

	// fill is the first sync's progress in words while it fills the
	// history behind a usable inbox (under mu; "" otherwise).
	fill string

	// skipped counts unreadable items (ReportSkipped and the engine's
	// own checks).
	skipped atomic.Int64

	// Only the run goroutine touches these.
	lastRefresh time.Time
	lastPoll    time.Time
	statusTake  tokenBucket // StatusBudget
	stats       SyncStats
	statsMu     sync.Mutex
}

// SyncStats counts the engine's platform calls, for benchmarks and tests.
type SyncStats struct {
	MessagePages   int
	MetaCalls      int
	StatusCalls    int
	ReferenceCalls int
}

// NewEngine builds an engine over a store and a platform.
func NewEngine(st *Store, be Backend, cfg Config) *Engine {
	cfg = cfg.withDefaults()
	e := &Engine{
		store: st, be: be, cfg: cfg, log: cfg.Logger,
		nudge:       make(chan struct{}, 1),
		outboxNudge: make(chan struct{}, 1),
	}
	e.drafts = draftSaver{e: e, pending: map[string]string{}}
	e.lastNews = cfg.Now()
	return e
}

// Subscribe returns a subscription to the engine's changes.
func (e *Engine) Subscribe() *Subscription { return e.bus.subscribe() }

// Status returns the connection status.
func (e *Engine) Status() ConnStatus {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.status
}

// Stats returns the platform calls made so far.
func (e *Engine) Stats() SyncStats {
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	return e.stats
}

func (e *Engine) count(f func(*SyncStats)) {
	e.statsMu.Lock()
	f(&e.stats)
	e.statsMu.Unlock()
}

// SyncNow asks for a sync at once (also after a login).
func (e *Engine) SyncNow() {
	e.touch()
	e.mu.Lock()
	e.pollOwed = true
	e.mu.Unlock()
	select {
	case e.nudge <- struct{}{}:
	default:
	}
	e.kickOutbox()
}

func (e *Engine) touch() {
	e.mu.Lock()
	e.lastNews = e.cfg.Now()
	e.mu.Unlock()
}

func (e *Engine) setStatus(f func(*ConnStatus)) {
	e.mu.Lock()
	before := e.status
	f(&e.status)
	changed := before != e.status
	e.mu.Unlock()
	if changed {
		e.bus.publish(Changes{Connection: true})
	}
}

// Run syncs until ctx ends: the first backfill, then polling, with the
// outbox worker beside it. It returns ctx's error.
func (e *Engine) Run(ctx context.Context) error {
	ctx = e.countSkips(ctx)
	e.sweepFiles() // copies of files whose replies were settled meanwhile
	var wg sync.WaitGroup
	wg.Go(func() { e.runOutbox(ctx) })
	if es, ok := e.be.(EventStreamer); ok {
		wg.Go(func() { e.runEvents(ctx, es) })
	}
	defer wg.Wait()
	defer e.drafts.flush()

	failures := 0
	for {
		err := e.cycle(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var wait time.Duration
		switch KindOf(err) {
		case 0:
			failures = 0
			wait = e.pollInterval()
			if e.filling() {
				wait = 0 // the next step of the history (a poll comes in between when due)
			}
		case KindAuth:
			e.setStatus(func(s *ConnStatus) { s.State, s.LastError, s.NextAttempt = LoginRequired, Words(err), time.Time{} })
			wait = -1 // until SyncNow
		default:
			failures++
			wait = backoff(failures, time.Second, e.cfg.MaxBackoff)
			next := e.cfg.Now().Add(wait)
			e.setStatus(func(s *ConnStatus) { s.State, s.LastError, s.NextAttempt = Offline, Cause(err), next })
			e.log.Info("sync failed", "err", err, "retry_in", wait)
		}
		if !e.wait(ctx, e.nudge, wait) {
			return ctx.Err()
		}
	}
}

// wait blocks for d (forever when d < 0), a nudge, or ctx's end.
func (e *Engine) wait(ctx context.Context, nudge <-chan struct{}, d time.Duration) bool {
	select { // a nudge already there: no timer
	case <-nudge:
		return ctx.Err() == nil
	default:
	}
	var tc <-chan time.Time
	switch {
	case d < 0:
	case e.cfg.After != nil:
		c, stop := e.cfg.After(d)
		defer stop()
		tc = c
	default:
		t := time.NewTimer(d)
		defer t.Stop()
		tc = t.C
	}
	select {
	case <-ctx.Done():
		return false
	case <-nudge:
	case <-tc:
	}
	return true
}

// pollInterval is the wait before the next round: Poll, IdlePoll when
// idle, and while the stream is live only until reference data is due.
func (e *Engine) pollInterval() time.Duration {
	now := e.cfg.Now()
	idle := e.idle(now)
	e.mu.Lock()
	live := e.streaming && e.caughtUp
	e.mu.Unlock()
	switch {
	case live:
		return max(0, e.lastRefresh.Add(e.cfg.RefreshEvery).Sub(now))
	case idle:
		return e.cfg.IdlePoll
	}
	return e.cfg.Poll
}

// live reports whether the pushed-event stream is up and caught up, and
// takes a pending SyncNow (owed) that a live round must honour.
func (e *Engine) live() (live, owed bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	live, owed = e.streaming && e.caughtUp, e.pollOwed
	e.pollOwed = false
	return live, owed
}

// backoff is exponential with equal jitter: half fixed, half random.
func backoff(failures int, base, ceiling time.Duration) time.Duration {
	d := ceiling
	if failures < 30 {
		d = min(ceiling, base<<(failures-1))
	}
	half := d / 2
	return half + time.Duration(rand.Int64N(int64(half)+1))
}

// cycle is one round: the backfill if it has not finished, else a poll.
func (e *Engine) cycle(ctx context.Context) error {
	done, err := e.store.GetMeta(metaBackfilled)
	if err != nil {
		return err
	}
	if done != "1" {
		return e.backfill(ctx, false)
	}
	if live, owed := e.live(); live && !owed {
		return e.streamRound(ctx)
	}
	return e.poll(ctx)
}

// streamRound is a round while the stream is live: no message poll and
// no status follow-ups (both are pushed); conversations left without
// metadata, and reference data when due.
func (e *Engine) streamRound(ctx context.Context) error {
	if err := e.fetchMissingMeta(ctx); err != nil {
		return err
	}
	if e.cfg.Now().Sub(e.lastRefresh) >= e.cfg.RefreshEvery {
		if err := e.refreshReference(ctx); err != nil {
			return err
		}
	}
	e.online()
	return nil
}

func (e *Engine) cursor() (time.Time, error) {
	v, err := e.store.GetMeta(metaCursor)
	if err != nil || v == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, nil // a damaged cursor: start again from the history window
	}
	return t, nil
}

func (e *Engine) setCursor(t time.Time) error {
	return e.store.SetMeta(metaCursor, t.UTC().Format(time.RFC3339Nano))
}

// floor is where the stored history begins (metaFloor): every message
// from it up to the cursor is stored. Zero before the first window.
func (e *Engine) floor() (time.Time, error) {
	v, err := e.store.GetMeta(metaFloor)
	if err != nil || v == "" {
		return time.Time{}, err
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, nil // damaged: fill again from the first window
	}
	return t, nil
}

func (e *Engine) setFloor(t time.Time) error {
	return e.store.SetMeta(metaFloor, t.UTC().Format(time.RFC3339Nano))
}

// filling reports whether the first sync is still filling the history.
func (e *Engine) filling() bool {
	done, err := e.store.GetMeta(metaBackfilled)
	return err == nil && done != "1"
}

// pollFrom is where a poll reads from: the cursor minus Overlap, else
// (no message seen yet) the floor, else the history window.
func (e *Engine) pollFrom() (time.Time, error) {
	c, err := e.cursor()
	if err != nil || !c.IsZero() {
		return c.Add(-e.cfg.Overlap), err
	}
	f, err := e.floor()
	if err != nil || !f.IsZero() {
		return f, err
	}
	return e.cfg.Now().Add(-time.Duration(e.cfg.HistoryDays) * 24 * time.Hour), nil
}

// backfill is the first sync, newest first. The first window (the last
// hour, with reference data and its conversations' folders and
// assignees) makes the inbox usable; then the history fills in behind,
// a step at a time: conversations still without metadata (metaChunk at
// a time, newest first), else the next older window, else the contacts,
// which end it. Each window is read whole before the floor moves to its
// start, so a failure at any page reads that window again (stored
// messages are skipped); nothing else is lost. In Run (all false) it
// makes one step per round and polls in between when a poll is due
// (the cursor is the first window's); SyncOnce (all) makes every step.
func (e *Engine) backfill(ctx context.Context, all bool) error {
	floor, err := e.floor()
	if err != nil {
		return err
	}
	if floor.IsZero() {
		if err := e.firstWindow(ctx); err != nil {
			return err
		}
		if !all {
			return nil
		}
	}
	for {
		if !all {
			_, owed := e.live()
			if owed || e.cfg.Now().Sub(e.lastPoll) >= e.pollInterval() {
				if err := e.poll(ctx); err != nil {
					return err
				}
			}
		}
		done, err := e.fillStep(ctx)
		if err != nil || done || !all {
			return err
		}
	}
}

// firstWindow reads the last hour (firstWindow) and what the inbox needs
// to show it, and sets the cursor and the floor.
func (e *Engine) firstWindow(ctx context.Context) error {
	now := e.cfg.Now()
	from := now.Add(-firstWindow)
	e.setStatus(func(s *ConnStatus) { s.State, s.Progress = Syncing, "loading the last hour" })
	if err := e.refreshReference(ctx); err != nil {
		return err
	}
	total := 0
	res, err := e.pullMessages(ctx, MessageQuery{From: from}, false, func(n int) {
		total += n
		e.setStatus(func(s *ConnStatus) { s.Progress = fmt.Sprintf("loading the last hour: %d messages", total) })
	})
	if err != nil {
		return err
	}
	if err := e.fetchMeta(ctx, res.NewConversations); err != nil {
		return err
	}
	if err := e.setFloor(from); err != nil {
		return err
	}
	e.mu.Lock()
	e.newsFrom = from
	e.mu.Unlock()
	e.setFill(now, from)
	e.bus.publish(Changes{List: true})
	e.online()
	return nil
}

// fillStep makes one step of the history behind the first window and
// reports whether the first sync has finished.
func (e *Engine) fillStep(ctx context.Context) (bool, error) {
	ids, err := e.store.ConversationsWithoutMeta(metaChunk)
	if err != nil {
		return false, err
	}
	if len(ids) > 0 {
		return false, e.fetchMeta(ctx, ids)
	}
	now := e.cfg.Now()
	start := now.Add(-time.Duration(e.cfg.HistoryDays) * 24 * time.Hour)
	floor, err := e.floor()
	if err != nil {
		return false, err
	}
	if floor.After(start) {
		from := floor.Add(-dayWindow)
		if day := now.Add(-dayWindow); floor.After(day) && from.Before(day) {
			from = day // the rest of the last day first
		}
		if from.Before(start) {
			from = start
		}
		if _, err := e.pullMessages(ctx, MessageQuery{From: from, To: floor}, true, nil); err != nil {
			return false, err
		}
		if err := e.setFloor(from); err != nil {
			return false, err
		}
		e.setFill(now, from)
		e.bus.publish(Changes{List: true})
		return false, nil
	}
	for page, err := range e.be.Contacts(ctx) {
		if err != nil {
			return false, err
		}
		if err := e.store.UpsertContacts(page); err != nil {
			return false, err
		}
	}
	if err := e.store.SetMeta(metaBackfilled, "1"); err != nil {
		return false, err
	}
	e.mu.Lock()
	e.fill = ""
	e.mu.Unlock()
	e.bus.publish(Changes{List: true, Reference: true})
	e.online()
	return true, nil
}

// setFill words the history filled so far, for the status bar.
func (e *Engine) setFill(now, floor time.Time) {
	days := int(now.Sub(floor) / (24 * time.Hour))
	fill := fmt.Sprintf("loading history: %d of %d days", days, e.cfg.HistoryDays)
	if days < 1 {
		fill = fmt.Sprintf("loading history: %s of %d days", FormatDuration(now.Sub(floor).Round(time.Hour)), e.cfg.HistoryDays)
	}
	e.mu.Lock()
	e.fill = fill
	e.mu.Unlock()
}

func (e *Engine) online() {
	now := e.cfg.Now()
	e.mu.Lock()
	fill := e.fill
	e.mu.Unlock()
	skipped := int(e.skipped.Load())
	e.setStatus(func(s *ConnStatus) {
		s.State, s.LastError, s.NextAttempt, s.LastSync, s.Progress = Online, "", time.Time{}, now, fill
		s.Skipped = skipped
	})
}

// poll is one steady-state round: new messages, the metadata they call
// for, due status checks and, now and then, reference data.
func (e *Engine) poll(ctx context.Context) error {
	e.mu.Lock()
	streaming, gen, recheck := e.streaming, e.streamGen, e.recheck
	e.recheck = false
	e.mu.Unlock()
	if recheck {
		err := e.store.ResetStatusChecks()
		if err != nil {
			e.mu.Lock()
			e.recheck = true
			e.mu.Unlock()
			return err
		}
	}
	from, err := e.pollFrom()
	if err != nil {
		return err
	}
	res, err := e.pullMessages(ctx, MessageQuery{From: from}, false, nil)
	if err != nil {
		return err
	}
	e.lastPoll = e.cfg.Now()
	if res.NewMessages > 0 {
		e.touch()
	}
	if err := e.fetchMeta(ctx, append(res.NewConversations, res.NewInbound...)); err != nil {
		return err
	}
	if err := e.fetchMissingMeta(ctx); err != nil {
		return err
	}
	if err := e.refreshStatuses(ctx); err != nil {
		return err
	}
	if e.cfg.Now().Sub(e.lastRefresh) >= e.cfg.RefreshEvery {
		if err := e.refreshReference(ctx); err != nil {
			return err
		}
	}
	if streaming {
		// Begun while the stream was up: together they miss nothing.
		e.mu.Lock()
		caughtUp := e.streaming && e.streamGen == gen
		if caughtUp {
			e.caughtUp = true
		}
		e.mu.Unlock()
		if caughtUp {
			e.setStatus(func(s *ConnStatus) { s.Streaming = true })
		}
	}
	e.online()
	return nil
}

// pullMessages applies every page of q and moves the cursor forward.
//
// Pages may come in any order (oldest first, newest first, or none), so
// the cursor moves to the newest message seen only once the whole pass
// has succeeded: a pass that fails half-way leaves it where it was, and
// the next pass reads the same span again (messages already stored are
// skipped). Before that it moves only as far as a page's Through
// promises. The metadata of conversations a page carries
// (Batch.Conversations) is stored, and those are not looked up.
//
// A history pass (a window below the floor) leaves the cursor alone, and
// its customer messages are history, not news (no Changes.Inbound).
func (e *Engine) pullMessages(ctx context.Context, q MessageQuery, history bool, progress func(int)) (ApplyResult, error) {
	var sum ApplyResult
	cur, err := e.cursor()
	if err != nil {
		return sum, err
	}
	var latest time.Time
	page := 0
	for batch, err := range e.be.Messages(ctx, q) {
		if err != nil {
			return sum, err
		}
		page++
		e.count(func(s *SyncStats) { s.MessagePages++ })
		res, err := e.applyPage(batch, page, history)
		if err != nil {
			return sum, err
		}
		known := func(id string) bool { _, ok := batch.Conversations[id]; return ok }
		sum.NewConversations = append(sum.NewConversations, slices.DeleteFunc(res.NewConversations, known)...)
		sum.NewInbound = append(sum.NewInbound, slices.DeleteFunc(res.NewInbound, known)...)
		sum.NewMessages += res.NewMessages
		if res.Latest.After(latest) {
			latest = res.Latest
		}
		if through := minTime(batch.Through, latest); !history && through.After(cur) {
			cur = through
			if err := e.setCursor(cur); err != nil {
				return sum, err
			}
		}
		if progress != nil {
			progress(len(batch.Messages))
		}
	}
	if !history && latest.After(cur) {
		if err := e.setCursor(latest); err != nil {
			return sum, err
		}
	}
	sum.Latest = latest
	return sum, nil
}

// minTime is the earlier of a and b.
func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

// apply writes a batch and tells subscribers what changed.
func (e *Engine) apply(b Batch) (ApplyResult, error) { return e.applyPage(b, 0, false) }

// applyPage is apply for page number page of a pass (0: not a page).
// Messages without a platform id are skipped, logged with their page and
// position, and counted (ConnStatus.Skipped): the rest goes on. A
// history page publishes no Inbound: its customer messages are not news.
func (e *Engine) applyPage(b Batch, page int, history bool) (ApplyResult, error) {
	b = e.withoutMarking(b)
	b.Messages = e.readable(b.Messages, page)
	if len(b.Messages) == 0 && len(b.Contacts) == 0 && len(b.Conversations) == 0 && len(b.Tags) == 0 && len(b.Unread) == 0 {
		return ApplyResult{}, nil
	}
	// Messages and conversation metadata in one transaction (see
	// Store.ApplyMessages).
	res, err := e.store.ApplyMessages(b, e.cfg.Now())
	if err != nil {
		return res, err
	}
	// Only threads whose messages changed: a poll re-reads a two-minute
	// overlap, and an unchanged thread need not be redrawn (or marked read).
	threads := append(make([]string, 0, len(res.Threads)+2*len(res.Rehomed)), res.Threads...)
	for from, to := range res.Rehomed {
		threads = append(threads, from, to)
	}
	ch := Changes{
		Conversations: idSet(res.Changed, res.NewConversations),
		Threads:       idSet(threads),
		List:          len(res.Changed) > 0 || len(res.NewConversations) > 0,
		Outbox:        res.StatusChanges > 0 || res.NewMessages > 0,
		Rehomed:       res.Rehomed,
	}
	if !history {
		ch.Inbound = idSet(e.news(b, res.NewInbound))
	}
	e.bus.publish(ch)
	return res, nil
}

// news are the conversations of inbound whose new customer messages are
// news: during the first sync, only those newer than its first window.
func (e *Engine) news(b Batch, inbound []string) []string {
	e.mu.Lock()
	from := e.newsFrom
	e.mu.Unlock()
	if from.IsZero() || len(inbound) == 0 {
		return inbound
	}
	recent := map[string]bool{}
	for _, m := range b.Messages {
		if m.Direction == Inbound && !m.Time.Before(from) {
			recent[m.ConversationID] = true
		}
	}
	return slices.DeleteFunc(slices.Clone(inbound), func(id string) bool { return !recent[id] })
}

// readable drops the messages the store cannot take (no platform id),
// logging each with its page and position; the count shows in
// ConnStatus.Skipped.
func (e *Engine) readable(msgs []Message, page int) []Message {
	bad := 0
	for _, m := range msgs {
		if m.ID == "" {
			bad++
		}
	}
	if bad == 0 {
		return msgs
	}
	out := make([]Message, 0, len(msgs)-bad)
	for i, m := range msgs {
		if m.ID != "" {
			out = append(out, m)
			continue
		}
		e.log.Warn("sync: message skipped: it has no id", "page", page, "position", i,
			"conversation", SanitizeLine(m.ConversationID), "time", m.Time)
	}
	e.addSkipped(bad)
	return out
}

// addSkipped counts n unreadable items and shows the count.
func (e *Engine) addSkipped(n int) {
	if n <= 0 {
		return
	}
	total := int(e.skipped.Add(int64(n)))
	e.setStatus(func(s *ConnStatus) { s.Skipped = total })
}

type skipKey struct{}

// countSkips gives ctx the engine's count of unreadable items, for
// ReportSkipped.
func (e *Engine) countSkips(ctx context.Context) context.Context {
	return context.WithValue(ctx, skipKey{}, e)
}

// ReportSkipped tells the engine whose call ctx belongs to that n items
// of a platform's answer could not be read and were skipped (the
// platform package logs each with its position). The engine counts them
// in ConnStatus.Skipped. Without an engine in ctx it does nothing.
func ReportSkipped(ctx context.Context, n int) {
	if e, ok := ctx.Value(skipKey{}).(*Engine); ok {
		e.addSkipped(n)
	}
}

// publishRehomed tells subscribers that "new:" conversations became the
// platform's.
func (e *Engine) publishRehomed(rehomed map[string]string) {
	if len(rehomed) == 0 {
		return
	}
	var ids []string
	for from, to := range rehomed {
		ids = append(ids, from, to)
	}
	e.bus.publish(Changes{Conversations: idSet(ids), Threads: idSet(ids), List: true, Outbox: true, Rehomed: rehomed})
}

// fetchMissingMeta looks up conversations whose folder and assignee are
// still unknown (new ones, or left over from an interrupted run).
func (e *Engine) fetchMissingMeta(ctx context.Context) error {
	for {
		ids, err := e.store.ConversationsWithoutMeta(500)
		if err != nil || len(ids) == 0 {
			return err
		}
		if err := e.fetchMeta(ctx, ids); err != nil {
			return err
		}
	}
}

// fetchMeta reads folder and assignee of each conversation, at most
// MetaConcurrency at a time. The API has no conversation list, so this
// fan-out is the expensive part of a sync: only new or changed
// conversations come here.
func (e *Engine) fetchMeta(ctx context.Context, ids []string) error {
	seen := map[string]bool{}
	sem := make(chan struct{}, e.cfg.MetaConcurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	var changed []string
	for _, id := range ids {
		if seen[id] || id == "" {
			continue
		}
		seen[id] = true
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			wg.Wait()
			return ctx.Err()
		}
		wg.Go(func() {
			defer func() { <-sem }()
			e.count(func(s *SyncStats) { s.MetaCalls++ })
			meta, err := e.be.ConversationMeta(ctx, id)
			if KindOf(err) == KindNotFound {
				// Not ours to see (any more): keep it out of the fan-out.
				meta, err = ConversationMeta{Folder: FolderInbox}, nil
			}
			if err == nil {
				var ch bool
				if ch, err = e.store.SetConversationMeta(id, meta.Folder, meta.UserID, meta.TeamID); ch && err == nil {
					mu.Lock()
					changed = append(changed, id)
					mu.Unlock()
				}
			}
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(changed) > 0 {
		e.bus.publish(Changes{Conversations: idSet(changed), List: true})
	}
	return firstErr
}

// refreshStatuses follows outgoing messages until they are read, failed or
// StatusMaxAge old, checking each less often as it ages (every
// max(StatusEvery, age/8)), newest first, within StatusBudget checks a
// minute. When each message was last checked is kept in the store, so a
// restart asks only for those due, and a newer message never waits
// behind older ones.
func (e *Engine) refreshStatuses(ctx context.Context) error {
	now := e.cfg.Now()
	perMinute := e.cfg.StatusBudget
	if e.idle(now) {
		perMinute = min(perMinute, idleStatusBudget)
	}
	n := e.statusTake.available(now, perMinute)
	if n == 0 {
		return nil
	}
	due, err := e.store.DueStatusChecks(now.Add(-e.cfg.StatusMaxAge), now, e.cfg.StatusEvery, n)
	if err != nil || len(due) == 0 {
		return err
	}
	e.statusTake.take(now, len(due))
	got := make([]Message, len(due))
	errs := make([]error, len(due))
	sem := make(chan struct{}, e.cfg.MetaConcurrency)
	var wg sync.WaitGroup
	for i, m := range due {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			e.count(func(s *SyncStats) { s.StatusCalls++ })
			got[i], errs[i] = e.be.Message(ctx, m.ID)
		})
	}
	wg.Wait()
	var batch Batch
	checked := map[string]time.Time{}
	var firstErr error
	for i, m := range due {
		switch KindOf(errs[i]) {
		case 0:
			batch.Messages = append(batch.Messages, got[i])
			checked[m.ID] = now
		case KindNotFound:
			checked[m.ID] = now.Add(e.cfg.StatusMaxAge) // gone: stop asking
		default:
			if firstErr == nil {
				firstErr = errs[i]
			}
		}
	}
	if _, err := e.apply(batch); err != nil {
		return err
	}
	if err := e.store.MarkStatusChecked(checked); err != nil {
		return err
	}
	return firstErr
}

// idleStatusBudget caps status checks a minute while idle: with the idle
// polls (IdlePoll, 10 s) an idle inbox makes at most 12 requests a
// minute.
const idleStatusBudget = 6

// idle reports whether nothing happened for IdleAfter.
func (e *Engine) idle(now time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return now.Sub(e.lastNews) > e.cfg.IdleAfter
}

// tokenBucket holds status checks to a budget: no more than perMinute
// in any minute (a sliding window of the checks made).
type tokenBucket struct {
	made []time.Time // the checks of the last minute, oldest first
}

// available says how many checks may be made at now.
func (b *tokenBucket) available(now time.Time, perMinute int) int {
	i := 0
	for i < len(b.made) && now.Sub(b.made[i]) >= time.Minute {
		i++
	}
	b.made = b.made[i:]
	return max(0, perMinute-len(b.made))
}

// take records n checks made at now.
func (b *tokenBucket) take(now time.Time, n int) {
	for range n {
		b.made = append(b.made, now)
	}
}

// refreshReference reloads accounts, inboxes (InboxLister), users, teams
// and templates, and learns who the user is.
func (e *Engine) refreshReference(ctx context.Context) error {
	e.count(func(s *SyncStats) { s.ReferenceCalls += 4 })
	accounts, err := e.be.Accounts(ctx)
	if err != nil {
		return err
	}
	var inboxes []Inbox
	if il, ok := e.be.(InboxLister); ok {
		e.count(func(s *SyncStats) { s.ReferenceCalls++ })
		if inboxes, err = il.Inboxes(ctx); err != nil {
			return err
		}
	}
	users, err := e.be.Users(ctx)
	if err != nil {
		return err
	}
	teams, err := e.be.Teams(ctx)
	if err != nil {
		return err
	}
	templates, err := e.be.Templates(ctx)
	if err != nil {
		return err
	}
	// After Users: an adapter may answer from what it just read.
	me, err := e.be.Me(ctx)
	if err != nil {
		return err
	}
	for _, step := range []func() error{
		func() error { return e.store.ReplaceAccounts(accounts) },
		func() error { return e.store.ReplaceInboxes(inboxes) },
		func() error { return e.store.ReplaceUsers(users) },
		func() error { return e.store.ReplaceTeams(teams) },
		func() error { return e.store.ReplaceTemplates(templates) },
	} {
		if err := step(); err != nil {
			return err
		}
	}
	rule := e.store.rule()
	// Who the user is: the config file's user_id, else the platform's
	// answer, else the agent's (identity.go); nobody asks the agent.
	if me, err = e.resolveMe(me, users); err != nil {
		return err
	}
	if me.ID != e.Me() {
		e.SetMe(me.ID)
	}
	if me.ID != "" && me.WriteScope != rule.scope {
		if err := e.store.SetWriteScope(me.WriteScope); err != nil {
			return err
		}
	}
	if me.ID != rule.me || me.ID != "" && me.WriteScope != rule.scope {
		defer e.bus.publish(Changes{List: true}) // who may write where changed
	}
	e.lastRefresh = e.cfg.Now()
	e.bus.publish(Changes{Reference: true})
	return nil
}

// runEvents applies what an EventStreamer pushes, until ctx ends. When
// the stream says it is up (Batch.Connected) a poll catches up on what
// came before; once it has succeeded the stream is live: no periodic
// message polls, and the cursor follows the pushed messages. When the
// stream breaks, polling resumes at once and the stream is opened again
// after a backoff.
func (e *Engine) runEvents(ctx context.Context, es EventStreamer) {
	failures := 0
	for ctx.Err() == nil {
		connected := false
		var serr error
		for b, err := range es.Events(ctx) {
			if err != nil {
				serr = err
				break
			}
			failures = 0
			if b.Connected && !connected {
				connected = true
				e.mu.Lock()
				e.streaming, e.caughtUp, e.recheck = true, false, true
				e.streamGen++
				e.mu.Unlock()
				e.SyncNow() // what happened before the stream was up
			}
			res, err := e.apply(b)
			if err != nil {
				e.log.Error("events: applying", "err", err)
				continue
			}
			if res.NewMessages > 0 {
				e.touch()
			}
			e.followCursor(res.Latest)
		}
		if connected {
			e.mu.Lock()
			e.streaming, e.caughtUp = false, false
			e.mu.Unlock()
			e.setStatus(func(s *ConnStatus) { s.Streaming = false })
		}
		if ctx.Err() != nil {
			return
		}
		if connected {
			e.SyncNow() // poll again until the stream is back
		}
		failures++
		wait := backoff(failures, time.Second, e.cfg.MaxBackoff)
		e.log.Info("events: stream ended", "err", serr, "retry_in", wait)
		if !e.wait(ctx, nil, wait) {
			return
		}
	}
}

// followCursor moves the sync cursor to a pushed message's time while the
// stream is live (caught up: nothing before it is missing), so that a
// catch-up after a break reads from there, not from the last poll.
func (e *Engine) followCursor(latest time.Time) {
	if latest.IsZero() {
		return
	}
	e.mu.Lock()
	live := e.streaming && e.caughtUp
	e.mu.Unlock()
	if !live {
		return
	}
	if c, err := e.cursor(); err == nil && latest.After(c) {
		if err := e.setCursor(latest); err != nil {
			e.log.Error("events: cursor", "err", err)
		}
	}
}

// SyncOnce runs one round now (the backfill until it has finished, then a
// poll) and returns its error. For tests and tools: not while Run runs.
func (e *Engine) SyncOnce(ctx context.Context) error {
	ctx = e.countSkips(ctx)
	var err error
	if e.filling() {
		err = e.backfill(ctx, true)
	} else {
		err = e.cycle(ctx)
	}
	if err == nil {
		e.online()
	}
	return err
}

// SendPending makes one pass over the outbox now and returns when the
// earliest postponed item is due. For tests and tools: not while Run runs.
func (e *Engine) SendPending(ctx context.Context) time.Time { return e.processOutbox(ctx) }

// LoadOlder reads a page of a conversation's messages from before
// `before` from the platform (Backend.History) — history older than the
// synced window — and reports how many it added. The UI calls it when the agent scrolls past
// the oldest stored message.
func (e *Engine) LoadOlder(ctx context.Context, conversationID string, before time.Time) (int, error) {
	c, ok, err := e.store.Conversation(conversationID)
	if err != nil || !ok || IsNewConversation(c.ID) { // the platform has no history of a "new:" one
		return 0, err
	}
	if before.IsZero() {
		before = e.cfg.Now()
	}
	batch, err := e.be.History(e.countSkips(ctx), HistoryQuery{ConversationID: c.ID, AccountID: c.AccountID, Before: before})
	if err != nil {
		return 0, err
	}
	res, err := e.applyPage(batch, 0, true) // older history is not news
	return res.NewMessages, err
}

// MarkUnread marks a conversation unread, as the agent asked, and
// publishes it: every list and count shows it unread until it is opened
// again. Kept locally: no platform is told (see doc.go).
func (e *Engine) MarkUnread(convID string) error {
	changed, err := e.store.MarkUnread(convID)
	if err != nil || !changed {
		return err
	}
	e.bus.publish(Changes{Conversations: idSet([]string{convID}), List: true})
	return nil
}

// markReadTimeout bounds a read mark sent to the platform.
const markReadTimeout = 30 * time.Second

// MarkRead marks a conversation read and publishes it, so every list and
// count that shows it follows; a platform that keeps unread counts is
// told in the background. A conversation with nothing unread is left as
// it is and nothing is published (a list reloading on the change would
// come back here).
func (e *Engine) MarkRead(convID string, now time.Time) error {
	c, ok, err := e.store.Conversation(convID)
	if err != nil || !ok || !c.IsUnread() {
		return err
	}
	if err := e.store.MarkRead(convID, now); err != nil {
		return err
	}
	if c.Unread > 0 {
		e.tellRead(c)
	}
	e.bus.publish(Changes{Conversations: idSet([]string{convID}), List: true})
	return nil
}

// tellRead tells a ReadMarker, in the background, that the agent has read
// conversation c up to its last customer message. Errors are logged.
func (e *Engine) tellRead(c Conversation) {
	rm, ok := e.be.(ReadMarker)
	if !ok || IsNewConversation(c.ID) || c.LastInbound.IsZero() {
		return
	}
	e.mu.Lock()
	if e.marking == nil {
		e.marking = map[string]int{}
	}
	e.marking[c.ID]++
	e.mu.Unlock()
	e.marks.Go(func() {
		defer func() {
			e.mu.Lock()
			if e.marking[c.ID]--; e.marking[c.ID] <= 0 {
				delete(e.marking, c.ID)
			}
			e.mu.Unlock()
		}()
		ctx, cancel := context.WithTimeout(context.Background(), markReadTimeout)
		defer cancel()
		if err := rm.MarkRead(ctx, c.ID, c.LastInbound); err != nil {
			e.log.Info("marking read on the platform failed", "conversation", c.ID, "err", err)
		}
	})
}

// withoutMarking drops from b the platform's unread counts of
// conversations whose read mark is on its way.
func (e *Engine) withoutMarking(b Batch) Batch {
	if len(b.Unread) == 0 {
		return b
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.marking) == 0 {
		return b
	}
	unread := make(map[string]int, len(b.Unread))
	for id, n := range b.Unread {
		if e.marking[id] == 0 {
			unread[id] = n
		}
	}
	b.Unread = unread
	return b
}

// WaitReadMarks waits for the read marks sent so far to be answered. For
// tests and shutdown.
func (e *Engine) WaitReadMarks() { e.marks.Wait() }
