package state

import (
	"context"
	"slices"
	"testing"
	"time"
)

// BenchmarkSearchContactsPerKey is the contacts panel as the agent types:
// every prefix of what they type is one search (the UI runs one per key,
// the next key cancelling it), at the panel's limit of 100, on the
// synthetic store of 100,000 contacts (store_bench_test.go). It reports
// the latency of one key's search: p50, p99 and the worst over every key
// typed, the budget being one frame (16 ms).
func BenchmarkSearchContactsPerKey(b *testing.B) {
	s := openBench(b)
	typed := []string{
		"maria silva",     // a name, word by word
		"jo",              // a short prefix matching thousands
		"a",               // one letter
		"+44 7902 111123", // a number as written
		"07902 11",        // a national number
		"351 9",           // another country
		"zz",              // nothing
		"Ångström",        // diacritics
		"ana 79",          // a name and part of the number
	}
	var keys []string
	for _, t := range typed {
		r := []rune(t)
		for i := 1; i <= len(r); i++ {
			keys = append(keys, string(r[:i]))
		}
	}
	var lat []time.Duration
	ctx := context.Background()
	for b.Loop() {
		for _, q := range keys {
			start := time.Now()
			if _, err := s.SearchContactsContext(ctx, q, 100); err != nil {
				b.Fatalf("search %q: %v", q, err)
			}
			lat = append(lat, time.Since(start))
		}
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms/key")
	b.ReportMetric(pct(0.99), "p99-ms/key")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, "max-ms/key")
	b.ReportMetric(float64(len(keys)), "keys/op")
}
