package state

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The full-text tables are external-content FTS5 tables: they hold only
// the index, and removing a row's terms takes the text that was indexed.
// Every write of messages.body and of contacts.name or contacts.digits
// goes with one of these statements, in the same transaction.
const (
	ftsMessageInsert = `INSERT INTO messages_fts(rowid, body) VALUES (?, ?)`
	ftsMessageDelete = `INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', ?, ?)`
	ftsContactInsert = `INSERT INTO contacts_fts(rowid, name, digits) VALUES (?, ?, ?)`
	ftsContactDelete = `INSERT INTO contacts_fts(contacts_fts, rowid, name, digits) VALUES ('delete', ?, ?, ?)`
)

// conversations_fts (migration 9) is contentless: it keeps no text, and
// removing a conversation's entry takes the very text that was indexed.
// Every write of conversations.contact_name, contact_number or preview,
// and every delete of a conversation, goes with reindexConversations in
// the same transaction, given the row's text before and after.
const (
	ftsConvDelete = `INSERT INTO conversations_fts(conversations_fts, rowid, name, digits, preview)
		VALUES ('delete', ?, ?, ?, ?)`
	ftsConvInsert = `INSERT INTO conversations_fts(rowid, name, digits, preview) VALUES (?, ?, ?, ?)`
)

// convText is what conversations_fts holds of a conversation.
type convText struct{ name, number, preview string }

// row is the index row of the text: rowid, name, digits, preview, as
// the index's statements take them. Terminal escape sequences are left
// out of the words (a name "\x1b[1;31mURGENT" is found by "urgent").
func (c convText) row(seq int64) []any {
	return []any{seq, withoutEscapes(c.name), searchDigits(c.number), withoutEscapes(c.preview)}
}

// withoutEscapes is s without its ESC-introduced terminal sequences: CSI
// (ESC [ … final byte), OSC, DCS, SOS, PM and APC strings (to BEL or
// ESC \; of one without, the introducer only), and other two-character
// escapes. Everything else is kept, for the tokenizer to split.
func withoutEscapes(s string) string {
	i := strings.IndexByte(s, 0x1b)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i >= 0 {
		b.WriteString(s[:i])
		s = s[i+1:]
		switch {
		case s == "":
		case s[0] == '[':
			j := 1
			for j < len(s) && s[j] >= 0x20 && s[j] <= 0x3f {
				j++
			}
			if j < len(s) && s[j] >= 0x40 && s[j] <= 0x7e {
				j++
			}
			s = s[j:]
		case strings.IndexByte("]PX^_", s[0]) >= 0:
			// To its BEL or ST; without one, only the introducer goes
			// (the text after it is text).
			j := 1
			for j < len(s) && s[j] != 0x07 && s[j] != 0x1b {
				j++
			}
			switch {
			case j < len(s) && s[j] == 0x07:
				s = s[j+1:]
			case j+1 < len(s) && s[j+1] == '\\':
				s = s[j+2:]
			default:
				s = s[1:]
			}
		default:
			s = s[1:]
		}
		b.WriteByte(' ')
		i = strings.IndexByte(s, 0x1b)
	}
	b.WriteString(s)
	return b.String()
}

// txStmts runs the statements of a write transaction.
type txStmts interface {
	exec(query string, args ...any) (sql.Result, error)
	queryRow(query string, args ...any) scanner
}

// txExec is a plain transaction as txStmts.
type txExec struct{ *sql.Tx }

func (t txExec) exec(query string, args ...any) (sql.Result, error) { return t.Exec(query, args...) }
func (t txExec) queryRow(query string, args ...any) scanner         { return t.QueryRow(query, args...) }

// convReindex is a change of a stored conversation's entry in
// conversations_fts: from old (what it holds, the row as last written) to
// cur; a zero convText is no entry (an empty row has none).
type convReindex struct {
	id       string
	seq      int64 // its rowid when the caller has it, else read here
	old, cur convText
}

// reindexConversations writes the changes, after the conversations rows
// they follow. FTS5 keeps a transaction's terms in memory while its
// writes go in rising rowid order, and writes them out as a new segment
// (merged with others: the costly part) when a rowid goes back or a
// statement transaction begins (a statement that may change several rows
// or fires a trigger). So the changes are written together, in seq
// order, each a one-row VALUES statement: a sync's worth of
// conversations is one segment.
func reindexConversations(x txStmts, changes []convReindex) error {
	// One change per conversation: from its first old to its last cur.
	at := make(map[string]int, len(changes))
	merged := changes[:0:0]
	for _, c := range changes {
		if i, ok := at[c.id]; ok {
			merged[i].cur = c.cur
			continue
		}
		at[c.id] = len(merged)
		merged = append(merged, c)
	}
	changes = slices.DeleteFunc(merged, func(c convReindex) bool { return c.old == c.cur })
	for i := range changes {
		c := &changes[i]
		if c.seq != 0 {
			continue // the caller read it with the row
		}
		if err := x.queryRow("SELECT seq FROM conversations WHERE id = ?", c.id).Scan(&c.seq); err != nil {
			return fmt.Errorf("index conversation %s: %w", c.id, err)
		}
	}
	slices.SortFunc(changes, func(a, b convReindex) int { return cmp.Compare(a.seq, b.seq) })
	for _, c := range changes {
		if c.old != (convText{}) {
			if _, err := x.exec(ftsConvDelete, c.old.row(c.seq)...); err != nil {
				return fmt.Errorf("index conversation %s: %w", c.id, err)
			}
		}
		if c.cur != (convText{}) {
			if _, err := x.exec(ftsConvInsert, c.cur.row(c.seq)...); err != nil {
				return fmt.Errorf("index conversation %s: %w", c.id, err)
			}
		}
	}
	return nil
}

// fillBatch is how many conversations fillConversationsFTS reads at a
// time (a variable for tests).
var fillBatch = 5000

// fillConversationsFTS indexes every stored conversation (migration 9).
func fillConversationsFTS(tx *sql.Tx) error {
	type row struct {
		seq                   int64
		name, number, preview string
	}
	var last int64
	ins, err := tx.Prepare(ftsConvInsert)
	if err != nil {
		return fmt.Errorf("index conversations: %w", err)
	}
	defer ins.Close()
	for {
		// In batches, so that no statement reads while another writes.
		rows, err := tx.Query(`SELECT seq, contact_name, contact_number, preview FROM conversations
			WHERE seq > ? ORDER BY seq LIMIT ?`, last, fillBatch)
		if err != nil {
			return fmt.Errorf("index conversations: %w", err)
		}
		batch, err := collect(rows, "index conversations", func(r *sql.Rows) (row, error) {
			var x row
			err := r.Scan(&x.seq, &x.name, &x.number, &x.preview)
			return x, err
		})
		if err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		for _, x := range batch {
			if x.name == "" && x.number == "" && x.preview == "" {
				continue
			}
			if _, err := ins.Exec(convText{x.name, x.number, x.preview}.row(x.seq)...); err != nil {
				return fmt.Errorf("index conversations: %w", err)
			}
		}
		last = batch[len(batch)-1].seq
	}
}

// maxQueryWords is how many words of a search are used; people type a
// handful, and each word is an index lookup.
const maxQueryWords = 16

// queryMode is how ftsQuery reads a search.
type queryMode int

const (
	// messageQuery: the last word is a prefix when it has at least
	// minMessagePrefix characters. A shorter prefix matches a large part of
	// the vocabulary and FTS5 merges every matching term's list before
	// returning a row (130 ms for one letter over a million messages).
	messageQuery queryMode = iota
	// contactQuery: every word is a prefix, and a word of digits and phone
	// punctuation is reduced to its digits without leading zeros, so that
	// "111-123" finds "+447902111123" and a national "07902…" the E.164
	// "+447902…" (see searchDigits).
	contactQuery
	// conversationQuery: a query's free words over conversations_fts.
	// As contactQuery, but a word of one character matches only itself:
	// as a prefix it would merge the lists of a good part of the
	// vocabulary (70 ms for "a" over 100k previews).
	conversationQuery
)

// minConversationPrefix is the shortest word conversationQuery matches as
// a prefix.
const minConversationPrefix = 2

// minMessagePrefix is the shortest last word a message search matches as
// a prefix.
const minMessagePrefix = 3

// ftsQuery turns words a person typed into an FTS5 query that matches
// rows holding every word. User input is never FTS5 syntax: each word is a
// quoted string (quotes doubled), so AND, OR, NOT, NEAR(, column filters,
// ^, - and * are plain text. Control characters and invalid UTF-8 count as
// spaces; words with no letter or digit (punctuation, emoji) are dropped,
// since the tokenizer would make nothing of them; at most maxQueryWords
// words are kept. Which words match as prefixes depends on mode. An empty
// result means "match nothing": callers must not run it.
func ftsQuery(q string, mode queryMode) string {
	q = strings.ToValidUTF8(q, " ")
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Zs, r) {
			return ' '
		}
		return r
	}, q)
	// words are the terms; as[i], when set, is the word as typed, which
	// a conversation's last message may hold ("2024-05-01", "1.5") where
	// the number's digits are words[i].
	var words, as []string
	for _, w := range strings.Fields(q) {
		if !hasTokenChar(w) {
			continue
		}
		typed := ""
		if mode != messageQuery && isPhoneWord(w) {
			typed, w = w, strings.TrimLeft(onlyDigits(w), "0")
			if mode != conversationQuery || typed == w {
				typed = ""
			}
			if w == "" && typed == "" {
				continue
			}
		}
		words, as = append(words, w), append(as, typed)
		if len(words) == maxQueryWords {
			break
		}
	}
	var b strings.Builder
	term := func(w string, last bool) {
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(w, `"`, `""`))
		b.WriteByte('"')
		switch n := utf8.RuneCountInString(w); {
		case mode == contactQuery,
			mode == conversationQuery && n >= minConversationPrefix,
			mode == messageQuery && last && n >= minMessagePrefix:
			b.WriteByte('*')
		}
	}
	for i, w := range words {
		switch {
		case i > 0 && mode == conversationQuery:
			b.WriteString(" AND ") // FTS5 takes no implied AND before a parenthesis
		case i > 0:
			b.WriteByte(' ')
		}
		last := i == len(words)-1
		switch {
		case as[i] == "":
			term(w, last)
		case w == "": // only zeros: the typed word alone
			term(as[i], last)
		default:
			b.WriteByte('(')
			term(w, last)
			b.WriteString(" OR ")
			term(as[i], last)
			b.WriteByte(')')
		}
	}
	return b.String()
}

// hasTokenChar reports whether w holds a character the unicode61
// tokenizer keeps (letters, numbers, private use).
func hasTokenChar(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r) {
			return true
		}
	}
	return false
}

// onlyDigits returns the ASCII digits of s.
func onlyDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

// isPhoneWord reports whether w is digits and phone punctuation only.
func isPhoneWord(w string) bool {
	digit := false
	for _, r := range w {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case strings.ContainsRune("+-().", r):
		default:
			return false
		}
	}
	return digit
}

// snippetTokens is how many tokens a search snippet shows.
const snippetTokens = 12

// searchMessagesSQL finds a page of matches, newest first, with a plain
// snippet: no markers around the matched words, "…" where text is cut.
var searchMessagesSQL = `SELECT ` + msgColsM + `, snippet(messages_fts, 0, '', '', '…', ` + fmt.Sprint(snippetTokens) + `)
	FROM messages_fts JOIN messages m ON m.seq = messages_fts.rowid
	WHERE messages_fts MATCH ? ORDER BY messages_fts.rowid DESC LIMIT ?`

// SearchMessages returns up to limit messages matching every word of q
// (the last one as a prefix, from three letters), newest first (to the
// millisecond), with the conversation each is in and a one-line
// plain-text excerpt around the match.
func (s *Store) SearchMessages(q string, limit int) ([]SearchHit, error) {
	fq := ftsQuery(q, messageQuery)
	if fq == "" || limit <= 0 {
		return nil, nil
	}
	var hits []SearchHit
	err := s.read("search messages", func(tx *sql.Tx) error {
		// Rowids are time-ordered (see seqSlots): FTS5 walks its index
		// newest first and stops after limit rows, making snippets for
		// those alone, however many messages match.
		rows, err := tx.Query(searchMessagesSQL, fq, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var snip string
			m, err := scanMessage(rows, &snip)
			if err != nil {
				return err
			}
			hits = append(hits, SearchHit{Message: m, Snippet: strings.Join(strings.Fields(snip), " ")})
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		st, err := tx.Prepare("SELECT " + convCols + " FROM conversations WHERE id = ?")
		if err != nil {
			return err
		}
		defer st.Close()
		if err := markMine(tx, hits); err != nil {
			return err
		}
		convs := map[string]Conversation{}
		for i := range hits {
			id := hits[i].Message.ConversationID
			c, ok := convs[id]
			if !ok {
				var r convRow
				err := r.scan(st.QueryRow(id))
				switch {
				case errors.Is(err, sql.ErrNoRows):
					c = Conversation{ID: id, AccountID: hits[i].Message.AccountID, ContactID: hits[i].Message.ContactID}
				case err != nil:
					return err
				default:
					c = r.conversation()
				}
				convs[id] = c
			}
			hits[i].Conversation = c
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r := s.rule()
	for i := range hits {
		r.judge(&hits[i].Conversation)
	}
	return hits, nil
}

// SearchContacts returns up to limit contacts whose name or number holds
// every word of q as a prefix (for numbers: any run of digits, so a part
// of the number typed with or without + or country code finds it), best
// match first, or the newest first when there are too many to rank
// within a frame (searchContacts, contacts.go).
func (s *Store) SearchContacts(q string, limit int) ([]Contact, error) {
	return s.SearchContactsContext(context.Background(), q, limit)
}

// SearchContactsContext is SearchContacts that stops when ctx ends (the
// agent typed another key: this search is no longer wanted).
func (s *Store) SearchContactsContext(ctx context.Context, q string, limit int) ([]Contact, error) {
	return s.searchContacts(ctx, q, limit)
}

// markMine sets Mine on the outbound hits the logged-in agent sent: from
// here (a local id), or provably theirs by the sender's name.
func markMine(tx *sql.Tx, hits []SearchHit) error {
	own := map[string]bool{}
	for i := range hits {
		m := &hits[i].Message
		if m.Direction != Outbound {
			continue
		}
		if m.LocalID != "" {
			hits[i].Mine = true
			continue
		}
		mine, ok := own[m.Sender]
		if !ok {
			o, err := senderOwnership(tx, m.Sender)
			if err != nil {
				return err
			}
			mine = o == OwnerMe
			own[m.Sender] = mine
		}
		hits[i].Mine = mine
	}
	return nil
}

// searchConvLimit is the most conversations a search finds by their
// contact's name or number: the agent is looking for one customer.
const searchConvLimit = 20

// PhoneQuery reports whether q is a phone number written any way —
// digits with spaces, dashes, dots, parentheses and a leading + — and
// returns its digits without the international prefix (+ or 00) or a
// national 0: "+44 7838 788897", "0044 7838-788897" and "(07838) 788897"
// give "447838788897", "447838788897" and "7838788897".
func PhoneQuery(q string) (string, bool) {
	if !isPhoneWord(strings.ReplaceAll(strings.TrimSpace(q), " ", "")) {
		return "", false
	}
	d := strings.TrimLeft(onlyDigits(q), "0")
	return d, d != ""
}

// Search is what the agent's / finds, in this order:
//
//  1. Conversations whose contact's name or number matches q, by the
//     contacts search's rules (SearchContacts: every word a prefix of the
//     name or of a run of the number's digits), best first. A query that
//     is only a phone number, written any way (PhoneQuery), is one run of
//     digits: numbers ending with it come first ("7838788897" and
//     "+44 7838 788897" find +447838788897), then those holding it.
//  2. Messages holding every word (SearchMessages), newest first, up to
//     limit in all.
//
// Each conversation appears once among the first; ctx ends the search
// (the agent typed on: it is no longer wanted).
func (s *Store) Search(ctx context.Context, q string, limit int) ([]SearchHit, error) {
	if limit <= 0 {
		return nil, nil
	}
	cq := q
	digits, phone := PhoneQuery(q)
	if phone {
		cq = digits
	}
	contacts, err := s.searchContacts(ctx, cq, min(limit, searchConvLimit))
	if err != nil {
		return nil, err
	}
	if phone { // suffix matches first, the contacts search's order kept within each part
		slices.SortStableFunc(contacts, func(a, b Contact) int {
			return cmp.Compare(suffixRank(a.Number, digits), suffixRank(b.Number, digits))
		})
	}
	hits, err := s.conversationsOf(contacts)
	if err != nil {
		return nil, err
	}
	if n := min(limit, searchConvLimit) - len(hits); n > 0 && !phone {
		if hits, err = s.moreByName(ctx, q, hits, n); err != nil {
			return nil, err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	msgs, err := s.SearchMessages(q, limit-len(hits))
	if err != nil {
		return nil, err
	}
	return append(hits, msgs...), nil
}

// moreByName adds to hits up to n conversations whose contact name
// matches q in conversations_fts and that hits lack, most recent first:
// names the contacts index cannot find (it holds them as written, so a
// name wrapped in terminal escapes is one odd word there) and
// conversations whose contact the store has no row for.
func (s *Store) moreByName(ctx context.Context, q string, hits []SearchHit, n int) ([]SearchHit, error) {
	m := ftsQuery(q, conversationQuery) // a one-letter word whole: as a prefix it costs 70 ms
	if m == "" {
		return hits, nil
	}
	have := make(map[string]bool, 2*len(hits)) // conversations, and contacts (one conversation each)
	for _, h := range hits {
		have[h.Conversation.ID] = true
		have["contact:"+h.Conversation.ContactID] = h.Conversation.ContactID != ""
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+convCols+` FROM conversations
		WHERE seq IN (SELECT rowid FROM conversations_fts WHERE conversations_fts MATCH ?)
		ORDER BY last_activity DESC, id LIMIT ?`, "name : ("+m+")", n+len(hits))
	if err != nil {
		return nil, fmt.Errorf("store: search names: %w", err)
	}
	found, err := scanAll(rows, func(r *sql.Rows) (convRow, error) {
		var c convRow
		return c, c.scan(r)
	})
	if err != nil {
		return nil, fmt.Errorf("store: search names: %w", err)
	}
	r := s.rule()
	for _, c := range found {
		conv := c.conversation()
		if have[conv.ID] || have["contact:"+conv.ContactID] || n == 0 {
			continue
		}
		have[conv.ID], have["contact:"+conv.ContactID] = true, conv.ContactID != ""
		r.judge(&conv)
		hits = append(hits, SearchHit{Conversation: conv, ByContact: true})
		n--
	}
	return hits, nil
}

// suffixRank is 0 when number's digits end with digits, else 1.
func suffixRank(number, digits string) int {
	if strings.HasSuffix(onlyDigits(number), digits) {
		return 0
	}
	return 1
}

// conversationsOf returns a hit for the latest conversation with each
// contact, in the contacts' order; contacts without one are left out.
func (s *Store) conversationsOf(contacts []Contact) ([]SearchHit, error) {
	if len(contacts) == 0 {
		return nil, nil
	}
	var hits []SearchHit
	err := s.read("search conversations", func(tx *sql.Tx) error {
		hits = hits[:0]
		st, err := tx.Prepare("SELECT " + convCols + ` FROM conversations WHERE contact_id = ?
			ORDER BY (account_id = ?) DESC, last_activity DESC, id LIMIT 1`)
		if err != nil {
			return err
		}
		defer st.Close()
		seen := map[string]bool{}
		for _, c := range contacts {
			var r convRow
			err := r.scan(st.QueryRow(c.ID, c.AccountID))
			switch {
			case errors.Is(err, sql.ErrNoRows):
				continue
			case err != nil:
				return err
			}
			conv := r.conversation()
			if seen[conv.ID] {
				continue
			}
			seen[conv.ID] = true
			hits = append(hits, SearchHit{Conversation: conv, ByContact: true})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	r := s.rule()
	for i := range hits {
		r.judge(&hits[i].Conversation)
	}
	return hits, nil
}
