package sandbox

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault describes a failure to inject. Faults can be switched at any time
// and are safe for concurrent use.
type Fault struct {
	Methods    []string      // empty = any; "WS" matches the websocket upgrade
	Paths      []string      // empty = any; else path prefixes, e.g. "/api/v1/messages/"; "/" alone matches only the websocket
	Count      int           // > 0: the next Count matching requests only; 0: every matching request (see Rate)
	Rate       float64       // with Count 0: probability in (0,1) per matching request, from the seeded PRNG; 0 = always
	Latency    time.Duration // wait before handling (ends early when the client goes away)
	Status     int           // answer this status with {"detail": …} instead of handling
	RetryAfter time.Duration // with 429 or 503: a Retry-After header in whole seconds
	Drop       bool          // close the connection without an answer, before handling
	DropAfter  bool          // handle the request, then close the connection without the answer
}

type activeFault struct {
	Fault
	remaining int
}

type faultSet struct {
	mu     sync.Mutex
	faults []activeFault
	rng    *rand.Rand
}

// SetFaults replaces the active faults; SetFaults() clears them. The first
// fault that matches and fires wins.
func (s *Server) SetFaults(f ...Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = s.faults.faults[:0]
	for _, x := range f {
		s.faults.faults = append(s.faults.faults, activeFault{Fault: x, remaining: x.Count})
	}
}

// FailNext makes the next n requests to method and path prefix answer
// status (0 = drop the connection): the per-route hook tests use most.
func (s *Server) FailNext(method, pathPrefix string, n, status int) {
	f := Fault{Methods: []string{method}, Paths: []string{pathPrefix}, Count: n, Status: status, Drop: status == 0}
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = append(s.faults.faults, activeFault{Fault: f, remaining: n})
}

func (fs *faultSet) match(method, path string) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i := range fs.faults {
		f := &fs.faults[i]
		if !f.matches(method, path) {
			continue
		}
		if f.Count > 0 {
			if f.remaining <= 0 {
				continue
			}
			f.remaining--
			return f.Fault, true
		}
		if f.Rate > 0 && f.Rate < 1 && fs.rng.Float64() >= f.Rate {
			continue
		}
		return f.Fault, true
	}
	return Fault{}, false
}

func (f *Fault) matches(method, path string) bool {
	if len(f.Methods) > 0 {
		ok := false
		for _, m := range f.Methods {
			ok = ok || strings.EqualFold(m, method)
		}
		if !ok {
			return false
		}
	}
	if len(f.Paths) > 0 {
		ok := false
		for _, p := range f.Paths {
			if p == "/" {
				ok = ok || path == "/"
			} else {
				ok = ok || strings.HasPrefix(path, p)
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, h http.HandlerFunc) {
	if f.Latency > 0 {
		t := time.NewTimer(f.Latency)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	switch {
	case f.Drop:
		dropConnection(w)
	case f.Status != 0:
		if f.RetryAfter > 0 && (f.Status == http.StatusTooManyRequests || f.Status == http.StatusServiceUnavailable) {
			w.Header().Set("Retry-After", strconv.FormatInt(int64((f.RetryAfter+time.Second-1)/time.Second), 10))
		}
		writeJSON(w, f.Status, detail(fmt.Sprintf("Injected fault: the sandbox answered %d %s on purpose.", f.Status, http.StatusText(f.Status))))
	case f.DropAfter && h != nil:
		h(discardWriter{header: http.Header{}}, r)
		dropConnection(w)
	case h != nil:
		h(w, r)
	}
}

// dropConnection closes the client connection without an answer.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(p []byte) (int, error) { return len(p), nil }
func (d discardWriter) WriteHeader(int)             {}
