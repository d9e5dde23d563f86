package msgboxx

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Error is every failure of a call to the platform: a refusal by the server
// (Status set, Message the server's words), a network failure (Err set), an
// answer that could not be read (Err set, Status the HTTP status), or a
// request the client refused to send (Status 0, Err wrapping ErrInvalid).
//
// Error strings never contain the bearer token or the password.
type Error struct {
	Op         string        // "POST /message", "GET /contact/{id}" — the route, never the query
	Status     int           // HTTP status, 0 when no answer came
	Code       string        // the server's short error code, when it sends one
	Message    string        // the server's explanation, as sent (untrusted text)
	RetryAfter time.Duration // from Retry-After on 429/503
	// MaybeDelivered is true when the request may have reached the server
	// and been acted on although no success was seen (a timeout or reset
	// after the request was written, a 5xx to a POST). Callers reconcile
	// before sending such a request again.
	MaybeDelivered bool
	Err            error // the underlying cause, if any
}

// ErrInvalid marks requests the client refused to send because their input
// is wrong; the Error says what to change.
var ErrInvalid = errors.New("invalid request")

// ErrLoginRequired means the client has no usable token and no password
// to log in with: the user has to log in (mbx login).
var ErrLoginRequired = errors.New("login required")

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("msgboxx: ")
	b.WriteString(e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": %d %s", e.Status, http.StatusText(e.Status))
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
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

// IsUnauthorized reports a 401: the token is missing, invalid or expired
// and a fresh login did not help.
func IsUnauthorized(err error) bool { return hasStatus(err, http.StatusUnauthorized) }

// IsLoginRequired reports that the user must log in again: a 401 that
// survived a renewal, refused credentials, or no credentials at all.
func IsLoginRequired(err error) bool {
	return errors.Is(err, ErrLoginRequired) || IsUnauthorized(err) || IsBadCredentials(err)
}

// IsBadCredentials reports that POST /oauth/token refused the username or
// password (the reference answers 400 there).
func IsBadCredentials(err error) bool {
	e, ok := asError(err)
	return ok && e.Op == opLogin && (e.Status == http.StatusBadRequest || e.Status == http.StatusUnauthorized)
}

// IsForbidden reports a 403: the resource exists but is not this user's.
func IsForbidden(err error) bool { return hasStatus(err, http.StatusForbidden) }

// IsNotFound reports a 404.
func IsNotFound(err error) bool { return hasStatus(err, http.StatusNotFound) }

// IsConflict reports a 409, e.g. a contact whose number already exists in
// the api account.
func IsConflict(err error) bool { return hasStatus(err, http.StatusConflict) }

// IsInvalid reports a request refused before it was sent, or a 400 from the
// server: the input must change before trying again.
func IsInvalid(err error) bool {
	return errors.Is(err, ErrInvalid) || hasStatus(err, http.StatusBadRequest)
}

// IsRateLimited reports a 429 and how long the server asked to wait
// (0 when it did not say).
func IsRateLimited(err error) (time.Duration, bool) {
	e, ok := asError(err)
	if !ok || e.Status != http.StatusTooManyRequests {
		return 0, false
	}
	return e.RetryAfter, true
}

// IsServerError reports a 5xx.
func IsServerError(err error) bool {
	e, ok := asError(err)
	return ok && e.Status >= 500 && e.Status <= 599
}

// IsWindowClosed reports that POST /message was refused because the
// contact's 24-hour customer-service window is closed: a template
// (broadcast) is needed. The platform's code "window_closed" decides; a
// server that sends no code is recognised by its 400 on POST /message
// whose words speak of the window or of a template.
func IsWindowClosed(err error) bool {
	e, ok := asError(err)
	if !ok || e.Status != http.StatusBadRequest || e.Op != opSendMessage {
		return false
	}
	if e.Code != "" {
		return strings.EqualFold(e.Code, "window_closed")
	}
	m := strings.ToLower(e.Message)
	return strings.Contains(m, "window") || strings.Contains(m, "24 hour") ||
		strings.Contains(m, "24-hour") || strings.Contains(m, "template")
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
	if !ok {
		return false
	}
	if errors.Is(e.Err, context.Canceled) {
		return false
	}
	return (e.Status == 0 && e.Err != nil && !errors.Is(e.Err, ErrInvalid) && !errors.Is(e.Err, ErrLoginRequired)) ||
		e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// serverError reads the platform's error body. The reference documents no
// shape; seen in the wild and accepted here: {"message"}, {"detail"} and
// {"title"} (ASP.NET problem details), {"error_description"}, {"error"} as
// either a code or a sentence, or plain text.
func serverError(op string, status int, body []byte, h http.Header) *Error {
	e := &Error{Op: op, Status: status}
	var fields struct {
		Message          string          `json:"message"`
		Detail           string          `json:"detail"`
		Title            string          `json:"title"`
		ErrorDescription string          `json:"error_description"`
		Error            json.RawMessage `json:"error"`
		Code             string          `json:"code"`
	}
	trimmed := strings.TrimSpace(string(body))
	if json.Unmarshal(body, &fields) == nil {
		var errText string
		_ = json.Unmarshal(fields.Error, &errText)
		e.Code = fields.Code
		for _, m := range []string{fields.Message, fields.Detail, fields.ErrorDescription, fields.Title} {
			if m != "" {
				e.Message = m
				break
			}
		}
		switch {
		case errText != "" && e.Message == "":
			e.Message = errText
		case errText != "" && e.Code == "" && !strings.ContainsAny(errText, " \t"):
			e.Code = errText
		}
	} else if trimmed != "" && !strings.HasPrefix(trimmed, "<") {
		e.Message = trimmed
	}
	e.Message = truncate(strings.TrimSpace(e.Message), 500)
	if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
		e.RetryAfter = parseRetryAfter(h.Get("Retry-After"), time.Now())
	}
	return e
}
