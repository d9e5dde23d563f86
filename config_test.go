package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/key"
	"github.com/adrg/xdg"
)

// setXDG points the XDG directories at a fresh temporary directory and
// clears the MBX_* variables for the test.
func setXDG(t *testing.T) (configHome, stateHome string) {
	t.Helper()
	t.Cleanup(xdg.Reload) // registered first: runs after the variables are restored
	dir := t.TempDir()
	configHome, stateHome = filepath.Join(dir, "config"), filepath.Join(dir, "state")
	t.Setenv("XDG_CONFIG_HOME", configHome)
	t.Setenv("XDG_STATE_HOME", stateHome)
	for _, k := range []string{"MBX_ACCOUNT", "MBX_BASE_URL", "MBX_USERNAME", "MBX_PASSWORD"} {
		t.Setenv(k, "")
	}
	xdg.Reload()
	return configHome, stateHome
}

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := configPath()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestParseConfig(t *testing.T) {
	const path = "/home/a/.config/mbx/config.toml"
	tests := []struct {
		name, file string
		err        string // substring of the error; "" for success
		check      func(t *testing.T, c *config)
	}{
		{name: "the documented example", file: exampleConfig, check: func(t *testing.T, c *config) {
			if c.defaultAccount != "work" || len(c.accounts) != 2 {
				t.Fatalf("default %q, accounts %v", c.defaultAccount, c.accountNames())
			}
			w := c.accounts["work"]
			if w.baseURL != "https://api.msgboxx.io" || w.username != "you@example.com" || w.passwordCmd != "pass show msgboxx/work" {
				t.Errorf("work = %+v", w)
			}
			if c.sync != (syncSettings{HistoryDays: 7, PollInterval: 5 * time.Second}) || !c.notify.Enabled || c.notify.Bell || c.notify.desktopSettings != (desktopSettings{Tmux: true}) || c.theme != "auto" {
				t.Errorf("sync %+v notify %+v theme %q", c.sync, c.notify, c.theme)
			}
			if !key.Matches(keyString("E"), c.keys.MoveArchive) {
				t.Errorf("[keys] not applied: %v", c.keys.MoveArchive.Keys())
			}
		}},
		{name: "empty file", file: "", check: func(t *testing.T, c *config) {
			if len(c.accounts) != 0 || c.sync.HistoryDays != 7 || c.sync.PollInterval != 5*time.Second || !c.notify.Enabled || c.theme != "auto" {
				t.Errorf("defaults: %+v", c)
			}
		}},
		{name: "overrides", file: "[accounts.a]\nbase_url = \"https://x.example/api/\"\nusername = \"u\"\nhistory_days = 30\npoll_interval = \"1m\"\n" +
			"[sync]\nhistory_days = 3\npoll_interval = \"2s\"\n[notifications]\nenabled = false\nbell = true\n[theme]\nmode = \"Light\"\n",
			check: func(t *testing.T, c *config) {
				a := c.accounts["a"]
				if a.baseURL != "https://x.example/api" || a.historyDays != 30 || a.pollInterval != time.Minute {
					t.Errorf("account %+v", a)
				}
				if c.sync.HistoryDays != 3 || c.sync.PollInterval != 2*time.Second || c.notify.Enabled || !c.notify.Bell || c.theme != "light" {
					t.Errorf("sync %+v notify %+v theme %q", c.sync, c.notify, c.theme)
				}
			}},
		{name: "ui on by default", file: "", check: func(t *testing.T, c *config) {
			if c.ui != (uiSettings{Preview: true, Mouse: true}) {
				t.Errorf("[ui] %+v, want the preview and the mouse on", c.ui)
			}
		}},
		{name: "ui off", file: "[ui]\npreview = false\nmouse = false\n", check: func(t *testing.T, c *config) {
			if c.ui != (uiSettings{}) {
				t.Errorf("[ui] %+v, want both off", c.ui)
			}
		}},
		{name: "unknown key in ui", file: "[ui]\npreveiw = false\n", err: path + ":2: ui.preveiw: unknown setting; [ui] has preview and mouse"},
		{name: "inline account table", file: "accounts.a = { base_url = \"http://localhost:8088\", username = \"u\" }\n", check: func(t *testing.T, c *config) {
			if c.accounts["a"].baseURL != "http://localhost:8088" {
				t.Errorf("accounts %+v", c.accounts)
			}
		}},

		{name: "string where a number goes", file: "[sync]\n\nhistory_days = \"7\"\n", err: path + ":3: sync.history_days: wrong type: want a whole number of days"},
		{name: "number where a string goes", file: "[accounts.work]\nbase_url = 3\n", err: path + ":2: accounts.work.base_url: wrong type: want a string"},
		{name: "default_account not a string", file: "default_account = 1\n", err: path + ":1: default_account: wrong type: want a string"},
		{name: "bool as a string", file: "[notifications]\nbell = \"yes\"\n", err: path + ":2: notifications.bell: wrong type: want true or false"},
		{name: "a table given a value", file: "theme = \"dark\"\n", err: path + ":1: theme: wrong type: want a table"},
		{name: "an account given a value", file: "[accounts]\nwork = \"x\"\n", err: path + ":2: accounts.work: wrong type: want a table"},
		{name: "float days", file: "[accounts.w]\nhistory_days = 3.5\n", err: path + ":2: accounts.w.history_days: wrong type"},
		{name: "duration as a number", file: "[sync]\npoll_interval = 5\n", err: path + ":2: sync.poll_interval: wrong type: want a duration string"},

		{name: "unknown top-level key", file: "default_account = \"w\"\ncolour = \"red\"\n[accounts.w]\nbase_url = \"https://a\"\n", err: path + ":2: colour: unknown setting"},
		{name: "unknown key in an account", file: "[accounts.work]\nbase_url = \"https://a\"\n\npasswrd_cmd = \"pass x\"\n", err: path + ":4: accounts.work.passwrd_cmd: unknown setting; an account has base_url, username, password_cmd"},
		{name: "unknown table", file: "[sync]\n[colours]\nx = 1\n", err: path + ":2: colours: unknown table"},
		{name: "unknown key in sync", file: "[sync]\nhistory = 3\n", err: path + ":2: sync.history: unknown setting; [sync] has history_days and poll_interval"},

		{name: "bad duration", file: "[sync]\npoll_interval = \"5x\"\n", err: path + `:2: sync.poll_interval: "5x" is not a duration`},
		{name: "duration too short", file: "[accounts.w]\npoll_interval = \"500ms\"\n", err: path + `:2: accounts.w.poll_interval: "500ms" is too short: at least "1s"`},
		{name: "no history", file: "[sync]\nhistory_days = 0\n", err: path + ":2: sync.history_days: 0 days: give a number of days from 1"},
		{name: "bad account name", file: "[accounts.\"my work\"]\nbase_url = \"https://a\"\n", err: path + `:1: accounts."my work": account names use letters, digits, '-' and '_' only`},
		{name: "plain http beyond loopback", file: "[accounts.w]\nusername = \"u\"\nbase_url = \"http://api.msgboxx.io\"\n", err: path + ":3: accounts.w.base_url: base URL \"http://api.msgboxx.io\" uses plain http, which is only allowed for loopback addresses"},
		{name: "not a URL", file: "[accounts.w]\nbase_url = \"api.msgboxx.io\"\n", err: path + ":2: accounts.w.base_url: base URL \"api.msgboxx.io\" is not an absolute http(s) URL"},
		{name: "empty password_cmd", file: "[accounts.w]\npassword_cmd = \" \"\n", err: path + ":2: accounts.w.password_cmd: empty"},
		{name: "default names no account", file: "default_account = \"home\"\n[accounts.work]\nbase_url = \"https://a\"\n", err: path + `:1: default_account: "home": no such account; the accounts are work`},
		{name: "theme mode", file: "[theme]\nmode = \"blue\"\n", err: path + `:2: theme.mode: "blue": give "auto"`},
		{name: "several problems, in line order", file: "[sync]\npoll_interval = \"x\"\n[theme]\nmode = \"blue\"\n", err: path + ":2: sync.poll_interval: \"x\" is not a duration: write e.g. \"5s\", \"30s\" or \"1m\"\n" + path + ":4: theme.mode"},
		{name: "keys are checked too", file: "[sync]\n[keys]\n\narchiv = \"E\"\n", err: path + ":4: [keys] archiv: no such action"},
		{name: "keys as a dotted key", file: "keys.quit = \"ctrl+banana\"\n", err: path + ":1: [keys] quit: \"ctrl+banana\" is not a key name"},
		{name: "broken TOML", file: "[accounts.w\nbase_url = \"x\"\n", err: path + ":1: not valid TOML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(path, []byte(tt.file))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v\nwant it to contain %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "main.") || strings.Contains(err.Error(), "struct") {
					t.Errorf("the error names Go types: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestConfigExampleInREADME(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(readme), "```toml\n"+exampleConfig+"```\n") {
		t.Errorf("README's example config.toml differs from exampleConfig in config.go; make them the same:\n%s", exampleConfig)
	}
}

func TestLoadConfigMissingFileCreatesNothing(t *testing.T) {
	configHome, _ := setXDG(t)
	c, err := loadConfig(configPath())
	if err != nil || c.exists || len(c.accounts) != 0 {
		t.Fatalf("loadConfig of a missing file = %+v, %v", c, err)
	}
	if _, err := os.Stat(configHome); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("reading the config created %s", configHome)
	}
	if _, err := loadKeyMap(configPath()); err != nil {
		t.Error(err)
	}
	path := writeConfig(t, "[keys]\nquit = \"Q\"\n[bogus]\n")
	if _, err := loadKeyMap(path); err == nil || !strings.Contains(err.Error(), path+":3: bogus: unknown table") {
		t.Errorf("loadKeyMap checks the whole file once: %v", err)
	}
}

func TestPrecedence(t *testing.T) {
	const file = `default_account = "work"
[accounts.work]
base_url = "https://work.example"
username = "me@work"
password_cmd = "pass work"
poll_interval = "10s"
[accounts.home]
base_url = "https://home.example"
username = "me@home"
[sync]
history_days = 3
`
	work, err := parseConfig("config.toml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	single, _ := parseConfig("config.toml", []byte("[accounts.solo]\nbase_url = \"https://solo.example\"\nusername = \"s\"\n"))
	two, _ := parseConfig("config.toml", []byte("[accounts.a]\n[accounts.b]\n"))
	empty, _ := parseConfig("config.toml", nil)

	tests := []struct {
		name  string
		cfg   *config
		flags accountFlags
		env   map[string]string
		want  account // Sync checked only when set
		err   string
	}{
		{name: "config default account", cfg: work,
			want: account{Name: "work", BaseURL: "https://work.example", Username: "me@work", PasswordCmd: "pass work", Configured: true,
				Sync: syncSettings{HistoryDays: 3, PollInterval: 10 * time.Second}}},
		{name: "env beats config", cfg: work, env: map[string]string{"MBX_BASE_URL": "https://env.example", "MBX_USERNAME": "env@x"},
			want: account{Name: "work", BaseURL: "https://env.example", Username: "env@x", PasswordCmd: "pass work", Configured: true}},
		{name: "flag beats env", cfg: work, flags: accountFlags{baseURL: "https://flag.example/", username: "flag@x"},
			env:  map[string]string{"MBX_BASE_URL": "https://env.example", "MBX_USERNAME": "env@x"},
			want: account{Name: "work", BaseURL: "https://flag.example", Username: "flag@x", PasswordCmd: "pass work", Configured: true}},
		{name: "--account picks another", cfg: work, flags: accountFlags{account: "home"},
			want: account{Name: "home", BaseURL: "https://home.example", Username: "me@home", Configured: true,
				Sync: syncSettings{HistoryDays: 3, PollInterval: 5 * time.Second}}},
		{name: "MBX_ACCOUNT beats default_account", cfg: work, env: map[string]string{"MBX_ACCOUNT": "home"},
			want: account{Name: "home", BaseURL: "https://home.example", Username: "me@home", Configured: true}},
		{name: "--account beats MBX_ACCOUNT", cfg: work, flags: accountFlags{account: "work"}, env: map[string]string{"MBX_ACCOUNT": "home"},
			want: account{Name: "work", BaseURL: "https://work.example", Username: "me@work", PasswordCmd: "pass work", Configured: true}},
		{name: "only account", cfg: single,
			want: account{Name: "solo", BaseURL: "https://solo.example", Username: "s", Configured: true}},
		{name: "no config: ad-hoc default", cfg: empty, flags: accountFlags{baseURL: "http://127.0.0.1:8088", username: "u"},
			want: account{Name: "default", BaseURL: "http://127.0.0.1:8088", Username: "u",
				Sync: syncSettings{HistoryDays: 7, PollInterval: 5 * time.Second}}},
		{name: "no config: env only", cfg: empty, env: map[string]string{"MBX_BASE_URL": "https://e.example", "MBX_USERNAME": "e"},
			want: account{Name: "default", BaseURL: "https://e.example", Username: "e"}},
		{name: "ad-hoc name", cfg: empty, flags: accountFlags{account: "test-1", baseURL: "https://e.example", username: "e"},
			want: account{Name: "test-1", BaseURL: "https://e.example", Username: "e"}},
		{name: "two accounts, no default", cfg: two, err: "several accounts (a, b) and no default_account: pick one with --account NAME"},
		{name: "two accounts, ad-hoc server", cfg: two, flags: accountFlags{baseURL: "https://e.example", username: "e"},
			want: account{Name: "default", BaseURL: "https://e.example", Username: "e"}},
		{name: "bad name", cfg: work, flags: accountFlags{account: "../x"}, err: `account name "../x": use letters, digits`},
		{name: "plain http from env", cfg: work, env: map[string]string{"MBX_BASE_URL": "http://10.0.0.1"}, err: "only allowed for loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.resolve(tt.flags, func(k string) string { return tt.env[k] })
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.want.Sync == (syncSettings{}) {
				got.Sync = syncSettings{}
			}
			if tt.want.Platform == "" {
				tt.want.Platform = platformMsgboxx // the default
			}
			if got != tt.want {
				t.Errorf("got  %+v\nwant %+v", got, tt.want)
			}
		})
	}

	// What is missing is said with the ways to give it.
	a, _ := empty.resolve(accountFlags{baseURL: "https://e.example"}, noEnv)
	if err := a.complete(empty); err == nil || !strings.Contains(err.Error(), "account default has no username: add username under [accounts.default] in config.toml, or pass --username (or MBX_USERNAME)") {
		t.Errorf("complete = %v", err)
	}
	a, _ = work.resolve(accountFlags{account: "nope"}, noEnv)
	if err := a.complete(work); err == nil || !strings.Contains(err.Error(), `no account "nope" in config.toml; the accounts are home, work`) {
		t.Errorf("complete = %v", err)
	}
}

func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		exampleConfig,
		"",
		"default_account = \"a\"\n[accounts.a]\nbase_url = \"http://127.0.0.1:1\"\nusername = \"u\"\n",
		"[accounts.\"a b\"]\n",
		"[sync]\npoll_interval = \"0s\"\nhistory_days = -1\n",
		"accounts.a = { base_url = 1 }\n",
		"[[accounts]]\n",
		"[keys]\nquit = [\"q\", 1]\n",
		"x.y.z = 1\n[theme]\nmode = \"dark\"\n",
		"[accounts.w]\n\"base_url\" = \"https://a\"\n",
		"[[sections]]\nname = \"N\"\nquery = 'team:\"Night Shift\" -assignee:none waiting:>1h'\nsort = \"waiting\"\n",
		"[[sections]]\nquery = \"windw:x\"\n[[sections]]\nname = 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := parseConfig("config.toml", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "config.toml") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		for name, a := range c.accounts {
			if !validName(name) {
				t.Fatalf("accepted account name %q", name)
			}
			if a.pollInterval != 0 && a.pollInterval < time.Second {
				t.Fatalf("accepted poll interval %v", a.pollInterval)
			}
		}
		if c.sync.PollInterval < time.Second || c.sync.HistoryDays < 1 {
			t.Fatalf("accepted sync %+v", c.sync)
		}
		if c.defaultAccount != "" {
			if _, ok := c.accounts[c.defaultAccount]; !ok {
				t.Fatalf("default %q is no account", c.defaultAccount)
			}
		}
	})
}
