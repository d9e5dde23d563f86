package ui

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// search is / : customers by name or number and messages by words, as
// the agent types; enter opens the highlighted hit, n and N step through
// the hits afterwards. It has one mode: every key either types into the
// query (which refines the hits) or moves the highlight; nothing reaches
// the inbox while it is open.
type search struct {
	input    textinput.Model
	hits     []state.SearchHit
	cursor   int
	query    string // the query the hits are for
	reqID    int    // the latest search asked for
	pending  bool   // the query typed has no hits yet: its search is under way
	selected bool   // the query is the last one, selected: typing replaces it
	err      error
}

func newSearch() search {
	in := newInput()
	in.Prompt = "/ "
	in.Placeholder = "a name, a phone number or words"
	return search{input: in}
}

// Open focuses the query: the last one, selected, so that typing starts
// a new one and a movement key keeps it.
func (s *search) Open() tea.Cmd {
	s.selected = s.input.Value() != ""
	s.input.CursorEnd()
	return s.input.Focus()
}

// stale reports whether the query shown has no answer (its search was
// abandoned when the box closed): opening the box runs it again.
func (s *search) stale() bool {
	q := strings.TrimSpace(s.input.Value())
	return q != "" && (q != s.query || s.pending)
}

// ask starts a search for what is typed, or clears the hits when nothing
// is; it returns the action that runs the search, nil when none is needed.
func (s *search) ask() action {
	q := strings.TrimSpace(s.input.Value())
	if q == s.query && !s.pending {
		return nil
	}
	s.reqID++
	if q == "" {
		s.hits, s.query, s.err, s.cursor, s.pending = nil, "", nil, 0, false
		return nil
	}
	s.pending = true
	return runSearch{query: q, reqID: s.reqID}
}

// answered takes a search's hits; false when they are for an older query.
func (s *search) answered(m searchDoneMsg) bool {
	if m.reqID != s.reqID {
		return false
	}
	s.pending = false
	s.hits, s.query, s.err, s.cursor = m.hits, m.query, m.err, 0
	return true
}

// searchDialog is the search box on the dialog stack; the search itself
// (query, hits, position) outlives it, for n, N and the next /.
type searchDialog struct {
	km      KeyMap
	s       *search
	opening bool // enter was pressed before the hits came: keys wait for them
}

// runSearch: search for this query (reqID: the answer to keep).
type runSearch struct {
	query string
	reqID int
}

// openHit: open the conversation of the highlighted hit.
type openHit struct{}

func (d *searchDialog) Waiting() (bool, bool) { return d.opening, true }
func (d *searchDialog) Bounds() (int, int)    { return 100, 30 }

func (d *searchDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	s, km := d.s, d.km
	switch m := msg.(type) {
	case searchDoneMsg:
		if !s.answered(m) || !d.opening {
			return nil, nil
		}
		d.opening = false
		if len(s.hits) > 0 && s.err == nil {
			return nil, openHit{}
		}
		// Nothing to open: the keys typed meanwhile refine the query.
		return nil, nil
	case tea.PasteMsg:
		if s.selected {
			s.input.SetValue("")
			s.selected = false
		}
		s.input.SetValue(s.input.Value() + line(m.Content))
		s.input.CursorEnd()
		return nil, s.ask()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(m, km.Close):
			return nil, closeDialog{}
		case key.Matches(m, km.Choose):
			switch {
			case s.pending:
				d.opening = true // the hits for what is typed are coming
				return nil, nil
			case len(s.hits) > 0:
				return nil, openHit{}
			}
			return nil, nil
		case key.Matches(m, km.PickerUp):
			s.selected = false
			s.Move(-1)
			return nil, nil
		case key.Matches(m, km.PickerDown):
			s.selected = false
			s.Move(1)
			return nil, nil
		case key.Matches(m, km.MarkMatches) && len(s.hits) > 0: // bulk.go
			return nil, markMatches{}
		}
		if s.selected {
			s.selected = false
			if m.Text != "" || m.Code == tea.KeyBackspace || m.Code == tea.KeyDelete {
				s.input.SetValue("") // typing replaces the selected query
				if m.Text == "" {
					return nil, s.ask()
				}
			}
		}
		var cmd tea.Cmd
		s.input, cmd = s.input.Update(m)
		return cmd, s.ask()
	}
	return nil, nil
}

func (d *searchDialog) View(v viewCtx) string { return d.s.View(v.st, d.km, v.w, v.h, v.now) }

// Selected is the highlighted hit.
func (s *search) Selected() (state.SearchHit, bool) {
	if s.cursor < 0 || s.cursor >= len(s.hits) {
		return state.SearchHit{}, false
	}
	return s.hits[s.cursor], true
}

func (s *search) Move(d int) {
	if len(s.hits) > 0 {
		s.cursor = (s.cursor + d + len(s.hits)) % len(s.hits)
	}
}

// SetWidth fits the query input to a box w cells wide (from layout, so
// the input scrolls at the width it is drawn at).
func (s *search) SetWidth(w int) { s.input.SetWidth(w - 6) }

func (s search) View(st styles, km KeyMap, w, h int, now time.Time) string {
	in := s.input.View()
	if s.selected {
		in = s.input.Prompt + st.querySelected.Render(line(s.input.Value()))
	}
	lines := []string{in, ""}
	q := strings.TrimSpace(s.input.Value())
	switch {
	case s.err != nil:
		lines = append(lines, st.errorS.Render(line(s.err.Error())))
	case q == "":
		lines = append(lines, st.muted.Render("Type a customer's name, a phone number (any format) or words of a message"))
	case s.query == "" && s.pending:
		lines = append(lines, st.muted.Render("Searching…"))
	case len(s.hits) == 0 && !s.pending:
		lines = append(lines, st.muted.Render("Nothing matches "+fmt.Sprintf("%q", line(s.query))+" — type to change it, "+keyName(km.Close)+" closes"))
	default:
		n := plural(len(s.hits), "match")
		if len(s.hits) >= searchLimit {
			n = fmt.Sprintf("%d+ matches (the first %d)", searchLimit, searchLimit)
		}
		if s.pending {
			n += " (searching…)"
		}
		lines = append(lines, st.muted.Render(n+" — "+keyName(km.Choose)+" opens, "+keyName(km.Close)+" closes, "+keyName(km.PickerUp)+" "+keyName(km.PickerDown)+" move, "+keyName(km.MarkMatches)+" marks all"))
	}
	room := max(0, h-2-len(lines))
	first := max(0, min(s.cursor-room/2+1, len(s.hits)-room))
	cols, words := hitColumns(w-4), queryWords(s.query) // once a frame, not once a row
	for i := first; i < len(s.hits) && len(lines) < h-2; i++ {
		lines = append(lines, hitRow(st, s.hits[i], words, cols, i == s.cursor, now))
	}
	return st.paneFocused.Render(fitBlock(lines, w-2, h-2))
}

// hitCols are the widths of a result's columns: the cursor's gutter, the
// name, who wrote, the time, and the line.
type hitCols struct{ name, who, when, text int }

func hitColumns(w int) hitCols {
	c := hitCols{name: max(8, min(22, w/5)), who: 8, when: 6}
	c.text = max(4, w-2-c.name-c.who-c.when-3)
	return c
}

// hitRow draws one hit in columns: "› name  who  time  the line", the
// matched words highlighted. A conversation found by its contact shows
// the number in place of the line (and no writer).
func hitRow(st styles, h state.SearchHit, words []string, c hitCols, cursor bool, now time.Time) string {
	text, muted, hl, gutter := st.text, st.muted, st.hit, "  "
	if cursor {
		text, muted, hl, gutter = st.itemCursor, st.itemCursor, st.hitCursor, glyphCursor+" "
	}
	label := line(h.Conversation.Label())
	if h.ByContact { // no writer: the name has that column too
		num := line(h.Conversation.ContactNumber)
		if h.Conversation.ContactName == "" {
			num = line(h.Conversation.Preview) // the label is the number already
		}
		return muted.Render(gutter) + highlight(label, words, c.name+1+c.who, text, hl) +
			muted.Render(" "+fit(relTime(h.Conversation.LastActivity, now), c.when)+" ") + highlight(num, words, c.text, muted, hl)
	}
	return muted.Render(gutter) + highlight(label, words, c.name, text, hl) +
		muted.Render(" "+fit(hitWriter(h), c.who)+" "+fit(relTime(h.Message.Time, now), c.when)+" ") +
		highlight(line(h.Snippet), words, c.text, text, hl)
}

// hitWriter says who wrote a message hit: the customer, the agent
// ("you", only for what the logged-in agent sent), or another agent by
// first name.
func hitWriter(h state.SearchHit) string {
	switch {
	case h.Message.Direction == state.Inbound:
		return "customer"
	case h.Mine:
		return "you"
	}
	if f := strings.Fields(line(h.Message.Sender)); len(f) > 0 {
		return f[0]
	}
	return "agent"
}

// queryWords are what a hit's text is highlighted by: the words typed,
// lower-cased, and for a phone number its digits.
func queryWords(q string) []string {
	if d, ok := state.PhoneQuery(q); ok {
		return []string{d}
	}
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(q), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	}) {
		if d := strings.TrimLeft(w, "0"); d != "" && strings.Trim(w, "0123456789") == "" {
			w = d // digits as the contacts search reads them
		}
		out = append(out, w)
	}
	return out
}

// highlight fits plain (sanitized) text s to w cells with every
// case-insensitive occurrence of words drawn in hl and the rest in
// base; when the first match would be cut off, the start of s is.
func highlight(s string, words []string, w int, base, hl lipgloss.Style) string {
	if w <= 0 {
		return ""
	}
	rs := []rune(s)
	on := make([]bool, len(rs))
	lower := make([]rune, len(rs))
	for i, r := range rs {
		lower[i] = unicode.ToLower(r)
	}
	firstHit := -1
	for _, word := range words {
		wr := []rune(word)
		if len(wr) == 0 {
			continue
		}
		for i := 0; i+len(wr) <= len(lower); i++ {
			if string(lower[i:i+len(wr)]) == word {
				for j := i; j < i+len(wr); j++ {
					on[j] = true
				}
				if firstHit < 0 || i < firstHit {
					firstHit = i
				}
			}
		}
	}
	// Keep the first match in view: drop the start, marked with "…".
	if firstHit > 0 && ansi.StringWidth(string(rs[:firstHit])) > w*2/3 {
		cut := firstHit
		for cut > 0 && ansi.StringWidth(string(rs[cut-1:firstHit])) <= w/3 {
			cut--
		}
		rs, on = append([]rune("…"), rs[cut:]...), append([]bool{false}, on[cut:]...)
	}
	// Truncate to w cells, "…" at the end when cut.
	if ansi.StringWidth(string(rs)) > w {
		n := 0
		for i, r := range rs {
			cw := ansi.StringWidth(string(r))
			if n+cw > w-1 {
				rs, on = append(rs[:i:i], '…'), append(on[:i:i], false)
				break
			}
			n += cw
		}
	}
	var b strings.Builder
	for i := 0; i < len(rs); {
		j := i
		for j < len(rs) && on[j] == on[i] {
			j++
		}
		part := string(rs[i:j])
		if on[i] {
			b.WriteString(hl.Render(part))
		} else {
			b.WriteString(base.Render(part))
		}
		i = j
	}
	if pad := w - ansi.StringWidth(string(rs)); pad > 0 {
		b.WriteString(base.Render(strings.Repeat(" ", pad)))
	}
	return b.String()
}
