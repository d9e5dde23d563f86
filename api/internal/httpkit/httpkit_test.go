package httpkit

import (
	"errors"
	"io"
	"net"
	"net/http"
	"testing"
	"time"
)

func TestRetryPolicy(t *testing.T) {
	fixed := func(n int64) int64 { return n - 1 } // always the ceiling
	p := RetryPolicy{MaxAttempts: 6, BaseDelay: 100 * time.Millisecond, MaxDelay: time.Second,
		MaxRetryAfter: 5 * time.Second, MaxElapsed: 20 * time.Second, Jitter: fixed}.WithDefaults()
	var got []time.Duration
	for attempt := 0; ; attempt++ {
		w, ok := p.Next(attempt, 0, 0)
		if !ok {
			break
		}
		got = append(got, w)
	}
	want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second}
	if len(got) != len(want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("wait %d = %v, want %v", i, got[i], want[i])
		}
	}
	if w, ok := p.Next(0, 0, 3*time.Second); !ok || w != 3*time.Second {
		t.Errorf("Retry-After 3s: %v %v", w, ok)
	}
	if w, ok := p.Next(0, 0, 24*time.Hour); !ok || w != 5*time.Second {
		t.Errorf("Retry-After of a day must be capped: %v %v", w, ok)
	}
	if _, ok := p.Next(0, 18*time.Second, 5*time.Second); ok {
		t.Error("a wait past MaxElapsed must end the loop")
	}
	zero := RetryPolicy{Jitter: func(int64) int64 { return 0 }}.WithDefaults()
	if w, ok := zero.Next(0, 0, 0); !ok || w != 0 {
		t.Errorf("full jitter may wait 0: %v %v", w, ok)
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for in, want := range map[string]time.Duration{
		"120": 2 * time.Minute, "0": 0, "-3": 0, "soon": 0, "": 0,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Hour).Format(http.TimeFormat):       0,
		"99999999999999999999":                            0,
		"9223372036854775807":                             time.Duration(int64(1<<63-1) / int64(time.Second) * int64(time.Second)),
	} {
		if got := ParseRetryAfter(in, now); got != want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestNeverSentAndJSONProblem(t *testing.T) {
	if !NeverSent(&net.OpError{Op: "dial", Err: errors.New("refused")}) {
		t.Error("a refused dial never left")
	}
	if NeverSent(&net.OpError{Op: "read", Err: errors.New("reset")}) {
		t.Error("a reset after the request left may have been acted on")
	}
	if got := JSONProblem(io.ErrUnexpectedEOF); got != "truncated JSON" {
		t.Errorf("JSONProblem(EOF) = %q", got)
	}
}
