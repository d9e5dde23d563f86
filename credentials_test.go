package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zalando/go-keyring"
)

// fakeKeyring is an OS keyring in memory; err, when set, is what every
// call returns (a headless machine's D-Bus error).
type fakeKeyring struct {
	mu    sync.Mutex
	items map[string]string
	err   error
	calls int
}

func newFakeKeyring() *fakeKeyring { return &fakeKeyring{items: map[string]string{}} }

func (k *fakeKeyring) Get(service, user string) (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls++
	if k.err != nil {
		return "", k.err
	}
	v, ok := k.items[service+"/"+user]
	if !ok {
		return "", keyring.ErrNotFound
	}
	return v, nil
}

func (k *fakeKeyring) Set(service, user, secret string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls++
	if k.err != nil {
		return k.err
	}
	k.items[service+"/"+user] = secret
	return nil
}

func (k *fakeKeyring) Delete(service, user string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.calls++
	if k.err != nil {
		return k.err
	}
	if _, ok := k.items[service+"/"+user]; !ok {
		return keyring.ErrNotFound
	}
	delete(k.items, service+"/"+user)
	return nil
}

func (k *fakeKeyring) len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.items)
}

// hangingKeyring never answers until the test ends: a locked keyring.
type hangingKeyring struct{ release chan struct{} }

func newHangingKeyring(t *testing.T) *hangingKeyring {
	k := &hangingKeyring{release: make(chan struct{})}
	t.Cleanup(func() { close(k.release) })
	return k
}

func (k *hangingKeyring) Get(string, string) (string, error) {
	<-k.release
	return "", keyring.ErrNotFound
}
func (k *hangingKeyring) Set(string, string, string) error { <-k.release; return nil }
func (k *hangingKeyring) Delete(string, string) error      { <-k.release; return nil }

const testToken = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0ZXN0In0.c2lnbmF0dXJlLXRlc3Q"

func testAccount() account {
	return account{Name: "work", BaseURL: "http://127.0.0.1:8088", Username: "agent@demo.mbx"}
}

func testRecord() storedToken {
	a := testAccount()
	return storedToken{Account: a.Name, BaseURL: a.BaseURL, Username: a.Username, Token: testToken, Expiry: time.Now().Add(time.Hour).UTC()}
}

func TestTokenFilePermissions(t *testing.T) {
	_, state := setXDG(t)
	ts := newTokenStore(nil, 0, &secretSet{}) // no keyring: files only
	f, _, err := ts.save(testRecord())
	if err != nil || f.keyring {
		t.Fatalf("save = %+v, %v", f, err)
	}
	path := filepath.Join(state, "mbx", "tokens", "work.json")
	if f.path != path {
		t.Errorf("token file %s, want %s", f.path, path)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file mode %v, %v; want 0600", fi.Mode(), err)
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil || di.Mode().Perm() != 0o700 {
		t.Fatalf("token directory mode %v, %v; want 0700", di.Mode(), err)
	}
	var onDisk map[string]any
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &onDisk); err != nil || onDisk["token"] != testToken || onDisk["base_url"] != testAccount().BaseURL ||
		onDisk["username"] != testAccount().Username || onDisk["expiry"] == nil {
		t.Errorf("token file holds %s (%v)", data, err)
	}
	if strings.Contains(string(data), "password") {
		t.Error("the token file mentions a password")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("temporary files left beside the token: %v", entries)
	}

	got, ok, _, err := ts.load(testAccount())
	if err != nil || !ok || got.tok.Token != testToken || got.path != path {
		t.Fatalf("load = %+v, %v, %v", got, ok, err)
	}

	// Readable by others: refused, with the fix in the words.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, ok, _, err = ts.load(testAccount())
	if ok || err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "chmod 600 "+path) {
		t.Fatalf("a 0644 token file: ok %v, err %v; want a refusal with chmod 600 %s", ok, err, path)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Error("the refusal quotes the token")
	}
	// Writing again makes it private again.
	if _, _, err := ts.save(testRecord()); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("rewritten token file mode %v", fi.Mode())
	}

	// Damaged: refused without quoting it.
	os.WriteFile(path, []byte(`{"token":"`+testToken), 0o600)
	if _, _, _, err := ts.load(testAccount()); err == nil || strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "mbx logout") {
		t.Errorf("damaged file: %v", err)
	}

	r, _, err := ts.delete("work")
	if err != nil || r.path != path {
		t.Fatalf("delete = %+v, %v", r, err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("the token file is still there")
	}
}

func TestTokenMismatchIgnored(t *testing.T) {
	setXDG(t)
	ts := newTokenStore(newFakeKeyring(), time.Minute, &secretSet{})
	if _, _, err := ts.save(testRecord()); err != nil {
		t.Fatal(err)
	}
	for _, a := range []account{
		{Name: "work", BaseURL: "https://other.example", Username: "agent@demo.mbx"},
		{Name: "work", BaseURL: "http://127.0.0.1:8088", Username: "supervisor@demo.mbx"},
		{Name: "home", BaseURL: "http://127.0.0.1:8088", Username: "agent@demo.mbx"},
	} {
		f, ok, _, err := ts.load(a)
		if ok || err != nil {
			t.Errorf("load(%+v) = %v, %v: a token for another server, user or account must be ignored", a, ok, err)
		}
		if a.Name == "work" && !f.mismatch {
			t.Errorf("load(%+v) does not say a token for another is stored", a)
		}
	}
	a := testAccount()
	a.Username = "AGENT@demo.mbx"
	if _, ok, _, _ := ts.load(a); !ok {
		t.Error("usernames differing in case only are the same user")
	}
}

func TestKeyringPreferred(t *testing.T) {
	_, state := setXDG(t)
	kr := newFakeKeyring()
	ts := newTokenStore(kr, time.Minute, &secretSet{})
	// A file left by a login while the keyring was away is replaced.
	stale := filepath.Join(state, "mbx", "tokens", "work.json")
	if _, err := (&tokenStore{dir: ts.dir}).writeFile("work", []byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	f, kerr, err := ts.save(testRecord())
	if err != nil || kerr != nil || !f.keyring {
		t.Fatalf("save = %+v, %v, %v", f, kerr, err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Error("a stale token file remains after storing in the keyring")
	}
	if kr.len() != 1 || !strings.Contains(kr.items["mbx/work"], testToken) || !strings.Contains(kr.items["mbx/work"], `"base_url":"http://127.0.0.1:8088"`) {
		t.Errorf("keyring holds %v", kr.items)
	}
	got, ok, kerr, err := ts.load(testAccount())
	if !ok || err != nil || kerr != nil || !got.keyring || got.tok.Token != testToken {
		t.Fatalf("load = %+v, %v, %v, %v", got, ok, kerr, err)
	}
	r, kerr, err := ts.delete("work")
	if !r.keyring || r.path != "" || kerr != nil || err != nil || kr.len() != 0 {
		t.Fatalf("delete = %+v, %v, %v; keyring %v", r, kerr, err, kr.items)
	}
	// Again: nothing to do, no error.
	if r, kerr, err := ts.delete("work"); r.keyring || r.path != "" || kerr != nil || err != nil {
		t.Fatalf("second delete = %+v, %v, %v", r, kerr, err)
	}
}

func TestKeyringErrorFallsBackToFile(t *testing.T) {
	_, state := setXDG(t)
	kr := newFakeKeyring()
	kr.err = errors.New("failed to connect to the session bus: no D-Bus")
	ts := newTokenStore(kr, time.Minute, &secretSet{})
	f, kerr, err := ts.save(testRecord())
	if err != nil || f.keyring || f.path != filepath.Join(state, "mbx", "tokens", "work.json") {
		t.Fatalf("save = %+v, %v", f, err)
	}
	if !errors.Is(kerr, errNoKeyring) || !strings.Contains(kerr.Error(), "D-Bus") {
		t.Errorf("keyring error %v", kerr)
	}
	got, ok, kerr, err := ts.load(testAccount())
	if !ok || err != nil || got.keyring || got.tok.Token != testToken || !errors.Is(kerr, errNoKeyring) {
		t.Fatalf("load = %+v, %v, %v, %v", got, ok, kerr, err)
	}
	r, kerr, err := ts.delete("work")
	if err != nil || r.path == "" || r.keyring || !errors.Is(kerr, errNoKeyring) {
		t.Fatalf("delete = %+v, %v, %v", r, kerr, err)
	}
}

func TestKeyringNotFoundIsNotUnavailable(t *testing.T) {
	setXDG(t)
	ts := newTokenStore(newFakeKeyring(), time.Minute, &secretSet{})
	_, ok, kerr, err := ts.load(testAccount())
	if ok || kerr != nil || err != nil {
		t.Errorf("load with nothing stored = %v, %v, %v", ok, kerr, err)
	}
}

// TestKeyringTimeout: a keyring that never answers is abandoned after the
// timeout (50 ms here, 3 s in mbx) and the file is used.
func TestKeyringTimeout(t *testing.T) {
	setXDG(t)
	ts := newTokenStore(newHangingKeyring(t), 50*time.Millisecond, &secretSet{})
	start := time.Now()
	f, kerr, err := ts.save(testRecord())
	if err != nil || f.keyring || f.path == "" {
		t.Fatalf("save = %+v, %v", f, err)
	}
	if !errors.Is(kerr, errNoKeyring) || !strings.Contains(kerr.Error(), "no answer within 50ms") {
		t.Errorf("keyring error %v", kerr)
	}
	got, ok, kerr, err := ts.load(testAccount())
	if !ok || err != nil || got.tok.Token != testToken || !errors.Is(kerr, errNoKeyring) {
		t.Fatalf("load = %+v, %v, %v, %v", got, ok, kerr, err)
	}
	r, kerr, err := ts.delete("work")
	if err != nil || r.path == "" || !errors.Is(kerr, errNoKeyring) {
		t.Fatalf("delete = %+v, %v, %v", r, kerr, err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("three calls to a hung keyring took %v", d)
	}
}

func TestStoredTokenNeverPrints(t *testing.T) {
	rec := testRecord()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		if s := fmt.Sprintf(verb, rec); strings.Contains(s, testToken) || strings.Contains(s, "c2lnbmF0") {
			t.Errorf("%s prints the token: %s", verb, s)
		}
	}
	tp := &typedPassword{pw: "typed-secret"}
	for _, v := range []any{found{tok: rec}, &found{tok: rec}, []found{{tok: rec}}, tp, &session{envPassword: "env-secret", stored: found{tok: rec}}} {
		for _, verb := range []string{"%v", "%+v", "%#v"} {
			if s := fmt.Sprintf(verb, v); strings.Contains(s, testToken) || strings.Contains(s, "secret") {
				t.Errorf("%s of %T prints a secret: %s", verb, v, s)
			}
		}
	}
}

func TestPasswordCmd(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		cmd, want, err string
	}{
		{cmd: `printf 'hunter2-pass\n'`, want: "hunter2-pass"},
		{cmd: `printf 'with space \r\n'`, want: "with space "},
		{cmd: `printf 'two\n\n'`, want: "two\n"},
		{cmd: `printf nonewline`, want: "nonewline"},
		{cmd: `echo leaked-secret-on-stderr >&2; exit 3`, err: "password_cmd failed with exit code 3: run it yourself"},
		{cmd: `true`, err: "password_cmd printed nothing"},
		{cmd: `sleep 5`, err: "password_cmd did not finish within 100ms"},
	}
	for _, tt := range tests {
		got, err := runPasswordCmd(ctx, tt.cmd, 100*time.Millisecond)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: err = %v, want %q", tt.cmd, err, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), "leaked") {
				t.Errorf("%s: the error repeats the command's stderr: %v", tt.cmd, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("%s = %q, %v; want %q", tt.cmd, got, err, tt.want)
		}
	}
}

// A login made with --platform getchat keeps its platform: a later plain
// mbx for that unconfigured account opens get.chat, not msgboxx; a named
// platform still wins.
func TestStoredLoginKeepsItsPlatform(t *testing.T) {
	setXDG(t)
	ts := newTokenStore(nil, 0, &secretSet{})
	rec := testRecord()
	rec.Platform = platformGetchat
	if _, _, err := ts.save(rec); err != nil {
		t.Fatal(err)
	}
	plain := account{Name: rec.Account, Platform: platformMsgboxx}
	fillFromStored(&plain, ts)
	if plain.Platform != platformGetchat || plain.BaseURL != rec.BaseURL {
		t.Fatalf("plain mbx after a get.chat login: %+v", plain)
	}
	named := account{Name: rec.Account, Platform: platformMsgboxx, PlatformGiven: true}
	fillFromStored(&named, ts)
	if named.Platform != platformMsgboxx {
		t.Fatalf("a named platform lost to the stored one: %+v", named)
	}
}
