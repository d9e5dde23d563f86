package state

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The query language: one parser for every place a set of conversations
// is chosen (sections, `mbx list --query`, the / filter). The grammar is
// in doc.go. ParseQuery makes the syntax tree and checks each value;
// buildView compiles it to a WHERE clause over the conversations table
// with every value a parameter, at the moment of each read (so that
// window: and waiting: follow View.Now).

// Query is a parsed query: terms that must all hold, in the order
// written, and the order its conversations are listed in.
type Query struct {
	src   string
	terms []QueryTerm
	sort  QuerySort
}

// QueryTerm is one word of a query: key:value, or a free word (Key "").
type QueryTerm struct {
	Pos   int    // byte offset of the word (its '-' included) in the query
	Word  string // the word as written
	Neg   bool   // written with a leading '-'
	Key   string // folder, status, …; "" for a free word
	Value string // the value, unquoted; for assignee:@name the name
	At    bool   // assignee:@name
	Op    byte   // waiting: '>' or '<', or 0 for yes/no
	Dur   time.Duration
}

// QuerySort is the order of a query's conversations.
type QuerySort int

const (
	SortActivity QuerySort = iota // most recent activity first (the views' order)
	SortWindow                    // open windows closing first, then the closed by activity
	SortWaiting                   // longest-waiting customer first, then the rest by activity
)

// ParseQuerySort reads a sort name: "" or activity, window, waiting.
func ParseQuerySort(s string) (QuerySort, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "activity":
		return SortActivity, nil
	case "window":
		return SortWindow, nil
	case "waiting":
		return SortWaiting, nil
	}
	return 0, fmt.Errorf("sort %q: want window, waiting or activity", s)
}

// QueryError is a query that does not parse: the word at fault, where it
// starts, and what would be valid there.
type QueryError struct {
	Pos  int // byte offset of the word in the query
	Word string
	Msg  string
}

func (e *QueryError) Error() string {
	return fmt.Sprintf("query: %q at column %d: %s", Sanitize(e.Word), e.Pos+1, e.Msg)
}

// queryKeys are the keys, in the order error messages list them.
var queryKeys = []string{"folder", "status", "assignee", "team", "tag", "window", "unread", "waiting", "account", "snoozed"}

// ParseQuery parses a query. An empty query (only spaces) selects the
// inbox, as the Inbox view does.
func ParseQuery(src string) (*Query, error) {
	q := &Query{src: src}
	i := 0
	for {
		for i < len(src) && isQuerySpace(src[i]) {
			i++
		}
		if i >= len(src) {
			return q, nil
		}
		t, next, err := parseTerm(src, i)
		if err != nil {
			return nil, err
		}
		q.terms = append(q.terms, t)
		i = next
	}
}

func isQuerySpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// wordEnd is where the word starting at i ends: at a space outside quotes.
func wordEnd(src string, i int) int {
	quoted := false
	for ; i < len(src); i++ {
		switch {
		case src[i] == '"':
			quoted = !quoted
		case !quoted && isQuerySpace(src[i]):
			return i
		}
	}
	return i
}

func parseTerm(src string, start int) (QueryTerm, int, error) {
	end := wordEnd(src, start)
	word := src[start:end]
	t := QueryTerm{Pos: start, Word: word}
	fail := func(format string, a ...any) (QueryTerm, int, error) {
		return QueryTerm{}, 0, &QueryError{Pos: start, Word: word, Msg: fmt.Sprintf(format, a...)}
	}
	if !utf8.ValidString(word) {
		return fail("not valid UTF-8")
	}
	rest := word
	if strings.HasPrefix(rest, "-") {
		t.Neg, rest = true, rest[1:]
		if rest == "" {
			return fail("a '-' needs a word after it, as in -assignee:none")
		}
	}
	// key: letters then ':'; anything else is a free word.
	k := 0
	for k < len(rest) && (rest[k] >= 'a' && rest[k] <= 'z' || rest[k] >= 'A' && rest[k] <= 'Z') {
		k++
	}
	if k > 0 && k < len(rest) && rest[k] == ':' {
		t.Key, rest = strings.ToLower(rest[:k]), rest[k+1:]
		known := false
		for _, key := range queryKeys {
			known = known || key == t.Key
		}
		if !known {
			return fail("unknown key %s: (keys: %s; quote a word with a colon)", t.Key, strings.Join(queryKeys, ", "))
		}
	}
	if t.Key == "assignee" && strings.HasPrefix(rest, "@") {
		t.At, rest = true, rest[1:]
	}
	v, err := unquote(rest)
	if err != "" {
		return fail("%s", err)
	}
	t.Value = v
	if t.Key == "" {
		if strings.TrimSpace(v) == "" {
			return fail("an empty word")
		}
		return t, end, nil
	}
	if strings.TrimSpace(v) == "" {
		return fail("%s: needs a value (%s)", t.Key, validValues(t.Key))
	}
	lv := strings.ToLower(v)
	ok := true
	switch t.Key {
	case "folder":
		ok = lv == "inbox" || lv == "archive" || lv == "spam" || lv == "any"
	case "status":
		ok = lv == "open" || lv == "resolved"
	case "window":
		ok = lv == "open" || lv == "closing" || lv == "closed"
	case "unread":
		ok = lv == "yes" || lv == "no"
	case "snoozed":
		ok = lv == "yes" || lv == "no" || lv == "any"
	case "assignee":
		if !t.At && (lv == "me" || lv == "none") {
			t.Value = lv
		}
	case "team":
		if lv == "none" {
			t.Value = lv
		}
	case "waiting":
		switch {
		case lv == "yes" || lv == "no":
		case lv[0] == '>' || lv[0] == '<':
			d, perr := parseQueryDuration(lv[1:])
			if perr != nil {
				return fail("waiting: wants yes, no, >D or <D with D like 30m, 2h, 1h30m or 2d")
			}
			t.Op, t.Dur = lv[0], d
		default:
			ok = false
		}
	}
	if !ok {
		return fail("%s: is %s", t.Key, validValues(t.Key))
	}
	if t.Key == "folder" || t.Key == "status" || t.Key == "window" || t.Key == "unread" || t.Key == "waiting" || t.Key == "snoozed" {
		t.Value = lv
	}
	return t, end, nil
}

func validValues(key string) string {
	switch key {
	case "folder":
		return "inbox, archive, spam or any"
	case "status":
		return "open or resolved"
	case "assignee":
		return "me, none or @name"
	case "team":
		return "none or a team's name"
	case "tag":
		return "a tag"
	case "window":
		return "open, closing or closed"
	case "unread":
		return "yes or no"
	case "waiting":
		return "yes, no, >D or <D (D like 30m, 2h, 2d)"
	case "account":
		return "an account's name, id or number"
	case "snoozed":
		return "yes, no or any"
	}
	return "a value"
}

// unquote reads a value: plain, or in double quotes (the whole value;
// no escapes inside). It returns an error text when the quotes are not
// one pair around the value.
func unquote(s string) (string, string) {
	if !strings.Contains(s, `"`) {
		return s, ""
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' && !strings.Contains(s[1:len(s)-1], `"`) {
		return s[1 : len(s)-1], ""
	}
	if s[0] == '"' && strings.Count(s, `"`) == 1 {
		return "", "a quote that is not closed"
	}
	return "", `quotes go around a whole value, as in team:"Night Shift"`
}

// parseQueryDuration reads 30m, 2h, 1h30m (Go's syntax) or 2d (days).
func parseQueryDuration(s string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 3650 {
			return 0, fmt.Errorf("bad days %q", s)
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	return d, nil
}

// String is the query as written.
func (q *Query) String() string { return q.src }

// Terms are the query's terms, in the order written.
func (q *Query) Terms() []QueryTerm { return append([]QueryTerm(nil), q.terms...) }

// Sort is the order the query lists its conversations in.
func (q *Query) Sort() QuerySort { return q.sort }

// Sorted is the query listed in order s.
func (q *Query) Sorted(s QuerySort) *Query {
	c := *q
	c.sort = s
	return &c
}

// names are the terms that name something the store must know: agents
// (assignee:@name), teams and accounts. Unknown names select nothing;
// CheckQueryNames says which.
func (q *Query) names() []QueryTerm {
	var out []QueryTerm
	for _, t := range q.terms {
		switch {
		case t.Key == "assignee" && (t.At || t.Value != "me" && t.Value != "none"),
			t.Key == "team" && t.Value != "none",
			t.Key == "account":
			out = append(out, t)
		}
	}
	return out
}

// CheckQueryNames reports the first agent, team or account name of q the
// store does not know, as a QueryError naming the ones it does
// (Query.UnknownName over the store's users, teams and accounts).
func (s *Store) CheckQueryNames(q *Query) error {
	users, err := s.Users()
	if err != nil {
		return fmt.Errorf("store: check query: %w", err)
	}
	teams, err := s.Teams()
	if err != nil {
		return fmt.Errorf("store: check query: %w", err)
	}
	accounts, err := s.Accounts()
	if err != nil {
		return fmt.Errorf("store: check query: %w", err)
	}
	return q.UnknownName(users, teams, accounts)
}

// UnknownName reports the first agent (assignee:@name), team or account
// the query names that none of the given ones is, matched as the
// compiled query matches them (the id, or the name in any ASCII case;
// an agent's full or first name), as a *QueryError listing some known
// names. A kind with none given is not checked: the store has not
// learnt them yet.
func (q *Query) UnknownName(users []User, teams []Team, accounts []Account) error {
	for _, t := range q.names() {
		var known []string
		found := false
		switch t.Key {
		case "assignee":
			for _, u := range users {
				found = found || u.ID == t.Value || foldASCII(u.Name()) == foldASCII(t.Value) || foldASCII(u.FirstName) == foldASCII(t.Value)
				known = append(known, u.Name())
			}
		case "team":
			for _, tm := range teams {
				found = found || tm.ID == t.Value || foldASCII(tm.Name) == foldASCII(t.Value)
				known = append(known, tm.Name)
			}
		case "account":
			for _, a := range accounts {
				found = found || a.ID == t.Value || a.Phone == t.Value || foldASCII(a.Name) == foldASCII(t.Value)
				known = append(known, a.Name)
			}
		}
		if found || len(known) == 0 {
			continue
		}
		slices.SortFunc(known, func(a, b string) int { return strings.Compare(foldASCII(a), foldASCII(b)) })
		if len(known) > 8 {
			known = append(known[:8], "…")
		}
		for i, k := range known {
			if k != "…" {
				known[i] = strconv.Quote(Sanitize(k))
			}
		}
		what := map[string]string{"assignee": "agent", "team": "team", "account": "account"}[t.Key]
		return &QueryError{Pos: t.Pos, Word: t.Word,
			Msg: fmt.Sprintf("no %s is called %q (known: %s)", what, Sanitize(t.Value), strings.Join(known, ", "))}
	}
	return nil
}

// foldASCII lower-cases A-Z only, as SQLite's NOCASE does.
func foldASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + ('a' - 'A')
		}
		return r
	}, s)
}

// Arguments of a compiled query bound when it is read: a time before
// View.Now, and the agent View.Me.
type (
	nowMinus time.Duration
	meArg    struct{}
)

// compileQuery is the viewQuery of a query view.
func compileQuery(v View) viewQuery {
	q := v.Query
	now := v.Now
	var parts []string
	var args []any
	bind := func(a []any) []any {
		out := make([]any, len(a))
		for i, x := range a {
			switch x := x.(type) {
			case nowMinus:
				if now.IsZero() {
					out[i] = int64(0) // no clock: no window is open, nobody waits
				} else {
					out[i] = toNanos(now.Add(-time.Duration(x)))
				}
			case meArg:
				out[i] = v.Me
			default:
				out[i] = x
			}
		}
		return out
	}
	hasFolder := false
	// Every row waits (waiting: yes, >D or <D) or has its window open
	// (window:open or closing): the sorts by those are then last_inbound
	// itself, which an index walks in order.
	allWaiting, allOpen := false, false
	// Only folder, assignee and team terms (and unread:yes): the count
	// adds up rows of conversation_counts (the unread ones, u, with
	// unread:yes), whose columns they name, over the same WHERE.
	countable, unread := true, v.Unread
	var countParts []string
	var countArgs []any
	var words []string // the positive free words' MATCHes
	assigned := false
	for _, t := range q.terms {
		assigned = assigned || !t.Neg && (t.Key == "assignee" || t.Key == "team")
	}
	for _, t := range q.terms {
		sql, a := termSQL(t, assigned)
		if t.Key == "folder" || t.Key == "status" {
			hasFolder = true
		}
		switch {
		case t.Key == "folder" || t.Key == "status" || t.Key == "assignee" || t.Key == "team":
			c := sql
			if t.Neg {
				c = "NOT (" + c + ")"
			}
			countParts = append(countParts, c)
			countArgs = append(countArgs, bind(a)...)
		case t.Key == "unread" && t.Value == "yes" && !t.Neg:
			unread = true
		default:
			countable = false
		}
		if !t.Neg && t.Key == "waiting" && t.Value != "no" {
			allWaiting = true
		}
		if !t.Neg && t.Key == "window" && t.Value != "closed" {
			allOpen = true
		}
		if t.Key == "" && !t.Neg {
			if m := wordsMatch(t.Value); m != "" {
				words = append(words, "("+m+")")
			}
		}
		if t.Neg {
			sql = "NOT (" + sql + ")"
		}
		parts = append(parts, sql)
		args = append(args, bind(a)...)
	}
	if !hasFolder {
		// As the views: a query names a folder, or looks in the inbox.
		parts = append([]string{"folder = ?"}, parts...)
		args = append([]any{string(FolderInbox)}, args...)
	}
	if v.Unread { // the view's unread only (literally the partial index's WHERE)
		parts = append(parts, unreadSQL)
	}
	// Snoozed conversations are in no query until they wake (snooze.go),
	// unless it asks for them (snoozed:yes or any); conversation_counts
	// files them under the folder key 'snoozed'.
	if !slices.ContainsFunc(q.terms, func(t QueryTerm) bool { return t.Key == "snoozed" }) {
		parts = append(parts, "snoozed_until = 0")
	}
	vq := viewQuery{where: strings.Join(parts, " AND "), args: args, query: true, words: strings.Join(words, " AND ")}
	if countable {
		if !hasFolder {
			countParts = append([]string{"folder = ?"}, countParts...)
			countArgs = append([]any{string(FolderInbox)}, countArgs...)
		}
		countParts = append(countParts, "folder <> 'snoozed'")
		col := "n"
		if unread {
			col = "u"
		}
		vq.count = "SELECT coalesce(sum(" + col + "), 0) FROM conversation_counts WHERE " + strings.Join(countParts, " AND ")
		vq.countArgs = countArgs
	}
	switch {
	case q.sort == SortWindow && allOpen, q.sort == SortWaiting && allWaiting:
		vq.key = "last_inbound"
	case q.sort == SortWindow:
		// Open windows by expiry, then the closed by activity. The
		// bound is our own number, written out so the order needs no
		// arguments (ViewMarkRefs and the list reuse it as it is).
		open := int64(0)
		if !now.IsZero() {
			open = toNanos(now.Add(-WindowLength))
		}
		vq.key = "CASE WHEN last_inbound > " + strconv.FormatInt(open, 10) +
			" THEN last_inbound ELSE 9223372036854775807 - last_activity END"
	case q.sort == SortWaiting:
		vq.key = "CASE WHEN last_inbound > last_outbound THEN last_inbound ELSE 9223372036854775807 - last_activity END"
	default:
		vq.key, vq.desc = "last_activity", true
	}
	vq.order = vq.key + ", id"
	if vq.desc {
		vq.order = vq.key + " DESC, id"
	}
	return vq
}

// termSQL is a term's condition (without its '-') and arguments;
// assigned: the query has a positive assignee: or team: term.
func termSQL(t QueryTerm, assigned bool) (string, []any) {
	switch t.Key {
	case "folder":
		switch {
		case t.Value == "any" && assigned:
			// Every folder, named: the assignee indexes, which start
			// with the folder, are searched once per folder.
			return "folder IN (?, ?, ?)", []any{string(FolderInbox), string(FolderArchive), string(FolderSpam)}
		case t.Value == "any":
			return "1", nil // a scan of the table beats index lookups of every row
		}
		return "folder = ?", []any{t.Value}
	case "status": // a platform that resolves keeps resolved conversations in Archive
		if t.Value == "open" {
			return "folder = ?", []any{string(FolderInbox)}
		}
		return "folder = ?", []any{string(FolderArchive)}
	case "assignee":
		switch {
		case !t.At && t.Value == "me":
			return "user_id = ? AND user_id <> ''", []any{meArg{}}
		case !t.At && t.Value == "none":
			return "user_id = ''", nil
		}
		return "user_id <> '' AND user_id IN (SELECT id FROM users WHERE id = ? OR trim(first_name || ' ' || last_name) = ? COLLATE NOCASE OR first_name = ? COLLATE NOCASE)",
			[]any{t.Value, t.Value, t.Value}
	case "team":
		if t.Value == "none" {
			return "team_id = ''", nil
		}
		return "team_id <> '' AND team_id IN (SELECT id FROM teams WHERE id = ? OR name = ? COLLATE NOCASE)", []any{t.Value, t.Value}
	case "tag":
		return "CASE WHEN tags <> '' AND json_valid(tags) THEN EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ? COLLATE NOCASE) ELSE 0 END",
			[]any{t.Value}
	case "window":
		switch t.Value {
		case "open":
			return "last_inbound > ?", []any{nowMinus(WindowLength)}
		case "closed":
			return "last_inbound <= ?", []any{nowMinus(WindowLength)}
		}
		// Exactly the Closing soon view: under ClosingSoon left and the
		// last message the customer's.
		return "last_inbound > ? AND last_inbound < ? AND last_inbound >= last_outbound",
			[]any{nowMinus(WindowLength), nowMinus(WindowLength - ClosingSoon)}
	case "unread":
		if t.Value == "yes" {
			return unreadSQL, nil
		}
		return "NOT " + unreadSQL, nil
	case "waiting":
		// "last_inbound >= last_outbound" is implied; written out, it
		// lets the planner walk the partial index conversations_closing.
		const waits = "last_inbound >= last_outbound AND last_inbound > last_outbound"
		switch {
		case t.Op == '>':
			return waits + " AND last_inbound < ?", []any{nowMinus(t.Dur)}
		case t.Op == '<':
			return waits + " AND last_inbound >= ?", []any{nowMinus(t.Dur)}
		case t.Value == "no":
			return "NOT (" + waits + ")", nil
		}
		return waits, nil
	case "account":
		return "account_id IN (SELECT id FROM accounts WHERE id = ? OR name = ? COLLATE NOCASE OR phone = ?)",
			[]any{t.Value, t.Value, t.Value}
	case "snoozed":
		switch t.Value {
		case "yes":
			return "snoozed_until <> 0", nil
		case "no":
			return "snoozed_until = 0", nil
		}
		return "1", nil
	}
	// A free word: every word in it starts a word of the contact's name
	// or of the preview, or is a run of the number's digits, through
	// conversations_fts (wordsMatch).
	if m := wordsMatch(t.Value); m != "" {
		return "seq IN (SELECT rowid FROM conversations_fts WHERE conversations_fts MATCH ?)", []any{m}
	}
	// Only punctuation or symbols, which the index has no words for: a
	// scan for the text itself.
	like := "%" + escapeLike(t.Value) + "%"
	return "(contact_name LIKE ? ESCAPE '\\' OR contact_number LIKE ? ESCAPE '\\' OR preview LIKE ? ESCAPE '\\')",
		[]any{like, like, like}
}

// wordsMatch is a free word of a query (quoted, it may hold several) as
// a conversations_fts MATCH: ftsQuery's conversation mode. "" when it has
// no letter or digit.
func wordsMatch(w string) string { return ftsQuery(w, conversationQuery) }

// likeEscaper escapes LIKE's wildcards (ESCAPE '\').
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func escapeLike(s string) string { return likeEscaper.Replace(s) }

// Me is the current user's id as the engine last recorded it (Engine.Me),
// for reading the store without an engine (assignee:me in mbx list).
func (s *Store) Me() (string, error) { return s.GetMeta(metaMe) }

// LooksLikeQuery reports whether text typed where a search is expected is
// a query: its first word (after a '-') starts with one of the keys and a
// colon, as in "window:closing" or "-assignee:none unread:yes".
func LooksLikeQuery(s string) bool {
	w := strings.TrimPrefix(strings.TrimLeft(s, " \t"), "-")
	k, _, ok := strings.Cut(w, ":")
	if !ok {
		return false
	}
	k = strings.ToLower(k)
	for _, key := range queryKeys {
		if k == key {
			return true
		}
	}
	return false
}
