package getchat_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/getchat"
	"github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestEngineOnSandbox runs the state engine over the backend against the
// sandbox: the backfill (metadata from the chat list, not one lookup per
// chat), a reply whose ticks arrive, and a template to a closed window,
// each stored once.
func TestEngineOnSandbox(t *testing.T) {
	t.Parallel()
	srv, url := startSandbox(t, sandbox.Config{})
	c := sandboxClient(t, url, sandbox.DemoUsername, sandbox.DemoPassword)
	be := getchat.NewBackend(c)
	st, err := state.Open(filepath.Join(t.TempDir(), "gc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// No poll after the first: what changes comes over the websocket.
	e := state.NewEngine(st, be, state.Config{Poll: time.Minute, IdlePoll: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if s := e.Stats(); s.MetaCalls != 0 {
		t.Fatalf("%d conversation lookups in the backfill; the chat list carries them", s.MetaCalls)
	}
	for id, want := range map[string]state.Folder{sandbox.ChatResolved: state.FolderArchive, sandbox.ChatOpenAdmin: state.FolderInbox} {
		conv, ok, err := st.Conversation(id)
		if err != nil || !ok || conv.Folder != want || conv.ContactName == "" || !conv.MetaKnown {
			t.Fatalf("%s: %+v %v %v", id, conv, ok, err)
		}
	}

	// A reply: sent by the outbox, its statuses pushed on the websocket.
	item, err := e.Send(sandbox.ChatOpenAdmin, "engine reply")
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { _ = e.Run(runCtx); close(done) }()
	defer stop()
	waitFor(t, ctx, func() bool {
		m, ok, _ := st.Message("local:" + item.LocalID)
		return ok && m.ID != "" && m.Status >= state.StatusDelivered
	}, "the reply delivered", srv)

	// A template to a closed window, with its parameters.
	tpls, err := be.Templates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var tpl state.Template
	for _, tp := range tpls {
		if tp.Approved() && len(tp.Parse().Placeholders) > 0 {
			tpl = tp
			break
		}
	}
	if tpl.Name == "" {
		t.Fatal("no approved template with placeholders in the demo")
	}
	conv, _, _ := st.Conversation(sandbox.ChatClosed)
	values := map[int]string{}
	for _, p := range tpl.Parse().Placeholders {
		values[p.Index] = "V" + strings.Repeat("x", p.Index)
	}
	titem, err := e.SendTemplate(conv, tpl, values)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, func() bool {
		m, ok, _ := st.Message("local:" + titem.LocalID)
		return ok && m.ID != "" && m.Status >= state.StatusSent
	}, "the template sent", srv)
	// A customer writes to a resolved chat: the message is pushed and the
	// chat comes back to the inbox.
	if _, err := srv.Receive(sandbox.ChatResolved, "", "I am back"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, ctx, func() bool {
		conv, _, _ := st.Conversation(sandbox.ChatResolved)
		return conv.Folder == state.FolderInbox && conv.Preview == "I am back"
	}, "the resolved chat reopened", srv)

	stop()
	<-done
	if err := e.SyncOnce(ctx); err != nil { // a poll reads it all again: nothing doubles
		t.Fatal(err)
	}
	for _, id := range []string{sandbox.ChatOpenAdmin, sandbox.ChatClosed} {
		msgs, err := st.Thread(id, time.Time{}, 1000)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, m := range msgs {
			if m.Body == "engine reply" || m.Body == titem.Body {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%s: %d copies of what was sent", id, n)
		}
	}
}

func waitFor(t *testing.T, ctx context.Context, cond func() bool, what string, srv *sandbox.Server) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("timed out waiting for %s (requests %v)", what, srv.Stats().Requests)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// BenchmarkFirstSync is the first sync of 10k chats and 100k messages:
// requests made (against the minimum the API allows: every page of
// messages and of chats once, the contacts' chat list once more) and time
// to a usable store. go test -run ^$ -bench FirstSync -benchtime 1x ./api/getchat/
func BenchmarkFirstSync(b *testing.B) {
	const chats, messages = 10_000, 100_000
	srv := sandbox.New(sandbox.Config{Conversations: chats, Messages: messages})
	hs := httptest.NewServer(srv)
	defer hs.Close()
	defer srv.Close()
	for b.Loop() {
		b.StopTimer()
		st, err := state.Open(filepath.Join(b.TempDir(), "gc.db"))
		if err != nil {
			b.Fatal(err)
		}
		c, err := getchat.New(getchat.Config{BaseURL: hs.URL, Username: sandbox.DemoUsername, Password: sandbox.DemoPassword})
		if err != nil {
			b.Fatal(err)
		}
		e := state.NewEngine(st, getchat.NewBackend(c), state.Config{})
		// The first usable screen: the time at which the list's top row
		// first was the newest chat (what it is once all is synced).
		type top struct {
			at time.Duration
			id string
		}
		var tops []top
		sub := e.Subscribe()
		watchCtx, stopWatch := context.WithCancel(context.Background())
		watched := make(chan struct{})
		srv.ResetStats()
		b.StartTimer()
		start := time.Now()
		go func() {
			defer close(watched)
			for {
				ch, ok, err := sub.Next(watchCtx, 0)
				if err != nil || !ok {
					return
				}
				if !ch.List {
					continue
				}
				if rows, err := st.ListConversations(state.View{}, 0, 1); err == nil && len(rows) == 1 {
					tops = append(tops, top{time.Since(start), rows[0].ID})
				}
			}
		}()
		if err := e.SyncOnce(context.Background()); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		elapsed := time.Since(start)
		stopWatch()
		<-watched
		sub.Close()
		final, _ := st.ListConversations(state.View{}, 0, 1)
		usable := elapsed
		for i := len(tops) - 1; i >= 0 && len(final) == 1 && tops[i].id == final[0].ID; i-- {
			usable = tops[i].at
		}
		b.ReportMetric(usable.Seconds(), "s-to-newest-on-top")
		b.ReportMetric(elapsed.Seconds(), "s-to-all-synced")
		total := 0
		for _, n := range srv.Stats().Requests {
			total += n
		}
		b.ReportMetric(float64(total), "requests")
		b.ReportMetric(float64(srv.Stats().Requests["GET /api/v1/messages/"]), "message-pages")
		b.ReportMetric(float64(srv.Stats().Requests["GET /api/v1/chats/"]), "chat-pages")
		b.ReportMetric(float64(srv.Stats().Requests["GET /api/v1/chats/{}/"]), "chat-lookups")
		st.Close()
		b.StartTimer()
	}
}
