package sandbox

import (
	"context"
	"crypto/rand"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config tunes a sandbox. The zero value is usable: seed 1, real clock,
// demo data, no simulator.
type Config struct {
	Seed                int64            // demo data and simulator are deterministic from it (default 1)
	Now                 func() time.Time // clock; default time.Now. Tests pass a fake clock and move it.
	TokenLifetime       time.Duration    // JWT lifetime, default 1h
	StatusStep          time.Duration    // outgoing status pace: Pending→Sent after 1 step, Delivered after 2, Read after 3 (if the customer reads). Default 3s.
	BroadcastQueueDelay time.Duration    // a broadcast gets its messageId/message/status only after this; 0 = immediately (default 0)
	Empty               bool             // no demo data at all: just the orgs/users/accounts skeleton with no contacts/messages
	Conversations       int              // volume mode: if > 0, seed this many extra conversations (with contacts) ...
	Messages            int              // ... and this many extra messages spread over them within HistoryDays
	HistoryDays         int              // history span for demo + volume data, default 7
	Simulate            bool             // customer simulator on (off by default; only started by Start)
	SimulateEvery       time.Duration    // mean interval between simulated inbound messages, default 4s
	// ReadReceipts is who sends read receipts, which the reference leaves
	// open: "some" (default: a few customers never read, their messages
	// stop at Delivered) or "all" (every customer reads).
	ReadReceipts string
	// Order is the order of GET /message pages, which the reference leaves
	// open: "oldest" (default: ascending by dateTime, then messageId) or
	// "newest" (the reverse: page 1 holds the newest messages).
	Order string
	// Claims is the layout of the token's claims, which the reference
	// leaves open: "sub-id" (default: the user id in sub), "sub-username"
	// (the username in sub, the id in "uid") or "no-id" (the username in
	// sub and no id anywhere). See ClaimLayouts.
	Claims string
}

func (c *Config) applyDefaults() {
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.TokenLifetime <= 0 {
		c.TokenLifetime = time.Hour
	}
	if c.StatusStep <= 0 {
		c.StatusStep = 3 * time.Second
	}
	if c.BroadcastQueueDelay < 0 {
		c.BroadcastQueueDelay = 0
	}
	if c.HistoryDays <= 0 {
		c.HistoryDays = 7
	}
	if c.SimulateEvery <= 0 {
		c.SimulateEvery = 4 * time.Second
	}
	if c.Conversations < 0 {
		c.Conversations = 0
	}
	if c.Messages < 0 {
		c.Messages = 0
	}
}

// Login is one seeded user's credentials.
type Login struct {
	Username, Password, UserID, Name string
}

// Stats counts what reached the sandbox.
type Stats struct {
	Logins   int            // successful POST /oauth/token
	Requests map[string]int // "METHOD /route", ids as {id}; "METHOD *" for unknown routes
}

// Server is an in-process msgboxx API. It implements http.Handler.
type Server struct {
	cfg Config
	st  *store
	mux *http.ServeMux

	keyMu sync.RWMutex
	key   []byte // HS256 signing key; rotated by RevokeTokens

	faults faultSet

	statsMu  sync.Mutex
	logins   int
	requests map[string]int

	lifeMu  sync.Mutex
	started bool
	closed  bool
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	agent *user // the demo agent of Credentials
}

// New builds a sandbox and all of its data synchronously.
func New(cfg Config) *Server {
	cfg.applyDefaults()
	s := &Server{
		cfg:      cfg,
		st:       newStore(cfg.Seed, cfg.StatusStep),
		requests: map[string]int{},
	}
	s.st.everyoneReads = cfg.ReadReceipts == "all"
	s.key = newKey()
	s.faults.rng = newRand(cfg.Seed, 1)
	now := s.now()
	seedSkeleton(s, now)
	if !cfg.Empty {
		seedDemo(s.st, now, cfg)
	}
	seedVolume(s.st, now, cfg)
	s.st.sortContacts()
	s.st.reindex()
	s.routes()
	return s
}

func newKey() []byte {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

// now is the sandbox clock, in UTC, at microsecond precision (the
// precision of message timestamps on the wire).
func (s *Server) now() time.Time {
	return s.cfg.Now().UTC().Truncate(time.Microsecond)
}

// ServeHTTP normalises a trailing slash away and dispatches.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p := r.URL.Path; len(p) > 1 && strings.HasSuffix(p, "/") {
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path = strings.TrimRight(p, "/")
		if u.Path == "" {
			u.Path = "/"
		}
		u.RawPath = ""
		r2.URL = &u
		r = r2
	}
	s.mux.ServeHTTP(w, r)
}

type route struct {
	method string
	path   string
	h      http.HandlerFunc
}

func (s *Server) routes() {
	a := s.authed
	table := []route{
		{"POST", "/oauth/token", s.handleLogin},
		{"GET", "/apiaccount", a(s.listAccounts)},
		{"GET", "/apiaccount/{id}", a(s.getAccount)},
		{"GET", "/inbox", a(s.listInboxes)},
		{"GET", "/inbox/{id}", a(s.getInbox)},
		{"GET", "/inboxes/{id}", a(s.getInbox)},
		{"GET", "/contact", a(s.listContacts)},
		{"POST", "/contact", a(s.createContact)},
		{"GET", "/contact/{id}", a(s.getContact)},
		{"PUT", "/contact/{id}", a(s.updateContact)},
		{"GET", "/conversation/{id}", a(s.getConversation)},
		{"PUT", "/conversation/{id}", a(s.updateConversation)},
		{"GET", "/message", a(s.listMessages)},
		{"POST", "/message", a(s.createMessage)},
		{"GET", "/message/{id}", a(s.getMessage)},
		{"GET", "/broadcast", a(s.listBroadcasts)},
		{"POST", "/broadcast", a(s.createBroadcast)},
		{"GET", "/broadcast/{id}", a(s.getBroadcast)},
		{"GET", "/template", a(s.listTemplates)},
		{"GET", "/template/{id}", a(s.getTemplate)},
		{"GET", "/team", a(s.listTeams)},
		{"GET", "/user", a(s.listUsers)},
		{"GET", "/webhook", a(s.listWebhooks)},
		{"GET", "/webhooks", a(s.listWebhooks)},
		{"GET", "/webhook/{id}", a(s.getWebhook)},
		{"POST", "/webhook", a(s.createWebhook)},
		{"POST", "/organisation", a(s.createWebhook)},
		{"PUT", "/webhook/{id}", a(s.updateWebhook)},
		{"DELETE", "/webhook/{id}", a(s.deleteWebhook)},
		{"GET", filesPath + "{id}/{name}", a(s.getFile)},
	}
	mux := http.NewServeMux()
	allowed := map[string][]string{}
	var paths []string
	for _, rt := range table {
		mux.Handle(rt.method+" "+rt.path, s.wrap(rt.path, rt.h))
		if _, ok := allowed[rt.path]; !ok {
			paths = append(paths, rt.path)
		}
		allowed[rt.path] = append(allowed[rt.path], rt.method)
	}
	sort.Strings(paths)
	for _, p := range paths {
		methods := allowed[p]
		mux.Handle(p, s.wrap(p, methodNotAllowed(methods)))
	}
	mux.Handle("/", s.wrap("*", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found",
			"there is no endpoint "+r.Method+" "+r.URL.Path+": see the msgboxx API reference for the available routes")
	}))
	s.mux = mux
}

func methodNotAllowed(methods []string) http.HandlerFunc {
	allow := strings.Join(methods, ", ")
	for _, m := range methods {
		if m == "GET" {
			allow += ", HEAD"
			break
		}
	}
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		writeError(w, http.StatusMethodNotAllowed, "method_not_allowed",
			r.Method+" is not allowed on "+r.URL.Path+": use "+allow)
	}
}

// wrap counts the request under its route, then applies any matching fault.
func (s *Server) wrap(path string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.count(r.Method + " " + path)
		if f, ok := s.faults.match(r); ok {
			s.applyFault(w, r, f, h)
			return
		}
		h(w, r)
	}
}

func (s *Server) count(key string) {
	s.statsMu.Lock()
	s.requests[key]++
	s.statsMu.Unlock()
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	out := Stats{Logins: s.logins, Requests: make(map[string]int, len(s.requests))}
	for k, v := range s.requests {
		out.Requests[k] = v
	}
	return out
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() {
	s.statsMu.Lock()
	s.logins = 0
	s.requests = map[string]int{}
	s.statsMu.Unlock()
}

// Start starts the customer simulator if Config.Simulate is set. It returns
// immediately; the simulator stops when ctx is done or Close is called.
// Only the first call has an effect.
func (s *Server) Start(ctx context.Context) {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.started || s.closed {
		return
	}
	s.started = true
	if !s.cfg.Simulate {
		return
	}
	ctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.simulate(ctx)
	}()
}

// Close stops background goroutines and waits for them. Idempotent.
func (s *Server) Close() {
	s.lifeMu.Lock()
	s.closed = true
	cancel := s.cancel
	s.cancel = nil
	s.lifeMu.Unlock()
	if cancel != nil {
		cancel()
	}
	s.wg.Wait()
}

// Credentials returns the demo agent's login.
func (s *Server) Credentials() (username, password string) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	return s.agent.username, s.agent.password
}

// Users returns every seeded login, with current passwords.
func (s *Server) Users() []Login {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	out := make([]Login, 0, len(s.st.users))
	for _, u := range s.st.users {
		out = append(out, Login{Username: u.username, Password: u.password, UserID: u.id.String(), Name: u.first + " " + u.last})
	}
	return out
}
