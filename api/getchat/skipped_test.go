package getchat

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

// A message that decodes but names no chat (or has no id) is skipped,
// logged and counted in the engine's status; the rest of the page and
// the sync go on (issue 12, finding 5, on get.chat).
func TestEngineCountsMessagesWithoutChat(t *testing.T) {
	f := newFake(t)
	seed(f, 30)
	f.msgs = append(f.msgs, msgAt("", "wamid.nochat", t0.Add(5*time.Minute), false, "orphan"))
	be := NewBackend(f.client(t, Config{PageSize: 10}))
	st, err := state.Open(filepath.Join(t.TempDir(), "gc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := t0.Add(2 * time.Hour)
	e := state.NewEngine(st, be, state.Config{Now: func() time.Time { return now }})
	if err := e.SyncOnce(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := e.Status(); s.Skipped != 1 {
		t.Fatalf("skipped %d, want 1 (status %+v)", s.Skipped, s)
	}
	for _, id := range []string{"wamid.0000", "wamid.0029"} {
		if _, ok, err := st.Message(id); err != nil || !ok {
			t.Fatalf("%s not stored beside the skipped one: %v", id, err)
		}
	}
}
