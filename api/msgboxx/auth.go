package msgboxx

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// renewBefore is how long before its expiry a token is replaced.
const renewBefore = 60 * time.Second

// auth holds the shared token. A login runs in its own goroutine with a
// context detached from the first caller's cancellation, so that one
// caller giving up does not fail the others waiting for the same login.
type auth struct {
	mu       sync.Mutex
	token    string
	expiry   time.Time // zero: unknown, kept until a 401
	inflight *login
}

type login struct {
	done  chan struct{}
	token string
	err   error
}

// accessToken returns a token good for at least renewBefore, logging in
// when needed. Concurrent callers share one login.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.auth.mu.Lock()
	if c.auth.token != "" && (c.auth.expiry.IsZero() || c.now().Add(renewBefore).Before(c.auth.expiry)) {
		tok := c.auth.token
		c.auth.mu.Unlock()
		return tok, nil
	}
	l := c.auth.inflight
	if l == nil {
		l = &login{done: make(chan struct{})}
		c.auth.inflight = l
		go c.runLogin(context.WithoutCancel(ctx), l)
	}
	c.auth.mu.Unlock()
	select {
	case <-l.done:
		return l.token, l.err
	case <-ctx.Done():
		return "", &Error{Op: opLogin, Err: ctx.Err()}
	}
}

func (c *Client) runLogin(ctx context.Context, l *login) {
	ctx, cancel := context.WithTimeout(ctx, c.retry.MaxElapsed+c.timeout)
	defer cancel()
	_, err := c.Login(ctx)
	c.auth.mu.Lock()
	c.auth.inflight = nil
	if err == nil {
		l.token = c.auth.token
	} else {
		l.err = err
	}
	c.auth.mu.Unlock()
	close(l.done)
}

// dropToken forgets token after the server refused it, unless another
// goroutine already replaced it.
func (c *Client) dropToken(token string) {
	c.auth.mu.Lock()
	if c.auth.token == token {
		c.auth.token = ""
		c.auth.expiry = time.Time{}
	}
	c.auth.mu.Unlock()
}

// Login exchanges the username and password for a token (POST
// /oauth/token), stores it in the client and reports it to OnToken. Most
// callers never call it: every request logs in when it has to.
func (c *Client) Login(ctx context.Context) (Token, error) {
	if c.user == "" || c.pass == nil {
		return Token{}, &Error{Op: opLogin, Err: fmt.Errorf("no username or password to log in with; run mbx login: %w", ErrLoginRequired)}
	}
	pw, err := c.pass(ctx)
	if err != nil {
		// The password source's error may quote its command, never the password.
		return Token{}, &Error{Op: opLogin, Err: fmt.Errorf("getting the password: %v: %w", err, ErrLoginRequired)}
	}
	if pw == "" {
		return Token{}, &Error{Op: opLogin, Err: fmt.Errorf("empty password: %w", ErrLoginRequired)}
	}
	var tok Token
	err = c.do(ctx, call{
		method: "POST", path: "/oauth/token", route: opLogin,
		body: struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}{c.user, pw},
		out:    &tok,
		safe:   true, // a repeated login only issues another token
		noAuth: true,
	})
	if err != nil {
		return Token{}, err
	}
	if tok.AccessToken == "" {
		return Token{}, &Error{Op: opLogin, Status: 200, Err: fmt.Errorf("the answer has no access_token")}
	}
	expiry := tokenExpiry(tok.AccessToken, tok.ExpiresAt, time.Time{})
	c.auth.mu.Lock()
	c.auth.token, c.auth.expiry = tok.AccessToken, expiry
	c.auth.mu.Unlock()
	if c.onToken != nil {
		c.onToken(tok.AccessToken, expiry)
	}
	return tok, nil
}

// SetToken replaces the client's token, e.g. after a login elsewhere.
func (c *Client) SetToken(token string, expiry time.Time) {
	c.auth.mu.Lock()
	c.auth.token, c.auth.expiry = token, tokenExpiry(token, "", expiry)
	c.auth.mu.Unlock()
}

// tokenExpiry is the earliest of what is known: the expires_at string,
// the JWT's exp claim and a stored expiry. Zero when nothing is known.
func tokenExpiry(token, expiresAt string, stored time.Time) time.Time {
	var out time.Time
	earliest := func(t time.Time) {
		if !t.IsZero() && (out.IsZero() || t.Before(out)) {
			out = t
		}
	}
	earliest(stored)
	earliest(parseExpiresAt(expiresAt))
	if exp, ok := JWTExpiry(token); ok {
		earliest(exp)
	}
	return out
}

// parseExpiresAt reads the reference's "expires_at" string: a date-time
// or Unix seconds.
func parseExpiresAt(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 && n < 1e11 {
		return time.Unix(int64(n), 0).UTC()
	}
	t, _ := ParseTime(s)
	return t
}

// JWTExpiry peeks at the exp claim of a JWT without verifying it: the
// client only needs to know when to renew, the server does the verifying.
func JWTExpiry(token string) (time.Time, bool) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(parts[1]) > 8<<10 {
		return time.Time{}, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return time.Time{}, false
	}
	var claims struct {
		Exp json.Number `json:"exp"`
	}
	if json.Unmarshal(raw, &claims) != nil || claims.Exp == "" {
		return time.Time{}, false
	}
	f, err := claims.Exp.Float64()
	if err != nil || f <= 0 || f > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0).UTC(), true
}

// UserID is the logged-in user's id as the token names it (the JWT's
// "sub", or the claims ASP.NET uses for it), or "" when the token does not
// say. The platform has no "who am I" endpoint; the token is the only
// place it is written.
func (c *Client) UserID() string {
	c.auth.mu.Lock()
	tok := c.auth.token
	c.auth.mu.Unlock()
	return jwtSubject(tok)
}

func jwtSubject(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(parts[1]) > 8<<10 {
		return ""
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return ""
	}
	var claims map[string]any
	if json.Unmarshal(raw, &claims) != nil {
		return ""
	}
	for _, k := range []string{"sub", "userId", "nameid", "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier"} {
		if s, ok := claims[k].(string); ok && s != "" {
			return s
		}
	}
	return ""
}
