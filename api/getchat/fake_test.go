package getchat

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// fake is a small get.chat for tests: chats and messages in memory, paging
// in either order with a configurable next link, a failing page, sends and
// assignments recorded, and a websocket whose frames the test scripts.
type fake struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	chats    []Chat
	msgs     []Message
	oldest   bool   // list oldest first (the docs say newest first)
	next     string // "relative", "absolute", "hostile", "http", "none"
	hostile  string // another server's URL for "hostile" links
	failAt   int    // fail the page at this offset once (-1: never)
	failed   bool
	hits     map[string]int
	sends    []map[string]any
	sendCode int
	sendID   string
	assigns  []string // "METHOD body"
	tags     []Tag
	tagged   []string
	untagged []Int
	resolves []string
	tmpls    []Template

	// ws: each connection gets the next script; frames are sent after
	// the token frame was read and checked.
	wsScripts chan func(ctx context.Context, c *websocket.Conn)
	wsTokens  chan string
}

func newFake(t *testing.T) *fake { return newFakeServer(t, false) }

// newFakeTLS serves https on loopback (the client trusts its certificate).
func newFakeTLS(t *testing.T) *fake { return newFakeServer(t, true) }

func newFakeServer(t *testing.T, tls bool) *fake {
	f := &fake{t: t, failAt: -1, hits: map[string]int{}, next: "relative", sendCode: 200,
		wsScripts: make(chan func(context.Context, *websocket.Conn), 16), wsTokens: make(chan string, 16)}
	if tls {
		f.srv = httptest.NewTLSServer(f)
	} else {
		f.srv = httptest.NewServer(f)
	}
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) client(t *testing.T, cfg Config) *Client {
	t.Helper()
	cfg.Token = testToken
	c, _ := newTestClient(t, f.srv, cfg)
	return c
}

func (f *fake) hit(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[route]
}

func msgAt(waID, wamid string, t time.Time, fromUs bool, body string) Message {
	m := Message{CustomerWaID: waID, FromUs: fromUs}
	m.WabaPayload.ID = ID(wamid)
	m.WabaPayload.Type = TypeText
	m.WabaPayload.Timestamp = Unix(t)
	m.WabaPayload.Text = &TextBody{Body: body}
	if fromUs {
		m.WabaPayload.To = waID
	} else {
		m.WabaPayload.From = waID
	}
	return m
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/" && strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		f.serveWS(w, r)
		return
	}
	if !authorized(r) {
		writeJSON(w, 401, map[string]string{"detail": "Invalid token."})
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	path := r.URL.Path
	route := r.Method + " " + path
	switch {
	case r.Method == "GET" && path == PathMessages:
		f.hits["messages"]++
		f.listMessages(w, r)
	case r.Method == "GET" && path == PathChats:
		f.hits["chats"]++
		page(f, w, r, f.chats)
	case r.Method == "GET" && strings.HasPrefix(path, PathChats):
		f.hits["chat"]++
		id := strings.Trim(strings.TrimPrefix(path, PathChats), "/")
		for _, c := range f.chats {
			if c.ID() == id {
				writeJSON(w, 200, c)
				return
			}
		}
		writeJSON(w, 404, map[string]string{"detail": "Not found."})
	case r.Method == "POST" && path == PathMessages:
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		f.sends = append(f.sends, body)
		writeJSON(w, f.sendCode, map[string]any{"id": f.sendID})
	case (r.Method == "PUT" || r.Method == "PATCH") && strings.HasPrefix(path, "/api/v1/chat_assignment/"):
		b, _ := io.ReadAll(r.Body)
		f.assigns = append(f.assigns, r.Method+" "+strings.TrimSpace(string(b)))
		writeJSON(w, 200, map[string]any{"wa_id": strings.Trim(strings.TrimPrefix(path, "/api/v1/chat_assignment/"), "/")})
	case r.Method == "PATCH" && strings.HasSuffix(path, "/resolve"):
		b, _ := io.ReadAll(r.Body)
		f.resolves = append(f.resolves, strings.TrimSpace(string(b)))
		writeJSON(w, 200, map[string]any{})
	case r.Method == "GET" && path == PathTags:
		page(f, w, r, f.tags)
	case r.Method == "POST" && path == PathChatTagging:
		var ct ChatTagging
		_ = json.NewDecoder(r.Body).Decode(&ct)
		f.tagged = append(f.tagged, fmt.Sprintf("%s:%d", ct.Chat, ct.Tag))
		writeJSON(w, 201, ChatTagging{ID: 99, Tag: ct.Tag, Chat: ct.Chat})
	case r.Method == "DELETE" && strings.HasPrefix(path, PathChatTagging):
		n, _ := strconv.Atoi(strings.Trim(strings.TrimPrefix(path, PathChatTagging), "/"))
		f.untagged = append(f.untagged, Int(n))
		w.WriteHeader(204)
	case r.Method == "GET" && path == PathTemplates:
		page(f, w, r, f.tmpls)
	case r.Method == "GET" && path == PathCurrentUser: // what the engine's reference refresh reads
		writeJSON(w, 200, User{ID: 10, Username: "alex"})
	case r.Method == "GET" && path == PathUsers:
		page(f, w, r, []User{{ID: 10, Username: "alex"}})
	case r.Method == "GET" && path == PathGroups:
		page(f, w, r, []Group{})
	default:
		f.t.Logf("fake: unhandled %s", route)
		http.NotFound(w, r)
	}
}

func (f *fake) listMessages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var out []Message
	for _, m := range f.msgs {
		if wa := q.Get("wa_id"); wa != "" && m.ChatID() != wa {
			continue
		}
		ts := m.Time().Unix()
		if s := q.Get("since_time"); s != "" {
			if n, _ := strconv.ParseInt(s, 10, 64); ts < n {
				continue
			}
		}
		if s := q.Get("before_time"); s != "" {
			if n, _ := strconv.ParseInt(s, 10, 64); ts >= n {
				continue
			}
		}
		out = append(out, m)
	}
	slices.SortStableFunc(out, func(a, b Message) int {
		if f.oldest {
			return a.Time().Compare(b.Time())
		}
		return b.Time().Compare(a.Time())
	})
	page(f, w, r, out)
}

// page writes one page of all; f.mu is held.
func page[T any](f *fake, w http.ResponseWriter, r *http.Request, all []T) {
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 100
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	if offset == f.failAt && !f.failed {
		f.failed = true
		writeJSON(w, 500, map[string]string{"detail": "page failed"})
		return
	}
	end := min(offset+limit, len(all))
	results := []T{}
	if offset < len(all) {
		results = all[offset:end]
	}
	env := map[string]any{"count": len(all), "next": nil, "previous": nil, "results": results}
	if end < len(all) {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("offset", strconv.Itoa(end))
		nq.Set("limit", strconv.Itoa(limit))
		rel := r.URL.Path + "?" + nq.Encode()
		switch f.next {
		case "relative":
			env["next"] = rel
		case "absolute":
			env["next"] = f.srv.URL + rel
		case "hostile":
			env["next"] = f.hostile + rel
		case "http":
			env["next"] = "http://" + r.Host + rel
		case "none":
		}
	}
	writeJSON(w, 200, env)
}

func (f *fake) serveWS(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	defer conn.CloseNow()
	ctx := r.Context()
	_, data, err := conn.Read(ctx)
	if err != nil {
		return
	}
	var tf map[string]any
	_ = json.Unmarshal(data, &tf)
	tok, _ := tf["token"].(string)
	f.wsTokens <- tok
	if tok != testToken || len(tf) != 1 {
		_ = conn.Write(ctx, websocket.MessageText, []byte(`{"type":"token","status":"failed","message":"Invalid token"}`))
		return
	}
	_ = conn.Write(ctx, websocket.MessageText, []byte(`{"type":"token","status":"success"}`))
	select {
	case script := <-f.wsScripts:
		script(ctx, conn)
	case <-ctx.Done():
	}
}
