package sandbox

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault describes a failure to inject. Faults are switchable per test at
// any time and safe for concurrent use.
type Fault struct {
	Methods    []string      // empty = any method; else e.g. {"GET"} or {"POST"}
	Paths      []string      // empty = any path; else path prefixes, e.g. "/message", "/oauth/token"
	Count      int           // > 0: apply to the next Count matching requests only, then stop; 0: no count limit
	Skip       int           // let the first Skip matching requests through untouched, then apply (e.g. a failure at page Skip+1 of a list)
	Rate       float64       // 0..1 probability for each matching request (used when Count == 0; 0 means every request); deterministic PRNG from Seed
	Latency    time.Duration // sleep before handling (respects request context cancellation)
	Status     int           // if != 0: answer this status instead of handling, with a JSON error body
	RetryAfter time.Duration // with Status 429 or 503: send Retry-After in whole seconds (rounded up)
	Drop       bool          // close the connection without any response, before handling
	DropAfter  bool          // handle the request fully, then close the connection without writing the response
	Malformed  bool          // handle the request, then answer its 2xx status with a truncated JSON body
	// HoldAfter: handle the request fully, then hold the answer this long
	// before writing it (or until the client goes away). A client killed
	// meanwhile was acted on but never heard back: the crash case of
	// exactly-once delivery.
	HoldAfter time.Duration
}

type activeFault struct {
	Fault
	remaining int
	skipped   int
}

type faultSet struct {
	mu     sync.Mutex
	faults []activeFault
	rng    *rand.Rand
}

// SetFaults replaces all active faults; SetFaults() clears them. Faults are
// tried in order and the first that matches and fires wins.
func (s *Server) SetFaults(f ...Fault) {
	s.faults.mu.Lock()
	defer s.faults.mu.Unlock()
	s.faults.faults = s.faults.faults[:0]
	for _, x := range f {
		x.Methods = append([]string(nil), x.Methods...)
		x.Paths = append([]string(nil), x.Paths...)
		s.faults.faults = append(s.faults.faults, activeFault{Fault: x, remaining: x.Count})
	}
}

func (fs *faultSet) match(r *http.Request) (Fault, bool) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for i := range fs.faults {
		f := &fs.faults[i]
		if !f.matches(r) {
			continue
		}
		if f.skipped < f.Skip {
			f.skipped++
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

func (f *Fault) matches(r *http.Request) bool {
	if len(f.Methods) > 0 {
		ok := false
		for _, m := range f.Methods {
			if strings.EqualFold(m, r.Method) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(f.Paths) > 0 {
		ok := false
		for _, p := range f.Paths {
			if strings.HasPrefix(r.URL.Path, p) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault, h http.HandlerFunc) {
	// Read the body to its end first: net/http notices a client that went
	// away (and cancels r.Context()) only once the body is consumed, and a
	// held or delayed request must end with its client, as on a real server.
	if r.Body != nil && (f.Latency > 0 || f.HoldAfter > 0) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
		if err != nil {
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
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
			secs := int64((f.RetryAfter + time.Second - 1) / time.Second)
			w.Header().Set("Retry-After", strconv.FormatInt(secs, 10))
		}
		msg := fmt.Sprintf("injected fault: the sandbox answered %d %s on purpose; retry later", f.Status, http.StatusText(f.Status))
		if f.Status == http.StatusTooManyRequests {
			msg = "injected fault: too many requests; wait for Retry-After (if given) and retry"
		}
		writeError(w, f.Status, errorCode(f.Status), msg)
	case f.DropAfter:
		rec := newBufferedWriter()
		h(rec, r)
		dropConnection(w)
	case f.Malformed:
		rec := newBufferedWriter()
		h(rec, r)
		rec.writeMalformed(w)
	case f.HoldAfter > 0:
		rec := newBufferedWriter()
		h(rec, r)
		t := time.NewTimer(f.HoldAfter)
		defer t.Stop()
		select {
		case <-r.Context().Done():
			return
		case <-t.C:
		}
		rec.flushTo(w)
	default:
		h(w, r)
	}
}

// dropConnection closes the client connection without a response. When the
// writer cannot be hijacked (HTTP/2, recorders) the handler is aborted with
// http.ErrAbortHandler, which net/http servers turn into a reset stream.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	_ = conn.Close()
}

// bufferedWriter captures a handler's response.
type bufferedWriter struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBufferedWriter() *bufferedWriter { return &bufferedWriter{header: http.Header{}} }

func (b *bufferedWriter) Header() http.Header { return b.header }

func (b *bufferedWriter) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	return b.body.Write(p)
}

// flushTo replays the captured response.
func (b *bufferedWriter) flushTo(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	status := b.status
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	if b.body.Len() > 0 {
		_, _ = w.Write(b.body.Bytes())
	}
}

// writeMalformed replays a successful response with its JSON body cut in
// half (an empty body becomes an unterminated object). Error responses are
// replayed unchanged.
func (b *bufferedWriter) writeMalformed(w http.ResponseWriter) {
	status := b.status
	if status == 0 {
		status = http.StatusOK
	}
	for k, v := range b.header {
		w.Header()[k] = v
	}
	if status < 200 || status > 299 {
		w.WriteHeader(status)
		_, _ = w.Write(b.body.Bytes())
		return
	}
	if status == http.StatusNoContent {
		status = http.StatusOK
	}
	body := bytes.TrimSpace(b.body.Bytes())
	var out []byte
	if len(body) < 2 {
		out = []byte(`{"items":[{"`)
	} else {
		out = body[:len(body)/2]
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	_, _ = w.Write(out)
}
