package getchat_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/getchat"
	"github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// startSandbox serves a sandbox on loopback with its background work.
func startSandbox(t *testing.T, cfg sandbox.Config) (*sandbox.Server, string) {
	t.Helper()
	if cfg.StatusStep == 0 {
		cfg.StatusStep = time.Second
	}
	srv, url, stop, err := sandbox.Start(cfg, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return srv, url
}

func sandboxClient(t *testing.T, url, user, pass string) *getchat.Client {
	t.Helper()
	c, err := getchat.New(getchat.Config{BaseURL: url, Username: user, Password: pass, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestSandboxLoginChatsSendStatus logs in, lists chats, sends a text and
// sees its statuses pushed on the websocket, in both event formats.
func TestSandboxLoginChatsSendStatus(t *testing.T) {
	t.Parallel()
	for _, format := range []string{"flat", "cloud"} {
		t.Run(format, func(t *testing.T) {
			srv, url := startSandbox(t, sandbox.Config{EventFormat: format})
			c := sandboxClient(t, url, sandbox.DemoUsername, sandbox.DemoPassword)
			ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
			defer cancel()
			me, err := c.CurrentUser(ctx)
			if err != nil || me.Username != sandbox.DemoUsername {
				t.Fatalf("current user %+v, %v", me, err)
			}
			chats, err := getchat.Collect(c.Chats(ctx, getchat.ChatFilter{}))
			if err != nil || len(chats) < 9 {
				t.Fatalf("%d chats, %v", len(chats), err)
			}

			events := make(chan getchat.Event, 64)
			connected := make(chan struct{})
			go func() {
				first := true
				for evs, err := range c.Events(ctx) {
					if err != nil {
						return
					}
					if first {
						close(connected)
						first = false
					}
					for _, e := range evs {
						events <- e
					}
				}
			}()
			select {
			case <-connected:
			case <-ctx.Done():
				t.Fatal("websocket did not connect")
			}
			sent, err := c.SendText(ctx, sandbox.ChatOpenAdmin, "hello from the test")
			if err != nil {
				t.Fatal(err)
			}
			id := sent.Result.MessageID()
			if id == "" {
				t.Fatalf("no message id in %+v", sent)
			}
			seen := map[string]bool{}
			for !seen["delivered"] {
				select {
				case e := <-events:
					if e.Kind == getchat.EventStatus && (e.MessageID == id || e.GetchatID == id) {
						seen[e.Status] = true
					}
				case <-ctx.Done():
					t.Fatalf("statuses seen %v, want delivered (stats %v)", seen, srv.Stats().Requests)
				}
			}

			// A closed window is 453; a regular user may not write to
			// someone else's chat.
			if _, err := c.SendText(ctx, sandbox.ChatClosed, "too late"); !getchat.IsWindowClosed(err) {
				t.Fatalf("closed window: %v", err)
			}
			robin := sandboxClient(t, url, sandbox.RegularUsername, sandbox.RegularPassword)
			if _, err := robin.SendText(ctx, sandbox.ChatOpenAdmin, "not mine"); !getchat.IsForbidden(err) {
				t.Fatalf("write rule: %v", err)
			}
		})
	}
}

// TestSandboxBackendBothOrders runs a backend pass over the demo in both
// list orders and checks they agree.
func TestSandboxBackendBothOrders(t *testing.T) {
	t.Parallel()
	var results []string
	for _, order := range []string{"newest", "oldest"} {
		srv, url := startSandbox(t, sandbox.Config{Order: order, Conversations: 40, Messages: 400})
		c2, err := getchat.New(getchat.Config{BaseURL: url, Username: sandbox.DemoUsername, Password: sandbox.DemoPassword, PageSize: 37})
		if err != nil {
			t.Fatal(err)
		}
		be := getchat.NewBackend(c2)
		ctx := context.Background()
		ids := map[string]bool{}
		metas := map[string]state.ConversationMeta{}
		for batch, err := range be.Messages(ctx, state.MessageQuery{From: time.Now().Add(-8 * 24 * time.Hour)}) {
			if err != nil {
				t.Fatal(err)
			}
			for _, m := range batch.Messages {
				ids[m.ID] = true
			}
			for id, m := range batch.Conversations {
				metas[id] = m
			}
		}
		if metas[sandbox.ChatResolved].Folder != state.FolderArchive || metas[sandbox.ChatOpenAdmin].Folder != state.FolderInbox {
			t.Fatalf("%s: metas %v", order, metas)
		}
		if n := srv.Stats().Requests["GET /api/v1/chats/{}/"]; n != 0 {
			t.Fatalf("%s: %d chat lookups; the chat list should describe every chat", order, n)
		}
		results = append(results, fmt.Sprintf("%d messages, %d conversations", len(ids), len(metas)))
	}
	if results[0] != results[1] {
		t.Fatalf("orders disagree: %v", results)
	}
}

// TestSandboxReferenceData reads what the engine reads at start.
func TestSandboxReferenceData(t *testing.T) {
	t.Parallel()
	srv, url := startSandbox(t, sandbox.Config{})
	be := getchat.NewBackend(sandboxClient(t, url, sandbox.DemoUsername, sandbox.DemoPassword))
	ctx := context.Background()
	me, err := be.Me(ctx)
	if err != nil || me.ID == "" || !me.WorksIn(getchat.AccountID) {
		t.Fatalf("me %+v, %v", me, err)
	}
	srv.ResetStats()
	users, err := be.Users(ctx)
	if err != nil || len(users) < 3 {
		t.Fatalf("users %v, %v", users, err)
	}
	teams, err := be.Teams(ctx)
	if err != nil || len(teams) == 0 {
		t.Fatalf("teams %v, %v", teams, err)
	}
	members := 0
	for _, tm := range teams {
		members += len(tm.UserIDs)
	}
	if members == 0 || srv.Stats().Requests["GET /api/v1/users/"] != 1 {
		t.Fatalf("%d members, %d users requests", members, srv.Stats().Requests["GET /api/v1/users/"])
	}
	saved, err := be.SavedResponses(ctx)
	if err != nil || len(saved) == 0 || saved[0].Text == "" {
		t.Fatalf("saved responses %v, %v", saved, err)
	}
	tpls, err := be.Templates(ctx)
	statuses := map[string]bool{}
	for _, tp := range tpls {
		statuses[tp.Status] = true
		if tp.Language == "" {
			t.Fatalf("template without a language: %+v", tp)
		}
	}
	if err != nil || !statuses["Approved"] || !statuses["Pending"] || !statuses["Rejected"] {
		t.Fatalf("templates %v, %v", statuses, err)
	}
	n := 0
	for page, err := range be.Contacts(ctx) {
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range page {
			if c.ID == "" || c.Number != "+"+c.ID {
				t.Fatalf("contact %+v", c)
			}
			n++
		}
	}
	if n < 9 {
		t.Fatalf("%d contacts", n)
	}
}
