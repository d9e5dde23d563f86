package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"

	"github.com/adrg/xdg"
)

// logPath is the log file: $XDG_STATE_HOME/mbx/mbx.log.
func logPath() string { return filepath.Join(xdg.StateHome, "mbx", "mbx.log") }

// openLog opens the log file (0600, never the terminal the UI draws on)
// with a handler that redacts secrets (see redactAttr). debug logs every
// request. Without a writable file, logs are dropped.
func openLog(debug bool, stderr io.Writer, secrets *secretSet) (*slog.Logger, func()) {
	f, err := openLogFile(logPath())
	if err != nil {
		fmt.Fprintf(stderr, "mbx: no log file (%v); continuing without logs\n", err)
		return slog.New(slog.DiscardHandler), func() {}
	}
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(newLogHandler(f, level, secrets)), func() { f.Close() }
}

// openLogFile opens path for appending, private to its owner: a log file
// others could read is made private (it is ours), a symlink is refused.
func openLogFile(path string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if fi, err := os.Lstat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file: remove it", path)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" {
		fi, err := f.Stat()
		if err == nil && fi.Mode().Perm()&0o077 != 0 {
			err = f.Chmod(0o600)
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("making %s private: %w", path, err)
		}
	}
	return f, nil
}

// newLogHandler is a text handler whose every attribute passes redactAttr.
func newLogHandler(w io.Writer, level slog.Leveler, secrets *secretSet) slog.Handler {
	return slog.NewTextHandler(w, &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr(secrets)})
}

const redacted = "[REDACTED]"

// sensitiveKey reports attribute keys whose values are secrets.
func sensitiveKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range []string{"token", "authorization", "password", "passwd", "secret", "cookie", "bearer", "credential", "api_key", "apikey"} {
		if strings.Contains(k, s) {
			return true
		}
	}
	return false
}

// redactAttr is the log handler's ReplaceAttr: the value of a key that
// names a secret (token, access_token, authorization, password, secret,
// cookie, bearer, …, in any case) is replaced; every other value is
// written as text with bearer credentials, JWT-like strings and the
// secrets mbx knows (passwords and tokens it has handled) scrubbed.
func redactAttr(secrets *secretSet) func(groups []string, a slog.Attr) slog.Attr {
	return func(groups []string, a slog.Attr) slog.Attr {
		sensitive := sensitiveKey(a.Key)
		for _, g := range groups {
			sensitive = sensitive || sensitiveKey(g)
		}
		if sensitive {
			return slog.String(a.Key, redacted)
		}
		switch a.Value.Kind() {
		case slog.KindString:
			if s := a.Value.String(); s != "" {
				a.Value = slog.StringValue(secrets.scrub(s))
			}
		case slog.KindAny:
			var s string
			switch v := a.Value.Any().(type) {
			case error:
				s = v.Error()
			case fmt.Stringer:
				s = v.String()
			case []byte:
				s = string(v)
			default:
				s = fmt.Sprintf("%+v", v)
			}
			a.Value = slog.StringValue(secrets.scrub(s))
		}
		return a
	}
}

var (
	bearerRE = regexp.MustCompile(`(?i)\b(bearer)(\s+|%20)[A-Za-z0-9\-._~+/]+=*`)
	jwtRE    = regexp.MustCompile(`eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*)?`)
	// token=…, "password": "…", Token:… (a struct printed with %+v)
	paramRE = regexp.MustCompile(`(?i)\b((?:access_|refresh_|id_)?token|password|passwd|secret)("?\s*[:=]\s*"?)[^&\s"',}]+`)
)

// secretSet is the passwords and tokens this process has handled, to
// scrub from anything logged; with the patterns for bearer credentials and
// JWTs it redacts secrets whatever attribute carries them. The zero value
// and nil are usable.
type secretSet struct {
	mu   sync.RWMutex
	vals []string
}

// minSecret: shorter strings are not scrubbed literally (they would mangle
// every line); the key and pattern rules still apply to them.
const minSecret = 4

func (s *secretSet) add(v string) {
	if s == nil || len(v) < minSecret {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.vals {
		if x == v {
			return
		}
	}
	s.vals = append(s.vals, v)
}

// scrub returns text with every secret replaced.
func (s *secretSet) scrub(text string) string {
	text = bearerRE.ReplaceAllString(text, "$1 "+redacted)
	text = jwtRE.ReplaceAllString(text, redacted)
	text = paramRE.ReplaceAllString(text, "${1}${2}"+redacted)
	if s == nil {
		return text
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, v := range s.vals {
		text = strings.ReplaceAll(text, v, redacted)
	}
	return text
}
