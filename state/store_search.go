package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
)

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
	var words []string
	for _, w := range strings.Fields(q) {
		if !hasTokenChar(w) {
			continue
		}
		if mode == contactQuery && isPhoneWord(w) {
			w = strings.TrimLeft(onlyDigits(w), "0")
			if w == "" {
				continue
			}
		}
		words = append(words, w)
		if len(words) == maxQueryWords {
			break
		}
	}
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(w, `"`, `""`))
		b.WriteByte('"')
		last := i == len(words)-1
		if mode == contactQuery || last && utf8.RuneCountInString(w) >= minMessagePrefix {
			b.WriteByte('*')
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
