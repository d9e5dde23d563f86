package httpkit

import (
	"net/url"
	"testing"
)

// The transport rule: https and wss anywhere, plain http and ws only to
// this machine.
func TestSecureURL(t *testing.T) {
	for _, tt := range []struct {
		raw  string
		want bool
	}{
		{"https://api.msgboxx.io/v1", true},
		{"wss://websockets-acme.getchat.app/", true},
		{"http://127.0.0.1:8088/", true},
		{"http://127.9.9.9/", true},
		{"ws://localhost:9000/", true},
		{"http://LOCALHOST/", true},
		{"http://[::1]:8080/", true},
		{"http://api.msgboxx.io/", false},
		{"ws://10.0.0.1/", false},
		{"http://127.0.0.1.evil.example/", false},
		{"http://localhost.evil.example/", false},
		{"http://[::ffff:10.0.0.1]/", false},
		{"ftp://127.0.0.1/", false},
		{"file:///etc/passwd", false},
		{"https:///nohost", false},
		{"https://:443/", false},
		{"javascript:alert(1)", false},
	} {
		u, err := url.Parse(tt.raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := SecureURL(u); got != tt.want {
			t.Errorf("SecureURL(%s) = %v, want %v", tt.raw, got, tt.want)
		}
	}
	for _, h := range []string{"localhost", "127.0.0.1", "::1", "[::1]"} {
		if !IsLoopbackHost(h) {
			t.Errorf("IsLoopbackHost(%q) = false", h)
		}
	}
}
