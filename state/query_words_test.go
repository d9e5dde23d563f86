package state

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// checkConvIndex fails unless conversations_fts holds exactly what a
// fresh index of the conversations table would: every term, in every
// column and position of every conversation, and nothing else (an entry
// deleted with other text than it was written with leaves terms behind).
func checkConvIndex(t testing.TB, s *Store) {
	t.Helper()
	ctx := context.Background() // also from a Cleanup, after t.Context ends
	conn, err := s.db.Conn(ctx)
	must(t, err)
	defer conn.Close()
	for _, q := range []string{
		`CREATE VIRTUAL TABLE temp.fresh_fts USING fts5(name, digits, preview, content='', tokenize='unicode61 remove_diacritics 2')`,
		`CREATE VIRTUAL TABLE temp.fresh_vocab USING fts5vocab(temp, fresh_fts, 'instance')`,
		`CREATE VIRTUAL TABLE temp.kept_vocab USING fts5vocab(main, conversations_fts, 'instance')`,
	} {
		_, err := conn.ExecContext(ctx, q)
		must(t, err)
	}
	defer conn.ExecContext(ctx, `DROP TABLE temp.kept_vocab; DROP TABLE temp.fresh_vocab; DROP TABLE temp.fresh_fts`)
	rows, err := conn.QueryContext(ctx, `SELECT seq, contact_name, contact_number, preview FROM conversations`)
	must(t, err)
	type row struct {
		seq                   int64
		name, number, preview string
	}
	all, err := scanAll(rows, func(r *sql.Rows) (row, error) {
		var x row
		return x, r.Scan(&x.seq, &x.name, &x.number, &x.preview)
	})
	must(t, err)
	for _, x := range all {
		if x.name == "" && x.number == "" && x.preview == "" {
			continue
		}
		_, err := conn.ExecContext(ctx, `INSERT INTO temp.fresh_fts(rowid, name, digits, preview) VALUES (?, ?, ?, ?)`,
			convText{x.name, x.number, x.preview}.row(x.seq)...)
		must(t, err)
	}
	instances := func(table string) []string {
		rows, err := conn.QueryContext(ctx, `SELECT term, doc, col, offset FROM `+table+` ORDER BY 1, 2, 3, 4`)
		must(t, err)
		out, err := scanAll(rows, func(r *sql.Rows) (string, error) {
			var term, col string
			var doc, off int64
			err := r.Scan(&term, &doc, &col, &off)
			return fmt.Sprintf("%s@%d.%s.%d", term, doc, col, off), err
		})
		must(t, err)
		return out
	}
	kept, fresh := instances("temp.kept_vocab"), instances("temp.fresh_vocab")
	if !slices.Equal(kept, fresh) {
		extra, missing := difference(kept, fresh), difference(fresh, kept)
		t.Errorf("conversations_fts is out of step with conversations: %d extra terms %.10v, %d missing %.10v",
			len(extra), extra, len(missing), missing)
	}
}

// difference is a − b, both sorted.
func difference(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, found := slices.BinarySearch(b, x); !found {
			out = append(out, x)
		}
	}
	return out
}

// wordsFixture is a store of conversations with names, numbers and last
// messages to find by a query's free words.
func wordsFixture(t *testing.T) *Store {
	t.Helper()
	s := openTest(t)
	must(t, s.UpsertContacts([]Contact{
		{ID: "ka", AccountID: "a1", Name: "Ana Silva", Number: "+447902111123"},
		{ID: "kb", AccountID: "a1", Name: "João Smithers", Number: "+351912345678"},
		{ID: "kc", AccountID: "a1", Name: "O'Brien", Number: "+15550100"},
		{ID: "kd", AccountID: "a1", Name: "Zoë Smith", Number: "+447700900123"},
		{ID: "ke", AccountID: "a1", Name: "\x1b[1;31mURGENT\x1b[0m refund", Number: "+15550199"},
	}))
	apply(t, s,
		inMsg("m1", "a", "I want a refund please", at(-time.Hour)),
		inMsg("m2", "b", "where is my parcel?", at(-2*time.Hour)),
		inMsg("m3", "c", "Refunded, thanks! Order 2024-05-01, app 1.5", at(-3*time.Hour)),
		outMsg("m4", "d", "Your café order is on its way", at(-4*time.Hour), StatusRead),
		inMsg("m8", "e", "\x1b]8;;http://evil\x07click\x1b]8;;\x07", at(-5*time.Hour)),
	)
	_, err := s.SetConversationMeta("d", FolderArchive, "", "")
	must(t, err)
	return s
}

// A free word starts a word of the name or the last message (any case,
// any accents), or is a run of the number's digits in any format; words
// quoted together must all match; '-' excludes; the index reads and the
// folder walk give the same rows, counts and positions.
func TestQueryFreeWords(t *testing.T) {
	s := wordsFixture(t)
	checkConvIndex(t, s)
	tests := []struct {
		query string
		want  []string // sorted
	}{
		{"smith", []string{"b"}}, // Smithers; Zoë Smith's conversation is archived
		{"folder:any smith", []string{"b", "d"}},
		{"SMI", []string{"b"}},
		{"joao", []string{"b"}},
		{"folder:any zoe", []string{"d"}},
		{"folder:any cafe", []string{"d"}},
		{"refund", []string{"a", "c", "e"}}, // refund, Refunded, a name
		{"refund -thanks -urgent", []string{"a"}},
		{"urgent", []string{"e"}}, // the name's escapes are no part of its words
		{"31murgent", nil},
		{"click", []string{"e"}},
		{"evil", nil},                      // nor a link's address
		{`"ana silva"`, []string{"a"}},     // both words
		{"ana silva", []string{"a"}},       // two terms
		{"ana smith", nil},                 //
		{"111123", []string{"a"}},          // a run of the digits
		{"07902 111123", []string{"a"}},    // national format, two runs
		{"+44 7902 111123", []string{"a"}}, //
		{`"+44 (7902) 111-123"`, []string{"a"}},
		{"folder:any 44", []string{"a", "d"}},
		{"o'brien", []string{"c"}},
		{"2024-05-01", []string{"c"}}, // a date in the last message
		{"1.5", []string{"c", "e"}},   // in c's last message; e's number +15550199 has 15
		{"(555)", []string{"c", "e"}}, // +15550100, +15550199
		{"0100", []string{"c"}},       // leading zeros kept as typed too
		{"brien", []string{"c"}},
		{"s", nil}, // one letter: a whole word only
		{"a", []string{"a"}},
		{"?", []string{"b"}}, // no letter or digit: the text itself
		{"-refund", []string{"b"}},
		{"-refund -click", []string{"b"}},
		{"parcel window:open", []string{"b"}},
		{"parcel window:closed", nil},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.query)
		must(t, err)
		v := View{Query: q, Now: t0}
		got, err := s.ListConversations(v, 0, 100)
		must(t, err)
		g := ids(got)
		slices.Sort(g)
		if !slices.Equal(g, tt.want) {
			t.Errorf("%q = %v, want %v", tt.query, g, tt.want)
		}
		// Both access paths (Store.plan), the same answers.
		vq := buildView(v)
		for _, byWords := range []bool{false, true} {
			vq.byWords = byWords
			var n int
			must(t, s.db.QueryRow("SELECT count(*) FROM "+vq.table()+" WHERE "+vq.where, vq.args...).Scan(&n))
			if n != len(tt.want) {
				t.Errorf("%q through the words %v: %d rows, want %d", tt.query, byWords, n, len(tt.want))
			}
		}
		if n, err := s.CountConversations(v); err != nil || n != len(tt.want) {
			t.Errorf("%q counts %d, %v; want %d", tt.query, n, err, len(tt.want))
		}
		for i, c := range got {
			if idx, err := s.IndexOf(v, c.ID); err != nil || idx != i {
				t.Errorf("%q: IndexOf(%s) = %d, %v; want %d", tt.query, c.ID, idx, err, i)
			}
		}
	}
}

// Reads through the words use no index but the rowid; the others keep
// theirs.
func TestQueryFreeWordPlans(t *testing.T) {
	s := wordsFixture(t)
	for _, tt := range []struct {
		src     string
		byWords bool
	}{
		{"smith", true},
		{"folder:any smith -window:closed", true},
		{"assignee:me smith", true},
		{"-smith", false},
		{"window:closing", false},
	} {
		q, err := ParseQuery(tt.src)
		must(t, err)
		v := View{Query: q, Now: t0, Me: "u1"}
		for _, rows := range []bool{false, true} {
			vq := s.plan(v, rows)
			if vq.byWords != tt.byWords {
				t.Errorf("%q (rows %v): through the words %v, want %v", tt.src, rows, vq.byWords, tt.byWords)
			}
			if !vq.byWords {
				continue
			}
			r, err := s.db.Query("EXPLAIN QUERY PLAN SELECT * FROM "+vq.table()+" WHERE "+vq.where+" ORDER BY "+vq.order, vq.args...)
			must(t, err)
			details, err := scanAll(r, func(r *sql.Rows) (string, error) {
				var id, parent, notused int
				var d string
				return d, r.Scan(&id, &parent, &notused, &d)
			})
			must(t, err)
			plan := strings.Join(details, "; ")
			if !strings.Contains(plan, "SEARCH conversations USING INTEGER PRIMARY KEY") {
				t.Errorf("%q: plan %s", tt.src, plan)
			}
		}
	}
}

// The index follows every write of a name, number or last message, and
// of the rows themselves.
func TestConversationIndexFollowsWrites(t *testing.T) {
	s := wordsFixture(t)
	find := func(src string) []string {
		t.Helper()
		q, err := ParseQuery("folder:any " + src)
		must(t, err)
		got, err := s.ListConversations(View{Query: q, Now: t0}, 0, 100)
		must(t, err)
		g := ids(got)
		slices.Sort(g)
		return g
	}
	// A newer message is the preview: its words in, the old ones out.
	apply(t, s, outMsg("m5", "a", "Refund sent today", at(-30*time.Minute), StatusSent))
	if got := find("please"); len(got) != 0 {
		t.Errorf("the old preview's words still find %v", got)
	}
	if got := find("today"); !slices.Equal(got, []string{"a"}) {
		t.Errorf("the new preview's words find %v", got)
	}
	// An older message changes nothing.
	apply(t, s, inMsg("m6", "a", "an older bicycle", at(-5*time.Hour)))
	if got := find("bicycle"); len(got) != 0 {
		t.Errorf("an older message's words find %v", got)
	}
	// The contact renamed and renumbered, twice in one write.
	must(t, s.UpsertContacts([]Contact{
		{ID: "kb", AccountID: "a1", Name: "Joana Smith", Number: "+351 91 000 0000"},
		{ID: "kb", AccountID: "a1", Name: "Joana Sousa", Number: "+351910000001"},
	}))
	if got := find("smithers"); len(got) != 0 {
		t.Errorf("the old name finds %v", got)
	}
	if got := find("sousa 0001"); !slices.Equal(got, []string{"b"}) {
		t.Errorf("the new name and number find %v", got)
	}
	// The same in a sync's batch (partial contacts).
	_, err := s.ApplyMessages(Batch{Contacts: []Contact{{ID: "kc", AccountID: "a1", Name: "Aoife Byrne", Number: "+15550100"}},
		Messages: []Message{inMsg("m7", "c", "hello again", at(-10*time.Minute))}}, t0)
	must(t, err)
	if got := find("byrne again"); !slices.Equal(got, []string{"c"}) {
		t.Errorf("renamed in a batch: %v", got)
	}
	checkConvIndex(t, s)
}

// Migration 9 indexes the conversations of an older store.
func TestMigration9IndexesConversations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mbx.db")
	db, err := sql.Open("sqlite", dsn(path))
	must(t, err)
	for i, m := range migrations[:8] {
		_, err := db.Exec(m)
		must(t, err)
		_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", i+1))
		must(t, err)
	}
	tx, err := db.Begin()
	must(t, err)
	defer func(n int) { fillBatch = n }(fillBatch)
	fillBatch = 50
	for i := range 122 { // more than two batches of the fill
		_, err := tx.Exec(`INSERT INTO conversations(id, contact_name, contact_number, preview, last_activity) VALUES (?, ?, ?, ?, ?)`,
			fmt.Sprintf("c%05d", i), fmt.Sprintf("Name%d", i), fmt.Sprintf("+4470%08d", i), fmt.Sprintf("order %d", i), i)
		must(t, err)
	}
	must(t, tx.Commit())
	_, err = db.Exec(`INSERT INTO conversations(id) VALUES ('empty')`)
	must(t, err)
	must(t, db.Close())
	s, err := Open(path)
	must(t, err)
	defer s.Close()
	for _, tt := range []struct {
		src  string
		want int
	}{{"name121", 1}, {"order", 122}, {"00000121", 1}, {"name7 447000000007", 1}, {"name7", 1 + 10}, {"name1", 1 + 10 + 22}} {
		q, err := ParseQuery(tt.src)
		must(t, err)
		if n, err := s.CountConversations(View{Query: q, Now: t0}); err != nil || n != tt.want {
			t.Errorf("%q counts %d, %v; want %d", tt.src, n, err, tt.want)
		}
	}
	checkConvIndex(t, s)
}

func TestWithoutEscapes(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Ana", "Ana"},
		{"\x1b[1;31mURGENT\x1b[0m", " URGENT "},
		{"\x1b]8;;http://x\x07click\x1b]8;;\x1b\\", " click "},
		{"\x1b]hello world", " hello world"}, // no terminator: the text stays
		{"a\x1bPq\x1b[1mb", "a q b"},         // an unterminated DCS ends at the next ESC
		{"\x1bcx", " x"},
		{"x\x1b", "x "},
	} {
		if got := withoutEscapes(tt.in); got != tt.want {
			t.Errorf("withoutEscapes(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzWithoutEscapes: no ESC is left, text without one is kept as it is,
// and a second pass changes nothing.
func FuzzWithoutEscapes(f *testing.F) {
	for _, s := range []string{"", "Ana", "\x1b[1;31mURGENT\x1b[0m", "\x1b]8;;http://x\x07a\x1b]8;;\x1b\\", "\x1b", "a\x1b[", "\x1bP1;2|x\x1b\\b", "\x1b\x1b[m", "\x1bc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := withoutEscapes(s)
		if strings.IndexByte(got, 0x1b) >= 0 {
			t.Fatalf("withoutEscapes(%q) = %q keeps an ESC", s, got)
		}
		if strings.IndexByte(s, 0x1b) < 0 && got != s {
			t.Fatalf("withoutEscapes(%q) = %q changed text without escapes", s, got)
		}
		if again := withoutEscapes(got); again != got {
			t.Fatalf("not idempotent: %q then %q", got, again)
		}
	})
}

// Two processes opening an older store at once (the inbox and mbx send):
// each step runs once, and both open.
func TestMigrateTwoAtOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mbx.db")
	db, err := sql.Open("sqlite", dsn(path))
	must(t, err)
	for i, m := range migrations[:8] {
		_, err := db.Exec(m)
		must(t, err)
		_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", i+1))
		must(t, err)
	}
	_, err = db.Exec(`INSERT INTO conversations(id, contact_name, preview) VALUES ('c1', 'Ana Silva', 'hello')`)
	must(t, err)
	must(t, db.Close())
	errs := make(chan error, 2)
	stores := make(chan *Store, 2)
	for range 2 {
		go func() {
			s, err := Open(path)
			errs <- err
			stores <- s
		}()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Errorf("open: %v", err)
		}
		if s := <-stores; s != nil {
			defer s.Close()
		}
	}
	s, err := Open(path)
	must(t, err)
	defer s.Close()
	q, err := ParseQuery("ana")
	must(t, err)
	if n, err := s.CountConversations(View{Query: q}); err != nil || n != 1 {
		t.Errorf("ana counts %d, %v", n, err)
	}
	checkConvIndex(t, s)
}
