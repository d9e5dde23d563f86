package state

import (
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

func TestFTSQuery(t *testing.T) {
	const msg, contact = messageQuery, contactQuery
	tests := []struct {
		in   string
		mode queryMode
		want string
	}{
		{"", msg, ""},
		{"   \t\n ", msg, ""},
		{"cafe", msg, `"cafe"*`},
		{"late delivery", msg, `"late" "delivery"*`},
		{"late delivery", contact, `"late"* "delivery"*`},
		{"caf", msg, `"caf"*`},
		{"ca", msg, `"ca"`}, // too short to be a prefix
		{"o", msg, `"o"`},
		{"o", contact, `"o"*`},
		{"émi", msg, `"émi"*`}, // characters, not bytes
		{`say "hi"`, msg, `"say" """hi"""*`},
		{"AND OR NOT", msg, `"AND" "OR" "NOT"*`},
		{"NEAR(a b)", msg, `"NEAR(a" "b)"`},
		{"NEAR(a bc)", msg, `"NEAR(a" "bc)"*`},
		{"body:x -y ^zz *", msg, `"body:x" "-y" "^zz"*`},
		{`" * - : ( )`, msg, ""},
		{"😀 🎉", msg, ""},
		{"okay 😀", msg, `"okay"*`},
		{"ab\x00cde", msg, `"ab" "cde"*`},
		{"bad\xffutf8", msg, `"bad" "utf8"*`},
		{"+44 7902", contact, `"44"* "7902"*`},
		{"+44 7902", msg, `"+44" "7902"*`},
		{"07902 111123", contact, `"7902"* "111123"*`},
		{"(0)7902", contact, `"7902"*`},
		{"111-123", contact, `"111123"*`},
		{"000", contact, ""},
		{"0800-flowers", contact, `"0800-flowers"*`},
	}
	for _, tt := range tests {
		if got := ftsQuery(tt.in, tt.mode); got != tt.want {
			t.Errorf("ftsQuery(%q, %v) = %s, want %s", tt.in, tt.mode, got, tt.want)
		}
	}
	long := strings.Repeat("word ", 1000)
	if got := ftsQuery(long, messageQuery); strings.Count(got, `"word"`) != maxQueryWords {
		t.Errorf("long query kept %d words, want %d", strings.Count(got, `"word"`), maxQueryWords)
	}
}

// searchFixture is a store with messages and contacts to search.
func searchFixture(t testing.TB) *Store {
	s := openTest(t)
	_, err := s.ApplyMessages(Batch{
		Messages: []Message{
			inMsg("m1", "c1", "Un café, por favor", at(1*time.Minute)),
			outMsg("m2", "c1", "Your CAFE order is ready", at(2*time.Minute), StatusRead),
			inMsg("m3", "c2", "Where is my delivery?\nIt was due yesterday.", at(3*time.Minute)),
			inMsg("m4", "c2", "Delivery delivered, thanks", at(4*time.Minute)),
			inMsg("m5", "c3", "naïve question about crème brûlée", at(5*time.Minute)),
			inMsg("m6", "c3", `He said "AND" NEAR(the door) - really: *yes*`, at(6*time.Minute)),
			inMsg("m7", "c3", "Pago com cartão 😀", at(7*time.Minute)),
		},
		Contacts: []Contact{
			{ID: "kc1", AccountID: "a1", Name: "Zoë Ångström", Number: "+447902111123"},
			{ID: "kc2", AccountID: "a1", Name: "Marco Polo", Number: "+351911222333"},
			{ID: "kc3", AccountID: "a1", Name: "", Number: "+14155550100"},
			{ID: "kc4", AccountID: "a1", Name: "Polo Shirts Ltd", Number: "+447000000000"},
		},
	}, t0)
	must(t, err)
	return s
}

func TestSearchMessages(t *testing.T) {
	s := searchFixture(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"cafe", []string{"m2", "m1"}}, // café and CAFE, newest first
		{"café", []string{"m2", "m1"}},
		{"CAFÉ POR", []string{"m1"}},
		{"deliver", []string{"m4", "m3"}}, // the last word is a prefix
		{"deliver yesterday", nil},        // earlier words are whole words
		{"delivery yesterday", []string{"m3"}},
		{"creme brulee", []string{"m5"}},
		{"naive", []string{"m5"}},
		{"cartao", []string{"m7"}},
		{"AND", []string{"m6"}}, // the word, not the operator
		{"near(the", []string{"m6"}},
		{`"and"`, []string{"m6"}},
		{"", nil},
		{"nothing-matches-this", nil},
	}
	for _, tt := range tests {
		hits, err := s.SearchMessages(tt.q, 50)
		if err != nil {
			t.Errorf("SearchMessages(%q): %v", tt.q, err)
			continue
		}
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.Message.ID)
		}
		if !slices.Equal(ids, tt.want) {
			t.Errorf("SearchMessages(%q) = %v, want %v", tt.q, ids, tt.want)
		}
	}
	hits, err := s.SearchMessages("yesterday", 10)
	must(t, err)
	if len(hits) != 1 {
		t.Fatalf("hits = %+v", hits)
	}
	h := hits[0]
	if h.Snippet != "Where is my delivery? It was due yesterday." {
		t.Errorf("snippet = %q", h.Snippet)
	}
	if h.Conversation.ID != "c2" || h.Conversation.Preview != "Delivery delivered, thanks" || h.Message.Body != "Where is my delivery?\nIt was due yesterday." {
		t.Errorf("hit = %+v", h)
	}
	if hits, _ := s.SearchMessages("cafe", 1); len(hits) != 1 || hits[0].Message.ID != "m2" {
		t.Errorf("limit 1 = %+v", hits)
	}
	if hits, _ := s.SearchMessages("cafe", 0); hits != nil {
		t.Errorf("limit 0 = %+v", hits)
	}
}

func TestSearchSnippetIsPlainExcerpt(t *testing.T) {
	s := openTest(t)
	body := strings.Repeat("filler words before the match ", 20) + "the needle is here " + strings.Repeat("and more words after it ", 20)
	apply(t, s, inMsg("m1", "c1", body, t0))
	hits, err := s.SearchMessages("needle", 5)
	must(t, err)
	if len(hits) != 1 {
		t.Fatalf("hits = %v", hits)
	}
	sn := hits[0].Snippet
	if !strings.Contains(sn, "needle") || utf8.RuneCountInString(sn) > 120 || strings.ContainsAny(sn, "\n<>[]") {
		t.Errorf("snippet = %q", sn)
	}
}

func TestSearchFollowsEdits(t *testing.T) {
	s := openTest(t)
	apply(t, s, inMsg("m1", "c1", "original words", t0))
	apply(t, s, inMsg("m1", "c1", "replacement text", t0))
	if hits, _ := s.SearchMessages("original", 10); len(hits) != 0 {
		t.Errorf("old body still found: %+v", hits)
	}
	if hits, _ := s.SearchMessages("replacement", 10); len(hits) != 1 {
		t.Errorf("new body not found: %+v", hits)
	}
	checkIntegrity(t, s)
}

func TestSearchContacts(t *testing.T) {
	s := searchFixture(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"7902111", []string{"kc1"}},
		{"+447902111123", []string{"kc1"}},
		{"447902", []string{"kc1"}},
		{"+44 7902 111123", []string{"kc1"}},
		{"07902 111123", []string{"kc1"}},
		{"111-123", []string{"kc1"}},
		{"4155550100", []string{"kc3"}},
		{"+1 415", []string{"kc3"}},
		{"zoe", []string{"kc1"}},
		{"angstrom", []string{"kc1"}},
		{"ZOË ÅNG", []string{"kc1"}},
		{"mar pol", []string{"kc2"}},
		{"polo", []string{"kc2", "kc4"}}, // the shorter name ranks first
		{"447", []string{"kc4", "kc1"}},
		{"nobody", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got, err := s.SearchContacts(tt.q, 10)
		if err != nil {
			t.Errorf("SearchContacts(%q): %v", tt.q, err)
			continue
		}
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, tt.want) && !(len(tt.want) > 1 && sameSet(ids, tt.want)) {
			t.Errorf("SearchContacts(%q) = %v, want %v", tt.q, ids, tt.want)
		}
	}
	// A changed number is found by the new digits only.
	must(t, s.UpsertContacts([]Contact{{ID: "kc1", AccountID: "a1", Name: "Zoë Ångström", Number: "+33612345678"}}))
	if got, _ := s.SearchContacts("7902111", 10); len(got) != 0 {
		t.Errorf("old number still found: %v", got)
	}
	if got, _ := s.SearchContacts("612345", 10); len(got) != 1 || got[0].Number != "+33612345678" {
		t.Errorf("new number not found: %v", got)
	}
	if got, _ := s.SearchContacts("polo", 1); len(got) != 1 {
		t.Errorf("limit 1 = %v", got)
	}
	checkIntegrity(t, s)
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// hostileQueries are inputs that would be FTS5 syntax errors, or worse,
// if they reached MATCH unescaped.
var hostileQueries = []string{
	`"`, `""`, `"""`, `*`, `**`, `AND`, `OR`, `NOT`, `a AND`, `AND b`, `a OR OR b`, `NEAR(`, `NEAR(a b`, `NEAR(a b, 2)`,
	`-`, `-a`, `:`, `body:`, `body:x`, `name:zoe`, `{body}: x`, `^`, `^a`, `(`, `)`, `()`, `(a OR b`, `a*b`, `+`, `+-+`,
	`'`, `\`, `;DROP TABLE messages;--`, "😀", "🇵🇹", "\u200d", "\u202e", "\x00", "a\x00", "\xff\xfe", "é\u0301",
	"\t\n\r", "       ", `"a" "b"`, `a"b`, `a""b`, "NEAR", "near(cafe)", "cafe*", "*cafe", "cafe -", "- cafe",
	strings.Repeat("x", 5000), strings.Repeat("a ", 2500), strings.Repeat(`"`, 5000), strings.Repeat("(", 5000),
	strings.Repeat("😀", 1250), strings.Repeat("AND ", 1250),
}

func TestSearchHostileQueries(t *testing.T) {
	s := searchFixture(t)
	for _, q := range hostileQueries {
		if _, err := s.SearchMessages(q, 10); err != nil {
			t.Errorf("SearchMessages(%.40q): %v", q, err)
		}
		if _, err := s.SearchContacts(q, 10); err != nil {
			t.Errorf("SearchContacts(%.40q): %v", q, err)
		}
	}
}

var (
	fuzzOnce  sync.Once
	fuzzStore *Store
)

// FuzzSearchQuery checks that whatever a person types becomes a query of
// quoted words only, and that SQLite accepts it for both searches.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range hostileQueries {
		f.Add(q)
	}
	for _, q := range []string{"cafe", "café noir", "+44 7902", "07902 111123", "zoe ång", `say "hi"`} {
		f.Add(q)
	}
	// One store for the whole run (the fuzzing engine calls the target
	// many times; t.TempDir would be per call).
	dir := f.TempDir()
	fuzzOnce.Do(func() {
		s, err := Open(dir + "/fuzz.db")
		if err != nil {
			f.Fatal(err)
		}
		if _, err := s.ApplyMessages(Batch{Messages: []Message{inMsg("m1", "c1", "un café noir, s'il vous plaît", t0)},
			Contacts: []Contact{{ID: "kc1", Name: "Zoë", Number: "+447902111123"}}}, t0); err != nil {
			f.Fatal(err)
		}
		fuzzStore = s
	})
	f.Cleanup(func() {
		if fuzzStore != nil {
			fuzzStore.Close()
			fuzzStore = nil
			fuzzOnce = sync.Once{}
		}
	})
	f.Fuzz(func(t *testing.T, q string) {
		for _, mode := range []queryMode{messageQuery, contactQuery} {
			checkQuoted(t, q, ftsQuery(q, mode))
		}
		if fuzzStore == nil {
			t.Skip("no store")
		}
		if _, err := fuzzStore.SearchMessages(q, 5); err != nil {
			t.Errorf("SearchMessages(%q): %v", q, err)
		}
		if _, err := fuzzStore.SearchContacts(q, 5); err != nil {
			t.Errorf("SearchContacts(%q): %v", q, err)
		}
	})
}

// checkQuoted verifies fq is a space-separated list of "quoted" words,
// each optionally followed by *, with only doubled quotes inside and no
// control characters.
func checkQuoted(t *testing.T, in, fq string) {
	t.Helper()
	if !utf8.ValidString(fq) {
		t.Fatalf("ftsQuery(%q) = %q: invalid UTF-8", in, fq)
	}
	words := 0
	for i := 0; i < len(fq); {
		if words > 0 {
			if fq[i] != ' ' {
				t.Fatalf("ftsQuery(%q) = %q: no space at %d", in, fq, i)
			}
			i++
		}
		if i >= len(fq) || fq[i] != '"' {
			t.Fatalf("ftsQuery(%q) = %q: no opening quote at %d", in, fq, i)
		}
		i++
		for {
			if i >= len(fq) {
				t.Fatalf("ftsQuery(%q) = %q: unterminated", in, fq)
			}
			if fq[i] == '"' {
				if i+1 < len(fq) && fq[i+1] == '"' {
					i += 2
					continue
				}
				i++
				break
			}
			if fq[i] < 0x20 || fq[i] == 0x7f {
				t.Fatalf("ftsQuery(%q) = %q: control character", in, fq)
			}
			i++
		}
		if i < len(fq) && fq[i] == '*' {
			i++
		}
		words++
	}
	if words > maxQueryWords {
		t.Fatalf("ftsQuery(%q) has %d words", in, words)
	}
}

func TestSearchNewestFirstByTime(t *testing.T) {
	s := openTest(t)
	// Stored in an order unrelated to time, as a backfill does.
	apply(t, s, inMsg("m3", "c1", "parcel three", at(3*time.Hour)))
	apply(t, s, inMsg("m1", "c2", "parcel one", at(1*time.Hour)), inMsg("m5", "c3", "parcel five", at(5*time.Hour)))
	apply(t, s, inMsg("m2", "c1", "parcel two", at(2*time.Hour)), inMsg("m4", "c2", "parcel four", at(4*time.Hour)))
	// Same millisecond: insertion order.
	apply(t, s, inMsg("m0b", "c1", "parcel zero b", at(time.Microsecond)), inMsg("m0a", "c1", "parcel zero a", at(0)))
	ids := func() []string {
		hits, err := s.SearchMessages("parcel", 10)
		must(t, err)
		var out []string
		for _, h := range hits {
			out = append(out, h.Message.ID)
		}
		return out
	}
	if got, want := ids(), []string{"m5", "m4", "m3", "m2", "m1", "m0a", "m0b"}; !slices.Equal(got, want) {
		t.Errorf("search order = %v, want %v", got, want)
	}
	// A message whose time moves moves in the results.
	apply(t, s, inMsg("m1", "c2", "parcel one", at(6*time.Hour)))
	if got, want := ids(), []string{"m1", "m5", "m4", "m3", "m2", "m0a", "m0b"}; !slices.Equal(got, want) {
		t.Errorf("after a time change = %v, want %v", got, want)
	}
	// So does a reply sent from here once the platform gives its time.
	enqueueLocal(t, s, "L1", "c1", "parcel local", at(7*time.Hour), OutboxSending)
	must(t, s.CompleteOutbox("L1", outMsg("p1", "c1", "parcel local", at(30*time.Minute), StatusSent)))
	if got, want := ids(), []string{"m1", "m5", "m4", "m3", "m2", "p1", "m0a", "m0b"}; !slices.Equal(got, want) {
		t.Errorf("after completion = %v, want %v", got, want)
	}
	checkIntegrity(t, s)
}
