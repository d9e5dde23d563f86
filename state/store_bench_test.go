package state

import (
	"bufio"
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The benchmarks run against one synthetic store of benchConversations
// conversations and benchMessages messages, generated once per
// `go test -bench` run (never by plain `go test`: only benchmarks call
// benchStore). It lives in os.TempDir()/mbx-state-bench-<pid>; a run
// removes the directories left by earlier runs whose process is gone.

const (
	benchConversations = 100_000
	benchMessages      = 1_000_000
	benchBigThread     = 500 // messages of the conversation BenchmarkThreadPage reads
	benchSearchWord    = "zephyr"
	benchDays          = 30
)

// benchNow is the synthetic store's "now": every message is older.
var benchNow = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

var (
	benchOnce sync.Once
	benchData struct {
		path      string
		bigConv   string        // the conversation with benchBigThread messages
		middleID  string        // a conversation in the middle of the inbox
		generated time.Duration // how long generation took
		phases    []string      // and its phases
		err       error
	}
)

// benchStore returns the path of the synthetic store, generating it on
// first use.
func benchStore(b *testing.B) string {
	b.Helper()
	benchOnce.Do(func() {
		removeStaleBenchDirs()
		dir := filepath.Join(os.TempDir(), fmt.Sprintf("mbx-state-bench-%d", os.Getpid()))
		if err := os.RemoveAll(dir); err != nil {
			benchData.err = err
			return
		}
		benchData.path = filepath.Join(dir, "bench.db")
		start := time.Now()
		benchData.err = generateBenchStore(benchData.path)
		benchData.generated = time.Since(start)
		if benchData.err == nil {
			benchData.err = findBenchTargets()
		}
	})
	if benchData.err != nil {
		b.Fatalf("generate benchmark store: %v", benchData.err)
	}
	b.Logf("synthetic store: %d conversations, %d messages, generated in %v (%s) in %s",
		benchConversations, benchMessages, benchData.generated.Round(time.Millisecond),
		strings.Join(benchData.phases, ", "), benchData.path)
	return benchData.path
}

// removeStaleBenchDirs removes the stores of earlier runs that are over.
func removeStaleBenchDirs() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "mbx-state-bench-*"))
	for _, d := range dirs {
		pid, err := strconv.Atoi(strings.TrimPrefix(filepath.Base(d), "mbx-state-bench-"))
		if err != nil || pid == os.Getpid() {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/proc/%d", pid)); errors.Is(err, os.ErrNotExist) {
			os.RemoveAll(d)
		}
	}
}

// benchWords are the vocabulary of message bodies.
var benchWords = strings.Fields(`
	hello hi thanks thank you please order delivery parcel tracking number when will my arrive today tomorrow
	yesterday week price discount invoice payment card refund return exchange size colour color blue red black
	white small medium large available stock shop store open close hours address street city postcode phone
	call back later morning afternoon evening sorry delay problem issue help support agent question answer
	booking appointment confirm cancel change time date monday tuesday wednesday thursday friday saturday sunday
	the a an and or but with without for from to in on at of is are was were be been have has had do does did
	not no yes ok okay great good bad fine perfect sure maybe need want like love can could would should
	café crème naïve entrega obrigado olá são joão coração señor mañana año gracias müller straße zürich
	account login password email message photo picture video link website app update version new old same
	first last next previous again still already just only also very really quite much many more less
	customer service team manager product item package box courier driver van warehouse shipping express
	standard free cost total amount balance receipt quote estimate offer deal sale promo code voucher gift`)

var benchFirst = strings.Fields(`Ana João Maria Pedro Sofia Miguel Beatriz Tiago Inês Rui Emma Oliver Amelia Jack Isla Harry
	Zoë Noah Mia Leo Chloé René Björn Søren Ángel Lucía Mateo Valentina Chiara Luca Aisha Omar Fatima Yusuf Priya Arjun`)

var benchLast = strings.Fields(`Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Smith Jones Taylor Brown
	Williams Wilson Müller Schmidt García Fernández López Rossi Russo Khan Patel Singh Nguyen Kim Ångström Dubois`)

func benchUUID(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// benchBody makes a message body from a seed: 3 to 24 words, about 1% of
// them holding benchSearchWord.
func benchBody(seed uint64, sb *strings.Builder) string {
	r := rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15))
	sb.Reset()
	n := 3 + r.IntN(22)
	special := -1
	if r.IntN(100) == 0 {
		special = r.IntN(n)
	}
	for i := range n {
		if i > 0 {
			sb.WriteByte(' ')
		}
		w := benchWords[r.IntN(len(benchWords))]
		if i == special {
			w = benchSearchWord
		}
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		sb.WriteString(w)
	}
	if r.IntN(3) == 0 {
		sb.WriteByte('?')
	} else {
		sb.WriteByte('.')
	}
	return sb.String()
}

type benchMsg struct {
	conv   int32
	dir    Direction
	status MessageStatus
	time   int64
	seed   uint64
}

// generateBenchStore writes the synthetic store: the schema and reference
// data through the Store, then the bulk on one raw connection without a
// journal, in one transaction of multi-row INSERTs, with the secondary
// indexes dropped during the load and rebuilt after it (sorting once is
// far cheaper than a million random index inserts) and the full-text
// indexes built at the end.
func generateBenchStore(path string) error {
	phaseStart := time.Now()
	phase := func(name string) {
		benchData.phases = append(benchData.phases, fmt.Sprintf("%s %v", name, time.Since(phaseStart).Round(time.Millisecond)))
		phaseStart = time.Now()
	}
	r := rand.New(rand.NewPCG(1, 2))
	accounts := []Account{{ID: benchUUID(r), Name: "Acme Retail", Phone: "+442071234567"}, {ID: benchUUID(r), Name: "Acme Lisboa", Phone: "+351213456789"}}
	var users []User
	for i := range 10 {
		users = append(users, User{ID: benchUUID(r), FirstName: benchFirst[i], LastName: benchLast[i], AccountIDs: []string{accounts[i%2].ID}})
	}
	var teams []Team
	for i, name := range []string{"Sales", "Support", "Returns"} {
		teams = append(teams, Team{ID: benchUUID(r), Name: name, UserIDs: []string{users[i].ID, users[i+3].ID}})
	}
	s, err := Open(path)
	if err != nil {
		return err
	}
	if err := errors.Join(s.ReplaceAccounts(accounts), s.ReplaceUsers(users), s.ReplaceTeams(teams)); err != nil {
		s.Close()
		return err
	}
	if err := s.Close(); err != nil {
		return err
	}

	// Conversations, each with its contact.
	type benchConv struct {
		row   convRow
		count int
	}
	convs := make([]benchConv, benchConversations)
	for i := range convs {
		c := &convs[i].row
		c.id, c.contactID = benchUUID(r), benchUUID(r)
		acc := i % 2
		c.accountID = accounts[acc].ID
		if r.IntN(10) != 0 {
			c.contactName = benchFirst[r.IntN(len(benchFirst))] + " " + benchLast[r.IntN(len(benchLast))]
		}
		if acc == 0 {
			c.contactNumber = fmt.Sprintf("+447%09d", r.IntN(1_000_000_000))
		} else {
			c.contactNumber = fmt.Sprintf("+3519%08d", r.IntN(100_000_000))
		}
		switch f := r.IntN(100); {
		case f < 70:
			c.folder = string(FolderInbox)
		case f < 95:
			c.folder = string(FolderArchive)
		default:
			c.folder = string(FolderSpam)
		}
		switch a := r.IntN(100); {
		case a < 45:
			c.userID = users[r.IntN(len(users))].ID
		case a < 60:
			c.teamID = teams[r.IntN(len(teams))].ID
		}
		c.metaKnown = r.IntN(50) != 0
		convs[i].count = 1
	}
	convs[0].count = benchBigThread
	for left := benchMessages - benchBigThread - (benchConversations - 1); left > 0; left-- {
		convs[1+r.IntN(benchConversations-1)].count++
	}

	// Messages: times spread over benchDays, inserted in time order as a
	// sync would, so a thread's rows are scattered through the table.
	msgs := make([]benchMsg, 0, benchMessages)
	span := int64(benchDays * 24 * time.Hour)
	end := benchNow.UnixNano()
	for i := range convs {
		for range convs[i].count {
			m := benchMsg{conv: int32(i), time: end - 1 - r.Int64N(span), seed: r.Uint64()}
			if r.IntN(100) < 55 {
				m.dir = Inbound
			} else {
				m.dir = Outbound
				switch st := r.IntN(100); {
				case m.time > end-int64(24*time.Hour) && st < 30:
					m.status = StatusSent
				case st < 70:
					m.status = StatusRead
				case st < 90:
					m.status = StatusDelivered
				case st < 97:
					m.status = StatusSent
				default:
					m.status = StatusFailed
				}
			}
			msgs = append(msgs, m)
		}
	}
	slices.SortFunc(msgs, func(a, b benchMsg) int { return cmp.Compare(a.time, b.time) })

	phase("plan")

	ctx := context.Background()
	u := url.URL{Scheme: "file", Path: path}
	q := url.Values{}
	for _, p := range []string{"journal_mode(OFF)", "synchronous(OFF)", "cache_size(-1048576)", "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	u.RawQuery = q.Encode()
	raw, err := sql.Open("sqlite", u.String())
	if err != nil {
		return err
	}
	defer raw.Close()
	conn, err := raw.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Drop the secondary indexes of the bulk tables, to be recreated from
	// the schema's own SQL after the load.
	var indexes []string
	rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema
		WHERE type = 'index' AND tbl_name IN ('messages', 'conversations', 'contacts') AND sql IS NOT NULL`)
	if err != nil {
		return err
	}
	var drop []string
	for rows.Next() {
		var name, ddl string
		if err := rows.Scan(&name, &ddl); err != nil {
			rows.Close()
			return err
		}
		drop, indexes = append(drop, name), append(indexes, ddl)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, name := range drop {
		if _, err := tx.ExecContext(ctx, "DROP INDEX "+name); err != nil {
			return err
		}
	}
	const perStmt = 200
	const cols = 11
	insertSQL := func(n int) string {
		return `INSERT INTO messages(seq, id, local_id, conversation_id, account_id, contact_id, direction, body, time,
			status, reason, template, sender) VALUES ` + strings.Repeat("(?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?), ", n-1) +
			"(?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)"
	}
	ins, err := tx.PrepareContext(ctx, insertSQL(perStmt))
	if err != nil {
		return err
	}
	var sb strings.Builder
	args := make([]any, 0, perStmt*cols)
	var seq int64                       // time-ordered, as msgWriter.nextSeq makes them
	sinceOut := make([]int, len(convs)) // customer messages after our last reply
	for _, m := range msgs {
		c := &convs[m.conv].row
		body := benchBody(m.seed, &sb)
		reason, sender := "", ""
		if m.status == StatusFailed {
			reason = "Message undeliverable"
		}
		if m.dir == Outbound {
			sender = users[int(m.seed%uint64(len(users)))].Name()
			c.lastOut = max(c.lastOut, m.time)
			sinceOut[m.conv] = 0
		} else {
			c.lastIn = max(c.lastIn, m.time)
			sinceOut[m.conv]++
		}
		id := benchUUID(r)
		if m.time >= c.lastAct {
			c.lastAct, c.preview, c.previewOut, c.previewKey = m.time, previewOf(body), m.dir == Outbound, id
		}
		if base := seqBase(m.time); seq < base {
			seq = base
		} else {
			seq++
		}
		args = append(args, seq, id, c.id, c.accountID, c.contactID, m.dir, body, m.time, m.status, reason, sender)
		if len(args) == cap(args) {
			if _, err := ins.ExecContext(ctx, args...); err != nil {
				return err
			}
			args = args[:0]
		}
	}
	ins.Close()
	if len(args) > 0 {
		if _, err := tx.ExecContext(ctx, insertSQL(len(args)/cols), args...); err != nil {
			return err
		}
	}
	phase("messages")
	// Unread: one conversation in six has customer messages after the
	// agent last read it.
	for i := range convs {
		c := &convs[i].row
		c.readAt = c.lastAct
		if r.IntN(6) == 0 && sinceOut[i] > 0 {
			c.readAt, c.unread = c.lastOut, sinceOut[i]
		}
	}
	cins, err := tx.PrepareContext(ctx, `INSERT INTO conversations(`+convCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	kins, err := tx.PrepareContext(ctx, `INSERT INTO contacts(id, account_id, name, number, status, email, tags, created, digits)
		VALUES (?, ?, ?, ?, 'Subscribed', '', '[]', ?, ?)`)
	if err != nil {
		return err
	}
	for i := range convs {
		c := convs[i].row
		if _, err := cins.ExecContext(ctx, c.id, c.accountID, c.contactID, c.contactName, c.contactNumber, c.folder, c.userID,
			c.teamID, c.lastIn, c.lastOut, c.lastAct, c.preview, c.previewOut, c.previewKey, c.unread, c.readAt, c.metaKnown, c.tags); err != nil {
			return err
		}
		if _, err := kins.ExecContext(ctx, c.contactID, c.accountID, c.contactName, c.contactNumber, end-span,
			searchDigits(c.contactNumber)); err != nil {
			return err
		}
	}
	cins.Close()
	kins.Close()
	phase("conversations and contacts")
	for _, ddl := range indexes {
		if _, err := tx.ExecContext(ctx, ddl); err != nil {
			return err
		}
	}
	phase("indexes")
	for _, q := range []string{
		"INSERT INTO messages_fts(messages_fts) VALUES ('rebuild')",
		"INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild')",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	if err := fillConversationsFTS(tx); err != nil {
		return err
	}
	phase("full-text indexes")
	if err := tx.Commit(); err != nil {
		return err
	}
	phase("commit")
	// The next Open puts the database back in WAL mode.
	return nil
}

// findBenchTargets picks the conversations the benchmarks read.
func findBenchTargets() error {
	s, err := Open(benchData.path)
	if err != nil {
		return err
	}
	defer s.Close()
	var mode string
	if err := s.db.QueryRow("PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		return fmt.Errorf("journal mode %q after generation: %v", mode, err)
	}
	if err := s.db.QueryRow(`SELECT conversation_id FROM messages GROUP BY conversation_id
		ORDER BY count(*) DESC LIMIT 1`).Scan(&benchData.bigConv); err != nil {
		return err
	}
	n, err := s.CountConversations(View{})
	if err != nil {
		return err
	}
	mid, err := s.ListConversations(View{}, n/2, 1)
	if err != nil || len(mid) != 1 {
		return fmt.Errorf("middle conversation: %v", err)
	}
	benchData.middleID = mid[0].ID
	return nil
}

func openBench(b *testing.B) *Store {
	b.Helper()
	s, err := Open(benchStore(b))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkOpenFirstPage is the start-up path: open the store, read the
// first page of the inbox and the folder counts, close.
func BenchmarkOpenFirstPage(b *testing.B) {
	path := benchStore(b)
	for b.Loop() {
		s, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		page, err := s.ListConversations(View{}, 0, 50)
		if err != nil || len(page) != 50 {
			b.Fatalf("first page: %d rows, %v", len(page), err)
		}
		if _, err := s.FolderCounts(); err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	rss, err := probeRSS(path)
	if err != nil {
		b.Fatalf("RSS probe: %v", err)
	}
	b.ReportMetric(rss, "MiB-rss")
}

// probeRSS runs TestStoreRSSProbe in a fresh process (this one holds the
// generator's memory) and returns its resident set after opening the
// store and reading the first page, in MiB.
func probeRSS(path string) (float64, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestStoreRSSProbe$", "-test.count=1")
	cmd.Env = append(os.Environ(), "MBX_STATE_RSS_PROBE="+path)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, out)
	}
	for line := range strings.Lines(string(out)) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "rss-probe-kib: "); ok {
			kib, err := strconv.ParseFloat(v, 64)
			return kib / 1024, err
		}
	}
	return 0, fmt.Errorf("no figure in the probe's output: %s", out)
}

// TestStoreRSSProbe is BenchmarkOpenFirstPage's helper process; it does
// nothing unless MBX_STATE_RSS_PROBE names a store.
func TestStoreRSSProbe(t *testing.T) {
	path := os.Getenv("MBX_STATE_RSS_PROBE")
	if path == "" {
		t.Skip("helper process for BenchmarkOpenFirstPage")
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ListConversations(View{}, 0, 50); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FolderCounts(); err != nil {
		t.Fatal(err)
	}
	kib, err := vmRSS()
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("rss-probe-kib: %d\n", kib)
}

// vmRSS reads this process's resident set size in KiB.
func vmRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			return strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
		}
	}
	return 0, errors.New("no VmRSS in /proc/self/status")
}

// BenchmarkListPageDeep reads a page far down the inbox.
func BenchmarkListPageDeep(b *testing.B) {
	s := openBench(b)
	for b.Loop() {
		page, err := s.ListConversations(View{}, 50_000, 50)
		if err != nil || len(page) != 50 {
			b.Fatalf("page: %d rows, %v", len(page), err)
		}
	}
}

// BenchmarkListViews reads the first page and the count of each view.
func BenchmarkListViews(b *testing.B) {
	s := openBench(b)
	users, err := s.Users()
	if err != nil || len(users) == 0 {
		b.Fatalf("users: %v", err)
	}
	teams, err := s.Teams()
	if err != nil || len(teams) == 0 {
		b.Fatalf("teams: %v", err)
	}
	views := []struct {
		name string
		v    View
	}{
		{"archive", View{Folder: FolderArchive}},
		{"mine", View{UserID: users[0].ID}},
		{"team", View{TeamID: teams[0].ID}},
		{"unassigned", View{Unassigned: true}},
		{"closing", View{ClosingSoon: true, Now: benchNow}},
	}
	for _, tt := range views {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.ListConversations(tt.v, 0, 50); err != nil {
					b.Fatal(err)
				}
				if _, err := s.CountConversations(tt.v); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkThreadPage reads 50 messages of a 500-message conversation:
// the newest page, and one from the middle.
func BenchmarkThreadPage(b *testing.B) {
	s := openBench(b)
	all, err := s.Thread(benchData.bigConv, time.Time{}, benchBigThread)
	if err != nil || len(all) != benchBigThread {
		b.Fatalf("thread: %d messages, %v", len(all), err)
	}
	for _, tt := range []struct {
		name   string
		before time.Time
	}{{"newest", time.Time{}}, {"middle", all[benchBigThread/2].Time}} {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				page, err := s.Thread(benchData.bigConv, tt.before, 50)
				if err != nil || len(page) != 50 {
					b.Fatalf("page: %d messages, %v", len(page), err)
				}
			}
		})
	}
}

// BenchmarkSearch searches a word found in about 1% of the messages.
func BenchmarkSearch(b *testing.B) {
	s := openBench(b)
	for b.Loop() {
		hits, err := s.SearchMessages(benchSearchWord, 50)
		if err != nil || len(hits) != 50 {
			b.Fatalf("search: %d hits, %v", len(hits), err)
		}
	}
}

// BenchmarkSearchHard searches what matches much more: a word in about
// 4% of the messages, one letter (a whole word: too short for a prefix),
// and three-letter prefixes.
func BenchmarkSearchHard(b *testing.B) {
	s := openBench(b)
	for _, q := range []string{"the", "o", "ord", "order con"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.SearchMessages(q, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkSearchContacts searches contacts by a part of a number, a
// name, and one letter.
func BenchmarkSearchContacts(b *testing.B) {
	s := openBench(b)
	for _, q := range []string{"7902", "ana sil", "a"} {
		b.Run(q, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.SearchContacts(q, 20); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkIndexOf finds the position of a conversation half-way down the
// inbox.
func BenchmarkIndexOf(b *testing.B) {
	s := openBench(b)
	for b.Loop() {
		idx, err := s.IndexOf(View{}, benchData.middleID)
		if err != nil || idx < 0 {
			b.Fatalf("IndexOf = %d, %v", idx, err)
		}
	}
}

// BenchmarkApplyMessages1k applies batches of 1,000 new messages to
// existing conversations of the big store. It runs last: it grows the
// store.
func BenchmarkApplyMessages1k(b *testing.B) {
	s := openBench(b)
	ids, err := s.ListConversations(View{}, 0, 5000)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	var sb strings.Builder
	round := 0
	run := time.Now().UnixNano() // ids new to a store another run of the benchmark wrote to
	for b.Loop() {
		b.StopTimer()
		batch := Batch{Messages: make([]Message, 1000)}
		for i := range batch.Messages {
			c := ids[r.IntN(len(ids))]
			m := Message{ID: fmt.Sprintf("bench-%d-%d-%d", run, round, i), ConversationID: c.ID, AccountID: c.AccountID,
				ContactID: c.ContactID, Body: benchBody(r.Uint64(), &sb), Time: benchNow.Add(time.Duration(round*1000+i) * time.Millisecond)}
			if i%2 == 1 {
				m.Direction, m.Status = Outbound, StatusSent
			}
			batch.Messages[i] = m
		}
		round++
		b.StartTimer()
		res, err := s.ApplyMessages(batch, benchNow)
		if err != nil || res.NewMessages != 1000 {
			b.Fatalf("apply: %+v, %v", res, err)
		}
	}
}
