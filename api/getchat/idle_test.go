package getchat_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/getchat"
	"github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// fakeClock is a settable clock with timers, for the sandbox (Now), the
// client (Now) and the engine (Now and After).
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	timers map[*fakeTimer]bool
}

type fakeTimer struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock(t time.Time) *fakeClock {
	return &fakeClock{t: t, timers: map[*fakeTimer]bool{}}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// After is state.Config.After on this clock.
func (c *fakeClock) After(d time.Duration) (<-chan time.Time, func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	tm := &fakeTimer{at: c.t.Add(d), c: make(chan time.Time, 1)}
	if d <= 0 {
		tm.c <- c.t
	} else {
		c.timers[tm] = true
	}
	return tm.c, func() {
		c.mu.Lock()
		delete(c.timers, tm)
		c.mu.Unlock()
	}
}

// Advance moves the clock and fires the timers that fell due.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	for tm := range c.timers {
		if !tm.at.After(c.t) {
			tm.c <- c.t
			delete(c.timers, tm)
		}
	}
}

// Waiting is how many timers are armed.
func (c *fakeClock) Waiting() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// fakeClockEngine runs the real engine over the backend against a sandbox
// served on loopback, all three on one fake clock, with the sandbox's
// background ticks off. login picks the user.
type fakeClockEngine struct {
	clock *fakeClock
	srv   *sandbox.Server
	st    *state.Store
	be    *getchat.Backend
	e     *state.Engine
	url   string // the sandbox's
}

func startFakeClockEngine(t *testing.T, cfg sandbox.Config, user, pass string) *fakeClockEngine {
	t.Helper()
	clock := newFakeClock(time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC))
	cfg.Now = clock.Now
	srv := sandbox.New(cfg)
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { srv.Close(); hs.Close() })
	c, err := getchat.New(getchat.Config{BaseURL: hs.URL, Username: user, Password: pass, Timeout: 5 * time.Second, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Open(filepath.Join(t.TempDir(), "gc.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	be := getchat.NewBackend(c)
	e := state.NewEngine(st, be, state.Config{Now: clock.Now, After: clock.After})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { _ = e.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return &fakeClockEngine{clock: clock, srv: srv, st: st, be: be, e: e, url: hs.URL}
}

// settle waits (in real time, for the engine's goroutines) until cond
// holds and the engine's run loop is back in its wait.
func (f *fakeClockEngine) settle(t *testing.T, what string, cond func() bool) {
	t.Helper()
	// A ceiling, not a measure: the first sync fills 7 days of history
	// behind the first hour, slowly under -race on a loaded machine.
	deadline := time.Now().Add(2 * time.Minute)
	for !(cond() && f.clock.Waiting() == 1) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s (status %+v, timers %d, requests %v)", what, f.e.Status(), f.clock.Waiting(), f.srv.Stats().Requests)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

const routeMessageList = "GET /api/v1/messages/"

// TestEngineIdleWebsocket runs the real engine against the sandbox with
// the websocket up through ten idle minutes of the fake clock: no message
// list is read (the reference data is, every 5 minutes), and a message
// pushed afterwards still lands in the store, without a poll. After a
// break, what came meanwhile is caught up and the stream is live (and
// idle) again. In both event formats.
func TestEngineIdleWebsocket(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"flat", "cloud"} {
		t.Run(format, func(t *testing.T) {
			t.Parallel()
			f := startFakeClockEngine(t, sandbox.Config{EventFormat: format}, sandbox.DemoUsername, sandbox.DemoPassword)
			f.settle(t, "the stream live", func() bool {
				s := f.e.Status()
				return s.State == state.Online && s.Streaming && f.srv.WebsocketClients() == 1
			})
			f.srv.ResetStats()
			const minutes = 10
			perMinute := make([]int, minutes)
			total := 0
			for m := range minutes {
				before := f.srv.Stats().Requests[routeMessageList]
				for range 12 {
					f.clock.Advance(5 * time.Second)
					f.settle(t, "the engine waiting", func() bool { return true })
				}
				perMinute[m] = f.srv.Stats().Requests[routeMessageList] - before
			}
			for _, n := range f.srv.Stats().Requests {
				total += n
			}
			t.Logf("%s: message-list requests per idle minute %v; all requests in %d idle minutes: %d %v",
				format, perMinute, minutes, total, f.srv.Stats().Requests)
			for m, n := range perMinute {
				if n != 0 {
					t.Errorf("minute %d: %d message-list requests with the websocket up", m+1, n)
				}
			}
			if !f.e.Status().Streaming {
				t.Fatalf("not streaming after the idle period: %+v", f.e.Status())
			}

			// Pushed, not polled: the customer's message lands.
			if _, err := f.srv.Receive(sandbox.ChatOpenAdmin, "", "still there?"); err != nil {
				t.Fatal(err)
			}
			f.settle(t, "the pushed message stored", func() bool {
				c, ok, _ := f.st.Conversation(sandbox.ChatOpenAdmin)
				return ok && c.Preview == "still there?"
			})
			if n := f.srv.Stats().Requests[routeMessageList]; n != 0 {
				t.Errorf("%d message-list requests for a pushed message", n)
			}

			// A break: what the customer writes meanwhile is polled, the
			// stream comes back (after its backoff on the fake clock)
			// and is live again after its catch-up.
			f.srv.DropWebsockets()
			if _, err := f.srv.Receive(sandbox.ChatUnassigned, "", "while you were away"); err != nil {
				t.Fatal(err)
			}
			deadline := time.Now().Add(time.Minute)
			for {
				c, _, _ := f.st.Conversation(sandbox.ChatUnassigned)
				if c.Preview == "while you were away" && f.e.Status().Streaming && f.srv.WebsocketClients() == 1 {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("after the break: preview %q, status %+v, %d websockets", c.Preview, f.e.Status(), f.srv.WebsocketClients())
				}
				f.clock.Advance(time.Second)
				time.Sleep(2 * time.Millisecond)
			}
			f.settle(t, "the engine waiting", func() bool { return true })
			f.srv.ResetStats()
			for range 12 {
				f.clock.Advance(5 * time.Second)
				f.settle(t, "the engine waiting", func() bool { return true })
			}
			if n := f.srv.Stats().Requests[routeMessageList]; n != 0 {
				t.Errorf("%d message-list requests in an idle minute after the reconnect", n)
			}
		})
	}
}
