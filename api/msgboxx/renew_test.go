package msgboxx_test

import (
	"context"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
)

// A token is renewed once 80% of its lifetime has passed, once per
// lifetime: with a 60 s token and a request a second, 150 requests take
// about 150/48 logins (the reference asks clients not to call the token
// endpoint every time), whatever the claim layout.
func TestRenewalProportionalToLifetime(t *testing.T) {
	tests := []struct {
		name      string
		lifetime  time.Duration
		every     time.Duration
		requests  int
		maxLogins int
		claims    string
	}{
		{"60s token, a request a second", time.Minute, time.Second, 150, 5, ""},
		{"60s token, username in sub", time.Minute, time.Second, 150, 5, sandbox.ClaimsSubUsername},
		{"60s token, no id claim", time.Minute, time.Second, 150, 5, sandbox.ClaimsNoID},
		{"60s token, ten requests a second", time.Minute, 100 * time.Millisecond, 1500, 5, ""},
		{"1h token, a request every 30s", time.Hour, 30 * time.Second, 150, 3, ""},
		{"5s token", 5 * time.Second, time.Second, 150, 40, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, empty, func(s *sandbox.Config, _ *msgboxx.Config) { s.TokenLifetime, s.Claims = tt.lifetime, tt.claims })
			ctx := context.Background()
			accs := must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))
			for range tt.requests {
				e.clock.Add(tt.every)
				if _, err := e.client.APIAccount(ctx, accs[0].ID); err != nil {
					t.Fatal(err)
				}
			}
			st := e.srv.Stats()
			if st.Logins > tt.maxLogins {
				t.Errorf("%d logins for %d requests over %v, want at most %d", st.Logins, tt.requests+1, time.Duration(tt.requests)*tt.every, tt.maxLogins)
			}
			if n := st.Requests["GET /apiaccount/{id}"]; n != tt.requests {
				t.Errorf("%d GET /apiaccount/{id}, want %d: a refused token cost a repeat", n, tt.requests)
			}
			t.Logf("%d logins for %d requests", st.Logins, tt.requests+1)
		})
	}
}

// Without a password to renew with, a stored token is used until it
// really expires — not a minute early — and only then is a login
// required.
func TestStoredTokenUsableUntilExpiry(t *testing.T) {
	for _, lifetime := range []time.Duration{time.Minute, time.Hour} {
		t.Run(lifetime.String(), func(t *testing.T) {
			e := newEnv(t, empty, func(s *sandbox.Config, _ *msgboxx.Config) { s.TokenLifetime = lifetime })
			ctx := context.Background()
			tok := must[msgboxx.Token](t)(e.client.Login(ctx))
			exp, ok := msgboxx.JWTExpiry(tok.AccessToken)
			if !ok {
				t.Fatal("the sandbox's token has no exp")
			}
			c := must[*msgboxx.Client](t)(msgboxx.New(msgboxx.Config{BaseURL: e.url, Username: "agent@demo.mbx",
				Token: tok.AccessToken, Now: e.clock.Now}))
			accs := must[[]msgboxx.APIAccount](t)(msgboxx.Collect(c.APIAccounts(ctx)))
			for _, at := range []time.Duration{-lifetime / 5, -time.Minute + time.Second, -time.Second} {
				if at <= -lifetime {
					continue
				}
				e.clock.Add(exp.Add(at).Sub(e.clock.Now()))
				if _, err := c.APIAccount(ctx, accs[0].ID); err != nil {
					t.Fatalf("%v before expiry: %v", -at, err)
				}
			}
			e.clock.Add(exp.Add(time.Second).Sub(e.clock.Now()))
			if _, err := c.APIAccount(ctx, accs[0].ID); !msgboxx.IsLoginRequired(err) {
				t.Fatalf("after expiry: %v, want login required", err)
			}
			if n := e.srv.Stats().Logins; n != 1 {
				t.Errorf("%d logins, want only the first", n)
			}
		})
	}
}

// A renewal ahead of expiry that fails leaves the token in use (it still
// works), and is not tried again on every request.
func TestFailedRenewalKeepsTheToken(t *testing.T) {
	e := newEnv(t, empty, func(s *sandbox.Config, _ *msgboxx.Config) { s.TokenLifetime = time.Hour })
	ctx := context.Background()
	accs := must[[]msgboxx.APIAccount](t)(msgboxx.Collect(e.client.APIAccounts(ctx)))
	e.srv.SetFaults(sandbox.Fault{Paths: []string{"/oauth/token"}, Status: 400})
	e.clock.Add(50 * time.Minute) // renewal due at 48 min
	e.srv.ResetStats()
	for range 20 {
		e.clock.Add(10 * time.Second)
		if _, err := e.client.APIAccount(ctx, accs[0].ID); err != nil {
			t.Fatalf("a failed renewal failed the request: %v", err)
		}
	}
	if n := e.srv.Stats().Requests["POST /oauth/token"]; n < 1 || n > 2 {
		t.Errorf("%d login attempts in 200 s with a 10-minute-valid token, want 1 or 2", n)
	}
	e.srv.SetFaults()
	e.clock.Add(6 * time.Minute) // past halfway to the expiry: tried again, and it works
	must[msgboxx.APIAccount](t)(e.client.APIAccount(ctx, accs[0].ID))
	if n := e.srv.Stats().Logins; n != 1 {
		t.Errorf("%d logins once the platform takes them again, want 1", n)
	}
}
