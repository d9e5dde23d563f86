package ui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// search is the full-text search overlay: a query and its results, to
// jump into with enter; n and N step through them afterwards.
type search struct {
	input   textinput.Model
	hits    []state.SearchHit
	cursor  int
	query   string
	reqID   int
	err     error
	editing bool // typing the query; false: moving through results
}

func newSearch() search {
	in := newInput()
	in.Prompt = "/ "
	in.Placeholder = "words or a phone number"
	return search{input: in}
}

func (s *search) Open() tea.Cmd {
	s.editing = true
	return s.input.Focus()
}

// searchDialog is the search box on the dialog stack; the search itself
// (query, results, position) outlives it, for n and N.
type searchDialog struct {
	km      KeyMap
	s       *search
	running bool // the query was run: keys wait for its results
}

// runSearch: search the messages for this query.
type runSearch struct{ query string }

// openHit: open the conversation of the highlighted result.
type openHit struct{}

func (d *searchDialog) Waiting() (bool, bool) { return d.running, true }
func (d *searchDialog) Bounds() (int, int)    { return 100, 30 }

func (d *searchDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	s, km := d.s, d.km
	switch m := msg.(type) {
	case searchDoneMsg:
		d.running = false
		s.hits, s.query, s.err, s.cursor = m.hits, m.query, m.err, 0
	case tea.PasteMsg:
		if s.editing {
			s.input.SetValue(s.input.Value() + line(m.Content))
			s.input.CursorEnd()
		}
	case tea.KeyPressMsg:
		if s.editing {
			switch {
			case key.Matches(m, km.Close):
				return nil, closeDialog{}
			case key.Matches(m, km.Choose):
				q := s.input.Value()
				if q == "" {
					return nil, nil
				}
				s.editing, d.running = false, true
				s.input.Blur()
				return nil, runSearch{query: q}
			}
			var cmd tea.Cmd
			s.input, cmd = s.input.Update(m)
			return cmd, nil
		}
		switch {
		case key.Matches(m, km.Close):
			return nil, closeDialog{}
		case key.Matches(m, km.Search):
			return s.Open(), nil
		case key.Matches(m, km.Up, km.PickerUp):
			s.Move(-1)
		case key.Matches(m, km.Down, km.PickerDown):
			s.Move(1)
		case key.Matches(m, km.Choose, km.Open):
			return nil, openHit{}
		case key.Matches(m, km.MarkMatches) && len(s.hits) > 0: // bulk.go
			return nil, markMatches{}
		}
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
	lines := []string{s.input.View(), ""}
	switch {
	case s.err != nil:
		lines = append(lines, st.errorS.Render(line(s.err.Error())))
	case s.query != "" && len(s.hits) == 0:
		lines = append(lines, st.muted.Render("No message matches "+fmt.Sprintf("%q", line(s.query))+" — "+keyName(km.Search)+" searches again, "+keyName(km.Close)+" closes"))
	case s.query != "":
		n := plural(len(s.hits), "match")
		if len(s.hits) >= searchLimit {
			n = fmt.Sprintf("%d+ matches (the newest %d)", searchLimit, searchLimit)
		}
		lines = append(lines, st.muted.Render(n+" — "+keyName(km.Choose)+" opens, "+keyName(km.Close)+" closes"))
	}
	room := h - 2 - len(lines)
	first := max(0, min(s.cursor-room/2+1, len(s.hits)-room/2))
	for i := first; i < len(s.hits) && len(lines) < h-2; i += 1 {
		hit := s.hits[i]
		left := line(hit.Conversation.Label()) + "  " + st.muted.Render(line(hit.Snippet))
		row := spread(left, st.muted.Render(relTime(hit.Message.Time, now)), w-4)
		if i == s.cursor && !s.editing {
			row = st.itemCursor.Render(fit(row, w-4))
		}
		lines = append(lines, row)
	}
	return st.paneFocused.Render(fitBlock(lines, w-2, h-2))
}
