package sandbox

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func TestWebsocketAuth(t *testing.T) {
	e := newEnv(t, Config{})
	for _, tc := range []struct {
		name, first string
		typ, status string
	}{
		{"good", `{"token": "` + e.admin + `"}`, "token", "success"},
		{"bad token", `{"token": "nope"}`, "token", "failed"},
		{"not json", `hello`, "response", "bad_request"},
		{"no token field", `{"type": "token"}`, "response", "bad_request"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			c, _, err := websocket.Dial(ctx, WebsocketURL(e.srv.URL), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseNow()
			c.Write(ctx, websocket.MessageText, []byte(tc.first))
			_, data, err := c.Read(ctx)
			if err != nil {
				t.Fatal(err)
			}
			var f controlFrame
			json.Unmarshal(data, &f)
			if f.Type != tc.typ || f.Status != tc.status || f.Message == "" {
				t.Fatalf("%s", data)
			}
			if tc.status != "success" {
				if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
					t.Fatalf("not closed: %v", err)
				}
			}
		})
	}
	if got := WebsocketURL("http://127.0.0.1:8088"); got != "ws://127.0.0.1:8088/" {
		t.Fatal(got)
	}
}

// payloadOf returns the frame's waba_payload, flattening the cloud shape's
// entry[0].changes[0].value.
func payloadOf(f map[string]any) map[string]any {
	p, _ := f["waba_payload"].(map[string]any)
	if entry, ok := p["entry"].([]any); ok {
		ch := entry[0].(map[string]any)["changes"].([]any)[0].(map[string]any)
		return ch["value"].(map[string]any)
	}
	return p
}

func TestStatusesPushedBothFormats(t *testing.T) {
	for _, format := range []string{"flat", "cloud"} {
		t.Run(format, func(t *testing.T) {
			e := newEnv(t, Config{EventFormat: format, StatusStep: 2 * time.Second})
			ws := e.dial(e.reg)
			ws.authed()
			var sent struct{ ID string }
			if st := e.do("POST", "/api/v1/messages/", e.reg, map[string]any{"wa_id": ChatOpenRegular, "text": map[string]any{"body": "tick tock"}}, &sent); st != 201 {
				t.Fatal(st)
			}
			out := ws.next()
			wantOut := map[string]string{"flat": "waba_webhook", "cloud": "getchat_webhook"}[format]
			om, _ := payloadOf(out)["outgoing_messages"].([]any)
			if out["type"] != wantOut || len(om) != 1 || om[0].(map[string]any)["id"] != sent.ID {
				t.Fatalf("outgoing frame %v", out)
			}
			wamid := om[0].(map[string]any)["waba_payload"].(map[string]any)["id"]
			var got []string
			for step := 0; step < 4; step++ {
				e.clock.Add(2 * time.Second)
				e.s.Tick()
			}
			// the message reaches sent, delivered and maybe read
			want := 2
			e.s.mu.Lock()
			if e.s.st.msgByGID[sent.ID].readAt != 0 {
				want = 3
			}
			e.s.mu.Unlock()
			for len(got) < want {
				f := ws.next()
				if f["type"] != "waba_webhook" {
					t.Fatalf("status frame type %v", f["type"])
				}
				if format == "cloud" {
					if _, ok := f["waba_payload"].(map[string]any)["entry"]; !ok {
						t.Fatalf("not nested: %v", f)
					}
				}
				st := payloadOf(f)["statuses"].([]any)[0].(map[string]any)
				if st["id"] != wamid || st["getchat_id"] != sent.ID || st["recipient_id"] != ChatOpenRegular {
					t.Fatalf("status %v", st)
				}
				got = append(got, st["status"].(string))
			}
			if strings.Join(got, ",") != strings.Join([]string{"sent", "delivered", "read"}[:want], ",") {
				t.Fatalf("statuses %v", got)
			}
			// the REST view agrees
			last := e.chat(e.reg, ChatOpenRegular).LastMessage
			if last.Statuses.Sent == 0 || last.Statuses.Delivered == 0 || last.Statuses.Sent > last.Statuses.Delivered {
				t.Fatalf("%+v", last.Statuses)
			}

			// inbound
			e.s.Receive(ChatOpenRegular, "", "hi there")
			in := ws.next()
			p := payloadOf(in)
			if in["type"] != "waba_webhook" || p["messages"].([]any)[0].(map[string]any)["text"].(map[string]any)["body"] != "hi there" {
				t.Fatalf("inbound %v", in)
			}
			if _, ok := p["incoming_messages"]; ok != (format == "flat") {
				t.Fatalf("incoming_messages in %s: %v", format, p)
			}
			// assignment, tagging, resolve
			gt := map[string]string{"flat": "waba_webhook", "cloud": "getchat_webhook"}[format]
			e.do("PATCH", "/api/v1/chat_assignment/"+ChatUnassigned+"/", e.admin, map[string]any{"assigned_to_user": 1}, nil)
			f := ws.next()
			if a, _ := payloadOf(f)["chat_assignment"].(map[string]any); f["type"] != gt || a["wa_id"] != ChatUnassigned || a["assigned_to_user_set"].(map[string]any)["id"] != 1.0 {
				t.Fatalf("assignment %v", f)
			}
			e.do("POST", "/api/v1/chat_tagging/", e.admin, map[string]any{"tag": 2, "chat": ChatUnassigned}, nil)
			f = ws.next()
			if tg, _ := payloadOf(f)["chat_tagging"].(map[string]any); f["type"] != gt || tg["action"] != "added" || tg["chat"] != ChatUnassigned {
				t.Fatalf("tagging %v", f)
			}
			e.do("PATCH", "/api/v1/chats/"+ChatUnassigned+"/resolve", e.admin, map[string]any{"resolved": true}, nil)
			f = ws.next()
			if r, _ := payloadOf(f)["chat_resolved"].(map[string]any); f["type"] != gt || r["resolved"] != true {
				t.Fatalf("resolve %v", f)
			}
		})
	}
}

func TestFailedStatus(t *testing.T) {
	e := newEnv(t, Config{})
	ws := e.dial(e.admin)
	ws.authed()
	e.do("POST", "/api/v1/messages/", e.admin, map[string]any{"wa_id": ChatUnreachable, "text": map[string]any{"body": "hello?"}}, nil)
	ws.next() // outgoing
	e.clock.Add(3 * time.Second)
	e.s.Tick()
	st := payloadOf(ws.next())["statuses"].([]any)[0].(map[string]any)
	if st["status"] != "failed" || st["errors"] == nil {
		t.Fatalf("%v", st)
	}
	if last := e.chat(e.admin, ChatUnreachable).LastMessage; !last.IsFailed {
		t.Fatalf("%+v", last)
	}
}

func TestSlowWebsocketClientDropped(t *testing.T) {
	e := newEnv(t, Config{WebsocketBuffer: 8})
	slow := e.dial(e.admin)
	slow.authed() // then never reads again
	fast := e.dial(e.admin)
	fast.authed()
	big := strings.Repeat("x", 60_000)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 400 && e.s.WebsocketDropped() == 0; i++ {
			e.s.Receive(ChatUnassigned, "", big)
		}
	}()
	// the fast client keeps reading while the slow one stalls
	go func() {
		for {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			_, _, err := fast.c.Read(ctx)
			cancel()
			if err != nil {
				return
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the server blocked on a slow client")
	}
	// The slow client is dropped. Whether the reading one keeps up with
	// 60 KB frames as fast as the server makes them depends on the
	// machine's load, so only the drop and the server not blocking are
	// asserted.
	if e.s.WebsocketDropped() < 1 {
		t.Fatalf("dropped %d, clients %d: the slow client was never dropped", e.s.WebsocketDropped(), e.s.WebsocketClients())
	}
}

func TestWebsocketDropAndFault(t *testing.T) {
	e := newEnv(t, Config{})
	ws := e.dial(e.admin)
	ws.authed()
	e.s.DropWebsockets()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, _, err := ws.c.Read(ctx); err == nil {
		t.Fatal("still connected")
	}
	e.s.FailNext("WS", "/", 1, 503)
	if _, _, err := websocket.Dial(ctx, WebsocketURL(e.srv.URL), nil); err == nil {
		t.Fatal("dial succeeded through a fault")
	}
	again := e.dial(e.admin)
	again.authed()
}

func TestSimulator(t *testing.T) {
	e := newEnv(t, Config{Simulate: true, SimulateEvery: 20 * time.Millisecond})
	ws := e.dial(e.admin)
	ws.authed()
	e.s.Run(context.Background())
	e.s.Run(context.Background()) // only the first call counts
	f := ws.next()
	if msgs, _ := payloadOf(f)["messages"].([]any); f["type"] != "waba_webhook" || len(msgs) != 1 {
		t.Fatalf("%v", f)
	}
	e.s.Close()
	e.s.Close()
}
