package sandbox

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestDemoData(t *testing.T) {
	e := newEnv(t, Config{})
	_, raw, _ := e.raw("GET", "/api/v1/chats/?limit=1000", e.admin, nil, "")
	if bytes.IndexByte(raw, 0x1b) >= 0 {
		t.Fatal("a raw ESC on the wire")
	}
	var p page
	e.do("GET", "/api/v1/chats/?limit=1000", e.admin, nil, &p)
	chats := decodeAll[chatOut](t, p)
	if len(chats) < 40 || len(chats) > 80 {
		t.Fatalf("%d chats", len(chats))
	}
	now := t0.Unix()
	count := map[string]int{}
	var hostile []string
	for _, c := range chats {
		switch ts := c.Contact.LastMessageTimestamp; {
		case ts == nil:
			count["never wrote"]++
		case now-*ts < 22*3600:
			count["open"]++
		case now-*ts < 24*3600:
			count["closing soon"]++
		default:
			count["closed"]++
		}
		if c.NewMessages > 0 {
			count["unread"]++
		}
		if c.Contact.Resolved {
			count["resolved"]++
		}
		if c.AssignedToUser == nil {
			count["unassigned"]++
		} else if c.AssignedToUser.ID == 2 {
			count["robin's"]++
		}
		if c.AssignedGroup != nil {
			count["with a group"]++
		}
		if len(c.Tags) > 0 {
			count["tagged"]++
		}
		name := c.Contact.WabaPayload.Profile.Name
		if strings.ContainsAny(name, "\x1b\u202e\u009b\u200b\ufffd") {
			hostile = append(hostile, name)
		}
		for _, tg := range c.Tags {
			if strings.ContainsAny(tg.Name, "\x1b\u202e\u009b") {
				count["hostile tag"]++
			}
		}
		if m := c.LastMessage; m != nil {
			if tx, ok := m.WabaPayload["text"].(map[string]any); ok && strings.ContainsAny(tx["body"].(string), "\x1b\u202e\u009b\r") {
				count["hostile body"]++
			}
		}
	}
	for k, min := range map[string]int{"open": 10, "closing soon": 2, "closed": 10, "never wrote": 1, "unread": 5, "resolved": 3,
		"unassigned": 5, "robin's": 3, "with a group": 5, "tagged": 5, "hostile tag": 3, "hostile body": 3} {
		if count[k] < min {
			t.Errorf("%s: %d, want at least %d (%v)", k, count[k], min, count)
		}
	}
	if len(hostile) < 5 {
		t.Errorf("hostile names: %q", hostile)
	}
	var users page
	e.do("GET", "/api/v1/users/", e.admin, nil, &users)
	js := jsonString(users.Results)
	if !contains(js, "Alex", "Agent", "Sam", "Supervisor", `"role":"admin"`, `"role":"user"`, `"role":"app"`, `\u001b[2J`) {
		t.Errorf("users: %s", js)
	}
	var saved page
	e.do("GET", "/api/v1/saved_responses/", e.admin, nil, &saved)
	if saved.Count < 3 || !strings.Contains(jsonString(saved.Results), `\u001b]8;;`) {
		t.Errorf("saved responses: %s", jsonString(saved.Results))
	}
	if b := Banner("http://127.0.0.1:8088"); b != "listening http://127.0.0.1:8088\nlogin alex demo-alex-pass\nwebsocket ws://127.0.0.1:8088/\n" {
		t.Errorf("banner %q", b)
	}
	if len(e.s.Users()) != 5 {
		t.Errorf("users %v", e.s.Users())
	}
}

func TestManyWebsocketClients(t *testing.T) {
	e := newEnv(t, Config{})
	var clients []*wsConn
	for i := 0; i < 20; i++ {
		c := e.dial(e.admin)
		c.authed()
		clients = append(clients, c)
	}
	if n := e.s.WebsocketClients(); n != 20 {
		t.Fatal(n)
	}
	e.clock.Add(time.Second)
	e.s.Receive(ChatUnassigned, "", "to everyone")
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, data, err := c.c.Read(ctx)
			if err != nil || !strings.Contains(string(data), "to everyone") {
				t.Errorf("%v %s", err, data)
			}
		})
	}
	wg.Wait()
	e.s.Close() // 1001 to everyone
	for _, c := range clients[:3] {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, _, err := c.c.Read(ctx)
		cancel()
		if err == nil {
			t.Fatal("still open after Close")
		}
	}
}
