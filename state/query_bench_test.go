package state

import (
	"testing"
)

// benchQueries are sections as an agent would write them, over the
// synthetic 100k store (benchNow is its clock).
var benchQueries = []struct {
	name, src string
	sort      QuerySort
}{
	{"closing_taken", "window:closing -assignee:none", SortWindow},
	{"waiting_1h", "waiting:>1h", SortWaiting},
	{"team_unread", "team:Sales unread:yes", SortActivity},
	{"agent_any_folder", "folder:any assignee:@" + benchFirst[0], SortActivity},
	{"free_word", "folder:any smith -window:closed", SortActivity},
	{"free_word_inbox", "smith", SortActivity},
	{"free_common_word", "thanks", SortActivity},
	{"free_digits", "1123", SortActivity},
	{"free_two_words", "folder:any ana silva", SortWindow},
	{"free_letter", "window:open s", SortWindow},
	{"free_two_letters", "sm", SortActivity},
	{"free_not_word", "-thanks unread:yes", SortActivity},
	{"free_common_prefix", "th", SortActivity}, // a fifth of the conversations
}

// BenchmarkSectionCount is a section's count in the sidebar: one
// CountConversations of its query over 100k conversations (the goal: one
// frame, 16 ms, for all the counts the sidebar reads).
func BenchmarkSectionCount(b *testing.B) {
	s := openBench(b)
	for _, bq := range benchQueries {
		q, err := ParseQuery(bq.src)
		if err != nil {
			b.Fatal(err)
		}
		v := View{Query: q.Sorted(bq.sort), Now: benchNow}
		b.Run(bq.name, func(b *testing.B) {
			var n int
			for b.Loop() {
				if n, err = s.CountConversations(v); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n), "rows")
		})
	}
}

// BenchmarkQueryPage is a section's first screen: its first 50 rows in
// its order, as the list reads them.
func BenchmarkQueryPage(b *testing.B) {
	s := openBench(b)
	for _, bq := range benchQueries {
		q, err := ParseQuery(bq.src)
		if err != nil {
			b.Fatal(err)
		}
		v := View{Query: q.Sorted(bq.sort), Now: benchNow}
		b.Run(bq.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.ListConversations(v, 0, 50); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
