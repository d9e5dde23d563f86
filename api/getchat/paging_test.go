package getchat

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

var t0 = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// seed gives f n messages over three chats, one a minute from t0 (several
// in the same second every tenth, to test the inclusive since_time).
func seed(f *fake, n int) {
	chats := []string{"4911111", "4922222", "4933333"}
	for i, id := range chats {
		c := Chat{WaID: id, Tags: []Tag{{ID: 1, Name: "vip", TaggingID: 500 + Int(i)}}}
		c.Contact.WaID = id
		c.Contact.WabaPayload.Profile.Name = "Customer " + id
		c.Contact.Resolved = i == 2
		c.AssignedToUser = &User{ID: Int(10 + i)}
		if i == 1 {
			c.AssignedGroup = &Group{ID: 3}
		}
		last := msgAt(id, "", t0.Add(time.Duration(n)*time.Minute), false, "")
		c.LastMessage = &last
		f.chats = append(f.chats, c)
	}
	for i := range n {
		at := t0.Add(time.Duration(i) * time.Minute)
		if i%10 == 1 {
			at = t0.Add(time.Duration(i-1) * time.Minute) // same second as the one before
		}
		f.msgs = append(f.msgs, msgAt(chats[i%3], fmt.Sprintf("wamid.%04d", i), at, i%4 == 0, fmt.Sprintf("body %d", i)))
	}
}

func keysSince(f *fake, since time.Time) []string {
	var out []string
	for _, m := range f.msgs {
		if !m.Time().Before(since.Truncate(time.Second)) {
			out = append(out, m.Key())
		}
	}
	sort.Strings(out)
	return out
}

func TestPagingOrdersAndLinks(t *testing.T) {
	var hostileHits atomic.Int32
	hostile := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hostileHits.Add(1)
		writeJSON(w, 200, map[string]any{"count": 0, "results": []any{}})
	}))
	defer hostile.Close()
	for _, oldest := range []bool{false, true} {
		for _, next := range []string{"relative", "absolute", "hostile", "http", "none"} {
			t.Run(fmt.Sprintf("oldest=%v/next=%s", oldest, next), func(t *testing.T) {
				f := newFake(t)
				seed(f, 230)
				f.oldest, f.next, f.hostile = oldest, next, hostile.URL
				c := f.client(t, Config{PageSize: 40})
				since := t0.Add(37 * time.Minute)
				got, err := Collect(c.Messages(context.Background(), MessageFilter{Since: since, Before: t0.Add(24 * time.Hour)}))
				if err != nil {
					t.Fatal(err)
				}
				keys := make([]string, 0, len(got))
				for _, m := range got {
					keys = append(keys, m.Key())
				}
				sort.Strings(keys)
				if want := keysSince(f, since); fmt.Sprint(keys) != fmt.Sprint(want) {
					t.Fatalf("got %d messages, want %d", len(keys), len(want))
				}
				if hostileHits.Load() != 0 {
					t.Fatal("a link to another host was followed")
				}
			})
		}
	}
}

func TestPagingRefusesDowngrade(t *testing.T) {
	f := newFakeTLS(t)
	seed(f, 100)
	f.next = "http" // http://127.0.0.1:PORT/… on an https account
	c := f.client(t, Config{PageSize: 30})
	got, err := Collect(c.Messages(context.Background(), MessageFilter{}))
	if err != nil || len(got) != 100 {
		t.Fatalf("%d messages, %v", len(got), err)
	}
	f.next = "absolute" // https, same host: followed
	if got, err := Collect(c.Messages(context.Background(), MessageFilter{})); err != nil || len(got) != 100 {
		t.Fatalf("%d messages, %v", len(got), err)
	}
}

func TestPagingFailedPage(t *testing.T) {
	f := newFake(t)
	seed(f, 100)
	f.failAt = 40
	c := f.client(t, Config{PageSize: 40})
	n := 0
	var failure error
	for _, err := range c.Messages(context.Background(), MessageFilter{}) {
		if err != nil {
			failure = err
			break
		}
		n++
	}
	if failure == nil || n != 40 || IsTemporary(failure) == false {
		t.Fatalf("first pass: %d messages then %v", n, failure)
	}
	got, err := Collect(c.Messages(context.Background(), MessageFilter{}))
	if err != nil || len(got) != 100 {
		t.Fatalf("second pass: %d, %v", len(got), err)
	}
}

func TestBackendMessagesAnyOrder(t *testing.T) {
	for _, oldest := range []bool{false, true} {
		t.Run(fmt.Sprintf("oldest=%v", oldest), func(t *testing.T) {
			f := newFake(t)
			seed(f, 150)
			f.oldest = oldest
			f.failAt = 50
			c := f.client(t, Config{PageSize: 50, Now: func() time.Time { return t0.Add(150 * time.Minute) }})
			b := NewBackend(c)
			ctx := context.Background()
			q := state.MessageQuery{From: t0.Add(-time.Hour)}
			pass := func() (map[string]state.Message, map[string]state.ConversationMeta, []state.Contact, error) {
				msgs := map[string]state.Message{}
				metas := map[string]state.ConversationMeta{}
				var contacts []state.Contact
				for batch, err := range b.Messages(ctx, q) {
					if err != nil {
						return msgs, metas, contacts, err
					}
					if !batch.Through.IsZero() {
						t.Fatal("Through promised")
					}
					for _, m := range batch.Messages {
						msgs[m.ID] = m
					}
					for id, m := range batch.Conversations {
						metas[id] = m
					}
					contacts = append(contacts, batch.Contacts...)
				}
				return msgs, metas, contacts, nil
			}
			if _, _, _, err := pass(); state.KindOf(err) != state.KindTemporary {
				t.Fatalf("failed page: %v", err)
			}
			b = NewBackend(c) // a new run: conversations not described yet
			msgs, metas, contacts, err := pass()
			if err != nil || len(msgs) != 150 {
				t.Fatalf("%d messages, %v", len(msgs), err)
			}
			if f.hit("chat") != 0 {
				t.Fatalf("%d chat lookups; the chat list should have described them", f.hit("chat"))
			}
			want := map[string]state.ConversationMeta{
				"4911111": {Folder: state.FolderInbox, UserID: "10"},
				"4922222": {Folder: state.FolderInbox, UserID: "11", TeamID: "3"},
				"4933333": {Folder: state.FolderArchive, UserID: "12"},
			}
			if fmt.Sprint(metas) != fmt.Sprint(want) {
				t.Fatalf("metas %v", metas)
			}
			if len(contacts) != 3 || contacts[0].Name == "" || contacts[0].Number[0] != '+' {
				t.Fatalf("contacts %+v", contacts)
			}
			m := msgs["wamid.0004"]
			if m.Direction != state.Outbound || m.ConversationID != "4922222" || m.Body != "body 4" || m.AccountID != AccountID {
				t.Fatalf("message %+v", m)
			}
		})
	}
}

func TestBackendPollLooksUpNewChatsOnce(t *testing.T) {
	f := newFake(t)
	seed(f, 30)
	now := t0.Add(30 * time.Minute)
	c := f.client(t, Config{Now: func() time.Time { return now }})
	b := NewBackend(c)
	for range 2 {
		for batch, err := range b.Messages(context.Background(), state.MessageQuery{From: now.Add(-10 * time.Minute)}) {
			if err != nil {
				t.Fatal(err)
			}
			_ = batch
		}
	}
	if f.hit("chats") != 0 || f.hit("chat") != 3 {
		t.Fatalf("chat list %d, chat lookups %d (want 0 and 3)", f.hit("chats"), f.hit("chat"))
	}
}

func TestPrefetchPaging(t *testing.T) {
	f := newFake(t)
	seed(f, 100)
	f.failAt = 60
	c := f.client(t, Config{PageSize: 20})
	ctx := context.Background()
	n := 0
	var failure error
	for p, err := range prefetchSeq[Message](ctx, c, PathMessages, routeMessages, nil) {
		if err != nil {
			failure = err
			break
		}
		n += len(p.Results)
	}
	if n != 60 || failure == nil {
		t.Fatalf("first pass: %d then %v", n, failure)
	}
	got, err := Collect(items[Message](ctx, c, PathMessages, routeMessages, nil))
	if err != nil || len(got) != 100 {
		t.Fatalf("second pass: %d, %v", len(got), err)
	}
	before := f.hit("messages")
	for range prefetchSeq[Message](ctx, c, PathMessages, routeMessages, nil) {
		break
	}
	if d := f.hit("messages") - before; d > 2 {
		t.Fatalf("stopping after one page cost %d requests", d)
	}
}
