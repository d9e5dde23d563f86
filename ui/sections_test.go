package ui

import (
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
)

// Sections: the config's [[sections]] in the sidebar under the views,
// with live counts, listed in their query's order when chosen.

// newSectionsInbox is the team inbox (Ana 1h, Ben 2h, Chloé 3h, +…126 4h
// waiting; Ana and Chloé are Robin's) with two sections.
func newSectionsInbox(t *testing.T, w, h int) *teamInbox {
	t.Helper()
	ti := newTeamInbox(t, w, h, decorated{})
	parse := func(src string, sort state.QuerySort) *state.Query {
		q, err := state.ParseQuery(src)
		if err != nil {
			t.Fatal(err)
		}
		return q.Sorted(sort)
	}
	// As main.go gives them in Deps.
	ti.app.d.Sections = []Section{
		{Name: "Waiting > 90m", Query: parse("waiting:>90m", state.SortWaiting)},
		{Name: "Robin's \x1b[31mred", Query: parse(`assignee:@"Robin Regular"`, state.SortActivity)},
	}
	ti.drive(ti.app.reloadSidebar())
	return ti
}

// labels of the list's rows, top to bottom.
func (ti *teamInbox) rowLabels() []string {
	var out []string
	for _, c := range ti.app.list.rows {
		out = append(out, c.Label())
	}
	return out
}

func TestSectionsInSidebar(t *testing.T) {
	ti := newSectionsInbox(t, 120, 40)
	frame := ti.frame()
	if !strings.Contains(frame, "Sections") {
		t.Fatalf("no Sections heading:\n%s", frame)
	}
	if raw := ti.app.View().Content; strings.Contains(raw, "\x1b[31mred") || !strings.Contains(frame, "Robin's ␛[31mred") {
		t.Errorf("a section's name is not sanitized:\n%q", raw)
	}
	// unread/total, as the views count.
	for label, want := range map[string]string{"Waiting > 90m": "3/3", "Robin's": "2/2"} {
		if l := ti.sidebarLine(label); !strings.HasSuffix(strings.TrimSpace(l), want) {
			t.Errorf("%s: %q, want it to end in %s", label, l, want)
		}
	}
	// Chosen from the sidebar: the list holds the section's rows in its
	// order (the longest wait first).
	for ti.app.focus != focusSidebar {
		ti.keys("esc")
	}
	e, _ := ti.app.side.Selected()
	for e.key != "section:Waiting > 90m" {
		ti.keys("j")
		e, _ = ti.app.side.Selected()
	}
	ti.keys("enter")
	if ti.app.side.active != "section:Waiting > 90m" || ti.app.focus != focusList {
		t.Fatalf("enter on the section: active %q, focus %v", ti.app.side.active, ti.app.focus)
	}
	if got, want := ti.rowLabels(), []string{"+447902111126", "Chloé Martin", "Ben Okafor"}; !slices.Equal(got, want) {
		t.Errorf("section rows %v, want %v", got, want)
	}
	// Live: archiving Ben takes him out of the list and the count.
	ti.selectRow("Ben Okafor")
	ti.keys("e")
	if got, want := ti.rowLabels(), []string{"+447902111126", "Chloé Martin"}; !slices.Equal(got, want) {
		t.Errorf("after archiving Ben: %v, want %v", got, want)
	}
	if l := ti.sidebarLine("Waiting > 90m"); !strings.HasSuffix(strings.TrimSpace(l), "2/2") {
		t.Errorf("count after archiving Ben: %q", l)
	}
}

func TestGoldenSectionsFrames(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}, {"60x15", 60, 15}} {
		for _, sidebar := range []bool{false, true} {
			name := "list_" + sz.name
			if sidebar {
				name = "sidebar_" + sz.name
			}
			t.Run(name, func(t *testing.T) {
				ti := newSectionsInbox(t, sz.w, sz.h)
				ti.drive(ti.app.showEntry("section:Waiting > 90m"))
				for sidebar && ti.app.focus != focusSidebar {
					ti.keys("esc")
				}
				if sidebar {
					ti.keys("j") // to the last entry: at 60x15 the sidebar scrolls to it
				}
				golden.RequireEqual(t, ti.frame())
			})
		}
	}
}

// / takes a query when the text starts with a key: its conversations are
// the hits (enter opens, ctrl+x marks all matching); a bad query says
// which word and what would be valid.
func TestSearchTakesAQuery(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.keys("/", "waiting:>90m -assignee:none")
	var got []string
	for _, h := range ti.app.srch.hits {
		got = append(got, h.Conversation.Label())
	}
	if want := []string{"Chloé Martin"}; !slices.Equal(got, want) || ti.app.srch.err != nil {
		t.Fatalf("hits %v (%v), want %v", got, ti.app.srch.err, want)
	}
	ti.send(ctrlX)
	if got := markedIDs(ti.app); !slices.Equal(got, []string{"c3"}) {
		t.Errorf("ctrl+x marked %v, want c3", got)
	}
	ti.keys("/")
	for range len("waiting:>90m -assignee:none") {
		ti.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	ti.keys("window:soon")
	if err := ti.app.srch.err; err == nil || !strings.Contains(err.Error(), `"window:soon" at column 1: window: is open, closing or closed`) {
		t.Errorf("bad query: %v", err)
	}
	if f := ti.frame(); !strings.Contains(f, "window: is open, closing or closed") {
		t.Errorf("the error is not shown:\n%s", f)
	}
	// Plain words are still a search.
	ti.send(tea.KeyPressMsg{Code: tea.KeyEscape})
	ti.keys("/")
	for range len("window:soon") {
		ti.send(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
	ti.keys("apply")
	if len(ti.app.srch.hits) != 1 || ti.app.srch.hits[0].ByContact {
		t.Errorf("a word: %+v", ti.app.srch.hits)
	}
}

// A section naming a team the store does not know says so once, in the
// status bar, with the names it does know; its count is 0.
func TestSectionUnknownName(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	q, err := state.ParseQuery("team:Night")
	if err != nil {
		t.Fatal(err)
	}
	ti.app.d.Sections = []Section{{Name: "Nights", Query: q}}
	ti.drive(ti.app.reloadSidebar())
	want := `Section Nights: query: "team:Night" at column 1: no team is called "Night" (known: "Sales", "Support")`
	if ti.app.bar.flash != want || !ti.app.bar.isError {
		t.Fatalf("flash %q (error %v), want %q", ti.app.bar.flash, ti.app.bar.isError, want)
	}
	if l := ti.sidebarLine("Nights"); !strings.HasSuffix(strings.TrimSpace(l), "0") {
		t.Errorf("count: %q", l)
	}
	ti.app.bar.flash = ""
	ti.drive(ti.app.reloadSidebar())
	if ti.app.bar.flash != "" {
		t.Errorf("said again at the next reload: %q", ti.app.bar.flash)
	}
}
