package state

import (
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"
)

// msgCols are the messages columns scanMessage reads, in order.
const msgCols = `id, local_id, conversation_id, account_id, contact_id, direction, body, time, status, reason, template, sender,
	media`

// msgColsM is msgCols qualified with the alias m.
const msgColsM = `m.id, m.local_id, m.conversation_id, m.account_id, m.contact_id, m.direction, m.body, m.time,
	m.status, m.reason, m.template, m.sender, m.media`

// scanMessage reads msgCols, plus any extra destinations after them.
func scanMessage(r scanner, extra ...any) (Message, error) {
	var m Message
	var id, localID sql.NullString
	var t int64
	var media string
	dest := append([]any{&id, &localID, &m.ConversationID, &m.AccountID, &m.ContactID, &m.Direction, &m.Body, &t,
		&m.Status, &m.Reason, &m.Template, &m.Sender, &media}, extra...)
	if err := r.Scan(dest...); err != nil {
		return Message{}, err
	}
	m.ID, m.LocalID, m.Time = id.String, localID.String, fromNanos(t)
	m.Media = decodeMedia(media)
	return m, nil
}

// nullable stores "" as NULL (for the two id columns).
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func orStr(s, fallback string) string {
	if s != "" {
		return s
	}
	return fallback
}

// storedMessage is a message row with its rowid.
type storedMessage struct {
	seq int64
	Message
}

// lookupMessage scans "msgCols, seq".
func lookupMessage(row scanner) (storedMessage, bool, error) {
	var seq int64
	m, err := scanMessage(row, &seq)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return storedMessage{}, false, nil
	case err != nil:
		return storedMessage{}, false, err
	}
	return storedMessage{seq: seq, Message: m}, true, nil
}

// Message rowids are time-ordered: a message's seq is its time in
// milliseconds times seqSlots, plus the first free slot of that
// millisecond (2^19 slots: every time from 1678 to 2262 fits in an
// int64). Ordering by rowid is then ordering by time, which lets
// FTS5 return the newest matches first straight from its index (it walks
// its doclists in rowid order) and stop after a page, instead of sorting
// every match. When a message's time moves to another millisecond, its
// row moves with it (msgWriter.update).
const seqSlots = 1 << 19

// seqBase is the first rowid of the millisecond of t (Unix nanoseconds).
func seqBase(t int64) int64 {
	ms := t / 1e6
	if t < 0 && t%1e6 != 0 {
		ms--
	}
	return ms * seqSlots
}

// msgWriter writes message rows and their full-text index entries within
// one transaction, with statements prepared once per transaction.
type msgWriter struct {
	*stmtCache
}

// stmtCache prepares each statement once per transaction.
type stmtCache struct {
	tx    *sql.Tx
	stmts map[string]*sql.Stmt
}

func newStmtCache(tx *sql.Tx) *stmtCache { return &stmtCache{tx: tx, stmts: map[string]*sql.Stmt{}} }

func (c *stmtCache) stmt(query string) (*sql.Stmt, error) {
	if st, ok := c.stmts[query]; ok {
		return st, nil
	}
	st, err := c.tx.Prepare(query)
	if err != nil {
		return nil, err
	}
	c.stmts[query] = st
	return st, nil
}

func (c *stmtCache) exec(query string, args ...any) (sql.Result, error) {
	st, err := c.stmt(query)
	if err != nil {
		return nil, err
	}
	return st.Exec(args...)
}

func (c *stmtCache) queryRow(query string, args ...any) scanner {
	st, err := c.stmt(query)
	if err != nil {
		return errRow{err}
	}
	return st.QueryRow(args...)
}

func (c *stmtCache) close() {
	for _, st := range c.stmts {
		st.Close()
	}
}

// errRow is a row whose Scan fails with err.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }

// nextSeq returns the first free rowid in the millisecond of t.
func (w msgWriter) nextSeq(t int64) (int64, error) {
	base := seqBase(t)
	var seq int64
	if err := w.queryRow(`SELECT coalesce(max(seq) + 1, ?1) FROM messages WHERE seq >= ?1 AND seq < ?2`,
		base, base+seqSlots).Scan(&seq); err != nil {
		return 0, err
	}
	if seq >= base+seqSlots {
		return 0, fmt.Errorf("more than %d messages in the millisecond of %v", seqSlots, fromNanos(t))
	}
	return seq, nil
}

// insert inserts m (empty ids stored as NULL) and indexes its body.
func (w msgWriter) insert(m Message) (int64, error) {
	t := toNanos(m.Time)
	seq, err := w.nextSeq(t)
	if err != nil {
		return 0, err
	}
	if _, err := w.exec(`INSERT INTO messages(seq, id, local_id, conversation_id, account_id, contact_id, direction,
		body, time, status, reason, template, sender, media) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		seq, nullable(m.ID), nullable(m.LocalID), m.ConversationID, m.AccountID, m.ContactID, m.Direction, m.Body,
		t, m.Status, m.Reason, m.Template, m.Sender, encodeMedia(m.Media)); err != nil {
		return 0, err
	}
	if _, err := w.exec(ftsMessageInsert, seq, m.Body); err != nil {
		return 0, err
	}
	return seq, nil
}

// update writes every column of the row seq but seq and body: old is the
// row as stored, n what it becomes. A new body is re-indexed; a new time
// in another millisecond moves the row. It returns the row's seq.
func (w msgWriter) update(seq int64, old, n Message) (int64, error) {
	if _, err := w.exec(`UPDATE messages SET id = ?, local_id = ?, conversation_id = ?, account_id = ?, contact_id = ?,
		direction = ?, time = ?, status = ?, reason = ?, template = ?, sender = ?, media = ? WHERE seq = ?`,
		nullable(n.ID), nullable(n.LocalID), n.ConversationID, n.AccountID, n.ContactID, n.Direction, toNanos(n.Time),
		n.Status, n.Reason, n.Template, n.Sender, encodeMedia(n.Media), seq); err != nil {
		return 0, err
	}
	if n.Body != old.Body {
		if _, err := w.exec(`UPDATE messages SET body = ? WHERE seq = ?`, n.Body, seq); err != nil {
			return 0, err
		}
		if _, err := w.exec(ftsMessageDelete, seq, old.Body); err != nil {
			return 0, err
		}
		if _, err := w.exec(ftsMessageInsert, seq, n.Body); err != nil {
			return 0, err
		}
	}
	t := toNanos(n.Time)
	if base := seqBase(t); seq >= base && seq < base+seqSlots {
		return seq, nil
	}
	to, err := w.nextSeq(t)
	if err != nil {
		return 0, err
	}
	if _, err := w.exec(`UPDATE messages SET seq = ? WHERE seq = ?`, to, seq); err != nil {
		return 0, err
	}
	if _, err := w.exec(ftsMessageDelete, seq, n.Body); err != nil {
		return 0, err
	}
	if _, err := w.exec(ftsMessageInsert, to, n.Body); err != nil {
		return 0, err
	}
	return to, nil
}

// delete removes the row seq and its index entries.
func (w msgWriter) delete(seq int64, body string) error {
	if _, err := w.exec(`DELETE FROM messages WHERE seq = ?`, seq); err != nil {
		return err
	}
	_, err := w.exec(ftsMessageDelete, seq, body)
	return err
}

// byID returns the stored message with that platform id.
func (w msgWriter) byID(id string) (storedMessage, bool, error) {
	return lookupMessage(w.queryRow("SELECT "+msgCols+", seq FROM messages WHERE id = ?", id))
}

// byLocalID returns the stored message with that outbox id.
func (w msgWriter) byLocalID(localID string) (storedMessage, bool, error) {
	return lookupMessage(w.queryRow("SELECT "+msgCols+", seq FROM messages WHERE local_id = ?", localID))
}

// attachWindow is how much earlier than its outbox item's creation a
// platform message may be and still be recognised as that item's message
// (clocks differ). Reconciling looks back exactly as far: one constant,
// or a reply found by neither would be sent twice.
const attachWindow = reconcileMargin

// ApplyMessages writes what a sync step learned, in one transaction:
//
//  1. A message already stored (same platform id) is updated: its status
//     only moves forward (Later; Failed wins), its reason, body, time,
//     template flag and sender are taken when given.
//  2. Otherwise an outbound message that is the platform's copy of a reply
//     sent from here — a local message of an outbox item in state sending
//     or uncertain, same conversation (or same account and contact while
//     the local row has none or is in their "new:" conversation), same
//     body, created no more than 5 minutes after the platform's time — is
//     attached to it: the local row takes the platform id, status and
//     time, the outbox item becomes sent.
//  3. Otherwise it is inserted.
//
// A message stored in a "new:" conversation that the platform places in
// its own conversation moves there with everything else of the "new:"
// one, which is deleted (ApplyResult.Rehomed). So does a "new:"
// conversation whose contact the platform shows in a conversation first
// (the customer wrote meanwhile): there is one conversation per account
// and contact.
//
// Conversations are created when missing and their aggregates (last
// times, preview, unread) kept up to date; b.Contacts are upserted first
// (as UpsertContacts). A message without a time is given now. Messages
// must have a platform id.
func (s *Store) ApplyMessages(b Batch, now time.Time) (ApplyResult, error) {
	var res ApplyResult
	err := s.write("apply messages", func(tx *sql.Tx) error {
		res = ApplyResult{}
		var changed, inbound, threads idList
		renamed, err := upsertContacts(tx, b.Contacts, true)
		if err != nil {
			return err
		}
		var pending bool
		if err := tx.QueryRow(`SELECT EXISTS(SELECT 1 FROM outbox WHERE state IN ('sending', 'uncertain'))`).Scan(&pending); err != nil {
			return err
		}
		cache := newStmtCache(tx)
		defer cache.close()
		w := msgWriter{cache}
		convs := newConvTracker(cache)

		for i := range b.Messages {
			m := b.Messages[i]
			if m.ID == "" {
				return fmt.Errorf("message %d of the batch has no platform id", i)
			}
			m.LocalID = "" // only the store gives local ids
			given := !m.Time.IsZero()
			if !given {
				m.Time = now
			}
			if m.Time.After(res.Latest) {
				res.Latest = m.Time
			}
			old, found, err := w.byID(m.ID)
			if err != nil {
				return fmt.Errorf("message %s: %w", m.ID, err)
			}
			switch {
			case found:
				changedMsg, moved, err := updateMessage(w, convs, old, m, given)
				if err != nil {
					return fmt.Errorf("message %s: %w", m.ID, err)
				}
				if moved {
					res.StatusChanges++
				}
				if changedMsg {
					threads.add(m.ConversationID)
				}
				continue
			case pending && m.Direction == Outbound:
				attached, moved, err := attachMessage(w, convs, m)
				if err != nil {
					return fmt.Errorf("message %s: %w", m.ID, err)
				}
				if attached {
					if moved {
						res.StatusChanges++
					}
					threads.add(m.ConversationID)
					continue
				}
			}
			if _, err := w.insert(m); err != nil {
				return fmt.Errorf("insert message %s: %w", m.ID, err)
			}
			res.NewMessages++
			threads.add(m.ConversationID)
			tc, err := convs.get(m.ConversationID, m.AccountID, m.ContactID)
			if err != nil {
				return err
			}
			if tc == nil {
				continue
			}
			t := toNanos(m.Time)
			tc.add(m.Direction, t, m.Key(), m.Body)
			if m.Direction == Inbound {
				inbound.add(m.ConversationID)
				if t > tc.cur.readAt {
					tc.cur.unread++
				}
			}
		}
		if err := convs.adoptNew(); err != nil {
			return err
		}
		created, ch, err := convs.flush()
		if err != nil {
			return err
		}
		for _, id := range append(ch, renamed...) {
			changed.add(id)
		}
		for from, to := range convs.rehomed {
			changed.add(from)
			changed.add(to)
		}
		// The batch's conversation metadata (a platform with a conversation
		// list, or a pushed event) in the same transaction: a reader in
		// between would see the messages without it, take the metadata as
		// unknown and fetch it, and an older answer could win.
		for _, id := range slices.Sorted(maps.Keys(b.Conversations)) {
			meta := b.Conversations[id]
			if err := checkMeta(id, meta.Folder); err != nil {
				return err
			}
			c, err := setConversationMetaTx(tx, id, meta.Folder, meta.UserID, meta.TeamID)
			if err != nil {
				return err
			}
			if c {
				changed.add(id)
			}
		}
		// Tags likewise, after the rows exist.
		for _, id := range slices.Sorted(maps.Keys(b.Tags)) {
			c, err := setConversationTagsTx(tx, id, b.Tags[id])
			if err != nil {
				return err
			}
			if c {
				changed.add(id)
			}
		}
		// The platform's unread counts last: they include the batch's
		// messages.
		for _, id := range slices.Sorted(maps.Keys(b.Unread)) {
			c, err := setConversationUnreadTx(tx, id, b.Unread[id])
			if err != nil {
				return err
			}
			if c {
				changed.add(id)
			}
		}
		res.NewConversations, res.Changed, res.NewInbound = created, changed.ids, inbound.ids
		res.Rehomed = convs.rehomed
		res.Threads = threads.ids
		return nil
	})
	if err != nil {
		return ApplyResult{}, err
	}
	return res, nil
}

// updateMessage is point 1 of ApplyMessages. moved reports a status change.
func updateMessage(w msgWriter, convs *convTracker, old storedMessage, m Message, timeGiven bool) (changed, moved bool, err error) {
	n := old.Message
	n.Status = Later(old.Status, m.Status)
	if m.Reason != "" {
		n.Reason = m.Reason
	}
	if m.Body != "" {
		n.Body = m.Body
	}
	if timeGiven && !m.Time.Equal(old.Time) {
		n.Time = m.Time
	}
	n.Template = old.Template || m.Template
	n.Sender = orStr(m.Sender, old.Sender)
	n.Media = mergeMedia(old.Media, m.Media)
	n.ConversationID = orStr(old.ConversationID, m.ConversationID)
	if rehomes(old.ConversationID, m.ConversationID) {
		n.ConversationID = m.ConversationID
	}
	n.AccountID = orStr(old.AccountID, m.AccountID)
	n.ContactID = orStr(old.ContactID, m.ContactID)
	if n == old.Message {
		return false, false, nil
	}
	if _, err := w.update(old.seq, old.Message, n); err != nil {
		return true, false, err
	}
	timeMoved, convMoved := !n.Time.Equal(old.Time), n.ConversationID != old.ConversationID
	if timeMoved || convMoved || n.Body != old.Body {
		tc, err := convs.get(n.ConversationID, n.AccountID, n.ContactID)
		if err != nil {
			return true, false, err
		}
		// The preview, or the last times, may have changed.
		if tc != nil && (timeMoved || convMoved || tc.cur.previewKey == n.Key()) {
			tc.recompute = true
		}
	}
	if rehomes(old.ConversationID, n.ConversationID) {
		// The platform placed a message of a conversation started here.
		if err := convs.rehome(old.ConversationID, n.ConversationID); err != nil {
			return true, false, err
		}
	}
	return true, n.Status != old.Status, nil
}

// rehomes reports whether a message stored in conversation stored and
// placed by the platform in conversation platform moves its "new:"
// conversation there (rehome).
func rehomes(stored, platform string) bool {
	return IsNewConversation(stored) && platform != "" && !IsNewConversation(platform)
}

// attachMessage is point 2 of ApplyMessages: it looks for the local row of
// an in-flight outbox item that m is the platform's copy of, and if there
// is one gives it m's id, status and time and marks the item sent. A local
// row in the contact's "new:" conversation takes m's conversation, and
// everything of the "new:" one moves there (rehome).
func attachMessage(w msgWriter, convs *convTracker, m Message) (attached, moved bool, err error) {
	// The oldest local message of an in-flight outbox item with the same
	// body in the same conversation (or, before the conversation is known,
	// with the same account and contact; or in the conversation started
	// here with them).
	local, found, err := lookupMessage(w.queryRow(`SELECT `+msgColsM+`, m.seq FROM outbox o
		JOIN messages m ON m.local_id = o.local_id
		WHERE o.state IN ('sending', 'uncertain') AND m.id IS NULL AND m.body = ?1
		AND (m.conversation_id = ?2
			OR (m.conversation_id IN ('', ?6) AND m.account_id = ?3 AND m.contact_id = ?4))
		AND o.created <= ?5
		ORDER BY o.created, o.local_id LIMIT 1`,
		m.Body, m.ConversationID, m.AccountID, m.ContactID, toNanos(m.Time.Add(attachWindow)),
		NewConversationID(m.AccountID, m.ContactID)))
	if err != nil || !found {
		return false, false, err
	}
	// Only a copy provably the agent's own (store_outbox.go): a
	// colleague's message with the same text is a message of its own.
	if mine, err := sentByMe(w, m.Sender); err != nil || !mine {
		return false, false, err
	}
	n := local.Message
	n.ID = m.ID
	n.ConversationID = orStr(local.ConversationID, m.ConversationID)
	if rehomes(local.ConversationID, m.ConversationID) {
		n.ConversationID = m.ConversationID
	}
	n.AccountID = orStr(local.AccountID, m.AccountID)
	n.ContactID = orStr(local.ContactID, m.ContactID)
	n.Time = m.Time
	n.Status = Later(local.Status, m.Status)
	n.Reason = orStr(m.Reason, local.Reason)
	n.Template = local.Template || m.Template
	n.Sender = orStr(m.Sender, local.Sender)
	n.Media = mergeMedia(local.Media, m.Media)
	if _, err := w.update(local.seq, local.Message, n); err != nil {
		return false, false, err
	}
	if _, err := w.exec(`UPDATE outbox SET state = 'sent', server_id = ?,
		conversation_id = CASE conversation_id WHEN '' THEN ? ELSE conversation_id END WHERE local_id = ?`,
		m.ID, n.ConversationID, local.LocalID); err != nil {
		return false, false, err
	}
	tc, err := convs.get(n.ConversationID, n.AccountID, n.ContactID)
	if err != nil {
		return false, false, err
	}
	if tc != nil {
		// Its time and key changed: recompute rather than patch.
		tc.recompute = true
	}
	if rehomes(local.ConversationID, n.ConversationID) {
		if err := convs.rehome(local.ConversationID, n.ConversationID); err != nil {
			return false, false, err
		}
	}
	return true, n.Status != local.Status, nil
}

// Message returns the message with that key (Message.Key): a platform id,
// or "local:" and an outbox id — which keeps finding the message after it
// got its platform id.
func (s *Store) Message(key string) (Message, bool, error) {
	row := s.db.QueryRow("SELECT "+msgCols+" FROM messages WHERE id = ?", key)
	m, err := scanMessage(row)
	if errors.Is(err, sql.ErrNoRows) {
		if local, ok := strings.CutPrefix(key, "local:"); ok && local != "" {
			m, err = scanMessage(s.db.QueryRow("SELECT "+msgCols+" FROM messages WHERE local_id = ?", local))
		}
	}
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Message{}, false, nil
	case err != nil:
		return Message{}, false, fmt.Errorf("store: message %s: %w", key, err)
	}
	return m, true, nil
}

// Thread returns the newest limit messages of the conversation strictly
// older than before (no bound when before is zero), oldest first; messages
// at the same time are ordered by key.
func (s *Store) Thread(conversationID string, before time.Time, limit int) ([]Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	bound := int64(math.MaxInt64)
	if !before.IsZero() {
		bound = toNanos(before)
	}
	rows, err := s.db.Query("SELECT "+msgCols+` FROM messages WHERE conversation_id = ? AND time < ?
		ORDER BY time DESC, msg_key DESC LIMIT ?`, conversationID, bound, limit)
	if err != nil {
		return nil, fmt.Errorf("store: thread %s: %w", conversationID, err)
	}
	msgs, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: thread %s: %w", conversationID, err)
	}
	for i, j := 0, len(msgs)-1; i < j; i, j = i+1, j-1 {
		msgs[i], msgs[j] = msgs[j], msgs[i]
	}
	return msgs, nil
}

func scanMessages(rows *sql.Rows) ([]Message, error) {
	defer rows.Close()
	var msgs []Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		msgs = append(msgs, m)
	}
	return msgs, rows.Err()
}

// ThreadCount returns how many messages the conversation has.
func (s *Store) ThreadCount(conversationID string) (int, error) {
	var n int
	if err := s.db.QueryRow("SELECT count(*) FROM messages WHERE conversation_id = ?", conversationID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: thread count %s: %w", conversationID, err)
	}
	return n, nil
}

// NonFinalOutgoing returns up to limit outbound messages the platform
// knows (they have an id) whose status may still change (not Read, not
// Failed), sent at or after since, oldest first: the ones whose status is
// worth asking about.
func (s *Store) NonFinalOutgoing(since time.Time, limit int) ([]Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.db.Query("SELECT "+msgCols+` FROM messages
		WHERE direction = 1 AND id IS NOT NULL AND status NOT IN (4, 5) AND time >= ?
		ORDER BY time, seq LIMIT ?`, toNanos(since), limit)
	if err != nil {
		return nil, fmt.Errorf("store: non-final outgoing: %w", err)
	}
	msgs, err := scanMessages(rows)
	if err != nil {
		return nil, fmt.Errorf("store: non-final outgoing: %w", err)
	}
	return msgs, nil
}

// DueStatusChecks returns up to limit outbound messages the platform
// knows whose status may still change, sent at or after since, whose
// status is due to be asked for at now: last asked (MarkStatusChecked)
// at least max(every, age/8) ago, or never. Half of them are the newest
// due (a message just sent is never kept waiting behind a day of older
// ones), the other half those waiting longest since they were last asked
// (never first, then newest first), so that under a budget every message
// gets its turn; either half takes what the other leaves.
func (s *Store) DueStatusChecks(since, now time.Time, every time.Duration, limit int) ([]Message, error) {
	if limit <= 0 {
		return nil, nil
	}
	query := func(order string) ([]Message, error) {
		rows, err := s.db.Query("SELECT "+msgCols+` FROM messages
			WHERE direction = 1 AND id IS NOT NULL AND status NOT IN (4, 5) AND time >= ?1
			AND status_checked <= ?2 - max(?3, (?2 - time) / 8)
			ORDER BY `+order+` LIMIT ?4`, toNanos(since), toNanos(now), int64(every), limit)
		if err != nil {
			return nil, err
		}
		return scanMessages(rows)
	}
	newest, err := query("time DESC, seq DESC")
	if err != nil {
		return nil, fmt.Errorf("store: due status checks: %w", err)
	}
	if len(newest) < limit { // every due message
		return newest, nil
	}
	waiting, err := query("status_checked, time DESC, seq DESC")
	if err != nil {
		return nil, fmt.Errorf("store: due status checks: %w", err)
	}
	out := make([]Message, 0, limit)
	taken := map[string]bool{}
	for i := 0; len(out) < limit && (i < len(newest) || i < len(waiting)); i++ {
		for _, list := range [][]Message{newest, waiting} {
			if i < len(list) && len(out) < limit && !taken[list[i].ID] {
				taken[list[i].ID] = true
				out = append(out, list[i])
			}
		}
	}
	return out, nil
}

// MarkStatusChecked records when each message's status was asked for
// (by platform id); unknown ids are ignored.
func (s *Store) MarkStatusChecked(at map[string]time.Time) error {
	if len(at) == 0 {
		return nil
	}
	return s.write("mark status checked", func(tx *sql.Tx) error {
		st, err := tx.Prepare(`UPDATE messages SET status_checked = ? WHERE id = ?`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, id := range slices.Sorted(maps.Keys(at)) {
			if _, err := st.Exec(toNanos(at[id]), id); err != nil {
				return err
			}
		}
		return nil
	})
}

// ResetStatusChecks makes every unfinished outgoing message due again
// (after a break in a pushed-event stream, which may have hidden some
// status changes).
func (s *Store) ResetStatusChecks() error {
	return s.write("reset status checks", func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE messages SET status_checked = 0
			WHERE direction = 1 AND id IS NOT NULL AND status NOT IN (4, 5) AND status_checked != 0`)
		return err
	})
}
