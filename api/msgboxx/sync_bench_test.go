package msgboxx_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

func totalRequests(r map[string]int) int {
	n := 0
	for _, v := range r {
		n += v
	}
	return n
}

// BenchmarkBackfillDemo measures the first start against the demo data:
// a 7-day backfill over loopback HTTP into a new store. It reports the
// requests made against the minimum the API allows (message pages plus one
// metadata call per conversation) and, beside them, the reference and
// contact calls.
//
//	go test -run '^$' -bench BackfillDemo -benchtime 5x ./api/msgboxx/
func BenchmarkBackfillDemo(b *testing.B) {
	r := newRig(b, true)
	dir := b.TempDir()
	var st state.SyncStats
	var convs, contactPages int
	var requests map[string]int
	i := 0
	for b.Loop() {
		i++
		store, err := state.Open(filepath.Join(dir, fmt.Sprintf("backfill-%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		eng := state.NewEngine(store, newBackend(b, r.srv, r.url, r.now), state.Config{Now: r.now, HistoryDays: 7})
		r.srv.ResetStats()
		if err := eng.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		requests = r.srv.Stats().Requests
		st = eng.Stats()
		convs, _ = store.CountConversations(state.View{Folder: state.FolderInbox})
		for _, f := range []state.Folder{state.FolderArchive, state.FolderSpam} {
			n, _ := store.CountConversations(state.View{Folder: f})
			convs += n
		}
		store.Close()
	}
	contactPages = requests["GET /contact"]
	minimum := st.MessagePages + convs
	b.ReportMetric(float64(totalRequests(requests)), "requests/op")
	b.ReportMetric(float64(minimum), "minimum/op")
	b.ReportMetric(float64(st.MessagePages), "message-pages/op")
	b.ReportMetric(float64(st.MetaCalls), "meta-calls/op")
	b.ReportMetric(float64(convs), "conversations")
	b.ReportMetric(float64(contactPages), "contact-pages/op")
}

// BenchmarkIdleTick measures a poll when nothing happened: the goal is one
// request.
//
//	go test -run '^$' -bench IdleTick ./api/msgboxx/
func BenchmarkIdleTick(b *testing.B) {
	r := newRig(b, true)
	r.syncUntil(b, 1)
	r.syncUntil(b, 1)
	r.srv.ResetStats()
	for b.Loop() {
		if err := r.engine.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(totalRequests(r.srv.Stats().Requests))/float64(b.N), "requests/op")
}

// BenchmarkFirstSyncNewestOnTop measures the first start against 100,000
// conversations (100,000 messages over 7 days): the time from Run until
// the newest inbox conversation is the first row of the inbox with its
// folder and assignee known (usable), while the history fills in behind.
// The run ends there; it reports the requests made until then.
//
//	go test -run '^$' -bench FirstSyncNewestOnTop -benchtime 1x ./api/msgboxx/
func BenchmarkFirstSyncNewestOnTop(b *testing.B) {
	const n = 100_000
	r := newRig(b, true, func(s *sandbox.Config, e *state.Config) {
		s.Empty, s.Conversations, s.Messages, s.HistoryDays = true, n, n, 7
	})
	snap := r.srv.Snapshot()
	folder := map[string]string{}
	for _, c := range snap.Conversations {
		folder[c.ConversationID] = c.Folder
	}
	var newest string
	var newestAt time.Time
	for _, m := range snap.Messages {
		if folder[m.ConversationID] == "inbox" && m.DateTime.After(newestAt) {
			newest, newestAt = m.ConversationID, m.DateTime
		}
	}
	dir := b.TempDir()
	var onTop time.Duration
	var requests int
	i := 0
	for b.Loop() {
		i++
		store, err := state.Open(filepath.Join(dir, fmt.Sprintf("first-%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		eng := state.NewEngine(store, newBackend(b, r.srv, r.url, r.now), state.Config{Now: r.now, HistoryDays: 7})
		sub := eng.Subscribe()
		r.srv.ResetStats()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- eng.Run(ctx) }()
		for {
			wctx, wcancel := context.WithTimeout(ctx, time.Minute)
			_, _, err := sub.Next(wctx, 0)
			wcancel()
			if err != nil {
				b.Fatalf("the newest conversation never reached the top: %v", err)
			}
			top, err := store.ListConversations(state.View{Folder: state.FolderInbox}, 0, 1)
			if err == nil && len(top) == 1 && top[0].ID == newest && top[0].MetaKnown {
				onTop = time.Since(start)
				break
			}
		}
		requests = totalRequests(r.srv.Stats().Requests)
		cancel()
		<-done
		sub.Close()
		store.Close()
	}
	b.ReportMetric(float64(onTop.Milliseconds()), "ms-to-newest-on-top")
	b.ReportMetric(float64(requests), "requests-until-then")
}
