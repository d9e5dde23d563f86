package state

import (
	"strings"
	"testing"
	"time"
)

// A draft reaches the store behind the typing, without waiting for the
// typing to pause or for a flush: a process killed a moment after a key
// keeps what was typed up to about one write before.
func TestDraftIsWrittenBehindTheTyping(t *testing.T) {
	s := openTest(t)
	if _, err := s.ApplyMessages(Batch{Messages: []Message{inMsg("m1", "c1", "hello", at(0))}}, at(0)); err != nil {
		t.Fatal(err)
	}
	e := NewEngine(s, nil, Config{Now: func() time.Time { return at(time.Minute) }})
	var typed strings.Builder
	for i := 0; i < 4100; i++ { // a long paste without bracketed paste: a key at a time
		typed.WriteByte('a' + byte(i%26))
		e.SaveDraft("c1", typed.String())
	}
	// Typing goes on (the saver never waits for a pause): the last text is
	// stored as soon as the writes in flight end.
	deadline := time.Now().Add(10 * time.Second)
	for {
		d, ok, err := s.Draft("c1")
		if err != nil {
			t.Fatal(err)
		}
		if ok && d.Text == typed.String() {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 10 s the store has %d of the %d characters typed", len(d.Text), typed.Len())
		}
		time.Sleep(time.Millisecond) // polling for the condition, not a wait for correctness
	}
}

// An agent waiting in the inbox sees a customer's reply within 10 s,
// however long it has been quiet, at no more than 12 requests a minute.
func TestIdlePollKeepsRepliesTimely(t *testing.T) {
	c := Config{}.withDefaults()
	if c.IdlePoll > 10*time.Second {
		t.Errorf("idle poll every %v: a reply can take that long to show", c.IdlePoll)
	}
	if perMinute := time.Minute / c.IdlePoll; perMinute > 12 {
		t.Errorf("%d idle requests a minute", perMinute)
	}
	if c.Poll > c.IdlePoll {
		t.Errorf("the busy poll (%v) is slower than the idle one (%v)", c.Poll, c.IdlePoll)
	}
}
