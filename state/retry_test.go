package state

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// refuseBackend is a core platform whose first send is refused (KindRefused):
// with took, the platform kept the message all the same (the agent's copy
// is among the contact's messages) — the case a blind resend would double.
type refuseBackend struct {
	*coreBackend
	refusals int  // sends still to refuse
	took     bool // a refused send is kept by the platform anyway
	sender   string
	n        int
}

func (b *refuseBackend) Send(_ context.Context, out Outgoing) (Sent, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	b.sends = append(b.sends, out)
	m := Message{ID: "srv-" + string(rune('0'+b.n)), ConversationID: "c-" + out.ContactID, AccountID: out.AccountID,
		ContactID: out.ContactID, Direction: Outbound, Body: out.Text, Time: b.now(), Status: StatusSent,
		Sender: b.sender, Template: out.IsTemplate()}
	if b.refusals > 0 {
		b.refusals--
		if b.took {
			b.msgs = append(b.msgs, m)
		}
		return Sent{}, &BackendError{Kind: KindRefused, Op: "POST /message", Message: "the number is not on WhatsApp"}
	}
	b.msgs = append(b.msgs, m)
	return Sent{Message: m}, nil
}

// failedReply is an engine over a refusing platform with one failed reply
// to c-k1 (the customer wrote an hour before t0).
func failedReply(t *testing.T, took bool) (*Store, *Engine, *refuseBackend, *testClock, OutboxItem) {
	t.Helper()
	clock := &testClock{now: t0}
	be := &refuseBackend{coreBackend: newCore(clock.Now), refusals: 1, took: took, sender: "Mo"}
	be.add(coreMsg("m1", "k1", t0.Add(-time.Hour)))
	s, e := coreEngine(t, be, clock)
	clock.Add(time.Minute)
	item, err := e.Send("c-k1", "Your order ships today")
	must(t, err)
	e.SendPending(context.Background())
	it, _, _ := s.OutboxItem(item.LocalID)
	if it.State != OutboxFailed {
		t.Fatalf("after the refusal: %+v", it)
	}
	return s, e, be, clock, it
}

// TestRetryFailedReply: a retry looks for the reply on the platform first
// and sends it only when it is not there: once in all, never twice.
func TestRetryFailedReply(t *testing.T) {
	tests := []struct {
		name       string
		took       bool          // the platform kept the refused send
		wait       time.Duration // between the failure and the retry
		wantErr    error
		wantSends  int
		wantState  OutboxState
		wantServer string
	}{
		{"not on the platform: sent again, once", false, time.Minute, nil, 2, OutboxSent, "srv-2"},
		{"on the platform after all: claimed, not sent again", true, time.Minute, nil, 1, OutboxSent, "srv-1"},
		{"the window closed meanwhile: refused, nothing changed", false, 24 * time.Hour, ErrWindowClosed, 1, OutboxFailed, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, be, clock, it := failedReply(t, tt.took)
			clock.Add(tt.wait)
			err := e.Retry(it.LocalID)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("Retry = %v, want %v", err, tt.wantErr)
			}
			if err == nil {
				if got, _, _ := s.OutboxItem(it.LocalID); got.State != OutboxUncertain {
					t.Errorf("a retried reply is %s before the outbox looks: want uncertain (looked for first)", got.State)
				}
				if m := getMsg(t, s, "local:"+it.LocalID); m.Status != StatusPending || m.Reason != "" {
					t.Errorf("the retried message shows %v %q, want pending", m.Status, m.Reason)
				}
			}
			e.SendPending(context.Background())
			clock.Add(time.Minute)
			e.SendPending(context.Background()) // nothing left to do: no second send
			got, _, _ := s.OutboxItem(it.LocalID)
			if got.State != tt.wantState || got.ServerID != tt.wantServer || len(be.sends) != tt.wantSends {
				t.Errorf("item %+v after %d sends; want %s as %q after %d", got, len(be.sends), tt.wantState, tt.wantServer, tt.wantSends)
			}
			if tt.wantState == OutboxSent {
				if n, _ := s.ThreadCount("c-k1"); n != 2 {
					t.Errorf("thread holds %d messages, want the customer's and one reply", n)
				}
				if err := e.Retry(it.LocalID); err == nil {
					t.Error("a sent reply retried")
				}
			}
		})
	}
}

// TestReplaceWithTemplate: a failed freeform reply whose window closed is
// sent as a template; the failed item is settled (replaced), never sent,
// and cannot be retried or replaced again.
func TestReplaceWithTemplate(t *testing.T) {
	s, e, be, clock, it := failedReply(t, false)
	clock.Add(24 * time.Hour)
	if n, _ := s.CountConversations(View{Failed: true}); n != 1 {
		t.Fatalf("Failed view holds %d, want 1", n)
	}
	conv := getConv(t, s, "c-k1")
	tpl := be.templates[0]
	values := map[int]string{1: "Ann", 2: it.Body}
	sent, err := e.ReplaceWithTemplate(it.LocalID, conv, tpl, values)
	must(t, err)
	old, _, _ := s.OutboxItem(it.LocalID)
	if old.State != OutboxReplaced {
		t.Errorf("the failed reply is %s, want replaced", old.State)
	}
	if m := getMsg(t, s, "local:"+it.LocalID); m.Status != StatusFailed || m.Body != it.Body || m.Reason != `not sent — replaced by the template "hello"` {
		t.Errorf("the failed message %+v", m)
	}
	if n, _ := s.CountConversations(View{Failed: true}); n != 0 {
		t.Errorf("Failed view holds %d after the replacement, want 0", n)
	}
	if _, err := e.ReplaceWithTemplate(it.LocalID, conv, tpl, values); err == nil {
		t.Error("replaced twice")
	}
	if err := e.Retry(it.LocalID); err == nil {
		t.Error("a replaced reply retried")
	}
	e.SendPending(context.Background())
	clock.Add(time.Minute)
	e.SendPending(context.Background())
	if len(be.sends) != 2 || be.sends[1].Template == nil || be.sends[1].Template.Params[1] != it.Body {
		t.Fatalf("sends %+v: want the refused reply, then the template with the text", be.sends)
	}
	if got, _, _ := s.OutboxItem(sent.LocalID); got.State != OutboxSent {
		t.Errorf("the template %+v", got)
	}
	if old, _, _ := s.OutboxItem(it.LocalID); old.State != OutboxReplaced {
		t.Errorf("the replaced reply moved on to %s", old.State)
	}
}

// TestReplaceWithTemplateRefused: a template the engine refuses leaves the
// failed reply as it was.
func TestReplaceWithTemplateRefused(t *testing.T) {
	s, e, be, clock, it := failedReply(t, false)
	clock.Add(24 * time.Hour)
	conv := getConv(t, s, "c-k1")
	if _, err := e.ReplaceWithTemplate(it.LocalID, conv, be.templates[0], map[int]string{1: "Ann"}); err == nil {
		t.Fatal("a template with an empty parameter queued")
	}
	if got, _, _ := s.OutboxItem(it.LocalID); got.State != OutboxFailed {
		t.Errorf("the failed reply is %s, want still failed", got.State)
	}
	if items, _ := e.FailedReplies("c-k1"); len(items) != 1 || items[0].LocalID != it.LocalID {
		t.Errorf("FailedReplies = %+v", items)
	}
}

// TestFailedView: every conversation with a failed reply, whatever its
// folder, newest activity first; counted, indexed.
func TestFailedView(t *testing.T) {
	s := openTest(t)
	apply(t, s, inMsg("i1", "c1", "hi", t0), inMsg("i2", "c2", "hi", at(time.Minute)), inMsg("i3", "c3", "hi", at(2*time.Minute)))
	_, err := s.SetConversationMeta("c2", FolderArchive, "", "")
	must(t, err)
	enqueueLocal(t, s, "L1", "c1", "one", at(3*time.Minute), OutboxSending)
	enqueueLocal(t, s, "L2", "c2", "two", at(4*time.Minute), OutboxSending)
	enqueueLocal(t, s, "L3", "c3", "three", at(5*time.Minute), OutboxSending)
	must(t, s.FailOutbox("L1", "refused"))
	must(t, s.FailOutbox("L2", "window closed"))
	v := View{Failed: true}
	rows, err := s.ListConversations(v, 0, 10)
	must(t, err)
	if len(rows) != 2 || rows[0].ID != "c2" || rows[1].ID != "c1" {
		t.Fatalf("Failed view = %+v, want c2 (archived) then c1", rows)
	}
	if n, err := s.CountConversations(v); err != nil || n != 2 {
		t.Errorf("count = %d, %v", n, err)
	}
	if i, err := s.IndexOf(v, "c1"); err != nil || i != 1 {
		t.Errorf("IndexOf(c1) = %d, %v", i, err)
	}
	if i, _ := s.IndexOf(v, "c3"); i != -1 {
		t.Errorf("IndexOf(c3) = %d, want -1", i)
	}
	items, err := s.FailedReplies("")
	must(t, err)
	if len(items) != 2 || items[0].LocalID != "L2" || items[0].Reason != "window closed" {
		t.Errorf("FailedReplies = %+v", items)
	}
	must(t, s.RetryOutbox("L1", at(time.Hour)))
	if n, _ := s.CountConversations(v); n != 1 {
		t.Errorf("count after a retry = %d, want 1", n)
	}
	if err := s.RetryOutbox("L1", at(time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Errorf("a second retry: %v, want ErrNotFound", err)
	}
}

// TestCollisionSince: what others did since the agent opened a
// conversation: a colleague's reply, a reassignment; not the agent's own
// replies, from mbx or elsewhere.
func TestCollisionSince(t *testing.T) {
	tests := []struct {
		name       string
		then       func(t *testing.T, s *Store)
		replies    int
		reassigned bool
	}{
		{"nothing happened", func(*testing.T, *Store) {}, 0, false},
		{"the customer wrote", func(t *testing.T, s *Store) { apply(t, s, inMsg("i2", "c1", "hello?", at(time.Minute))) }, 0, false},
		{"a colleague replied", func(t *testing.T, s *Store) {
			apply(t, s, sentBy(outMsg("o1", "c1", "On it", at(time.Minute), StatusSent), "Sam Lee"))
		}, 1, false},
		{"someone nobody knows replied", func(t *testing.T, s *Store) {
			apply(t, s, outMsg("o1", "c1", "On it", at(time.Minute), StatusSent))
		}, 1, false},
		{"the agent replied from elsewhere", func(t *testing.T, s *Store) {
			apply(t, s, sentBy(outMsg("o1", "c1", "On it", at(time.Minute), StatusSent), "Agent"))
		}, 0, false},
		{"the agent replied from mbx", func(t *testing.T, s *Store) {
			enqueueLocal(t, s, "L1", "c1", "On it", at(time.Minute), OutboxQueued)
		}, 0, false},
		{"reassigned", func(t *testing.T, s *Store) {
			_, err := s.SetConversationMeta("c1", FolderInbox, "u-sam", "")
			must(t, err)
		}, 0, true},
		{"still the agent's, a team added (the agent's own A)", func(t *testing.T, s *Store) {
			_, err := s.SetConversationMeta("c1", FolderInbox, "u-agent", "t-sales")
			must(t, err)
		}, 0, false},
	}
	for _, tt := range tests {
		for _, mark := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/mark=%v", tt.name, mark), func(t *testing.T) {
				s := openTest(t)
				actAsAgent(t, s)
				// A colleague's reply before the glimpse is no news.
				apply(t, s, inMsg("i1", "c1", "hi", t0), sentBy(outMsg("o0", "c1", "Hello", at(30*time.Second), StatusRead), "Sam Lee"))
				_, err := s.SetConversationMeta("c1", FolderInbox, "u-agent", "")
				must(t, err)
				svc := NewService(s, NewEngine(s, nil, Config{Now: func() time.Time { return at(time.Hour) }}))
				msgs, err := s.Thread("c1", time.Time{}, 50)
				must(t, err)
				g := GlimpseOf(getConv(t, s, "c1"), msgs)
				if mark { // what a bulk action's mark saw
					g = GlimpseOfMark(MarkRefOf(getConv(t, s, "c1")))
				}
				tt.then(t, s)
				c, err := svc.CollisionSince(g)
				must(t, err)
				if len(c.Replies) != tt.replies || c.Reassigned != tt.reassigned || c.Any() != (tt.replies > 0 || tt.reassigned) {
					t.Errorf("collision %+v; want %d replies, reassigned %v", c, tt.replies, tt.reassigned)
				}
				if tt.reassigned && (c.UserID != "u-sam" || c.WasUser != "u-agent") {
					t.Errorf("reassigned %q → %q", c.WasUser, c.UserID)
				}
			})
		}
	}
}
