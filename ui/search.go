package ui

import (
	"fmt"
	"time"

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
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "words or a phone number"
	return search{input: in}
}

func (s *search) Open() tea.Cmd {
	s.editing = true
	return s.input.Focus()
}

func (s *search) Update(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	return cmd
}

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

func (s search) View(st styles, w, h int, now time.Time) string {
	lines := []string{s.input.View(), ""}
	switch {
	case s.err != nil:
		lines = append(lines, st.errorS.Render(line(s.err.Error())))
	case s.query != "" && len(s.hits) == 0:
		lines = append(lines, st.muted.Render("No message matches "+fmt.Sprintf("%q", line(s.query))+"."))
	case s.query != "":
		n := plural(len(s.hits), "match")
		if len(s.hits) >= searchLimit {
			n = fmt.Sprintf("%d+ matches (the newest %d)", searchLimit, searchLimit)
		}
		lines = append(lines, st.muted.Render(n+" — enter opens, esc closes"))
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
