package msgboxx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// fakeClock is shared by the sandbox and the client so tests can move time.
// It stands still, unless run makes it follow real time.
type fakeClock struct {
	mu    sync.Mutex
	t     time.Time
	since time.Time // when run was called; zero while it stands still
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.since.IsZero() {
		return c.t.Add(time.Since(c.since))
	}
	return c.t
}

// run makes the clock move with real time from where it stands, for tests
// that need time to pass on its own (other processes, the engine's loop).
func (c *fakeClock) run() {
	c.mu.Lock()
	c.since = time.Now()
	c.mu.Unlock()
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	srv    *sandbox.Server
	client *msgboxx.Client
	url    string
	clock  *fakeClock
	logs   *bytes.Buffer
	sleeps *[]time.Duration
}

type envOption func(*sandbox.Config, *msgboxx.Config)

// newEnv starts a sandbox on loopback and a client logged in as the demo
// agent. The client's retry waits are recorded, not slept.
func newEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	clock := newClock()
	scfg := sandbox.Config{Seed: 7, Now: clock.Now, TokenLifetime: time.Hour, StatusStep: time.Minute}
	ccfg := msgboxx.Config{Application: "mbx/test", Now: clock.Now,
		Retry: msgboxx.RetryPolicy{MaxAttempts: 4, MaxElapsed: time.Hour, MaxRetryAfter: 30 * time.Second}}
	for _, o := range opts {
		o(&scfg, &ccfg)
	}
	srv := sandbox.New(scfg)
	t.Cleanup(srv.Close)
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	user, pass := srv.Credentials()
	logs := &bytes.Buffer{}
	ccfg.BaseURL = hs.URL
	ccfg.Username, ccfg.Password = user, pass
	if ccfg.Logger == nil {
		ccfg.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: logs}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	c, err := msgboxx.New(ccfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	sleeps := &[]time.Duration{}
	msgboxx.SetSleep(c, func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		*sleeps = append(*sleeps, d)
		mu.Unlock()
		return ctx.Err()
	})
	return &env{srv: srv, client: c, url: hs.URL, clock: clock, logs: logs, sleeps: sleeps}
}

type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func empty(s *sandbox.Config, _ *msgboxx.Config) { s.Empty = true }

func must[T any](t testing.TB) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// accounts returns the agent's visible accounts and the id of one it may not see.
func accounts(t *testing.T, e *env) (visible []msgboxx.APIAccount, hidden string) {
	ctx := context.Background()
	visible = must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))
	links := must[[]msgboxx.UserLink](t)(e.client.Users(ctx))
	for _, l := range links {
		if !slices.ContainsFunc(visible, func(a msgboxx.APIAccount) bool { return a.ID == l.APIAccount.ID }) {
			hidden = l.APIAccount.ID
		}
	}
	if len(visible) == 0 || hidden == "" {
		t.Fatalf("demo data should give the agent some accounts and hide one: visible=%d hidden=%q", len(visible), hidden)
	}
	return visible, hidden
}

func TestEveryEndpoint(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c := e.client
	visible, hidden := accounts(t, e)
	acc := visible[0]

	t.Run("api accounts", func(t *testing.T) {
		got := must[msgboxx.APIAccount](t)(c.APIAccount(ctx, acc.ID))
		if got != acc || got.Name == "" || got.Created.IsZero() {
			t.Errorf("APIAccount = %+v, list said %+v", got, acc)
		}
		if _, err := c.APIAccount(ctx, hidden); !msgboxx.IsNotFound(err) {
			t.Errorf("an unlinked account must be 404, got %v", err)
		}
	})

	t.Run("inboxes", func(t *testing.T) {
		inboxes := must[[]msgboxx.Inbox](t)(msgboxx.Collect(c.Inboxes(ctx, msgboxx.InboxFilter{APIAccountID: acc.ID})))
		if len(inboxes) == 0 {
			t.Fatal("no inbox")
		}
		for _, in := range inboxes {
			if in.APIAccountID != acc.ID {
				t.Errorf("filter ignored: %+v", in)
			}
			got := must[msgboxx.Inbox](t)(c.Inbox(ctx, in.ID))
			if got.ID != in.ID || got.Created.IsZero() || !got.Created.Equal(in.Created.Time) {
				t.Errorf("Inbox = %+v, list said %+v", got, in)
			}
		}
	})

	var contact msgboxx.Contact
	t.Run("contacts", func(t *testing.T) {
		all := must[[]msgboxx.Contact](t)(msgboxx.Collect(c.Contacts(ctx, msgboxx.ContactFilter{APIAccountID: acc.ID})))
		if len(all) < 50 {
			t.Fatalf("only %d contacts", len(all))
		}
		first := all[0]
		byNumber := must[[]msgboxx.Contact](t)(msgboxx.Collect(c.Contacts(ctx, msgboxx.ContactFilter{APIAccountID: acc.ID, MobileNumber: first.MobileNumber})))
		if len(byNumber) != 1 || byNumber[0].ID != first.ID {
			t.Errorf("by number %s: %+v", first.MobileNumber, byNumber)
		}
		// The walkthrough searches without the +.
		noPlus := must[[]msgboxx.Contact](t)(msgboxx.Collect(c.Contacts(ctx, msgboxx.ContactFilter{APIAccountID: acc.ID, MobileNumber: strings.TrimPrefix(first.MobileNumber, "+")})))
		if len(noPlus) != 1 {
			t.Errorf("number without +: %d results", len(noPlus))
		}
		created := must[msgboxx.Contact](t)(c.CreateContact(ctx, msgboxx.NewContact{
			MobileNumber: "+447911123456", Name: "Nia Test", Email: "nia@example.com", APIAccountID: acc.ID}))
		if created.ID == "" || created.Status != msgboxx.ContactPresubscribed || created.Tags == nil {
			t.Errorf("created %+v", created)
		}
		if _, err := c.CreateContact(ctx, msgboxx.NewContact{MobileNumber: "+447911123456", Name: "Again", APIAccountID: acc.ID}); !msgboxx.IsConflict(err) {
			t.Errorf("duplicate number: want 409, got %v", err)
		}
		if _, err := c.CreateContact(ctx, msgboxx.NewContact{MobileNumber: "+4479051337665", Name: "Reference example", APIAccountID: acc.ID}); !msgboxx.IsInvalid(err) {
			t.Errorf("the reference's invalid number: want 400, got %v", err)
		}
		if _, err := c.CreateContact(ctx, msgboxx.NewContact{MobileNumber: "07700 900123", Name: "Local form", APIAccountID: acc.ID}); !errors.Is(err, msgboxx.ErrInvalid) {
			t.Errorf("local form must be refused before sending, got %v", err)
		}
		if _, err := c.CreateContact(ctx, msgboxx.NewContact{MobileNumber: "+447911123457", Name: "Elsewhere", APIAccountID: hidden}); !msgboxx.IsForbidden(err) {
			t.Errorf("create in an unlinked account: want 403, got %v", err)
		}
		created.Tags = []string{"vip", "prospect"}
		created.Name = "Nia Tester"
		updated := must[msgboxx.Contact](t)(c.UpdateContact(ctx, created))
		if updated.Name != "Nia Tester" || !slices.Equal(updated.Tags, []string{"vip", "prospect"}) {
			t.Errorf("updated %+v", updated)
		}
		got := must[msgboxx.Contact](t)(c.Contact(ctx, created.ID))
		if !slices.Equal(got.Tags, updated.Tags) {
			t.Errorf("tags not stored: %+v", got)
		}
		for _, err := range c.Contacts(ctx, msgboxx.ContactFilter{APIAccountID: hidden}) {
			if !msgboxx.IsForbidden(err) {
				t.Errorf("contacts of an unlinked account: want 403, got %v", err)
			}
			break
		}
		contact = got
	})

	var sent msgboxx.Message
	t.Run("messages", func(t *testing.T) {
		if _, err := c.SendMessage(ctx, msgboxx.NewMessage{APIAccountID: acc.ID, ContactID: contact.ID, Message: "Hello?"}); !msgboxx.IsWindowClosed(err) {
			t.Fatalf("a contact who never wrote: want window closed, got %v", err)
		}
		if _, err := e.srv.Receive(contact.ID, "Hi, is the flat still available?"); err != nil {
			t.Fatal(err)
		}
		sent = must[msgboxx.Message](t)(c.SendMessage(ctx, msgboxx.NewMessage{APIAccountID: acc.ID, ContactID: contact.ID, Message: "Yes it is! 🏠"}))
		if sent.ID == "" || !sent.Outgoing() || sent.Status() != state.StatusPending || sent.ConversationID == "" || sent.SenderName() != "Alex Agent" {
			t.Errorf("sent %+v status %v", sent, sent.Status())
		}
		e.clock.Add(90 * time.Second)
		got := must[msgboxx.Message](t)(c.Message(ctx, sent.ID))
		if got.Status() != state.StatusSent || got.Body != "Yes it is! 🏠" {
			t.Errorf("after one step: %v %q", got.Status(), got.Body)
		}
		e.clock.Add(2 * time.Minute)
		if got := must[msgboxx.Message](t)(c.Message(ctx, sent.ID)); got.Status() < state.StatusDelivered {
			t.Errorf("after three steps: %v", got.Status())
		}
		thread := must[[]msgboxx.Message](t)(msgboxx.Collect(c.Messages(ctx, msgboxx.MessageFilter{ConversationID: sent.ConversationID})))
		if len(thread) != 2 || thread[0].Outgoing() || !thread[1].Outgoing() || thread[0].Body != "Hi, is the flat still available?" {
			t.Errorf("thread %+v", thread)
		}
		for _, f := range []msgboxx.MessageFilter{
			{ContactID: contact.ID}, {APIAccountID: acc.ID, ContactID: contact.ID},
			{ConversationID: sent.ConversationID, From: e.clock.Now().Add(-time.Hour), To: e.clock.Now().Add(time.Minute)},
		} {
			if n := len(must[[]msgboxx.Message](t)(msgboxx.Collect(c.Messages(ctx, f)))); n != 2 {
				t.Errorf("filter %+v: %d messages", f, n)
			}
		}
		later := msgboxx.MessageFilter{ConversationID: sent.ConversationID, From: e.clock.Now().Add(time.Minute)}
		if n := len(must[[]msgboxx.Message](t)(msgboxx.Collect(c.Messages(ctx, later)))); n != 0 {
			t.Errorf("fromDate in the future: %d messages", n)
		}
		tooLong := strings.Repeat("x", msgboxx.MaxMessageLength+1)
		if _, err := c.SendMessage(ctx, msgboxx.NewMessage{APIAccountID: acc.ID, ContactID: contact.ID, Message: tooLong}); !errors.Is(err, msgboxx.ErrInvalid) || !strings.Contains(err.Error(), "1 over the limit") {
			t.Errorf("over-long message: %v", err)
		}
	})

	t.Run("conversations", func(t *testing.T) {
		conv := must[msgboxx.Conversation](t)(c.Conversation(ctx, sent.ConversationID))
		if conv.ID != sent.ConversationID || conv.Folder != msgboxx.FolderInbox {
			t.Errorf("conversation %+v", conv)
		}
		teams := must[[]msgboxx.Team](t)(c.Teams(ctx))
		users := must[[]msgboxx.UserLink](t)(c.Users(ctx))
		var team msgboxx.Team
		for _, tm := range teams {
			if tm.Serves(acc.ID) && !tm.Global() {
				team = tm
			}
		}
		var user msgboxx.UserRef
		for _, l := range users {
			if l.APIAccount.ID == acc.ID {
				user = l.User
			}
		}
		if team.ID == "" || user.ID == "" {
			t.Fatalf("no team or user for %s", acc.Name)
		}
		if err := c.UpdateConversation(ctx, conv.ID, msgboxx.ConversationUpdate{TeamID: team.ID, Folder: msgboxx.FolderArchive}); err != nil {
			t.Fatal(err)
		}
		got := must[msgboxx.Conversation](t)(c.Conversation(ctx, conv.ID))
		if got.Team == nil || got.Team.ID != team.ID || got.User != nil || got.Folder != msgboxx.FolderArchive {
			t.Errorf("after team assignment: %+v", got)
		}
		if err := c.UpdateConversation(ctx, conv.ID, msgboxx.ConversationUpdate{UserID: user.ID}); err != nil {
			t.Fatal(err)
		}
		got = must[msgboxx.Conversation](t)(c.Conversation(ctx, conv.ID))
		if got.User == nil || got.User.ID != user.ID || got.Team != nil || got.Folder != msgboxx.FolderArchive {
			t.Errorf("after user assignment: %+v", got)
		}
		if err := c.UpdateConversation(ctx, conv.ID, msgboxx.ConversationUpdate{UserID: user.ID, TeamID: team.ID}); !errors.Is(err, msgboxx.ErrInvalid) {
			t.Errorf("user and team together: %v", err)
		}
		if err := c.UpdateConversation(ctx, conv.ID, msgboxx.ConversationUpdate{Folder: "trash"}); !errors.Is(err, msgboxx.ErrInvalid) {
			t.Errorf("bad folder: %v", err)
		}
		// The customer writing again brings an archived conversation back.
		if _, err := e.srv.Receive(contact.ID, "One more question"); err != nil {
			t.Fatal(err)
		}
		if got := must[msgboxx.Conversation](t)(c.Conversation(ctx, conv.ID)); got.Folder != msgboxx.FolderInbox {
			t.Errorf("archived conversation after the customer wrote: %s", got.Folder)
		}
	})

	t.Run("templates and broadcasts", func(t *testing.T) {
		tpls := must[[]msgboxx.Template](t)(msgboxx.Collect(c.Templates(ctx, msgboxx.TemplateFilter{APIAccountID: acc.ID})))
		var approved, pending *msgboxx.Template
		for i := range tpls {
			switch tpls[i].Status {
			case msgboxx.TemplateApproved:
				if approved == nil && strings.Count(tpls[i].Text, "{{") == 2 {
					approved = &tpls[i]
				}
			case msgboxx.TemplatePending:
				pending = &tpls[i]
			}
		}
		if approved == nil || pending == nil {
			t.Fatalf("templates: %+v", tpls)
		}
		if got := must[msgboxx.Template](t)(c.Template(ctx, approved.ID)); got != *approved {
			t.Errorf("Template = %+v", got)
		}
		byName := must[[]msgboxx.Template](t)(msgboxx.Collect(c.Templates(ctx, msgboxx.TemplateFilter{APIAccountID: acc.ID, Name: approved.Name})))
		if len(byName) != 1 {
			t.Errorf("by name: %d", len(byName))
		}
		text := strings.Replace(strings.Replace(approved.Text, "{{1}}", "Nia", 1), "{{2}}", "the flat on King St", 1)
		b := must[msgboxx.Broadcast](t)(c.SendBroadcast(ctx, msgboxx.NewBroadcast{APIAccountID: acc.ID, ContactID: contact.ID, TemplateID: approved.ID, Message: text}))
		if b.ID == "" {
			t.Fatalf("broadcast %+v", b)
		}
		got := must[msgboxx.Broadcast](t)(c.Broadcast(ctx, b.ID))
		if !got.Queued() || got.Message != text {
			t.Errorf("broadcast %+v", got)
		}
		m := must[msgboxx.Message](t)(c.Message(ctx, got.MessageID))
		if !m.IsTemplate || !m.Outgoing() {
			t.Errorf("broadcast message %+v", m)
		}
		list := must[[]msgboxx.Broadcast](t)(msgboxx.Collect(c.Broadcasts(ctx, msgboxx.BroadcastFilter{ContactID: contact.ID})))
		if len(list) != 1 || list[0].ID != b.ID {
			t.Errorf("broadcasts for the contact: %+v", list)
		}
		ptext := strings.ReplaceAll(pending.Text, "{{1}}", "x")
		if _, err := c.SendBroadcast(ctx, msgboxx.NewBroadcast{APIAccountID: acc.ID, ContactID: contact.ID, TemplateID: pending.ID, Message: ptext}); !msgboxx.IsInvalid(err) {
			t.Errorf("pending template: want 400, got %v", err)
		}
		if _, err := c.SendBroadcast(ctx, msgboxx.NewBroadcast{APIAccountID: acc.ID, ContactID: contact.ID, TemplateID: approved.ID, Message: approved.Text}); !msgboxx.IsInvalid(err) {
			t.Errorf("unfilled placeholders: want 400, got %v", err)
		}
	})

	t.Run("teams and users", func(t *testing.T) {
		teams := must[[]msgboxx.Team](t)(c.Teams(ctx))
		users := must[[]msgboxx.UserLink](t)(c.Users(ctx))
		if len(teams) < 3 || len(users) < 5 || !slices.ContainsFunc(teams, msgboxx.Team.Global) {
			t.Errorf("teams %d (a global one expected), user links %d", len(teams), len(users))
		}
	})

	t.Run("webhooks", func(t *testing.T) {
		before := must[[]msgboxx.Webhook](t)(msgboxx.Collect(c.Webhooks(ctx)))
		w := must[msgboxx.Webhook](t)(c.CreateWebhook(ctx, msgboxx.WebhookInput{Type: "message", TargetURL: "https://hooks.example.com/mbx", IsEnabled: true}))
		if w.ID == "" || !w.IsEnabled || w.IsZapier {
			t.Errorf("created %+v", w)
		}
		w2 := must[msgboxx.Webhook](t)(c.UpdateWebhook(ctx, w.ID, msgboxx.WebhookInput{Type: "contact", TargetURL: w.TargetURL, IsEnabled: false}))
		if w2.Type != "contact" || w2.IsEnabled {
			t.Errorf("updated %+v", w2)
		}
		if got := must[msgboxx.Webhook](t)(c.Webhook(ctx, w.ID)); got != w2 {
			t.Errorf("Webhook = %+v", got)
		}
		if n := len(must[[]msgboxx.Webhook](t)(msgboxx.Collect(c.Webhooks(ctx)))); n != len(before)+1 {
			t.Errorf("list after create: %d", n)
		}
		if err := c.DeleteWebhook(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := c.Webhook(ctx, w.ID); !msgboxx.IsNotFound(err) {
			t.Errorf("after delete: %v", err)
		}
		if _, err := c.CreateWebhook(ctx, msgboxx.WebhookInput{Type: "message", TargetURL: "http://hooks.example.com"}); !errors.Is(err, msgboxx.ErrInvalid) {
			t.Errorf("plain http target: %v", err)
		}
	})
}

func TestRetriesHonourRetryAfter(t *testing.T) {
	e := newEnv(t, empty)
	ctx := context.Background()
	must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx))) // log in first
	*e.sleeps = nil
	e.srv.ResetStats()
	e.srv.SetFaults(sandbox.Fault{Paths: []string{"/apiaccount"}, Count: 2, Status: 429, RetryAfter: 2 * time.Second})
	accs := must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))
	if len(accs) == 0 {
		t.Fatal("no accounts")
	}
	if !slices.Equal(*e.sleeps, []time.Duration{2 * time.Second, 2 * time.Second}) {
		t.Errorf("waits %v, want the server's 2s twice", *e.sleeps)
	}
	if n := e.srv.Stats().Requests["GET /apiaccount"]; n != 3 {
		t.Errorf("%d requests, want 3", n)
	}

	// A Retry-After of a day is capped at MaxRetryAfter.
	*e.sleeps = nil
	e.srv.SetFaults(sandbox.Fault{Paths: []string{"/apiaccount"}, Count: 1, Status: 429, RetryAfter: 24 * time.Hour})
	must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))
	if !slices.Equal(*e.sleeps, []time.Duration{30 * time.Second}) {
		t.Errorf("waits %v, want one capped at 30s", *e.sleeps)
	}

	// 503s without Retry-After back off with jitter below the ceiling,
	// and give up after MaxAttempts.
	*e.sleeps = nil
	e.srv.ResetStats()
	e.srv.SetFaults(sandbox.Fault{Paths: []string{"/apiaccount"}, Status: 503})
	_, err := msgboxx.Collect(e.client.APIAccounts(ctx))
	if !msgboxx.IsServerError(err) || !msgboxx.IsTemporary(err) {
		t.Fatalf("want a 503 after the attempts, got %v", err)
	}
	if n := e.srv.Stats().Requests["GET /apiaccount"]; n != 4 {
		t.Errorf("%d attempts, want MaxAttempts=4", n)
	}
	for i, d := range *e.sleeps {
		if ceiling := 250 * time.Millisecond << i; d < 0 || d > ceiling {
			t.Errorf("wait %d = %v outside [0, %v]", i, d, ceiling)
		}
	}
	e.srv.SetFaults()

	// A dropped connection on a GET is retried.
	e.srv.ResetStats()
	e.srv.SetFaults(sandbox.Fault{Paths: []string{"/apiaccount"}, Count: 1, Drop: true})
	must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))
	if n := e.srv.Stats().Requests["GET /apiaccount"]; n != 2 {
		t.Errorf("%d requests after a drop, want 2", n)
	}
}

func TestRetryWaitRespectsContext(t *testing.T) {
	e := newEnv(t, empty)
	msgboxx.SetSleep(e.client, func(ctx context.Context, d time.Duration) error {
		<-ctx.Done() // the wait never ends by itself
		return ctx.Err()
	})
	e.srv.SetFaults(sandbox.Fault{Paths: []string{"/apiaccount"}, Status: 503})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	_, err := e.client.APIAccount(ctx, "x")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want the context's deadline, got %v", err)
	}
}

// sendSetup gives a contact whose window is open.
func sendSetup(t *testing.T, e *env) (acc string, contact msgboxx.Contact) {
	ctx := context.Background()
	visible, _ := accounts(t, e)
	acc = visible[0].ID
	contact = must[msgboxx.Contact](t)(e.client.CreateContact(ctx, msgboxx.NewContact{MobileNumber: "+447911123458", Name: "Sam", APIAccountID: acc}))
	if _, err := e.srv.Receive(contact.ID, "hi"); err != nil {
		t.Fatal(err)
	}
	return acc, contact
}

func TestMessagePostIsNeverRetriedBlindly(t *testing.T) {
	tests := []struct {
		name          string
		fault         sandbox.Fault
		wantErr       bool
		maybe         bool
		wantOnServer  int
		wantRequests  int
		wantWindowErr bool
	}{
		{name: "503 may have acted", fault: sandbox.Fault{Status: 503}, wantErr: true, maybe: true, wantOnServer: 0, wantRequests: 1},
		{name: "500 may have acted", fault: sandbox.Fault{Status: 500}, wantErr: true, maybe: true, wantOnServer: 0, wantRequests: 1},
		{name: "dropped before handling", fault: sandbox.Fault{Drop: true}, wantErr: true, maybe: true, wantOnServer: 0, wantRequests: 1},
		{name: "dropped after handling", fault: sandbox.Fault{DropAfter: true}, wantErr: true, maybe: true, wantOnServer: 1, wantRequests: 1},
		{name: "malformed answer after handling", fault: sandbox.Fault{Malformed: true}, wantErr: true, maybe: true, wantOnServer: 1, wantRequests: 1},
		{name: "429 is retried: the server did not act", fault: sandbox.Fault{Status: 429, RetryAfter: time.Second}, wantOnServer: 1, wantRequests: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, empty)
			acc, contact := sendSetup(t, e)
			e.srv.ResetStats()
			f := tt.fault
			f.Methods, f.Paths, f.Count = []string{"POST"}, []string{"/message"}, 1
			e.srv.SetFaults(f)
			const body = "Your viewing is confirmed for 10:00"
			m, err := e.client.SendMessage(context.Background(), msgboxx.NewMessage{APIAccountID: acc, ContactID: contact.ID, Message: body})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v", err)
			}
			if err != nil && msgboxx.MaybeDelivered(err) != tt.maybe {
				t.Errorf("MaybeDelivered = %v for %v", !tt.maybe, err)
			}
			if err != nil && !strings.Contains(err.Error(), "POST /message") {
				t.Errorf("error does not name the endpoint: %v", err)
			}
			if n := e.srv.Stats().Requests["POST /message"]; n != tt.wantRequests {
				t.Errorf("%d POSTs, want %d", n, tt.wantRequests)
			}
			snap := e.srv.Snapshot()
			conv := ""
			for _, cv := range snap.Conversations {
				if cv.ContactID == contact.ID {
					conv = cv.ConversationID
				}
			}
			if n := e.srv.CountMessages(conv, body); n != tt.wantOnServer {
				t.Errorf("%d copies on the server, want %d", n, tt.wantOnServer)
			}
			if err == nil && m.Body != body {
				t.Errorf("returned %+v", m)
			}
		})
	}
}

func TestOneLoginForManyGoroutines(t *testing.T) {
	e := newEnv(t, empty)
	var wg sync.WaitGroup
	errs := make(chan error, 50)
	for range 50 {
		wg.Go(func() {
			_, err := msgboxx.Collect(e.client.APIAccounts(context.Background()))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := e.srv.Stats().Logins; n != 1 {
		t.Errorf("%d logins for 50 goroutines, want 1", n)
	}
}

func TestTokenRenewal(t *testing.T) {
	var stored []string
	e := newEnv(t, empty, func(_ *sandbox.Config, c *msgboxx.Config) {
		c.OnToken = func(tok string, exp time.Time) { stored = append(stored, tok) }
	})
	ctx := context.Background()
	must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))

	// Revoked on the server: one 401, one new login, the call succeeds.
	e.srv.RevokeTokens()
	must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))
	if n := e.srv.Stats().Logins; n != 2 {
		t.Errorf("%d logins after a revocation, want 2", n)
	}
	// Close to expiry: renewed before use, without a 401.
	e.srv.ResetStats()
	e.clock.Add(time.Hour - 30*time.Second)
	must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))
	st := e.srv.Stats()
	if st.Logins != 1 || st.Requests["GET /apiaccount"] != 1 {
		t.Errorf("proactive renewal: %+v", st)
	}
	if len(stored) != 3 {
		t.Errorf("OnToken called %d times, want 3", len(stored))
	}
	// Wrong password: a clear error, and it does not loop.
	e.srv.SetPassword(must2(e.srv.Credentials()), "changed")
	e.srv.RevokeTokens()
	e.srv.ResetStats()
	_, err := msgboxx.Collect(e.client.APIAccounts(ctx))
	if !msgboxx.IsBadCredentials(err) || !msgboxx.IsLoginRequired(err) {
		t.Errorf("want bad credentials, got %v", err)
	}
	if n := e.srv.Stats().Requests["POST /oauth/token"]; n != 1 {
		t.Errorf("%d login attempts with a wrong password, want 1", n)
	}
}

func must2(a, _ string) string { return a }

func TestNoPasswordMeansLoginRequired(t *testing.T) {
	srv := sandbox.New(sandbox.Config{Empty: true})
	defer srv.Close()
	hs := httptest.NewServer(srv)
	defer hs.Close()
	c := must[*msgboxx.Client](t)(msgboxx.New(msgboxx.Config{BaseURL: hs.URL, Username: "agent@demo.mbx", Token: "stale.token.value"}))
	_, err := c.APIAccount(context.Background(), "x")
	if !errors.Is(err, msgboxx.ErrLoginRequired) || !msgboxx.IsLoginRequired(err) {
		t.Errorf("want login required, got %v", err)
	}
	if strings.Contains(err.Error(), "stale.token.value") {
		t.Errorf("error reveals the token: %v", err)
	}
}

func TestBrokenAnswers(t *testing.T) {
	e := newEnv(t, empty)
	ctx := context.Background()
	accs := must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))
	e.srv.SetFaults(sandbox.Fault{Methods: []string{"GET"}, Paths: []string{"/apiaccount"}, Count: 1, Malformed: true})
	_, err := e.client.APIAccount(ctx, accs[0].ID)
	if err == nil || !strings.Contains(err.Error(), "GET /apiaccount/{id}") || !strings.Contains(err.Error(), "JSON") {
		t.Errorf("malformed JSON: %v", err)
	}

	small := newEnv(t, func(_ *sandbox.Config, c *msgboxx.Config) { c.MaxResponseBytes = 200 })
	_, err = msgboxx.Collect(small.client.Contacts(ctx, msgboxx.ContactFilter{}))
	if err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("oversized answer: %v", err)
	}

	// An attempt that gets no answer in time is retried, then reported.
	slow := newEnv(t, empty, func(_ *sandbox.Config, c *msgboxx.Config) {
		c.Timeout = 50 * time.Millisecond
		c.Retry.MaxAttempts = 2
	})
	must[[]msgboxx.APIAccount](t)(msgboxx.Collect(slow.client.APIAccounts(ctx)))
	slow.srv.ResetStats()
	slow.srv.SetFaults(sandbox.Fault{Paths: []string{"/apiaccount"}, Latency: time.Second})
	_, err = slow.client.APIAccount(ctx, "x")
	if !msgboxx.IsTemporary(err) || !strings.Contains(err.Error(), "no answer in time") {
		t.Errorf("timeout: %v", err)
	}
	if n := slow.srv.Stats().Requests["GET /apiaccount/{id}"]; n < 1 {
		t.Errorf("requests: %d", n)
	}
}

func TestPaging(t *testing.T) {
	e := newEnv(t, func(s *sandbox.Config, _ *msgboxx.Config) {
		s.Empty, s.Conversations, s.Messages, s.HistoryDays = true, 40, 250, 2
	})
	ctx := context.Background()
	f := msgboxx.MessageFilter{From: e.clock.Now().Add(-72 * time.Hour), To: e.clock.Now().Add(time.Minute)}
	must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))
	e.srv.ResetStats()
	all := must[[]msgboxx.Message](t)(msgboxx.Collect(e.client.Messages(ctx, f)))
	if len(all) != 250 {
		t.Fatalf("%d messages, want 250", len(all))
	}
	if n := e.srv.Stats().Requests["GET /message"]; n != 3 {
		t.Errorf("%d page requests for 250 messages, want ceil(250/100)=3", n)
	}
	seen := map[string]bool{}
	for i, m := range all {
		if seen[m.ID] {
			t.Errorf("message %s twice", m.ID)
		}
		seen[m.ID] = true
		if i > 0 && m.Sent.Before(all[i-1].Sent.Time) {
			t.Errorf("not in time order at %d", i)
		}
	}
	// Stopping early fetches no further page.
	e.srv.ResetStats()
	for range e.client.Messages(ctx, f) {
		break
	}
	if n := e.srv.Stats().Requests["GET /message"]; n != 1 {
		t.Errorf("%d requests after an early break, want 1", n)
	}
	page := must[msgboxx.Page[msgboxx.Message]](t)(e.client.MessagesPage(ctx, f, 3))
	if len(page.Items) != 50 || page.Paging.RecordCount != 250 || page.Paging.Pages != 3 {
		t.Errorf("page 3: %d items, paging %+v", len(page.Items), page.Paging)
	}
	// Without dates the platform returns the last 24 hours only.
	recent := must[[]msgboxx.Message](t)(msgboxx.Collect(e.client.Messages(ctx, msgboxx.MessageFilter{})))
	for _, m := range recent {
		if m.Sent.Before(e.clock.Now().Add(-24 * time.Hour)) {
			t.Errorf("default listing returned %v, older than 24h", m.Sent)
		}
	}
	if len(recent) == 0 || len(recent) >= 250 {
		t.Errorf("default listing: %d messages", len(recent))
	}
}

func TestSecretsNeverLeak(t *testing.T) {
	var mu sync.Mutex
	var tokens []string
	e := newEnv(t, func(_ *sandbox.Config, c *msgboxx.Config) {
		c.OnToken = func(tok string, _ time.Time) {
			mu.Lock()
			tokens = append(tokens, tok)
			mu.Unlock()
		}
	})
	ctx := context.Background()
	_, pass := e.srv.Credentials()
	var errs []error
	record := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	_, err := msgboxx.Collect(e.client.APIAccounts(ctx))
	record(err)
	e.srv.RevokeTokens()
	e.srv.SetFaults(sandbox.Fault{Count: 2, Status: 503})
	_, err = msgboxx.Collect(e.client.Inboxes(ctx, msgboxx.InboxFilter{}))
	record(err)
	e.srv.SetFaults(sandbox.Fault{Count: 1, Drop: true, Methods: []string{"POST"}})
	_, err = e.client.SendMessage(ctx, msgboxx.NewMessage{APIAccountID: "a", ContactID: "b", Message: "x"})
	record(err)
	e.srv.SetFaults()
	_, err = e.client.Contact(ctx, "nope")
	record(err)
	e.srv.SetPassword(must2(e.srv.Credentials()), "other")
	e.srv.RevokeTokens()
	_, err = e.client.APIAccount(ctx, "x")
	record(err)
	if len(errs) < 3 {
		t.Fatalf("the scenario should produce errors, got %d", len(errs))
	}
	secrets := []string{pass}
	mu.Lock()
	secrets = append(secrets, tokens...) // every token the client received
	mu.Unlock()
	if len(tokens) < 2 {
		t.Fatalf("the scenario should log in at least twice, got %d tokens", len(tokens))
	}
	haystack := e.logs.String()
	for _, err := range errs {
		haystack += "\n" + err.Error() + fmt.Sprintf("\n%+v\n%#v", err, err)
	}
	if !strings.Contains(e.logs.String(), "POST /oauth/token") {
		t.Fatal("debug logs should record requests")
	}
	for _, s := range secrets {
		if s != "" && strings.Contains(haystack, s) {
			t.Errorf("a secret (%d chars) appears in logs or errors", len(s))
		}
	}
	if strings.Contains(strings.ToLower(haystack), "bearer ") || strings.Contains(haystack, "Authorization") {
		t.Error("the Authorization header appears in logs or errors")
	}
}

func TestSafeURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://api.msgboxx.io":                        "https://api.msgboxx.io",
		"https://alice:hunter2@host/?token=SECRETTOKEN": "https://…@host/?…",
		"https://host/api?access_token=SEKRIT":          "https://host/api?…",
		"https://host/#frag":                            "https://host/#…",
	} {
		if got := msgboxx.SafeURL(raw); got != want {
			t.Errorf("SafeURL(%q) = %q, want %q", raw, got, want)
		}
		if _, err := msgboxx.New(msgboxx.Config{BaseURL: raw}); err != nil && (strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "SEKRIT") || strings.Contains(err.Error(), "SECRETTOKEN")) {
			t.Errorf("New(%q) error shows a secret: %v", raw, err)
		}
	}
}
