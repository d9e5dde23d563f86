package getchat

import (
	"errors"
	"net/url"
	"testing"
)

func TestPaths(t *testing.T) {
	tests := map[string]string{
		ChatPath("48123123123"):       "/api/v1/chats/48123123123/",
		ChatPath("a/b?c"):             "/api/v1/chats/a%2Fb%3Fc/",
		ResolvePath("481"):            "/api/v1/chats/481/resolve",
		AssignmentPath("481"):         "/api/v1/chat_assignment/481/",
		ChatTaggingPath(91):           "/api/v1/chat_tagging/91/",
		SavedResponsePath(3):          "/api/v1/saved_responses/3/",
		MediaPath("20854d67-189e/.."): "/api/v1/media/20854d67-189e%2F../",
	}
	for got, want := range tests {
		if got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func TestCheckLink(t *testing.T) {
	prod, _ := url.Parse("https://inbox.example.com/")
	prodPort, _ := url.Parse("https://inbox.example.com:8443/")
	local, _ := url.Parse("http://127.0.0.1:8088/")
	tests := []struct {
		base *url.URL
		link string
		want string // "" for refused
	}{
		{prod, "https://inbox.example.com/api/v1/chats/?limit=100&offset=100", "https://inbox.example.com/api/v1/chats/?limit=100&offset=100"},
		{prod, "/api/v1/chats/?offset=100", "https://inbox.example.com/api/v1/chats/?offset=100"},
		{prod, "https://INBOX.example.com:443/api/v1/chats/", "https://INBOX.example.com:443/api/v1/chats/"},
		// The docs' own example: http on the account's host.
		{prod, "http://inbox.example.com/api/v1/messages/?wa_id=48123123123/&limit=1&offset=1", ""},
		{prod, "https://evil.example.net/api/v1/chats/", ""},
		{prod, "https://inbox.example.com.evil.net/api/v1/chats/", ""},
		{prod, "https://user:pw@inbox.example.com/api/v1/chats/", ""},
		{prod, "https://inbox.example.com:444/api/v1/chats/", ""},
		{prod, "//evil.example.net/x", ""},
		{prod, "javascript:alert(1)", ""},
		{prod, "file:///etc/passwd", ""},
		{prod, "http://127.0.0.1:8088/api/v1/chats/", ""},
		{prodPort, "https://inbox.example.com:8443/api/v1/chats/", "https://inbox.example.com:8443/api/v1/chats/"},
		{prodPort, "https://inbox.example.com/api/v1/chats/", ""},
		{local, "http://127.0.0.1:8088/api/v1/chats/?offset=2", "http://127.0.0.1:8088/api/v1/chats/?offset=2"},
		{local, "http://127.0.0.1:9999/api/v1/chats/", ""},
		{local, "http://localhost:8088/api/v1/chats/", ""},
		{nil, "https://inbox.example.com/", ""},
		{prod, "https://inbox.example.com/%zz", ""},
	}
	for _, tt := range tests {
		u, err := CheckLink(tt.base, tt.link)
		switch {
		case tt.want == "" && err == nil:
			t.Errorf("%v + %q: accepted %v", tt.base, tt.link, u)
		case tt.want == "" && !errors.Is(err, ErrUnsafeLink):
			t.Errorf("%v + %q: error %v does not wrap ErrUnsafeLink", tt.base, tt.link, err)
		case tt.want != "" && (err != nil || u.String() != tt.want):
			t.Errorf("%v + %q: %v %v, want %s", tt.base, tt.link, u, err, tt.want)
		}
	}
}

func TestWebsocketURL(t *testing.T) {
	tests := []struct{ base, want string }{
		{"https://inbox.example.com/", "wss://websockets-inbox.example.com/"},
		{"https://inbox.example.com/api/v1/", "wss://websockets-inbox.example.com/"},
		{"https://inbox.example.com:8443", "wss://websockets-inbox.example.com:8443/"},
		{"http://127.0.0.1:8088/", "ws://127.0.0.1:8088/"},
		{"http://localhost:8088/api/v1/", "ws://localhost:8088/"},
		{"http://[::1]:8088", "ws://[::1]:8088/"},
		{"https://127.0.0.1:8443/", "wss://127.0.0.1:8443/"},
		{"http://inbox.example.com/", ""},
		{"ftp://inbox.example.com/", ""},
		{"inbox.example.com", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, err := WebsocketURL(tt.base)
		if (tt.want == "") != (err != nil) || got != tt.want {
			t.Errorf("%q: %q %v, want %q", tt.base, got, err, tt.want)
		}
	}
}
