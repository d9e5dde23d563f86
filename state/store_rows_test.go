package state

import (
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// The list's rows: the tick, who wrote the last message, the draft.
func TestListRowsLastMessage(t *testing.T) {
	s := openTest(t)
	must(t, s.ReplaceUsers([]User{
		{ID: "u1", FirstName: "Alex", LastName: "Agent"},
		{ID: "u2", FirstName: "Sam", LastName: "Patel"},
		{ID: "u3", FirstName: "Mary Ann", LastName: "Lee"},
		{ID: "u4", FirstName: "Jo", LastName: "Twin"},
		{ID: "u5", FirstName: "Jo", LastName: "Twin"},
	}))
	must(t, s.SetMeta(metaMe, "u1"))
	sender := func(m Message, name string) Message { m.Sender = name; return m }
	apply(t, s,
		inMsg("i1", "cust", "hello", at(time.Minute)),
		outMsg("o1", "mine", "done", at(2*time.Minute), StatusRead),
		inMsg("i2", "mine", "earlier", at(time.Minute)),
		sender(outMsg("o2", "byme", "on it", at(3*time.Minute), StatusDelivered), "Alex Agent"),
		sender(outMsg("o3", "bysam", "sure", at(4*time.Minute), StatusSent), "Sam Patel"),
		sender(outMsg("o4", "byann", "ok", at(5*time.Minute), StatusFailed), "Mary Ann Lee"),
		sender(outMsg("o5", "bystranger", "hi", at(6*time.Minute), StatusDelivered), "Kim Stranger"),
		sender(outMsg("o6", "twins", "yo", at(7*time.Minute), StatusDelivered), "Jo Twin"),
		outMsg("o7", "nobody", "broadcast", at(8*time.Minute), StatusSent),
	)
	// "mine": a reply sent from here (local), newer than o1.
	must(t, s.Enqueue(OutboxItem{LocalID: "L1", ConversationID: "local", AccountID: "a1", ContactID: "klocal", Body: "queued",
		Created: at(9 * time.Minute)}, Message{}))
	must(t, s.SaveDraft(Draft{ConversationID: "cust", Text: "  half a thought\nsecond line", Updated: at(10 * time.Minute)}))

	got, err := s.ListConversations(View{}, 0, 50)
	must(t, err)
	rows := map[string]Conversation{}
	for _, c := range got {
		rows[c.ID] = c
	}
	tests := []struct {
		id     string
		out    bool
		status MessageStatus
		mine   bool
		by     string
		draft  string
	}{
		{"cust", false, StatusUnknown, false, "", "half a thought"},
		{"mine", true, StatusRead, false, "", ""}, // no sender named, not sent from here: nobody known
		{"byme", true, StatusDelivered, true, "", ""},
		{"bysam", true, StatusSent, false, "Sam", ""},
		{"byann", true, StatusFailed, false, "Mary Ann", ""},
		{"bystranger", true, StatusDelivered, false, "Kim", ""},
		{"twins", true, StatusDelivered, false, "Jo", ""},
		{"nobody", true, StatusSent, false, "", ""},
		{"local", true, StatusPending, true, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c, ok := rows[tt.id]
			if !ok {
				t.Fatalf("%s not listed", tt.id)
			}
			if c.PreviewOut != tt.out || c.PreviewStatus != tt.status || c.PreviewMine != tt.mine || c.PreviewBy != tt.by || c.Draft != tt.draft {
				t.Errorf("row = out %v status %v mine %v by %q draft %q; want %v %v %v %q %q",
					c.PreviewOut, c.PreviewStatus, c.PreviewMine, c.PreviewBy, c.Draft, tt.out, tt.status, tt.mine, tt.by, tt.draft)
			}
		})
	}
	// A status that moves shows at the next read; the draft goes with the send.
	_, err = s.ApplyMessages(Batch{Messages: []Message{sender(outMsg("o3", "bysam", "sure", at(4*time.Minute), StatusRead), "Sam Patel")}}, t0)
	must(t, err)
	must(t, s.SaveDraft(Draft{ConversationID: "cust", Text: " ", Updated: at(11 * time.Minute)}))
	got, err = s.ListConversations(View{}, 0, 50)
	must(t, err)
	for _, c := range got {
		if c.ID == "bysam" && c.PreviewStatus != StatusRead {
			t.Errorf("bysam status = %v after it was read", c.PreviewStatus)
		}
		if c.ID == "cust" && c.Draft != "" {
			t.Errorf("cust draft = %q after it was cleared", c.Draft)
		}
	}
	// Without knowing who the agent is, nobody is "You" but by the outbox.
	must(t, s.SetMeta(metaMe, ""))
	got, err = s.ListConversations(View{}, 0, 50)
	must(t, err)
	for _, c := range got {
		if c.ID == "byme" && (c.PreviewMine || c.PreviewBy != "Alex") {
			t.Errorf("byme unknown agent: mine %v by %q", c.PreviewMine, c.PreviewBy)
		}
		if c.ID == "local" && !c.PreviewMine {
			t.Error("a reply sent from here is not the agent's")
		}
	}
}

func TestUnreadViewsAndMarkUnread(t *testing.T) {
	s := viewFixture(t)
	for _, id := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "m"} {
		must(t, s.MarkRead(id, t0))
	}
	// Left unread: k (no customer message: 0), l, n, o. Mark k unread.
	changed, err := s.MarkUnread("k")
	must(t, err)
	if !changed {
		t.Error("MarkUnread(k) changed nothing")
	}
	if changed, _ := s.MarkUnread("k"); changed {
		t.Error("a second MarkUnread(k) changed something")
	}
	if changed, err := s.MarkUnread("zz"); changed || err != nil {
		t.Errorf("MarkUnread of an unknown conversation = %v, %v", changed, err)
	}
	_, err = s.MarkUnread("m") // archived
	must(t, err)
	if c := getConv(t, s, "k"); !c.MarkedUnread || c.Unread != 0 || !c.IsUnread() {
		t.Errorf("k = marked %v unread %d", c.MarkedUnread, c.Unread)
	}
	tests := []struct {
		name string
		v    View
		want []string
	}{
		{"inbox", View{Unread: true}, []string{"k", "l", "n", "o"}},
		{"archive", View{Folder: FolderArchive, Unread: true}, []string{"m"}},
		{"mine", View{UserID: "u1", Unread: true}, []string{"l"}},
		{"team", View{TeamID: "t1", Unread: true}, []string{"n"}},
		{"unassigned", View{Unassigned: true, Unread: true}, []string{"k", "o"}},
		{"closing", View{ClosingSoon: true, Now: t0, Unread: true}, []string{"n", "o"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListConversations(tt.v, 0, 100)
			must(t, err)
			var ids []string
			for _, c := range got {
				ids = append(ids, c.ID)
				if !c.IsUnread() {
					t.Errorf("%s listed unread but is not", c.ID)
				}
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("list = %v, want %v", ids, tt.want)
			}
			if n, err := s.CountConversations(tt.v); err != nil || n != len(tt.want) {
				t.Errorf("count = %d, %v; want %d", n, err, len(tt.want))
			}
			for i, id := range tt.want {
				if idx, err := s.IndexOf(tt.v, id); err != nil || idx != i {
					t.Errorf("IndexOf(%s) = %d, %v; want %d", id, idx, err, i)
				}
			}
			if idx, _ := s.IndexOf(tt.v, "a"); idx != -1 {
				t.Errorf("IndexOf(a, read) = %d", idx)
			}
		})
	}
	next := []struct {
		name        string
		v           View
		after       string
		wantID      string
		wantIndex   int
		wantWrapped bool
		wantOK      bool
	}{
		{"from the top", View{}, "", "k", 0, false, true},
		{"after a read row", View{}, "a", "n", 8, false, true},
		{"after an unread row", View{}, "k", "l", 1, false, true},
		{"wraps", View{}, "o", "k", 0, true, true},
		{"unknown row: from the top", View{}, "zz", "k", 0, false, true},
		{"closing soon order", View{ClosingSoon: true, Now: t0}, "f", "n", 1, false, true},
		{"closing soon wraps", View{ClosingSoon: true, Now: t0}, "o", "n", 1, true, true},
		{"the only one", View{TeamID: "t1"}, "n", "", -1, false, false},
		{"none", View{Folder: FolderSpam}, "j", "", -1, false, false},
		{"in the unread view", View{Unread: true}, "l", "n", 2, false, true},
	}
	for _, tt := range next {
		t.Run("next unread "+tt.name, func(t *testing.T) {
			id, i, wrapped, ok, err := s.NextUnread(tt.v, tt.after)
			must(t, err)
			if id != tt.wantID || i != tt.wantIndex || wrapped != tt.wantWrapped || ok != tt.wantOK {
				t.Errorf("NextUnread = %q %d wrapped %v ok %v; want %q %d %v %v", id, i, wrapped, ok, tt.wantID, tt.wantIndex, tt.wantWrapped, tt.wantOK)
			}
		})
	}
	// Opening it clears the mark.
	must(t, s.MarkRead("k", t0))
	if c := getConv(t, s, "k"); c.MarkedUnread || c.IsUnread() {
		t.Errorf("k still unread after MarkRead: %+v", c)
	}
	checkIntegrity(t, s)
}

// The unread-only views walk the partial index of unread rows, in order.
func TestUnreadQueryPlans(t *testing.T) {
	s := openTest(t)
	plan := func(query string, args ...any) string {
		t.Helper()
		rows, err := s.db.Query("EXPLAIN QUERY PLAN "+query, args...)
		must(t, err)
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
	for _, v := range []View{{Unread: true}, {Folder: FolderArchive, Unread: true}, {UserID: "u1", Unread: true}, {Unassigned: true, Unread: true}} {
		q := buildView(v)
		for what, p := range map[string]string{
			"list":  plan("SELECT id FROM conversations WHERE "+q.where+" ORDER BY "+q.order+" LIMIT 50", q.args...),
			"count": plan("SELECT count(*) FROM conversations WHERE "+q.where, q.args...),
		} {
			if strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "SCAN conversations") && !strings.Contains(p, "INDEX") {
				t.Errorf("%+v %s plan = %s; want an index walk without sorting", v, what, p)
			}
		}
	}
	// The page's last message and draft are looked up by unique keys.
	q := buildView(View{})
	p := plan(`SELECT c.id, mi.status, ml.status, d.text FROM (SELECT * FROM conversations WHERE `+q.where+` ORDER BY `+q.order+` LIMIT 50) AS c
		LEFT JOIN messages mi ON mi.id = c.preview_key
		LEFT JOIN messages ml ON substr(c.preview_key, 1, 6) = 'local:' AND ml.local_id = substr(c.preview_key, 7)
		LEFT JOIN drafts d ON d.conversation_id = c.id ORDER BY `+qualified("c", q.order), q.args...)
	if strings.Contains(p, "SCAN mi") || strings.Contains(p, "SCAN ml") || strings.Contains(p, "SCAN d") || strings.Contains(p, "TEMP B-TREE") ||
		strings.Count(p, "SEARCH") < 4 {
		t.Errorf("list plan = %s; want lookups of the last message and the draft", p)
	}
}

// checkUnreadCounts compares conversation_counts.u with the rows.
func checkUnreadCounts(t testing.TB, s *Store) {
	t.Helper()
	var bad int
	must(t, s.db.QueryRow(`SELECT count(*) FROM (
		SELECT folder, user_id, team_id, count(*) AS u FROM conversations WHERE unread > 0 OR marked_unread = 1
		GROUP BY folder, user_id, team_id) c
		FULL JOIN (SELECT folder, user_id, team_id, u FROM conversation_counts WHERE u <> 0) k USING (folder, user_id, team_id)
		WHERE c.u IS NOT k.u`).Scan(&bad))
	if bad != 0 {
		t.Errorf("%d unread counts differ from the rows", bad)
	}
}

// The unread counts follow every way a row becomes unread, read, moves
// or goes.
func TestUnreadCountsFollowTheRows(t *testing.T) {
	s := viewFixture(t)
	checkUnreadCounts(t, s)
	steps := []struct {
		name string
		do   func()
	}{
		{"read", func() { must(t, s.MarkRead("a", t0)); must(t, s.MarkRead("b", t0)) }},
		{"marked unread", func() { _, err := s.MarkUnread("a"); must(t, err) }},
		{"marked and a new message", func() { apply(t, s, inMsg("x1", "a", "again", at(time.Minute))) }},
		{"a new message to a read one", func() { apply(t, s, inMsg("x2", "b", "again", at(2*time.Minute))) }},
		{"unread moves folder", func() { _, err := s.SetConversationMeta("a", FolderArchive, "u1", ""); must(t, err) }},
		{"unread reassigned", func() {
			_, err := s.SwapConversationMeta("a", ConversationMeta{Folder: FolderArchive, UserID: "u1"}, ConversationMeta{Folder: FolderSpam, TeamID: "t1"}, false)
			must(t, err)
		}},
		{"read one moves", func() {
			must(t, s.MarkRead("c", t0))
			_, err := s.SetConversationMeta("c", FolderSpam, "", "")
			must(t, err)
		}},
		{"read again", func() { must(t, s.MarkRead("a", t0)) }},
		{"new conversation", func() { apply(t, s, inMsg("x3", "new1", "hi", at(3*time.Minute))) }},
		{"platform counts", func() {
			_, err := s.ApplyMessages(Batch{Unread: map[string]int{"new1": 0, "d": 0, "e": 3}}, t0)
			must(t, err)
		}},
	}
	for _, st := range steps {
		st.do()
		checkUnreadCounts(t, s)
		n, err := s.CountConversations(View{Folder: FolderSpam, Unread: true})
		must(t, err)
		list, err := s.ListConversations(View{Folder: FolderSpam, Unread: true}, 0, 100)
		must(t, err)
		if n != len(list) {
			t.Errorf("after %s: spam unread count %d, list %d", st.name, n, len(list))
		}
		if t.Failed() {
			t.Fatalf("after %s", st.name)
		}
	}
	checkIntegrity(t, s)
}

// BenchmarkUnreadViews reads the first page, the count and the next
// unread of the inbox's unread view, and every unread count the sidebar
// shows.
func BenchmarkUnreadViews(b *testing.B) {
	s := openBench(b)
	users, err := s.Users()
	if err != nil || len(users) == 0 {
		b.Fatalf("users: %v", err)
	}
	b.Run("list", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.ListConversations(View{Unread: true}, 0, 50); err != nil {
				b.Fatal(err)
			}
			if _, err := s.CountConversations(View{Unread: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("next", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, _, err := s.NextUnread(View{}, benchData.middleID); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sidebar counts", func(b *testing.B) {
		for b.Loop() {
			for _, v := range []View{{Unread: true}, {Folder: FolderArchive, Unread: true}, {UserID: users[0].ID, Unread: true}, {Unassigned: true, Unread: true}} {
				if _, err := s.CountConversations(v); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// A store of version 6 with unread and read conversations counts its
// unread ones once migration 7 has run.
func TestMigration7CountsUnread(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mbx.db")
	db, err := sql.Open("sqlite", dsn(path))
	must(t, err)
	for i, m := range migrations[:6] {
		_, err := db.Exec(m)
		must(t, err)
		_, err = db.Exec(fmt.Sprintf("PRAGMA user_version = %d", i+1))
		must(t, err)
	}
	for _, c := range []struct {
		id, folder, user string
		unread           int
	}{{"a", "inbox", "", 2}, {"b", "inbox", "", 0}, {"c", "inbox", "u1", 1}, {"d", "archive", "", 5}, {"e", "archive", "", 0}} {
		_, err := db.Exec("INSERT INTO conversations(id, folder, user_id, unread, last_activity) VALUES (?, ?, ?, ?, 1)", c.id, c.folder, c.user, c.unread)
		must(t, err)
	}
	must(t, db.Close())
	s, err := Open(path)
	must(t, err)
	defer s.Close()
	checkUnreadCounts(t, s)
	for _, tt := range []struct {
		v    View
		want int
	}{{View{Unread: true}, 2}, {View{Unassigned: true, Unread: true}, 1}, {View{UserID: "u1", Unread: true}, 1}, {View{Folder: FolderArchive, Unread: true}, 1}, {View{}, 3}} {
		if n, err := s.CountConversations(tt.v); err != nil || n != tt.want {
			t.Errorf("count %+v = %d, %v; want %d", tt.v, n, err, tt.want)
		}
	}
}
