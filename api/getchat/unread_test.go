package getchat_test

import (
	"context"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestServerUnreadOnSandbox: get.chat's unread counts (new_messages, per
// user) reach Conversation.Unread; opening a chat marks it received on
// get.chat in the background; a pushed message is unread again.
func TestServerUnreadOnSandbox(t *testing.T) {
	t.Parallel()
	tests := []struct {
		user, pass string
		chat       string
		want       int // the demo's unread count for that user
	}{
		{sandbox.DemoUsername, sandbox.DemoPassword, sandbox.ChatUnassigned, 1},
		{sandbox.RegularUsername, sandbox.RegularPassword, sandbox.ChatOpenRegular, 2},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			t.Parallel()
			f := startFakeClockEngine(t, sandbox.Config{}, tt.user, tt.pass)
			f.settle(t, "the stream live", func() bool { return f.e.Status().Streaming })
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if c, _, _ := f.st.Conversation(tt.chat); c.Unread != tt.want {
				t.Fatalf("unread %d, want get.chat's %d", c.Unread, tt.want)
			}
			if err := state.NewService(f.st, f.e).MarkRead(tt.chat, f.clock.Now()); err != nil {
				t.Fatal(err)
			}
			if c, _, _ := f.st.Conversation(tt.chat); c.Unread != 0 {
				t.Fatalf("unread %d after MarkRead", c.Unread)
			}
			f.e.WaitReadMarks()
			chat, err := f.be.Client().Chat(ctx, tt.chat)
			if err != nil || chat.NewMessages != 0 {
				t.Fatalf("get.chat's count after the mark: %d, %v (requests %v)", chat.NewMessages, err, f.srv.Stats().Requests)
			}
			f.clock.Advance(time.Minute)
			if _, err := f.srv.Receive(tt.chat, "", "one more thing"); err != nil {
				t.Fatal(err)
			}
			f.settle(t, "the pushed message unread", func() bool {
				c, _, _ := f.st.Conversation(tt.chat)
				return c.Unread == 1 && c.Preview == "one more thing"
			})
		})
	}
}
