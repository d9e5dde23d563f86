package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

var t0 = time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	t     *testing.T
	s     *Server
	srv   *httptest.Server
	clock *fakeClock
	admin string // alex's token
	reg   string // robin's token
}

func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	clock := &fakeClock{t: t0}
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	s := New(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(func() {
		s.Close()
		srv.Close()
	})
	e := &env{t: t, s: s, srv: srv, clock: clock}
	e.admin = e.login(DemoUsername, DemoPassword)
	e.reg = e.login(RegularUsername, RegularPassword)
	return e
}

func (e *env) login(user, pass string) string {
	e.t.Helper()
	var out struct{ Token string }
	st := e.do("POST", "/api/v1/auth/token/", "", map[string]string{"username": user, "password": pass}, &out)
	if st != 200 || out.Token == "" {
		e.t.Fatalf("login %s: %d", user, st)
	}
	return out.Token
}

// do sends a request (body as JSON unless []byte) and decodes the answer
// into out when out is not nil. It returns the status.
func (e *env) do(method, path, token string, body any, out any) int {
	e.t.Helper()
	st, data, _ := e.raw(method, path, token, body, "")
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			e.t.Fatalf("%s %s: %d %s: %v", method, path, st, data, err)
		}
	}
	return st
}

func (e *env) raw(method, path, token string, body any, contentType string) (int, []byte, http.Header) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
		contentType = "application/json"
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Token "+token)
	}
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data, resp.Header
}

type page struct {
	Count    int               `json:"count"`
	Next     *string           `json:"next"`
	Previous *string           `json:"previous"`
	Results  []json.RawMessage `json:"results"`
}

type chatOut struct {
	WaID    string `json:"wa_id"`
	Contact struct {
		WaID                 string `json:"wa_id"`
		LastMessageTimestamp *int64 `json:"last_message_timestamp"`
		Resolved             bool   `json:"resolved"`
		WabaPayload          struct {
			Profile struct{ Name string } `json:"profile"`
		} `json:"waba_payload"`
	} `json:"contact"`
	NewMessages    int               `json:"new_messages"`
	LastMessage    *msgOut           `json:"last_message"`
	AssignedToUser *struct{ ID int } `json:"assigned_to_user"`
	AssignedGroup  *struct{ ID int } `json:"assigned_group"`
	Tags           []struct {
		ID        int    `json:"id"`
		Name      string `json:"name"`
		TaggingID int    `json:"tagging_id"`
	} `json:"tags"`
}

type msgOut struct {
	ID          string         `json:"id"`
	WabaPayload map[string]any `json:"waba_payload"`
	Statuses    struct {
		Sent, Delivered, Read int64
	} `json:"waba_statuses"`
	FromUs       bool   `json:"from_us"`
	Received     bool   `json:"received"`
	CustomerWaID string `json:"customer_wa_id"`
	IsFailed     bool   `json:"is_failed"`
}

func (m msgOut) ts() int64 {
	switch v := m.WabaPayload["timestamp"].(type) {
	case float64:
		return int64(v)
	case string:
		var n int64
		_ = json.Unmarshal([]byte(v), &n)
		return n
	}
	return 0
}

func decodeAll[T any](t *testing.T, p page) []T {
	t.Helper()
	out := make([]T, len(p.Results))
	for i, r := range p.Results {
		if err := json.Unmarshal(r, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func (e *env) chat(token, waID string) chatOut {
	e.t.Helper()
	var c chatOut
	if st := e.do("GET", "/api/v1/chats/"+waID+"/", token, nil, &c); st != 200 {
		e.t.Fatalf("chat %s: %d", waID, st)
	}
	return c
}

// --- websocket ---

type wsConn struct {
	t *testing.T
	c *websocket.Conn
}

func (e *env) dial(token string) *wsConn {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, WebsocketURL(e.srv.URL), nil)
	if err != nil {
		e.t.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	e.t.Cleanup(func() { c.CloseNow() })
	w := &wsConn{t: e.t, c: c}
	if err := c.Write(ctx, websocket.MessageText, []byte(`{"token": "`+token+`"}`)); err != nil {
		e.t.Fatal(err)
	}
	return w
}

// next reads the next frame as a map, failing after 5 s.
func (w *wsConn) next() map[string]any {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, data, err := w.c.Read(ctx)
	if err != nil {
		w.t.Fatalf("websocket read: %v", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		w.t.Fatalf("frame %s: %v", data, err)
	}
	return m
}

func (w *wsConn) authed() {
	w.t.Helper()
	f := w.next()
	if f["type"] != "token" || f["status"] != "success" {
		w.t.Fatalf("auth frame %v", f)
	}
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func contains(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
