package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// The supervisor board: a dialog the size of the screen with a row per
// agent, per team and for nobody — open conversations and waiting
// customers as bars, the longest wait, windows closing in the next two
// hours and lost today, and a sparkline of when the customers last wrote
// over the last twelve hours. It is read again on every change the engine
// publishes and every minute (refreshBoard). From a row the supervisor
// marks all of its open conversations, opens them as a list, or hands
// them to someone else with the assign picker (the bulk machinery does
// the rest: results, undo). Closing it leaves the inbox as it was.

// boardDialog draws a state.Board; it does no IO: the root reads.
type boardDialog struct {
	km     KeyMap
	me     string
	b      state.Board
	rows   []state.BoardRow
	loaded bool
	err    string
	reqID  int // the read asked last; older answers are dropped
	// One read at a time: changes while one is under way ask for one
	// more when it ends (a burst of changes is a read or two, not one a
	// change: a read of 100k conversations takes a tenth of a second).
	reading, again bool
	cursor         int // the selected row
	first          int // the first line of the rows drawn
	asking         string
	marked         map[string]bool // rows whose conversations were marked
}

// boardLoadedMsg is a read of the board, for the dialog.
type boardLoadedMsg struct {
	reqID int
	board state.Board
	err   error
}

// boardRowReadMsg: a row's conversations, read for an action (do).
type boardRowReadMsg struct {
	row  state.BoardRow
	do   boardDo
	ids  []string
	refs []state.MarkRef
	err  error
}

type boardDo int

const (
	boardDoAssign boardDo = iota
	boardDoMark
)

// Actions of the board for the root (handleBoardAction).
type (
	boardAssign struct { // the assign picker for these conversations
		ids  []string
		what string
	}
	boardMark struct { // mark these conversations in the list
		refs []state.MarkRef
		what string
	}
	boardShow   struct{ row state.BoardRow } // list the row's conversations
	boardUndo   struct{}                     // take back the last move or assignment
	boardReread struct{}                     // read the board again (changes came meanwhile)
)

func newBoard(km KeyMap, me string) *boardDialog {
	return &boardDialog{km: km, me: me, marked: map[string]bool{}}
}

func boardRowKey(r state.BoardRow) string { return fmt.Sprintf("%d:%s", r.Kind, r.ID) }

// name is a row's name for the screen.
func (d *boardDialog) name(r state.BoardRow) string {
	n := line(r.Name)
	if r.Kind == state.BoardUser && r.ID == d.me && d.me != "" {
		n += " (me)"
	}
	return n
}

func (d *boardDialog) Waiting() (bool, bool) { return !d.loaded || d.asking != "", true }
func (d *boardDialog) Bounds() (int, int)    { return 1 << 16, 1 << 16 }

func (d *boardDialog) set(m boardLoadedMsg) {
	if m.reqID != d.reqID {
		return
	}
	d.loaded = true
	if m.err != nil {
		d.err = "cannot read the board: " + m.err.Error()
		return
	}
	d.err = ""
	var was string
	if d.cursor < len(d.rows) {
		was = boardRowKey(d.rows[d.cursor])
	}
	d.b, d.rows = m.board, m.board.Rows()
	d.cursor = min(d.cursor, len(d.rows)-1)
	for i, r := range d.rows { // the same agent stays selected as the order moves
		if boardRowKey(r) == was {
			d.cursor = i
		}
	}
}

func (d *boardDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case boardLoadedMsg:
		if m.reqID != d.reqID {
			return nil, nil
		}
		d.reading = false
		d.set(m)
		if d.again {
			d.again = false
			return nil, boardReread{}
		}
		return nil, nil
	case boardRowReadMsg:
		d.asking = ""
		what := d.name(m.row) + "'s open conversations"
		if m.row.Kind == state.BoardUnassigned {
			what = "the unassigned open conversations"
		}
		switch {
		case m.err != nil:
			return nil, flashNote{text: "cannot read " + what + ": " + m.err.Error(), isErr: true}
		case m.do == boardDoAssign && len(m.ids) == 0, m.do == boardDoMark && len(m.refs) == 0:
			return nil, flashNote{text: "No open conversations in " + d.name(m.row) + "'s row"}
		case m.do == boardDoMark:
			d.marked[boardRowKey(m.row)] = true
			return nil, boardMark{refs: m.refs, what: what}
		}
		return nil, boardAssign{ids: m.ids, what: what}
	case tea.KeyPressMsg:
		return d.handleKey(m)
	}
	return nil, nil
}

func (d *boardDialog) handleKey(k tea.KeyPressMsg) (tea.Cmd, action) {
	km := d.km
	switch {
	case key.Matches(k, km.Close, km.Back, km.Board, km.Quit):
		return nil, closeDialog{}
	case key.Matches(k, km.Down, km.PickerDown):
		d.cursor++
	case key.Matches(k, km.Up, km.PickerUp):
		d.cursor--
	case key.Matches(k, km.Top):
		d.cursor = 0
	case key.Matches(k, km.Bottom):
		d.cursor = len(d.rows) - 1
	case key.Matches(k, km.Undo): // the last reassignment, from here
		return nil, boardUndo{}
	case key.Matches(k, km.Open, km.Choose):
		if r, ok := d.selected(); ok {
			return nil, boardShow{row: r}
		}
	case key.Matches(k, km.Assign):
		if r, ok := d.selected(); ok {
			d.asking = "Reading " + d.name(r) + "'s conversations…"
			return nil, boardRead{row: r, do: boardDoAssign}
		}
	case key.Matches(k, km.Mark):
		if r, ok := d.selected(); ok {
			d.asking = "Marking " + d.name(r) + "'s conversations…"
			return nil, boardRead{row: r, do: boardDoMark}
		}
	}
	d.cursor = max(0, min(d.cursor, len(d.rows)-1))
	return nil, nil
}

// boardRead asks the root to read a row's conversations for the dialog.
type boardRead struct {
	row state.BoardRow
	do  boardDo
}

func (d *boardDialog) selected() (state.BoardRow, bool) {
	if d.cursor < 0 || d.cursor >= len(d.rows) {
		return state.BoardRow{}, false
	}
	return d.rows[d.cursor], true
}

// boardCols are the widths of the board's columns at one width.
type boardCols struct {
	name, bar int
	spark     bool
}

func boardLayout(w int) boardCols {
	// marker 2, name, 2, open 5+bar, 2, waiting 5+bar, 2, longest 7, 1,
	// closing 4, 1, lost 4, and 2 and the sparkline where it fits.
	fixed := 2 + 2 + 5 + 2 + 5 + 2 + 7 + 1 + 4 + 1 + 4
	c := boardCols{spark: true}
	if w-fixed-state.BoardHours-2 < 12+2*4 {
		c.spark = false
	} else {
		fixed += state.BoardHours + 2
	}
	c.name = min(22, max(8, (w-fixed)*5/9))
	c.bar = max(0, (w-fixed-c.name)/2)
	return c
}

// bar is n of most as block characters in w cells, to an eighth.
func bar(n, most, w int) string {
	if n <= 0 || most <= 0 || w <= 0 {
		return ""
	}
	eighths := n * w * 8 / most
	if eighths == 0 {
		eighths = 1
	}
	parts := []string{"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"}
	return strings.Repeat("█", eighths/8) + parts[eighths%8]
}

// sparkline is counts scaled to most, a level a cell; none is a dot.
func sparkline(counts []int, most int) string {
	levels := []rune("▁▂▃▄▅▆▇█")
	var b strings.Builder
	for _, n := range counts {
		switch {
		case n <= 0 || most <= 0:
			b.WriteRune('·')
		default:
			b.WriteRune(levels[min(len(levels)-1, (n*len(levels)-1)/most)])
		}
	}
	return b.String()
}

// waitWords is a wait in a few characters: "<1m", "45m", "3h 20m", "2d 4h".
func waitWords(d time.Duration) string {
	if d < time.Minute {
		return "<1m" // a board column: "under 1m" is too wide
	}
	return state.FormatDuration(d)
}

func padLeft(s string, w int) string {
	return strings.Repeat(" ", max(0, w-lipWidth(s))) + s
}

func (d *boardDialog) View(v viewCtx) string {
	st := v.st
	w := max(10, v.w-4)
	h := max(3, v.h-2)
	title := st.title.Render("Supervisor board")
	var lines []string
	switch {
	case !d.loaded:
		lines = append(lines, title, "")
		lines = append(lines, loadingLines(st, "the board")...)
	case d.err != "":
		lines = append(lines, title, "", st.errorS.Render(fit(line(d.err), w)))
	default:
		lines = d.table(v, w, h, title)
	}
	foot := hint([]key.Binding{d.km.Down, d.km.Up}, "move", d.km.Mark, "mark row", d.km.Open, "list", d.km.Assign, "reassign", d.km.Undo, "undo", d.km.Close, "back")
	if d.asking != "" {
		foot = d.asking
	}
	for len(lines) < h-1 {
		lines = append(lines, "")
	}
	lines = append(lines[:h-1], st.muted.Render(fit(foot, w)))
	return st.dialog.Render(fitBlock(lines, w, h))
}

// table is the header, the column heads and as many rows as fit in h
// lines (less the foot), scrolled to keep the selected row in sight.
func (d *boardDialog) table(v viewCtx, w, h int, title string) []string {
	st, b := v.st, d.b
	var mostOpen, mostWait, mostHour int
	for _, r := range d.rows {
		mostOpen, mostWait = max(mostOpen, r.Open), max(mostWait, r.Waiting)
		for _, n := range r.Hourly {
			mostHour = max(mostHour, n)
		}
	}
	t := b.Total
	totals := fmt.Sprintf("%d open · %d waiting · %d closing <2h · %d lost today · %s", t.Open, t.Waiting, t.Closing, t.LostToday, b.Now.Format("15:04"))
	if lipWidth(totals)+lipWidth(title)+1 > w {
		totals = fmt.Sprintf("%d open · %d waiting · %d <2h · %d lost", t.Open, t.Waiting, t.Closing, t.LostToday)
	}
	head := spread(title, st.muted.Render(totals), w)
	c := boardLayout(w)
	cols := func(mark, name, openN, openBar, waitN, waitBar, longest, closingS, lostS, spark string) string {
		s := fit(mark, 2) + fit(name, c.name) + "  " + padLeft(openN, 4) + " " + fit(openBar, c.bar) + "  " +
			padLeft(waitN, 4) + " " + fit(waitBar, c.bar) + "  " + padLeft(longest, 7) + " " + padLeft(closingS, 4) + " " + padLeft(lostS, 4)
		if c.spark {
			s += "  " + spark
		}
		return s
	}
	heads := st.muted.Render(fit(cols("", "", "open", "", "wait", "", "longest", "<2h", "lost", fmt.Sprintf("last %dh", state.BoardHours)), w))

	var body []string
	at := 0 // the line of the selected row in body
	section := ""
	for i, r := range d.rows {
		s := map[state.BoardKind]string{state.BoardUser: "Agents", state.BoardTeam: "Teams", state.BoardUnassigned: ""}[r.Kind]
		if s != section {
			section = s
			if len(body) > 0 {
				body = append(body, "")
			}
			if s != "" {
				body = append(body, st.bold.Render(s))
			}
		}
		mark := " "
		if i == d.cursor {
			mark = "▸"
		}
		if d.marked[boardRowKey(r)] {
			mark += glyphSent
		}
		longest := ""
		if !r.OldestWait.IsZero() && r.Waiting > 0 {
			longest = waitWords(b.Now.Sub(r.OldestWait))
		}
		num := func(n int) string {
			if n == 0 {
				return "·"
			}
			return fmt.Sprint(n)
		}
		if i == d.cursor { // plain, on the selection's colours
			at = len(body)
			text := cols(mark, d.name(r), num(r.Open), bar(r.Open, mostOpen, c.bar), num(r.Waiting), bar(r.Waiting, mostWait, c.bar),
				longest, num(r.Closing), num(r.LostToday), sparkline(r.Hourly[:], mostHour))
			body = append(body, st.itemCursor.Render(fit(text, w)))
			continue
		}
		closingS, lostS := num(r.Closing), num(r.LostToday)
		if r.Closing > 0 {
			closingS = st.warning.Render(closingS)
		}
		if r.LostToday > 0 {
			lostS = st.errorS.Render(lostS)
		}
		text := cols(mark, d.name(r), num(r.Open), st.accent.Render(bar(r.Open, mostOpen, c.bar)),
			num(r.Waiting), st.warning.Render(bar(r.Waiting, mostWait, c.bar)), longest, closingS, lostS,
			st.accent.Render(sparkline(r.Hourly[:], mostHour)))
		body = append(body, fit(text, w))
	}
	room := max(1, h-1-3) // the foot; the head, a gap, the column heads
	if at < d.first {
		d.first = at
	}
	if at >= d.first+room {
		d.first = at - room + 1
	}
	d.first = max(0, min(d.first, max(0, len(body)-room)))
	if d.cursor == 0 {
		d.first = 0 // the section's title with its first row
	}
	end := min(len(body), d.first+room)
	return append([]string{head, "", heads}, body[d.first:end]...)
}

// The root's side of the board.

// openBoard pushes the board and reads it.
func (a *App) openBoard() tea.Cmd {
	if _, ok := isOpen[*boardDialog](a); ok {
		return nil
	}
	d := newBoard(a.keys, a.core.Me())
	d.reqID++
	d.reading = true
	core, now, req := a.core, a.d.Now(), d.reqID
	return a.push(d, func(id int) tea.Cmd { return to(id, loadBoardCmd(core, now, req)) })
}

// boardAtStart opens the board when the inbox starts on it (mbx board).
func (a *App) boardAtStart() tea.Cmd {
	if !a.d.Board {
		return nil
	}
	cmd := a.openBoard()
	// Under a dialog already open (the login prompt the platform asked
	// for): that one is answered first, then the board shows.
	if n := len(a.dialogs); n > 1 {
		b := a.dialogs[n-1]
		copy(a.dialogs[1:], a.dialogs[:n-1])
		a.dialogs[0] = b
	}
	return cmd
}

// refreshBoard reads the open board again (a change, the minute).
func (a *App) refreshBoard() tea.Cmd {
	for _, e := range a.dialogs {
		if d, ok := e.d.(*boardDialog); ok {
			if d.reading {
				d.again = true
				return nil
			}
			d.reqID++
			d.reading = true
			return to(e.id, loadBoardCmd(a.core, a.d.Now(), d.reqID))
		}
	}
	return nil
}

// handleBoardAction carries out what the board asked for.
func (a *App) handleBoardAction(e *dialogEntry, act action) tea.Cmd {
	switch act := act.(type) {
	case boardRead:
		return to(e.id, readBoardRowCmd(a.core, act.row, act.do))
	case boardAssign:
		p := newAssignPicker(a.keys, act.ids, a.caps)
		p.what = plural(len(act.ids), "conversation")
		cmd := a.push(p, func(id int) tea.Cmd { return to(id, loadAssigneesCmd(a.core, act.ids)) })
		return tea.Batch(cmd, a.flash("Reassigning "+act.what+" ("+plural(len(act.ids), "conversation")+")", false))
	case boardMark:
		added := a.list.Mark(act.refs)
		return a.flash(fmt.Sprintf("Marked %s (%s; %d newly)", act.what, plural(len(act.refs), "conversation"), added), false)
	case boardUndo:
		return a.undoLast()
	case boardReread:
		return a.refreshBoard()
	case boardShow:
		a.popTo(e.id)
		return tea.Batch(a.showBoardRow(act.row), a.afterDialogs())
	}
	return nil
}

// showBoardRow lists a row's open conversations: the sidebar's view
// where there is one (a team, Mine, Unassigned), else an agent's own.
func (a *App) showBoardRow(r state.BoardRow) tea.Cmd {
	switch {
	case r.Kind == state.BoardTeam:
		if cmd := a.showEntry("team:" + r.ID); cmd != nil {
			return cmd
		}
	case r.Kind == state.BoardUnassigned:
		return a.showEntry("unassigned")
	case r.ID == a.core.Me():
		if cmd := a.showEntry("mine"); cmd != nil {
			return cmd
		}
	}
	// Named by the agent: the sidebar has no entry of that key, and its
	// label is the key itself.
	a.side.Activate(line(r.Name) + " · open")
	a.list.Reset(r.View())
	clear(a.list.marked)
	a.setFocus(focusList)
	return a.reloadList("")
}

// loadBoardCmd reads the board at now.
func loadBoardCmd(core Core, now time.Time, reqID int) tea.Cmd {
	return func() tea.Msg {
		b, err := core.Board(now)
		return boardLoadedMsg{reqID: reqID, board: b, err: err}
	}
}

// readBoardRowCmd reads a row's open conversations for an action.
func readBoardRowCmd(core Core, r state.BoardRow, do boardDo) tea.Cmd {
	return func() tea.Msg {
		m := boardRowReadMsg{row: r, do: do}
		if do == boardDoMark {
			m.refs, m.err = core.ViewMarkRefs(r.View())
		} else {
			m.ids, m.err = core.BoardIDs(r)
		}
		return m
	}
}
