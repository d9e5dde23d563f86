package state

import (
	"context"
	"maps"
	"sync"
	"time"
)

// Changes is what happened since a subscriber last looked: ids, never
// snapshots, so the UI re-reads only the rows it shows. Many events
// between two reads coalesce into one Changes.
type Changes struct {
	Conversations map[string]struct{} // list rows that changed (new, moved, assigned, preview)
	Threads       map[string]struct{} // conversations with new messages or statuses
	List          bool                // order, membership or counts of views may have changed
	Reference     bool                // accounts, users, teams, templates or contacts changed
	Outbox        bool                // an outbox item changed state
	Connection    bool                // the connection status changed (read Engine.Status)
	// Rehomed: "new:" conversations (NewConversationID) that became the
	// platform's conversation given, with everything in them. The "new:"
	// id is gone from the store; a view showing it should follow the new
	// id. Both ids are also in Conversations and Threads.
	Rehomed map[string]string
	// Inbound: conversations that received a customer message not seen
	// before (for notifications; the first backfill reports its history
	// too, so a notifier waits until the engine is first online).
	Inbound map[string]struct{}
}

// Empty reports whether nothing changed.
func (c Changes) Empty() bool {
	return len(c.Conversations) == 0 && len(c.Threads) == 0 && !c.List && !c.Reference && !c.Outbox && !c.Connection &&
		len(c.Rehomed) == 0 && len(c.Inbound) == 0
}

func (c *Changes) merge(o Changes) {
	if len(o.Conversations) > 0 && c.Conversations == nil {
		c.Conversations = map[string]struct{}{}
	}
	maps.Copy(c.Conversations, o.Conversations)
	if len(o.Threads) > 0 && c.Threads == nil {
		c.Threads = map[string]struct{}{}
	}
	maps.Copy(c.Threads, o.Threads)
	if len(o.Rehomed) > 0 && c.Rehomed == nil {
		c.Rehomed = map[string]string{}
	}
	maps.Copy(c.Rehomed, o.Rehomed)
	if len(o.Inbound) > 0 && c.Inbound == nil {
		c.Inbound = map[string]struct{}{}
	}
	maps.Copy(c.Inbound, o.Inbound)
	c.List = c.List || o.List
	c.Reference = c.Reference || o.Reference
	c.Outbox = c.Outbox || o.Outbox
	c.Connection = c.Connection || o.Connection
}

func idSet(ids ...[]string) map[string]struct{} {
	var m map[string]struct{}
	for _, list := range ids {
		for _, id := range list {
			if m == nil {
				m = map[string]struct{}{}
			}
			m[id] = struct{}{}
		}
	}
	return m
}

// bus fans changes out to subscribers, coalescing while they are busy.
type bus struct {
	mu   sync.Mutex
	subs map[*Subscription]struct{}
}

// Subscription receives coalesced Changes.
type Subscription struct {
	b       *bus
	mu      sync.Mutex
	pending Changes
	notify  chan struct{}
	closed  bool
}

func (b *bus) subscribe() *Subscription {
	s := &Subscription{b: b, notify: make(chan struct{}, 1)}
	b.mu.Lock()
	if b.subs == nil {
		b.subs = map[*Subscription]struct{}{}
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

func (b *bus) publish(c Changes) {
	if c.Empty() {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		s.mu.Lock()
		s.pending.merge(c)
		s.mu.Unlock()
		select {
		case s.notify <- struct{}{}:
		default:
		}
	}
}

// Next waits for changes and returns everything that accumulated. After
// a change it waits up to settle for more, so that a burst becomes one
// redraw. It returns ctx's error when ctx ends, or an empty Changes and
// false once the subscription is closed.
func (s *Subscription) Next(ctx context.Context, settle time.Duration) (Changes, bool, error) {
	select {
	case <-ctx.Done():
		return Changes{}, false, ctx.Err()
	case <-s.notify:
	}
	if settle > 0 {
		t := time.NewTimer(settle)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.pending
	s.pending = Changes{}
	select { // drop a notification the settle period already covered
	case <-s.notify:
	default:
	}
	return c, !s.closed, nil
}

// Poll returns what accumulated without waiting; false when nothing did
// (or the subscription is closed).
func (s *Subscription) Poll() (Changes, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	select { // the notification is for what is taken now
	case <-s.notify:
	default:
	}
	c := s.pending
	s.pending = Changes{}
	return c, !c.Empty() && !s.closed
}

// Close stops the subscription; a waiting Next returns.
func (s *Subscription) Close() {
	s.b.mu.Lock()
	delete(s.b.subs, s)
	s.b.mu.Unlock()
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	select {
	case s.notify <- struct{}{}:
	default:
	}
}
