package ui

import (
	"fmt"
	"strings"

	"github.com/mbx-inbox/mbx/state"
)

type entryKind int

const (
	entryFolder entryKind = iota
	entryView
	entrySection // a [[sections]] query of the config file
)

// Section is a named query shown in the sidebar under the views, with
// its count, and listed in the query's order when chosen.
type Section struct {
	Name  string
	Query *state.Query
}

// sidebarEntry is one line of the folder and view sidebar.
type sidebarEntry struct {
	key   string // stable id: "inbox", "mine", "team:<id>", …
	label string
	kind  entryKind
	view  state.View
}

// sidebarEntries lists folders (Archive and Spam where the platform has
// folders), then views: Mine, Unassigned, Closing soon, Failed, then one
// per team; then the config's sections.
func sidebarEntries(teams []state.Team, me string, caps state.Capabilities, sections []Section) []sidebarEntry {
	out := []sidebarEntry{
		{key: "inbox", label: "Inbox", kind: entryFolder, view: state.View{Folder: state.FolderInbox}},
	}
	if !caps.Folders && caps.Resolve { // the store keeps resolved conversations in Archive
		out[0].label = "Open"
		out = append(out, sidebarEntry{key: "archive", label: "Resolved", kind: entryFolder, view: state.View{Folder: state.FolderArchive}})
	}
	if caps.Folders {
		out = append(out,
			sidebarEntry{key: "archive", label: "Archive", kind: entryFolder, view: state.View{Folder: state.FolderArchive}},
			sidebarEntry{key: "spam", label: "Spam", kind: entryFolder, view: state.View{Folder: state.FolderSpam}},
		)
	}
	if me != "" {
		out = append(out, sidebarEntry{key: "mine", label: "Mine", kind: entryView, view: state.View{Folder: state.FolderInbox, UserID: me}})
	}
	out = append(out,
		sidebarEntry{key: "unassigned", label: "Unassigned", kind: entryView, view: state.View{Folder: state.FolderInbox, Unassigned: true}},
		sidebarEntry{key: "closing", label: "Closing soon", kind: entryView, view: state.View{Folder: state.FolderInbox, ClosingSoon: true}},
	)
	out = append(out, sidebarEntry{key: "failed", label: "Failed", kind: entryView, view: state.View{Failed: true}}) // failed.go
	out = append(out, rescueEntries()...)                                                                            // rescue.go, snooze.go
	for _, t := range teams {
		out = append(out, sidebarEntry{key: "team:" + t.ID, label: line(t.Name), kind: entryView, view: state.View{Folder: state.FolderInbox, TeamID: t.ID}})
	}
	for _, sec := range sections { // by name (unique): the next start comes back to it (place.go)
		out = append(out, sidebarEntry{key: "section:" + sec.Name, label: line(sec.Name), kind: entrySection,
			view: state.View{Query: sec.Query, Me: me}})
	}
	return out
}

// sidebar is the folder and view list. It does no IO.
type sidebar struct {
	width, height int
	entries       []sidebarEntry
	counts        map[state.Folder]int
	viewCounts    map[string]int
	unread        map[string]int // entry key → unread conversations ("3/193")
	cursor        int            // highlighted entry while focused
	active        string         // key of the entry whose conversations are listed
	focused       bool
}

func (s *sidebar) SetSize(w, h int) { s.width, s.height = w, h }

func (s *sidebar) SetEntries(entries []sidebarEntry, counts map[state.Folder]int, views map[string]int) {
	s.entries, s.counts, s.viewCounts = entries, counts, views
	s.cursor = min(s.cursor, max(0, len(entries)-1))
}

func (s *sidebar) Move(delta int) {
	if len(s.entries) == 0 {
		return
	}
	s.cursor = (s.cursor + delta + len(s.entries)) % len(s.entries)
}

// Selected is the highlighted entry.
func (s *sidebar) Selected() (sidebarEntry, bool) {
	if s.cursor < 0 || s.cursor >= len(s.entries) {
		return sidebarEntry{}, false
	}
	return s.entries[s.cursor], true
}

// Activate marks key as the listed entry and moves the highlight to it.
func (s *sidebar) Activate(key string) {
	s.active = key
	for i, e := range s.entries {
		if e.key == key {
			s.cursor = i
		}
	}
}

func (s *sidebar) label(key string) string {
	for _, e := range s.entries {
		if e.key == key {
			return e.label
		}
	}
	return key
}

// entryRows is the line of each entry: a blank line and a heading come
// before the first view and the first section.
func (s *sidebar) entryRows() []int {
	rows := make([]int, len(s.entries))
	row := 0
	for i, e := range s.entries {
		if i > 0 && e.kind != s.entries[i-1].kind {
			row += 2
		}
		rows[i] = row
		row++
	}
	return rows
}

// top is the first line drawn: 0, or as far down as keeps the cursor's
// entry (or the listed one) on screen when the entries outgrow the pane.
func (s *sidebar) top() int {
	rows := s.entryRows()
	at := s.cursor
	if !s.focused {
		for i, e := range s.entries {
			if e.key == s.active {
				at = i
			}
		}
	}
	if at < 0 || at >= len(rows) || s.height <= 0 {
		return 0
	}
	return max(0, rows[at]-s.height+1)
}

func (s sidebar) View(st styles) string {
	w := s.width
	var b strings.Builder
	row, skip := 0, s.top()
	put := func(text string) {
		if skip > 0 {
			skip--
			return
		}
		if row >= s.height {
			return
		}
		if row > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(fit(text, w))
		row++
	}
	// "Folders" is the pane's title, in its border.
	for i, e := range s.entries {
		if i > 0 && e.kind != s.entries[i-1].kind {
			put("")
			if e.kind == entrySection {
				put(st.title.Render("Sections"))
			} else {
				put(st.title.Render("Views"))
			}
		}
		n := s.viewCounts[e.key]
		if e.kind == entryFolder {
			n = s.counts[e.view.Folder]
		}
		lead := " " // the folder or view listed, and the cursor, by a glyph too
		switch {
		case e.key == s.active:
			lead = glyphActive
		case s.focused && i == s.cursor:
			lead = glyphCursor
		}
		count := fmt.Sprint(n)
		if u := s.unread[e.key]; u > 0 { // unread/total, as a WhatsApp user reads it
			count = fmt.Sprintf("%d/%d", u, n)
		}
		text := spread(lead+e.label, st.count.Render(count), w)
		switch {
		case s.focused && i == s.cursor:
			text = st.itemCursor.Render(fit(text, w))
		case e.key == s.active:
			text = st.itemSelected.Render(fit(text, w))
		}
		put(text)
	}
	for row < s.height {
		put("")
	}
	return b.String()
}

// entryAt is the index of the entry drawn at line y of the sidebar (View
// puts a blank line and a heading before the first view and section, and
// scrolls by top), for the mouse.
func (s *sidebar) entryAt(y int) (int, bool) {
	y += s.top()
	for i, row := range s.entryRows() {
		if row == y {
			return i, true
		}
	}
	return 0, false
}
