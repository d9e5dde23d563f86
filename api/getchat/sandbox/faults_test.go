package sandbox

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestFaults(t *testing.T) {
	e := newEnv(t, Config{})
	// fail-next-N on one route, then normal again
	e.s.FailNext("GET", "/api/v1/chats/", 2, 503)
	for i, want := range []int{503, 503, 200} {
		if st := e.do("GET", "/api/v1/chats/?limit=1", e.admin, nil, nil); st != want {
			t.Fatalf("request %d: %d, want %d", i, st, want)
		}
	}
	// other routes are not affected
	e.s.FailNext("POST", "/api/v1/messages/", 1, 500)
	if st := e.do("GET", "/api/v1/messages/?limit=1", e.admin, nil, nil); st != 200 {
		t.Fatal(st)
	}
	if st := e.do("POST", "/api/v1/messages/", e.admin, map[string]any{"wa_id": ChatOpenAdmin, "text": map[string]any{"body": "x"}}, nil); st != 500 {
		t.Fatal(st)
	}
	e.s.SetFaults()

	// 429 with Retry-After
	e.s.SetFaults(Fault{Paths: []string{"/api/v1/tags/"}, Count: 1, Status: 429, RetryAfter: 1500 * time.Millisecond})
	st, body, h := e.raw("GET", "/api/v1/tags/", e.admin, nil, "")
	if st != 429 || h.Get("Retry-After") != "2" || !strings.Contains(string(body), "Injected fault") {
		t.Fatalf("%d %q %s", st, h.Get("Retry-After"), body)
	}

	// dropped connections: before handling, and after (the message was sent)
	for _, f := range []Fault{
		{Methods: []string{"POST"}, Paths: []string{"/api/v1/messages/"}, Count: 1, Drop: true},
		{Methods: []string{"POST"}, Paths: []string{"/api/v1/messages/"}, Count: 1, DropAfter: true},
	} {
		e.s.SetFaults(f)
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/messages/", strings.NewReader(`{"wa_id":"`+ChatOpenAdmin+`","text":{"body":"dropped?"}}`))
		req.Header.Set("Authorization", "Token "+e.admin)
		req.Header.Set("Content-Type", "application/json")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			t.Fatalf("%+v: answered %d", f, resp.StatusCode)
		}
	}
	e.s.SetFaults()
	var p page
	e.do("GET", "/api/v1/messages/?wa_id="+ChatOpenAdmin+"&search=dropped", e.admin, nil, &p)
	if p.Count != 1 {
		t.Fatalf("DropAfter should have sent exactly one: %d", p.Count)
	}

	// latency
	e.s.SetFaults(Fault{Paths: []string{"/api/v1/groups/"}, Latency: 150 * time.Millisecond})
	start := time.Now()
	if st := e.do("GET", "/api/v1/groups/", e.admin, nil, nil); st != 200 || time.Since(start) < 150*time.Millisecond {
		t.Fatalf("%d after %v", st, time.Since(start))
	}
	e.s.SetFaults()
}

func TestStart(t *testing.T) {
	s, url, stop, err := Start(Config{Seed: 3}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatal(url)
	}
	resp, err := http.Post(url+"/api/v1/auth/token/", "application/json", strings.NewReader(`{"username":"`+DemoUsername+`","password":"`+DemoPassword+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatal(err, resp)
	}
	resp.Body.Close()
	if s.Stats().Logins != 1 {
		t.Fatal(s.Stats())
	}
	stop()
	stop()
}

// A Rate fault fires on a seeded share of requests: the same seed, the
// same requests fail.
func TestFaultRate(t *testing.T) {
	pattern := func() string {
		e := newEnv(t, Config{Seed: 5})
		e.s.SetFaults(Fault{Paths: []string{"/api/v1/tags/"}, Rate: 0.5, Status: 502})
		var b strings.Builder
		for range 40 {
			if e.do("GET", "/api/v1/tags/", e.admin, nil, nil) == 502 {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := pattern(), pattern()
	if a != b || !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Fatalf("%s vs %s", a, b)
	}
}
