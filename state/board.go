package state

import (
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"
)

// The supervisor board: per agent, per team and for nobody, how the
// open conversations stand — how many, how many customers wait for an
// answer and since when, how many windows close in the next two hours,
// how many were lost today — and when the customers last wrote, by hour.
//
// Every figure is over open conversations (folder inbox: get.chat's
// open ones), read in one pass over the conversations table. A customer
// waits when the conversation's last message is theirs (last_inbound >=
// last_outbound, as Closing soon reads it). A window was lost today when
// it closed (last_inbound + 24h) between local midnight and now while the
// customer was waiting.

// BoardHours is how many hours the board's sparkline covers.
const BoardHours = 12

// BoardKind says whose row it is.
type BoardKind int

const (
	BoardUser BoardKind = iota
	BoardTeam
	BoardUnassigned
)

// BoardRow is one agent's, team's or nobody's figures.
type BoardRow struct {
	Kind BoardKind
	ID   string // user or team id; "" for Unassigned
	Name string // as stored (unsanitized: the UI cleans it)

	Open       int       // open conversations
	Waiting    int       // of them, the customer's message is the last
	OldestWait time.Time // the longest waiting customer's last message (zero: none)
	Closing    int       // windows of waiting customers closing in the next 2 hours
	LostToday  int       // windows that closed today while the customer waited
	// Hourly counts the conversations whose latest customer message came
	// in each of the last BoardHours hours, oldest first.
	Hourly [BoardHours]int
}

// View is the list view of the row's open conversations.
func (r BoardRow) View() View {
	switch r.Kind {
	case BoardUser:
		return View{Folder: FolderInbox, UserID: r.ID}
	case BoardTeam:
		return View{Folder: FolderInbox, TeamID: r.ID}
	}
	return View{Folder: FolderInbox, Unassigned: true}
}

// Board is the whole board at one moment.
type Board struct {
	Now        time.Time
	Users      []BoardRow // most waiting first, then most open, then name
	Teams      []BoardRow
	Unassigned BoardRow
	// Total is every open conversation once (a conversation with an agent
	// and a team is in both rows).
	Total BoardRow
}

// Rows are the board's rows in the order drawn: agents, teams, nobody.
func (b Board) Rows() []BoardRow {
	out := make([]BoardRow, 0, len(b.Users)+len(b.Teams)+1)
	out = append(out, b.Users...)
	out = append(out, b.Teams...)
	return append(out, b.Unassigned)
}

// Board reads the board at now (local midnight is now's).
func (s *Store) Board(now time.Time) (Board, error) {
	b := Board{Now: now, Unassigned: BoardRow{Kind: BoardUnassigned, Name: "Unassigned"}, Total: BoardRow{Kind: BoardUnassigned, Name: "Total"}}
	y, m, d := now.Date()
	midnight := time.Date(y, m, d, 0, 0, 0, 0, now.Location())
	// One pass over the open conversations in table order, summed here:
	// at 100k conversations a scan of the table is several times faster
	// than the folder index (a lookup of the row for every entry) and than
	// GROUP BY (a sort of every row). See BenchmarkBoard.
	n := toNanos(now)
	hour := int64(time.Hour)
	since := n - BoardHours*hour                                                       // the sparkline's start
	closingFrom, closingTo := n-int64(WindowLength), n+int64(ClosingSoon-WindowLength) // expiry in (now, now+2h)
	lostFrom, lostTo := toNanos(midnight)-int64(WindowLength), n-int64(WindowLength)   // expiry in [midnight, now]
	rows, err := s.db.Query("SELECT user_id, team_id, last_inbound, last_outbound FROM conversations NOT INDEXED WHERE folder = 'inbox'")
	if err != nil {
		return b, fmt.Errorf("store: board: %w", err)
	}
	defer rows.Close()
	type pair struct{ user, team string }
	groups := map[string]map[string]*BoardRow{} // user → team → figures
	oldest := map[*BoardRow]int64{}
	var user, team sql.RawBytes // not copied: looked up without allocating
	for rows.Next() {
		var in, out int64
		if err := rows.Scan(&user, &team, &in, &out); err != nil {
			return b, fmt.Errorf("store: board: %w", err)
		}
		byTeam := groups[string(user)]
		if byTeam == nil {
			byTeam = map[string]*BoardRow{}
			groups[string(user)] = byTeam
		}
		g := byTeam[string(team)]
		if g == nil {
			g = &BoardRow{}
			byTeam[string(team)] = g
		}
		g.Open++
		if in > since && in <= n {
			g.Hourly[BoardHours-1-(n-in)/hour]++
		}
		if in <= 0 || in < out { // the last message is ours: nobody waits
			continue
		}
		g.Waiting++
		if o, ok := oldest[g]; !ok || in < o {
			oldest[g] = in
		}
		if in > closingFrom && in < closingTo {
			g.Closing++
		}
		if in >= lostFrom && in <= lostTo {
			g.LostToday++
		}
	}
	if err := rows.Err(); err != nil {
		return b, fmt.Errorf("store: board: %w", err)
	}
	rows.Close()
	users, teams := map[string]*BoardRow{}, map[string]*BoardRow{}
	get := func(m map[string]*BoardRow, kind BoardKind, id string) *BoardRow {
		r := m[id]
		if r == nil {
			r = &BoardRow{Kind: kind, ID: id}
			m[id] = r
		}
		return r
	}
	add := func(p pair, g BoardRow) {
		targets := []*BoardRow{&b.Total}
		if p.user != "" {
			targets = append(targets, get(users, BoardUser, p.user))
		}
		if p.team != "" {
			targets = append(targets, get(teams, BoardTeam, p.team))
		}
		if p.user == "" && p.team == "" {
			targets = append(targets, &b.Unassigned)
		}
		for _, r := range targets {
			r.add(g)
		}
	}
	for u, byTeam := range groups {
		for t, g := range byTeam {
			if o, ok := oldest[g]; ok {
				g.OldestWait = fromNanos(o)
			}
			add(pair{u, t}, *g)
		}
	}

	// Every known agent and team has a row, idle ones too.
	us, err := s.Users()
	if err != nil {
		return b, err
	}
	for _, u := range us {
		get(users, BoardUser, u.ID).Name = u.Name()
	}
	ts, err := s.Teams()
	if err != nil {
		return b, err
	}
	for _, t := range ts {
		get(teams, BoardTeam, t.ID).Name = t.Name
	}
	b.Users, b.Teams = sortBoard(users), sortBoard(teams)
	return b, nil
}

// sortBoard: most waiting first, then most open, then by name and id.
func sortBoard(m map[string]*BoardRow) []BoardRow {
	out := make([]BoardRow, 0, len(m))
	for _, r := range m {
		if r.Name == "" {
			r.Name = r.ID
		}
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Waiting != b.Waiting {
			return a.Waiting > b.Waiting
		}
		if a.Open != b.Open {
			return a.Open > b.Open
		}
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c < 0
		}
		return a.ID < b.ID
	})
	return out
}

// BoardIDs are the ids of a board row's open conversations, waiting
// customers first (longest waiting first), then the rest by activity:
// what the board reassigns.
func (s *Store) BoardIDs(r BoardRow) ([]string, error) {
	q := s.plan(r.View(), false)
	rows, err := s.db.Query("SELECT id FROM "+q.table()+" WHERE "+q.where+
		" ORDER BY (last_inbound > 0 AND last_inbound >= last_outbound) DESC, CASE WHEN last_inbound >= last_outbound THEN last_inbound END, last_activity DESC, id", q.args...)
	if err != nil {
		return nil, fmt.Errorf("store: board conversations: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: board conversations: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// Board and BoardIDs for the UI (ui.Core).
func (s *Service) Board(now time.Time) (Board, error)    { return s.st.Board(now) }
func (s *Service) BoardIDs(r BoardRow) ([]string, error) { return s.st.BoardIDs(r) }

// add sums another group's figures into r.
func (r *BoardRow) add(g BoardRow) {
	r.Open += g.Open
	r.Waiting += g.Waiting
	r.Closing += g.Closing
	r.LostToday += g.LostToday
	if !g.OldestWait.IsZero() && (r.OldestWait.IsZero() || g.OldestWait.Before(r.OldestWait)) {
		r.OldestWait = g.OldestWait
	}
	for i, n := range g.Hourly {
		r.Hourly[i] += n
	}
}
