package msgboxx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/mbx-inbox/mbx/api/internal/httpkit"
)

// Config says where and as whom a Client talks to the platform.
type Config struct {
	// BaseURL is the API root, e.g. https://api.msgboxx.io. Plain http is
	// accepted only for loopback hosts (the sandbox).
	BaseURL string
	// Application goes in X-Calling-Application (and User-Agent), e.g.
	// "mbx/1.2.0". The platform uses it for rate limiting.
	Application string
	// Username logs in. Password, or PasswordFunc when Password is empty,
	// supplies the password; with neither, an expired token ends in
	// ErrLoginRequired instead of a login.
	Username     string
	Password     string
	PasswordFunc func(ctx context.Context) (string, error)
	// Token and TokenExpiry seed the client with a stored token; OnToken is
	// called (outside any lock) with every new token, for storage.
	Token       string
	TokenExpiry time.Time
	OnToken     func(token string, expiry time.Time)

	// Timeout bounds each attempt of each request, body included.
	// Default 30 s.
	Timeout time.Duration
	// Retry bounds the retry loop; zero fields take their defaults.
	Retry RetryPolicy
	// MaxResponseBytes bounds a response body. Default 32 MiB.
	MaxResponseBytes int64

	HTTPClient *http.Client     // default: a client of its own, no global state
	Logger     *slog.Logger     // request logs at Debug; default: discard
	Now        func() time.Time // clock for token expiry; default time.Now
}

// Client calls the msgboxx REST API. It is safe for concurrent use: one
// token is shared, renewed once 80% of its lifetime has passed (or once
// after a 401), and only one login is ever in flight.
type Client struct {
	base    *url.URL
	app     string
	user    string
	pass    func(ctx context.Context) (string, error)
	onToken func(string, time.Time)
	timeout time.Duration
	retry   RetryPolicy
	maxBody int64
	hc      *http.Client
	log     *slog.Logger
	now     func() time.Time
	sleep   func(context.Context, time.Duration) error // tests record waits
	auth    auth
}

const (
	defaultTimeout  = 30 * time.Second
	defaultMaxBody  = 32 << 20
	opLogin         = "POST /oauth/token"
	opSendMessage   = "POST /message"
	opSendBroadcast = "POST /broadcast"
)

// New checks cfg and returns a client. It makes no request.
func New(cfg Config) (*Client, error) {
	base, err := ValidateBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:    base,
		app:     cfg.Application,
		user:    cfg.Username,
		onToken: cfg.OnToken,
		timeout: cfg.Timeout,
		retry:   cfg.Retry.WithDefaults(),
		maxBody: cfg.MaxResponseBytes,
		hc:      cfg.HTTPClient,
		log:     cfg.Logger,
		now:     cfg.Now,
		sleep:   sleepCtx,
	}
	if c.app == "" {
		c.app = "mbx/dev"
	}
	if c.timeout <= 0 {
		c.timeout = defaultTimeout
	}
	if c.maxBody <= 0 {
		c.maxBody = defaultMaxBody
	}
	if c.hc == nil {
		c.hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	// Never follow a redirect: it could carry the Authorization header or
	// the password to another host, or turn a POST into a GET.
	hc := *c.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = &hc
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	switch {
	case cfg.Password != "":
		pw := cfg.Password
		c.pass = func(context.Context) (string, error) { return pw, nil }
	case cfg.PasswordFunc != nil:
		c.pass = cfg.PasswordFunc
	}
	if cfg.Token != "" {
		c.setStoredToken(cfg.Token, cfg.TokenExpiry)
	}
	return c, nil
}

// BaseURL returns the API root the client talks to.
func (c *Client) BaseURL() string { return c.base.String() }

// ValidateBaseURL parses an API root and enforces the transport rule:
// https everywhere, plain http only on loopback (127.0.0.0/8, ::1,
// localhost). Credentials in the URL, queries and fragments are refused.
func ValidateBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("no base URL: set --base-url, MBX_BASE_URL or base_url in the config file (e.g. https://api.msgboxx.io): %w", ErrInvalid)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("base URL %q is not an absolute http(s) URL such as https://api.msgboxx.io: %w", SafeURL(raw), ErrInvalid)
	}
	if u.User != nil {
		return nil, fmt.Errorf("base URL must not carry a username or password (give them with --username and MBX_PASSWORD): %w", ErrInvalid)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q must not have a query or fragment: %w", SafeURL(raw), ErrInvalid)
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		https := *u
		https.Scheme = "https"
		return nil, fmt.Errorf("base URL %q uses plain http, which is only allowed for loopback addresses (127.0.0.1, ::1, localhost); use %s: %w", u.String(), https.String(), ErrInvalid)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// IsLoopbackHost reports whether host names this machine: localhost or an
// address in 127.0.0.0/8 or ::1 (httpkit.IsLoopbackHost, the one rule).
func IsLoopbackHost(host string) bool { return httpkit.IsLoopbackHost(host) }

// SecureURL reports whether u obeys the transport rule: https (wss), or
// plain http (ws) on a loopback host only (httpkit.SecureURL).
func SecureURL(u *url.URL) bool { return httpkit.SecureURL(u) }

// SafeURL is a base URL as it may be shown or logged: a user, password,
// query or fragment, which can all carry secrets, are replaced by "…".
func SafeURL(raw string) string {
	s := redactURL(raw)
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i] + s[i:i+1] + "…"
	}
	return s
}

func redactURL(raw string) string {
	if i := strings.Index(raw, "@"); i >= 0 {
		if j := strings.Index(raw, "://"); j >= 0 && j < i {
			return raw[:j+3] + "…" + raw[i:]
		}
		return "…" + raw[i:]
	}
	return raw
}

// call describes one API request.
type call struct {
	method string
	path   string     // escaped path below the base, e.g. /message/abc
	route  string     // for errors and logs, e.g. GET /message/{id}
	query  url.Values // may be nil
	body   any        // marshalled to JSON when non-nil
	out    any        // decoded from a 2xx JSON body when non-nil
	// safe: repeating the request cannot act twice (GET, PUT, DELETE, the
	// login). Unsafe requests are retried only when the server said it did
	// not act (429) or the connection was never made.
	safe bool
	// noAuth: the login itself, and a file on another host than the API's.
	noAuth bool
	// at is an absolute URL in place of the base and path (a message's
	// fileLocation); raw takes the answer's bytes instead of JSON.
	at  *url.URL
	raw *rawAnswer
}

// rawAnswer is a body read as bytes (a file), with its content type.
type rawAnswer struct {
	data        []byte
	contentType string
	limit       int64 // bytes; the client's MaxResponseBytes when 0
}

func (c *Client) do(ctx context.Context, cl call) error {
	var body []byte
	if cl.body != nil {
		var err error
		if body, err = json.Marshal(cl.body); err != nil {
			return &Error{Op: cl.route, Err: fmt.Errorf("encoding the request: %v: %w", err, ErrInvalid)}
		}
	}
	start := time.Now()
	renewed := false
	for attempt := 0; ; attempt++ {
		token := ""
		if !cl.noAuth {
			var err error
			if token, err = c.accessToken(ctx); err != nil {
				return err
			}
		}
		status, err := c.attempt(ctx, cl, body, token, attempt)
		if err == nil {
			return nil
		}
		if status == http.StatusUnauthorized && !cl.noAuth && !renewed {
			// The token was refused before anything happened: renew once.
			renewed = true
			c.dropToken(token)
			attempt--
			continue
		}
		if !c.retryable(cl, err) {
			return err
		}
		wait, ok := c.retry.Next(attempt, time.Since(start), retryAfterOf(err))
		if !ok {
			return err
		}
		c.log.Debug("retrying", "op", cl.route, "attempt", attempt+1, "wait", wait, "cause", shortCause(err))
		if serr := c.sleep(ctx, wait); serr != nil {
			return &Error{Op: cl.route, Err: serr, MaybeDelivered: MaybeDelivered(err)}
		}
	}
}

// retryable decides whether err may be retried for cl without risking a
// second action on the server.
func (c *Client) retryable(cl call, err error) bool {
	e, ok := asError(err)
	if !ok {
		return false
	}
	if errors.Is(e.Err, context.Canceled) {
		return false
	}
	switch e.Status {
	case http.StatusTooManyRequests:
		return true // the server refused without acting, whatever the method
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return cl.safe
	case 0:
		if e.Err == nil || errors.Is(e.Err, ErrInvalid) || errors.Is(e.Err, errResponseTooLarge) {
			return false
		}
		return cl.safe || !e.MaybeDelivered
	}
	return false
}

var errResponseTooLarge = errors.New("response too large")

// attempt sends the request once. It returns the HTTP status (0 without an
// answer) and an *Error on failure.
func (c *Client) attempt(parent context.Context, cl call, body []byte, token string, n int) (int, error) {
	ctx, cancel := context.WithTimeout(parent, c.timeout)
	defer cancel()

	u := *c.base
	u.Path = c.base.Path + cl.path
	u.RawPath = ""
	if cl.at != nil {
		u = *cl.at
	}
	if len(cl.query) > 0 {
		u.RawQuery = cl.query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), rd)
	if err != nil {
		return 0, &Error{Op: cl.route, Err: fmt.Errorf("building the request: %v: %w", err, ErrInvalid)}
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Calling-Application", c.app)
	req.Header.Set("User-Agent", c.app)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}

	began := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		sent := !neverSent(err)
		c.log.Debug("request failed", "op", cl.route, "attempt", n+1, "elapsed", time.Since(began), "cause", netCause(err))
		return 0, &Error{Op: cl.route, Err: netError(parent, err), MaybeDelivered: sent && !cl.safe}
	}
	defer resp.Body.Close()
	limit := c.maxBody
	if cl.raw != nil && cl.raw.limit > 0 {
		limit = cl.raw.limit
	}
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	c.log.Debug("request", "op", cl.route, "status", resp.StatusCode, "attempt", n+1, "elapsed", time.Since(began), "bytes", len(data))
	if readErr != nil {
		// The server answered but the body broke off.
		return 0, &Error{Op: cl.route, Status: 0, Err: fmt.Errorf("reading the %d answer: %w", resp.StatusCode, netError(parent, readErr)),
			MaybeDelivered: !cl.safe}
	}
	if int64(len(data)) > limit {
		return resp.StatusCode, &Error{Op: cl.route, Status: resp.StatusCode,
			Err: fmt.Errorf("%w: over %d MiB", errResponseTooLarge, limit>>20), MaybeDelivered: !cl.safe && resp.StatusCode < 300}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := serverError(cl.route, resp.StatusCode, data, resp.Header)
		e.MaybeDelivered = !cl.safe && resp.StatusCode >= 500
		return resp.StatusCode, e
	}
	if cl.raw != nil {
		cl.raw.data, cl.raw.contentType = data, resp.Header.Get("Content-Type")
		return resp.StatusCode, nil
	}
	if cl.out == nil {
		return resp.StatusCode, nil
	}
	// A success whose answer cannot be read still acted: an unsafe request
	// is then MaybeDelivered, so the caller reconciles.
	if len(bytes.TrimSpace(data)) == 0 {
		return resp.StatusCode, &Error{Op: cl.route, Status: resp.StatusCode, Err: errors.New("empty answer where JSON was expected"), MaybeDelivered: !cl.safe}
	}
	if err := json.Unmarshal(data, cl.out); err != nil {
		return resp.StatusCode, &Error{Op: cl.route, Status: resp.StatusCode, Err: fmt.Errorf("malformed JSON in the answer: %v", jsonProblem(err)), MaybeDelivered: !cl.safe}
	}
	return resp.StatusCode, nil
}

func shortCause(err error) string {
	if e, ok := asError(err); ok {
		if e.Status != 0 {
			return fmt.Sprint(e.Status)
		}
		if e.Err != nil {
			return e.Err.Error()
		}
	}
	return err.Error()
}

func retryAfterOf(err error) time.Duration {
	if e, ok := asError(err); ok {
		return e.RetryAfter
	}
	return 0
}
