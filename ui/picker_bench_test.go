package ui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// Benchmarks of the picker under the assignment, account and template
// dialogs with a large organisation: 2,000 people to choose from.
//
//	go test -run '^$' -bench Picker -benchmem ./ui/

const benchPickItems = 2_000

var (
	benchPickFirst = []string{
		"Ana", "João", "Maria", "Pedro", "Sofia", "Miguel", "Beatriz", "Tiago", "Inês", "Rui",
		"Emma", "Oliver", "Amelia", "Jack", "Isla", "Harry", "Zoë", "Noah", "Mia", "Leo",
		"Chloé", "René", "Björn", "Søren", "Ángel", "Lucía", "Mateo", "Valentina", "Chiara", "Luca",
		"Aisha", "Omar", "Fatima", "Yusuf", "Priya", "Arjun", "美咲", "Олександр", "민준", "Kwame",
	}
	benchPickLast = []string{
		"Silva", "Santos", "Ferreira", "Pereira", "Oliveira", "Costa", "Rodrigues", "Martins", "Smith", "Jones",
		"Taylor", "Brown", "Williams", "Wilson", "Müller", "Schmidt", "García", "Fernández", "López", "Rossi",
		"Russo", "Khan", "Patel", "Singh", "Nguyen", "Kim", "Ångström", "Dubois", "O'Neill", "Mensah",
		"Raghunathan-Subramanian", "Álvarez", "Lima", "Martin", "Коваленко", "山本", "Poquelin", "Fontaine", "Agent", "Supervisor",
		"Park", "Chen", "Wang", "Li", "Zhang", "Novak", "Horvat", "Kowalski", "Nowak", "Jensen",
	}
)

// benchPickList is a focused picker of benchPickItems people (and, as the
// assignment picker lists them, a few teams among them), one marked
// current, one in fifty greyed out, some that may take only part of the
// conversations.
func benchPickList(tb testing.TB) pickList {
	tb.Helper()
	p := newPickList("Assign to: ", "type a name or a team")
	p.input.Focus()
	items := make([]pickItem, benchPickItems)
	for i := range items {
		first := benchPickFirst[i%len(benchPickFirst)]
		last := benchPickLast[(i/len(benchPickFirst))%len(benchPickLast)]
		it := pickItem{title: first + " " + last, detail: "user"}
		switch {
		case i%100 == 99:
			it.title, it.detail = fmt.Sprintf("%s Team %d", last, i/100), "team"
		case i == 7:
			it.detail = "user · you"
		}
		it.current = i == 1234
		it.disabled = i%50 == 17
		if i%9 == 4 {
			it.status = fmt.Sprintf("may take %d of 5", i%5)
		}
		items[i] = it
	}
	p.SetItems(items)
	if len(p.shown) != benchPickItems {
		tb.Fatalf("picker shows %d items, want %d", len(p.shown), benchPickItems)
	}
	return p
}

// BenchmarkPickerFilter is one key typed in the picker's query, through
// Update: the input takes it and the 2,000 items are fuzzy-filtered
// again. The query cycles through the letters of "ana": each iteration
// puts back the first 0, 1 or 2 letters (without filtering) and types the
// next, so the iterations filter on "a", "an" and "ana" in turn.
func BenchmarkPickerFilter(b *testing.B) {
	const q = "ana"
	p := benchPickList(b)
	matches := [len(q)]int{}
	k := 0
	measureLoop(b, "PickerFilter", func() {
		p.input.SetValue(q[:k])
		p.input.CursorEnd()
		ch := q[k : k+1]
		if _, changed := p.Update(tea.KeyPressMsg{Code: rune(ch[0]), Text: ch}); !changed {
			b.Fatalf("typing %q after %q did not change the query %q", ch, q[:k], p.input.Value())
		}
		matches[k] = len(p.shown)
		k = (k + 1) % len(q)
	})
	if p.input.Value() != q[:(k+len(q)-1)%len(q)+1] {
		b.Fatalf("query %q after the last key", p.input.Value())
	}
	for i, n := range matches {
		if n == 0 {
			b.Fatalf("%q matches nothing", q[:i+1])
		}
		b.ReportMetric(float64(n), "matches_"+q[:i+1])
	}
}

// BenchmarkPickerLines is one frame of the picker at 80 cells and 20
// lines (the query and 19 rows) over the 2,000 items unfiltered, the
// cursor in the middle.
func BenchmarkPickerLines(b *testing.B) {
	const w, h = 80, 20
	p := benchPickList(b)
	for p.cursor < benchPickItems/2 {
		p.Move(1)
	}
	st := newStyles(true)
	var lines []string
	measureLoop(b, "PickerLines", func() { lines = p.Lines(st, w, h) })
	if len(lines) != h {
		b.Fatalf("%d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			b.Fatalf("line %d is %d cells, over %d: %q", i, n, w, ansi.Strip(l))
		}
	}
}
