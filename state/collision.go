package state

import "time"

// Collision guard: a reply waits for the agent's word when, since they
// opened the conversation, another agent replied in it or it was
// reassigned (see doc.go, "Collision guard").

// Glimpse is what the agent saw of a conversation when they opened it:
// its newest message and its assignee.
type Glimpse struct {
	ConversationID string
	Last           string    // Message.Key of the newest message shown; "" none
	LastTime       time.Time // its time; with no Last, what was seen ends there
	UserID, TeamID string    // the assignee shown
}

// GlimpseOfMark is what a mark saw of its conversation (its assignee,
// and every reply up to its last one): the glimpse a bulk action checks.
func GlimpseOfMark(m MarkRef) Glimpse {
	return Glimpse{ConversationID: m.ID, LastTime: m.LastOutbound, UserID: m.UserID, TeamID: m.TeamID}
}

// GlimpseOf is the glimpse of conv showing msgs (oldest first).
func GlimpseOf(conv Conversation, msgs []Message) Glimpse {
	g := Glimpse{ConversationID: conv.ID, UserID: conv.UserID, TeamID: conv.TeamID}
	if n := len(msgs); n > 0 {
		g.Last, g.LastTime = msgs[n-1].Key(), msgs[n-1].Time
	}
	return g
}

// Collision is what others did in a conversation since a glimpse.
type Collision struct {
	// Replies are the outbound messages since the glimpse that are not
	// provably the agent's (SenderOwnership): a colleague's, or a sender
	// the platform's records cannot tell; oldest first. The agent's own
	// replies from mbx (an outbox item's) never count.
	Replies []Message
	// Reassigned: the assignee is not the one the agent saw; User and
	// Team are the assignee now, WasUser and WasTeam the one seen.
	Reassigned       bool
	UserID, TeamID   string
	WasUser, WasTeam string
}

// Any reports whether someone else acted since the glimpse.
func (c Collision) Any() bool { return len(c.Replies) > 0 || c.Reassigned }

// collisionWindow is how many of the newest messages are looked through
// for replies since a glimpse.
const collisionWindow = 200

// CollisionSince compares a glimpse with the store as the sync engine
// has it now. A glimpse of no conversation finds nothing.
func (s *Service) CollisionSince(g Glimpse) (Collision, error) {
	var c Collision
	if g.ConversationID == "" {
		return c, nil
	}
	conv, ok, err := s.st.Conversation(g.ConversationID)
	if err != nil || !ok {
		return c, err
	}
	// Given to the agent (by themselves, A, or by a supervisor) it is
	// theirs to answer: not a collision.
	if (conv.UserID != g.UserID || conv.TeamID != g.TeamID) && (conv.UserID == "" || conv.UserID != s.e.Me()) {
		c.Reassigned = true
		c.UserID, c.TeamID, c.WasUser, c.WasTeam = conv.UserID, conv.TeamID, g.UserID, g.TeamID
	}
	msgs, err := s.st.Thread(g.ConversationID, time.Time{}, collisionWindow)
	if err != nil {
		return c, err
	}
	users, err := s.st.Users()
	if err != nil {
		return c, err
	}
	me := User{ID: s.e.Me()}
	// The messages after the glimpse's newest: after it in the thread's
	// order, or all of those newer than it when it is gone (rehomed).
	start := 0
	for i, m := range msgs {
		if m.Key() == g.Last || g.Last != "" && m.LocalID != "" && "local:"+m.LocalID == g.Last {
			start = i + 1
		}
	}
	if start == 0 && (g.Last != "" || !g.LastTime.IsZero()) {
		for start < len(msgs) && !msgs[start].Time.After(g.LastTime) {
			start++
		}
	}
	for _, m := range msgs[start:] {
		if m.Direction != Outbound || m.LocalID != "" {
			continue
		}
		if SenderOwnership(m.Sender, me, users) == OwnerMe {
			continue
		}
		c.Replies = append(c.Replies, m)
	}
	return c, nil
}
