package main

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

type secretStringer struct{ s string }

func (v secretStringer) String() string { return "value " + v.s }

func TestRedactAttr(t *testing.T) {
	const pw = "correct-horse-battery"
	secrets := &secretSet{}
	secrets.add(pw)
	secrets.add("abc") // too short to scrub literally
	tests := []struct {
		name string
		log  func(l *slog.Logger)
		want string // must appear (what remains readable)
	}{
		{"token attr", func(l *slog.Logger) { l.Info("x", "token", testToken) }, "token=[REDACTED]"},
		{"access_token attr", func(l *slog.Logger) { l.Info("x", "Access_Token", "opaque-123456") }, "Access_Token=[REDACTED]"},
		{"authorization header", func(l *slog.Logger) { l.Info("x", "Authorization", "Bearer opaque-123456") }, "Authorization=[REDACTED]"},
		{"password attr", func(l *slog.Logger) { l.Info("x", "password", pw) }, "password=[REDACTED]"},
		{"secret, cookie", func(l *slog.Logger) { l.Info("x", "client_secret", "opaque-123456", "Set-Cookie", "opaque-123456") }, "client_secret=[REDACTED] Set-Cookie=[REDACTED]"},
		{"group named token", func(l *slog.Logger) { l.Info("x", slog.Group("token", "value", "opaque-123456")) }, "token.value=[REDACTED]"},
		{"bearer inside text", func(l *slog.Logger) { l.Info("x", "header", "sent: Bearer opaque-123456 to the server") }, "Bearer [REDACTED] to the server"},
		{"bearer in the message", func(l *slog.Logger) { l.Info("GET with bearer opaque-123456") }, "bearer [REDACTED]"},
		{"JWT inside text", func(l *slog.Logger) { l.Info("x", "note", "got "+testToken+" back") }, "got [REDACTED] back"},
		{"JWT in an error", func(l *slog.Logger) { l.Warn("x", "err", fmt.Errorf("refused %s", testToken)) }, "refused [REDACTED]"},
		{"known password in an error", func(l *slog.Logger) { l.Warn("x", "err", errors.New("login "+pw+" failed")) }, "login [REDACTED] failed"},
		{"known password in a Stringer", func(l *slog.Logger) { l.Info("x", "v", secretStringer{pw}) }, "value [REDACTED]"},
		{"known password in bytes", func(l *slog.Logger) { l.Info("x", "body", []byte(`{"p":"`+pw+`"}`)) }, `[REDACTED]`},
		{"secret in a query", func(l *slog.Logger) { l.Info("x", "url", "https://a/b?x=1&access_token=opaque-123456&y=2") }, "x=1&access_token=[REDACTED]&y=2"},
		{"secret in JSON", func(l *slog.Logger) { l.Info("x", "body", `{"access_token": "opaque-123456", "n": 1}`) }, `\"access_token\": \"[REDACTED]\", \"n\": 1`},
		{"secret in a printed struct", func(l *slog.Logger) {
			l.Info("x", "v", struct{ Name, Token string }{"n", "opaque-123456"})
		}, "{Name:n Token:[REDACTED]}"},
		{"words about tokens stay", func(l *slog.Logger) { l.Info("token stored", "tokens_dir", "/x") }, `msg="token stored" tokens_dir=[REDACTED]`},
		{"With attrs", func(l *slog.Logger) { l.With("password", pw).Info("x") }, "password=[REDACTED]"},
		{"short secrets stay", func(l *slog.Logger) { l.Info("x", "word", "abcdef") }, "word=abcdef"},
		{"ordinary attrs stay", func(l *slog.Logger) { l.Info("request", "op", "GET /message", "status", 200) }, `msg=request op="GET /message" status=200`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			tt.log(slog.New(newLogHandler(&buf, slog.LevelDebug, secrets)))
			out := buf.String()
			for _, leak := range []string{testToken, "eyJ", "opaque-123456", pw} {
				if strings.Contains(out, leak) {
					t.Errorf("log line leaks %q: %s", leak, out)
				}
			}
			if !strings.Contains(out, tt.want) {
				t.Errorf("log line %s lacks %q", out, tt.want)
			}
		})
	}
}

func TestLogFileIsPrivate(t *testing.T) {
	_, state := setXDG(t)
	path := filepath.Join(state, "mbx", "mbx.log")
	os.MkdirAll(filepath.Dir(path), 0o755)
	if err := os.WriteFile(path, []byte("old line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	logger, closeLog := openLog(true, &stderr, nil)
	logger.Debug("hello", "token", testToken)
	closeLog()
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("log file mode %v, %v; want 0600", fi.Mode(), err)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "old line") || !strings.Contains(string(data), "level=DEBUG msg=hello token=[REDACTED]") {
		t.Errorf("log file: %s", data)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr: %s", stderr.String())
	}

	// A symlink planted where the log goes is not followed.
	os.Remove(path)
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.Symlink(target, path); err != nil {
		t.Skip(err)
	}
	logger, closeLog = openLog(false, &stderr, nil)
	logger.Info("x")
	closeLog()
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Error("the log followed a symlink")
	}
	if !strings.Contains(stderr.String(), "not a regular file") {
		t.Errorf("stderr: %q", stderr.String())
	}
}
