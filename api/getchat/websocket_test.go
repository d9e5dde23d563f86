package getchat

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/mbx-inbox/mbx/state"
)

func frameFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "events", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// flatInbound is a get.chat incoming_messages frame for one message.
func flatInbound(m Message) []byte {
	b, _ := json.Marshal(map[string]any{"type": FrameWabaWebhook, "waba_payload": map[string]any{"incoming_messages": []Message{m}}})
	return b
}

// cloudStatus is a Cloud API status frame.
func cloudStatus(wamid, waID, status string, at time.Time) []byte {
	b, _ := json.Marshal(map[string]any{"type": FrameWabaWebhook, "waba_payload": map[string]any{
		"object": "whatsapp_business_account",
		"entry": []any{map[string]any{"id": "1", "changes": []any{map[string]any{"field": "messages", "value": map[string]any{
			"messaging_product": "whatsapp",
			"statuses":          []any{map[string]any{"id": wamid, "recipient_id": waID, "status": status, "timestamp": fmt.Sprint(at.Unix())}},
		}}}}},
	}})
	return b
}

func send(ctx context.Context, c *websocket.Conn, frames ...[]byte) {
	for _, f := range frames {
		if err := c.Write(ctx, websocket.MessageText, f); err != nil {
			return
		}
	}
}

func TestEventsTokenFirstAndBothShapes(t *testing.T) {
	f := newFake(t)
	f.wsScripts <- func(ctx context.Context, c *websocket.Conn) {
		send(ctx, c, frameFile(t, "cloud_inbound.json"), frameFile(t, "getchat_outgoing.json"), frameFile(t, "flat_statuses.json"),
			[]byte(`{"type":"getchat_webhook","waba_payload":{"user_availability":{"user":1}}}`), frameFile(t, "getchat_resolved.json"))
		<-ctx.Done()
	}
	c := f.client(t, Config{})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var kinds []string
	first := true
	for evs, err := range c.Events(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		if first {
			if len(evs) != 0 {
				t.Fatalf("first yield %v, want the empty 'connected'", evs)
			}
			first = false
			continue
		}
		for _, e := range evs {
			kinds = append(kinds, e.Kind.String()+":"+e.WaID)
		}
		if len(kinds) >= 5 {
			cancel()
		}
	}
	if tok := <-f.wsTokens; tok != testToken {
		t.Fatalf("first frame token %q", tok)
	}
	want := "[inbound:16505551234 outbound:48123123123 status:48123123123 status:48123123123 resolve:48123123123]"
	if fmt.Sprint(kinds) != want {
		t.Fatalf("events %v\nwant %s", kinds, want)
	}
}

func TestEventsRefusedToken(t *testing.T) {
	f := newFake(t)
	c, _ := newTestClient(t, f.srv, Config{Token: "stale"})
	var got error
	for _, err := range c.Events(context.Background()) {
		if err != nil {
			got = err
		}
	}
	if !IsUnauthorized(got) || kindOf(got) != state.KindAuth {
		t.Fatalf("refused token: %v", got)
	}
}

// dropMidFrame writes the first half of a frame and closes the connection.
func dropMidFrame(ctx context.Context, c *websocket.Conn, frame []byte) {
	w, err := c.Writer(ctx, websocket.MessageText)
	if err != nil {
		return
	}
	_, _ = w.Write(frame[:len(frame)/2])
	c.CloseNow()
}

func TestEventsDropMidFrame(t *testing.T) {
	f := newFake(t)
	a := msgAt("4911111", "wamid.A", t0, false, "first")
	b := msgAt("4911111", "wamid.B", t0.Add(time.Second), false, "second")
	f.wsScripts <- func(ctx context.Context, c *websocket.Conn) {
		send(ctx, c, flatInbound(a))
		dropMidFrame(ctx, c, flatInbound(b))
	}
	c := f.client(t, Config{})
	var got []string
	var streamErr error
	for evs, err := range c.Events(context.Background()) {
		if err != nil {
			streamErr = err
			break
		}
		for _, e := range evs {
			got = append(got, e.MessageID)
		}
	}
	if fmt.Sprint(got) != "[wamid.A]" || streamErr == nil || !IsTemporary(streamErr) {
		t.Fatalf("got %v then %v", got, streamErr)
	}
}

// TestEventsReconnectCatchUp runs the whole loop against a store: a drop
// in the middle of a frame, a catch-up by since_time, a reconnect whose
// frames repeat what the catch-up read, and a status. Each message is
// stored once, none is lost, the status lands.
func TestEventsReconnectCatchUp(t *testing.T) {
	f := newFake(t)
	seed(f, 0)
	a := msgAt("4911111", "wamid.A", t0, false, "first")
	b := msgAt("4911111", "wamid.B", t0.Add(time.Second), false, "second")
	out := msgAt("4911111", "wamid.OUT", t0.Add(2*time.Second), true, "our reply")
	f.msgs = []Message{a, b, out}
	f.wsScripts <- func(ctx context.Context, c *websocket.Conn) {
		send(ctx, c, flatInbound(a))
		dropMidFrame(ctx, c, flatInbound(b))
	}
	f.wsScripts <- func(ctx context.Context, c *websocket.Conn) {
		send(ctx, c, flatInbound(b), cloudStatus("wamid.OUT", "4911111", "read", t0.Add(time.Minute)))
		c.Close(websocket.StatusGoingAway, "bye")
	}
	st, err := state.Open(filepath.Join(t.TempDir(), "gc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := t0.Add(2 * time.Minute)
	be := NewBackend(f.client(t, Config{Now: func() time.Time { return now }}))
	ctx := context.Background()
	apply := func(batch state.Batch) {
		if _, err := st.ApplyMessages(batch, now); err != nil {
			t.Fatal(err)
		}
		for id, m := range batch.Conversations {
			if _, err := st.SetConversationMeta(id, m.Folder, m.UserID, m.TeamID); err != nil {
				t.Fatal(err)
			}
		}
	}
	stream := func() (batches int, err error) {
		for batch, err := range be.Events(ctx) {
			if err != nil {
				return batches, err
			}
			batches++
			apply(batch)
		}
		return batches, nil
	}
	if n, err := stream(); err == nil || n != 2 { // "connected", then A
		t.Fatalf("first connection: %d batches, %v", n, err)
	}
	for batch, err := range be.Messages(ctx, state.MessageQuery{From: t0.Add(-2 * time.Minute)}) { // the engine's catch-up
		if err != nil {
			t.Fatal(err)
		}
		apply(batch)
	}
	if _, err := stream(); err == nil {
		t.Fatal("second connection ended without an error")
	}
	msgs, err := st.Thread("4911111", time.Time{}, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range msgs {
		got = append(got, m.ID+"/"+m.Status.String())
	}
	if fmt.Sprint(got) != "[wamid.A/unknown wamid.B/unknown wamid.OUT/read]" {
		t.Fatalf("thread %v", got)
	}
	conv, ok, err := st.Conversation("4911111")
	if err != nil || !ok || conv.ContactName != "Customer 4911111" || conv.UserID != "10" {
		t.Fatalf("conversation %+v %v %v", conv, ok, err)
	}
}
