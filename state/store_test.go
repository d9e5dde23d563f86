package state

import (
	"errors"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"
)

// t0 is the fixed clock of the store tests.
var t0 = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// at is t0 plus d.
func at(d time.Duration) time.Time { return t0.Add(d) }

// raceEnabled reports whether the test binary was built with -race, under
// which the transpiled SQLite runs about thirty times slower.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// openTest opens a new, empty store in a temp dir. The database file is
// a copy of one that Open created and migrated, made once per test binary:
// the migrations take a good part of a second under the race detector,
// and most tests open a store of their own. (The tests of Open itself
// open new files.)
func openTest(t testing.TB) *Store {
	t.Helper()
	path := filepath.Join(t.TempDir(), "mbx.db")
	if err := os.WriteFile(path, emptyStoreFile(t), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		// Whatever the test did, conversations_fts still says exactly
		// what the conversations hold (store_search.go).
		if !t.Failed() && s.db.Ping() == nil { // (a test may close it itself)
			checkConvIndex(t, s)
		}
		s.Close()
	})
	return s
}

var emptyStore struct {
	once sync.Once
	file []byte
	err  error
}

// emptyStoreFile is the database file of a store just created by Open and
// closed: migrated, with no data.
func emptyStoreFile(t testing.TB) []byte {
	t.Helper()
	emptyStore.once.Do(func() {
		dir, err := os.MkdirTemp("", "mbx-state-test")
		if err != nil {
			emptyStore.err = err
			return
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "mbx.db")
		s, err := Open(path)
		if err != nil {
			emptyStore.err = err
			return
		}
		if err := s.Close(); err != nil {
			emptyStore.err = err
			return
		}
		if _, err := os.Stat(path + "-wal"); err == nil {
			emptyStore.err = errors.New("closing the store left a -wal file")
			return
		}
		emptyStore.file, emptyStore.err = os.ReadFile(path)
	})
	if emptyStore.err != nil {
		t.Fatalf("making the empty store: %v", emptyStore.err)
	}
	return emptyStore.file
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// inMsg is a customer message of conversation conv (account a1, contact
// "k"+conv).
func inMsg(id, conv, body string, when time.Time) Message {
	return Message{ID: id, ConversationID: conv, AccountID: "a1", ContactID: "k" + conv, Direction: Inbound,
		Body: body, Time: when}
}

// outMsg is a business message of conversation conv.
func outMsg(id, conv, body string, when time.Time, st MessageStatus) Message {
	return Message{ID: id, ConversationID: conv, AccountID: "a1", ContactID: "k" + conv, Direction: Outbound,
		Body: body, Time: when, Status: st}
}

func apply(t testing.TB, s *Store, msgs ...Message) ApplyResult {
	t.Helper()
	res, err := s.ApplyMessages(Batch{Messages: msgs}, t0)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func getConv(t testing.TB, s *Store, id string) Conversation {
	t.Helper()
	c, ok, err := s.Conversation(id)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatalf("conversation %s not found", id)
	}
	return c
}

func getMsg(t testing.TB, s *Store, key string) Message {
	t.Helper()
	m, ok, err := s.Message(key)
	if err != nil {
		t.Fatal(err)
	}
	if !ok {
		t.Fatalf("message %s not found", key)
	}
	return m
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state", "mbx")
	path := filepath.Join(dir, "acme.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	must(t, s.SetMeta("cursor", "42"))
	must(t, s.Close())

	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != 0o600 {
		t.Errorf("file mode = %o, want 600", got)
	}
	di, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := di.Mode().Perm(); got != 0o700 {
		t.Errorf("dir mode = %o, want 700", got)
	}

	// Reopen: data survives, the schema version is the latest.
	s, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := s.GetMeta("cursor"); err != nil || v != "42" {
		t.Errorf("GetMeta after reopen = %q, %v; want 42", v, err)
	}
	var version int
	must(t, s.db.QueryRow("PRAGMA user_version").Scan(&version))
	if version != len(migrations) {
		t.Errorf("user_version = %d, want %d", version, len(migrations))
	}
	var mode string
	must(t, s.db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	var fk int
	must(t, s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk))
	if fk != 1 {
		t.Errorf("foreign_keys = %d, want 1", fk)
	}
}

func TestOpenExistingFileKeepsMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "odd ?#% name.db")
	must(t, os.WriteFile(path, nil, 0o640))
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	must(t, s.SetMeta("k", "v"))
	must(t, s.Close())
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() == 0 {
		t.Error("database written somewhere else than the path given")
	}
	if got := fi.Mode().Perm(); got != 0o640 {
		t.Errorf("existing file mode changed to %o", got)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mbx.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.db.Exec("PRAGMA user_version = 999")
	must(t, err)
	must(t, s.Close())
	if s, err := Open(path); err == nil {
		s.Close()
		t.Fatal("Open of a newer schema succeeded")
	} else if !strings.Contains(err.Error(), "newer") {
		t.Errorf("error = %v, want one saying the schema is newer", err)
	}
}

func TestOpenEmptyPath(t *testing.T) {
	if _, err := Open(""); err == nil {
		t.Fatal("Open(\"\") succeeded")
	}
}

func TestMeta(t *testing.T) {
	s := openTest(t)
	tests := []struct{ key, value string }{
		{"sync.cursor", "2025-03-10T12:00:00Z"},
		{"empty", ""},
		{"unicode ✓", "café"},
		{"sync.cursor", "overwritten"},
	}
	for _, tt := range tests {
		must(t, s.SetMeta(tt.key, tt.value))
		if got, err := s.GetMeta(tt.key); err != nil || got != tt.value {
			t.Errorf("GetMeta(%q) = %q, %v; want %q", tt.key, got, err, tt.value)
		}
	}
	if got, err := s.GetMeta("absent"); err != nil || got != "" {
		t.Errorf("GetMeta(absent) = %q, %v", got, err)
	}
}

func TestClosedStoreErrors(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "mbx.db"))
	if err != nil {
		t.Fatal(err)
	}
	must(t, s.Close())
	if _, err := s.GetMeta("x"); err == nil {
		t.Error("GetMeta on a closed store succeeded")
	}
	if err := s.SetMeta("x", "y"); err == nil {
		t.Error("SetMeta on a closed store succeeded")
	}
}

func TestTimeRoundTrip(t *testing.T) {
	for _, tm := range []time.Time{{}, t0, t0.Add(123456789 * time.Nanosecond), time.Date(2261, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(1980, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 3600))} {
		if got := fromNanos(toNanos(tm)); !got.Equal(tm) {
			t.Errorf("round trip of %v = %v", tm, got)
		}
	}
}

// TestConcurrentReadsAndWrites runs readers beside a writer (under -race
// this also checks the Store's own state).
func TestConcurrentReadsAndWrites(t *testing.T) {
	s := openTest(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 50 {
			id := "m" + string(rune('a'+i%26)) + strings.Repeat("x", i/26)
			if _, err := s.ApplyMessages(Batch{Messages: []Message{inMsg(id, "c1", "hello", at(time.Duration(i)*time.Second))}}, t0); err != nil {
				errs <- err
				return
			}
		}
	}()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 50 {
				if _, err := s.ListConversations(View{}, 0, 50); err != nil {
					errs <- err
					return
				}
				if _, err := s.Thread("c1", time.Time{}, 20); err != nil {
					errs <- err
					return
				}
				if _, err := s.SearchMessages("hello", 10); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n, err := s.ThreadCount("c1"); err != nil || n != 50 {
		t.Errorf("ThreadCount = %d, %v; want 50", n, err)
	}
}

// TestQueryPlans checks that the UI's reads walk an index in order rather
// than sorting or scanning the table: the property that keeps them fast
// at 100,000 conversations.
func TestQueryPlans(t *testing.T) {
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
	views := []struct {
		name  string
		v     View
		index string // for the list; counts may walk any covering index
	}{
		{"inbox", View{}, "conversations_folder"},
		{"archive", View{Folder: FolderArchive}, "conversations_folder"},
		{"mine", View{UserID: "u1"}, "conversations_user"},
		{"team", View{TeamID: "t1"}, "conversations_team"},
		{"unassigned", View{Unassigned: true}, "conversations_unassigned"},
		{"mine closing", View{UserID: "u1", ClosingSoon: true, Now: t0}, "conversations_"},
		{"closing", View{ClosingSoon: true, Now: t0}, "conversations_closing"},
		{"rescue", View{Rescue: true, Now: t0}, "conversations_closing"},
	}
	for _, tt := range views {
		t.Run(tt.name, func(t *testing.T) {
			q := buildView(tt.v)
			checks := map[string]string{
				"list":     plan("SELECT "+convCols+" FROM conversations WHERE "+q.where+" ORDER BY "+q.order+" LIMIT 50", q.args...),
				"count":    plan("SELECT count(*) FROM conversations WHERE "+q.where, q.args...),
				"index of": plan(q.countBefore(), append(q.args, 1, 1, "x")...),
			}
			for _, what := range []string{"count", "index of"} {
				// (Closing soon narrowed by assignee reads the few rows of
				// its window.)
				if p := checks[what]; !strings.Contains(p, "COVERING INDEX") && !(tt.v.ClosingSoon && tt.v.UserID != "") {
					t.Errorf("%s plan = %s; want an index-only count", what, p)
				}
			}
			for what, p := range checks {
				if !strings.Contains(p, tt.index) || strings.Contains(p, "TEMP B-TREE") || strings.Contains(p, "SCAN conversations") {
					t.Errorf("%s plan = %s; want a walk of %s without sorting", what, p, tt.index)
				}
			}
		})
	}
	for _, tt := range []struct{ name, query, want string }{
		{"thread", "SELECT " + msgCols + " FROM messages WHERE conversation_id = 'c' AND time < 5 ORDER BY time DESC, msg_key DESC LIMIT 50", "messages_thread"},
		{"nonfinal", "SELECT " + msgCols + " FROM messages WHERE direction = 1 AND id IS NOT NULL AND status NOT IN (4, 5) AND time >= 0 ORDER BY time, seq LIMIT 50", "messages_nonfinal"},
		{"without meta", "SELECT id FROM conversations WHERE meta_known = 0 ORDER BY last_activity DESC, id LIMIT 50", "conversations_nometa"},
		{"local", "SELECT " + msgCols + " FROM messages WHERE local_id = 'x'", "messages_local"},
		{"search", strings.Replace(strings.Replace(searchMessagesSQL, "?", `'"x"*'`, 1), "?", "50", 1), "VIRTUAL TABLE"},
	} {
		if p := plan(tt.query); !strings.Contains(p, tt.want) || strings.Contains(p, "TEMP B-TREE") {
			t.Errorf("%s plan = %s; want %s without sorting", tt.name, p, tt.want)
		}
	}
}

// rowCount is how many rows a table holds.
func rowCount(t testing.TB, s *Store, table string) int {
	t.Helper()
	var n int
	must(t, s.db.QueryRow("SELECT count(*) FROM "+table).Scan(&n))
	return n
}

func TestWriteRollsBack(t *testing.T) {
	s := openTest(t)
	// The batch's conversation metadata names a folder that does not
	// exist: it fails after its messages and conversation were written in
	// the transaction, and the whole batch is refused, those included.
	// (A message without an id is no longer the input: the engine skips
	// such a message before the store; see TestSyncSkipsMalformedItems.)
	_, err := s.ApplyMessages(Batch{Messages: []Message{inMsg("m1", "c1", "a", t0), inMsg("m2", "c1", "a", t0.Add(time.Second))},
		Conversations: map[string]ConversationMeta{"c1": {Folder: "attic"}}}, t0)
	if err == nil {
		t.Fatal("batch with an unknown folder accepted")
	}
	if n := rowCount(t, s, "messages"); n != 0 {
		t.Errorf("%d messages written by a failed batch", n)
	}
	if _, ok, _ := s.Conversation("c1"); ok {
		t.Error("conversation written by a failed batch")
	}
	if !strings.HasPrefix(err.Error(), "store: apply messages: ") {
		t.Errorf("error %q lacks context", err)
	}
	// Wrapped sentinels stay visible through the context.
	if err := s.UpdateOutbox(OutboxItem{LocalID: "none", State: OutboxQueued}); !errors.Is(err, ErrNotFound) ||
		!strings.HasPrefix(err.Error(), "store: update outbox none: ") {
		t.Errorf("UpdateOutbox(unknown) = %v", err)
	}
}

// checkIntegrity verifies what the store keeps by hand beside its tables:
// the full-text indexes against their content, the conversation counts
// against the rows, every message's rowid against its time, and SQLite's
// own integrity check.
func checkIntegrity(t testing.TB, s *Store) {
	t.Helper()
	for _, q := range []string{
		"INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)",
		"INSERT INTO contacts_fts(contacts_fts, rank) VALUES ('integrity-check', 1)",
	} {
		if _, err := s.db.Exec(q); err != nil {
			t.Errorf("%s: %v", q, err)
		}
	}
	var bad int
	must(t, s.db.QueryRow(`SELECT count(*) FROM (
		SELECT CASE WHEN snoozed_until <> 0 THEN 'snoozed' ELSE folder END AS folder, user_id, team_id,
			count(*) AS n, sum(unread > 0 OR marked_unread = 1) AS u
		FROM conversations GROUP BY 1, user_id, team_id) c
		FULL JOIN (SELECT * FROM conversation_counts WHERE n <> 0) k USING (folder, user_id, team_id)
		WHERE c.n IS NOT k.n OR c.u IS NOT k.u`).Scan(&bad))
	if bad != 0 {
		t.Errorf("%d conversation counts differ from the rows", bad)
	}
	rows, err := s.db.Query("SELECT seq, time FROM messages")
	must(t, err)
	defer rows.Close()
	for rows.Next() {
		var seq, tm int64
		must(t, rows.Scan(&seq, &tm))
		if base := seqBase(tm); seq < base || seq >= base+seqSlots {
			t.Errorf("message seq %d outside the millisecond of its time %d", seq, tm)
		}
	}
	must(t, rows.Err())
	var ok string
	must(t, s.db.QueryRow("PRAGMA integrity_check").Scan(&ok))
	if ok != "ok" {
		t.Errorf("integrity_check: %s", ok)
	}
}

func TestSeqBase(t *testing.T) {
	tests := []struct{ t, want int64 }{
		{0, 0},
		{999_999, 0},
		{1_000_000, seqSlots},
		{2_500_000, 2 * seqSlots},
		{-1, -seqSlots},
		{-1_000_000, -seqSlots},
		{-1_000_001, -2 * seqSlots},
		{toNanos(time.Date(2262, 1, 1, 0, 0, 0, 0, time.UTC)), 9_214_646_400_000 * seqSlots},
	}
	for _, tt := range tests {
		if got := seqBase(tt.t); got != tt.want {
			t.Errorf("seqBase(%d) = %d, want %d", tt.t, got, tt.want)
		}
	}
}
