package sandbox

import (
	"testing"
	"time"
)

// BenchmarkVolume builds the first-sync volume (10k chats, 100k
// messages) and pages through it: go test -bench Volume -run ^$ .
func BenchmarkVolume(b *testing.B) {
	for b.Loop() {
		start := time.Now()
		s := New(Config{Empty: true, Conversations: 10_000, Messages: 100_000, Now: func() time.Time { return t0 }})
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/new")
		_ = s
	}
}

func TestVolumePaging(t *testing.T) {
	if testing.Short() {
		t.Skip("volume")
	}
	e := newEnv(t, Config{Empty: true, Conversations: 500, Messages: 5_000})
	start := time.Now()
	msgs, pages := walk[msgOut](e, e.admin, "/api/v1/messages/?limit=1000")
	if len(msgs) != 5_000 || len(pages) != 5 {
		t.Fatalf("%d messages in %d pages", len(msgs), len(pages))
	}
	chats, _ := walk[chatOut](e, e.admin, "/api/v1/chats/?limit=1000")
	if len(chats) != 500 {
		t.Fatal(len(chats))
	}
	t.Logf("5k messages and 500 chats paged in %v", time.Since(start))
}
