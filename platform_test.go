package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	gcsandbox "github.com/mbx-inbox/mbx/api/getchat/sandbox"
)

// mbx sandbox --platform getchat prints exactly three lines first, for
// scripts, and serves get.chat's API at the first one.
func TestGetchatSandboxCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"sandbox", "--platform", "getchat", "--addr", "127.0.0.1:0", "--seed", "2"}, pw, &stderr)
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
	for len(got) < 3 && lines.Scan() {
		got = append(got, lines.Text())
	}
	if len(got) != 3 {
		t.Fatalf("want three lines, got %q (stderr %s)", got, stderr.String())
	}
	m := regexp.MustCompile(`^listening (http://127\.0\.0\.1:(\d+))$`).FindStringSubmatch(got[0])
	if m == nil {
		t.Fatalf("first line %q", got[0])
	}
	cred := strings.Fields(got[1])
	if len(cred) != 3 || cred[0] != "login" {
		t.Fatalf("second line %q", got[1])
	}
	if want := "websocket ws://127.0.0.1:" + m[2] + "/"; got[2] != want {
		t.Fatalf("third line %q, want %q", got[2], want)
	}
	body, _ := json.Marshal(map[string]string{"username": cred[1], "password": cred[2]})
	resp, err := http.Post(m[1]+"/api/v1/auth/token/", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 || tok.Token == "" {
		t.Fatalf("login with the printed credentials: %d %v %+v", resp.StatusCode, err, tok)
	}
}

func TestPlatformFlag(t *testing.T) {
	tests := []struct {
		args []string
		want string
		err  bool
	}{
		{nil, platformMsgboxx, false},
		{[]string{"--seed", "3"}, platformMsgboxx, false},
		{[]string{"--platform", "getchat"}, platformGetchat, false},
		{[]string{"--platform=GetChat"}, platformGetchat, false},
		{[]string{"-platform", "msgboxx"}, platformMsgboxx, false},
		{[]string{"--platform"}, "", true},
		{[]string{"--platform", "whatsapp"}, "", true},
		{[]string{"--", "--platform", "getchat"}, platformMsgboxx, false},
	}
	for _, tt := range tests {
		got, err := platformOf(tt.args)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("platformOf(%q) = %q, %v; want %q (error %v)", tt.args, got, err, tt.want, tt.err)
		}
	}
}

// A get.chat account in config.toml: its platform, a websocket override
// that must be wss (or ws on loopback), and what is refused with words.
func TestGetchatAccountConfig(t *testing.T) {
	tests := []struct {
		name, file string
		err        string
		platform   string
		ws         string
	}{
		{name: "default platform", file: "[accounts.a]\nbase_url = \"https://x.example\"\nusername = \"u\"\n", platform: platformMsgboxx},
		{name: "getchat", file: "[accounts.a]\nplatform = \"getchat\"\nbase_url = \"https://acme.getchat.app\"\nusername = \"u\"\n", platform: platformGetchat},
		{name: "websocket override", file: "[accounts.a]\nplatform = \"getchat\"\nbase_url = \"https://acme.getchat.app\"\nusername = \"u\"\nwebsocket_url = \"wss://ws.acme.example/\"\n",
			platform: platformGetchat, ws: "wss://ws.acme.example/"},
		{name: "unknown platform", file: "[accounts.a]\nplatform = \"whatsapp\"\n", err: `config.toml:2: accounts.a.platform: "whatsapp": give "msgboxx" (the default) or "getchat"`},
		{name: "plain ws off loopback", file: "[accounts.a]\nplatform = \"getchat\"\nwebsocket_url = \"ws://ws.acme.example/\"\n", err: "plain ws:// is allowed only on this machine"},
		{name: "credentials in the websocket address", file: "[accounts.a]\nwebsocket_url = \"wss://u:secret@ws.acme.example/\"\n", err: "must not carry a user or password"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig("config.toml", []byte(tt.file))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "secret") {
					t.Errorf("the error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			a, err := c.resolve(accountFlags{}, noEnv)
			if err != nil {
				t.Fatal(err)
			}
			if a.Platform != tt.platform || a.WebsocketURL != tt.ws {
				t.Errorf("platform %q websocket %q, want %q %q", a.Platform, a.WebsocketURL, tt.platform, tt.ws)
			}
		})
	}
	// --platform beats the config file; an unknown one is refused.
	c, _ := parseConfig("config.toml", []byte("[accounts.a]\nbase_url = \"https://x.example\"\nusername = \"u\"\n"))
	if a, err := c.resolve(accountFlags{platform: "getchat"}, noEnv); err != nil || a.Platform != platformGetchat {
		t.Errorf("--platform getchat: %+v %v", a, err)
	}
	if _, err := c.resolve(accountFlags{platform: "sms"}, noEnv); err == nil {
		t.Error("--platform sms was accepted")
	}
}

// A get.chat account end to end through the command line: mbx login
// against our get.chat sandbox stores the token (no expiry: it has none),
// the inbox's session uses it with no password, a refused token can be
// replaced from a typed password, and logout says the web inbox stays
// logged in.
func TestGetchatLoginLogout(t *testing.T) {
	setXDG(t)
	srv, base, stop, err := gcsandbox.Start(gcsandbox.Config{Seed: 4}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	user, pass := srv.Credentials()
	writeConfig(t, "[accounts.shop]\nplatform = \"getchat\"\nbase_url = \""+base+"\"\nusername = \""+user+"\"\n")
	kr := newFakeKeyring()
	e := testEnv(kr)

	t.Setenv("MBX_PASSWORD", "wrong")
	if code, _, errOut := mbx(t, e, "login"); code != 1 || !strings.Contains(errOut, "refused the username or password") {
		t.Fatalf("a wrong password: exit %d, %q", code, errOut)
	}
	t.Setenv("MBX_PASSWORD", pass)
	code, out, errOut := mbx(t, e, "login")
	if code != 0 || !strings.HasPrefix(out, "Logged in as "+user+" on "+base) {
		t.Fatalf("login: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	token := storedTokenIn(t, kr, "shop")

	t.Setenv("MBX_PASSWORD", "")
	cfg, _ := loadConfig(configPath())
	secrets := &secretSet{}
	var stderr bytes.Buffer
	sess, code := openSession(cfg, accountFlags{}, os.Getenv, newTokenStore(kr, time.Minute, secrets), e,
		slog.New(slog.DiscardHandler), secrets, &stderr)
	if sess == nil {
		t.Fatalf("openSession: %d %s", code, stderr.String())
	}
	if sess.gc == nil || !sess.stored.tok.usable(time.Now()) {
		t.Fatalf("session: get.chat client %v, stored %v", sess.gc != nil, sess.stored)
	}
	if _, err := sess.gc.CurrentUser(context.Background()); err != nil {
		t.Fatalf("a request with the stored token: %v", err)
	}
	c := sess.conn()
	if c.Name() != "get.chat" {
		t.Errorf("conn %q", c.Name())
	}
	// The inbox's login prompt: a typed password logs in again.
	if err := sess.login(context.Background(), pass); err != nil {
		t.Fatalf("login with a typed password: %v", err)
	}
	if err := sess.login(context.Background(), "nope"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("a wrong typed password: %v", err)
	}

	code, out, _ = mbx(t, e, "config")
	if code != 0 || !strings.Contains(out, `platform      = "getchat"`) || !strings.Contains(out, "websocket_url = \"ws://") || strings.Contains(out, token) {
		t.Errorf("config: exit %d\n%s", code, out)
	}
	code, out, _ = mbx(t, e, "logout")
	if code != 0 || !strings.Contains(out, "removed the token") || !strings.Contains(out, "web inbox, which stays logged in") {
		t.Fatalf("logout: exit %d, %q", code, out)
	}
}
