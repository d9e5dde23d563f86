package sandbox

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func TestLogin(t *testing.T) {
	h := newHarness(t, Config{Empty: true, TokenLifetime: time.Hour})
	r := h.raw("POST", "/oauth/token", "", map[string]string{"username": AgentUsername, "password": AgentPassword},
		map[string]string{"X-Calling-Application": "tests"})
	expectStatus(t, r, http.StatusOK)
	m := r.obj()
	expectKeys(t, "token", m, "access_token", "token_type", "scope", "expires_at")
	if m["token_type"] != "Bearer" {
		t.Errorf("token_type %v", m["token_type"])
	}
	exp, err := time.Parse(time.RFC3339, m["expires_at"].(string))
	if err != nil || !strings.HasSuffix(m["expires_at"].(string), "Z") {
		t.Fatalf("expires_at %v: %v", m["expires_at"], err)
	}
	if want := h.clock.Now().Add(time.Hour).Truncate(time.Second); !exp.Equal(want) {
		t.Errorf("expires_at %v, want %v", exp, want)
	}
	var cookie *http.Cookie
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if c.Name == "refreshToken" {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || !cookie.Secure || cookie.Value == "" {
		t.Fatalf("refreshToken cookie %+v", cookie)
	}

	// Claims: sub, exp, iat, name.
	claims := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(m["access_token"].(string), claims); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"sub", "exp", "iat", "name"} {
		if _, ok := claims[k]; !ok {
			t.Errorf("claim %s missing: %v", k, claims)
		}
	}
	if claims["name"] != "Alex Agent" || claims["sub"] != h.s.agent.id.String() {
		t.Errorf("claims %v", claims)
	}
	// The harness logged in once too.
	if got := h.s.Stats().Logins; got != 2 {
		t.Errorf("Stats.Logins = %d, want 2", got)
	}
}

func TestLoginErrors(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	app := map[string]string{"X-Calling-Application": "tests"}
	cases := []struct {
		name    string
		body    any
		headers map[string]string
		want    string // substring of the message
	}{
		{"no X-Calling-Application", map[string]string{"username": AgentUsername, "password": AgentPassword}, nil, "X-Calling-Application"},
		{"blank X-Calling-Application", map[string]string{"username": AgentUsername, "password": AgentPassword}, map[string]string{"X-Calling-Application": "  "}, "X-Calling-Application"},
		{"wrong password", map[string]string{"username": AgentUsername, "password": "nope"}, app, "please supply valid username and password"},
		{"unknown user", map[string]string{"username": "who@demo.mbx", "password": "x"}, app, "please supply valid username and password"},
		{"missing password", map[string]string{"username": AgentUsername}, app, "please supply valid username and password"},
		{"empty object", map[string]string{}, app, "please supply valid username and password"},
		{"malformed JSON", `{"username":`, app, "not valid JSON"},
		{"empty body", nil, app, "empty"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.raw("POST", "/oauth/token", "", c.body, c.headers)
			expectError(t, r, http.StatusBadRequest, "bad_request")
			if msg := r.obj()["message"].(string); !strings.Contains(msg, c.want) {
				t.Errorf("message %q lacks %q", msg, c.want)
			}
		})
	}
	if got := h.s.Stats().Logins; got != 1 {
		t.Errorf("failed logins counted: %d", got)
	}
	// Username is case-insensitive.
	r := h.raw("POST", "/oauth/token", "", map[string]string{"username": "Agent@Demo.MBX", "password": AgentPassword}, app)
	expectStatus(t, r, http.StatusOK)
}

func TestUnauthorized(t *testing.T) {
	h := newHarness(t, Config{Empty: true, TokenLifetime: time.Minute})
	ots := newHarness(t, Config{Empty: true}) // a token signed by a different key
	cases := []struct {
		name   string
		header map[string]string
	}{
		{"missing", nil},
		{"wrong scheme", map[string]string{"Authorization": "Basic " + h.token}},
		{"no token", map[string]string{"Authorization": "Bearer "}},
		{"garbage", map[string]string{"Authorization": "Bearer not.a.jwt"}},
		{"bad signature", map[string]string{"Authorization": "Bearer " + ots.token}},
		{"documentation spelling", map[string]string{"Authorisation": "Bearer " + h.token}},
		{"alg none", map[string]string{"Authorization": "Bearer " + noneToken(t, h)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := h.raw("GET", "/apiaccount", "", nil, c.header)
			expectError(t, r, http.StatusUnauthorized, "unauthorized")
			if r.header.Get("WWW-Authenticate") == "" {
				t.Error("no WWW-Authenticate header")
			}
		})
	}
	// Lower-case scheme and header name are fine.
	r := h.raw("GET", "/apiaccount", "", nil, map[string]string{"authorization": "bearer " + h.token})
	expectStatus(t, r, http.StatusOK)

	// Expiry follows the sandbox clock.
	h.clock.Advance(59 * time.Second)
	expectStatus(t, h.get("/apiaccount"), http.StatusOK)
	h.clock.Advance(2 * time.Second)
	r = h.get("/apiaccount")
	expectError(t, r, http.StatusUnauthorized, "unauthorized")
	if !strings.Contains(r.obj()["message"].(string), "expired") {
		t.Errorf("expired message: %s", r.body)
	}

	// Revocation: old tokens die, new logins work.
	user, pass := h.s.Credentials()
	fresh := h.login(user, pass)
	expectStatus(t, h.raw("GET", "/apiaccount", fresh, nil, nil), http.StatusOK)
	h.s.RevokeTokens()
	expectError(t, h.raw("GET", "/apiaccount", fresh, nil, nil), http.StatusUnauthorized, "unauthorized")
	fresh = h.login(user, pass)
	expectStatus(t, h.raw("GET", "/apiaccount", fresh, nil, nil), http.StatusOK)
}

func noneToken(t *testing.T, h *harness) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": h.s.agent.id.String(), "exp": time.Now().Add(time.Hour).Unix()})
	s, err := tok.SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSetPasswordAndUsers(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	logins := h.s.Users()
	if len(logins) != 7 {
		t.Fatalf("%d logins", len(logins))
	}
	seen := map[string]bool{}
	for _, l := range logins {
		if seen[l.UserID] {
			t.Errorf("duplicate user id %s", l.UserID)
		}
		seen[l.UserID] = true
		h.login(l.Username, l.Password)
	}
	if u, p := h.s.Credentials(); u != AgentUsername || p != AgentPassword {
		t.Errorf("Credentials() = %s %s", u, p)
	}
	h.s.SetPassword(AgentUsername, "new-secret")
	r := h.raw("POST", "/oauth/token", "", map[string]string{"username": AgentUsername, "password": AgentPassword},
		map[string]string{"X-Calling-Application": "tests"})
	expectError(t, r, http.StatusBadRequest, "bad_request")
	h.login(AgentUsername, "new-secret")
	if _, p := h.s.Credentials(); p != "new-secret" {
		t.Errorf("Credentials after SetPassword: %s", p)
	}
	// Tokens issued before the change stay valid.
	expectStatus(t, h.get("/apiaccount"), http.StatusOK)
}
