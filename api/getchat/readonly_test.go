package getchat_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestReadOnlyOnSandbox: a regular user writes only to chats assigned to
// them, an admin to any. The store says which and why; a send to a
// read-only chat is refused before any request; assigning it to oneself
// makes it writable.
func TestReadOnlyOnSandbox(t *testing.T) {
	t.Parallel()
	const routeSend = "POST /api/v1/messages/"
	tests := []struct {
		name, user, pass string
		readOnly         map[string]bool // chat → read-only for this user
	}{
		{"admin", sandbox.DemoUsername, sandbox.DemoPassword, map[string]bool{
			sandbox.ChatOpenRegular: false, sandbox.ChatOpenAdmin: false, sandbox.ChatUnassigned: false}},
		{"regular", sandbox.RegularUsername, sandbox.RegularPassword, map[string]bool{
			sandbox.ChatOpenRegular: false, sandbox.ChatOpenAdmin: true, sandbox.ChatUnassigned: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := startFakeClockEngine(t, sandbox.Config{}, tt.user, tt.pass)
			f.settle(t, "the stream live", func() bool { return f.e.Status().Streaming })
			for chat, want := range tt.readOnly {
				c, ok, err := f.st.Conversation(chat)
				if err != nil || !ok {
					t.Fatalf("%s: %v %v", chat, ok, err)
				}
				if c.ReadOnly != want || (want && c.ReadOnlyWhy == "") {
					t.Errorf("%s (assigned to %q): ReadOnly %v %q, want %v", chat, c.UserID, c.ReadOnly, c.ReadOnlyWhy, want)
				}
			}
			if !tt.readOnly[sandbox.ChatUnassigned] {
				return
			}
			f.srv.ResetStats()
			var ie *state.InputError
			_, err := f.e.Send(sandbox.ChatUnassigned, "let me help")
			if !errors.As(err, &ie) || ie.Error() != "Only the assignee can write here: assign it to yourself first" {
				t.Fatalf("Send to a read-only chat: %v", err)
			}
			if n := f.srv.Stats().Requests[routeSend]; n != 0 {
				t.Fatalf("%d sends reached get.chat", n)
			}
			// Assigned to oneself, it is writable.
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			if res := f.e.Apply(ctx, []string{sandbox.ChatUnassigned}, state.Change{UserID: f.e.Me()}, nil); res[0].Err != nil {
				t.Fatal(res[0].Err)
			}
			if c, _, _ := f.st.Conversation(sandbox.ChatUnassigned); c.ReadOnly {
				t.Fatalf("after assigning it to oneself: %+v", c)
			}
			item, err := f.e.Send(sandbox.ChatUnassigned, "let me help")
			if err != nil {
				t.Fatal(err)
			}
			f.settle(t, "the reply sent", func() bool {
				m, ok, _ := f.st.Message("local:" + item.LocalID)
				return ok && m.ID != ""
			})
		})
	}
}
