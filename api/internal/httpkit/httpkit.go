// Package httpkit is what the platform clients (api/msgboxx,
// api/getchat) share of talking HTTP: the retry policy and its waits,
// Retry-After, and the words for transport and JSON failures. Each
// client keeps its own requests, errors and rules of what may be retried.
package httpkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds the retry loop of every platform client. It is
// written here on purpose instead of taken from a library:
// go-retryablehttp retries POSTs blindly and logs to stderr, which would
// send a reply twice and corrupt the TUI.
// exponential waits with full jitter, a server's Retry-After in place of
// the draw but capped at MaxRetryAfter, and no retry that would start
// after MaxElapsed. Only requests that cannot act twice are retried
// after an answer or a broken connection (GET, PUT, PATCH, DELETE and the
// login); a POST is retried only when it never left (the connection was
// not made) or the server refused it without acting (429).
type RetryPolicy struct {
	MaxAttempts   int           // attempts in all, the first included; default 5
	BaseDelay     time.Duration // default 250 ms
	MaxDelay      time.Duration // cap of one computed wait; default 8 s
	MaxRetryAfter time.Duration // cap of a server-requested wait; default 30 s
	MaxElapsed    time.Duration // no retry starts after this; default 60 s
	// Jitter draws from [0, n); default math/rand/v2. Tests may fix it.
	Jitter func(n int64) int64
}

// WithDefaults fills the zero fields.
func (p RetryPolicy) WithDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 5
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 250 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 8 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = 60 * time.Second
	}
	if p.Jitter == nil {
		p.Jitter = rand.Int64N
	}
	return p
}

// Next returns the wait before attempt+1 (attempt counts from 0) and
// whether to make it at all.
func (p RetryPolicy) Next(attempt int, elapsed, retryAfter time.Duration) (time.Duration, bool) {
	if attempt+1 >= p.MaxAttempts {
		return 0, false
	}
	var wait time.Duration
	if retryAfter > 0 {
		wait = min(retryAfter, p.MaxRetryAfter)
	} else {
		ceiling := p.MaxDelay
		if attempt < 30 {
			ceiling = min(p.MaxDelay, p.BaseDelay<<attempt)
		}
		if ceiling > 0 {
			wait = time.Duration(p.Jitter(int64(ceiling) + 1))
		}
	}
	if elapsed+wait > p.MaxElapsed {
		return 0, false
	}
	return wait, true
}

// ParseRetryAfter reads a Retry-After header: delay-seconds or an HTTP
// date. Garbage, negatives and past dates give 0.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		const maxSecs = int64(1<<63-1) / int64(time.Second)
		return time.Duration(min(secs, maxSecs)) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// NeverSent reports an error from before the request left: the
// connection was never made, so even a POST may be tried again.
func NeverSent(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// NetError drops the url.Error wrapper (whose text repeats the URL and
// its query) and says when the caller's own context ended the request.
func NetError(parent context.Context, err error) error {
	if perr := parent.Err(); perr != nil {
		return perr
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no answer in time: %w", context.DeadlineExceeded)
	}
	return err
}

// NetCause is the cause of a transport error without the URL.
func NetCause(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

// JSONProblem says where an answer's JSON went wrong, in words.
func JSONProblem(err error) string {
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "truncated JSON"
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%v at byte %d", se, se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q holds %s, expected %s", te.Field, te.Value, te.Type)
	}
	return err.Error()
}

// SleepCtx waits d or until ctx ends.
func SleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// IsLoopbackHost reports whether host (a URL's Hostname: no port, no
// brackets, though brackets are taken) names this machine: localhost, or
// an address in 127.0.0.0/8 or ::1. The transport rule's "loopback",
// decided here for every client.
func IsLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// SecureURL reports whether u may carry an account's traffic, a webhook's
// deliveries or a file: https or wss, or plain http or ws to a loopback
// host only. Credentials, hosts and paths are the callers' to check.
func SecureURL(u *url.URL) bool {
	switch strings.ToLower(u.Scheme) {
	case "https", "wss":
		return u.Hostname() != ""
	case "http", "ws":
		return u.Hostname() != "" && IsLoopbackHost(u.Hostname())
	}
	return false
}
