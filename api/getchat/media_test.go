package getchat

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

func TestMediaMarkAndFilters(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	var srvURL string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !authorized(r) {
			w.WriteHeader(401)
			return
		}
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.RequestURI())
		mu.Unlock()
		switch {
		case r.Method == "POST" && r.URL.Path == PathMedia:
			f, h, err := r.FormFile("file_encoded")
			if err != nil {
				w.WriteHeader(400)
				return
			}
			data, _ := io.ReadAll(f)
			if string(data) != "PNGDATA" || h.Filename != "pic.png" || h.Header.Get("Content-Type") != "image/png" {
				w.WriteHeader(400)
				return
			}
			writeJSON(w, 201, map[string]any{"file": srvURL + "/api/v1/media/abc/", "id": "abc"})
		case r.Method == "GET" && strings.HasPrefix(r.URL.Path, PathMedia):
			w.Header().Set("Content-Type", "image/png")
			w.Header().Set("Content-Disposition", `attachment; filename="pic.png"`)
			io.WriteString(w, "PNGDATA")
		case r.Method == "POST" && r.URL.Path == PathMarkAsReceived:
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			seen = append(seen, string(b))
			mu.Unlock()
			writeJSON(w, 201, map[string]any{})
		case r.URL.Path == PathChats:
			writeJSON(w, 200, map[string]any{"count": 0, "results": []any{}})
		case r.Method == "POST" && r.URL.Path == PathMessages:
			b, _ := io.ReadAll(r.Body)
			mu.Lock()
			seen = append(seen, string(b))
			mu.Unlock()
			writeJSON(w, 202, map[string]any{"id": "f00dfeed-0000-4000-8000-000000000001"})
		default:
			w.WriteHeader(404)
		}
	}))
	defer srv.Close()
	srvURL = srv.URL
	c, _ := newTestClient(t, srv, Config{Token: testToken})
	ctx := context.Background()

	up, err := c.UploadMedia(ctx, "pic.png", "image/png", strings.NewReader("PNGDATA"))
	if err != nil || up.ID != "abc" {
		t.Fatalf("upload %+v, %v", up, err)
	}
	sent, err := c.SendMedia(ctx, "4911111", TypeImage, Media{Link: up.File, Caption: "look"})
	if err != nil || !sent.Queued() {
		t.Fatalf("send media %+v, %v", sent, err)
	}
	for _, m := range []Media{{Link: up.File}, {Link: "https://evil.example/api/v1/media/abc/", ID: "abc"}} {
		d, err := c.DownloadMedia(ctx, m)
		if err != nil || string(d.Data) != "PNGDATA" || d.ContentType != "image/png" || d.Filename != "pic.png" {
			t.Fatalf("download %+v, %v", d, err)
		}
	}
	if _, err := c.DownloadMedia(ctx, Media{Link: "https://evil.example/x"}); !IsInvalid(err) {
		t.Fatalf("download from another host without an id: %v", err)
	}
	if err := c.MarkAsReceived(ctx, "4911111", time.Unix(1767000000, 500)); err != nil {
		t.Fatal(err)
	}
	if _, err := Collect(c.Chats(ctx, ChatFilter{AssignedToMe: true, Group: 3, Tag: 7, Search: "ada"})); err != nil {
		t.Fatal(err)
	}
	want := []string{
		"POST /api/v1/media/",
		`{"wa_id":"4911111","type":"image","image":{"link":"` + srv.URL + `/api/v1/media/abc/","caption":"look"}}`,
		"GET /api/v1/media/abc/",
		"GET /api/v1/media/abc/",
		`{"timestamp":1767000001,"customer_wa_id":"4911111"}`,
		"GET /api/v1/chats/?assigned_group=3&assigned_to_me=true&chat_tag_id=7&limit=100&offset=0&search=ada",
	}
	var got []string
	for _, s := range seen {
		if s == "POST /api/v1/messages/" || s == "POST /api/v1/mark_as_received/" {
			continue
		}
		got = append(got, s)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("requests\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestBackendMessageAndStatusLookups(t *testing.T) {
	f := newFake(t)
	seed(f, 12)
	now := t0.Add(12 * time.Minute)
	c := f.client(t, Config{Now: func() time.Time { return now }})
	ctx := context.Background()

	// After a restart: the first unknown id scans recent messages once.
	b := NewBackend(c)
	m, err := b.Message(ctx, "wamid.0004")
	if err != nil || m.ID != "wamid.0004" || m.ConversationID != "4922222" || m.Direction != state.Outbound {
		t.Fatalf("message %+v, %v", m, err)
	}
	scans := f.hit("messages")
	if _, err := b.Message(ctx, "wamid.0008"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Message(ctx, "wamid.nope"); state.KindOf(err) != state.KindNotFound {
		t.Fatalf("unknown id: %v", err)
	}
	if got := f.hit("messages") - scans; got != 1 {
		t.Fatalf("%d more message requests, want 1 (no second scan)", got)
	}

	// A status for a message this run never saw reads it from its chat:
	// the store gets a whole message, never an empty one.
	b2 := NewBackend(c)
	batch := b2.eventBatch(ctx, []Event{{Kind: EventStatus, WaID: "4911111", MessageID: "wamid.0000", Status: "read", Time: now}})
	if len(batch.Messages) != 1 || batch.Messages[0].Body != "body 0" || batch.Messages[0].Status != state.StatusRead {
		t.Fatalf("status batch %+v", batch.Messages)
	}
	batch = b2.eventBatch(ctx, []Event{{Kind: EventStatus, WaID: "4911111", MessageID: "wamid.gone", Status: "read", Time: now}})
	if len(batch.Messages) != 0 {
		t.Fatalf("status of an unknown message made %+v", batch.Messages)
	}
	// Assignment and resolve events read the chat for the whole metadata.
	batch = b2.eventBatch(ctx, []Event{{Kind: EventResolve, WaID: "4933333", Resolved: true}})
	if batch.Conversations["4933333"] != (state.ConversationMeta{Folder: state.FolderArchive, UserID: "12"}) {
		t.Fatalf("resolve batch %+v", batch.Conversations)
	}
}

func TestBackendReferenceData(t *testing.T) {
	f := newFake(t)
	f.tmpls = []Template{tmpl("order", "en_US", "Order {{1}}", "Hi {{1}}", "bye", `{"body_text":[["Ada"]]}`)}
	f.tmpls[0].Status = "approved"
	b := NewBackend(f.client(t, Config{}))
	ts, err := b.Templates(context.Background())
	if err != nil || len(ts) != 1 {
		t.Fatal(ts, err)
	}
	want := state.Template{ID: "order:en_US", AccountID: AccountID, Name: "order", Language: "en_US", Status: "Approved",
		Text: "Order {{1}}\nHi {{2}}\nbye", Example: "Order []\nHi [Ada]\nbye"}
	if fmt.Sprint(ts[0]) != fmt.Sprint(want) || !ts[0].Approved() {
		t.Fatalf("template %+v", ts[0])
	}
	acc, _ := b.Accounts(context.Background())
	if len(acc) != 1 || acc[0].ID != AccountID || state.CapabilitiesOf(b) != (state.Capabilities{Resolve: true, Tags: true, SavedResponses: true, Unassign: true, UserAndTeam: true, PushedEvents: true, ServerUnread: true, Media: true, Attachments: true}) {
		t.Fatalf("accounts %v, capabilities %+v", acc, state.CapabilitiesOf(b))
	}
}
