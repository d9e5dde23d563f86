//go:build unix

package main

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
)

// Finding 11 of issue 12: a named pipe (or anything else that is not a
// regular file) at the config path is refused at once with words — by
// mbx config and by every command that starts from the config — where
// reading it used to block until a writer came, Ctrl+C included.
func TestConfigPathNotARegularFile(t *testing.T) {
	tests := []struct {
		name string
		make func(t *testing.T, path string)
		what string
	}{
		{"named pipe", func(t *testing.T, path string) {
			if err := syscall.Mkfifo(path, 0o600); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
		}, "a named pipe (FIFO)"},
		{"symlink to a named pipe", func(t *testing.T, path string) {
			fifo := filepath.Join(t.TempDir(), "fifo")
			if err := syscall.Mkfifo(fifo, 0o600); err != nil {
				t.Skipf("no named pipes here: %v", err)
			}
			if err := os.Symlink(fifo, path); err != nil {
				t.Fatal(err)
			}
		}, "a named pipe (FIFO)"},
		{"directory", func(t *testing.T, path string) {
			if err := os.Mkdir(path, 0o700); err != nil {
				t.Fatal(err)
			}
		}, "a directory"},
		{"device", func(t *testing.T, path string) {
			if err := os.Symlink(os.DevNull, path); err != nil {
				t.Fatal(err)
			}
		}, "a device"},
		{"socket", func(t *testing.T, path string) {
			if len(path) > 100 {
				t.Skip("path too long for a unix socket")
			}
			l, err := net.Listen("unix", path)
			if err != nil {
				t.Skipf("no unix sockets here: %v", err)
			}
			t.Cleanup(func() { l.Close() })
		}, "a socket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			setXDG(t)
			path := configPath()
			if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
				t.Fatal(err)
			}
			tt.make(t, path)
			err := notBlocked(t, path, func() error { _, err := loadConfig(path); return err })
			if err == nil || !strings.Contains(err.Error(), path+" is "+tt.what+", not a file") || !strings.Contains(err.Error(), "regular file") {
				t.Errorf("loadConfig = %v, want a refusal naming %s", err, tt.what)
			}
			var code int
			var stderr string
			notBlocked(t, path, func() error {
				code, _, stderr = mbx(t, testEnv(newFakeKeyring()), "config")
				return nil
			})
			if code != 2 || !strings.Contains(stderr, "mbx config: "+path+" is "+tt.what) {
				t.Errorf("mbx config = %d, %q", code, stderr)
			}
		})
	}
}

// notBlocked runs read, which must not block on the named pipe at path:
// should it open the pipe and wait for a writer (the old behaviour), the
// test opens the writing end, which only succeeds while a reader waits,
// reports it and closes it, so the read ends with EOF instead of hanging.
func notBlocked(t *testing.T, path string, read func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- read() }()
	if fi, err := os.Stat(path); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		return <-done
	}
	for {
		select {
		case err := <-done:
			return err
		default:
		}
		w, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		switch {
		case err == nil:
			t.Error("the config file was opened and waited on")
			w.Close()
			return <-done
		case !errors.Is(err, syscall.ENXIO): // ENXIO: nobody reads the pipe (yet)
			t.Fatalf("opening the pipe to write: %v", err)
		}
		runtime.Gosched()
	}
}
