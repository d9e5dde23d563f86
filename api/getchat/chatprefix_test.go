package getchat

import (
	"context"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

// The first sync reads older windows one after another: the chat list
// (newest first) is read once across them, each window going on from
// where the newer one stopped, never from the top again.
func TestChatListReadOnceAcrossWindows(t *testing.T) {
	f := newFake(t)
	for i := range 30 { // 30 chats, one message each, an hour apart, newest first
		id := "49" + string(rune('A'+i))
		at := t0.Add(-time.Duration(i) * time.Hour)
		c := Chat{WaID: id}
		c.Contact.WaID = id
		last := msgAt(id, "", at, false, "")
		c.LastMessage = &last
		f.chats = append(f.chats, c)
		f.msgs = append(f.msgs, msgAt(id, "wamid."+id, at, false, "hello"))
	}
	be := NewBackend(f.client(t, Config{PageSize: 5, Now: func() time.Time { return t0.Add(time.Minute) }}))
	ctx := context.Background()
	described := map[string]bool{}
	windows := [][2]time.Duration{{-2 * time.Hour, time.Minute}, {-10 * time.Hour, -2 * time.Hour}, {-40 * time.Hour, -10 * time.Hour}}
	for _, w := range windows {
		for b, err := range be.Messages(ctx, state.MessageQuery{From: t0.Add(w[0]), To: t0.Add(w[1])}) {
			if err != nil {
				t.Fatal(err)
			}
			for id := range b.Conversations {
				described[id] = true
			}
		}
	}
	if len(described) != 30 {
		t.Fatalf("%d chats described, want 30", len(described))
	}
	if n := f.hits["chats"]; n > 7 { // 6 pages of 5, and the prefetch of one more at most
		t.Fatalf("%d chat pages read for 30 chats in pages of 5", n)
	}
}
