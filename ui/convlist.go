package ui

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// rowHeight is the lines of one conversation in the list.
const rowHeight = 2

// convList shows a view of conversations. It holds only a window of rows
// loaded from the store around what is visible, whatever the total, and
// renders only the visible rows.
type convList struct {
	width, height int
	view          state.View
	total         int
	offset        int                  // index of rows[0] in the view
	rows          []state.Conversation // the loaded window
	cursor        int                  // absolute index of the highlighted row
	top           int                  // absolute index of the first visible row
	marked        map[string]markEntry // id → order of marking and what it was like then
	markSeq       int
	focused       bool
	loaded        bool
	// pinned: the agent chose the row under the cursor (moved or opened),
	// so reloads keep the cursor on that conversation wherever it moves.
	// Unpinned, the cursor stays on the first row: the newest.
	pinned bool
	// newAbove counts conversations that arrived above the rows shown
	// while the cursor stayed on its conversation ("↑ N new"); cleared
	// once the top is in view.
	newAbove int
	// ownAbove counts conversations the agent's own undo brings back
	// above the cursor: they arrive there, but they are not news.
	ownAbove     int
	users, teams map[string]string // id → name, for the assignee column
	failed       map[string]string // the Failed view: id → why its newest failed reply failed (failed.go)
	// accounts: account id → short name, shown on each row when the list
	// mixes several accounts (business numbers); empty with one.
	accounts map[string]string
}

func newConvList() convList {
	return convList{marked: map[string]markEntry{}, users: map[string]string{}, teams: map[string]string{}, accounts: map[string]string{}}
}

func (l *convList) SetSize(w, h int) {
	l.width, l.height = w, h
	l.scrollToCursor()
}

// visibleRows is how many conversations fit.
func (l *convList) visibleRows() int { return max(1, l.height/rowHeight) }

// window is the range of rows the list wants loaded: the visible ones and
// a screen on either side.
func (l *convList) window() (offset, limit int) {
	v := l.visibleRows()
	return max(0, l.top-v), 3 * v
}

// needsLoad reports whether the visible rows are outside the loaded window.
func (l *convList) needsLoad() bool {
	if !l.loaded {
		return true
	}
	end := min(l.total, l.top+l.visibleRows())
	return l.top < l.offset || end > l.offset+len(l.rows)
}

// SetRows installs a loaded window. focus, when not -1, is where the
// selected conversation now is: the cursor follows it and stays on the
// same screen line if it can.
func (l *convList) SetRows(m listLoadedMsg) {
	screenLine := l.cursor - l.top
	was, now := l.view, m.view
	was.Now, now.Now = time.Time{}, time.Time{}
	sameView := l.loaded && was == now
	l.view, l.total, l.offset, l.rows, l.loaded = m.view, m.total, m.offset, m.rows, true
	l.failed = m.failed
	if m.focus >= 0 {
		if moved := m.focus - l.cursor; sameView && moved > 0 && l.pinned {
			own := min(moved, l.ownAbove)
			l.ownAbove -= own
			l.newAbove += moved - own // pushed down by newer conversations
		}
		l.cursor = m.focus
		l.top = l.cursor - screenLine
	}
	l.cursor = max(0, min(l.cursor, l.total-1))
	l.scrollToCursor()
	if l.top == 0 {
		l.newAbove = 0 // the newest are in view
	}
}

// Reset empties the list for a new view.
func (l *convList) Reset(v state.View) {
	l.view, l.total, l.offset, l.rows, l.cursor, l.top, l.loaded, l.pinned = v, 0, 0, nil, 0, 0, false, false
	l.newAbove, l.ownAbove = 0, 0
}

// Following is the conversation reloads keep the cursor on, if any.
func (l *convList) Following() string {
	if !l.pinned {
		return ""
	}
	if c, ok := l.Selected(); ok {
		return c.ID
	}
	return ""
}

func (l *convList) scrollToCursor() {
	v := l.visibleRows()
	if l.cursor < l.top {
		l.top = l.cursor
	}
	if l.cursor >= l.top+v {
		l.top = l.cursor - v + 1
	}
	l.top = max(0, min(l.top, l.total-v))
}

// Move moves the cursor by delta rows (clamped).
func (l *convList) Move(delta int) {
	if l.total == 0 {
		return
	}
	l.cursor = max(0, min(l.total-1, l.cursor+delta))
	// On the first row the list follows the top (the newest); elsewhere
	// the cursor stays on its conversation as others arrive.
	l.pinned = l.cursor > 0
	l.scrollToCursor()
	if l.top == 0 {
		l.newAbove = 0
	}
}

// MoveTo puts the cursor on an absolute index (-1: the last).
func (l *convList) MoveTo(i int) {
	if i < 0 {
		i = l.total - 1
	}
	l.cursor = 0
	l.Move(i)
}

// MarkRead shows a conversation read at once (it was just opened); the
// store is told by a command and the next read agrees.
func (l *convList) MarkRead(id string) {
	for i := range l.rows {
		if l.rows[i].ID == id {
			l.rows[i].Unread, l.rows[i].MarkedUnread = 0, false
		}
	}
}

// MarkUnread shows conversations unread at once (the agent asked); the
// store is told by a command and the next read agrees.
func (l *convList) MarkUnread(ids []string) {
	for i := range l.rows {
		if slices.Contains(ids, l.rows[i].ID) {
			l.rows[i].MarkedUnread = true
		}
	}
}

// Selected is the conversation under the cursor, if loaded.
func (l *convList) Selected() (state.Conversation, bool) {
	i := l.cursor - l.offset
	if i < 0 || i >= len(l.rows) {
		return state.Conversation{}, false
	}
	return l.rows[i], true
}

// markEntry is a marked conversation: the order it was marked in, and
// its assignee and last reply then (to tell what changed since).
type markEntry struct {
	seq int
	ref state.MarkRef
}

// ToggleMark marks or unmarks the conversation under the cursor.
func (l *convList) ToggleMark() {
	if c, ok := l.Selected(); ok {
		if _, ok := l.marked[c.ID]; ok {
			delete(l.marked, c.ID)
		} else {
			l.Mark([]state.MarkRef{state.MarkRefOf(c)})
		}
	}
}

// Mark marks conversations (those already marked keep their mark as it
// was) and returns how many were not marked before.
func (l *convList) Mark(refs []state.MarkRef) int {
	added := 0
	for _, r := range refs {
		if _, ok := l.marked[r.ID]; ok {
			continue
		}
		l.markSeq++
		l.marked[r.ID] = markEntry{seq: l.markSeq, ref: r}
		added++
	}
	return added
}

// Unmark takes the marks off conversations.
func (l *convList) Unmark(ids []string) {
	for _, id := range ids {
		delete(l.marked, id)
	}
}

// MarkedAs is what a marked conversation was like when marked.
func (l *convList) MarkedAs(id string) (state.MarkRef, bool) {
	e, ok := l.marked[id]
	return e.ref, ok
}

// Targets are the marked conversations, or the selected one when none is.
func (l *convList) Targets() []string {
	if len(l.marked) > 0 {
		// In the order they were marked.
		type seqID struct {
			seq int
			id  string
		}
		order := make([]seqID, 0, len(l.marked))
		for id, e := range l.marked {
			order = append(order, seqID{e.seq, id})
		}
		slices.SortFunc(order, func(x, y seqID) int { return cmp.Compare(x.seq, y.seq) })
		ids := make([]string, len(order))
		for i, o := range order {
			ids[i] = o.id
		}
		return ids
	}
	if c, ok := l.Selected(); ok {
		return []string{c.ID}
	}
	return nil
}

func (l *convList) assignee(c state.Conversation) string {
	switch {
	case c.UserID != "" && c.TeamID != "": // a platform with both at once
		return l.assignee(state.Conversation{UserID: c.UserID}) + " · " + l.assignee(state.Conversation{TeamID: c.TeamID})
	case c.UserID != "":
		if n := l.users[c.UserID]; n != "" {
			return "@" + n
		}
		return "@user"
	case c.TeamID != "":
		if n := l.teams[c.TeamID]; n != "" {
			return "#" + n
		}
		return "#team"
	}
	return ""
}

// View renders the visible rows only.
func (l convList) View(st styles, now time.Time) string {
	var b strings.Builder
	lines := 0
	emit := func(s string) {
		if lines > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
		lines++
	}
	switch {
	case !l.loaded:
		emit(fit(st.muted.Render(" Loading…"), l.width))
	case l.total == 0 && l.view.Unread:
		emit(fit(st.muted.Render(" Nothing unread here."), l.width))
	case l.total == 0:
		emit(fit(st.muted.Render(" Nothing here."), l.width))
	}
	for i := l.top; l.loaded && i < l.total && lines+rowHeight <= l.height; i++ {
		j := i - l.offset
		if j < 0 || j >= len(l.rows) {
			emit(fit(st.muted.Render(" …"), l.width))
			emit(fit("", l.width))
			continue
		}
		a, c := l.renderRow(st, l.rows[j], i == l.cursor, now)
		emit(a)
		emit(c)
	}
	for lines < l.height {
		emit(strings.Repeat(" ", l.width))
	}
	return b.String()
}

// accountMarkWidth is the narrowest list that names each row's account.
const accountMarkWidth = 56

func (l convList) renderRow(st styles, c state.Conversation, cursor bool, now time.Time) (string, string) {
	w := l.width
	mark, lead := " ", "   "
	if cursor { // marked by a glyph, not only by colour
		mark, lead = glyphCursor, glyphCursor+"  "
	}
	if _, ok := l.marked[c.ID]; ok {
		mark = st.marked.Render(glyphMarked)
	}
	unread := " "
	if c.IsUnread() {
		unread = st.unread.Render(glyphUnread)
	}
	name := line(c.Label())
	if c.IsUnread() {
		name = st.bold.Render(name)
	}
	win := state.WindowAt(c.WindowExpiry(), now)
	badge := st.windowStyle(win).Render(shortWindow(win))
	if !c.SnoozedUntil.IsZero() { // snooze.go: when it wakes, in place of the window
		badge = st.accent.Render(snoozeBadge(c, now))
	}
	right := badge + " " + st.muted.Render(fit(relTime(c.LastActivity, now), 6))
	if acct := l.accounts[c.AccountID]; acct != "" {
		// The account, where the list mixes several: "Emma · Head", on
		// every row of a list wide enough for it beside the names (a
		// narrow list keeps the names whole, and shows it on none).
		if w >= accountMarkWidth {
			name += st.muted.Render(" · " + acct)
		}
	}
	first := spread(mark+unread+" "+name, right, w)

	preview := l.preview(st, c)
	who := line(l.assignee(c))
	right2 := st.muted.Render(who)
	if len(c.Tags) > 0 {
		// The tags before the assignee; both together at most two thirds
		// of the row, the assignee first, so the preview keeps a start.
		room := w * 2 / 3
		if ansi.StringWidth(who) > room/2 {
			who = ansi.Truncate(who, room/2, "…")
		}
		right2 = st.muted.Render(who)
		if tags := tagsLabel(c.Tags, room-ansi.StringWidth(who)-1); tags != "" {
			if who != "" {
				tags += " "
			}
			right2 = st.tag.Render(tags) + right2
		}
	}
	if reason, ok := l.failed[c.ID]; ok { // the Failed view: why, in place of the last message and the assignee
		preview, right2 = st.muted.Render(glyphFailed+" "+line(reason)), ""
	}
	second := spread(lead+preview, right2, w)
	if cursor {
		style := st.itemSelected
		if l.focused {
			style = st.itemCursor
		}
		first, second = style.Render(fit(first, w)), style.Render(fit(second, w))
	}
	return first, second
}

// preview is the row's second line, as WhatsApp shows it: the saved
// draft ("Draft: …"), else the last message, ours with its tick and who
// sent it — "You:" only for the logged-in agent, another agent by first
// name, nobody named when the platform does not say.
func (l convList) preview(st styles, c state.Conversation) string {
	if c.Draft != "" {
		return st.warning.Render("Draft:") + " " + st.muted.Render(line(c.Draft))
	}
	text := st.muted.Render(line(c.Preview))
	if !c.PreviewOut {
		return text
	}
	var who string
	switch {
	case c.PreviewMine:
		who = "You: "
	case c.PreviewBy != "":
		who = line(c.PreviewBy) + ": "
	}
	if who != "" {
		text = st.muted.Render(who) + text
	}
	if c.PreviewStatus != state.StatusUnknown {
		text = st.tick(c.PreviewStatus) + " " + text
	}
	return text
}

// accountShortNames names each account in a few letters for the rows of
// a list that mixes accounts: its first word no other account's name
// has ("Head Office", "Stitch Recruit Contract" → "Head", "Contract"),
// else its name, at most 8 cells. None for fewer than two accounts.
func accountShortNames(accounts []state.Account) map[string]string {
	out := map[string]string{}
	if len(accounts) < 2 {
		return out
	}
	others := func(i int, word string) bool {
		for j, a := range accounts {
			if j != i && slices.ContainsFunc(strings.Fields(a.Name), func(f string) bool { return strings.EqualFold(f, word) }) {
				return true
			}
		}
		return false
	}
	for i, a := range accounts {
		name := line(a.Name)
		short := name
		for _, f := range strings.Fields(name) {
			if !others(i, f) {
				short = f
				break
			}
		}
		if short == "" {
			short = line(a.Phone)
		}
		out[a.ID] = ansi.Truncate(short, 8, "…")
	}
	return out
}

// shortWindow is the list's compact badge: "23h 12m", "45m", "closed".
func shortWindow(w state.Window) string {
	if !w.Open() {
		return "closed"
	}
	return state.FormatDuration(w.Left)
}

// tagsLabel is a conversation's tags on one line of at most w cells,
// sanitized: "[vip, lead]", cut with "…" to fit; "" when there are none
// or no room.
func tagsLabel(tags []string, w int) string {
	clean := shownTags(tags)
	if len(clean) == 0 || w < 5 {
		return ""
	}
	inner := strings.Join(clean, ", ")
	if ansi.StringWidth(inner)+2 > w {
		inner = ansi.Truncate(inner, w-2, "…")
	}
	return "[" + inner + "]"
}

// rowAt is the absolute index of the row drawn at line y of the list
// (from its first line), for the mouse; false off the rows.
func (l *convList) rowAt(y int) (int, bool) {
	if !l.loaded || y < 0 || y >= l.visibleRows()*rowHeight || y >= l.height {
		return 0, false
	}
	i := l.top + y/rowHeight
	return i, i < l.total
}
