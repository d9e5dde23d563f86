package msgboxx_test

import (
	"context"
	"slices"
	"testing"

	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// benchBulkSize is how many conversations one bulk assignment names.
const benchBulkSize = 200

// BenchmarkBulkAssign measures one bulk assignment of 200 conversations
// (engine.Apply with a team) over loopback HTTP against the sandbox,
// after one sync outside the timing. Iterations alternate between the
// team Head Office and the global team Night Shift, so that every
// conversation has something to send each time. It reports the PUTs made
// (the goal: one per conversation, 200/op), every request beside them,
// and the time per conversation.
//
//	go test -run '^$' -bench BulkAssign -benchmem -benchtime 3x ./api/msgboxx/
func BenchmarkBulkAssign(b *testing.B) {
	// 600 extra conversations on top of the demo's, half of them in
	// Head Office, so that 200 not yet assigned to either team exist.
	r := newRig(b, true, func(s *sandbox.Config, _ *state.Config) { s.Conversations = 600 })
	r.syncUntil(b, 1)

	accounts, err := r.store.Accounts()
	if err != nil {
		b.Fatal(err)
	}
	teams, err := r.store.Teams()
	if err != nil {
		b.Fatal(err)
	}
	var head string
	for _, a := range accounts {
		if a.Name == "Head Office" {
			head = a.ID
		}
	}
	var alternate [2]string // Head Office's team, then the global Night Shift
	for _, t := range teams {
		switch {
		case t.Name == "Head Office" && t.Serves(head):
			alternate[0] = t.ID
		case t.Name == "Night Shift" && len(t.AccountIDs) == 0:
			alternate[1] = t.ID
		}
	}
	if head == "" || alternate[0] == "" || alternate[1] == "" {
		b.Fatalf("no Head Office account (%q) or teams Head Office and Night Shift (%q)", head, alternate)
	}
	convs, err := r.store.ListConversations(state.View{}, 0, 10_000)
	if err != nil {
		b.Fatal(err)
	}
	var marked []string
	for _, c := range convs {
		if c.AccountID == head && c.MetaKnown && !slices.Contains(alternate[:], c.TeamID) {
			marked = append(marked, c.ID)
			if len(marked) == benchBulkSize {
				break
			}
		}
	}
	if len(marked) != benchBulkSize {
		b.Fatalf("only %d Head Office conversations in the inbox outside both teams, want %d", len(marked), benchBulkSize)
	}

	ctx := context.Background()
	var calls, last int // progress; Apply calls it from several goroutines, one at a time
	progress := func(done, total int) { calls, last = calls+1, done }
	r.srv.ResetStats()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		team := alternate[i%2]
		i++
		calls, last = 0, 0
		res := r.engine.Apply(ctx, marked, state.Change{TeamID: team}, progress)
		for _, x := range res {
			if x.Err != nil {
				b.Fatalf("%s: %v", x.Label, x.Err)
			}
		}
		if calls != benchBulkSize || last != benchBulkSize {
			b.Fatalf("progress called %d times, last done %d; want %d", calls, last, benchBulkSize)
		}
	}
	b.StopTimer()
	sb := sandboxConvs(r)
	want := alternate[(i-1)%2]
	for _, id := range marked {
		if sb[id].TeamID != want {
			b.Fatalf("%s on the sandbox: team %q, want %q", id, sb[id].TeamID, want)
		}
	}
	requests := r.srv.Stats().Requests
	n := float64(b.N)
	b.ReportMetric(float64(requests["PUT /conversation/{id}"])/n, "requests/op")
	b.ReportMetric(float64(totalRequests(requests))/n, "all-requests/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/1e6/n/benchBulkSize, "ms/conversation")
}
