package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for Config.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 4, 30, 14, 3, 25, 63590000, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// harness is a sandbox behind a loopback HTTP server.
type harness struct {
	t     *testing.T
	s     *Server
	ts    *httptest.Server
	clock *fakeClock
	token string // the demo agent's
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	clock := newFakeClock()
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	if cfg.TokenLifetime == 0 {
		cfg.TokenLifetime = 24 * 365 * time.Hour // tests move the clock a lot
	}
	s := New(cfg)
	ts := httptest.NewServer(s)
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	h := &harness{t: t, s: s, ts: ts, clock: clock}
	user, pass := s.Credentials()
	h.token = h.login(user, pass)
	return h
}

func (h *harness) login(user, pass string) string {
	h.t.Helper()
	r := h.raw("POST", "/oauth/token", "", map[string]string{"username": user, "password": pass},
		map[string]string{"X-Calling-Application": "sandbox-tests"})
	if r.status != http.StatusOK {
		h.t.Fatalf("login %s: %d %s", user, r.status, r.body)
	}
	return r.obj()["access_token"].(string)
}

type response struct {
	t      *testing.T
	status int
	header http.Header
	body   []byte
}

func (r response) obj() map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		r.t.Fatalf("body is not a JSON object: %v: %s", err, r.body)
	}
	return m
}

func (r response) arr() []any {
	r.t.Helper()
	var a []any
	if err := json.Unmarshal(r.body, &a); err != nil {
		r.t.Fatalf("body is not a JSON array: %v: %s", err, r.body)
	}
	return a
}

// items returns a list response's items and paging.
func (r response) items() ([]map[string]any, map[string]any) {
	r.t.Helper()
	var l struct {
		Items  []map[string]any `json:"items"`
		Paging map[string]any   `json:"paging"`
	}
	if err := json.Unmarshal(r.body, &l); err != nil {
		r.t.Fatalf("not a list: %v: %s", err, r.body)
	}
	if l.Items == nil {
		r.t.Fatalf("items is null or missing: %s", r.body)
	}
	return l.Items, l.Paging
}

func (r response) errCode() string {
	r.t.Helper()
	m := r.obj()
	return m["error"].(string)
}

func (h *harness) raw(method, path, token string, body any, headers map[string]string) response {
	h.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			h.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, h.ts.URL+path, rd)
	if err != nil {
		h.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := h.ts.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		h.t.Fatalf("%s %s: reading body: %v", method, path, err)
	}
	return response{t: h.t, status: resp.StatusCode, header: resp.Header, body: data}
}

// do sends a request as the demo agent.
func (h *harness) do(method, path string, body any) response {
	h.t.Helper()
	return h.raw(method, path, h.token, body, nil)
}

func (h *harness) get(path string) response {
	h.t.Helper()
	return h.do("GET", path, nil)
}

func expectStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d: %s", r.status, want, r.body)
	}
}

func expectError(t *testing.T, r response, status int, code string) {
	t.Helper()
	expectStatus(t, r, status)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type %q", ct)
	}
	m := r.obj()
	if m["error"] != code {
		t.Fatalf("error code %v, want %s: %s", m["error"], code, r.body)
	}
	if int(m["status"].(float64)) != status {
		t.Fatalf("status field %v, want %d", m["status"], status)
	}
	if msg, _ := m["message"].(string); len(msg) < 10 {
		t.Fatalf("error message too short: %q", msg)
	}
}

func keysOf(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func expectKeys(t *testing.T, what string, m map[string]any, want ...string) {
	t.Helper()
	got := keysOf(m)
	w := slices.Clone(want)
	sort.Strings(w)
	if !slices.Equal(got, w) {
		t.Fatalf("%s keys:\n got %v\nwant %v", what, got, w)
	}
}

// ids and fixtures of the demo data.
const (
	idHeadOffice = "3aa9eb0c-7e55-4e98-9ce7-bd6d241d0ad4"
	idContract   = "7f2280ed-40bd-4bba-a813-a833f022cdf9"
	idPermanent  = "cbe2b1f5-e732-459c-982b-541e4f134cb3"
	idTestCust   = "17b5c90a-7465-1097-b2db-66afa62c963f"
	idMissCust   = "a38f0fc8-cb26-4266-bbd9-35eb8dbd6947"
	idRefConv    = "6bea4b13-e818-4544-8c43-e28a5c6cb67f"
	idRefMessage = "ce2400ec-f80a-4509-bcd3-5aa5a96a4bdf"
	idFollowUpHO = "0bbadd13-0e3f-4ebb-9f65-9e6ee460d7ba"
	idTeamHead   = "dac042bb-31b6-41fe-b70a-20f5d73c0464"
	idTeamPermie = "1333edd0-69f0-40ef-a944-ba530ea32f60"
	idTeamContr  = "fbbb761a-091a-4273-bc7f-0f616a607ae7"
	idJohnSmith  = "8492a9d3-af16-4375-ba7c-9f67325a6a3d"
	idHelen      = "19d9be10-1d9c-4d9c-82d6-974c12aa0a93"
)

// createContact makes a contact as the agent and returns its id.
func (h *harness) createContact(acct, mobile, name string) string {
	h.t.Helper()
	r := h.do("POST", "/contact", map[string]any{"apiAccountId": acct, "mobileNumber": mobile, "name": name})
	expectStatus(h.t, r, http.StatusCreated)
	return r.obj()["contactId"].(string)
}

// snapContact finds a contact in a snapshot.
func snapContact(t *testing.T, snap Snapshot, id string) SnapshotContact {
	t.Helper()
	for _, c := range snap.Contacts {
		if c.ContactID == id {
			return c
		}
	}
	t.Fatalf("no contact %s in snapshot", id)
	return SnapshotContact{}
}

// templateID finds a template of an account by name.
func templateID(t *testing.T, snap Snapshot, acct, name string) string {
	t.Helper()
	for _, tp := range snap.Templates {
		if tp.APIAccountID == acct && tp.Name == name {
			return tp.TemplateID
		}
	}
	t.Fatalf("no template %s in %s", name, acct)
	return ""
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

func jsonField(data []byte, key string) string {
	var m map[string]any
	_ = json.Unmarshal(data, &m)
	s, _ := m[key].(string)
	return s
}
