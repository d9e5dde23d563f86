package sandbox

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	maxBodyBytes = 1 << 20
	pageSize     = 100
)

// writeJSON encodes v (HTML characters left unescaped, control characters
// escaped as JSON requires) with an exact Content-Length.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		writeError(w, http.StatusInternalServerError, "server_error", "the sandbox could not encode its response: "+err.Error())
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	body, _ := json.Marshal(wireError{Status: status, Error: code, Message: msg})
	body = append(body, '\n')
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func badRequest(w http.ResponseWriter, format string, args ...any) {
	writeError(w, http.StatusBadRequest, "bad_request", fmt.Sprintf(format, args...))
}

func notFound(w http.ResponseWriter, what string, id string) {
	writeError(w, http.StatusNotFound, "not_found",
		fmt.Sprintf("no %s with id %s is visible to you: check the id, or list the %ss you can see", what, id, what))
}

func forbiddenAccount(w http.ResponseWriter, id string) {
	writeError(w, http.StatusForbidden, "forbidden",
		fmt.Sprintf("api account %s is not available to you: GET /apiaccount lists the api accounts your user is linked to", id))
}

// errorCode names a status the way the sandbox's error bodies do.
func errorCode(status int) string {
	switch status {
	case 400:
		return "bad_request"
	case 401:
		return "unauthorized"
	case 403:
		return "forbidden"
	case 404:
		return "not_found"
	case 405:
		return "method_not_allowed"
	case 409:
		return "conflict"
	case 413:
		return "payload_too_large"
	case 429:
		return "rate_limited"
	case 500:
		return "server_error"
	case 502:
		return "bad_gateway"
	case 503:
		return "service_unavailable"
	case 504:
		return "gateway_timeout"
	}
	s := strings.ToLower(http.StatusText(status))
	if s == "" {
		return "error"
	}
	return strings.NewReplacer(" ", "_", "-", "_", "'", "").Replace(s)
}

// decodeJSON reads a JSON object body of at most 1 MiB into v. On failure
// it answers (400 or 413) and returns false. Unknown fields are ignored.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, "payload_too_large",
				fmt.Sprintf("the request body is larger than %d bytes: send a smaller JSON object", maxBodyBytes))
			return false
		}
		badRequest(w, "the request body could not be read: %v", err)
		return false
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		badRequest(w, "the request body is empty: send a JSON object")
		return false
	}
	if trimmed[0] != '{' {
		badRequest(w, "the request body must be a JSON object ({...})")
		return false
	}
	if err := json.Unmarshal(trimmed, v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			badRequest(w, "the request body is not valid JSON: %v (at byte %d)", syn, syn.Offset)
		case errors.As(err, &typ):
			if typ.Field == "" {
				badRequest(w, "the request body must be a JSON object, not a JSON %s", typ.Value)
			} else {
				badRequest(w, "field %q must be a JSON %s, not a JSON %s", typ.Field, jsonKind(typ.Type.String()), typ.Value)
			}
		default:
			badRequest(w, "the request body is not valid JSON: %v", err)
		}
		return false
	}
	return true
}

func jsonKind(goType string) string {
	switch {
	case goType == "string" || goType == "*string":
		return "string"
	case goType == "bool" || goType == "*bool":
		return "boolean"
	case strings.HasPrefix(goType, "[]"):
		return "array"
	case strings.HasPrefix(goType, "int") || strings.HasPrefix(goType, "float"):
		return "number"
	}
	return goType
}

// parsePage reads the 1-based page parameter: missing or 0 is page 1.
func parsePage(q url.Values) (int, error) {
	v := strings.TrimSpace(q.Get("page"))
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("page must be a positive whole number (1 is the first page), not %q", v)
	}
	if n == 0 {
		return 1, nil
	}
	return n, nil
}

// pageWindow returns the [lo, hi) slice bounds of page among total records
// and the paging block.
func pageWindow(total, page int) (lo, hi int, p wirePaging) {
	p = wirePaging{RecordCount: total, Pages: (total + pageSize - 1) / pageSize}
	if page > p.Pages || page > math.MaxInt/pageSize {
		return total, total, p
	}
	lo = (page - 1) * pageSize
	hi = min(lo+pageSize, total)
	return lo, hi, p
}

// pageSkip is how many records precede a page.
func pageSkip(page int) int {
	if page > math.MaxInt/pageSize {
		return math.MaxInt
	}
	return (page - 1) * pageSize
}

// parseDate accepts RFC 3339 (fraction optional, Z or offset), a local
// date-time without zone (taken as UTC, "T" or space separated) or a plain
// date. A '+' turned into a space by form decoding is put back.
func parseDate(name, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	layouts := []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05.999999999",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02T15:04",
		"2006-01-02 15:04",
		"2006-01-02",
	}
	try := func(s string) (time.Time, bool) {
		for _, l := range layouts {
			if t, err := time.Parse(l, s); err == nil {
				return t.UTC(), true
			}
		}
		return time.Time{}, false
	}
	if t, ok := try(v); ok {
		return t, nil
	}
	if i := strings.LastIndexByte(v, ' '); i > 10 {
		if t, ok := try(v[:i] + "+" + v[i+1:]); ok {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%s %q is not a date: use RFC 3339 (2024-04-30T14:03:25Z or with an offset, e.g. 2024-04-30T15:03:25+01:00 with the + encoded as %%2B), a UTC date-time 2024-04-30T14:03:25, or a date 2024-04-30", name, v)
}

// dateRange reads fromDate (inclusive) and toDate (exclusive) as unix µs;
// absent bounds are math.MinInt64 / math.MaxInt64.
func dateRange(q url.Values) (from, to int64, hasFrom, hasTo bool, err error) {
	from, to = math.MinInt64, math.MaxInt64
	if v := q.Get("fromDate"); strings.TrimSpace(v) != "" {
		t, e := parseDate("fromDate", v)
		if e != nil {
			return 0, 0, false, false, e
		}
		from, hasFrom = toMicros(t), true
	}
	if v := q.Get("toDate"); strings.TrimSpace(v) != "" {
		t, e := parseDate("toDate", v)
		if e != nil {
			return 0, 0, false, false, e
		}
		to, hasTo = toMicros(t), true
	}
	if hasFrom && hasTo && from > to {
		return 0, 0, false, false, errors.New("fromDate is after toDate: fromDate is inclusive, toDate exclusive, and fromDate must not be later than toDate")
	}
	return from, to, hasFrom, hasTo, nil
}

// queryID reads an optional id query parameter. ok is false when the
// parameter is present but is not a UUID (an error was written).
func queryID(w http.ResponseWriter, q url.Values, name string) (id uuid, present, ok bool) {
	v := strings.TrimSpace(q.Get(name))
	if v == "" {
		return uuid{}, false, true
	}
	id, valid := parseUUID(v)
	if !valid {
		badRequest(w, "%s %q is not a valid id: ids are UUIDs like 3aa9eb0c-7e55-4e98-9ce7-bd6d241d0ad4", name, v)
		return uuid{}, true, false
	}
	return id, true, true
}

// pathID reads the {id} path value; a malformed id is a 400.
func pathID(w http.ResponseWriter, r *http.Request, what string) (uuid, bool) {
	v := r.PathValue("id")
	id, ok := parseUUID(v)
	if !ok {
		badRequest(w, "%q is not a valid %s id: ids are UUIDs like 3aa9eb0c-7e55-4e98-9ce7-bd6d241d0ad4", v, what)
	}
	return id, ok
}

// bodyID reads an id field of a request body. Empty is allowed when
// optional; a malformed id is a 400 (written) and ok is false.
func bodyID(w http.ResponseWriter, field, v string, required bool) (id uuid, present, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		if required {
			badRequest(w, "%s is required", field)
			return uuid{}, false, false
		}
		return uuid{}, false, true
	}
	id, valid := parseUUID(v)
	if !valid {
		badRequest(w, "%s %q is not a valid id: ids are UUIDs like 3aa9eb0c-7e55-4e98-9ce7-bd6d241d0ad4", field, v)
		return uuid{}, true, false
	}
	return id, true, true
}
