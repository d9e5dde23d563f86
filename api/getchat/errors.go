package getchat

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error is every failure of a call to get.chat: a refusal by the server
// (Status set, Words the server's sentence), a network failure (Err set),
// an answer that could not be read (Err set, Status the HTTP status), or a
// request the client refused to send (Status 0, Err wrapping ErrInvalid).
//
// Error strings never contain the token or the password: routes name path
// parameters ({wa_id}) and no query is ever part of one.
type Error struct {
	Route  string // "POST /api/v1/messages/", "GET /api/v1/chats/{wa_id}/"
	Status int    // HTTP status, 0 when no answer came
	// Words is the server's most useful sentence (ErrorBody.Words):
	// untrusted text, to be sanitized before it is drawn.
	Words string
	// Body is the whole error answer as read.
	Body       ErrorBody
	RetryAfter time.Duration // from Retry-After on 429/503
	// MaybeDelivered is true when the request may have reached the server
	// and been acted on although no success was seen (a timeout or reset
	// after a POST was written, a 5xx to a POST). Callers reconcile before
	// sending such a request again.
	MaybeDelivered bool
	Err            error
}

// ErrInvalid marks a request the client refused to send: its input is
// wrong (an empty wa_id, a template without a name…).
var ErrInvalid = errors.New("invalid request")

// ErrLoginRequired means the client holds no token and has no password to
// log in with.
var ErrLoginRequired = errors.New("login required")

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("get.chat: ")
	b.WriteString(e.Route)
	if e.Status != 0 {
		text := http.StatusText(e.Status)
		if e.Status == StatusWindowClosed {
			text = "window closed"
		}
		fmt.Fprintf(&b, ": %d %s", e.Status, text)
	}
	if e.Words != "" {
		b.WriteString(": ")
		b.WriteString(e.Words)
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	if e.MaybeDelivered {
		b.WriteString(" (the request may have reached the server)")
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func hasStatus(err error, status int) bool {
	e, ok := asError(err)
	return ok && e.Status == status
}

// IsUnauthorized reports that the user must log in again: a 401, a 403
// whose words are Django REST framework's authentication sentences (the
// reference's "Authentication credentials were not provided."), a refused
// login (400/401/403 to auth/token/), or no token and no password.
func IsUnauthorized(err error) bool {
	if errors.Is(err, ErrLoginRequired) {
		return true
	}
	e, ok := asError(err)
	if !ok {
		return false
	}
	switch {
	case e.Status == http.StatusUnauthorized:
		return true
	case e.Status == http.StatusForbidden && e.Body.AuthFailure():
		return true
	case e.Route == routeLogin && (e.Status == http.StatusBadRequest || e.Status == http.StatusForbidden):
		return true
	}
	return false
}

// IsForbidden reports a 403 that is not about authentication: the user is
// logged in but not allowed (a regular user writing to a chat not assigned
// to them, or an assignment only an admin may make).
func IsForbidden(err error) bool {
	e, ok := asError(err)
	return ok && e.Status == http.StatusForbidden && !IsUnauthorized(err)
}

// IsWindowClosed reports 453: a message other than a template to a chat
// whose 24-hour window has closed. The status decides, whatever the body.
func IsWindowClosed(err error) bool { return hasStatus(err, StatusWindowClosed) }

// IsNotFound reports a 404.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsInvalid reports a request refused before it left, or a 400.
func IsInvalid(err error) bool {
	return errors.Is(err, ErrInvalid) || (hasStatus(err, http.StatusBadRequest) && !IsUnauthorized(err))
}

// IsTooLarge reports a 413 (a file over the server's limit).
func IsTooLarge(err error) bool { return hasStatus(err, http.StatusRequestEntityTooLarge) }

// IsRateLimited reports a 429 and the wait the server asked for (0 when it
// did not say).
func IsRateLimited(err error) (time.Duration, bool) {
	e, ok := asError(err)
	if !ok || e.Status != http.StatusTooManyRequests {
		return 0, false
	}
	return e.RetryAfter, true
}

// MaybeDelivered reports that a request may have been acted on although no
// success was seen: reconcile before repeating it.
func MaybeDelivered(err error) bool {
	e, ok := asError(err)
	return ok && e.MaybeDelivered
}

// IsTemporary reports a failure worth trying again later unchanged: no
// answer at all, a 429, or a 5xx.
func IsTemporary(err error) bool {
	e, ok := asError(err)
	if !ok || errors.Is(e.Err, context.Canceled) {
		return false
	}
	return (e.Status == 0 && e.Err != nil && !errors.Is(e.Err, ErrInvalid) && !errors.Is(e.Err, ErrLoginRequired)) ||
		e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// serverError reads an error answer.
func serverError(route string, status int, body []byte, h http.Header, now time.Time) *Error {
	eb := ParseErrorBody(body)
	e := &Error{Route: route, Status: status, Body: eb, Words: truncate(strings.TrimSpace(eb.Words()), 500)}
	if strings.HasPrefix(e.Words, "<") { // an HTML error page says nothing useful
		e.Words = ""
	}
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(h.Get("Retry-After"), now)
	}
	return e
}
