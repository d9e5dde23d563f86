package state

import (
	"fmt"
	"strings"
	"testing"
)

// The contacts search bounds its cost (contacts.go) without losing a
// contact: a short run of digits is looked for among the newest contacts
// first, and through the index when too rare there; more than rankCap
// matches come newest first; fewer are ranked.
func TestSearchContactsBounded(t *testing.T) {
	s := openTest(t)
	const n = scanWindow + 600
	cs := []Contact{{ID: "rare", AccountID: "a1", Name: "Zoë Rare", Number: "+351911111111"}} // the oldest
	for i := range n {
		cs = append(cs, Contact{ID: fmt.Sprintf("p%04d", i), AccountID: "a1", Name: fmt.Sprintf("Person %d", i), Number: fmt.Sprintf("+44790%07d", i)})
	}
	must(t, s.UpsertContacts(cs))
	newest := fmt.Sprintf("p%04d", n-1)
	tests := []struct {
		q     string
		count int
		first string             // "" for any
		each  func(Contact) bool // every result
	}{
		{q: "4479", count: 100, first: newest},    // a common short run: the newest that hold it
		{q: "+44 790", count: 100, first: newest}, // two runs
		{q: "3519", count: 1, first: "rare"},      // too rare among the newest: the index finds the oldest
		{q: "35 91", count: 1, first: "rare"},     // two rare runs
		{q: "person", count: 100, first: newest},  // over rankCap matches: newest first
		{q: "person 25", count: 100, each: func(c Contact) bool { return strings.Contains(c.Number, "25") }},
		{q: "zoe rare", count: 1, first: "rare"}, // ranked
		{q: "+447900000012", count: 1, first: "p0012"},
		{q: "900002599", count: 1, first: newest}, // a long run: the index
		{q: "nobody", count: 0},
	}
	for _, tt := range tests {
		got, err := s.SearchContacts(tt.q, 100)
		if err != nil {
			t.Fatalf("SearchContacts(%q): %v", tt.q, err)
		}
		if len(got) != tt.count || tt.first != "" && got[0].ID != tt.first {
			first := ""
			if len(got) > 0 {
				first = got[0].ID
			}
			t.Errorf("SearchContacts(%q) = %d contacts, first %q; want %d, first %q", tt.q, len(got), first, tt.count, tt.first)
		}
		for _, c := range got {
			if tt.each != nil && !tt.each(c) {
				t.Errorf("SearchContacts(%q) gave %+v", tt.q, c)
			}
		}
	}
}
