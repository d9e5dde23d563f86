package state

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Contacts: creating one, and editing its tags, on a platform that allows
// it (ContactEditor; creating needs only CreateContact and
// ContactByNumber). Everything the agent types is checked here, before
// any request (see doc.go).

const (
	// MaxContactName is the longest contact name the platform takes, in
	// characters.
	MaxContactName = 255
	// MaxTagLength is the longest tag the platform takes, in characters.
	MaxTagLength = 50
	// MaxTags is how many tags a contact may have.
	MaxTags = 20
)

// ContactExistsError is the platform's answer to a new contact whose
// number the account already has: Existing is that contact, to open
// instead.
type ContactExistsError struct{ Existing Contact }

func (e *ContactExistsError) Error() string {
	label := strings.TrimSpace(SanitizeLine(e.Existing.Label()))
	if label == "" {
		label = "another contact"
	}
	return label + " already has this number in this account: open that contact instead"
}

// CheckContactName trims a contact name the agent typed and checks it:
// not empty, one line of ordinary characters (no control characters, no
// bidirectional overrides), at most MaxContactName characters.
func CheckContactName(name string) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", &InputError{"the contact needs a name"}
	case !utf8.ValidString(name):
		return "", &InputError{"the name is not valid text: type it again"}
	case !cleanLine(name):
		return "", &InputError{"the name has a control character (a tab, a line break or an escape): type it on one line"}
	}
	if n := utf8.RuneCountInString(name); n > MaxContactName {
		return "", &InputError{fmt.Sprintf("the name is %d characters long: at most %d are allowed", n, MaxContactName)}
	}
	return name, nil
}

// cleanLine reports whether text typed here for the platform (a name, a
// tag) is one line the sanitizer would draw unchanged: no control,
// separator, bidi or invisible formatting character. One rule, the
// sanitizer's, for what is shown and what may be sent.
func cleanLine(s string) bool { return SanitizeLine(s) == s }

// NormalizeTags cleans the tags the agent typed: each trimmed, empty ones
// dropped, duplicates that differ only in letter case dropped (the first
// spelling kept); each at most MaxTagLength characters with no control
// character, at most MaxTags of them. The result is never nil.
func NormalizeTags(tags []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for _, t := range tags {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if !cleanLine(t) {
			return nil, &InputError{fmt.Sprintf("tag %q has a control character: type it on one line", truncateRunes(SanitizeLine(t), 19))}
		}
		if n := utf8.RuneCountInString(t); n > MaxTagLength {
			return nil, &InputError{fmt.Sprintf("tag %q is %d characters long: at most %d are allowed", truncateRunes(t, 19), n, MaxTagLength)}
		}
		key := strings.ToLower(t)
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, &InputError{fmt.Sprintf("%d tags: a contact may have at most %d", len(out), MaxTags)}
	}
	return out, nil
}

// CreateContact adds a contact to the platform and the store. c.AccountID
// is required; the name is trimmed and checked (CheckContactName) and the
// number normalised to E.164 (NormalizeNumber) before any request; tags
// are cleaned (NormalizeTags). A number the account already has is a
// *ContactExistsError carrying that contact, from the store or else from
// the platform (and then stored too), for the agent to open instead.
// Other failures are *InputError or the Backend's errors.
func (e *Engine) CreateContact(ctx context.Context, c Contact) (Contact, error) {
	c.AccountID = strings.TrimSpace(c.AccountID)
	if c.AccountID == "" {
		return Contact{}, &InputError{"choose the account the contact belongs to"}
	}
	var err error
	if c.Name, err = CheckContactName(c.Name); err != nil {
		return Contact{}, err
	}
	if c.Number, err = NormalizeNumber(c.Number); err != nil {
		return Contact{}, err
	}
	if c.Tags, err = NormalizeTags(c.Tags); err != nil {
		return Contact{}, err
	}
	c.Email = strings.TrimSpace(c.Email)
	c.ID = ""
	be, ok := e.be.(contactCreator)
	if !ok {
		return Contact{}, e.errNoCapability("add contacts from mbx")
	}
	e.touch()
	got, err := be.CreateContact(ctx, c)
	switch KindOf(err) {
	case 0:
		if err != nil {
			return Contact{}, err
		}
	case KindConflict:
		return Contact{}, e.existingContact(ctx, c.AccountID, c.Number, err)
	case KindAmbiguous:
		// The answer was lost: the contact may have been created. If the
		// platform has it, it was (a number taken before would have been
		// a conflict, unless someone else just created it).
		ex, ok, lerr := be.ContactByNumber(ctx, c.AccountID, c.Number)
		if lerr != nil || !ok {
			return Contact{}, err
		}
		if ex.Name != c.Name {
			return Contact{}, e.existingContact(ctx, c.AccountID, c.Number, err)
		}
		got = ex
	default:
		return Contact{}, err
	}
	if got.ID == "" {
		return Contact{}, fmt.Errorf("the platform created the contact without an id")
	}
	got = filledContact(got, c)
	if err := e.storeContact(got); err != nil {
		return got, err
	}
	return got, nil
}

// existingContact is the answer to a duplicate number: the contact that
// has it, from the store, else from the platform; conflict itself when
// neither can say.
func (e *Engine) existingContact(ctx context.Context, accountID, number string, conflict error) error {
	if ex, ok, err := e.store.ContactByNumber(accountID, number); err == nil && ok {
		return &ContactExistsError{Existing: ex}
	}
	be, ok := e.be.(contactCreator)
	if !ok {
		return conflict
	}
	ex, ok, err := be.ContactByNumber(ctx, accountID, number)
	if err != nil || !ok {
		if err != nil {
			e.log.Info("contacts: looking up a duplicate number", "err", err)
		}
		return conflict
	}
	ex = filledContact(ex, Contact{AccountID: accountID, Number: number})
	if err := e.storeContact(ex); err != nil {
		e.log.Error("contacts: storing the existing contact", "err", err)
	}
	return &ContactExistsError{Existing: ex}
}

// SetContactTags replaces a contact's tags (cleaned by NormalizeTags) on
// the platform and in the store; its other fields are sent as the
// platform has them (read just before, as the store may not know the
// contact's email), or as the store has them when the platform cannot find
// it by its number.
func (e *Engine) SetContactTags(ctx context.Context, contactID string, tags []string) (Contact, error) {
	tags, err := NormalizeTags(tags)
	if err != nil {
		return Contact{}, err
	}
	be, ok := e.be.(contactUpdater)
	if !ok {
		return Contact{}, e.errNoCapability("edit contacts from mbx")
	}
	c, ok, err := e.store.Contact(contactID)
	if err != nil {
		return Contact{}, err
	}
	if !ok {
		return Contact{}, &InputError{"this contact is not in mbx yet: wait for the next sync and try again"}
	}
	e.touch()
	if cur, ok, err := be.ContactByNumber(ctx, c.AccountID, c.Number); err != nil {
		return Contact{}, err
	} else if ok && cur.ID == c.ID {
		c = filledContact(cur, c)
	}
	c.Tags = tags
	got, err := be.UpdateContact(ctx, c)
	if err != nil {
		return Contact{}, err
	}
	got = filledContact(got, c)
	if err := e.storeContact(got); err != nil {
		return got, err
	}
	return got, nil
}

// filledContact is got with the identifying fields it lacks taken from
// sent.
func filledContact(got, sent Contact) Contact {
	got.ID = orStr(got.ID, sent.ID)
	got.AccountID = orStr(got.AccountID, sent.AccountID)
	got.Number = orStr(got.Number, sent.Number)
	got.Name = orStr(got.Name, sent.Name)
	if got.Tags == nil {
		got.Tags = sent.Tags
	}
	return got
}

// storeContact writes a contact the platform answered with and tells
// subscribers.
func (e *Engine) storeContact(c Contact) error {
	renamed, err := e.store.upsertFullContacts([]Contact{c})
	if err != nil {
		return err
	}
	e.bus.publish(Changes{Reference: true, Conversations: idSet(renamed), List: len(renamed) > 0})
	return nil
}

// Searching contacts as the agent types (the contacts panel: one search
// per key, each cancelled by the next). It must answer within a frame at
// any size, so what it costs is bounded:
//
//   - A short run of digits (under indexedRun digits: "4", "447", "7902")
//     is the costly case for the full-text index, whose number tokens are
//     every suffix of every number: its prefix expands to tens of thousands
//     of tokens. Such a run is a substring test on the number's digits
//     instead: among the scanWindow newest contacts first, which is enough
//     when the run is common (it then fills the list); a run too rare for
//     that is cheap for the index, which is asked next.
//   - Words (and longer runs) go to the full-text index as prefixes. Up to
//     rankCap matches are ranked by relevance (bm25, the name counting four
//     times the number, then by name); beyond that the ranking would cost
//     more than a frame and mean little ("m" matches a sixth of the
//     contacts), so the newest matching contacts come first.
const (
	indexedRun = 5
	scanWindow = 2000
	rankCap    = 300
)

// contactSearchWords splits what the agent typed as ftsQuery does for
// contacts: each word an FTS5 prefix term (quoted), except short runs of
// digits, returned apart. Words of digits and phone punctuation are
// reduced to their digits without leading zeros.
func contactSearchWords(q string) (terms, runs []string) {
	q = strings.ToValidUTF8(q, " ")
	q = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Zs, r) {
			return ' '
		}
		return r
	}, q)
	for _, w := range strings.Fields(q) {
		if len(terms)+len(runs) == maxQueryWords {
			break
		}
		if !hasTokenChar(w) {
			continue
		}
		if isPhoneWord(w) {
			if w = strings.TrimLeft(onlyDigits(w), "0"); w == "" {
				continue
			}
			if len(w) < indexedRun {
				runs = append(runs, w)
				continue
			}
		}
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"*`)
	}
	return terms, runs
}

// searchContacts is SearchContactsContext (see above for its costs).
func (s *Store) searchContacts(ctx context.Context, q string, limit int) ([]Contact, error) {
	terms, runs := contactSearchWords(q)
	if len(terms)+len(runs) == 0 || limit <= 0 {
		return nil, nil
	}
	if len(terms) == 0 {
		where, args := runFilter(runs)
		cs, err := s.queryContacts(ctx, `SELECT `+contactCols+` FROM (SELECT * FROM contacts ORDER BY seq DESC LIMIT ?) c
			WHERE 1`+where+` ORDER BY c.seq DESC LIMIT ?`, append(append([]any{scanWindow}, args...), limit)...)
		if err != nil || len(cs) == limit {
			return cs, err
		}
		// Too rare among the newest to fill the list: the longest run
		// (the rarest, as a rule, so a cheap prefix) through the index,
		// the others as filters.
		longest := 0
		for i, r := range runs {
			if len(r) > len(runs[longest]) {
				longest = i
			}
		}
		terms = []string{`"` + runs[longest] + `"*`}
		runs = append(runs[:longest:longest], runs[longest+1:]...)
	}
	// One pass over the matches, newest first, at most rankCap+1 of them:
	// their relevance, name and id, to rank them here when they are few.
	where, args := runFilter(runs)
	rows, err := s.db.QueryContext(ctx, `SELECT f.rowid, bm25(contacts_fts, 4.0, 1.0), c.name, c.id
		FROM contacts_fts f JOIN contacts c ON c.seq = f.rowid
		WHERE contacts_fts MATCH ?`+where+` ORDER BY f.rowid DESC LIMIT ?`,
		append(append([]any{strings.Join(terms, " ")}, args...), rankCap+1)...)
	if err != nil {
		return nil, fmt.Errorf("store: search contacts: %w", err)
	}
	type hit struct {
		seq      int64
		score    float64
		name, id string
	}
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.seq, &h.score, &h.name, &h.id); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: search contacts: %w", err)
		}
		hits = append(hits, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search contacts: %w", err)
	}
	if len(hits) <= rankCap { // few enough to rank: best first, then by name (as NOCASE) and id
		slices.SortFunc(hits, func(a, b hit) int {
			return cmp.Or(cmp.Compare(a.score, b.score), cmp.Compare(asciiLower(a.name), asciiLower(b.name)), cmp.Compare(a.id, b.id))
		})
	} // else too many to rank within a frame: the newest
	hits = hits[:min(limit, len(hits))]
	if len(hits) == 0 {
		return nil, nil
	}
	seqs := make([]any, len(hits))
	pos := make(map[int64]int, len(hits))
	for i, h := range hits {
		seqs[i], pos[h.seq] = h.seq, i
	}
	rows, err = s.db.QueryContext(ctx, `SELECT `+contactCols+`, c.seq FROM contacts c WHERE c.seq IN (?`+
		strings.Repeat(", ?", len(seqs)-1)+`)`, seqs...)
	if err != nil {
		return nil, fmt.Errorf("store: search contacts: %w", err)
	}
	defer rows.Close()
	out := make([]Contact, len(hits))
	for rows.Next() {
		var seq int64
		c, err := scanContact(rows, &seq)
		if err != nil {
			return nil, fmt.Errorf("store: search contacts: %w", err)
		}
		out[pos[seq]] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search contacts: %w", err)
	}
	return slices.DeleteFunc(out, func(c Contact) bool { return c.ID == "" }), nil // one deleted meanwhile
}

// runFilter is the SQL condition that the contact's number holds every
// run of digits, and its arguments.
func runFilter(runs []string) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, len(runs))
	for _, r := range runs {
		b.WriteString(" AND instr(c.digits, ?) > 0")
		args = append(args, r)
	}
	return b.String(), args
}

// queryContacts reads the contacts a query selects (contactCols).
func (s *Store) queryContacts(ctx context.Context, query string, args ...any) ([]Contact, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search contacts: %w", err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		c, err := scanContact(rows)
		if err != nil {
			return nil, fmt.Errorf("store: search contacts: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: search contacts: %w", err)
	}
	return out, nil
}

// asciiLower folds ASCII letters only, as SQLite's NOCASE does.
func asciiLower(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}
