package state

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"syscall"
	"testing"
	"time"
)

// TestCause: why the platform cannot be reached, in words, never the
// transport's own line.
func TestCause(t *testing.T) {
	dial := func(errno error) error {
		return &BackendError{Kind: KindTemporary, Op: "GET /message", Err: fmt.Errorf("msgboxx: GET /message: %w",
			&net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8088}, Err: os.NewSyscallError("connect", errno)})}
	}
	tests := []struct {
		err  error
		want string
	}{
		{dial(syscall.ECONNREFUSED), "connection refused"},
		{dial(syscall.ECONNRESET), "connection reset"},
		{dial(syscall.ENETUNREACH), "network unreachable"},
		{&BackendError{Kind: KindTemporary, Err: &net.DNSError{Err: "no such host", Name: "api.msgboxx.io", IsNotFound: true}}, "cannot find api.msgboxx.io"},
		{&BackendError{Kind: KindTemporary, Err: fmt.Errorf("no answer in time: %w", context.DeadlineExceeded)}, "no answer in time"},
		{&BackendError{Kind: KindTemporary, Message: "the server is restarting"}, "the server is restarting"},
		{&BackendError{Kind: KindTemporary, RetryAfter: 30 * time.Second}, "the platform asked us to slow down; trying again in under 1m"},
		{errors.New("something else"), "something else"},
	}
	for _, tt := range tests {
		if got := Cause(tt.err); got != tt.want {
			t.Errorf("Cause(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
}
