package msgboxx_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestBulkAssignWithInjectedFailures: eight conversations assigned to a
// team in one action while the platform fails two of the PUTs. The
// failures are reported by name and put back; the rest are assigned on
// the platform; progress counts every one.
func TestBulkAssignWithInjectedFailures(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	withEngine(r, noRetryBackend(t, r))
	ho, team := accountID(t, r, "Head Office"), teamID(t, r, "Head Office")
	marked := pick(t, r, ho, 8, func(c state.Conversation) bool { return c.TeamID != team })
	before := map[string]state.Conversation{}
	for _, c := range marked {
		before[c.ID] = c
	}
	r.srv.ResetStats()
	r.srv.SetFaults(sandbox.Fault{Methods: []string{"PUT"}, Paths: []string{"/conversation"}, Count: 2, Status: 500})

	var mu sync.Mutex
	var progress [][2]int
	ch := state.Change{TeamID: team}
	res := r.engine.Apply(context.Background(), ids(marked), ch, func(done, total int) {
		mu.Lock()
		progress = append(progress, [2]int{done, total})
		mu.Unlock()
	})

	if len(progress) != len(marked) {
		t.Errorf("progress called %d times: %v", len(progress), progress)
	}
	for i, p := range progress {
		if p != [2]int{i + 1, len(marked)} {
			t.Errorf("progress call %d: %v", i, p)
		}
	}
	var ok, failed []state.ActionResult
	for i, x := range res {
		if x.ConversationID != marked[i].ID || x.Label != marked[i].Label() {
			t.Errorf("result %d: %+v", i, x)
		}
		if x.Err == nil {
			ok = append(ok, x)
		} else {
			failed = append(failed, x)
		}
	}
	if len(ok) != 6 || len(failed) != 2 {
		t.Fatalf("%d assigned, %d failed: %+v", len(ok), len(failed), res)
	}
	if n := r.srv.Stats().Requests["PUT /conversation/{id}"]; n != len(marked) {
		t.Errorf("%d PUTs, want %d", n, len(marked))
	}
	sb := sandboxConvs(r)
	for _, x := range ok {
		if s := sb[x.ConversationID]; s.TeamID != team || s.UserID != "" {
			t.Errorf("%s on the sandbox: team %q user %q", x.Label, s.TeamID, s.UserID)
		}
	}
	for _, x := range ok {
		sameAsSandbox(t, r, x.ConversationID)
	}
	for _, x := range failed {
		got, _, _ := r.store.Conversation(x.ConversationID)
		b := before[x.ConversationID]
		if got.Folder != b.Folder || got.UserID != b.UserID || got.TeamID != b.TeamID {
			t.Errorf("%s not put back: %+v, was %+v", x.Label, got, b)
		}
		if sb[x.ConversationID].TeamID == team {
			t.Errorf("%s assigned on the sandbox although it failed", x.Label)
		}
	}
	sum := state.Summary(res, ch, "Head Office")
	if !strings.HasPrefix(sum, "6 assigned to team Head Office, 2 failed") {
		t.Errorf("summary %q", sum)
	}
	for _, x := range failed {
		if !strings.Contains(sum, x.Label) {
			t.Errorf("summary %q does not name %q", sum, x.Label)
		}
	}
	if !strings.Contains(sum, "try again") {
		t.Errorf("summary %q does not say what to do", sum)
	}
	t.Log(sum)
	// The next sync reads the failed ones again: the store matches the
	// platform everywhere.
	r.srv.SetFaults()
	r.syncUntil(t, 1)
	sameAsSandbox(t, r, ids(marked)...)
}
