package state

import (
	"context"
	"errors"
	"testing"
	"time"
)

// Issue 12, finding 4: after an ambiguous send the outbox claimed any
// outbound message with the same text in the conversation — a
// colleague's too — and showed the agent's reply delivered though it was
// never sent. It claims only a copy provably the agent's now, and asks
// the agent when the platform's records cannot tell.

// actAsAgent records the agent ("Agent", u-agent) and a colleague ("Sam
// Lee", u-sam) in the store, as a sync would: the copies the tests apply
// are judged by their sender against them.
func actAsAgent(t testing.TB, s *Store) {
	t.Helper()
	must(t, s.SetMeta(metaMe, "u-agent"))
	must(t, s.ReplaceUsers([]User{{ID: "u-agent", FirstName: "Agent"}, {ID: "u-sam", FirstName: "Sam", LastName: "Lee"}}))
}

// sentBy is m as sent by the named user.
func sentBy(m Message, sender string) Message {
	m.Sender = sender
	return m
}

func TestSenderOwnership(t *testing.T) {
	me := User{ID: "u-me"}
	users := []User{{ID: "u-me", FirstName: "Mo", LastName: "Agent"}, {ID: "u-2", FirstName: "Bo"},
		{ID: "u-3", FirstName: "Twin"}, {ID: "u-4", FirstName: "Twin"}}
	tests := []struct {
		name   string
		sender string
		me     User
		users  []User
		want   Ownership
	}{
		{"the agent", "Mo Agent", me, users, OwnerMe},
		{"the agent, spaces around", " Mo Agent ", me, users, OwnerMe},
		{"a colleague", "Bo", me, users, OwnerOther},
		{"no sender given", "", me, users, OwnerUnknown},
		{"a name nobody has", "Someone", me, users, OwnerUnknown},
		{"who the agent is unknown", "Mo Agent", User{}, users, OwnerUnknown},
		{"the agent not in the list, named", "Mo Agent", User{ID: "u-9", FirstName: "Mo", LastName: "Agent"}, users[1:], OwnerMe},
		{"the agent without a name", "Bo", User{ID: "u-9"}, users[1:], OwnerUnknown},
		{"a name two users have, one the agent", "Twin", User{ID: "u-3"}, users, OwnerUnknown},
		{"a name another user has too", "Mo Agent", me, append([]User{{ID: "u-5", FirstName: "Mo", LastName: "Agent"}}, users...), OwnerUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SenderOwnership(tt.sender, tt.me, tt.users); got != tt.want {
				t.Errorf("SenderOwnership(%q) = %v, want %v", tt.sender, got, tt.want)
			}
		})
	}
}

// TestApplyMessagesAttachesOnlyTheAgentsCopy: while a sync applies a page,
// an in-flight reply takes a copy with its text only when the copy's
// sender is provably the agent.
func TestApplyMessagesAttachesOnlyTheAgentsCopy(t *testing.T) {
	tests := []struct {
		name    string
		sender  string
		noUsers bool // who the agent is is not known yet
		attach  bool
	}{
		{"the agent's copy", "Agent", false, true},
		{"a colleague's message with the same text", "Sam Lee", false, false},
		{"no sender given", "", false, false},
		{"a sender nobody is", "Somebody", false, false},
		{"the agent not known yet", "Agent", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTest(t)
			if !tt.noUsers {
				actAsAgent(t, s)
			}
			enqueueLocal(t, s, "L1", "c1", "Thanks, see you then", t0, OutboxUncertain)
			res := apply(t, s, sentBy(outMsg("p1", "c1", "Thanks, see you then", at(time.Second), StatusDelivered), tt.sender))
			local := getMsg(t, s, "local:L1")
			it, _, _ := s.OutboxItem("L1")
			if tt.attach {
				if local.ID != "p1" || it.State != OutboxSent || res.NewMessages != 0 {
					t.Errorf("not attached: local %+v, item %+v, %+v", local, it, res)
				}
				return
			}
			if local.ID != "" || local.Status != StatusPending || it.State != OutboxUncertain || res.NewMessages != 1 {
				t.Errorf("claimed: local %+v, item %+v, %+v", local, it, res)
			}
			if m := getMsg(t, s, "p1"); m.LocalID != "" {
				t.Errorf("the platform's message took the local id: %+v", m)
			}
		})
	}
}

// ownerBackend is a core platform whose sends can be lost: before the
// platform acts (drop "before") or after (drop "after": the agent's copy
// is there, the answer is not). Copies carry the sender the platform
// reports ("" for none).
type ownerBackend struct {
	*coreBackend
	drop   string // "before", "after" or "" for no fault, on every send
	sender string // the sender the platform reports for the agent's sends
	n      int
}

func (b *ownerBackend) Send(_ context.Context, out Outgoing) (Sent, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n++
	b.sends = append(b.sends, out)
	if b.drop == "before" {
		return Sent{}, &BackendError{Kind: KindAmbiguous, Op: "POST /message"}
	}
	m := Message{ID: "srv-" + out.Text + "-" + string(rune('0'+b.n)), ConversationID: "c-" + out.ContactID,
		AccountID: out.AccountID, ContactID: out.ContactID, Direction: Outbound, Body: out.Text, Time: b.now(),
		Status: StatusSent, Sender: b.sender}
	b.msgs = append(b.msgs, m)
	if b.drop == "after" {
		return Sent{}, &BackendError{Kind: KindAmbiguous, Op: "POST /message"}
	}
	return Sent{Message: m}, nil
}

// TestColleagueSendsTheSameText is the scenario of finding 4 on a platform
// that reports senders (as msgboxx and get.chat do): a colleague ("Bo")
// sent "Thanks, see you then", the agent ("Mo") sends the same, and the
// network loses the agent's send before or after it reached the platform.
func TestColleagueSendsTheSameText(t *testing.T) {
	const body = "Thanks, see you then"
	tests := []struct {
		name      string
		drop      string // the agent's first send
		sender    string // the platform's sender for the agent's copy
		colleague string // the sender of the colleague's copy
		wantSends int
		wantState OutboxState
		wantAsked bool
	}{
		{"lost before the platform: sent again", "before", "Mo", "Bo", 2, OutboxSent, false},
		{"lost after the platform acted: its own copy claimed", "after", "Mo", "Bo", 1, OutboxSent, false},
		{"no senders reported, lost before: the agent is asked", "before", "", "", 1, OutboxUncertain, true},
		{"no senders reported, lost after: the agent is asked", "after", "", "", 1, OutboxUncertain, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &testClock{now: t0}
			be := &ownerBackend{coreBackend: newCore(clock.Now), drop: tt.drop, sender: tt.sender}
			be.add(coreMsg("m1", "k1", t0.Add(-time.Hour)))
			s, e := coreEngine(t, be, clock)
			ctx := context.Background()

			// The colleague's message reaches the platform just before the
			// agent sends; mbx first sees it while reconciling.
			clock.Add(time.Minute)
			be.add(Message{ID: "colleague", ConversationID: "c-k1", AccountID: "a1", ContactID: "k1", Direction: Outbound,
				Body: body, Time: clock.Now(), Status: StatusDelivered, Sender: tt.colleague})
			clock.Add(time.Second)
			item, err := e.Send("c-k1", body)
			must(t, err)
			e.SendPending(ctx) // the send is lost: uncertain
			if it, _, _ := s.OutboxItem(item.LocalID); it.State != OutboxUncertain {
				t.Fatalf("after the lost send: %+v", it)
			}
			be.mu.Lock()
			be.drop = ""
			be.mu.Unlock()
			clock.Add(3 * time.Second)
			e.SendPending(ctx) // reconcile

			it, _, _ := s.OutboxItem(item.LocalID)
			if it.State != tt.wantState || len(be.sends) != tt.wantSends {
				t.Fatalf("item %+v after %d sends; want %s after %d", it, len(be.sends), tt.wantState, tt.wantSends)
			}
			if it.ServerID == "colleague" {
				t.Fatal("the colleague's message was taken as the agent's reply")
			}
			if c := getMsg(t, s, "colleague"); c.LocalID != "" {
				t.Errorf("the colleague's message claimed: %+v", c)
			}
			local := getMsg(t, s, "local:"+item.LocalID)
			qs, err := e.Questions("c-k1")
			must(t, err)
			if tt.wantAsked {
				if len(qs) != 1 || qs[0].LocalID != item.LocalID {
					t.Fatalf("questions %+v, want the reply", qs)
				}
				if local.Status != StatusPending {
					t.Errorf("an unsettled reply shows %v", local.Status)
				}
				// Asked again later, not re-sent, while the agent has not answered.
				clock.Add(time.Minute)
				e.SendPending(ctx)
				if len(be.sends) != tt.wantSends {
					t.Errorf("sent again without the agent: %d sends", len(be.sends))
				}
				return
			}
			if len(qs) != 0 {
				t.Errorf("asked about a settled reply: %+v", qs)
			}
			if local.ID == "" || local.ID == "colleague" || local.Sender != "Mo" {
				t.Errorf("the reply's message %+v", local)
			}
		})
	}
}

// TestAgentAnswersAQuestion: send again sends it once more; it was sent
// takes the copy that may be it (never a colleague's), or, with none,
// shows it sent.
func TestAgentAnswersAQuestion(t *testing.T) {
	const body = "Thanks, see you then"
	tests := []struct {
		name       string
		again      bool
		wantSends  int
		wantServer string
		wantThread int // the customer's message, the colleague's, the unknown copy, the reply (once merged)
	}{
		{"send again", true, 2, "srv-" + body + "-2", 4},
		{"it was sent", false, 1, "unknown", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &testClock{now: t0}
			be := &ownerBackend{coreBackend: newCore(clock.Now), drop: "before"}
			be.add(coreMsg("m1", "k1", t0.Add(-time.Hour)))
			s, e := coreEngine(t, be, clock)
			ctx := context.Background()
			clock.Add(time.Minute)
			be.add(Message{ID: "colleague", ConversationID: "c-k1", AccountID: "a1", ContactID: "k1", Direction: Outbound,
				Body: body, Time: clock.Now(), Status: StatusDelivered, Sender: "Bo"},
				Message{ID: "unknown", ConversationID: "c-k1", AccountID: "a1", ContactID: "k1", Direction: Outbound,
					Body: body, Time: clock.Now().Add(time.Second), Status: StatusDelivered})
			clock.Add(2 * time.Second)
			item, err := e.Send("c-k1", body)
			must(t, err)
			e.SendPending(ctx)
			be.mu.Lock()
			be.drop = ""
			be.mu.Unlock()
			clock.Add(3 * time.Second)
			e.SendPending(ctx)
			if qs, _ := e.Questions(""); len(qs) != 1 {
				t.Fatalf("questions %+v", qs)
			}
			if tt.again {
				must(t, e.SendAgain(item.LocalID))
			} else {
				must(t, e.WasSent(item.LocalID))
			}
			e.SendPending(ctx)
			it, _, _ := s.OutboxItem(item.LocalID)
			if it.State != OutboxSent || it.ServerID != tt.wantServer || len(be.sends) != tt.wantSends {
				t.Errorf("item %+v after %d sends; want sent as %s after %d", it, len(be.sends), tt.wantServer, tt.wantSends)
			}
			if n, _ := s.ThreadCount("c-k1"); n != tt.wantThread {
				t.Errorf("thread count %d", n)
			}
			if qs, _ := e.Questions(""); len(qs) != 0 {
				t.Errorf("still asked: %+v", qs)
			}
			if err := e.SendAgain(item.LocalID); err == nil {
				t.Error("a settled reply answered again")
			}
		})
	}
}

// TestWasSentWithoutACopy: the agent says it was sent and the store has no
// copy that may be it: the reply shows sent, with no platform id.
func TestWasSentWithoutACopy(t *testing.T) {
	s := openTest(t)
	actAsAgent(t, s)
	enqueueLocal(t, s, "L1", "c1", "see you", t0, OutboxSending)
	asked, err := s.AskAgent("L1", QuestionNotSure, at(time.Minute))
	if err != nil || !asked {
		t.Fatalf("AskAgent = %v, %v", asked, err)
	}
	must(t, s.AnswerOutbox("L1", QuestionNotSure, false, Message{}, at(time.Second)))
	it, _, _ := s.OutboxItem("L1")
	if m := getMsg(t, s, "local:L1"); it.State != OutboxSent || m.Status != StatusSent {
		t.Errorf("item %+v, message %+v", it, m)
	}
	if err := s.AnswerOutbox("L1", QuestionNotSure, true, Message{}, at(time.Second)); !errors.Is(err, ErrNotFound) {
		t.Errorf("a second answer: %v, want ErrNotFound", err)
	}
	if asked, err := s.AskAgent("L1", QuestionNotSure, at(time.Minute)); asked || err != nil {
		t.Errorf("a sent item asked about: %v %v", asked, err)
	}
}
