package getchat_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/getchat"
	"github.com/mbx-inbox/mbx/api/getchat/sandbox"
)

// sameTags compares tags as get.chat does: by name in any case, any order.
func sameTags(a, b []string) bool {
	norm := func(tags []string) []string {
		out := make([]string, len(tags))
		for i, t := range tags {
			out[i] = strings.ToLower(t)
		}
		slices.Sort(out)
		return out
	}
	return slices.Equal(norm(a), norm(b))
}

// TestConversationTagsOnSandbox: chats' tags reach Conversation.Tags from
// the chat list, from mbx (stored as soon as get.chat accepted them, no
// wait for an event) and from tagging elsewhere (pushed on the websocket).
func TestConversationTagsOnSandbox(t *testing.T) {
	t.Parallel()
	f := startFakeClockEngine(t, sandbox.Config{}, sandbox.DemoUsername, sandbox.DemoPassword)
	f.settle(t, "the stream live", func() bool { return f.e.Status().Streaming })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	// Someone else, in the web inbox: another login to the same server.
	other := getchat.NewBackend(sandboxClient(t, f.url, sandbox.DemoUsername, sandbox.DemoPassword))

	steps := []struct {
		name   string
		do     func() error
		atOnce bool // stored when do returns
		id     string
		want   []string
	}{
		{"from the chat list", nil, true, sandbox.ChatOpenRegular, []string{"VIP"}},
		{"set here", func() error {
			return f.e.SetConversationTags(ctx, sandbox.ChatUnassigned, []string{"vip", "Follow-up"})
		}, true, sandbox.ChatUnassigned, []string{"VIP", "Follow-up"}},
		{"tagged elsewhere", func() error {
			return other.SetConversationTags(ctx, sandbox.ChatOpenAdmin, []string{"Order issue"})
		}, false, sandbox.ChatOpenAdmin, []string{"Order issue"}},
		{"untagged elsewhere", func() error {
			return other.SetConversationTags(ctx, sandbox.ChatOpenRegular, nil)
		}, false, sandbox.ChatOpenRegular, nil},
	}
	for _, st := range steps {
		if st.do != nil {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.name, err)
			}
		}
		has := func() bool {
			c, _, _ := f.st.Conversation(st.id)
			return sameTags(c.Tags, st.want)
		}
		if st.atOnce && !has() {
			c, _, _ := f.st.Conversation(st.id)
			t.Fatalf("%s: tags %q, want %q", st.name, c.Tags, st.want)
		}
		f.settle(t, st.name, has)
	}
}
