package state

import (
	"fmt"
	"time"
)

// Marks: conversations the agent marked for a bulk action, and what each
// one was like when it was marked, so that a bulk reassignment can say
// which changed since (reassigned, or answered by an agent).

// MarkRef is a marked conversation as it was when marked: its assignee
// and its last reply of ours. Only ids and these, never whole rows: a
// view of 100k conversations is marked with one read.
type MarkRef struct {
	ID           string
	UserID       string
	TeamID       string
	LastOutbound time.Time
}

// MarkRefOf is the mark of a conversation the UI already holds.
func MarkRefOf(c Conversation) MarkRef {
	return MarkRef{ID: c.ID, UserID: c.UserID, TeamID: c.TeamID, LastOutbound: c.LastOutbound}
}

// ViewMarkRefs returns the marks of every conversation of a view, in the
// view's order: what "mark all in view" keeps.
func (s *Store) ViewMarkRefs(v View) ([]MarkRef, error) {
	q := s.plan(v, false)
	rows, err := s.db.Query("SELECT id, user_id, team_id, last_outbound FROM "+q.table()+" WHERE "+q.where+
		" ORDER BY "+q.order, q.args...)
	if err != nil {
		return nil, fmt.Errorf("store: marks of a view: %w", err)
	}
	defer rows.Close()
	var out []MarkRef
	for rows.Next() {
		var m MarkRef
		var out64 int64
		if err := rows.Scan(&m.ID, &m.UserID, &m.TeamID, &out64); err != nil {
			return nil, fmt.Errorf("store: marks of a view: %w", err)
		}
		m.LastOutbound = fromNanos(out64)
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: marks of a view: %w", err)
	}
	return out, nil
}

// markChunk is how many ids one query of MarkRefs asks for.
const markChunk = 500

// MarkRefs returns the conversations' marks as they are now (the ones
// the store no longer holds are left out), in no particular order.
func (s *Store) MarkRefs(ids []string) ([]MarkRef, error) {
	var out []MarkRef
	for start := 0; start < len(ids); start += markChunk {
		part := ids[start:min(len(ids), start+markChunk)]
		args := make([]any, len(part))
		for i, id := range part {
			args[i] = id
		}
		rows, err := s.db.Query("SELECT id, user_id, team_id, last_outbound FROM conversations WHERE id IN ("+
			placeholders(len(part))+")", args...)
		if err != nil {
			return nil, fmt.Errorf("store: marks: %w", err)
		}
		for rows.Next() {
			var m MarkRef
			var out64 int64
			if err := rows.Scan(&m.ID, &m.UserID, &m.TeamID, &out64); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: marks: %w", err)
			}
			m.LastOutbound = fromNanos(out64)
			out = append(out, m)
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("store: marks: %w", err)
		}
	}
	return out, nil
}

// Changed reports whether a conversation changed since it was marked as
// was: another assignee, or a newer reply of ours (an agent answered).
func (was MarkRef) Changed(now MarkRef) (reassigned, replied bool) {
	return was.UserID != now.UserID || was.TeamID != now.TeamID, now.LastOutbound.After(was.LastOutbound)
}

// Tally is the short summary of a bulk action's results, without names:
// "12 archived, 2 failed", "3 assigned to team Head Office",
// "Could not archive 4 conversations". It fits where Summary's names do
// not; the names and reasons go in a list (Outcome). resolve words a
// move as a Resolver makes it: "resolved", "reopened".
func Tally(results []ActionResult, ch Change, assignee string, resolve bool) string {
	ph := phrasesFor(ch, assignee, resolve)
	failed := 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		}
	}
	ok := len(results) - failed
	switch {
	case len(results) == 0:
		return "Nothing to change"
	case ok == 0:
		return "Could not " + ph.sentence(false, countOf(failed, "conversation"))
	case failed == 0:
		return fmt.Sprintf("%d %s", ok, ph.bare(true))
	}
	return fmt.Sprintf("%d %s, %d failed", ok, ph.bare(true), failed)
}

// Outcome is what happened to one conversation, in words, without its
// name: "archived", "assigned to team Sales", or why it failed.
func Outcome(r ActionResult, ch Change, assignee string, resolve bool) string {
	if r.Err != nil {
		return r.Reason()
	}
	return phrasesFor(ch, assignee, resolve).bare(true)
}

// phrasesFor is phrasesOf, with a move worded as a Resolver makes it
// when resolve is set.
func phrasesFor(ch Change, assignee string, resolve bool) changePhrases {
	ps := phrasesOf(ch, assignee)
	if resolve && len(ps) > 0 {
		switch ch.Folder {
		case FolderArchive:
			ps[0] = changePhrase{"resolved", "resolve", ""}
		case FolderInbox:
			ps[0] = changePhrase{"reopened", "reopen", ""}
		}
	}
	return ps
}

func countOf(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// ViewMarkRefs: the marks of every conversation of a view (Store.ViewMarkRefs).
func (s *Service) ViewMarkRefs(v View) ([]MarkRef, error) { return s.st.ViewMarkRefs(v) }

// MarkRefs: the conversations' marks as they are now (Store.MarkRefs).
func (s *Service) MarkRefs(ids []string) ([]MarkRef, error) { return s.st.MarkRefs(ids) }
