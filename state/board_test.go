package state

import (
	"testing"
	"time"
)

// boardConv is one row of the board tests' store.
type boardConv struct {
	id, folder, user, team string
	in, out                time.Duration // before t0; 0: none
}

func seedBoard(t testing.TB, s *Store, convs []boardConv) {
	t.Helper()
	if err := s.ReplaceUsers([]User{{ID: "u1", FirstName: "Ana", LastName: "Lima"}, {ID: "u2", FirstName: "Bo"}, {ID: "u3", FirstName: "Idle"}}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReplaceTeams([]Team{{ID: "t1", Name: "Sales"}}); err != nil {
		t.Fatal(err)
	}
	ns := func(d time.Duration) int64 {
		if d == 0 {
			return 0
		}
		return toNanos(t0.Add(-d))
	}
	for _, c := range convs {
		act := max(ns(c.in), ns(c.out))
		if _, err := s.db.Exec(`INSERT INTO conversations(id, folder, user_id, team_id, last_inbound, last_outbound, last_activity) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			c.id, c.folder, c.user, c.team, ns(c.in), ns(c.out), act); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBoardFigures(t *testing.T) {
	s := openTest(t)
	h := time.Hour
	// t0 is 12:00 UTC: midnight was 12 h ago.
	seedBoard(t, s, []boardConv{
		{id: "a1", folder: "inbox", user: "u1", in: 30 * time.Minute},              // waiting 30m
		{id: "a2", folder: "inbox", user: "u1", in: 23 * h, out: 0},                // waiting 23h: closes within 2h
		{id: "a3", folder: "inbox", user: "u1", team: "t1", in: 5 * h, out: 4 * h}, // answered
		{id: "a4", folder: "inbox", user: "u1", in: 30 * h, out: 31 * h},           // lost at 06:00 today
		{id: "a5", folder: "archive", user: "u1", in: 1 * h},                       // not open
		{id: "b1", folder: "inbox", user: "u2", team: "t1", in: 2*h + time.Minute}, // waiting
		{id: "b2", folder: "inbox", user: "u2", in: 40 * h},                        // lost yesterday, not today
		{id: "n1", folder: "inbox", in: 3 * h},                                     // unassigned, waiting
		{id: "n2", folder: "inbox", in: 13 * h, out: 12 * h},                       // unassigned, answered, out of the sparkline
		{id: "n3", folder: "spam", in: 1 * h},                                      // not open
		{id: "tm", folder: "inbox", team: "t1", in: 25 * h, out: 26 * h},           // team only: lost at 11:00 today
	})
	b, err := s.Board(t0)
	if err != nil {
		t.Fatal(err)
	}
	type fig struct {
		name                         string
		open, waiting, closing, lost int
		oldest                       time.Duration
	}
	got := func(r BoardRow) fig {
		f := fig{name: r.Name, open: r.Open, waiting: r.Waiting, closing: r.Closing, lost: r.LostToday}
		if !r.OldestWait.IsZero() {
			f.oldest = t0.Sub(r.OldestWait)
		}
		return f
	}
	rows := b.Rows()
	want := []fig{
		{"Ana Lima", 4, 3, 1, 1, 30 * h},
		{"Bo", 2, 2, 0, 0, 40 * h},
		{"Idle", 0, 0, 0, 0, 0},
		{"Sales", 3, 2, 0, 1, 25 * h},
		{"Unassigned", 2, 1, 0, 0, 3 * h},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		if g := got(rows[i]); g != w {
			t.Errorf("row %d = %+v, want %+v", i, g, w)
		}
	}
	// Ana's customers wrote 30m ago (hour 0, the last slot) and 5h ago.
	if h := rows[0].Hourly; h[BoardHours-1] != 1 || h[BoardHours-1-5] != 1 || sum(h[:]) != 2 {
		t.Errorf("Ana's hours = %v", h)
	}
	if h := rows[4].Hourly; h[BoardHours-1-3] != 1 || sum(h[:]) != 1 {
		t.Errorf("Unassigned hours = %v", h)
	}

	// What the board reassigns: waiting first, longest waiting first.
	ids, err := s.BoardIDs(rows[0])
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a4", "a2", "a1", "a3"}; !equalStrings(ids, want) {
		t.Errorf("BoardIDs(Ana) = %v, want %v", ids, want)
	}
	ids, _ = s.BoardIDs(rows[4])
	if want := []string{"n1", "n2"}; !equalStrings(ids, want) {
		t.Errorf("BoardIDs(Unassigned) = %v, want %v", ids, want)
	}
}

func sum(xs []int) (n int) {
	for _, x := range xs {
		n += x
	}
	return n
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// BenchmarkBoard reads the board of the 100k-conversation store.
func BenchmarkBoard(b *testing.B) {
	s := openBench(b)
	now := time.Now()
	for b.Loop() {
		if _, err := s.Board(now); err != nil {
			b.Fatal(err)
		}
	}
}
