package getchat_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/getchat"
	"github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestRetryFailedReplyOnSandbox: on get.chat as on msgboxx, a refused
// reply the agent retries is looked for first and sent only when the
// platform does not have it — once — and settled with no send when it
// does (the agent sent the same text from elsewhere meanwhile).
func TestRetryFailedReplyOnSandbox(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		elsewhere bool
		wantPosts int
	}{
		{"not on the platform: sent once", false, 1},
		{"already on the platform: claimed, not sent", true, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, url := startSandbox(t, sandbox.Config{})
			c := sandboxClient(t, url, sandbox.DemoUsername, sandbox.DemoPassword)
			st, err := state.Open(filepath.Join(t.TempDir(), "gc.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			e := state.NewEngine(st, getchat.NewBackend(c), state.Config{Poll: time.Minute, IdlePoll: time.Minute})
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if err := e.SyncOnce(ctx); err != nil {
				t.Fatal(err)
			}
			const body = "Your contract is ready to sign"
			srv.SetFaults(sandbox.Fault{Methods: []string{"POST"}, Paths: []string{"/api/v1/messages/"}, Count: 1, Status: 400})
			item, err := e.Send(sandbox.ChatOpenAdmin, body)
			if err != nil {
				t.Fatal(err)
			}
			e.SendPending(ctx)
			if got, _, _ := st.OutboxItem(item.LocalID); got.State != state.OutboxFailed {
				t.Fatalf("after the refusal: %+v", got)
			}
			if tt.elsewhere {
				if _, err := c.SendText(ctx, sandbox.ChatOpenAdmin, body); err != nil {
					t.Fatal(err)
				}
			}
			before := srv.Stats().Requests["POST /api/v1/messages/"]
			if err := e.Retry(item.LocalID); err != nil {
				t.Fatal(err)
			}
			waitFor(t, ctx, func() bool {
				e.SendPending(ctx)
				got, _, _ := st.OutboxItem(item.LocalID)
				return got.State == state.OutboxSent
			}, "the retried reply sent", srv)
			if n := srv.Stats().Requests["POST /api/v1/messages/"] - before; n != tt.wantPosts {
				t.Errorf("%d sends after the retry, want %d (requests %v)", n, tt.wantPosts, srv.Stats().Requests)
			}
			if err := e.SyncOnce(ctx); err != nil {
				t.Fatal(err)
			}
			msgs, err := st.Thread(sandbox.ChatOpenAdmin, time.Time{}, 1000)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, m := range msgs {
				if m.Body == body {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d copies in the thread, want 1", n)
			}
		})
	}
}
