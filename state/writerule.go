package state

import (
	"fmt"
	"slices"
	"strconv"
)

// WriteScope is which conversations a user may write to, where the
// platform restricts it (get.chat: a regular user writes only to chats
// assigned to them). The zero value is every conversation.
type WriteScope int

const (
	WriteAll      WriteScope = iota // every conversation
	WriteAssigned                   // only those assigned to the user
	WriteTeam                       // those assigned to the user or to one of their teams
	WriteNone                       // none
)

// metaWriteScope is the store's meta key of the current user's
// WriteScope (as a number), beside metaMe.
const metaWriteScope = "session.write_scope"

// The words of a read-only conversation (Conversation.ReadOnlyWhy).
const (
	whyAssignYourself = "Only the assignee can write here: assign it to yourself first"
	whyAssignedOther  = "Only the assignee can write here: it is assigned to someone else"
	whyTeam           = "Only the assignee or its team can write here: assign it to yourself first"
	whyNone           = "This user may not write to conversations"
)

// writeRule is the current user and what they may write to, as the store
// last recorded it.
type writeRule struct {
	me    string
	scope WriteScope
	teams []string // the teams the user is in
}

// readOnly says whether the rule keeps the user from writing to c, and
// why. A conversation started here ("new:") is never read-only: the
// platform decides when it first sees it.
func (r writeRule) readOnly(c Conversation) (bool, string) {
	if r.scope == WriteAll || IsNewConversation(c.ID) {
		return false, ""
	}
	if r.scope == WriteNone {
		return true, whyNone
	}
	if r.me == "" || c.UserID == r.me {
		return false, "" // an unknown user cannot be judged: the platform will
	}
	if r.scope == WriteTeam {
		if c.TeamID != "" && slices.Contains(r.teams, c.TeamID) {
			return false, ""
		}
		return true, whyTeam
	}
	if c.UserID != "" {
		return true, whyAssignedOther
	}
	return true, whyAssignYourself
}

// SetWriteScope records the current user's WriteScope (the engine does,
// from Me, after each reference refresh).
func (s *Store) SetWriteScope(scope WriteScope) error {
	return s.SetMeta(metaWriteScope, strconv.Itoa(int(scope)))
}

// rule returns the write rule, read from the store once and again after
// SetMeta of the user or scope and ReplaceTeams.
func (s *Store) rule() writeRule {
	s.ruleMu.Lock()
	defer s.ruleMu.Unlock()
	if s.ruleOK {
		return s.wrule
	}
	r, err := s.loadRule()
	if err != nil {
		return writeRule{} // unreadable: the platform decides
	}
	s.wrule, s.ruleOK = r, true
	return r
}

func (s *Store) loadRule() (writeRule, error) {
	var r writeRule
	me, err := s.GetMeta(metaMe)
	if err != nil {
		return r, err
	}
	v, err := s.GetMeta(metaWriteScope)
	if err != nil {
		return r, err
	}
	n, _ := strconv.Atoi(v)
	r.me, r.scope = me, WriteScope(n)
	if r.scope != WriteTeam || me == "" {
		return r, nil
	}
	rows, err := s.db.Query("SELECT team_id FROM team_users WHERE user_id = ?", me)
	if err != nil {
		return r, fmt.Errorf("store: teams of %s: %w", me, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return r, err
		}
		r.teams = append(r.teams, id)
	}
	return r, rows.Err()
}

// forgetRule makes the next read load the write rule again.
func (s *Store) forgetRule() {
	s.ruleMu.Lock()
	s.ruleOK = false
	s.ruleMu.Unlock()
}

// judge fills c's ReadOnly and ReadOnlyWhy by rule r.
func (r writeRule) judge(c *Conversation) {
	c.ReadOnly, c.ReadOnlyWhy = r.readOnly(*c)
}
