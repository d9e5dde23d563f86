package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/adrg/xdg"
	"github.com/zalando/go-keyring"

	"github.com/mbx-inbox/mbx/api/getchat"
	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/state"
)

// Token storage.
//
// A login's token is kept in the OS keyring (service "mbx", user the
// account name) and, when the keyring cannot be reached, in a file
// $XDG_STATE_HOME/mbx/tokens/NAME.json (0600 in a 0700 directory; a file
// others may read is refused). Both hold the same JSON record: the token,
// its expiry, and the base URL and username it was issued for — a token
// for another server or user is ignored. The password is never stored.
//
// Every keyring call runs under a timeout (a locked keyring can hang;
// the call is abandoned) and any keyring error but "not found" counts as
// "no keyring": on a headless machine the error is about D-Bus.

const (
	keyringService        = "mbx"
	defaultKeyringTimeout = 3 * time.Second
	tokenFileVersion      = 1
)

// keyringAPI is the part of the OS keyring mbx uses; tests fake it.
type keyringAPI interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
}

// systemKeyring is the OS keyring (Secret Service over D-Bus, macOS
// Keychain, Windows Credential Manager).
type systemKeyring struct{}

func (systemKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (systemKeyring) Set(service, user, secret string) error {
	return keyring.Set(service, user, secret)
}
func (systemKeyring) Delete(service, user string) error { return keyring.Delete(service, user) }

// storedToken is what is kept for an account. It never prints its token.
type storedToken struct {
	Version  int       `json:"version"`
	Account  string    `json:"account"`
	BaseURL  string    `json:"base_url"`
	Username string    `json:"username"`
	Platform string    `json:"platform,omitempty"` // "" in files from before get.chat: msgboxx
	Token    string    `json:"token"`
	Expiry   time.Time `json:"expiry,omitzero"`
	SavedAt  time.Time `json:"saved_at"`
}

func (t storedToken) String() string {
	return fmt.Sprintf("token of %s for %s on %s", t.Account, t.Username, t.BaseURL)
}
func (t storedToken) GoString() string { return t.String() }

// Format keeps %v, %+v and %#v from printing the token.
func (t storedToken) Format(f fmt.State, _ rune) { fmt.Fprint(f, t.String()) }

// matches reports whether t was issued for a's server and user.
func (t storedToken) matches(a account) bool {
	return t.Token != "" && t.BaseURL == a.BaseURL && strings.EqualFold(t.Username, a.Username)
}

// usable reports whether t is good for at least a minute more.
func (t storedToken) usable(now time.Time) bool {
	return t.Token != "" && (t.Expiry.IsZero() || now.Add(time.Minute).Before(t.Expiry))
}

// tokenStore keeps tokens in the keyring, or in files under dir.
type tokenStore struct {
	keyring keyringAPI    // nil: files only
	timeout time.Duration // for each keyring call
	dir     string        // token files
	now     func() time.Time
	secrets *secretSet            // told every token it reads or writes
	gone    atomic.Pointer[error] // set once the keyring failed in this run
}

func newTokenStore(kr keyringAPI, timeout time.Duration, secrets *secretSet) *tokenStore {
	if timeout <= 0 {
		timeout = defaultKeyringTimeout
	}
	return &tokenStore{keyring: kr, timeout: timeout, dir: filepath.Join(xdg.StateHome, "mbx", "tokens"),
		now: time.Now, secrets: secrets}
}

// errNoKeyring wraps every reason the keyring could not be used.
var errNoKeyring = errors.New("system keyring unavailable")

// keyringResult is what a keyring call gave.
type keyringResult struct {
	s   string
	err error
}

// call runs one keyring operation under the timeout. A hung call is
// abandoned (its goroutine ends whenever the keyring answers). Any error
// but "not found" (of a get or delete) means the keyring is unavailable.
func (ts *tokenStore) call(op string, f func() (string, error)) (string, error) {
	if ts.keyring == nil {
		return "", fmt.Errorf("%w: none configured", errNoKeyring)
	}
	if err := ts.gone.Load(); err != nil {
		return "", *err // found unusable earlier in this run: no new wait
	}
	ch := make(chan keyringResult, 1)
	go func() {
		s, err := f()
		ch <- keyringResult{s, err}
	}()
	t := time.NewTimer(ts.timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		if r.err == nil || (op != "set" && errors.Is(r.err, keyring.ErrNotFound)) {
			return r.s, r.err
		}
		// Whatever went wrong, the keyring is not usable now. Its words
		// go into messages: make sure they carry no secret.
		return "", ts.unusable(fmt.Errorf("%w: %s", errNoKeyring, ts.secrets.scrub(oneLine(r.err.Error()))))
	case <-t.C:
		return "", ts.unusable(fmt.Errorf("%w: no answer within %v (is it locked?)", errNoKeyring, ts.timeout))
	}
}

// unusable remembers that the keyring failed, so that the rest of the run
// goes straight to files instead of waiting out the timeout again (a
// token renewal, a second lookup at start).
func (ts *tokenStore) unusable(err error) error {
	ts.gone.CompareAndSwap(nil, &err)
	return err
}

// tokenPath is the fallback file of an account (names are checked by
// validName: no separators).
func (ts *tokenStore) tokenPath(name string) string { return filepath.Join(ts.dir, name+".json") }

// found is a token and where it was kept.
type found struct {
	tok      storedToken
	keyring  bool   // else path
	path     string // the file, when not the keyring
	mismatch bool   // a token is stored, but for another server or user
}

// Format keeps a found token from printing (fmt prints unexported fields
// without their own Format).
func (f found) Format(st fmt.State, _ rune) { fmt.Fprintf(st, "%v in %s", f.tok, f.where()) }

// where says where a token is, for people.
func (f found) where() string {
	if f.keyring {
		return "the system keyring"
	}
	return f.path
}

// load returns the newest stored token for a (keyring or file). ok is
// false when none matches a's server and user. A token file that others
// may read is an error; a keyring that cannot be reached is not (kr says
// why, for the log).
func (ts *tokenStore) load(a account) (f found, ok bool, kr error, err error) {
	var cands []found
	s, kerr := ts.call("get", func() (string, error) { return ts.keyring.Get(keyringService, a.Name) })
	switch {
	case kerr == nil:
		var t storedToken
		if json.Unmarshal([]byte(s), &t) == nil {
			cands = append(cands, found{tok: t, keyring: true})
		}
	case !errors.Is(kerr, keyring.ErrNotFound):
		kr = kerr
	}
	t, path, ferr := ts.readFile(a.Name)
	if ferr != nil {
		return found{}, false, kr, ferr
	}
	if t.Token != "" {
		cands = append(cands, found{tok: t, path: path})
	}
	var best found
	for _, c := range cands {
		ts.secrets.add(c.tok.Token)
		if !c.tok.matches(a) {
			if !ok {
				best = c
				best.mismatch = true
			}
			continue
		}
		if !ok || c.tok.SavedAt.After(best.tok.SavedAt) {
			best, ok = c, true
		}
	}
	return best, ok, kr, nil
}

// readFile reads an account's token file; none is no error.
func (ts *tokenStore) readFile(name string) (storedToken, string, error) {
	path := ts.tokenPath(name)
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return storedToken{}, path, nil
	}
	if err != nil {
		return storedToken{}, path, fmt.Errorf("reading the token file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return storedToken{}, path, fmt.Errorf("the token file %s is not a regular file: remove it (mbx logout does) and log in again", path)
	}
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return storedToken{}, path, fmt.Errorf("the token file %s may be read by others (mode %04o), so mbx will not use it: run chmod 600 %s, or mbx logout to delete it, and log in again if others may have read it",
			path, perm, path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return storedToken{}, path, fmt.Errorf("reading the token file: %w", err)
	}
	var t storedToken
	if err := json.Unmarshal(data, &t); err != nil {
		// Never quote the contents: they hold a token.
		return storedToken{}, path, fmt.Errorf("the token file %s is damaged: run mbx logout to delete it, then mbx login", path)
	}
	return t, path, nil
}

// save stores t for its account: in the keyring, else in the file. It
// returns where, and why the keyring was not used (for the log).
func (ts *tokenStore) save(t storedToken) (found, error, error) {
	t.Version = tokenFileVersion
	if t.SavedAt.IsZero() {
		t.SavedAt = ts.now().UTC()
	}
	ts.secrets.add(t.Token)
	data, err := json.Marshal(t)
	if err != nil {
		return found{}, nil, fmt.Errorf("encoding the token: %v", err)
	}
	_, kerr := ts.call("set", func() (string, error) { return "", ts.keyring.Set(keyringService, t.Account, string(data)) })
	if kerr == nil {
		// A token left in a file by an earlier login is stale now.
		_ = os.Remove(ts.tokenPath(t.Account))
		return found{tok: t, keyring: true}, nil, nil
	}
	path, err := ts.writeFile(t.Account, data)
	if err != nil {
		return found{}, kerr, err
	}
	return found{tok: t, path: path}, kerr, nil
}

// writeFile writes a token file atomically: a temporary file in the same
// 0700 directory, 0600 before anything is written, then renamed.
func (ts *tokenStore) writeFile(name string, data []byte) (string, error) {
	path := ts.tokenPath(name)
	if err := os.MkdirAll(ts.dir, 0o700); err != nil {
		return path, fmt.Errorf("creating %s for the token: %w", ts.dir, err)
	}
	if err := os.Chmod(ts.dir, 0o700); err != nil {
		return path, fmt.Errorf("making %s private: %w", ts.dir, err)
	}
	f, err := os.CreateTemp(ts.dir, "."+name+".*.tmp")
	if err != nil {
		return path, fmt.Errorf("writing the token file: %w", err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return path, fmt.Errorf("writing the token file: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		return path, fmt.Errorf("writing the token file: %w", err)
	}
	if err := f.Sync(); err != nil {
		return path, fmt.Errorf("writing the token file: %w", err)
	}
	if err := f.Close(); err != nil {
		return path, fmt.Errorf("writing the token file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return path, fmt.Errorf("writing the token file: %w", err)
	}
	ok = true
	return path, nil
}

// removed says what delete took away.
type removed struct {
	keyring bool   // a token was in the keyring
	path    string // the file removed, if any
}

// delete removes an account's token from the keyring and the file,
// whichever hold one. kr says why the keyring could not be asked (then a
// token stored there earlier may remain).
func (ts *tokenStore) delete(name string) (r removed, kr error, err error) {
	_, kerr := ts.call("delete", func() (string, error) { return "", ts.keyring.Delete(keyringService, name) })
	switch {
	case kerr == nil:
		r.keyring = true
	case !errors.Is(kerr, keyring.ErrNotFound):
		kr = kerr
	}
	path := ts.tokenPath(name)
	switch err := os.Remove(path); {
	case err == nil:
		r.path = path
	case !errors.Is(err, fs.ErrNotExist):
		return r, kr, fmt.Errorf("removing the token file: %w", err)
	}
	return r, kr, nil
}

// passwordCmdTimeout bounds a password_cmd.
const passwordCmdTimeout = 10 * time.Second

// runPasswordCmd runs an account's password_cmd with sh -c and returns
// its output without the trailing newline. Its stderr is never shown or
// logged (it might echo the secret); errors say how it ended.
func runPasswordCmd(ctx context.Context, command string, timeout time.Duration) (string, error) {
	if timeout <= 0 {
		timeout = passwordCmdTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", command)
	cmd.Stdin = nil // the inbox owns the terminal
	cmd.Stderr = nil
	cmd.WaitDelay = time.Second // a child holding stdout open does not keep us
	out, err := cmd.Output()
	if ctx.Err() == context.DeadlineExceeded {
		return "", fmt.Errorf("password_cmd did not finish within %v: run it yourself to see why", timeout)
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("password_cmd failed with exit code %d: run it yourself to see why", ee.ExitCode())
		}
		return "", fmt.Errorf("password_cmd could not be run: %v", err)
	}
	pw := strings.TrimSuffix(strings.TrimSuffix(string(out), "\n"), "\r")
	if pw == "" {
		return "", errors.New("password_cmd printed nothing: it must print the password on its standard output")
	}
	return pw, nil
}

// typedPassword holds a password typed into the inbox's login prompt for
// the length of one login.
type typedPassword struct {
	mu sync.Mutex
	pw string
}

func (t *typedPassword) Format(f fmt.State, _ rune) { fmt.Fprint(f, "typedPassword{…}") }

func (t *typedPassword) set(pw string) {
	t.mu.Lock()
	t.pw = pw
	t.mu.Unlock()
}

func (t *typedPassword) get() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.pw
}

// loginWords turns a failed login into a sentence without the password
// or token.
func loginWords(a account, err error) string {
	bad := msgboxx.IsBadCredentials(err)
	if a.Platform == platformGetchat {
		bad = getchat.IsUnauthorized(err)
	}
	if bad {
		return fmt.Sprintf("%s refused the username or password for %s: check them and try again", msgboxx.SafeURL(a.BaseURL), a.Username)
	}
	// The error carries the server's words: untrusted, through the one sanitizer.
	return fmt.Sprintf("could not log in to %s: %s", msgboxx.SafeURL(a.BaseURL), state.SanitizeLine(err.Error()))
}

func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}
