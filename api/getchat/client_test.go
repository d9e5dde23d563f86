package getchat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

const (
	testUser  = "agent"
	testPass  = "s3cret-pass"
	testToken = "tok-5f3a9c"
)

// newTestClient is a client of srv with waits recorded instead of slept.
func newTestClient(t *testing.T, srv *httptest.Server, cfg Config) (*Client, *[]time.Duration) {
	t.Helper()
	cfg.BaseURL = srv.URL
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = srv.Client()
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error {
		mu.Lock()
		waits = append(waits, d)
		mu.Unlock()
		return ctx.Err()
	}
	return c, &waits
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func authorized(r *http.Request) bool { return r.Header.Get("Authorization") == "Token "+testToken }

func TestLoginAndTokenHeader(t *testing.T) {
	var logins, currents atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /api/v1/auth/token/":
			logins.Add(1)
			var lr LoginRequest
			if err := json.NewDecoder(r.Body).Decode(&lr); err != nil || lr.Username != testUser || lr.Password != testPass {
				writeJSON(w, 400, map[string]any{"non_field_errors": []string{"Unable to log in with provided credentials."}})
				return
			}
			if r.Header.Get("Authorization") != "" {
				t.Errorf("login carried an Authorization header")
			}
			writeJSON(w, 200, map[string]string{"token": testToken})
		case "GET /api/v1/users/current/":
			currents.Add(1)
			if !authorized(r) {
				writeJSON(w, 403, map[string]string{"detail": "Authentication credentials were not provided."})
				return
			}
			writeJSON(w, 200, map[string]any{"id": 7, "username": testUser, "first_name": "Ada", "profile": map[string]any{"role": "admin"}})
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()

	var stored Token
	c, _ := newTestClient(t, srv, Config{Username: testUser, Password: testPass, OnToken: func(tk Token) { stored = tk }})
	u, err := c.CurrentUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if u.ID != 7 || !u.IsAdmin() || stored != testToken || c.Token() != testToken {
		t.Fatalf("user %+v, stored %q", u, string(stored))
	}
	if _, err := c.CurrentUser(context.Background()); err != nil || logins.Load() != 1 {
		t.Fatalf("second call: %v, logins %d (the token never expires: one login)", err, logins.Load())
	}
	c.Logout()
	if c.Token() != "" || currents.Load() != 2 || logins.Load() != 1 {
		t.Fatal("Logout must forget the token and make no request")
	}
	for _, s := range []string{fmt.Sprintf("%v %+v %#v %s", c, c, c, c), fmt.Sprintf("%v %#v", Config{Password: testPass, Token: testToken}, Config{Password: testPass, Token: testToken})} {
		if strings.Contains(s, testPass) || strings.Contains(s, testToken) {
			t.Fatalf("secret printed: %s", s)
		}
	}

	// A stored token without a password: used as is; a refusal is
	// "log in again".
	c2, _ := newTestClient(t, srv, Config{Token: "revoked"})
	_, err = c2.CurrentUser(context.Background())
	if !IsUnauthorized(err) || IsForbidden(err) || kindOf(err) != state.KindAuth {
		t.Fatalf("revoked token: %v", err)
	}
	if strings.Contains(err.Error(), "revoked") {
		t.Fatalf("token in the error: %v", err)
	}

	// A revoked token with a password: one new login, then the call.
	before := logins.Load()
	c3, _ := newTestClient(t, srv, Config{Token: "revoked", Username: testUser, Password: testPass})
	if _, err := c3.CurrentUser(context.Background()); err != nil || logins.Load() != before+1 {
		t.Fatalf("re-login: %v (logins %d)", err, logins.Load()-before)
	}

	// Wrong password: the server's words, never the password.
	c4, _ := newTestClient(t, srv, Config{Username: testUser, Password: "wrong-" + testPass})
	_, err = c4.CurrentUser(context.Background())
	if !IsUnauthorized(err) || !strings.Contains(err.Error(), "Unable to log in") || strings.Contains(err.Error(), testPass) {
		t.Fatalf("bad login: %v", err)
	}
}

func TestBaseURLRules(t *testing.T) {
	for _, tc := range []struct {
		base string
		ok   bool
		ws   string
	}{
		{"https://acme.getchat.app", true, "wss://websockets-acme.getchat.app/"},
		{"https://acme.getchat.app/api/v1/", true, "wss://websockets-acme.getchat.app/"},
		{"http://127.0.0.1:8080", true, "ws://127.0.0.1:8080/"},
		{"http://acme.getchat.app", false, ""},
		{"https://user:pw@acme.getchat.app", false, ""},
		{"ftp://acme", false, ""},
		{"", false, ""},
	} {
		c, err := New(Config{BaseURL: tc.base})
		if (err == nil) != tc.ok {
			t.Errorf("%q: err %v", tc.base, err)
			continue
		}
		if err != nil {
			if strings.Contains(err.Error(), "pw@") {
				t.Errorf("credentials echoed: %v", err)
			}
			continue
		}
		if c.WebsocketAddress() != tc.ws {
			t.Errorf("%q: websocket %q, want %q", tc.base, c.WebsocketAddress(), tc.ws)
		}
	}
	if _, err := New(Config{BaseURL: "https://a.example", WebsocketURL: "ws://a.example/"}); err == nil {
		t.Error("plain ws to a remote host accepted")
	}
	if c, err := New(Config{BaseURL: "https://a.example", WebsocketURL: "wss://ws.a.example/socket"}); err != nil || c.WebsocketAddress() != "wss://ws.a.example/socket" {
		t.Errorf("override: %v", err)
	}
}

func TestErrorsAndKinds(t *testing.T) {
	for _, tc := range []struct {
		name       string
		method     string
		status     int
		body       string
		check      func(error) bool
		kind       state.ErrorKind
		words      string
		retryAfter time.Duration
	}{
		{"401", "GET", 401, `{"detail":"Invalid token."}`, IsUnauthorized, state.KindAuth, "Invalid token.", 0},
		{"403 auth words", "GET", 403, `{"detail":"Authentication credentials were not provided."}`, IsUnauthorized, state.KindAuth, "", 0},
		{"403 write rule", "POST", 403, `{"detail":"You are not assigned to this chat."}`, IsForbidden, state.KindRefused, "You are not assigned to this chat.", 0},
		{"453 window", "POST", 453, `{"reason":"Expired"}`, IsWindowClosed, state.KindWindowClosed, "Expired", 0},
		{"453 empty body", "POST", 453, ``, IsWindowClosed, state.KindWindowClosed, "", 0},
		{"404", "GET", 404, `{"detail":"Not found."}`, IsNotFound, state.KindNotFound, "Not found.", 0},
		{"400 field", "POST", 400, `{"wa_id":["This field is required."]}`, IsInvalid, state.KindRefused, "wa_id: This field is required.", 0},
		{"413", "POST", 413, `file too big`, IsTooLarge, state.KindRefused, "file too big", 0},
		{"500 GET", "GET", 500, `<html>oops</html>`, IsTemporary, state.KindTemporary, "", 0},
		{"500 POST", "POST", 500, `{"detail":"boom"}`, MaybeDelivered, state.KindAmbiguous, "boom", 0},
		{"429", "GET", 429, `{"detail":"slow down"}`, IsTemporary, state.KindTemporary, "slow down", time.Hour},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.status == 429 {
					w.Header().Set("Retry-After", "3600")
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c, _ := newTestClient(t, srv, Config{Token: testToken, Retry: RetryPolicy{MaxAttempts: 1}})
			var err error
			if tc.method == "GET" {
				_, err = c.Chat(context.Background(), "4912345")
			} else {
				_, err = c.SendText(context.Background(), "4912345", "hello")
			}
			if err == nil || !tc.check(err) {
				t.Fatalf("predicate false for %v", err)
			}
			be := wrap(err)
			var se *state.BackendError
			if !errors.As(be, &se) || se.Kind != tc.kind {
				t.Fatalf("kind %v, want %v (%v)", state.KindOf(be), tc.kind, err)
			}
			if tc.words != "" && se.Message != tc.words {
				t.Fatalf("words %q, want %q", se.Message, tc.words)
			}
			if se.RetryAfter != tc.retryAfter && tc.retryAfter != 0 {
				t.Fatalf("retry after %v", se.RetryAfter)
			}
			if strings.Contains(err.Error(), testToken) || strings.Contains(err.Error(), "4912345") {
				t.Fatalf("token or wa_id in the error: %v", err)
			}
		})
	}
}

func TestRetries(t *testing.T) {
	for _, tc := range []struct {
		name     string
		post     bool
		statuses []int
		header   string
		attempts int32
		ok       bool
		maybe    bool
		waits    []time.Duration
	}{
		{"GET 503 then 200", false, []int{503, 502, 200}, "", 3, true, false, nil},
		{"GET 500 not retried", false, []int{500, 200}, "", 1, false, false, nil},
		{"GET Retry-After capped", false, []int{503, 200}, "3600", 2, true, false, []time.Duration{30 * time.Second}},
		{"POST 503 not retried", true, []int{503, 200}, "", 1, false, true, nil},
		{"POST 429 retried", true, []int{429, 200}, "2", 2, true, false, []time.Duration{2 * time.Second}},
		{"GET gives up", false, []int{503, 503, 503, 503, 503, 503}, "", 5, false, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				i := int(n.Add(1)) - 1
				st := tc.statuses[min(i, len(tc.statuses)-1)]
				if tc.header != "" {
					w.Header().Set("Retry-After", tc.header)
				}
				if st == 200 {
					writeJSON(w, 200, map[string]any{"contact": map[string]any{"wa_id": "1"}, "id": "wamid.X"})
					return
				}
				w.WriteHeader(st)
			}))
			defer srv.Close()
			c, waits := newTestClient(t, srv, Config{Token: testToken})
			var err error
			if tc.post {
				_, err = c.SendText(context.Background(), "1", "hi")
			} else {
				_, err = c.Chat(context.Background(), "1")
			}
			if (err == nil) != tc.ok || n.Load() != tc.attempts || MaybeDelivered(err) != tc.maybe {
				t.Fatalf("err %v, attempts %d (want %d), maybe %v", err, n.Load(), tc.attempts, MaybeDelivered(err))
			}
			if tc.waits != nil && fmt.Sprint(*waits) != fmt.Sprint(tc.waits) {
				t.Fatalf("waits %v, want %v", *waits, tc.waits)
			}
		})
	}

	// A POST whose connection broke after it was written: MaybeDelivered,
	// one attempt. A GET in the same case is retried.
	var posts, gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			posts.Add(1)
		} else if gets.Add(1) > 1 {
			writeJSON(w, 200, map[string]any{"wa_id": "1"})
			return
		}
		hj, _ := w.(http.Hijacker)
		conn, _, _ := hj.Hijack()
		conn.Close()
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{Token: testToken})
	_, err := c.SendText(context.Background(), "1", "hi")
	if !MaybeDelivered(err) || posts.Load() != 1 || kindOf(err) != state.KindAmbiguous {
		t.Fatalf("broken POST: %v, %d attempts", err, posts.Load())
	}
	if _, err := c.Chat(context.Background(), "1"); err != nil || gets.Load() != 2 {
		t.Fatalf("broken GET: %v, %d attempts", err, gets.Load())
	}
	// A POST to a closed port never left: not MaybeDelivered.
	dead := httptest.NewServer(http.NotFoundHandler())
	url := dead.URL
	dead.Close()
	cd, err := New(Config{BaseURL: url, Token: testToken, Retry: RetryPolicy{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cd.SendText(context.Background(), "1", "hi"); err == nil || MaybeDelivered(err) || !IsTemporary(err) {
		t.Fatalf("refused connection: %v", err)
	}
}

func TestRedirectNotFollowed(t *testing.T) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
		writeJSON(w, 200, map[string]any{})
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusFound)
	}))
	defer srv.Close()
	c, _ := newTestClient(t, srv, Config{Token: testToken})
	_, err := c.CurrentUser(context.Background())
	if err == nil || elsewhere.Load() != 0 {
		t.Fatalf("redirect followed: %v, %d", err, elsewhere.Load())
	}
}

func TestPerAttemptTimeout(t *testing.T) {
	var n atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) == 1 {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		writeJSON(w, 200, map[string]any{"id": 1})
	}))
	defer srv.Close()
	defer close(release)
	c, _ := newTestClient(t, srv, Config{Token: testToken, Timeout: 100 * time.Millisecond})
	if _, err := c.CurrentUser(context.Background()); err != nil || n.Load() != 2 {
		t.Fatalf("timeout then retry: %v, %d attempts", err, n.Load())
	}
	c2, _ := newTestClient(t, srv, Config{Token: testToken, Timeout: 100 * time.Millisecond})
	n.Store(0)
	_, err := c2.SendText(context.Background(), "1", "hi")
	if !MaybeDelivered(err) || n.Load() != 1 {
		t.Fatalf("timed-out POST: %v, %d attempts", err, n.Load())
	}
}
