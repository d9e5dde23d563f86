package msgboxx_test

import (
	"context"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
)

// BenchmarkPageMessages100k pages through 100,000 messages of the sandbox
// over loopback HTTP with the client's iterator, and reports the requests
// made against the minimum ceil(n/100) and the time per page.
//
//	go test -run '^$' -bench PageMessages -benchtime 5x ./api/msgboxx/
func BenchmarkPageMessages100k(b *testing.B) {
	const n = 100_000
	e := newEnv(b, func(s *sandbox.Config, _ *msgboxx.Config) {
		s.Empty, s.Conversations, s.Messages, s.HistoryDays = true, 5_000, n, 7
	})
	ctx := context.Background()
	f := msgboxx.MessageFilter{From: e.clock.Now().Add(-8 * 24 * time.Hour), To: e.clock.Now().Add(time.Minute)}
	if _, err := msgboxx.Collect(e.client.APIAccounts(ctx)); err != nil { // log in outside the timing
		b.Fatal(err)
	}
	e.srv.ResetStats()
	b.ReportAllocs()
	got := 0
	for b.Loop() {
		got = 0
		for _, err := range e.client.Messages(ctx, f) {
			if err != nil {
				b.Fatal(err)
			}
			got++
		}
	}
	if got != n {
		b.Fatalf("paged %d messages, want %d", got, n)
	}
	requests := float64(e.srv.Stats().Requests["GET /message"]) / float64(b.N)
	minimum := float64((n + msgboxx.PageSize - 1) / msgboxx.PageSize)
	b.ReportMetric(requests, "requests/op")
	b.ReportMetric(requests/minimum, "requests/minimum")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/requests/1e6, "ms/page")
}
