package getchat

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
	"sync"
	"time"
)

// Config says where and as whom a Client talks to get.chat.
type Config struct {
	// BaseURL is the account's root, e.g. https://acme.getchat.app (the
	// API lives under /api/v1/). Plain http is accepted only for loopback
	// hosts (the sandbox).
	BaseURL string
	// Username and Password log in (POST auth/token/) when the client has
	// no token, and once more after the server refuses the token (it never
	// expires, but it can be revoked). Without a password, a refused token
	// is ErrLoginRequired.
	Username string
	Password string
	// Token seeds the client with a stored token; OnToken is called with
	// every token a login returns, for storage (outside any lock).
	Token   Token
	OnToken func(Token)
	// WebsocketURL overrides the address derived from BaseURL
	// (WebsocketURL): ws:// only on loopback, else wss://.
	WebsocketURL string

	// Timeout bounds each attempt of each request, body included
	// (default 30 s; media downloads and uploads get 4×).
	Timeout time.Duration
	// Retry bounds the retry loop; zero fields take their defaults.
	Retry RetryPolicy
	// PageSize is the limit of list requests (default 100, the server's
	// default for chats).
	PageSize int
	// MaxResponseBytes bounds a JSON answer (default 32 MiB);
	// MaxMediaBytes a media download (default 100 MiB).
	MaxResponseBytes int64
	MaxMediaBytes    int64

	HTTPClient *http.Client     // default: a client of its own; redirects are never followed
	Logger     *slog.Logger     // request logs at Debug (routes and statuses, never tokens); default: discard
	Now        func() time.Time // default time.Now
	// Application goes in User-Agent, e.g. "mbx/1.2.0".
	Application string
}

// Client calls the get.chat Integration API. It is safe for concurrent
// use. It keeps one token: the token never expires, so there is no
// refresh, and Logout forgets it here without ending the user's web
// sessions (see doc.go, Auth).
type Client struct {
	base     *url.URL
	wsURL    string
	user     string
	pass     string
	onToken  func(Token)
	timeout  time.Duration
	retry    RetryPolicy
	pageSize int
	maxBody  int64
	maxMedia int64
	hc       *http.Client
	log      *slog.Logger
	now      func() time.Time
	app      string
	sleep    func(context.Context, time.Duration) error

	mu      sync.Mutex
	token   Token
	loginMu sync.Mutex // one login at a time
}

const (
	defaultTimeout  = 30 * time.Second
	defaultMaxBody  = 32 << 20
	defaultMaxMedia = 100 << 20
	defaultPageSize = 100
)

// New checks cfg and returns a client. It makes no request.
func New(cfg Config) (*Client, error) {
	base, err := ValidateBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base: base, user: cfg.Username, pass: cfg.Password, onToken: cfg.OnToken,
		timeout: cfg.Timeout, retry: cfg.Retry.WithDefaults(), pageSize: cfg.PageSize,
		maxBody: cfg.MaxResponseBytes, maxMedia: cfg.MaxMediaBytes, hc: cfg.HTTPClient,
		log: cfg.Logger, now: cfg.Now, app: cfg.Application, sleep: sleepCtx, token: cfg.Token,
	}
	if c.timeout <= 0 {
		c.timeout = defaultTimeout
	}
	if c.pageSize <= 0 {
		c.pageSize = defaultPageSize
	}
	if c.maxBody <= 0 {
		c.maxBody = defaultMaxBody
	}
	if c.maxMedia <= 0 {
		c.maxMedia = defaultMaxMedia
	}
	if c.app == "" {
		c.app = "mbx/dev"
	}
	if c.hc == nil {
		c.hc = &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	}
	// Never follow a redirect: it could carry the token to another host or
	// turn a POST into a GET.
	hc := *c.hc
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	c.hc = &hc
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if cfg.WebsocketURL != "" {
		if c.wsURL, err = validateWebsocketURL(cfg.WebsocketURL); err != nil {
			return nil, err
		}
	} else if c.wsURL, err = WebsocketURL(base.String()); err != nil {
		return nil, fmt.Errorf("%v: %w", err, ErrInvalid)
	}
	return c, nil
}

// BaseURL is the account's root.
func (c *Client) BaseURL() string { return c.base.String() }

// WebsocketAddress is the websocket the client connects to.
func (c *Client) WebsocketAddress() string { return c.wsURL }

// ValidateBaseURL parses an account root and enforces the transport rule:
// https, or http on a loopback host. Credentials, queries and fragments
// are refused; a trailing "/" (or "/api/v1/", pasted from the docs) is
// dropped.
func ValidateBaseURL(raw string) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, fmt.Errorf("no base URL: set --base-url or base_url (e.g. https://acme.getchat.app): %w", ErrInvalid)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("base URL %q is not an absolute http(s) URL such as https://acme.getchat.app: %w", SafeURL(raw), ErrInvalid)
	}
	if u.User != nil {
		return nil, fmt.Errorf("base URL must not carry a username or password: %w", ErrInvalid)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("base URL %q must not have a query or fragment: %w", SafeURL(raw), ErrInvalid)
	}
	if u.Scheme == "http" && !IsLoopback(u.Hostname()) {
		return nil, fmt.Errorf("base URL %q uses plain http, allowed only on loopback; use https: %w", u.String(), ErrInvalid)
	}
	u.Path = strings.TrimRight(strings.TrimSuffix(strings.TrimRight(u.Path, "/"), "/api/v1"), "/")
	u.RawPath = ""
	return u, nil
}

func validateWebsocketURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("websocket URL %q is not an absolute ws(s) URL: %w", SafeURL(raw), ErrInvalid)
	}
	if u.User != nil {
		return "", fmt.Errorf("websocket URL must not carry a username or password: %w", ErrInvalid)
	}
	switch u.Scheme {
	case "wss":
	case "ws":
		if !IsLoopback(u.Hostname()) {
			return "", fmt.Errorf("websocket URL %q uses plain ws, allowed only on loopback; use wss: %w", u.String(), ErrInvalid)
		}
	default:
		return "", fmt.Errorf("websocket URL %q: scheme must be wss (or ws on loopback): %w", SafeURL(raw), ErrInvalid)
	}
	return u.String(), nil
}

// SafeURL is a URL as it may be shown or logged: user info, query and
// fragment replaced by "…".
func SafeURL(raw string) string {
	s := raw
	if i := strings.Index(s, "@"); i >= 0 {
		if j := strings.Index(s, "://"); j >= 0 && j < i {
			s = s[:j+3] + "…" + s[i:]
		} else {
			s = "…" + s[i:]
		}
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i+1] + "…"
	}
	return s
}

// call is one API request.
type call struct {
	method string
	path   string     // below the base, e.g. /api/v1/chats/123/ (escaped)
	query  url.Values // may be nil
	link   *url.URL   // an absolute URL already checked (CheckLink): replaces path and query
	route  string     // for errors and logs: "GET /api/v1/chats/{wa_id}/"

	body        any    // JSON-encoded when non-nil
	raw         []byte // sent as is with contentType (multipart upload)
	contentType string

	out     any     // decoded from a 2xx JSON answer when non-nil
	rawOut  *[]byte // receives a 2xx answer's bytes
	header  *http.Header
	status  *int // receives the 2xx status
	maxBody int64
	long    bool   // media: 4× the timeout
	accept  string // Accept header; default application/json

	// safe: repeating the request cannot act twice (GET, PUT, PATCH,
	// DELETE, the login). An unsafe one (POST) is retried only when it
	// never left or the server refused it without acting (429).
	safe   bool
	noAuth bool
}

// do sends cl, retrying what may be retried.
func (c *Client) do(ctx context.Context, cl call) error {
	body := cl.raw
	if cl.body != nil {
		var err error
		if body, err = json.Marshal(cl.body); err != nil {
			return &Error{Route: cl.route, Err: fmt.Errorf("encoding the request: %v: %w", err, ErrInvalid)}
		}
		cl.contentType = "application/json"
	}
	start := c.now()
	relogged := false
	for attempt := 0; ; attempt++ {
		var token Token
		if !cl.noAuth {
			var err error
			if token, err = c.accessToken(ctx, cl.route); err != nil {
				return err
			}
		}
		err := c.attempt(ctx, cl, body, token, attempt)
		if err == nil {
			return nil
		}
		if !cl.noAuth && !relogged && c.pass != "" && IsUnauthorized(err) {
			// Refused before anything happened: a revoked token. Log in
			// once more with the password.
			relogged = true
			c.dropToken(token)
			attempt--
			continue
		}
		if !retryable(cl, err) {
			return err
		}
		wait, ok := c.retry.Next(attempt, c.now().Sub(start), retryAfterOf(err))
		if !ok {
			return err
		}
		c.log.Debug("getchat: retrying", "route", cl.route, "attempt", attempt+1, "wait", wait, "cause", shortCause(err))
		if serr := c.sleep(ctx, wait); serr != nil {
			return &Error{Route: cl.route, Err: serr, MaybeDelivered: MaybeDelivered(err)}
		}
	}
}

// retryable decides whether err may be retried for cl without risking a
// second action on the server.
func retryable(cl call, err error) bool {
	e, ok := asError(err)
	if !ok || errors.Is(e.Err, context.Canceled) {
		return false
	}
	switch e.Status {
	case http.StatusTooManyRequests:
		return true // refused without acting, whatever the method
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return cl.safe
	case 0:
		if e.Err == nil || errors.Is(e.Err, ErrInvalid) || errors.Is(e.Err, errTooLarge) {
			return false
		}
		return cl.safe || !e.MaybeDelivered
	}
	return false
}

var errTooLarge = errors.New("answer too large")

// attempt sends the request once; failures are *Error.
func (c *Client) attempt(parent context.Context, cl call, body []byte, token Token, n int) error {
	timeout := c.timeout
	if cl.long {
		timeout *= 4
	}
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()

	var u url.URL
	if cl.link != nil {
		u = *cl.link
	} else {
		u = *c.base
		u.Path = c.base.Path + cl.path
		u.RawPath = ""
		if p, err := url.PathUnescape(u.Path); err == nil && p != u.Path {
			u.RawPath = c.base.Path + cl.path
			u.Path = p
		}
		u.RawQuery = cl.query.Encode()
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, cl.method, u.String(), rd)
	if err != nil {
		return &Error{Route: cl.route, Err: fmt.Errorf("building the request: %v: %w", err, ErrInvalid)}
	}
	accept := cl.accept
	if accept == "" {
		accept = "application/json"
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", c.app)
	if cl.contentType != "" {
		req.Header.Set("Content-Type", cl.contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Token "+string(token))
	}
	began := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		sent := !neverSent(err)
		c.log.Debug("getchat: request failed", "route", cl.route, "attempt", n+1, "elapsed", time.Since(began), "cause", netCause(err))
		return &Error{Route: cl.route, Err: netError(parent, err), MaybeDelivered: sent && !cl.safe}
	}
	defer resp.Body.Close()
	limit := c.maxBody
	if cl.maxBody > 0 {
		limit = cl.maxBody
	}
	data, readErr := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	c.log.Debug("getchat: request", "route", cl.route, "status", resp.StatusCode, "attempt", n+1, "elapsed", time.Since(began), "bytes", len(data))
	ok := resp.StatusCode >= 200 && resp.StatusCode <= 299
	if readErr != nil {
		return &Error{Route: cl.route, Err: fmt.Errorf("reading the %d answer: %w", resp.StatusCode, netError(parent, readErr)),
			MaybeDelivered: !cl.safe && (ok || resp.StatusCode >= 500)}
	}
	if int64(len(data)) > limit {
		return &Error{Route: cl.route, Status: resp.StatusCode, Err: fmt.Errorf("%w: over %d bytes", errTooLarge, limit),
			MaybeDelivered: !cl.safe && ok}
	}
	if !ok {
		if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
			return &Error{Route: cl.route, Status: resp.StatusCode, Err: fmt.Errorf("redirect to %s not followed", SafeURL(resp.Header.Get("Location")))}
		}
		e := serverError(cl.route, resp.StatusCode, data, resp.Header, c.now())
		e.MaybeDelivered = !cl.safe && resp.StatusCode >= 500
		return e
	}
	if cl.status != nil {
		*cl.status = resp.StatusCode
	}
	if cl.header != nil {
		*cl.header = resp.Header.Clone()
	}
	if cl.rawOut != nil {
		*cl.rawOut = data
	}
	if cl.out == nil {
		return nil
	}
	// A success whose answer cannot be read still acted: an unsafe request
	// is then MaybeDelivered, so the caller reconciles.
	if len(bytes.TrimSpace(data)) == 0 {
		return &Error{Route: cl.route, Status: resp.StatusCode, Err: errors.New("empty answer where JSON was expected"), MaybeDelivered: !cl.safe}
	}
	if err := json.Unmarshal(data, cl.out); err != nil {
		return &Error{Route: cl.route, Status: resp.StatusCode, Err: fmt.Errorf("malformed JSON in the answer: %v", jsonProblem(err)), MaybeDelivered: !cl.safe}
	}
	return nil
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

// String names the client without its token or password (also for %v
// and %#v of the client).
func (c *Client) String() string { return "getchat.Client{" + c.base.String() + "}" }

// GoString is String.
func (c *Client) GoString() string { return c.String() }

// String shows the configuration with the password and token masked.
func (cfg Config) String() string {
	pw := ""
	if cfg.Password != "" {
		pw = "…"
	}
	tok := ""
	if cfg.Token != "" {
		tok = "…"
	}
	return fmt.Sprintf("getchat.Config{BaseURL: %s, Username: %q, Password: %q, Token: %q}", SafeURL(cfg.BaseURL), cfg.Username, pw, tok)
}

// GoString is String.
func (cfg Config) GoString() string { return cfg.String() }
