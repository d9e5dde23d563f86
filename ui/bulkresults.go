package ui

import (
	"fmt"
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// bulkResults is what a bulk action did: a short tally and every
// conversation with its outcome, the failed ones first.
type bulkResults struct {
	at     time.Time
	tally  string // "12 archived, 2 failed"
	failed int
	items  []bulkItem
}

// bulkItem is one conversation's outcome: its name (untrusted, drawn
// through line) and what happened or why not.
type bulkItem struct {
	label   string
	ok      bool
	outcome string
}

// newBulkResults words the results; resolve: moves are resolving and
// reopening (a platform without folders).
func newBulkResults(m actionDoneMsg, at time.Time, resolve bool) *bulkResults {
	r := &bulkResults{at: at, tally: state.Tally(m.results, m.change, m.assignee, resolve), items: make([]bulkItem, len(m.results))}
	for i, res := range m.results {
		label := res.Label
		if label == "" {
			label = res.ConversationID
		}
		r.items[i] = bulkItem{label: label, ok: res.Err == nil, outcome: state.Outcome(res, m.change, m.assignee, resolve)}
		if res.Err != nil {
			r.failed++
		}
	}
	// The failed first, each group in the order acted on.
	slices.SortStableFunc(r.items, func(a, b bulkItem) int {
		switch {
		case a.ok == b.ok:
			return 0
		case !a.ok:
			return -1
		}
		return 1
	})
	return r
}

// text is an item on one line: "✓ Ana Lima — archived".
func (it bulkItem) text() string {
	g := glyphSent
	if !it.ok {
		g = glyphFailed
	}
	return g + " " + line(it.label) + " — " + line(it.outcome)
}

// logLines are the first n items for the message log, and how many more.
func (r *bulkResults) logLines(n int) []string {
	var out []string
	for _, it := range r.items[:min(n, len(r.items))] {
		out = append(out, it.text())
	}
	if more := len(r.items) - n; more > 0 {
		out = append(out, fmt.Sprintf("and %d more", more))
	}
	return out
}

// bulkResultsDialog lists a bulk action's results, scrolled an item at a
// time; only the items on screen are drawn, whatever their number.
type bulkResultsDialog struct {
	km    KeyMap
	r     *bulkResults
	first int // the item at the top
	shown int // items drawn at the last size
}

func (d *bulkResultsDialog) Waiting() (bool, bool) { return false, true }
func (d *bulkResultsDialog) Bounds() (int, int)    { return 80, 1 << 16 }

func (d *bulkResultsDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	km := d.km
	page := max(1, d.shown)
	switch {
	case key.Matches(k, km.Close, km.Back, km.Quit, km.BulkResults):
		return nil, closeDialog{}
	case key.Matches(k, km.Down, km.PickerDown):
		d.first++
	case key.Matches(k, km.Up, km.PickerUp):
		d.first--
	case key.Matches(k, km.HalfPageDown):
		d.first += max(1, page/2)
	case key.Matches(k, km.HalfPageUp):
		d.first -= max(1, page/2)
	case key.Matches(k, km.Top):
		d.first = 0
	case key.Matches(k, km.Bottom):
		d.first = len(d.r.items) - page
	}
	d.first = max(0, min(d.first, len(d.r.items)-1))
	return nil, nil
}

func (d *bulkResultsDialog) View(v viewCtx) string {
	st, r := v.st, d.r
	w := max(10, v.w-4)
	room := max(1, v.h-2-5) // the border; the title, the tally, a gap, a gap, the foot
	var body []string
	i := d.first
	for ; i < len(r.items) && len(body) < room; i++ {
		it := r.items[i]
		g := st.success.Render(glyphSent)
		if !it.ok {
			g = st.errorS.Render(glyphFailed)
		}
		for j, l := range wrap(line(it.label)+" — "+line(it.outcome), w-2) {
			if len(body) == room {
				break
			}
			if j == 0 {
				body = append(body, g+" "+l)
			} else {
				body = append(body, "  "+l)
			}
		}
	}
	d.shown = max(1, i-d.first)
	head := st.title.Render("Bulk results · " + r.at.Local().Format("15:04"))
	scrolls := d.first > 0 || i < len(r.items)
	if scrolls {
		pos := fmt.Sprintf("%d–%d of %d", d.first+1, i, len(r.items))
		head = spread(head, st.muted.Render(pos), w)
	}
	tally := st.bold.Render(line(r.tally))
	lines := append([]string{head, tally, ""}, body...)
	for scrolls && len(lines) < room+3 {
		lines = append(lines, "")
	}
	lines = append(lines, "")
	foot := hint([]key.Binding{d.km.Down, d.km.Up}, "scroll", d.km.Close, "closes")
	if !scrolls {
		foot = hint(d.km.Close, "closes")
	}
	lines = append(lines, st.muted.Render(fit(foot, w)))
	return st.paneFocused.Render(fitBlock(lines, v.w-2, min(v.h-2, len(lines))))
}
