package state

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// convCols are the conversations columns convRow.scan reads, in order.
const convCols = `id, account_id, contact_id, contact_name, contact_number, folder, user_id, team_id,
	last_inbound, last_outbound, last_activity, preview, preview_out, preview_key, unread, read_at, meta_known, tags`

// convRow is a conversations row as stored. It is comparable, so a change
// to the list row is cur != orig.
type convRow struct {
	id, accountID, contactID   string
	contactName, contactNumber string
	folder, userID, teamID     string
	lastIn, lastOut, lastAct   int64
	preview                    string
	previewOut                 bool
	previewKey                 string
	unread                     int
	readAt                     int64
	metaKnown                  bool
	tags                       string // JSON array; "" for none
}

type scanner interface{ Scan(dest ...any) error }

// scan reads the convCols of a row, then extra columns into extra.
func (c *convRow) scan(r scanner, extra ...any) error {
	return r.Scan(append([]any{&c.id, &c.accountID, &c.contactID, &c.contactName, &c.contactNumber, &c.folder, &c.userID, &c.teamID,
		&c.lastIn, &c.lastOut, &c.lastAct, &c.preview, &c.previewOut, &c.previewKey, &c.unread, &c.readAt, &c.metaKnown, &c.tags}, extra...)...)
}

func (c convRow) conversation() Conversation {
	return Conversation{
		ID:            c.id,
		AccountID:     c.accountID,
		ContactID:     c.contactID,
		ContactName:   c.contactName,
		ContactNumber: c.contactNumber,
		Folder:        Folder(c.folder),
		UserID:        c.userID,
		TeamID:        c.teamID,
		LastInbound:   fromNanos(c.lastIn),
		LastOutbound:  fromNanos(c.lastOut),
		LastActivity:  fromNanos(c.lastAct),
		Preview:       c.preview,
		PreviewOut:    c.previewOut,
		Unread:        c.unread,
		MetaKnown:     c.metaKnown,
		Tags:          decodeTags(c.tags),
	}
}

// encodeTags is tags as stored: a JSON array, "" for none.
func encodeTags(tags []string) string {
	if len(tags) == 0 {
		return ""
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

// decodeTags reads a stored tags column (nil for none or a damaged one).
func decodeTags(s string) []string {
	if s == "" {
		return nil
	}
	var tags []string
	if json.Unmarshal([]byte(s), &tags) != nil || len(tags) == 0 {
		return nil
	}
	return tags
}

// listRow is the part of a row the conversation list shows (everything
// but the bookkeeping columns).
func (c convRow) listRow() convRow {
	c.previewKey, c.readAt = "", 0
	return c
}

// text is what conversations_fts indexes of the row.
func (c convRow) text() convText {
	return convText{name: c.contactName, number: c.contactNumber, preview: c.preview}
}

// collapseBlanks turns every run of spaces and tabs into one space.
func collapseBlanks(s string) string {
	var b strings.Builder
	blank := false
	for _, r := range s {
		if r == ' ' || r == '\t' {
			if !blank {
				b.WriteByte(' ')
			}
			blank = true
			continue
		}
		blank = false
		b.WriteRune(r)
	}
	return b.String()
}

// maxPreview is the longest preview, in characters.
const maxPreview = 200

// previewOf is what the list shows of a body: its first line, runs of
// spaces and tabs collapsed, at most maxPreview characters (the last one an
// ellipsis when cut). Only "\n" ends a line: a lone "\r" is kept for the
// sanitizer to show, so "pay 100\rpay 999" cannot pass as either half.
func previewOf(body string) string {
	body = strings.TrimSpace(body)
	if i := strings.IndexByte(body, '\n'); i >= 0 {
		body = strings.TrimSpace(body[:i])
	}
	body = collapseBlanks(body)
	if utf8.RuneCountInString(body) <= maxPreview {
		return body
	}
	r := []rune(body)
	return strings.TrimSpace(string(r[:maxPreview-1])) + "…"
}

// convTracker keeps the conversation rows a write touches, applies
// messages to their aggregates in memory and writes each row once at the
// end (flush), reporting which rows were created and which changed.
type convTracker struct {
	*stmtCache
	rows    map[string]*trackedConv
	order   []string
	rehomed map[string]string // "new:" conversation → the platform's conversation it became (rehome)
}

type trackedConv struct {
	orig, cur convRow
	seq       int64 // its rowid (conversations_fts's), once stored
	snoozed   bool  // snoozed when read: a customer message wakes it
	created   bool  // not in the database before this write
	recompute bool  // aggregates must be recomputed from the messages
}

func newConvTracker(c *stmtCache) *convTracker {
	return &convTracker{stmtCache: c, rows: map[string]*trackedConv{}}
}

// get returns the tracked row of conversation id, loading it or creating
// it (folder inbox, meta unknown, name and number from the contacts table)
// when missing. A "new:" conversation (NewConversationID) is created with
// its meta known: the platform has no such conversation to ask about.
// Empty account and contact ids are filled in when known. It returns nil
// for an empty id.
func (t *convTracker) get(id, accountID, contactID string) (*trackedConv, error) {
	if id == "" {
		return nil, nil
	}
	tc := t.rows[id]
	if tc == nil {
		tc = &trackedConv{}
		err := tc.orig.scan(t.queryRow("SELECT "+convCols+", seq, snoozed_until <> 0 FROM conversations WHERE id = ?", id), &tc.seq, &tc.snoozed)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			tc.created = true
			tc.orig = convRow{id: id, folder: string(FolderInbox), metaKnown: IsNewConversation(id)}
		case err != nil:
			return nil, fmt.Errorf("load conversation %s: %w", id, err)
		}
		tc.cur = tc.orig
		t.rows[id] = tc
		t.order = append(t.order, id)
	}
	if tc.cur.accountID == "" && accountID != "" {
		tc.cur.accountID = accountID
	}
	if tc.cur.contactID == "" && contactID != "" {
		tc.cur.contactID = contactID
		err := t.queryRow("SELECT name, number FROM contacts WHERE id = ?", contactID).
			Scan(&tc.cur.contactName, &tc.cur.contactNumber)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return nil, fmt.Errorf("contact %s: %w", contactID, err)
		}
	}
	return tc, nil
}

// add applies one message to the aggregates: last times and, when it is
// the newest message (by time, then key), the preview.
func (tc *trackedConv) add(dir Direction, t int64, key, body string) {
	c := &tc.cur
	if dir == Outbound {
		c.lastOut = max(c.lastOut, t)
	} else {
		c.lastIn = max(c.lastIn, t)
	}
	if t > c.lastAct || (t == c.lastAct && key >= c.previewKey) {
		c.preview = previewOf(body)
		c.previewOut = dir == Outbound
		c.previewKey = key
	}
	c.lastAct = max(c.lastIn, c.lastOut)
}

// recomputeAggregates recomputes the last times and preview of c from its
// messages, walking the thread index from the newest message.
func recomputeAggregates(q *stmtCache, c *convRow) error {
	var lastIn, lastOut sql.NullInt64
	if err := q.queryRow(`SELECT
		(SELECT time FROM messages WHERE conversation_id = ?1 AND direction = 0 ORDER BY time DESC LIMIT 1),
		(SELECT time FROM messages WHERE conversation_id = ?1 AND direction = 1 ORDER BY time DESC LIMIT 1)`,
		c.id).Scan(&lastIn, &lastOut); err != nil {
		return fmt.Errorf("recompute %s: %w", c.id, err)
	}
	c.lastIn, c.lastOut = lastIn.Int64, lastOut.Int64
	c.lastAct = max(c.lastIn, c.lastOut)
	var body, key string
	var dir Direction
	err := q.queryRow(`SELECT body, direction, msg_key FROM messages WHERE conversation_id = ?
		ORDER BY time DESC, msg_key DESC LIMIT 1`, c.id).Scan(&body, &dir, &key)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		c.preview, c.previewOut, c.previewKey = "", false, ""
	case err != nil:
		return fmt.Errorf("recompute %s: %w", c.id, err)
	default:
		c.preview, c.previewOut, c.previewKey = previewOf(body), dir == Outbound, key
	}
	return nil
}

// flush recomputes what must be, writes the rows that changed and returns
// the ids of the rows created and of those whose list row changed (created
// ones included), in the order they were first touched.
func (t *convTracker) flush() (created, changed []string, err error) {
	var reindex []convReindex
	for _, id := range t.order {
		tc := t.rows[id]
		if tc.recompute {
			if err := recomputeAggregates(t.stmtCache, &tc.cur); err != nil {
				return nil, nil, err
			}
		}
		switch {
		case tc.created:
			c := tc.cur
			if res, err := t.exec(`INSERT INTO conversations(`+convCols+`)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.id, c.accountID, c.contactID, c.contactName, c.contactNumber, c.folder, c.userID, c.teamID,
				c.lastIn, c.lastOut, c.lastAct, c.preview, c.previewOut, c.previewKey, c.unread, c.readAt, c.metaKnown, c.tags); err != nil {
				return nil, nil, fmt.Errorf("insert conversation %s: %w", id, err)
			} else if tc.seq, err = res.LastInsertId(); err != nil {
				return nil, nil, fmt.Errorf("insert conversation %s: %w", id, err)
			}
			reindex = append(reindex, convReindex{id: id, seq: tc.seq, cur: c.text()})
			created = append(created, id)
			changed = append(changed, id)
		case tc.cur != tc.orig:
			c := tc.cur
			if _, err := t.exec(`UPDATE conversations SET account_id = ?, contact_id = ?,
				contact_name = ?, contact_number = ?, last_inbound = ?, last_outbound = ?, last_activity = ?,
				preview = ?, preview_out = ?, preview_key = ?, unread = ? WHERE id = ?`, c.accountID, c.contactID, c.contactName, c.contactNumber, c.lastIn, c.lastOut, c.lastAct,
				c.preview, c.previewOut, c.previewKey, c.unread, id); err != nil {
				return nil, nil, fmt.Errorf("update conversation %s: %w", id, err)
			}
			reindex = append(reindex, convReindex{id: id, seq: tc.seq, old: tc.orig.text(), cur: c.text()})
			woke := false
			if tc.snoozed && tc.cur.lastIn > tc.orig.lastIn {
				// The customer wrote: a snoozed conversation wakes (doc.go).
				if woke, err = wakeTx(t.stmtCache, id); err != nil {
					return nil, nil, err
				}
			}
			if woke || tc.cur.listRow() != tc.orig.listRow() {
				changed = append(changed, id)
			}
		}
	}
	// After every row (reindexConversations says why).
	if err := reindexConversations(t, reindex); err != nil {
		return nil, nil, err
	}
	return created, changed, nil
}

// Conversation returns the conversation with that id.
func (s *Store) Conversation(id string) (Conversation, bool, error) {
	var c convRow
	var marked bool
	var snoozed int64
	var reply bool
	err := c.scan(s.db.QueryRow("SELECT "+convCols+", marked_unread, snoozed_until, snooze_reply FROM conversations WHERE id = ?", id), &marked, &snoozed, &reply)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Conversation{}, false, nil
	case err != nil:
		return Conversation{}, false, fmt.Errorf("store: conversation %s: %w", id, err)
	}
	conv := c.conversation()
	conv.MarkedUnread, conv.SnoozedUntil, conv.SnoozeReply = marked, fromNanos(snoozed), reply
	s.rule().judge(&conv)
	return conv, true, nil
}

// ConversationRow is the conversation as a list row (its last message's
// tick and sender, its draft), as ListConversations reads it: what the UI
// puts in place of a row. The engine's own reads take Conversation.
func (s *Store) ConversationRow(id string) (Conversation, bool, error) {
	out, err := s.rowsOf(`SELECT * FROM conversations WHERE id = ?`, "", id)
	if err != nil {
		return Conversation{}, false, fmt.Errorf("store: conversation %s: %w", id, err)
	}
	if len(out) == 0 {
		return Conversation{}, false, nil
	}
	return out[0], true, nil
}

// SetConversationMeta files the conversation and sets its assignee (userID
// or teamID, "" for none), marking its meta as known. A conversation the
// store does not have yet is created with only this. changed reports
// whether the folder or assignee differ from before (or the row is new).
func (s *Store) SetConversationMeta(id string, folder Folder, userID, teamID string) (changed bool, err error) {
	if err := checkMeta(id, folder); err != nil {
		return false, err
	}
	err = s.write("set conversation meta "+id, func(tx *sql.Tx) error {
		changed, err = setConversationMetaTx(tx, id, folder, userID, teamID)
		return err
	})
	return changed, err
}

func checkMeta(id string, folder Folder) error {
	if id == "" {
		return errors.New("store: set conversation meta: empty conversation id")
	}
	if folder != "" && !folder.Valid() {
		return fmt.Errorf("store: set conversation meta %s: unknown folder %q", id, folder)
	}
	return nil
}

// setConversationMetaTx is SetConversationMeta inside a transaction.
func setConversationMetaTx(tx *sql.Tx, id string, folder Folder, userID, teamID string) (changed bool, err error) {
	if folder == "" {
		folder = FolderInbox
	}
	var f, u, tm string
	var known bool
	err = tx.QueryRow("SELECT folder, user_id, team_id, meta_known FROM conversations WHERE id = ?", id).Scan(&f, &u, &tm, &known)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		_, err = tx.Exec(`INSERT INTO conversations(id, folder, user_id, team_id, meta_known) VALUES (?, ?, ?, ?, 1)`,
			id, string(folder), userID, teamID)
		return err == nil, err
	case err != nil:
		return false, err
	}
	changed = f != string(folder) || u != userID || tm != teamID
	if !changed && known {
		return false, nil
	}
	_, err = tx.Exec(`UPDATE conversations SET folder = ?, user_id = ?, team_id = ?, meta_known = 1 WHERE id = ?`,
		string(folder), userID, teamID, id)
	return changed, err
}

// SetConversationTags stores a conversation's tags as the platform has
// them (in its spelling and order; nil for none). An unknown conversation
// is ignored. changed reports whether they differ from before.
func (s *Store) SetConversationTags(id string, tags []string) (changed bool, err error) {
	err = s.write("set conversation tags "+id, func(tx *sql.Tx) error {
		changed, err = setConversationTagsTx(tx, id, tags)
		return err
	})
	return changed, err
}

// setConversationTagsTx is SetConversationTags inside a transaction.
func setConversationTagsTx(tx *sql.Tx, id string, tags []string) (changed bool, err error) {
	res, err := tx.Exec("UPDATE conversations SET tags = ? WHERE id = ? AND tags <> ?", encodeTags(tags), id, encodeTags(tags))
	if err != nil {
		return false, fmt.Errorf("set conversation tags %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// setConversationUnreadTx sets a conversation's unread count to the
// platform's (never below 0). An unknown conversation is skipped.
func setConversationUnreadTx(tx *sql.Tx, id string, n int) (changed bool, err error) {
	n = max(n, 0)
	res, err := tx.Exec("UPDATE conversations SET unread = ? WHERE id = ? AND unread <> ?", n, id, n)
	if err != nil {
		return false, fmt.Errorf("set conversation unread %s: %w", id, err)
	}
	k, err := res.RowsAffected()
	return k > 0, err
}

// SwapConversationMeta is the compare-and-swap of optimistic actions: if
// the stored conversation's folder and assignee are old, it sets them to
// next and reports true; otherwise (changed meanwhile, or no such row) it
// writes nothing. MetaKnown is left as it is, or cleared when forget is
// set (the next sync then reads folder and assignee again). Unlike
// SetConversationMeta it never creates a row and never marks the
// metadata as known: only the platform's answer does that.
func (s *Store) SwapConversationMeta(id string, old, next ConversationMeta, forget bool) (swapped bool, err error) {
	if !next.Folder.Valid() {
		return false, fmt.Errorf("store: swap conversation meta %s: unknown folder %q", id, next.Folder)
	}
	err = s.write("swap conversation meta "+id, func(tx *sql.Tx) error {
		res, err := tx.Exec(`UPDATE conversations SET folder = ?, user_id = ?, team_id = ?,
			meta_known = CASE WHEN ? THEN 0 ELSE meta_known END
			WHERE id = ? AND folder = ? AND user_id = ? AND team_id = ?`,
			string(next.Folder), next.UserID, next.TeamID, forget, id, string(old.Folder), old.UserID, old.TeamID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		swapped = n == 1
		return err
	})
	return swapped, err
}

// ForgetConversationMeta marks the conversation's folder and assignee as
// unknown, so that the next sync reads them from the platform again
// (ConversationsWithoutMeta). Until then they stay as they are.
func (s *Store) ForgetConversationMeta(id string) error {
	return s.write("forget conversation meta "+id, func(tx *sql.Tx) error {
		_, err := tx.Exec("UPDATE conversations SET meta_known = 0 WHERE id = ?", id)
		return err
	})
}

// ConversationsWithoutMeta returns up to limit ids of conversations whose
// folder and assignee were never fetched, most recent activity first.
// "new:" conversations are never among them: the platform does not know
// them by that id.
func (s *Store) ConversationsWithoutMeta(limit int) ([]string, error) {
	if limit <= 0 {
		return nil, nil
	}
	rows, err := s.db.Query(`SELECT id FROM conversations WHERE meta_known = 0 AND id NOT LIKE 'new:%'
		ORDER BY last_activity DESC, id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("store: conversations without meta: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: conversations without meta: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: conversations without meta: %w", err)
	}
	return ids, nil
}

// MarkRead clears the conversation's unread count (and a mark as unread)
// and remembers now as
// the time it was read: later customer messages count as unread, earlier
// ones synced afterwards do not. An unknown conversation is ignored.
func (s *Store) MarkRead(conversationID string, now time.Time) error {
	return s.write("mark read "+conversationID, func(tx *sql.Tx) error {
		_, err := tx.Exec("UPDATE conversations SET unread = 0, marked_unread = 0, read_at = ? WHERE id = ?", toNanos(now), conversationID)
		return err
	})
}

// MarkUnread marks the conversation unread (Conversation.MarkedUnread)
// until it is read again (MarkRead). It is kept here only: no platform
// is told. changed reports whether it was not marked before; an unknown
// conversation is ignored.
func (s *Store) MarkUnread(conversationID string) (changed bool, err error) {
	err = s.write("mark unread "+conversationID, func(tx *sql.Tx) error {
		res, err := tx.Exec("UPDATE conversations SET marked_unread = 1 WHERE id = ? AND marked_unread = 0", conversationID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = n > 0
		return err
	})
	return changed, err
}

// viewQuery is the WHERE clause and arguments selecting v, and the ORDER
// BY listing it. Literal terms (empty strings, the closing-soon comparison) are
// written out so the planner can match the partial indexes.
type viewQuery struct {
	where   string
	args    []any
	order   string
	closing bool
	rescue  bool // ordered by last_inbound DESC, id DESC (rescue.go)
	// counted is where without the snooze term, over conversation_counts.
	counted string
	// uncounted: the conversation_counts table does not hold this view.
	uncounted bool
	unread    bool
	// words: the query's positive free words as one conversations_fts
	// MATCH (every row of the view matches it); byWords: read the rows
	// through it (Store.plan).
	words   string
	byWords bool
	// query: a Query's view, ordered by key (an SQL expression over the
	// row, DESC when desc) then id.
	query bool
	key   string
	desc  bool
	// count, when set, counts the query's rows from conversation_counts
	// (with countArgs).
	count     string
	countArgs []any
}

// table is the FROM of the view's reads of a set of rows: the table,
// with no index but its rowid when the rows are read through the
// query's free words (the planner would otherwise walk a folder's index
// and test every row against the words).
func (q viewQuery) table() string {
	if q.byWords {
		return "conversations NOT INDEXED"
	}
	return "conversations"
}

// Free-word reads (Store.plan): through the words when they match at
// most this many conversations. A count or position visits every row of
// the view: through the words each match costs a rowid lookup (~2 µs),
// through the folder's index each row of the folder a test (~0.2 µs).
// A page stops at its last row: walking the folder's index in order
// finds a common word's rows early, while a rare word's rows are read
// and sorted sooner than the folder is walked.
const (
	wordsDriveCount = 12000
	wordsDriveRows  = 1000
)

// plan is buildView with the access path of a query's free words chosen
// by how many conversations they match (one index read, capped): rows,
// for reads that stop after a page; else for counts and positions.
func (s *Store) plan(v View, rows bool) viewQuery {
	q := buildView(v)
	if q.words == "" {
		return q
	}
	limit := wordsDriveCount
	if rows {
		limit = wordsDriveRows
	}
	var n int
	err := s.db.QueryRow(`SELECT count(*) FROM (SELECT 1 FROM conversations_fts WHERE conversations_fts MATCH ? LIMIT ?)`,
		q.words, limit+1).Scan(&n)
	// On an error the read itself reports it.
	q.byWords = err == nil && n <= limit
	return q
}

// unreadSQL is "something unread or marked unread": the WHERE of the
// partial index conversations_unread (migration 8), written the same in
// every read so that the planner sees the index applies.
const unreadSQL = "(unread > 0 OR marked_unread = 1)"

func buildView(v View) viewQuery {
	if v.Query != nil {
		return compileQuery(v)
	}
	if v.Failed {
		// Every folder: a failed reply is the agent's to settle wherever
		// the conversation is filed. Not in the counts table: counted here.
		return viewQuery{where: "id IN (SELECT conversation_id FROM outbox WHERE state = 'failed')",
			order: "last_activity DESC, id", uncounted: true}
	}
	if v.Snoozed {
		return snoozedView(v.Unread)
	}
	folder := v.Folder
	if folder == "" {
		folder = FolderInbox
	}
	q := viewQuery{where: "folder = ?", args: []any{string(folder)}, order: "last_activity DESC, id"}
	if v.UserID != "" {
		q.where += " AND user_id = ? AND user_id <> ''"
		q.args = append(q.args, v.UserID)
	}
	if v.TeamID != "" {
		q.where += " AND team_id = ? AND team_id <> ''"
		q.args = append(q.args, v.TeamID)
	}
	if v.Unassigned {
		q.where += " AND user_id = '' AND team_id = ''"
	}
	if v.Unread {
		// Literally the WHERE of the partial index conversations_unread.
		q.unread = true
		q.where += " AND " + unreadSQL
	}
	if v.Rescue {
		rescueView(&q, v.Now)
	}
	if v.ClosingSoon {
		q.closing = true
		q.order = "last_inbound, id"
		if v.Now.IsZero() {
			// No clock, no window: nothing is closing.
			q.where += " AND last_inbound >= last_outbound AND 0"
		} else {
			// Expiry = last_inbound + 24h in (now, now+2h), exclusive.
			q.where += " AND last_inbound > ? AND last_inbound < ? AND last_inbound >= last_outbound"
			q.args = append(q.args, toNanos(v.Now.Add(-WindowLength)), toNanos(v.Now.Add(ClosingSoon-WindowLength)))
		}
	}
	// Snoozed conversations leave every view but Snoozed (snooze.go); the
	// counts table files them apart, so the counted WHERE omits this.
	q.counted = q.where
	q.where += " AND snoozed_until = 0"
	return q
}

// countBefore counts the rows of the view before a row, given the row's
// ordering value twice and its id after the view's arguments. It is
// written as a range on the ordering column so that the count walks only
// the part of the index before the row.
func (q viewQuery) countBefore() string {
	if q.closing {
		return "SELECT count(*) FROM " + q.table() + " WHERE " + q.where + " AND last_inbound <= ? AND (last_inbound < ? OR id < ?)"
	}
	if q.rescue {
		return "SELECT count(*) FROM " + q.table() + " WHERE " + q.where + " AND last_inbound >= ? AND (last_inbound > ? OR id > ?)"
	}
	return "SELECT count(*) FROM " + q.table() + " WHERE " + q.where + " AND last_activity >= ? AND (last_activity > ? OR id < ?)"
}

// before counts the rows of a query's view before a row, given the row's
// key twice and its id after the view's arguments.
func (q viewQuery) before() string {
	cmp := "<"
	if q.desc {
		cmp = ">"
	}
	return "SELECT count(*) FROM " + q.table() + " WHERE " + q.where + " AND (" + q.key + " " + cmp + " ? OR (" + q.key + " = ? AND id < ?))"
}

// ListConversations returns the conversations of view v from offset, at
// most limit of them, in the view's order: most recent activity first
// (then id), or for ClosingSoon the window closing first (then id).
func (s *Store) ListConversations(v View, offset, limit int) ([]Conversation, error) {
	if limit <= 0 {
		return nil, nil
	}
	offset = max(offset, 0)
	q := s.plan(v, true)
	if q.query {
		dir := ""
		if q.desc {
			dir = " DESC"
		}
		return s.rowsOf(`SELECT *, `+q.key+` AS qkey FROM `+q.table()+` WHERE `+q.where+` ORDER BY qkey`+dir+`, id LIMIT ? OFFSET ?`,
			"c.qkey"+dir+", c.id", append(q.args, limit, offset)...)
	}
	// The page of the view, then for each row its last message (by
	// preview_key: a platform id, or "local:" and an outbox id) and its
	// draft, each found by a unique index.
	return s.rowsOf(`SELECT * FROM `+q.table()+` WHERE `+q.where+` ORDER BY `+q.order+` LIMIT ? OFFSET ?`,
		qualified("c", q.order), append(q.args, limit, offset)...)
}

// rowsOf reads the conversations the inner query selects as rows of a
// list, each with its last message (by preview_key: a platform id, or
// "local:" and an outbox id) and its draft, each found by a unique index;
// in order (over the alias c) when given.
func (s *Store) rowsOf(inner, order string, args ...any) ([]Conversation, error) {
	query := `SELECT ` + qualified("c", convCols) + `, c.marked_unread, c.snoozed_until, c.snooze_reply,
		coalesce(mi.status, ml.status, 0), coalesce(mi.sender, ml.sender, ''),
		coalesce(mi.local_id, ml.local_id) IS NOT NULL, coalesce(d.text, '')
		FROM (` + inner + `) AS c
		LEFT JOIN messages mi ON mi.id = c.preview_key
		LEFT JOIN messages ml ON substr(c.preview_key, 1, 6) = 'local:' AND ml.local_id = substr(c.preview_key, 7)
		LEFT JOIN drafts d ON d.conversation_id = c.id`
	if order != "" {
		query += ` ORDER BY ` + order
	}
	rows, err := s.db.Query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list conversations: %w", err)
	}
	defer rows.Close()
	out := make([]Conversation, 0, 16)
	var senders []string // the platform's sender of each row's last message
	for rows.Next() {
		var c convRow
		var x Conversation
		var sender, draft string
		var snoozed int64
		if err := c.scan(rows, &x.MarkedUnread, &snoozed, &x.SnoozeReply, &x.PreviewStatus, &sender, &x.PreviewMine, &draft); err != nil {
			return nil, fmt.Errorf("store: list conversations: %w", err)
		}
		conv := c.conversation()
		conv.SnoozedUntil, conv.SnoozeReply = fromNanos(snoozed), x.SnoozeReply
		conv.MarkedUnread, conv.PreviewMine = x.MarkedUnread, x.PreviewMine && conv.PreviewOut
		if conv.PreviewOut {
			conv.PreviewStatus = x.PreviewStatus
		}
		conv.Draft = previewOf(strings.TrimSpace(draft))
		out = append(out, conv)
		senders = append(senders, sender)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list conversations: %w", err)
	}
	rows.Close()
	r := s.rule()
	if err := s.judgeSenders(out, senders, r.me); err != nil {
		return nil, fmt.Errorf("store: list conversations: %w", err)
	}
	for i := range out {
		r.judge(&out[i])
	}
	return out, nil
}

// judgeSenders fills PreviewMine and PreviewBy of the conversations
// whose last message is ours and was not sent from here, by the sender
// the platform named (senders[i], for out[i]) and the one rule
// SenderOwnership: "You" only for the logged-in agent, else the sending
// agent's first name (the user's, or the name's first word).
func (s *Store) judgeSenders(out []Conversation, senders []string, me string) error {
	var users []User
	loaded := false
	for i := range out {
		c, sender := &out[i], strings.TrimSpace(senders[i])
		if !c.PreviewOut || c.PreviewMine || sender == "" {
			continue
		}
		if !loaded {
			var err error
			if users, err = s.Users(); err != nil {
				return err
			}
			loaded = true
		}
		if SenderOwnership(sender, User{ID: me}, users) == OwnerMe {
			c.PreviewMine = true
			continue
		}
		c.PreviewBy = firstName(sender, users)
	}
	return nil
}

// firstName is the first name of the user named name (User.Name), or the
// name's first word when no user has it.
func firstName(name string, users []User) string {
	for _, u := range users {
		if u.Name() == name && strings.TrimSpace(u.FirstName) != "" {
			return strings.TrimSpace(u.FirstName)
		}
	}
	if f := strings.Fields(name); len(f) > 0 {
		return f[0]
	}
	return ""
}

// qualified prefixes each column of a comma-separated list (an ORDER BY
// too) with a table alias: "a, b DESC" → "c.a, c.b DESC".
func qualified(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// CountConversations returns how many conversations view v holds.
func (s *Store) CountConversations(v View) (int, error) {
	q := s.plan(v, false)
	query := "SELECT count(*) FROM " + q.table() + " WHERE " + q.where
	switch {
	case q.count != "":
		query, q.args = q.count, q.countArgs
	case q.closing || q.rescue || q.uncounted || q.query:
		// Counted over the conversations themselves.
	case !q.unread:
		// The same WHERE over the counts table: a few rows to add up.
		query = "SELECT coalesce(sum(n), 0) FROM conversation_counts WHERE " + q.counted
	default:
		// The unread ones of those rows.
		all := v
		all.Unread = false
		q = buildView(all)
		query = "SELECT coalesce(sum(u), 0) FROM conversation_counts WHERE " + q.counted
	}
	var n int
	if err := s.db.QueryRow(query, q.args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count conversations: %w", err)
	}
	return n, nil
}

// IndexOf returns the position of the conversation in ListConversations(v)
// order, or -1 when the view does not hold it.
func (s *Store) IndexOf(v View, conversationID string) (int, error) {
	q := s.plan(v, false)
	idx := -1
	if q.query {
		err := s.read("index of "+conversationID, func(tx *sql.Tx) error {
			var key int64
			err := tx.QueryRow("SELECT "+q.key+" FROM conversations WHERE id = ? AND "+q.where,
				append([]any{conversationID}, q.args...)...).Scan(&key)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				return nil
			case err != nil:
				return err
			}
			return tx.QueryRow(q.before(), append(q.args, key, key, conversationID)...).Scan(&idx)
		})
		if err != nil {
			return -1, err
		}
		return idx, nil
	}
	err := s.read("index of "+conversationID, func(tx *sql.Tx) error {
		var act, in int64
		err := tx.QueryRow("SELECT last_activity, last_inbound FROM conversations WHERE id = ? AND "+q.where,
			append([]any{conversationID}, q.args...)...).Scan(&act, &in)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return nil
		case err != nil:
			return err
		}
		key := act
		if q.closing || q.rescue {
			key = in
		}
		return tx.QueryRow(q.countBefore(), append(q.args, key, key, conversationID)...).Scan(&idx)
	})
	if err != nil {
		return -1, err
	}
	return idx, nil
}

// NextUnread finds the first unread conversation (Conversation.IsUnread)
// after the conversation afterID in view v's order, wrapping to the
// view's first when none follows ("" afterID: from the top). It returns
// its id and index in v, and whether it wrapped; ok is false when v holds
// no unread conversation but afterID itself.
func (s *Store) NextUnread(v View, afterID string) (id string, index int, wrapped, ok bool, err error) {
	uv := v
	uv.Unread = true
	q := s.plan(uv, true)
	err = s.read("next unread", func(tx *sql.Tx) error {
		var act, in int64
		found := false
		if afterID != "" && q.query {
			err := tx.QueryRow("SELECT "+q.key+" FROM conversations WHERE id = ?", afterID).Scan(&act)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			found = err == nil
		} else if afterID != "" {
			err := tx.QueryRow("SELECT last_activity, last_inbound FROM conversations WHERE id = ?", afterID).Scan(&act, &in)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			found = err == nil
		}
		if found {
			after := " AND (last_activity < ? OR (last_activity = ? AND id > ?))"
			key := act
			switch {
			case q.query && q.desc:
				after = " AND (" + q.key + " < ? OR (" + q.key + " = ? AND id > ?))"
			case q.query:
				after = " AND (" + q.key + " > ? OR (" + q.key + " = ? AND id > ?))"
			case q.closing:
				after, key = " AND (last_inbound > ? OR (last_inbound = ? AND id > ?))", in
			}
			if q.rescue {
				after, key = " AND (last_inbound < ? OR (last_inbound = ? AND id < ?))", in
			}
			err := tx.QueryRow("SELECT id FROM "+q.table()+" WHERE "+q.where+after+" ORDER BY "+q.order+" LIMIT 1",
				append(q.args, key, key, afterID)...).Scan(&id)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if id == "" {
			wrapped = found
			err := tx.QueryRow("SELECT id FROM "+q.table()+" WHERE "+q.where+" ORDER BY "+q.order+" LIMIT 1", q.args...).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) || err == nil && id == afterID {
				id = ""
				return nil
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || id == "" {
		return "", -1, false, false, err
	}
	index, err = s.IndexOf(v, id)
	if err != nil || index < 0 {
		return "", -1, false, false, err
	}
	return id, index, wrapped, true, nil
}

// FolderCounts returns how many conversations each folder holds; the three
// folders are always present.
func (s *Store) FolderCounts() (map[Folder]int, error) {
	rows, err := s.db.Query("SELECT folder, sum(n) FROM conversation_counts GROUP BY folder")
	if err != nil {
		return nil, fmt.Errorf("store: folder counts: %w", err)
	}
	defer rows.Close()
	counts := map[Folder]int{FolderInbox: 0, FolderArchive: 0, FolderSpam: 0}
	for rows.Next() {
		var f string
		var n int
		if err := rows.Scan(&f, &n); err != nil {
			return nil, fmt.Errorf("store: folder counts: %w", err)
		}
		counts[Folder(f)] = n
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: folder counts: %w", err)
	}
	return counts, nil
}
