package msgboxx_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// Starting a conversation with a contact that has none: the template is
// shown at once in a "new:" conversation, which becomes the platform's
// when its message is seen — whichever of the send's answer and the sync
// sees it first.

// filledTemplate returns an approved template of the account that has
// placeholders, and values for them.
func filledTemplate(t *testing.T, r *rig, accountID string) (state.Template, map[int]string) {
	t.Helper()
	tpls, err := r.store.Templates(accountID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range tpls {
		p := tp.Parse()
		if !tp.Approved() || len(p.Placeholders) == 0 || len(p.Problems) > 0 {
			continue
		}
		values := map[int]string{}
		for _, ph := range p.Placeholders {
			values[ph.Index] = "Zoe"
		}
		return tp, values
	}
	t.Fatal("no approved template with placeholders")
	return state.Template{}, nil
}

// newContact creates a contact of Head Office through the engine.
func newContact(t *testing.T, r *rig, name, number string) state.Contact {
	t.Helper()
	c, err := r.engine.CreateContact(context.Background(), state.Contact{AccountID: accountID(t, r, "Head Office"), Name: name, Number: number})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// conversationsOf lists the stored conversations of a contact, all folders.
func conversationsOf(t *testing.T, r *rig, contactID string) []state.Conversation {
	t.Helper()
	var out []state.Conversation
	for _, f := range []state.Folder{state.FolderInbox, state.FolderArchive, state.FolderSpam} {
		convs, err := r.store.ListConversations(state.View{Folder: f}, 0, 100000)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range convs {
			if c.ContactID == contactID {
				out = append(out, c)
			}
		}
	}
	return out
}

// rehomedTo waits for the change that says the "new:" conversation became
// the platform's, and returns the platform's id.
func rehomedTo(t *testing.T, sub *state.Subscription, from string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for {
		ch, _, err := sub.Next(ctx, 0)
		if err != nil {
			t.Fatalf("no change says %s became the platform's: %v", from, err)
		}
		if to, ok := ch.Rehomed[from]; ok {
			_, c1 := ch.Conversations[from]
			_, c2 := ch.Conversations[to]
			if !c1 || !c2 || !ch.List {
				t.Errorf("the change does not name both conversations: %+v", ch)
			}
			return to
		}
	}
}

func TestTemplateStartsNewConversation(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name      string
		syncFirst bool
	}{
		{name: "answer first"},
		{name: "sync first", syncFirst: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var opts []rigOpt
			if tt.syncFirst {
				// The broadcast's message comes later than the POST's answer:
				// the sync sees it before the outbox follows the broadcast.
				opts = append(opts, func(s *sandbox.Config, _ *state.Config) { s.BroadcastQueueDelay = 3 * time.Second })
			}
			r := newSyncedRig(t, true, opts...)
			zoe := newContact(t, r, "Zoe Newcomer", "+44 7902 555 123")
			conv, err := r.engine.StartConversation(zoe)
			if err != nil {
				t.Fatal(err)
			}
			if !state.IsNewConversation(conv.ID) || conv.ContactName != "Zoe Newcomer" || conv.Folder != state.FolderInbox {
				t.Fatalf("started %+v", conv)
			}
			if got := conversationsOf(t, r, zoe.ID); len(got) != 0 {
				t.Fatalf("a start alone stored %+v", got)
			}
			tpl, values := filledTemplate(t, r, conv.AccountID)
			sub := r.engine.Subscribe()
			defer sub.Close()
			item, err := r.engine.SendTemplate(conv, tpl, values)
			if err != nil {
				t.Fatal(err)
			}
			// Shown at once, pending.
			thread, _ := r.store.Thread(conv.ID, time.Time{}, 10)
			if len(thread) != 1 || thread[0].Status != state.StatusPending || thread[0].Body != item.Body || !thread[0].Template {
				t.Fatalf("thread of the new conversation: %+v", thread)
			}
			if ids, _ := r.store.ConversationsWithoutMeta(10); len(ids) != 0 {
				t.Errorf("sync would ask the platform about %v", ids)
			}
			r.srv.ResetStats()

			r.engine.SendPending(context.Background())
			if tt.syncFirst {
				got, _, _ := r.store.OutboxItem(item.LocalID)
				if got.FollowUp == "" || got.State == state.OutboxSent {
					t.Fatalf("before the queue delay: %+v", got)
				}
				r.clock.Add(5 * time.Second)
				r.syncUntil(t, 1)
			}
			real := rehomedTo(t, sub, conv.ID)
			var want string
			for _, c := range r.srv.Snapshot().Contacts {
				if c.ContactID == zoe.ID {
					want = c.ConversationID
				}
			}
			if want == "" || real != want {
				t.Fatalf("became %q, the sandbox's conversation is %q", real, want)
			}
			if tt.syncFirst {
				// The sync recognised the platform's copy as this item's.
				if got, _, _ := r.store.OutboxItem(item.LocalID); got.State != state.OutboxSent || got.ConversationID != real {
					t.Fatalf("after the sync: %+v", got)
				}
			}
			r.engine.SendPending(context.Background()) // nothing left to do
			got, _, _ := r.store.OutboxItem(item.LocalID)
			if got.State != state.OutboxSent || got.ServerID == "" || got.ConversationID != real {
				t.Fatalf("outbox item %+v", got)
			}
			if n := r.srv.Stats().Requests["POST /broadcast"]; n != 1 {
				t.Errorf("%d broadcasts", n)
			}

			// The sync reads the new conversation's folder and assignee, and
			// the ticks move.
			for i := 0; i < 6; i++ {
				r.clock.Add(time.Minute)
				r.syncUntil(t, 1)
				if m, _, _ := r.store.Message(got.ServerID); m.Status >= state.StatusDelivered {
					break
				}
			}
			m, ok, _ := r.store.Message(got.ServerID)
			if !ok || m.ConversationID != real || m.LocalID != item.LocalID || m.Status < state.StatusDelivered || !m.Template {
				t.Errorf("the template message: %+v", m)
			}
			sameAsSandbox(t, r, real)
			convs := conversationsOf(t, r, zoe.ID)
			if len(convs) != 1 || convs[0].ID != real || convs[0].Preview != item.Body {
				t.Fatalf("the contact's conversations: %+v", convs)
			}
			if _, ok, _ := r.store.Conversation(conv.ID); ok {
				t.Error("the new: conversation is left")
			}
			if n, _ := r.store.ThreadCount(real); n != 1 {
				t.Errorf("%d messages in the conversation", n)
			}
			// Starting again opens it.
			if again, err := r.engine.StartConversation(zoe); err != nil || again.ID != real {
				t.Errorf("starting again: %+v %v", again, err)
			}
		})
	}
}

func TestRefusedTemplateOfNewConversation(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	zoe := newContact(t, r, "Zoe Refused", "+44 7902 555 124")
	conv, err := r.engine.StartConversation(zoe)
	if err != nil {
		t.Fatal(err)
	}
	tpl, values := filledTemplate(t, r, conv.AccountID)
	r.srv.SetFaults(sandbox.Fault{Methods: []string{"POST"}, Paths: []string{"/broadcast"}, Count: 1, Status: 400})
	item, err := r.engine.SendTemplate(conv, tpl, values)
	if err != nil {
		t.Fatal(err)
	}
	r.engine.SendPending(context.Background())
	got, _, _ := r.store.OutboxItem(item.LocalID)
	if got.State != state.OutboxFailed || !strings.Contains(got.Reason, "refused by the platform") {
		t.Fatalf("item %+v", got)
	}
	m, ok, _ := r.store.Message("local:" + item.LocalID)
	if !ok || m.Status != state.StatusFailed || m.Reason != got.Reason || m.Body != item.Body || m.ConversationID != conv.ID {
		t.Fatalf("the failed template: %+v", m)
	}
	if c, ok, _ := r.store.Conversation(conv.ID); !ok || c.Preview != item.Body {
		t.Fatalf("the new conversation is not shown: %+v", c)
	}
	// Sync never asks the platform about it, and keeps working.
	r.srv.ResetStats()
	r.syncUntil(t, 1)
	if n := r.srv.Stats().Requests["GET /conversation/{id}"]; n != 0 {
		t.Errorf("%d conversation lookups", n)
	}
	// Assigning it is refused until the platform has it.
	res := r.engine.Apply(context.Background(), []string{conv.ID}, state.Change{Folder: state.FolderArchive}, nil)
	var ie *state.InputError
	if !errors.As(res[0].Err, &ie) || !strings.Contains(ie.Msg, "starts when msgboxx accepts its first template") {
		t.Errorf("Apply: %+v", res[0])
	}
	// Sent again, it becomes the platform's conversation.
	if err := r.engine.Resend(item.LocalID); err != nil {
		t.Fatal(err)
	}
	r.engine.SendPending(context.Background())
	got, _, _ = r.store.OutboxItem(item.LocalID)
	convs := conversationsOf(t, r, zoe.ID)
	if got.State != state.OutboxSent || len(convs) != 1 || state.IsNewConversation(convs[0].ID) || got.ConversationID != convs[0].ID {
		t.Fatalf("after resending: %+v, conversations %+v", got, convs)
	}
	r.syncUntil(t, 1)
	sameAsSandbox(t, r, convs[0].ID)
}
