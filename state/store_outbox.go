package state

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// outboxCols are the outbox columns scanOutbox reads, in order.
const outboxCols = `local_id, conversation_id, account_id, contact_id, kind, template_id, body, created, state,
	attempts, next_attempt, reason, server_id, follow_up, template_name, template_language, template_params, file`

func scanOutbox(r scanner) (OutboxItem, error) {
	var it OutboxItem
	var created, next int64
	var params, file string
	err := r.Scan(&it.LocalID, &it.ConversationID, &it.AccountID, &it.ContactID, &it.Kind, &it.TemplateID, &it.Body,
		&created, &it.State, &it.Attempts, &next, &it.Reason, &it.ServerID, &it.FollowUp, &it.TemplateName,
		&it.TemplateLanguage, &params, &file)
	it.Created, it.NextAttempt = fromNanos(created), fromNanos(next)
	if err == nil && params != "" {
		if jerr := json.Unmarshal([]byte(params), &it.Params); jerr != nil {
			err = fmt.Errorf("template parameters of %s: %w", it.LocalID, jerr)
		}
	}
	if err == nil && file != "" {
		if jerr := json.Unmarshal([]byte(file), &it.File); jerr != nil {
			err = fmt.Errorf("attached file of %s: %w", it.LocalID, jerr)
		}
	}
	return it, err
}

// encodeParams is the template_params column for params: a JSON array,
// or ” for none.
func encodeParams(params []string) (string, error) {
	if params == nil {
		return "", nil
	}
	b, err := json.Marshal(params)
	return string(b), err
}

func validOutboxState(s OutboxState) bool {
	switch s {
	case OutboxQueued, OutboxSending, OutboxUncertain, OutboxSent, OutboxFailed, OutboxReplaced:
		return true
	}
	return false
}

// Enqueue records a reply on its way, in one transaction: the outbox item,
// its local message (shown at once in the thread: no platform id, status
// Pending, outbound), the conversation's preview and last times (the row
// is created when missing), and, for a reply (not a template), the removal
// of the conversation's draft.
// msg.LocalID must be empty or item.LocalID and msg.ID empty; empty
// conversation, account, contact, body and time are taken from item. An
// item without a state is queued; without a kind, a message.
func (s *Store) Enqueue(item OutboxItem, msg Message) error {
	return s.enqueue(item, msg, "", "")
}

// EnqueueReplacing is Enqueue for a template sent in place of the failed
// reply replaces, in the same transaction: that item becomes replaced
// (settled, never sent) and its message keeps the text, failed, with
// reason. ErrNotFound when replaces is not failed (any more): nothing is
// written.
func (s *Store) EnqueueReplacing(item OutboxItem, msg Message, replaces, reason string) error {
	if replaces == "" {
		return errors.New("store: enqueue replacing: no item to replace")
	}
	return s.enqueue(item, msg, replaces, reason)
}

func (s *Store) enqueue(item OutboxItem, msg Message, replaces, reason string) error {
	if item.LocalID == "" {
		return errors.New("store: enqueue: empty local id")
	}
	if msg.LocalID != "" && msg.LocalID != item.LocalID {
		return fmt.Errorf("store: enqueue %s: message has local id %s", item.LocalID, msg.LocalID)
	}
	if msg.ID != "" {
		return fmt.Errorf("store: enqueue %s: message already has platform id %s", item.LocalID, msg.ID)
	}
	if item.State == "" {
		item.State = OutboxQueued
	}
	if !validOutboxState(item.State) {
		return fmt.Errorf("store: enqueue %s: unknown state %q", item.LocalID, item.State)
	}
	if item.Kind == "" {
		item.Kind = OutboxMessage
	}
	msg.LocalID = item.LocalID
	msg.Direction = Outbound
	msg.Status = StatusPending
	msg.ConversationID = orStr(msg.ConversationID, item.ConversationID)
	msg.AccountID = orStr(msg.AccountID, item.AccountID)
	msg.ContactID = orStr(msg.ContactID, item.ContactID)
	msg.Body = orStr(msg.Body, item.Body)
	if msg.Time.IsZero() {
		msg.Time = item.Created
	}
	params, err := encodeParams(item.Params)
	if err != nil {
		return fmt.Errorf("store: enqueue %s: %w", item.LocalID, err)
	}
	file := ""
	if !item.File.IsZero() {
		b, err := json.Marshal(item.File)
		if err != nil {
			return fmt.Errorf("store: enqueue %s: %w", item.LocalID, err)
		}
		file = string(b)
		if msg.Media.IsZero() {
			msg.Media = item.File.Media()
		}
	}
	return s.write("enqueue "+item.LocalID, func(tx *sql.Tx) error {
		if replaces != "" {
			res, err := tx.Exec("UPDATE outbox SET state = 'replaced', reason = ? WHERE local_id = ? AND state = 'failed'", reason, replaces)
			if err != nil {
				return err
			}
			if err := mustAffect(res); err != nil {
				return err
			}
			if _, err := tx.Exec("UPDATE messages SET reason = ? WHERE local_id = ?", reason, replaces); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(`INSERT INTO outbox(`+outboxCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			item.LocalID, item.ConversationID, item.AccountID, item.ContactID, item.Kind, item.TemplateID, item.Body,
			toNanos(item.Created), item.State, item.Attempts, toNanos(item.NextAttempt), item.Reason, item.ServerID,
			item.FollowUp, item.TemplateName, item.TemplateLanguage, params, file); err != nil {
			return fmt.Errorf("outbox row: %w", err)
		}
		cache := newStmtCache(tx)
		defer cache.close()
		if _, err := (msgWriter{cache}).insert(msg); err != nil {
			return fmt.Errorf("message row: %w", err)
		}
		if item.Kind != OutboxTemplate { // a reply is the draft, sent; a template leaves the draft alone
			if _, err := tx.Exec("DELETE FROM drafts WHERE conversation_id = ?", orStr(item.ConversationID, msg.ConversationID)); err != nil {
				return fmt.Errorf("draft: %w", err)
			}
		}
		convs := newConvTracker(cache)
		tc, err := convs.get(msg.ConversationID, msg.AccountID, msg.ContactID)
		if err != nil || tc == nil {
			return err
		}
		tc.add(Outbound, toNanos(msg.Time), msg.Key(), msg.Body)
		_, _, err = convs.flush()
		return err
	})
}

// OutboxItem returns the outbox item with that local id.
func (s *Store) OutboxItem(localID string) (OutboxItem, bool, error) {
	it, err := scanOutbox(s.db.QueryRow("SELECT "+outboxCols+" FROM outbox WHERE local_id = ?", localID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return OutboxItem{}, false, nil
	case err != nil:
		return OutboxItem{}, false, fmt.Errorf("store: outbox item %s: %w", localID, err)
	}
	return it, true, nil
}

// Outbox returns the items in any of the states (every item when none is
// given), oldest first.
func (s *Store) Outbox(states ...OutboxState) ([]OutboxItem, error) {
	query := "SELECT " + outboxCols + " FROM outbox"
	args := make([]any, len(states))
	for i, st := range states {
		args[i] = string(st)
	}
	if len(states) > 0 {
		query += " WHERE state IN (" + placeholders(len(states)) + ")"
	}
	rows, err := s.db.Query(query+" ORDER BY created, local_id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: outbox: %w", err)
	}
	return collect(rows, "outbox", func(r *sql.Rows) (OutboxItem, error) { return scanOutbox(r) })
}

// UpdateOutbox writes the item's State, Attempts, NextAttempt, Reason,
// ServerID and FollowUp. It fails with ErrNotFound for an unknown item.
func (s *Store) UpdateOutbox(item OutboxItem) error {
	if !validOutboxState(item.State) {
		return fmt.Errorf("store: update outbox %s: unknown state %q", item.LocalID, item.State)
	}
	return s.write("update outbox "+item.LocalID, func(tx *sql.Tx) error {
		res, err := tx.Exec(`UPDATE outbox SET state = ?, attempts = ?, next_attempt = ?, reason = ?, server_id = ?,
			follow_up = ? WHERE local_id = ?`, item.State, item.Attempts, toNanos(item.NextAttempt), item.Reason,
			item.ServerID, item.FollowUp, item.LocalID)
		if err != nil {
			return err
		}
		return mustAffect(res)
	})
}

func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// notFailed is a local status a completion may move on from: a local
// failure is overruled by the platform accepting the message.
func notFailed(s MessageStatus) MessageStatus {
	if s == StatusFailed {
		return StatusPending
	}
	return s
}

// CompleteOutbox records that the platform accepted the item as message
// server, in one transaction: the item becomes sent with ServerID
// server.ID, and its local message takes the platform id, status (only
// forward) and time. When sync already stored the platform's copy as a
// row of its own, the two rows become one, carrying both ids. The
// conversation's aggregates follow. An item of a "new:" conversation whose
// message the platform placed in a conversation (server.ConversationID)
// moves there with everything else of the "new:" one, which is deleted.
func (s *Store) CompleteOutbox(localID string, server Message) error {
	_, err := s.completeOutbox(localID, server)
	return err
}

// completeOutbox is CompleteOutbox; it also returns the "new:"
// conversation it moved into the platform's, if any (from → to).
func (s *Store) completeOutbox(localID string, server Message) (rehomed map[string]string, err error) {
	return s.completeOutboxIf(localID, server, "")
}

// completeOutboxIf is completeOutbox; with question set, only for an item
// still waiting for the agent's answer (uncertain, reason question), else
// ErrNotFound.
func (s *Store) completeOutboxIf(localID string, server Message, question string) (rehomed map[string]string, err error) {
	if server.ID == "" {
		return nil, fmt.Errorf("store: complete outbox %s: no platform id", localID)
	}
	if IsNewConversation(server.ConversationID) {
		server.ConversationID = "" // ours, not the platform's: it says nothing
	}
	err = s.write("complete outbox "+localID, func(tx *sql.Tx) error {
		rehomed = nil
		var it struct{ conv, account, contact string }
		err := tx.QueryRow(`SELECT conversation_id, account_id, contact_id FROM outbox WHERE local_id = ?1
			AND (?2 = '' OR state = 'uncertain' AND reason = ?2)`, localID, question).
			Scan(&it.conv, &it.account, &it.contact)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		cache := newStmtCache(tx)
		defer cache.close()
		w := msgWriter{cache}
		local, hasLocal, err := w.byLocalID(localID)
		if err != nil {
			return err
		}
		srv, hasSrv, err := w.byID(server.ID)
		if err != nil {
			return err
		}
		convs := newConvTracker(cache)
		recompute := func(m Message) error {
			tc, err := convs.get(m.ConversationID, m.AccountID, m.ContactID)
			if tc != nil {
				tc.recompute = true
			}
			return err
		}
		switch {
		case hasSrv && (!hasLocal || srv.seq != local.seq):
			// Sync got there first: keep the platform's row, give it the
			// local id, drop the local row.
			if srv.LocalID != "" && srv.LocalID != localID {
				return fmt.Errorf("platform message %s already belongs to outbox item %s", server.ID, srv.LocalID)
			}
			n := srv.Message
			n.LocalID = localID
			n.Status = Later(srv.Status, server.Status)
			if hasLocal {
				if err := w.delete(local.seq, local.Body); err != nil {
					return err
				}
				if err := recompute(local.Message); err != nil {
					return err
				}
				n.Status = Later(n.Status, notFailed(local.Status))
				n.Template = n.Template || local.Template
				n.Sender = orStr(n.Sender, local.Sender)
				n.ConversationID = orStr(n.ConversationID, local.ConversationID)
				n.AccountID = orStr(n.AccountID, local.AccountID)
				n.ContactID = orStr(n.ContactID, local.ContactID)
			}
			n = completed(n, server)
			if _, err := w.update(srv.seq, srv.Message, n); err != nil {
				return err
			}
			if err := recompute(n); err != nil {
				return err
			}
		case hasLocal:
			n := local.Message
			n.ID = server.ID
			n.Status = Later(notFailed(local.Status), server.Status)
			if n.Status != StatusFailed {
				n.Reason = ""
			}
			n = completed(n, server)
			if _, err := w.update(local.seq, local.Message, n); err != nil {
				return err
			}
			if err := recompute(n); err != nil {
				return err
			}
		default:
			// Neither row (the local one was never written): store the
			// platform's message as this item's.
			n := server
			n.LocalID = localID
			n.Direction = Outbound
			n.ConversationID = orStr(n.ConversationID, it.conv)
			n.AccountID = orStr(n.AccountID, it.account)
			n.ContactID = orStr(n.ContactID, it.contact)
			if _, err := w.insert(n); err != nil {
				return err
			}
			if err := recompute(n); err != nil {
				return err
			}
		}
		if _, err := tx.Exec("UPDATE outbox SET state = 'sent', server_id = ?, reason = '' WHERE local_id = ?",
			server.ID, localID); err != nil {
			return err
		}
		// The platform named the conversation a "new:" one became.
		from := []string{it.conv}
		if hasLocal {
			from = append(from, local.ConversationID)
		}
		if hasSrv {
			from = append(from, srv.ConversationID)
		}
		for _, f := range from {
			if rehomes(f, server.ConversationID) {
				if err := convs.rehome(f, server.ConversationID); err != nil {
					return err
				}
			}
		}
		_, _, err = convs.flush()
		rehomed = convs.rehomed
		return err
	})
	if err != nil {
		return nil, err
	}
	return rehomed, nil
}

// completed applies what the platform says about a message it accepted
// to the stored n: time, reason, template flag, sender and the
// conversation it is in, when given.
func completed(n, server Message) Message {
	if !server.Time.IsZero() {
		n.Time = server.Time
	}
	n.Reason = orStr(server.Reason, n.Reason)
	n.Template = n.Template || server.Template
	n.Sender = orStr(server.Sender, n.Sender)
	n.ConversationID = orStr(n.ConversationID, server.ConversationID)
	n.AccountID = orStr(n.AccountID, server.AccountID)
	n.ContactID = orStr(n.ContactID, server.ContactID)
	return n
}

// FailOutbox records that the platform refused the item for good: the
// item becomes failed with reason, its message StatusFailed with the same
// reason. The text is kept for the agent to resend or copy.
func (s *Store) FailOutbox(localID, reason string) error {
	return s.write("fail outbox "+localID, func(tx *sql.Tx) error {
		res, err := tx.Exec("UPDATE outbox SET state = 'failed', reason = ? WHERE local_id = ?", reason, localID)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		_, err = tx.Exec("UPDATE messages SET status = ?, reason = ? WHERE local_id = ?", StatusFailed, reason, localID)
		return err
	})
}

// ResendOutbox puts a failed item back in the queue, due at now: its
// attempts are kept, its reason cleared, and its message is Pending again.
// An item already queued is left as it is; one in another state is an
// error.
func (s *Store) ResendOutbox(localID string, now time.Time) error {
	return s.write("resend outbox "+localID, func(tx *sql.Tx) error {
		var state OutboxState
		err := tx.QueryRow("SELECT state FROM outbox WHERE local_id = ?", localID).Scan(&state)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return ErrNotFound
		case err != nil:
			return err
		case state == OutboxQueued:
			return nil
		case state != OutboxFailed:
			return fmt.Errorf("the item is %s, not failed", state)
		}
		if _, err := tx.Exec("UPDATE outbox SET state = 'queued', reason = '', next_attempt = ? WHERE local_id = ?",
			toNanos(now), localID); err != nil {
			return err
		}
		_, err = tx.Exec("UPDATE messages SET status = ?, reason = '' WHERE local_id = ?", StatusPending, localID)
		return err
	})
}

// RetryOutbox puts a failed item back on its way as uncertain, due at
// now: before it is sent again the outbox looks for it on the platform
// (reconcile), as for a send whose answer was lost, so a retry never
// makes a second copy of a reply the platform did take. Its reason is
// cleared and its message is Pending again. ErrNotFound when the item is
// not failed (any more).
func (s *Store) RetryOutbox(localID string, now time.Time) error {
	return s.write("retry outbox "+localID, func(tx *sql.Tx) error {
		res, err := tx.Exec("UPDATE outbox SET state = 'uncertain', reason = '', next_attempt = ? WHERE local_id = ? AND state = 'failed'",
			toNanos(now), localID)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		_, err = tx.Exec("UPDATE messages SET status = ?, reason = '' WHERE local_id = ?", StatusPending, localID)
		return err
	})
}

// FailedReplies are the failed items of a conversation (convID "" for
// every conversation), newest first.
func (s *Store) FailedReplies(convID string) ([]OutboxItem, error) {
	query := "SELECT " + outboxCols + " FROM outbox WHERE state = 'failed'"
	var args []any
	if convID != "" {
		query += " AND conversation_id = ?"
		args = append(args, convID)
	}
	rows, err := s.db.Query(query+" ORDER BY created DESC, local_id DESC", args...)
	if err != nil {
		return nil, fmt.Errorf("store: failed replies: %w", err)
	}
	return collect(rows, "outbox", func(r *sql.Rows) (OutboxItem, error) { return scanOutbox(r) })
}

// ---- whose is a platform message: the outbox claims only its own ----

// Ownership is what the platform's records prove about who sent an
// outbound message. See doc.go (Outbox).
type Ownership int

const (
	// OwnerUnknown: the records do not tell — no sender given, a name
	// several users have, a name no known user has, or the agent's own
	// name is not known.
	OwnerUnknown Ownership = iota
	// OwnerOther: sent by another user of the platform.
	OwnerOther
	// OwnerMe: sent by the logged-in user.
	OwnerMe
)

// SenderOwnership judges the sender a platform reports for an outbound
// message (Message.Sender: a user's name, as User.Name gives it) against
// the logged-in user me (its ID; its name is taken from users when
// missing) and the platform's users. It is the one rule for both the
// store, while a sync applies messages, and the platforms' own lookups:
//
//   - Mine only when the name is the agent's and no other user has it;
//   - someone else's when the name is another known user's and not the
//     agent's;
//   - unknown otherwise.
func SenderOwnership(sender string, me User, users []User) Ownership {
	sender = strings.TrimSpace(sender)
	if sender == "" || me.ID == "" {
		return OwnerUnknown
	}
	mine := me.Name()
	holders, meListed := 0, false
	for _, u := range users {
		if u.ID == me.ID {
			meListed = true
			mine = orStr(mine, u.Name())
		}
		if u.Name() == sender {
			holders++
		}
	}
	if !meListed && me.Name() != "" && sender == me.Name() {
		holders++ // the agent, named though the users list lacks them
	}
	switch {
	case mine == "" || holders == 0:
		return OwnerUnknown
	case sender != mine:
		return OwnerOther
	case holders == 1:
		return OwnerMe
	}
	return OwnerUnknown
}

// senderOwnership is SenderOwnership with the user recorded by SetMe and
// the stored users, read in the transaction q belongs to.
func senderOwnership(tx *sql.Tx, sender string) (Ownership, error) {
	if strings.TrimSpace(sender) == "" {
		return OwnerUnknown, nil
	}
	var me User
	err := tx.QueryRow("SELECT value FROM meta WHERE key = ?", metaMe).Scan(&me.ID)
	if errors.Is(err, sql.ErrNoRows) || err == nil && me.ID == "" {
		return OwnerUnknown, nil
	} else if err != nil {
		return OwnerUnknown, err
	}
	rows, err := tx.Query("SELECT id, first_name, last_name FROM users")
	if err != nil {
		return OwnerUnknown, err
	}
	users, err := collect(rows, "users", func(r *sql.Rows) (User, error) {
		var u User
		return u, r.Scan(&u.ID, &u.FirstName, &u.LastName)
	})
	if err != nil {
		return OwnerUnknown, err
	}
	return SenderOwnership(sender, me, users), nil
}

// sentByMe reports whether the platform's outbound message with sender
// is provably the logged-in user's: only then may the sync attach it to
// an outbox item (ApplyMessages).
func sentByMe(w msgWriter, sender string) (bool, error) {
	own, err := senderOwnership(w.tx, sender)
	return own == OwnerMe, err
}

// OutboxCandidate is a platform message that may be an outbox item's
// copy, with what its sender proves.
type OutboxCandidate struct {
	Message
	Owner Ownership
}

// OutboxCandidates are the platform's messages that may be item's copy:
// outbound, the same body, in its conversation (or, for a conversation
// started here, with its account and contact), dated at since or later,
// and claimed by no outbox item; oldest first, each judged by its sender
// (SenderOwnership).
func (s *Store) OutboxCandidates(item OutboxItem, since time.Time) ([]OutboxCandidate, error) {
	where := "conversation_id = ?"
	args := []any{item.ConversationID}
	if item.ConversationID == "" || IsNewConversation(item.ConversationID) {
		where, args = "account_id = ? AND contact_id = ?", []any{item.AccountID, item.ContactID}
	}
	var out []OutboxCandidate
	err := s.read("outbox candidates "+item.LocalID, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.Query("SELECT "+msgCols+" FROM messages WHERE "+where+
			" AND id IS NOT NULL AND local_id IS NULL AND direction = ? AND body = ? AND time >= ? ORDER BY time, seq",
			append(args, Outbound, item.Body, toNanos(since))...)
		if err != nil {
			return err
		}
		msgs, err := collect(rows, "messages", func(r *sql.Rows) (Message, error) { return scanMessage(r) })
		if err != nil {
			return err
		}
		for _, m := range msgs {
			own, err := senderOwnership(tx, m.Sender)
			if err != nil {
				return err
			}
			out = append(out, OutboxCandidate{Message: m, Owner: own})
		}
		return nil
	})
	return out, err
}

// AskAgent records that the platform may or may not have item and only
// the agent can tell: the item stays uncertain with reason (the question)
// and is looked for again at next. It changes nothing when the item is
// no longer sending or uncertain (the agent or a sync settled it
// meanwhile) and reports whether it did.
func (s *Store) AskAgent(localID, reason string, next time.Time) (bool, error) {
	var asked bool
	err := s.write("ask about outbox "+localID, func(tx *sql.Tx) error {
		res, err := tx.Exec(`UPDATE outbox SET state = 'uncertain', reason = ?, next_attempt = ?
			WHERE local_id = ? AND state IN ('sending', 'uncertain')`, reason, toNanos(next), localID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		asked = n > 0
		return err
	})
	return asked, err
}

// OutboxQuestions are the items waiting for the agent to say whether they
// were sent (AskAgent with reason), oldest first; convID "" for all.
func (s *Store) OutboxQuestions(convID, reason string) ([]OutboxItem, error) {
	query := "SELECT " + outboxCols + " FROM outbox WHERE state = 'uncertain' AND reason = ?"
	args := []any{reason}
	if convID != "" {
		query += " AND conversation_id = ?"
		args = append(args, convID)
	}
	rows, err := s.db.Query(query+" ORDER BY created, local_id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: outbox questions: %w", err)
	}
	return collect(rows, "outbox", func(r *sql.Rows) (OutboxItem, error) { return scanOutbox(r) })
}

// AnswerOutbox carries out the agent's answer about an item they were
// asked about (state uncertain, reason the question): again puts it back
// in the queue, due at now; otherwise it is taken as sent — as the
// platform message claim when there is one (CompleteOutbox), else with
// no platform id, its message shown sent. ErrNotFound: there is no such
// question any more (settled meanwhile).
func (s *Store) AnswerOutbox(localID, reason string, again bool, claim Message, now time.Time) error {
	if !again && claim.ID != "" {
		_, err := s.completeOutboxIf(localID, claim, reason)
		return err
	}
	return s.write("answer outbox "+localID, func(tx *sql.Tx) error {
		state, status := "queued", StatusPending
		if !again {
			state, status = "sent", StatusSent
		}
		res, err := tx.Exec(`UPDATE outbox SET state = ?, reason = '', next_attempt = ?
			WHERE local_id = ? AND state = 'uncertain' AND reason = ?`, state, toNanos(now), localID, reason)
		if err != nil {
			return err
		}
		if err := mustAffect(res); err != nil {
			return err
		}
		_, err = tx.Exec("UPDATE messages SET status = ?, reason = '' WHERE local_id = ?", status, localID)
		return err
	})
}
