package state

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		src   string
		terms []QueryTerm // Pos, Neg, Key, Value, At, Op, Dur compared
	}{
		{"", nil},
		{"   ", nil},
		{"folder:inbox", []QueryTerm{{Key: "folder", Value: "inbox"}}},
		{"FOLDER:Archive", []QueryTerm{{Key: "folder", Value: "archive"}}},
		{"window:closing -assignee:none waiting:>1h", []QueryTerm{
			{Key: "window", Value: "closing"},
			{Pos: 15, Neg: true, Key: "assignee", Value: "none"},
			{Pos: 30, Key: "waiting", Value: ">1h", Op: '>', Dur: time.Hour}}},
		{`team:"Night Shift"`, []QueryTerm{{Key: "team", Value: "Night Shift"}}},
		{`assignee:@"Ana Lima" tag:vip`, []QueryTerm{{Key: "assignee", Value: "Ana Lima", At: true}, {Pos: 21, Key: "tag", Value: "vip"}}},
		{`assignee:@me`, []QueryTerm{{Key: "assignee", Value: "me", At: true}}}, // an agent called me
		{"waiting:<2d unread:no", []QueryTerm{{Key: "waiting", Value: "<2d", Op: '<', Dur: 48 * time.Hour}, {Pos: 12, Key: "unread", Value: "no"}}},
		{"invoice -spam", []QueryTerm{{Value: "invoice"}, {Pos: 8, Neg: true, Value: "spam"}}},
		{`"10:30 call"`, []QueryTerm{{Value: "10:30 call"}}},
		{"12:30", []QueryTerm{{Value: "12:30"}}},
		{"status:resolved account:Main", []QueryTerm{{Key: "status", Value: "resolved"}, {Pos: 16, Key: "account", Value: "Main"}}},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.src)
		if err != nil {
			t.Errorf("ParseQuery(%q): %v", tt.src, err)
			continue
		}
		got := q.Terms()
		for i := range got {
			got[i].Word = ""
		}
		if !slices.Equal(got, tt.terms) {
			t.Errorf("ParseQuery(%q) = %+v, want %+v", tt.src, got, tt.terms)
		}
		if q.String() != tt.src {
			t.Errorf("String() = %q", q.String())
		}
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		src  string
		pos  int
		word string
		msg  string // part of the message
	}{
		{"window:soon", 0, "window:soon", "open, closing or closed"},
		{"folder:inbox windw:open", 13, "windw:open", "unknown key windw:"},
		{"unread:maybe", 0, "unread:maybe", "yes or no"},
		{"a - b", 2, "-", "needs a word"},
		{"team:", 0, "team:", "needs a value"},
		{`team:"Night Shift`, 0, `team:"Night Shift`, "not closed"},
		{`team:Night" Shift"`, 0, `team:Night" Shift"`, "whole value"},
		{"waiting:30m", 0, "waiting:30m", "yes, no, >D or <D"},
		{"waiting:>soon", 0, "waiting:>soon", "30m, 2h"},
		{"waiting:>-1h", 0, "waiting:>-1h", "30m, 2h"},
		{"status:closed", 0, "status:closed", "open or resolved"},
		{"x \xff", 2, "\xff", "UTF-8"},
	}
	for _, tt := range tests {
		_, err := ParseQuery(tt.src)
		var qe *QueryError
		if !errors.As(err, &qe) {
			t.Errorf("ParseQuery(%q) = %v, want a QueryError", tt.src, err)
			continue
		}
		if qe.Pos != tt.pos || qe.Word != tt.word || !strings.Contains(qe.Msg, tt.msg) {
			t.Errorf("ParseQuery(%q) = %d %q %q, want %d %q …%s…", tt.src, qe.Pos, qe.Word, qe.Msg, tt.pos, tt.word, tt.msg)
		}
		if !strings.Contains(err.Error(), "column") {
			t.Errorf("error %q does not say where", err)
		}
	}
}

func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"", "folder:inbox", "window:closing -assignee:none waiting:>1h", `team:"Night Shift"`,
		`assignee:@"Ana Lima"`, "tag:vip unread:yes", "-", `"`, `a:"b`, "waiting:>2d", "status:open account:x", "\x1b[31m", "-folder:any",
		"2024-05-01 refund", `"+44 (0) 7902" ana`, "-1.5 snoozed:any", "00 a"} {
		f.Add(s)
	}
	s := openTest(f)
	f.Fuzz(func(t *testing.T, src string) {
		q, err := ParseQuery(src)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) {
				t.Fatalf("error %v is not a QueryError", err)
			}
			if qe.Pos < 0 || qe.Pos > len(src) || !strings.HasPrefix(src[qe.Pos:], qe.Word) {
				t.Fatalf("error at %d %q does not point into %q", qe.Pos, qe.Word, src)
			}
			if strings.ContainsAny(err.Error(), "\x1b\x00") {
				t.Fatalf("error text carries controls: %q", err)
			}
			return
		}
		// Each term is the word where it says, in the order written.
		last := -1
		for _, term := range q.Terms() {
			if term.Pos <= last || !strings.HasPrefix(src[term.Pos:], term.Word) || term.Word == "" {
				t.Fatalf("term %+v is not at its place in %q", term, src)
			}
			last = term.Pos
		}
		// Whatever parses compiles to SQL the store runs.
		for _, sort := range []QuerySort{SortActivity, SortWindow, SortWaiting} {
			v := View{Query: q.Sorted(sort), Now: t0, Me: "u1"}
			if _, err := s.CountConversations(v); err != nil {
				t.Fatalf("count %q: %v", src, err)
			}
			if _, err := s.ListConversations(v, 0, 5); err != nil {
				t.Fatalf("list %q: %v", src, err)
			}
		}
	})
}

// TestBuiltinViewsAsQueries: every built-in view is a query with the
// same conversations in the same order (the views' order is activity,
// Closing soon's is the window's).
func TestBuiltinViewsAsQueries(t *testing.T) {
	s := viewFixture(t)
	must(t, s.ReplaceUsers([]User{{ID: "u1", FirstName: "Ana", LastName: "Lima"}, {ID: "u2", FirstName: "Bo"}}))
	must(t, s.ReplaceTeams([]Team{{ID: "t1", Name: "Night Shift"}}))
	_, err := s.MarkUnread("g")
	must(t, err)
	for _, now := range []time.Time{t0, at(time.Hour), at(-3 * time.Hour)} {
		tests := []struct {
			name  string
			view  View
			query string
			sort  QuerySort
		}{
			{"inbox", View{Folder: FolderInbox}, "folder:inbox", SortActivity},
			{"inbox (no folder)", View{Folder: FolderInbox}, "", SortActivity},
			{"open (get.chat)", View{Folder: FolderInbox}, "status:open", SortActivity},
			{"archive", View{Folder: FolderArchive}, "folder:archive", SortActivity},
			{"resolved (get.chat)", View{Folder: FolderArchive}, "status:resolved", SortActivity},
			{"spam", View{Folder: FolderSpam}, "folder:spam", SortActivity},
			{"mine", View{Folder: FolderInbox, UserID: "u1"}, "folder:inbox assignee:me", SortActivity},
			{"mine by name", View{Folder: FolderInbox, UserID: "u1"}, `assignee:@"ana lima"`, SortActivity},
			{"unassigned", View{Folder: FolderInbox, Unassigned: true}, "folder:inbox assignee:none team:none", SortActivity},
			{"closing soon", View{Folder: FolderInbox, ClosingSoon: true}, "folder:inbox window:closing", SortWindow},
			{"team", View{Folder: FolderInbox, TeamID: "t1"}, `team:"Night Shift"`, SortActivity},
			{"inbox unread", View{Folder: FolderInbox, Unread: true}, "unread:yes", SortActivity},
		}
		for _, tt := range tests {
			tt.view.Now = now
			q, err := ParseQuery(tt.query)
			must(t, err)
			qv := View{Query: q.Sorted(tt.sort), Now: now, Me: "u1"}
			want, err := s.ListConversations(tt.view, 0, 100)
			must(t, err)
			got, err := s.ListConversations(qv, 0, 100)
			must(t, err)
			if !slices.Equal(ids(got), ids(want)) {
				t.Errorf("%s at %v: %q lists %v, the view %v", tt.name, now.Sub(t0), tt.query, ids(got), ids(want))
			}
			wn, err := s.CountConversations(tt.view)
			must(t, err)
			gn, err := s.CountConversations(qv)
			must(t, err)
			if gn != wn {
				t.Errorf("%s: %q counts %d, the view %d", tt.name, tt.query, gn, wn)
			}
			for i, c := range want {
				if idx, err := s.IndexOf(qv, c.ID); err != nil || idx != i {
					t.Errorf("%s: IndexOf(%s) = %d, %v; want %d", tt.name, c.ID, idx, err, i)
				}
			}
		}
	}
}

func ids(cs []Conversation) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestQueryTerms(t *testing.T) {
	s := viewFixture(t)
	must(t, s.ReplaceUsers([]User{{ID: "u1", FirstName: "Ana", LastName: "Lima"}, {ID: "u2", FirstName: "Bo"}}))
	must(t, s.ReplaceTeams([]Team{{ID: "t1", Name: "Night Shift"}}))
	must(t, s.ReplaceAccounts([]Account{{ID: "a1", Name: "Main", Phone: "+100"}}))
	_, err := s.SetConversationTags("l", []string{"VIP", "billing"})
	must(t, err)
	_, err = s.MarkUnread("g")
	must(t, err)
	// Two more, snoozed: p (its window closed) and q (Bo's, open).
	apply(t, s, inMsg("in-p", "p", "from p", at(-30*time.Hour)), inMsg("in-q", "q", "from q", at(-time.Hour)))
	_, err = s.SetConversationMeta("q", FolderInbox, "u2", "")
	must(t, err)
	for _, id := range []string{"p", "q"} {
		_, err := s.SetSnooze(id, at(time.Hour), false)
		must(t, err)
	}
	tests := []struct {
		query string
		want  []string // sorted
	}{
		{"folder:spam", []string{"j"}},
		{"-folder:inbox", []string{"i", "j", "m"}},
		{"folder:any assignee:@ana", []string{"b", "g", "l", "m"}},
		{"assignee:@Bo", []string{"e"}},
		{"assignee:@nobody", nil},
		{"-assignee:none", []string{"b", "e", "g", "l"}},
		{"team:none -assignee:none", []string{"b", "e", "g", "l"}},
		{"tag:vip", []string{"l"}},
		{"-tag:vip folder:archive", []string{"i", "m"}},
		{"window:open folder:any", []string{"a", "b", "c", "d", "f", "g", "h", "i", "j", "l", "m", "n", "o"}},
		{"window:closed", []string{"e", "k"}},
		{"window:closing", []string{"b", "c", "f", "h", "n", "o"}},
		{"window:closing -assignee:none", []string{"b"}},
		{"unread:yes", []string{"a", "b", "c", "d", "e", "f", "g", "h", "l", "n", "o"}}, // customer messages are unread
		{"unread:no", []string{"k"}},
		{"waiting:yes", []string{"a", "b", "c", "d", "e", "f", "n", "o"}},
		{"waiting:>23h", []string{"e", "f", "n", "o"}}, // b: exactly 23h,
		{"waiting:<2h", []string{"a"}},
		{"waiting:no", []string{"g", "h", "k", "l"}},
		{"account:main", []string{"a", "b", "c", "d", "e", "f", "g", "h", "k", "l", "n", "o"}},
		{"account:+100 folder:spam", []string{"j"}},
		{"account:other", nil},
		{"from", []string{"a", "b", "c", "d", "e", "f", "n", "o"}}, // previews "from x"
		{`"to g"`, []string{"g"}},
		{"%", nil},
		{"-from -to", nil},
		{"folder:any", []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o"}},
		{"folder:any -assignee:@ana -team:none", []string{"d", "n"}},
		{"status:resolved -assignee:me", []string{"i"}},
		{"unread:yes unread:yes team:none", []string{"a", "b", "c", "e", "f", "g", "h", "l", "o"}},
		// Snoozed ones (snooze below) are in no query unless it asks.
		{"folder:any snoozed:yes", []string{"p", "q"}},
		{"snoozed:yes assignee:@bo", []string{"q"}},
		{"snoozed:any -window:open", []string{"e", "k", "p"}},
		{"-snoozed:no folder:archive", nil},
		{"waiting:yes snoozed:no", []string{"a", "b", "c", "d", "e", "f", "n", "o"}},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.query)
		must(t, err)
		got, err := s.ListConversations(View{Query: q, Now: t0, Me: "u1"}, 0, 100)
		must(t, err)
		g := ids(got)
		slices.Sort(g)
		if !slices.Equal(g, tt.want) {
			t.Errorf("%q = %v, want %v", tt.query, g, tt.want)
		}
		// The count (from conversation_counts where the terms allow),
		// and the unread ones of it.
		n, err := s.CountConversations(View{Query: q, Now: t0, Me: "u1"})
		must(t, err)
		unread := 0
		for _, c := range got {
			if c.IsUnread() {
				unread++
			}
		}
		u, err := s.CountConversations(View{Query: q, Now: t0, Me: "u1", Unread: true})
		must(t, err)
		if n != len(tt.want) || u != unread {
			t.Errorf("%q counts %d (%d unread), want %d (%d)", tt.query, n, u, len(tt.want), unread)
		}
	}
}

func TestQuerySorts(t *testing.T) {
	s := viewFixture(t)
	tests := []struct {
		sort QuerySort
		want []string
	}{
		{SortActivity, []string{"k", "l", "a", "d", "g", "c", "b", "h", "n", "o", "f", "e"}},
		// Open windows closing first, then the closed by activity.
		{SortWindow, []string{"f", "n", "o", "b", "g", "h", "c", "d", "a", "l", "k", "e"}},
		// The longest waiting first, then the answered by activity.
		{SortWaiting, []string{"e", "f", "n", "o", "b", "c", "d", "a", "k", "l", "g", "h"}},
	}
	q, err := ParseQuery("")
	must(t, err)
	for _, tt := range tests {
		v := View{Query: q.Sorted(tt.sort), Now: t0}
		got, err := s.ListConversations(v, 0, 100)
		must(t, err)
		if !slices.Equal(ids(got), tt.want) {
			t.Errorf("sort %d = %v, want %v", tt.sort, ids(got), tt.want)
		}
		for i, id := range tt.want {
			if idx, err := s.IndexOf(v, id); err != nil || idx != i {
				t.Errorf("sort %d: IndexOf(%s) = %d, %v; want %d", tt.sort, id, idx, err, i)
			}
		}
		// NextUnread walks the same order.
		id, idx, _, ok, err := s.NextUnread(v, tt.want[0])
		must(t, err)
		if !ok || idx < 1 || tt.want[idx] != id {
			t.Errorf("sort %d: NextUnread after %s = %s at %d", tt.sort, tt.want[0], id, idx)
		}
	}
}

func TestCheckQueryNames(t *testing.T) {
	s := openTest(t)
	must(t, s.ReplaceUsers([]User{{ID: "u1", FirstName: "Ana", LastName: "Lima"}}))
	must(t, s.ReplaceTeams([]Team{{ID: "t1", Name: "Night Shift"}}))
	must(t, s.ReplaceAccounts([]Account{{ID: "a1", Name: "Main", Phone: "+100"}}))
	tests := []struct {
		query string
		err   string
	}{
		{`assignee:@ana team:"night shift" account:Main assignee:me team:none`, ""},
		{`assignee:@"Ana Lima"`, ""},
		{"folder:inbox assignee:@zed", `"assignee:@zed" at column 14: no agent is called "zed" (known: "Ana Lima")`},
		{"team:Day", `no team is called "Day" (known: "Night Shift")`},
		{"account:x", `no account is called "x" (known: "Main")`},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.query)
		must(t, err)
		err = s.CheckQueryNames(q)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%q: %v", tt.query, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%q: %v, want …%s", tt.query, err, tt.err)
		}
	}
}

func TestLooksLikeQuery(t *testing.T) {
	for s, want := range map[string]bool{
		"window:closing": true, "  -assignee:none x": true, "WAITING:>1h": true, "Team:Sales": true,
		"ana": false, "10:30": false, "http://x": false, "": false, "re: invoice": false, "-": false,
	} {
		if got := LooksLikeQuery(s); got != want {
			t.Errorf("LooksLikeQuery(%q) = %v", s, got)
		}
	}
}

// A window or waiting sort over rows that all have an open window, or
// all wait, reads last_inbound in index order: the same order the
// general sort gives those rows.
func TestQuerySortShortcuts(t *testing.T) {
	s := viewFixture(t)
	for _, tt := range []struct {
		src  string
		sort QuerySort
	}{
		{"window:open", SortWindow}, {"window:closing", SortWindow}, {"window:open folder:any", SortWindow},
		{"waiting:yes", SortWaiting}, {"waiting:>1h", SortWaiting}, {"waiting:<23h30m -assignee:none", SortWaiting},
	} {
		q, err := ParseQuery(tt.src)
		must(t, err)
		got, err := s.ListConversations(View{Query: q.Sorted(tt.sort), Now: t0}, 0, 100)
		must(t, err)
		in := map[string]bool{}
		for _, c := range got {
			in[c.ID] = true
		}
		// The general sort: the same words and a term that changes no row
		// but is not one the shortcut reads.
		all, err := ParseQuery("folder:any -tag:zz")
		must(t, err)
		every, err := s.ListConversations(View{Query: all.Sorted(tt.sort), Now: t0}, 0, 100)
		must(t, err)
		var want []string
		for _, c := range every {
			if in[c.ID] {
				want = append(want, c.ID)
			}
		}
		if len(got) == 0 || !slices.Equal(ids(got), want) {
			t.Errorf("%q sorted %d: %v, the general sort %v", tt.src, tt.sort, ids(got), want)
		}
	}
}

// "Mark all in view" over a query's view marks its rows in its order.
func TestQueryViewMarkRefs(t *testing.T) {
	s := viewFixture(t)
	for _, tt := range []struct {
		src  string
		sort QuerySort
	}{{"folder:any", SortWindow}, {"waiting:yes", SortWaiting}, {"-assignee:none", SortActivity}} {
		q, err := ParseQuery(tt.src)
		must(t, err)
		v := View{Query: q.Sorted(tt.sort), Now: t0}
		list, err := s.ListConversations(v, 0, 100)
		must(t, err)
		refs, err := s.ViewMarkRefs(v)
		must(t, err)
		var got []string
		for _, r := range refs {
			got = append(got, r.ID)
		}
		if !slices.Equal(got, ids(list)) {
			t.Errorf("%q: marks %v, list %v", tt.src, got, ids(list))
		}
	}
}

// The plans the figures depend on: waiting and closing queries walk the
// index of waiting rows in order, assignee queries the assignee index,
// and counts of folder/assignee/team terms read conversation_counts.
func TestQueryPlansOfQueries(t *testing.T) {
	s := openTest(t)
	plan := func(query string, args ...any) string {
		t.Helper()
		rows, err := s.db.Query("EXPLAIN QUERY PLAN "+query, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var b strings.Builder
		for rows.Next() {
			var id, parent, notused int
			var detail string
			must(t, rows.Scan(&id, &parent, &notused, &detail))
			b.WriteString(detail + "; ")
		}
		return b.String()
	}
	tests := []struct {
		src       string
		sort      QuerySort
		index     string // the list's
		sorted    bool   // the list needs no sort of its own
		fromCount bool   // counted from conversation_counts
	}{
		{"waiting:>1h", SortWaiting, "conversations_closing", true, false},
		{"window:closing -assignee:none", SortWindow, "conversations_closing", true, false},
		{"assignee:me", SortActivity, "conversations_user", true, true},
		{"team:Sales unread:yes", SortActivity, "conversations_", false, true},
		{"folder:any assignee:@ana", SortActivity, "conversations_user", false, true},
	}
	for _, tt := range tests {
		q, err := ParseQuery(tt.src)
		must(t, err)
		vq := buildView(View{Query: q.Sorted(tt.sort), Now: t0, Me: "u1"})
		list := plan("SELECT *, "+vq.key+" AS qkey FROM conversations WHERE "+vq.where+" ORDER BY "+vq.order+" LIMIT 50", vq.args...)
		if !strings.Contains(list, tt.index) || strings.Contains(list, "SCAN conversations;") ||
			tt.sorted && strings.Contains(list, "TEMP B-TREE") {
			t.Errorf("%q list plan = %s; want %s (sorted: %v)", tt.src, list, tt.index, tt.sorted)
		}
		if (vq.count != "") != tt.fromCount {
			t.Errorf("%q counted from conversation_counts: %v, want %v", tt.src, vq.count != "", tt.fromCount)
		}
	}
}

// A kind the store has none of yet (before the first sync) is not
// checked; names match in ASCII case only, as the SQL does.
func TestUnknownNameBeforeSync(t *testing.T) {
	q, err := ParseQuery(`assignee:@zed team:"Night Shift" account:x`)
	must(t, err)
	if err := q.UnknownName(nil, nil, nil); err != nil {
		t.Errorf("nothing known yet: %v", err)
	}
	if err := q.UnknownName(nil, []Team{{ID: "t1", Name: "NIGHT SHIFT"}}, nil); err != nil {
		t.Errorf("the team in another case: %v", err)
	}
	q, err = ParseQuery("assignee:@ZOË")
	must(t, err)
	if err := q.UnknownName([]User{{ID: "u1", FirstName: "Zoë"}}, nil, nil); err == nil {
		t.Error("ZOË matched Zoë, which the SQL (NOCASE, ASCII only) does not")
	}
}
