package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
)

// TestSandboxWalkthrough runs `mbx sandbox --addr 127.0.0.1:0` and follows
// ../shared/docs/msgboxx-send-message-walkthrough.md over plain HTTP, as
// README's curl commands do: token, api account, contact by number (no +),
// and a message that the 24-hour rule lets through once the customer wrote.
func TestSandboxWalkthrough(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--seed", "3"}, pw, &stderr)
		pw.Close()
	}()
	defer func() {
		cancel()
		go io.Copy(io.Discard, pr)
		if code := <-done; code != 0 {
			t.Errorf("sandbox exited %d: %s", code, stderr.String())
		}
	}()

	lines := bufio.NewScanner(pr)
	var got []string
	for len(got) < 2 && lines.Scan() {
		got = append(got, lines.Text())
	}
	if len(got) != 2 {
		t.Fatalf("want two lines, got %q (stderr %s)", got, stderr.String())
	}
	m := regexp.MustCompile(`^listening (http://127\.0\.0\.1:\d+)$`).FindStringSubmatch(got[0])
	if m == nil {
		t.Fatalf("first line %q", got[0])
	}
	base := m[1]
	cred := strings.Fields(got[1])
	if len(cred) != 3 || cred[0] != "login" {
		t.Fatalf("second line %q", got[1])
	}

	do := func(method, path string, body any, token string, want int, out any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("content-type", "application/json")
		req.Header.Set("X-Calling-Application", "walkthrough")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, data, want)
		}
		if out != nil {
			if err := json.Unmarshal(data, out); err != nil {
				t.Fatalf("%s %s: %v in %s", method, path, err, data)
			}
		}
	}

	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresAt   string `json:"expires_at"`
	}
	do("POST", "/oauth/token", map[string]string{"username": cred[1], "password": cred[2]}, "", 200, &tok)
	if tok.AccessToken == "" || tok.ExpiresAt == "" {
		t.Fatalf("token %+v", tok)
	}
	var accounts struct {
		Items []struct {
			APIAccountID string `json:"apiAccountId"`
			PhoneNumber  string `json:"phoneNumber"`
		} `json:"items"`
		Paging struct{ RecordCount int } `json:"paging"`
	}
	do("GET", "/apiaccount", nil, tok.AccessToken, 200, &accounts)
	if len(accounts.Items) == 0 || accounts.Paging.RecordCount != len(accounts.Items) {
		t.Fatalf("accounts %+v", accounts)
	}
	acc := accounts.Items[0].APIAccountID

	var contacts struct {
		Items []struct {
			ContactID    string `json:"contactId"`
			MobileNumber string `json:"mobileNumber"`
		} `json:"items"`
	}
	do("GET", "/contact?apiAccountId="+acc, nil, tok.AccessToken, 200, &contacts)
	if len(contacts.Items) == 0 {
		t.Fatal("no contacts")
	}
	number := strings.TrimPrefix(contacts.Items[0].MobileNumber, "+")
	do("GET", "/contact?apiAccountId="+acc+"&mobileNumber="+url.QueryEscape(number), nil, tok.AccessToken, 200, &contacts)
	if len(contacts.Items) != 1 {
		t.Fatalf("contact by number %s: %+v", number, contacts)
	}

	// Find a contact whose window is open: one who wrote in the last 24h.
	var recent struct {
		Items []struct {
			MessageDirection string `json:"messageDirection"`
			APIAccountID     string `json:"apiAccountId"`
			DateTime         string `json:"dateTime"`
			Contact          struct {
				ContactID string `json:"contactId"`
			} `json:"contact"`
		} `json:"items"`
	}
	do("GET", "/message?fromDate="+url.QueryEscape(time.Now().Add(-20*time.Hour).UTC().Format(time.RFC3339)), nil, tok.AccessToken, 200, &recent)
	var open struct{ acc, contact string }
	for _, m := range recent.Items {
		if m.MessageDirection != "outgoing" {
			open.acc, open.contact = m.APIAccountID, m.Contact.ContactID
		}
	}
	if open.contact == "" {
		t.Fatal("demo data has no customer message in the last 20 hours")
	}
	var sent struct {
		MessageID string `json:"messageId"`
		Status    string `json:"status"`
	}
	do("POST", "/message", map[string]string{"apiAccountId": open.acc, "contactId": open.contact,
		"message": "Hi John, that sounds good progress, keep me informed please."}, tok.AccessToken, 201, &sent)
	if sent.MessageID == "" {
		t.Fatalf("sent %+v", sent)
	}
	do("GET", "/message/"+sent.MessageID, nil, tok.AccessToken, 200, &sent)
	if sent.Status == "" {
		t.Fatal("the message has no status")
	}
	do("GET", "/apiaccount", nil, "", 401, nil)
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, 0, "mbx "},
		{[]string{"help"}, 0, "mbx sandbox"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"sandbox", "--addr", "0.0.0.0:0"}, 2, "not a loopback address"},
		{[]string{"sandbox", "--addr", "10.1.2.3:8088"}, 2, "not a loopback address"},
		{[]string{"sandbox", "--addr", "8088"}, 2, "not host:port"},
		{[]string{"sandbox", "extra"}, 2, "unexpected argument"},
		{[]string{"login", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"logout", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"logout", "-h"}, 0, "-base-url URL"}, // the same account flags as login
		{[]string{"config", "-h"}, 0, "-account name"},
		{[]string{"demo", "--status-step", "10ms"}, 2, "--status-step 10ms is too short: give at least 1s"},
		{[]string{"demo", "-h"}, 0, "-status-step pace"},
		{[]string{"demo"}, 2, "mbx demo: the inbox needs a terminal (standard output is not a terminal).\n  Run it in a terminal window"},
		{[]string{"config", "extra"}, 2, `mbx config: unexpected argument "extra"`},
		{[]string{"--nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"login", "-h"}, 0, "-account name"},
	}
	defer func(f func() string) { noTerminal = f }(noTerminal)
	noTerminal = func() string { return "standard output is not a terminal" }
	for _, tt := range tests {
		var out bytes.Buffer
		code := run(context.Background(), tt.args, &out, &out)
		if code != tt.code || !strings.Contains(out.String(), tt.out) {
			t.Errorf("mbx %v: exit %d, output %q; want %d and %q", tt.args, code, out.String(), tt.code, tt.out)
		}
	}
}

// testServer is a sandbox on loopback with no demo data.
func testServer(t *testing.T) (srv *sandbox.Server, baseURL, user, pass string) {
	t.Helper()
	srv = sandbox.New(sandbox.Config{Empty: true})
	hs := httptest.NewServer(srv)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	user, pass = srv.Credentials()
	return srv, hs.URL, user, pass
}

// testEnv is the machine of a test: kr as the keyring, no terminal.
func testEnv(kr keyringAPI) env {
	return env{keyring: kr, keyringTimeout: time.Minute, passwordCmdTimeout: 5 * time.Second,
		promptPassword: func(context.Context, string, io.Writer) (string, error) { return "", errNoTerminal }}
}

// mbx runs a command line with e and returns its exit code and output.
func mbx(t *testing.T, e env, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := runWith(context.Background(), args, &stdout, &stderr, e)
	return code, stdout.String(), stderr.String()
}

// storedTokenIn returns the token an account has in the fake keyring.
func storedTokenIn(t *testing.T, kr *fakeKeyring, name string) string {
	t.Helper()
	kr.mu.Lock()
	defer kr.mu.Unlock()
	var rec storedToken
	if err := json.Unmarshal([]byte(kr.items[keyringService+"/"+name]), &rec); err != nil || rec.Token == "" {
		t.Fatalf("no token for %s in the keyring (%v)", name, err)
	}
	return rec.Token
}

// TestLoginLogout: mbx login stores the token in the keyring, plain mbx
// would use it without a password, mbx config says where it is without
// showing it, mbx logout removes it; twice is fine.
func TestLoginLogout(t *testing.T) {
	_, state := setXDG(t)
	_, base, user, pass := testServer(t)
	writeConfig(t, "[accounts.work]\nbase_url = \""+base+"\"\nusername = \""+user+"\"\n")
	kr := newFakeKeyring()
	e := testEnv(kr)

	t.Setenv("MBX_PASSWORD", pass)
	code, out, errOut := mbx(t, e, "login")
	if code != 0 || out != "Logged in as "+user+" on "+base+"; token stored in the system keyring\n" {
		t.Fatalf("login: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	token := storedTokenIn(t, kr, "work")
	if _, err := os.Stat(filepath.Join(state, "mbx", "tokens", "work.json")); !errors.Is(err, os.ErrNotExist) {
		t.Error("a token file was written although the keyring works")
	}

	// The inbox's session uses the stored token: no password needed.
	t.Setenv("MBX_PASSWORD", "")
	cfg, _ := loadConfig(configPath())
	secrets := &secretSet{}
	var stderr bytes.Buffer
	sess, code := openSession(cfg, accountFlags{}, os.Getenv, newTokenStore(kr, time.Minute, secrets), e,
		slog.New(slog.DiscardHandler), secrets, &stderr)
	if sess == nil {
		t.Fatalf("openSession: %d %s", code, stderr.String())
	}
	if sess.hasPassword() || !sess.stored.tok.usable(time.Now()) {
		t.Fatalf("session: password %v, stored %v", sess.hasPassword(), sess.stored)
	}
	if _, err := sess.client.Teams(context.Background()); err != nil {
		t.Fatalf("a request with the stored token: %v", err)
	}

	code, out, errOut = mbx(t, e, "config")
	if code != 0 || !strings.Contains(out, "token         = stored in the system keyring") || !strings.Contains(out, "[accounts.work]") {
		t.Errorf("config: exit %d\n%s%s", code, out, errOut)
	}
	for _, leak := range []string{token, pass} {
		if strings.Contains(out+errOut, leak) {
			t.Errorf("mbx config shows a secret:\n%s", out)
		}
	}

	code, out, errOut = mbx(t, e, "logout")
	if code != 0 || out != "Logged out of work: removed the token from the system keyring.\n" || errOut != "" {
		t.Fatalf("logout: exit %d, %q, %q", code, out, errOut)
	}
	if kr.len() != 0 {
		t.Errorf("the keyring still holds %v", kr.items)
	}
	code, out, _ = mbx(t, e, "logout")
	if code != 0 || out != "Logged out of work: no token was stored.\n" {
		t.Errorf("second logout: exit %d, %q", code, out)
	}
	if code, out, _ = mbx(t, e, "config"); !strings.Contains(out, "token         = none") {
		t.Errorf("config after logout: %d\n%s", code, out)
	}
}

// TestLoginFileFallback: without a keyring (the D-Bus error of a headless
// machine), login writes a 0600 file; logout removes it.
func TestLoginFileFallback(t *testing.T) {
	_, state := setXDG(t)
	_, base, user, pass := testServer(t)
	kr := newFakeKeyring()
	kr.err = errors.New("The name org.freedesktop.secrets was not provided by any .service files")
	e := testEnv(kr)
	t.Setenv("MBX_PASSWORD", pass)
	path := filepath.Join(state, "mbx", "tokens", "default.json")

	code, out, errOut := mbx(t, e, "login", "--base-url", base, "--username", user)
	if code != 0 || out != "Logged in as "+user+" on "+base+"; token stored in "+path+" (no system keyring)\n" {
		t.Fatalf("login: exit %d, %q, %q", code, out, errOut)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("token file %v, %v", fi, err)
	}

	// Without flags or config, plain mbx finds the ad-hoc login.
	t.Setenv("MBX_PASSWORD", "")
	cfg, _ := loadConfig(configPath())
	if !cfg.firstRun(accountFlags{}, os.Getenv) {
		t.Fatal("firstRun with nothing configured")
	}
	acc, _ := cfg.resolve(accountFlags{}, os.Getenv)
	fillFromStored(&acc, newTokenStore(kr, time.Minute, nil))
	if acc.BaseURL != base || acc.Username != user || acc.complete(cfg) != nil {
		t.Errorf("ad-hoc account from the stored login: %+v", acc)
	}

	code, out, errOut = mbx(t, e, "logout")
	if code != 0 || out != "Logged out of default: removed the token from "+path+".\n" || !strings.Contains(errOut, "system keyring unavailable") {
		t.Fatalf("logout: exit %d, %q, %q", code, out, errOut)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Error("the token file is still there after logout")
	}
}

func TestLoginRefusals(t *testing.T) {
	setXDG(t)
	_, base, user, pass := testServer(t)
	writeConfig(t, "default_account = \"w\"\n[accounts.w]\nbase_url = \""+base+"\"\nusername = \""+user+"\"\n"+
		"[accounts.cmd]\nbase_url = \""+base+"\"\nusername = \""+user+"\"\npassword_cmd = \"printf '%s\\\\n' "+pass+"\"\n"+
		"[accounts.badcmd]\nbase_url = \""+base+"\"\nusername = \""+user+"\"\npassword_cmd = \"echo "+pass+" >&2; exit 7\"\n")
	kr := newFakeKeyring()
	e := testEnv(kr)

	t.Setenv("MBX_PASSWORD", "wrong-password-123")
	code, out, errOut := mbx(t, e, "login")
	if code != 1 || !strings.Contains(errOut, "mbx login: "+base+" refused the username or password for "+user+": check them and try again") {
		t.Errorf("wrong password: exit %d, %q, %q", code, out, errOut)
	}
	if strings.Contains(out+errOut, "wrong-password-123") || kr.len() != 0 {
		t.Errorf("wrong password: output %q, keyring %v", out+errOut, kr.items)
	}

	t.Setenv("MBX_PASSWORD", "")
	code, out, errOut = mbx(t, e, "login")
	if code != 2 || !strings.Contains(errOut, "not a terminal") || !strings.Contains(errOut, "MBX_PASSWORD") || !strings.Contains(errOut, "password_cmd") {
		t.Errorf("no terminal: exit %d, %q, %q", code, out, errOut)
	}

	typed := e
	var asked string
	typed.promptPassword = func(_ context.Context, prompt string, _ io.Writer) (string, error) { asked = prompt; return pass, nil }
	if code, out, errOut = mbx(t, typed, "login"); code != 0 || asked != "Password for "+user+" on "+base+": " {
		t.Errorf("prompt: exit %d, %q, %q, asked %q", code, out, errOut, asked)
	}

	if code, out, errOut = mbx(t, e, "login", "--account", "cmd"); code != 0 || !strings.Contains(out, "Logged in as") {
		t.Errorf("password_cmd: exit %d, %q, %q", code, out, errOut)
	}
	code, out, errOut = mbx(t, e, "login", "--account", "badcmd")
	if code != 1 || !strings.Contains(errOut, "password_cmd failed with exit code 7") || strings.Contains(errOut, pass) {
		t.Errorf("failing password_cmd: exit %d, %q, %q", code, out, errOut)
	}
	if code, _, errOut = mbx(t, e, "login", "--account", "nope"); code != 2 || !strings.Contains(errOut, `no account "nope"`) {
		t.Errorf("unknown account: exit %d, %q", code, errOut)
	}
	if code, _, errOut = mbx(t, e, "login", "--base-url", "http://example.com"); code != 2 || !strings.Contains(errOut, "only allowed for loopback") {
		t.Errorf("plain http: exit %d, %q", code, errOut)
	}
}

// TestSessionLoginAgain: a revoked token ends in "login required", not a
// loop; the inbox's Deps.Login with a wrong password says so, with the
// right one stores the new token.
// loggedInSession runs mbx login as user (password from MBX_PASSWORD),
// then opens the session plain mbx would, with no password source left:
// only the stored token, or what the agent types.
func loggedInSession(t *testing.T, kr keyringAPI, base, user, pass string) *session {
	t.Helper()
	e := testEnv(kr)
	t.Setenv("MBX_PASSWORD", pass)
	if code, _, errOut := mbx(t, e, "login", "--base-url", base, "--username", user); code != 0 {
		t.Fatal(errOut)
	}
	t.Setenv("MBX_PASSWORD", "")
	cfg, _ := loadConfig(configPath())
	secrets := &secretSet{}
	var stderr bytes.Buffer
	sess, _ := openSession(cfg, accountFlags{}, os.Getenv, newTokenStore(kr, time.Minute, secrets), e,
		slog.New(slog.DiscardHandler), secrets, &stderr)
	if sess == nil {
		t.Fatal(stderr.String())
	}
	return sess
}

func TestSessionLoginAgain(t *testing.T) {
	setXDG(t)
	srv, base, user, pass := testServer(t)
	kr := newFakeKeyring()
	sess := loggedInSession(t, kr, base, user, pass)
	old := storedTokenIn(t, kr, "default")
	srv.RevokeTokens()
	ctx := context.Background()
	_, err := sess.client.Teams(ctx)
	if !msgboxx.IsLoginRequired(err) {
		t.Fatalf("after a revocation: %v, want login required", err)
	}
	err = sess.login(ctx, "not-the-password")
	if err == nil || !strings.Contains(err.Error(), "refused the username or password") || strings.Contains(err.Error(), "not-the-password") {
		t.Fatalf("wrong typed password: %v", err)
	}
	if err := sess.login(ctx, pass); err != nil {
		t.Fatal(err)
	}
	if _, err := sess.client.Teams(ctx); err != nil {
		t.Fatalf("after logging in again: %v", err)
	}
	if now := storedTokenIn(t, kr, "default"); now == old {
		t.Error("the new token was not stored")
	}
	if sess.typed.get() != "" {
		t.Error("the typed password outlived the login")
	}
}

func TestFirstRun(t *testing.T) {
	configHome, _ := setXDG(t)
	kr := newFakeKeyring()
	code, out, errOut := mbx(t, testEnv(kr))
	if code != 2 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	for _, want := range []string{"no account configured", filepath.Join(configHome, "mbx", "config.toml"), "[accounts.work]", "mbx login", "mbx demo"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the hint lacks %q:\n%s", want, errOut)
		}
	}
	if n := strings.Count(errOut, "\n"); n > 10 {
		t.Errorf("the hint is %d lines long", n)
	}
	if _, err := os.Stat(configHome); !errors.Is(err, os.ErrNotExist) {
		t.Error("the first run created the config directory")
	}

	// Half an account: say what is missing, exit 2, no UI.
	t.Setenv("MBX_BASE_URL", "https://api.msgboxx.io")
	code, _, errOut = mbx(t, testEnv(kr))
	if code != 2 || !strings.Contains(errOut, "account default has no username") {
		t.Errorf("no username: exit %d, %q", code, errOut)
	}
	// A broken config file: file, line and key.
	t.Setenv("MBX_BASE_URL", "")
	path := writeConfig(t, "[accounts.w]\nbase_url = \"https://a\"\nusrname = \"x\"\n")
	for _, cmd := range [][]string{{}, {"login"}, {"logout"}, {"config"}, {"demo"}} {
		code, _, errOut = mbx(t, testEnv(kr), cmd...)
		if code != 2 || !strings.Contains(errOut, path+":3: accounts.w.usrname: unknown setting") {
			t.Errorf("mbx %v with a bad config: exit %d, %q", cmd, code, errOut)
		}
	}
}

// TestRedaction logs in with --debug, talks to the server through the
// client with the debug log, gets a token revoked and renewed, fails a
// login, and logs secrets on purpose under various keys: neither the
// password nor any token appears in the log file, the output or an error.
func TestRedaction(t *testing.T) {
	_, state := setXDG(t)
	srv, base, user, pass := testServer(t)
	const wrong = "wrong-pass-7f3a9c"
	kr := newFakeKeyring()
	e := testEnv(kr)
	var said []string // every output and error

	t.Setenv("MBX_PASSWORD", pass)
	code, out, errOut := mbx(t, e, "login", "--debug", "--base-url", base, "--username", user)
	said = append(said, out, errOut)
	if code != 0 {
		t.Fatalf("login: %s", errOut)
	}
	tokens := []string{storedTokenIn(t, kr, "default")}
	t.Setenv("MBX_PASSWORD", wrong)
	code, out, errOut = mbx(t, e, "login", "--debug", "--base-url", base, "--username", user)
	said = append(said, out, errOut)
	if code != 1 {
		t.Fatalf("wrong password: exit %d", code)
	}

	// The inbox's session, with the debug log: stored token, revoked,
	// renewed with MBX_PASSWORD, then a refused password.
	t.Setenv("MBX_PASSWORD", pass)
	secrets := &secretSet{}
	var stderr bytes.Buffer
	logger, closeLog := openLog(true, &stderr, secrets)
	cfg, _ := loadConfig(configPath())
	sess, _ := openSession(cfg, accountFlags{}, os.Getenv, newTokenStore(kr, time.Minute, secrets), e, logger, secrets, &stderr)
	if sess == nil {
		t.Fatal(stderr.String())
	}
	ctx := context.Background()
	if _, err := sess.client.Teams(ctx); err != nil {
		t.Fatal(err)
	}
	srv.RevokeTokens()
	if _, err := sess.client.Teams(ctx); err != nil {
		t.Fatalf("renewal with MBX_PASSWORD: %v", err)
	}
	tokens = append(tokens, storedTokenIn(t, kr, "default"))
	if err := sess.login(ctx, wrong); err != nil {
		said = append(said, err.Error())
	}
	srv.SetPassword(user, "changed-password-55")
	srv.RevokeTokens()
	_, err := sess.client.Teams(ctx)
	said = append(said, err.Error())
	if !msgboxx.IsLoginRequired(err) {
		t.Errorf("refused renewal: %v", err)
	}
	// And on purpose, the ways a careless line could carry them.
	tok := tokens[1]
	logger.Info("headers", "Authorization", "Bearer "+tok, "Cookie", "refreshToken=abc")
	logger.Debug("request", "url", base+"/message?access_token="+tok, "note", "sent Bearer "+tok)
	logger.Warn("failed", "err", errors.New("server said: "+tok+" is invalid for "+pass))
	logger.Info("login with "+pass, "cfg", map[string]string{"password": pass, "token": tok})
	closeLog()
	said = append(said, stderr.String())

	logData, err := os.ReadFile(filepath.Join(state, "mbx", "mbx.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(logData), "level=DEBUG") || !strings.Contains(string(logData), `op="GET /team"`) {
		t.Fatalf("the debug log lacks request lines:\n%s", logData)
	}
	for _, secret := range append(tokens, pass, wrong, "changed-password-55") {
		if strings.Contains(string(logData), secret) {
			t.Errorf("the log file contains %.12s…:\n%s", secret, logData)
		}
		for _, s := range said {
			if strings.Contains(s, secret) {
				t.Errorf("output or error contains %.12s…: %s", secret, s)
			}
		}
	}
}
