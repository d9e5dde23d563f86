package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

func TestAuth(t *testing.T) {
	e := newEnv(t, Config{})
	for _, tc := range []struct {
		name   string
		header string
		status int
		words  string
	}{
		{"none", "", 403, "Authentication credentials were not provided."},
		{"bearer", "Bearer " + e.admin, 403, "Authentication credentials were not provided."},
		{"empty token", "Token", 403, "Invalid token header. No credentials provided."},
		{"spaces", "Token a b", 403, "Invalid token header. Token string should not contain spaces."},
		{"wrong", "Token 0000", 403, "Invalid token."},
		{"good", "Token " + e.admin, 200, ""},
		{"lower-case keyword", "token " + e.admin, 200, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/users/current/", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct{ Detail string }
			_ = json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.status || body.Detail != tc.words {
				t.Fatalf("%d %q, want %d %q", resp.StatusCode, body.Detail, tc.status, tc.words)
			}
		})
	}
}

func TestAuthStatus401(t *testing.T) {
	e := newEnv(t, Config{AuthStatus: 401})
	st, body, h := e.raw("GET", "/api/v1/chats/", "nope", nil, "")
	if st != 401 || h.Get("WWW-Authenticate") != "Token" || !strings.Contains(string(body), "Invalid token.") {
		t.Fatalf("%d %q %s", st, h.Get("WWW-Authenticate"), body)
	}
}

func TestLogin(t *testing.T) {
	e := newEnv(t, Config{})
	for _, tc := range []struct {
		name   string
		body   any
		ctype  string
		status int
		words  string
	}{
		{"bad password", map[string]string{"username": "alex", "password": "x"}, "", 400, "Unable to log in with provided credentials."},
		{"missing", map[string]string{"username": "alex"}, "", 400, `"password":["This field is required."]`},
		{"not json", []byte("{"), "application/json", 400, "JSON parse error"},
		{"form", []byte("username=robin&password=demo-robin-pass"), "application/x-www-form-urlencoded", 200, `"token"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, data, _ := e.raw("POST", "/api/v1/auth/token/", "", tc.body, tc.ctype)
			if st != tc.status || !strings.Contains(string(data), tc.words) {
				t.Fatalf("%d %s", st, data)
			}
		})
	}
	// The same token every time ("a new or existing available token").
	if a, b := e.login("alex", DemoPassword), e.login("alex", DemoPassword); a != b || len(a) != 40 {
		t.Fatalf("tokens %q %q", a, b)
	}
	var me struct {
		Username string
		Profile  struct{ Role string }
		Groups   []struct{ Name string }
	}
	e.do("GET", "/api/v1/users/current/", e.reg, nil, &me)
	if me.Username != "robin" || me.Profile.Role != "user" || len(me.Groups) == 0 {
		t.Fatalf("%+v", me)
	}
}

func TestRouting(t *testing.T) {
	e := newEnv(t, Config{})
	for _, tc := range []struct {
		method, path string
		status       int
		words        string
	}{
		{"GET", "/api/v1/nothing/", 404, "Not found."},
		{"GET", "/api/v1/chats", 404, `end in \"/\"`},
		{"DELETE", "/api/v1/chats/", 405, `Method \"DELETE\" not allowed.`},
		{"GET", "/api/v1/chats/" + ChatOpenAdmin + "/", 200, ChatOpenAdmin},
		{"GET", "/api/v1/chats/999999999/", 404, "Not found."},
	} {
		st, data, _ := e.raw(tc.method, tc.path, e.admin, nil, "")
		if st != tc.status || !strings.Contains(string(data), tc.words) {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, st, data)
		}
	}
	if n := e.s.Stats().Requests["GET /api/v1/chats/{}/"]; n != 2 {
		t.Errorf("stats %v", e.s.Stats().Requests)
	}
}
