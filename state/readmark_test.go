package state

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"
)

// readMarkBackend is a core that keeps unread counts (ReadMarker); gate,
// when set, holds each MarkRead until it is closed.
type readMarkBackend struct {
	*coreBackend
	mu    sync.Mutex
	marks []string
	gate  chan struct{}
	err   error
}

func (b *readMarkBackend) MarkRead(_ context.Context, id string, upTo time.Time) error {
	if b.gate != nil {
		<-b.gate
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.marks = append(b.marks, id+"@"+upTo.UTC().Format(time.RFC3339))
	return b.err
}

// TestServerUnread: a batch's unread counts replace the local ones;
// Service.MarkRead tells a ReadMarker in the background; a count that
// arrives while the mark is on its way is not taken.
func TestServerUnread(t *testing.T) {
	clock := &testClock{now: t0}
	be := &readMarkBackend{coreBackend: newCore(clock.Now)}
	be.add(coreMsg("m1", "k1", t0.Add(-time.Hour)))
	s, e := coreEngine(t, be, clock)
	if !e.Capabilities().ServerUnread {
		t.Fatal("ReadMarker not in the capabilities")
	}
	svc := NewService(s, e)

	steps := []struct {
		name  string
		batch Batch
		want  int
	}{
		{"local count first", Batch{}, 1},
		{"the platform's count", Batch{Unread: map[string]int{"c-k1": 3}}, 3},
		{"a new message counts on", Batch{Messages: []Message{coreMsg("m2", "k1", t0.Add(-time.Minute))}}, 4},
		{"with its count: the platform's", Batch{Messages: []Message{coreMsg("m3", "k1", t0.Add(-30*time.Second))},
			Unread: map[string]int{"c-k1": 2}}, 2},
		{"negative is none", Batch{Unread: map[string]int{"c-k1": -1}}, 0},
		{"unknown conversation skipped", Batch{Unread: map[string]int{"c-zz": 5}}, 0},
	}
	for _, st := range steps {
		if _, err := e.apply(st.batch); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		if c := getConv(t, s, "c-k1"); c.Unread != st.want {
			t.Errorf("%s: unread %d, want %d", st.name, c.Unread, st.want)
		}
	}
	if _, ok, _ := s.Conversation("c-zz"); ok {
		t.Error("an unread count created a conversation")
	}

	// Marking read: at once in the store, in the background on the
	// platform; the platform's older count is not taken meanwhile.
	if _, err := e.apply(Batch{Unread: map[string]int{"c-k1": 2}}); err != nil {
		t.Fatal(err)
	}
	be.gate = make(chan struct{})
	if err := svc.MarkRead("c-k1", clock.Now()); err != nil {
		t.Fatal(err)
	}
	if c := getConv(t, s, "c-k1"); c.Unread != 0 {
		t.Errorf("after MarkRead: unread %d", c.Unread)
	}
	if _, err := e.apply(Batch{Unread: map[string]int{"c-k1": 2}}); err != nil {
		t.Fatal(err)
	}
	if c := getConv(t, s, "c-k1"); c.Unread != 0 {
		t.Errorf("a count from before the mark was taken: %d", c.Unread)
	}
	close(be.gate)
	e.WaitReadMarks()
	last := getConv(t, s, "c-k1").LastInbound
	if want := []string{"c-k1@" + last.UTC().Format(time.RFC3339)}; !slices.Equal(be.marks, want) {
		t.Errorf("marks %v, want %v", be.marks, want)
	}
	// Nothing unread: nothing to tell.
	if err := svc.MarkRead("c-k1", clock.Now()); err != nil || len(be.marks) != 1 {
		t.Errorf("MarkRead of a read conversation: %v, marks %v", err, be.marks)
	}
}
