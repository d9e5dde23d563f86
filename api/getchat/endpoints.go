package getchat

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/mbx-inbox/mbx/api/internal/httpkit"
)

// Paths of the endpoints mbx uses, relative to the account's base URL
// (https://HOST/). The table in doc.go gives the source of each.
const (
	PathPrefix          = "/api/v1/"
	PathLogin           = "/api/v1/auth/token/"
	PathCurrentUser     = "/api/v1/users/current/"
	PathUsers           = "/api/v1/users/"
	PathGroups          = "/api/v1/groups/"
	PathChats           = "/api/v1/chats/"
	PathMessages        = "/api/v1/messages/"
	PathMarkAsReceived  = "/api/v1/mark_as_received/"
	PathChatTagging     = "/api/v1/chat_tagging/"
	PathChatTagEvents   = "/api/v1/chat_tagging_events/"
	PathAssignEvents    = "/api/v1/chat_assignment_events/"
	PathTags            = "/api/v1/tags/"
	PathSavedResponses  = "/api/v1/saved_responses/"
	PathTemplates       = "/api/v1/templates/"
	PathMedia           = "/api/v1/media/"
	PathPersons         = "/api/v1/persons/"
	PathWhatsAppAccount = "/api/v1/whatsapp_accounts/"
)

// ChatPath is /api/v1/chats/{wa_id}/.
func ChatPath(waID string) string { return PathChats + url.PathEscape(waID) + "/" }

// ResolvePath is /api/v1/chats/{wa_id}/resolve: no trailing slash, as the
// web client sends it (every other path has one).
func ResolvePath(waID string) string { return PathChats + url.PathEscape(waID) + "/resolve" }

// AssignmentPath is /api/v1/chat_assignment/{wa_id}/ (GET, PUT, PATCH).
func AssignmentPath(waID string) string {
	return "/api/v1/chat_assignment/" + url.PathEscape(waID) + "/"
}

// ChatTaggingPath is /api/v1/chat_tagging/{id}/ (DELETE untags).
func ChatTaggingPath(id Int) string {
	return PathChatTagging + strconv.FormatInt(int64(id), 10) + "/"
}

// SavedResponsePath is /api/v1/saved_responses/{id}/.
func SavedResponsePath(id Int) string {
	return PathSavedResponses + strconv.FormatInt(int64(id), 10) + "/"
}

// MediaPath is /api/v1/media/{id}/.
func MediaPath(id string) string { return PathMedia + url.PathEscape(id) + "/" }

// IsLoopback reports whether host (without port) is 127.0.0.0/8, ::1 or
// localhost: the only hosts spoken to over plain http or ws
// (httpkit.IsLoopbackHost, the one rule).
func IsLoopback(host string) bool { return httpkit.IsLoopbackHost(host) }

// ErrUnsafeLink is wrapped by CheckLink's refusals.
var ErrUnsafeLink = errors.New("link refused")

// CheckLink resolves link (a paging next/previous or a media link) against
// the account's base URL and accepts it only if it stays on the same host
// and port and is https, or http on a loopback host. Anything else is
// refused with ErrUnsafeLink; the caller then builds the request itself
// from the base URL (the next page from limit and offset, a media file from
// its id).
func CheckLink(base *url.URL, link string) (*url.URL, error) {
	if base == nil {
		return nil, fmt.Errorf("%w: no base URL", ErrUnsafeLink)
	}
	u, err := url.Parse(strings.TrimSpace(link))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsafeLink, err)
	}
	u = base.ResolveReference(u)
	if u.User != nil {
		return nil, fmt.Errorf("%w: carries credentials", ErrUnsafeLink)
	}
	if !strings.EqualFold(u.Hostname(), base.Hostname()) || effectivePort(u) != effectivePort(base) {
		return nil, fmt.Errorf("%w: leaves %s for %s", ErrUnsafeLink, base.Host, u.Host)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("%w: not https", ErrUnsafeLink)
		}
		if !strings.EqualFold(base.Scheme, "http") {
			return nil, fmt.Errorf("%w: downgrades https to http", ErrUnsafeLink)
		}
	default:
		return nil, fmt.Errorf("%w: scheme %q", ErrUnsafeLink, u.Scheme)
	}
	return u, nil
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	switch strings.ToLower(u.Scheme) {
	case "https", "wss":
		return "443"
	case "http", "ws":
		return "80"
	}
	return ""
}

// WebsocketURL derives the websocket address from the account's base URL
// as the reference does: https://HOST[:PORT]/… → wss://websockets-HOST[:PORT]/.
// A loopback http base keeps its host and port: ws://HOST:PORT/ (the
// sandbox). Any other http base is refused, as is a base without a host.
func WebsocketURL(base string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", fmt.Errorf("websocket url: %w", err)
	}
	if u.Hostname() == "" {
		return "", errors.New("websocket url: base URL has no host")
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		if IsLoopback(u.Hostname()) {
			return "wss://" + u.Host + "/", nil
		}
		return "wss://websockets-" + u.Host + "/", nil
	case "http":
		if !IsLoopback(u.Hostname()) {
			return "", errors.New("websocket url: plain http is only allowed on loopback")
		}
		return "ws://" + u.Host + "/", nil
	}
	return "", fmt.Errorf("websocket url: unsupported scheme %q", u.Scheme)
}
