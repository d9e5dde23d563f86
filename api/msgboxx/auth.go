package msgboxx

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// renewAfter is the part of a token's lifetime after which it is
// replaced: the platform asks clients not to call the token endpoint every
// time, so a token is renewed once per lifetime, a fifth of it before it
// ends.
const renewAfter = 0.8

// auth holds the shared token. A login runs in its own goroutine with a
// context detached from the first caller's cancellation, so that one
// caller giving up does not fail the others waiting for the same login.
type auth struct {
	mu     sync.Mutex
	token  string
	expiry time.Time // zero: unknown, kept until a 401
	// renewAt is when the token is replaced ahead of its expiry (zero:
	// never ahead; see renewalTime). Until expiry it keeps working, also
	// when that renewal fails or there is no password to renew with.
	renewAt  time.Time
	inflight *login
	// users are the user ids Backend.Me last read (GET /user), which
	// UserID matches the token's claims against.
	users []string
}

type login struct {
	done  chan struct{}
	token string
	err   error
}

// accessToken returns a token to send, logging in when needed.
// Concurrent callers share one login. A token is sent until it expires;
// once renewAfter of its lifetime has passed it is renewed first, when
// there is a password to do it with. A renewal that fails while the token
// still works is not an error: the token is sent, and the renewal tried
// again halfway to its expiry.
func (c *Client) accessToken(ctx context.Context) (string, error) {
	c.auth.mu.Lock()
	now := c.now()
	tok := c.auth.token
	usable := tok != "" && (c.auth.expiry.IsZero() || now.Before(c.auth.expiry))
	due := usable && !c.auth.renewAt.IsZero() && !now.Before(c.auth.renewAt) && c.canLogin()
	if usable && !due {
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
		if l.err != nil && usable {
			return c.renewalFailed(tok, l.err), nil
		}
		return l.token, l.err
	case <-ctx.Done():
		return "", &Error{Op: opLogin, Err: ctx.Err()}
	}
}

// canLogin reports whether the client has a username and a password
// source to log in with.
func (c *Client) canLogin() bool { return c.user != "" && c.pass != nil }

// renewalFailed keeps tok after a renewal ahead of its expiry failed: it
// still works. The next try is halfway to the expiry (at least a second
// later), so a platform that refuses logins for a while is not asked on
// every request.
func (c *Client) renewalFailed(tok string, err error) string {
	c.auth.mu.Lock()
	defer c.auth.mu.Unlock()
	if c.auth.token != tok || c.auth.token == "" {
		if c.auth.token != "" {
			return c.auth.token // replaced meanwhile
		}
		return tok
	}
	now := c.now()
	if next := now.Add(max(time.Second, c.auth.expiry.Sub(now)/2)); c.auth.renewAt.Before(next) {
		c.auth.renewAt = next
	}
	c.log.Debug("renewing the token ahead of its expiry failed; the current one works until it expires",
		"expires", c.auth.expiry, "next_try", c.auth.renewAt, "cause", shortCause(err))
	return tok
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
		c.auth.expiry, c.auth.renewAt = time.Time{}, time.Time{}
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
	seen := c.now()
	renewAt := renewalTime(tok.AccessToken, expiry, seen)
	if tok.AccessToken == c.auth.token {
		// The same token again (a server may hand it out until it
		// expires): never renewed ahead again, so at most once per lifetime.
		renewAt = time.Time{}
	}
	c.auth.token, c.auth.expiry, c.auth.renewAt = tok.AccessToken, expiry, renewAt
	c.auth.mu.Unlock()
	if c.onToken != nil {
		c.onToken(tok.AccessToken, expiry)
	}
	return tok, nil
}

// SetToken replaces the client's token, e.g. after a login elsewhere.
func (c *Client) SetToken(token string, expiry time.Time) {
	c.auth.mu.Lock()
	c.setStoredToken(token, expiry)
	c.auth.mu.Unlock()
}

// setStoredToken takes a token obtained elsewhere or earlier (stored), whose
// issue time this client did not see: its lifetime counts from its iat
// claim (no later than now), else from now. Callers hold c.auth.mu.
func (c *Client) setStoredToken(token string, expiry time.Time) {
	now := c.now()
	c.auth.token, c.auth.expiry = token, tokenExpiry(token, "", expiry)
	seen := now
	if iat, ok := jwtTime(token, "iat"); ok && iat.Before(now) {
		seen = iat
	}
	c.auth.renewAt = renewalTime(token, c.auth.expiry, seen)
}

// renewalTime is when a token is renewed ahead of its expiry: once
// renewAfter of its lifetime has passed since seen, when it was issued
// or first seen. The lifetime is exp − iat as the token says, or
// expiry − seen without iat. seen is the client's clock, so a server's
// clock running ahead or behind cannot make a fresh token due at once
// (at most one renewal per lifetime). Zero (never ahead) when the expiry
// is unknown.
func renewalTime(token string, expiry, seen time.Time) time.Time {
	if expiry.IsZero() {
		return time.Time{}
	}
	life := expiry.Sub(seen)
	if iat, ok := jwtTime(token, "iat"); ok && iat.Before(expiry) {
		life = expiry.Sub(iat)
	}
	if life <= 0 {
		return expiry
	}
	return seen.Add(time.Duration(float64(life) * renewAfter))
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
func JWTExpiry(token string) (time.Time, bool) { return jwtTime(token, "exp") }

// jwtTime reads a NumericDate claim (exp, iat) of a JWT, unverified.
func jwtTime(token, claim string) (time.Time, bool) {
	n, ok := jwtClaims(token)[claim].(json.Number)
	if !ok {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || f <= 0 || f > 1e11 {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0).UTC(), true
}

// jwtClaims decodes a JWT's claims without verifying them (numbers as
// json.Number); nil when token is no JWT.
func jwtClaims(token string) map[string]any {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || len(parts[1]) > 8<<10 {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var claims map[string]any
	if dec.Decode(&claims) != nil {
		return nil
	}
	return claims
}

// TokenClaims returns the current token's claims as the token states them
// (unverified: the server verifies), for finding the logged-in user; nil
// without a token that is a JWT.
func (c *Client) TokenClaims() map[string]any {
	c.auth.mu.Lock()
	tok := c.auth.token
	c.auth.mu.Unlock()
	return jwtClaims(tok)
}

// UserID is the logged-in user's id as the token names it among the users
// last read (Backend.Me remembers their ids), or "" when it names none,
// more than one, or no users were read yet. The platform has no "who am
// I" endpoint and documents no claim: see IdentifyUser.
func (c *Client) UserID() string {
	c.auth.mu.Lock()
	tok, users := c.auth.token, c.auth.users
	c.auth.mu.Unlock()
	id, _ := IdentifyUser(jwtClaims(tok), users)
	return id
}

// knowUsers remembers the account's user ids for UserID.
func (c *Client) knowUsers(ids []string) {
	c.auth.mu.Lock()
	c.auth.users = ids
	c.auth.mu.Unlock()
}

// IdentifyUser finds the logged-in user's id among ids (GET /user's) from
// a token's claims: the one id that some claim's value equals (a string,
// or a number written the same; ids compared ignoring letter case, as
// GUIDs are). Which claim holds it does not matter, since the reference
// names none. When no claim holds an id, or claims hold different ones,
// it guesses nothing: it returns "" and says why, in words.
func IdentifyUser(claims map[string]any, ids []string) (id, why string) {
	if len(claims) == 0 {
		return "", "the login token carries no claims mbx can read"
	}
	if len(ids) == 0 {
		return "", "the platform listed no users"
	}
	var found []string
	for _, v := range claims {
		var s string
		switch v := v.(type) {
		case string:
			s = v
		case json.Number:
			s = v.String()
		default:
			continue
		}
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		for _, uid := range ids {
			if strings.EqualFold(uid, s) && !slices.Contains(found, uid) {
				found = append(found, uid)
			}
		}
	}
	switch len(found) {
	case 1:
		return found[0], ""
	case 0:
		return "", fmt.Sprintf("no claim of the login token is the id of one of the %d users", len(ids))
	}
	return "", fmt.Sprintf("the login token names %d of the users", len(found))
}
