package sandbox

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Config tunes a sandbox. The zero value is usable: seed 1, real clock,
// demo data, newest-first lists, flat events, no simulator.
type Config struct {
	Seed          int64            // demo data, ids and simulator are deterministic from it (default 1)
	Now           func() time.Time // clock; default time.Now. Tests pass a fake clock, move it and call Tick.
	StatusStep    time.Duration    // outgoing pace: sent after 1 step, delivered after 2, read after 3 (if the customer reads). Default 3s, at least 1s.
	Empty         bool             // users, groups, tags, templates and saved responses only: no chats
	Conversations int              // extra chats of volume data
	Messages      int              // extra messages spread over the volume chats within HistoryDays
	HistoryDays   int              // history span of demo and volume data, default 7
	Simulate      bool             // customers write in (only once Run or Start is called)
	SimulateEvery time.Duration    // mean interval between simulated inbound messages, default 4s
	// Order of messages/ and chats/: "newest" (default, as documented) or
	// "oldest" (the other reading of what since_time scrolls do).
	Order string
	// EventFormat of websocket frames: "flat" (default; the published
	// reference's waba_webhook payloads) or "cloud" (Cloud API nested
	// waba_webhook plus getchat_webhook frames, as the web client reads
	// since 2026-04).
	EventFormat string
	// AuthStatus answers missing or bad credentials: 403 (default, as the
	// reference's example) or 401 (Django REST framework with token
	// authentication first).
	AuthStatus int
	// WebsocketBuffer is how many frames may wait for one websocket client
	// before it is dropped as too slow; default 256.
	WebsocketBuffer int
}

func (c *Config) applyDefaults() {
	if c.Seed == 0 {
		c.Seed = 1
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.StatusStep < time.Second {
		if c.StatusStep <= 0 {
			c.StatusStep = 3 * time.Second
		} else {
			c.StatusStep = time.Second
		}
	}
	if c.HistoryDays <= 0 {
		c.HistoryDays = 7
	}
	if c.SimulateEvery <= 0 {
		c.SimulateEvery = 4 * time.Second
	}
	c.Conversations = max(c.Conversations, 0)
	c.Messages = max(c.Messages, 0)
	if c.Order != "oldest" {
		c.Order = "newest"
	}
	if c.EventFormat != "cloud" {
		c.EventFormat = "flat"
	}
	if c.AuthStatus != http.StatusUnauthorized {
		c.AuthStatus = http.StatusForbidden
	}
	if c.WebsocketBuffer <= 0 {
		c.WebsocketBuffer = 256
	}
}

// The demo logins (every user's password is "demo-" + username + "-pass").
const (
	DemoUsername       = "alex" // Alex Agent, admin
	DemoPassword       = "demo-alex-pass"
	RegularUsername    = "robin" // Robin Regular, role user: writes only to chats assigned to them
	RegularPassword    = "demo-robin-pass"
	SupervisorUsername = "sam" // Sam Supervisor, admin
	SupervisorPassword = "demo-sam-pass"
	AppUsername        = "bot" // Inbox Bot, role app
	AppPassword        = "demo-bot-pass"
)

// Login is one seeded user.
type Login struct {
	ID                 int
	Username, Password string
	Role, Name, Token  string
}

// Stats counts what reached the sandbox.
type Stats struct {
	Logins int
	// Requests by "METHOD /api/v1/route/" with path parameters as {}
	// ("GET /api/v1/chats/{}/"); "METHOD *" for unknown routes; "WS /" for
	// websocket connections.
	Requests map[string]int
}

// Server is an in-process get.chat Integration API. It implements
// http.Handler: REST under /api/v1/, the websocket at "/".
type Server struct {
	cfg Config

	mu sync.Mutex // guards st
	st *store

	routes []route
	faults faultSet
	hub    *hub

	statsMu  sync.Mutex
	logins   int
	requests map[string]int

	lifeMu sync.Mutex
	ran    bool
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// New builds a sandbox and all of its data synchronously. Nothing runs in
// the background until Run or Start.
func New(cfg Config) *Server {
	cfg.applyDefaults()
	s := &Server{cfg: cfg, st: newStore(cfg.Seed), requests: map[string]int{}}
	s.faults.rng = newRand(cfg.Seed, 3)
	s.hub = newHub(cfg.WebsocketBuffer)
	now := s.now()
	seedSkeleton(s.st, now, cfg)
	if !cfg.Empty {
		seedDemo(s.st, now, cfg)
	}
	seedVolume(s.st, now, cfg)
	s.st.reindex()
	s.st.seedEvents()
	s.routes = s.table()
	return s
}

func (s *Server) now() time.Time { return s.cfg.Now().UTC() }

func (s *Server) nowUnix() int64 { return s.cfg.Now().Unix() }

// Run starts the background work (status ticks, the simulator when
// Config.Simulate) until ctx is done or Close. Only the first call counts.
func (s *Server) Run(ctx context.Context) {
	s.lifeMu.Lock()
	defer s.lifeMu.Unlock()
	if s.ran {
		return
	}
	s.ran = true
	ctx, s.cancel = context.WithCancel(ctx)
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				s.Tick()
			}
		}
	}()
	if s.cfg.Simulate {
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.simulate(ctx)
		}()
	}
}

// Close stops the background work and drops every websocket client.
// Idempotent.
func (s *Server) Close() {
	s.lifeMu.Lock()
	cancel := s.cancel
	s.cancel = nil
	s.lifeMu.Unlock()
	if cancel != nil {
		cancel()
	}
	s.wg.Wait()
	s.hub.closeAll()
}

// Start serves the sandbox on addr ("127.0.0.1:0" picks a port) with the
// background work running. url is "http://HOST:PORT"; stop shuts the
// listener, the websockets and the background work down.
func Start(cfg Config, addr string) (s *Server, url string, stop func(), err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", nil, err
	}
	s = New(cfg)
	hs := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(ln)
	}()
	s.Run(context.Background())
	var once sync.Once
	stop = func() {
		once.Do(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			s.Close()
			_ = hs.Shutdown(ctx)
			<-done
		})
	}
	return s, "http://" + ln.Addr().String(), stop, nil
}

// WebsocketURL is the websocket address of a sandbox served at httpURL:
// the same host and port, path "/" (http→ws, https→wss).
func WebsocketURL(httpURL string) string {
	u := strings.TrimRight(httpURL, "/")
	switch {
	case strings.HasPrefix(u, "https://"):
		u = "wss://" + strings.TrimPrefix(u, "https://")
	case strings.HasPrefix(u, "http://"):
		u = "ws://" + strings.TrimPrefix(u, "http://")
	}
	return u + "/"
}

// Credentials is the demo admin's login.
func (s *Server) Credentials() (username, password string) { return DemoUsername, DemoPassword }

// Users lists every seeded login with its token.
func (s *Server) Users() []Login {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Login, 0, len(s.st.users))
	for _, u := range s.st.users {
		out = append(out, Login{ID: u.id, Username: u.username, Password: u.password, Role: u.role, Name: u.name(), Token: u.token})
	}
	return out
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

func (s *Server) count(key string) {
	s.statsMu.Lock()
	s.requests[key]++
	s.statsMu.Unlock()
}

// --- routing ---

type handler func(w http.ResponseWriter, r *http.Request, c *reqCtx)

// reqCtx is what a handler gets: the caller (nil on auth/token/), the
// path parameters and the base URL for links.
type reqCtx struct {
	user   *user
	params []string
	base   string
}

type route struct {
	method string
	path   string // segments; "{}" is a parameter; a trailing "/" is significant
	public bool
	h      handler
}

func (s *Server) table() []route {
	return append([]route{
		{"POST", "/api/v1/auth/token/", true, s.login},
		{"GET", "/api/v1/users/current/", false, s.currentUser},
		{"GET", "/api/v1/users/", false, s.listUsers},
		{"GET", "/api/v1/users/{}/", false, s.getUser},
		{"GET", "/api/v1/groups/", false, s.listGroups},
		{"GET", "/api/v1/chats/", false, s.listChats},
		{"GET", "/api/v1/chats/{}/", false, s.getChat},
		{"PATCH", "/api/v1/chats/{}/resolve", false, s.resolve},
		{"PATCH", "/api/v1/chats/{}/resolve/", false, s.resolve},
		{"GET", "/api/v1/messages/", false, s.listMessages},
		{"POST", "/api/v1/messages/", false, s.createMessage},
		{"GET", "/api/v1/chat_assignment/{}/", false, s.getAssignment},
		{"PUT", "/api/v1/chat_assignment/{}/", false, s.putAssignment},
		{"PATCH", "/api/v1/chat_assignment/{}/", false, s.patchAssignment},
		{"GET", "/api/v1/tags/", false, s.listTags},
		{"POST", "/api/v1/chat_tagging/", false, s.createTagging},
		{"DELETE", "/api/v1/chat_tagging/{}/", false, s.deleteTagging},
		{"GET", "/api/v1/saved_responses/", false, s.listSaved},
		{"POST", "/api/v1/saved_responses/", false, s.createSaved},
		{"DELETE", "/api/v1/saved_responses/{}/", false, s.deleteSaved},
		{"GET", "/api/v1/templates/", false, s.listTemplates},
		{"POST", "/api/v1/mark_as_received/", false, s.markAsReceived},
		{"POST", "/api/v1/media/", false, s.uploadMedia},
		{"GET", "/api/v1/media/{}/", false, s.getMedia},
		{"GET", "/api/v1/media/{}", false, s.getMedia},
		{"GET", "/api/v1/persons/", false, s.listPersons},
		{"GET", "/api/v1/persons/{}/", false, s.getPerson},
		{"GET", "/api/v1/whatsapp_accounts/", false, s.listWhatsAppAccounts},
		{"GET", "/api/v1/settings/profile/photo/", false, s.profilePhoto},
		{"GET", "/api/v1/chat_assignment_events/", false, s.listAssignEvents},
		{"GET", "/api/v1/chat_tagging_events/", false, s.listTagEvents},
	}, s.webappRoutes()...)
}

// match reports the path parameters when path fits pattern.
func match(pattern, path string) ([]string, bool) {
	ps := strings.Split(pattern, "/")
	xs := strings.Split(path, "/")
	if len(ps) != len(xs) {
		return nil, false
	}
	var params []string
	for i, p := range ps {
		if p == "{}" {
			if xs[i] == "" {
				return nil, false
			}
			params = append(params, xs[i])
			continue
		}
		if p != xs[i] {
			return nil, false
		}
	}
	return params, true
}

// ServeHTTP serves the websocket at "/" and the REST API under /api/v1/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Tick()
	if r.URL.Path == "/" {
		s.count("WS /")
		if f, ok := s.faults.match("WS", "/"); ok && (f.Drop || f.Status != 0) {
			s.applyFault(w, r, f, nil)
			return
		}
		s.serveWebsocket(w, r)
		return
	}
	var allowed []string
	for _, rt := range s.routes {
		params, ok := match(rt.path, r.URL.Path)
		if !ok {
			continue
		}
		if rt.method != r.Method && !(rt.method == "GET" && r.Method == "HEAD") {
			allowed = append(allowed, rt.method)
			continue
		}
		s.count(rt.method + " " + rt.path)
		h := func(w http.ResponseWriter, r *http.Request) { s.serve(w, r, rt, params) }
		if f, ok := s.faults.match(r.Method, r.URL.Path); ok {
			s.applyFault(w, r, f, h)
			return
		}
		h(w, r)
		return
	}
	s.count(r.Method + " *")
	if len(allowed) > 0 {
		sort.Strings(allowed)
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeJSON(w, http.StatusMethodNotAllowed, detail(`Method "`+r.Method+`" not allowed.`))
		return
	}
	msg := "Not found."
	if !strings.HasSuffix(r.URL.Path, "/") {
		msg = "Not found: get.chat paths end in \"/\" (" + r.URL.Path + "/)."
	}
	writeJSON(w, http.StatusNotFound, detail(msg))
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, rt route, params []string) {
	c := &reqCtx{params: params, base: baseURL(r)}
	if !rt.public {
		u, status, words := s.authenticate(r)
		if u == nil {
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", "Token")
			}
			writeJSON(w, status, detail(words))
			return
		}
		c.user = u
	}
	rt.h(w, r, c)
}

// baseURL is the request's scheme and host: https only when the request
// came over TLS (or a proxy says so), so loopback links stay http://.
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// authenticate reads "Authorization: Token …" with Django REST framework's
// words for each failure.
func (s *Server) authenticate(r *http.Request) (*user, int, string) {
	h := r.Header.Get("Authorization")
	fields := strings.Fields(h)
	if len(fields) == 0 || !strings.EqualFold(fields[0], "token") {
		return nil, s.cfg.AuthStatus, "Authentication credentials were not provided."
	}
	switch {
	case len(fields) == 1:
		return nil, s.cfg.AuthStatus, "Invalid token header. No credentials provided."
	case len(fields) > 2:
		return nil, s.cfg.AuthStatus, "Invalid token header. Token string should not contain spaces."
	}
	if u := s.userByToken(fields[1]); u != nil {
		return u, 0, ""
	}
	return nil, s.cfg.AuthStatus, "Invalid token."
}

func (s *Server) userByToken(tok string) *user {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.st.users {
		if u.token == tok {
			return u
		}
	}
	return nil
}

// --- JSON helpers ---

func detail(words string) map[string]string { return map[string]string{"detail": words} }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	if v == nil {
		return
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

const maxJSONBody = 1 << 20

// readJSON decodes a JSON object body (or a form, which the reference also
// accepts, as strings) into a map of raw values.
func readJSON(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, error) {
	ct := r.Header.Get("Content-Type")
	if strings.HasPrefix(ct, "application/x-www-form-urlencoded") || strings.HasPrefix(ct, "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, maxJSONBody)
		if err := r.ParseMultipartForm(maxJSONBody); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, err
		}
		out := map[string]json.RawMessage{}
		for k, v := range r.Form {
			if len(v) > 0 {
				b, _ := json.Marshal(v[0])
				out[k] = b
			}
		}
		return out, nil
	}
	var out map[string]json.RawMessage
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	if out == nil {
		return nil, errors.New("not an object")
	}
	return out, nil
}

func badJSON(w http.ResponseWriter, err error) {
	writeJSON(w, http.StatusBadRequest, detail("JSON parse error - "+err.Error()))
}

// Banner is what a command serving the sandbox at url prints first, for
// scripts: exactly three lines, the address, the demo login and the
// websocket.
func Banner(url string) string {
	return "listening " + url + "\nlogin " + DemoUsername + " " + DemoPassword + "\nwebsocket " + WebsocketURL(url) + "\n"
}
