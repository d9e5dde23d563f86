package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"
)

// try sends a request on a fresh connection (no transport retries) and
// reports transport errors instead of failing.
func (h *harness) try(method, path string, body any) (int, http.Header, []byte, error) {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, h.ts.URL+path, rd)
	req.Header.Set("Authorization", "Bearer "+h.token)
	req.Header.Set("X-Calling-Application", "tests")
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, data, err
}

func TestFaultStatus(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	cases := []struct {
		status     int
		retryAfter time.Duration
		code       string
		header     string
	}{
		{500, 0, "server_error", ""},
		{502, 0, "bad_gateway", ""},
		{503, 1500 * time.Millisecond, "service_unavailable", "2"},
		{504, 0, "gateway_timeout", ""},
		{429, 3 * time.Second, "rate_limited", "3"},
		{500, 3 * time.Second, "server_error", ""}, // Retry-After only with 429/503
	}
	for _, c := range cases {
		h.s.SetFaults(Fault{Status: c.status, RetryAfter: c.retryAfter})
		r := h.get("/apiaccount")
		expectError(t, r, c.status, c.code)
		if got := r.header.Get("Retry-After"); got != c.header {
			t.Errorf("%d: Retry-After %q, want %q", c.status, got, c.header)
		}
	}
	h.s.SetFaults()
	expectStatus(t, h.get("/apiaccount"), http.StatusOK)
}

func TestFaultMatching(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	h.s.SetFaults(
		Fault{Methods: []string{"post"}, Paths: []string{"/contact"}, Count: 2, Status: 503},
		Fault{Paths: []string{"/contact", "/template"}, Status: 500},
	)
	body := map[string]any{"apiAccountId": idHeadOffice, "mobileNumber": "+447902111123", "name": "x"}
	expectStatus(t, h.do("POST", "/contact", body), 503)
	expectStatus(t, h.do("POST", "/contact", body), 503)
	// The first fault is used up: the second one (any method) wins now.
	expectStatus(t, h.do("POST", "/contact", body), 500)
	expectStatus(t, h.get("/contact"), 500)
	expectStatus(t, h.get("/template/"+idFollowUpHO), 500)
	expectStatus(t, h.get("/apiaccount"), 200)

	// Count without Status: latency only, then handled.
	h.s.SetFaults(Fault{Paths: []string{"/apiaccount"}, Count: 1, Latency: 30 * time.Millisecond})
	start := time.Now()
	expectStatus(t, h.get("/apiaccount"), 200)
	if d := time.Since(start); d < 30*time.Millisecond {
		t.Errorf("latency %v", d)
	}
	start = time.Now()
	expectStatus(t, h.get("/apiaccount"), 200)
	if d := time.Since(start); d > 25*time.Millisecond {
		t.Errorf("latency after the count ran out: %v", d)
	}

	// Faults apply to the token endpoint too, and are counted in Stats.
	h.s.ResetStats()
	h.s.SetFaults(Fault{Paths: []string{"/oauth/token"}, Status: 429, RetryAfter: time.Second})
	r := h.raw("POST", "/oauth/token", "", map[string]string{"username": AgentUsername, "password": AgentPassword},
		map[string]string{"X-Calling-Application": "tests"})
	expectError(t, r, 429, "rate_limited")
	st := h.s.Stats()
	if st.Requests["POST /oauth/token"] != 1 || st.Logins != 0 {
		t.Errorf("stats %+v", st)
	}
}

func TestFaultRate(t *testing.T) {
	run := func() []int {
		h := newHarness(t, Config{Empty: true, Seed: 42})
		h.s.SetFaults(Fault{Paths: []string{"/apiaccount"}, Rate: 0.3, Status: 500})
		var out []int
		for i := 0; i < 200; i++ {
			out = append(out, h.get("/apiaccount").status)
		}
		return out
	}
	a, b := run(), run()
	fails := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatal("fault rate is not deterministic for a seed")
		}
		if a[i] == 500 {
			fails++
		}
	}
	if fails < 30 || fails > 90 {
		t.Errorf("%d of 200 failed at rate 0.3", fails)
	}
}

func TestFaultLatencyCancel(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	h.s.SetFaults(Fault{Latency: 10 * time.Second, Status: 500})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", h.ts.URL+"/apiaccount", nil)
	req.Header.Set("Authorization", "Bearer "+h.token)
	start := time.Now()
	_, err := h.ts.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
	h.s.SetFaults()
	// The server side returns promptly too: a clean request is served at once.
	expectStatus(t, h.get("/apiaccount"), 200)
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

func TestFaultDrop(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	id := h.createContact(idHeadOffice, "+447902111123", "Drop")
	if _, err := h.s.Receive(id, "hi"); err != nil {
		t.Fatal(err)
	}
	conv := snapContact(t, h.s.Snapshot(), id).ConversationID
	send := map[string]any{"apiAccountId": idHeadOffice, "contactId": id, "message": "exactly once?"}

	// Drop: no response, nothing happened.
	h.s.SetFaults(Fault{Paths: []string{"/message"}, Methods: []string{"POST"}, Drop: true, Count: 1})
	if _, _, _, err := h.try("POST", "/message", send); err == nil {
		t.Fatal("dropped request got a response")
	}
	if n := h.s.CountMessages(conv, "exactly once?"); n != 0 {
		t.Fatalf("dropped request was handled: %d", n)
	}

	// DropAfter: no response, but the message exists.
	h.s.SetFaults(Fault{Paths: []string{"/message"}, Methods: []string{"POST"}, DropAfter: true, Count: 1})
	if _, _, _, err := h.try("POST", "/message", send); err == nil {
		t.Fatal("DropAfter request got a response")
	}
	if n := h.s.CountMessages(conv, "exactly once?"); n != 1 {
		t.Fatalf("DropAfter: %d messages, want 1", n)
	}
	// Count ran out: normal again.
	status, _, _, err := h.try("POST", "/message", send)
	if err != nil || status != http.StatusCreated {
		t.Fatalf("after the faults: %d %v", status, err)
	}
	if n := h.s.CountMessages(conv, "exactly once?"); n != 2 {
		t.Fatalf("%d messages, want 2", n)
	}
	if got := h.s.Stats().Requests["POST /message"]; got != 3 {
		t.Errorf("Stats counted %d POST /message", got)
	}
}

func TestFaultMalformed(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	h.s.SetFaults(Fault{Malformed: true})
	for _, path := range []string{"/apiaccount", "/team", "/webhook/dab932d2-c490-48de-96a4-f76848241597"} {
		status, hdr, body, err := h.try("GET", path, nil)
		if err != nil || status != http.StatusOK {
			t.Fatalf("%s: %d %v", path, status, err)
		}
		var v any
		if json.Unmarshal(body, &v) == nil {
			t.Errorf("%s: body is valid JSON: %s", path, body)
		}
		if hdr.Get("Content-Type") == "" {
			t.Errorf("%s: no Content-Type", path)
		}
	}
	// The request is handled: a created contact exists despite the garbage.
	status, _, _, err := h.try("POST", "/contact", map[string]any{"apiAccountId": idHeadOffice, "mobileNumber": "+447902111123", "name": "Mal"})
	if err != nil || status != http.StatusCreated {
		t.Fatalf("POST: %d %v", status, err)
	}
	if n := len(h.s.Snapshot().Contacts); n != 1 {
		t.Errorf("%d contacts after a malformed 201", n)
	}
	// Empty successful bodies become garbage too; errors pass through.
	status, _, body, _ := h.try("DELETE", "/webhook/dab932d2-c490-48de-96a4-f76848241597", nil)
	if status != http.StatusOK || json.Valid(body) {
		t.Errorf("DELETE: %d %s", status, body)
	}
	status, _, body, _ = h.try("GET", "/contact/00000000-0000-4000-8000-000000000000", nil)
	if status != http.StatusNotFound || !json.Valid(body) {
		t.Errorf("404 under Malformed: %d %s", status, body)
	}
}

func TestFaultHoldAfter(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	id := h.createContact(idHeadOffice, "+447902111124", "Hold")
	if _, err := h.s.Receive(id, "hi"); err != nil {
		t.Fatal(err)
	}
	conv := snapContact(t, h.s.Snapshot(), id).ConversationID
	send := map[string]any{"apiAccountId": idHeadOffice, "contactId": id, "message": "held"}
	h.s.SetFaults(Fault{Paths: []string{"/message"}, Methods: []string{"POST"}, HoldAfter: 50 * time.Millisecond, Count: 1})
	status, _, _, err := h.try("POST", "/message", send)
	if err != nil || status != http.StatusCreated {
		t.Fatalf("held answer: %d %v", status, err)
	}
	if n := h.s.CountMessages(conv, "held"); n != 1 {
		t.Fatalf("%d messages, want 1", n)
	}
}
