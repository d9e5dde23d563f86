package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/adrg/xdg"
	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/mbx-inbox/mbx/api/getchat"
	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

// exampleConfig is the commented example of the config file, as README
// shows it (a test keeps the two equal) and the fuzz corpus starts from.
const exampleConfig = `default_account = "work"          # opened by plain "mbx"; else the only account

[accounts.work]                   # name: letters, digits, '-' and '_'
base_url = "https://api.msgboxx.io"
username = "you@example.com"
password_cmd = "pass show msgboxx/work"   # optional: prints the password (run with sh -c)
# history_days = 14               # optional: overrides [sync] for this account
# poll_interval = "10s"
# user_id = "6f1c…"               # optional: who you are, when the platform's token does not say

[accounts.sandbox]
base_url = "http://127.0.0.1:8088"        # plain http only on loopback
username = "agent@demo.mbx"

[sync]
history_days = 7                  # history fetched on the first start (1–3650)
poll_interval = "5s"              # how often to ask for news while active (1s–1h)

[notifications]
enabled = true
bell = false
desktop = "off"                   # off, osc9 or osc777: desktop notifications through the terminal
tmux = true                       # inside tmux, through its passthrough (set -g allow-passthrough on)

[hooks]                           # a command per event, as an argv array: the event is JSON on its stdin
# on_inbound = ["notify-send", "mbx", "a new message"]
# on_assigned = ["/home/you/bin/mbx-assigned"]
# window_closing = ["/home/you/bin/mbx-closing"]
# send_failed = ["/home/you/bin/mbx-failed"]
window_closing_minutes = 30       # window_closing fires this long before the window closes (1–120)
timeout = "10s"                   # then the hook's process group is killed

[theme]
mode = "auto"                     # auto, dark or light

[ui]
preview = true                    # the thread follows the list's cursor (false: only enter opens)
mouse = true                      # clicks and the wheel (false: the terminal keeps the mouse)

[keys]                            # see "Changing keys" in README
move_archive = "E"
`

const (
	defaultHistoryDays  = 7
	defaultPollInterval = 5 * time.Second
	maxHistoryDays      = 3650
	minPollInterval     = time.Second
	maxPollInterval     = time.Hour
	maxConfigSize       = 1 << 20
)

// fileConfig is the config file as written. Pointers tell "not set" from
// a zero value; durations are strings checked after decoding, so that a
// wrong type and a bad duration both point at their line.
type fileConfig struct {
	DefaultAccount string                 `toml:"default_account"`
	Accounts       map[string]fileAccount `toml:"accounts"`
	Sync           struct {
		HistoryDays  *int    `toml:"history_days"`
		PollInterval *string `toml:"poll_interval"`
	} `toml:"sync"`
	Notifications struct {
		Enabled *bool   `toml:"enabled"`
		Bell    *bool   `toml:"bell"`
		Desktop *string `toml:"desktop"` // config_hooks.go
		Tmux    *bool   `toml:"tmux"`
	} `toml:"notifications"`
	Hooks fileHooks `toml:"hooks"`
	Theme struct {
		Mode string `toml:"mode"`
	} `toml:"theme"`
	UI struct {
		Preview *bool `toml:"preview"`
		Mouse   *bool `toml:"mouse"`
	} `toml:"ui"`
	Keys map[string]any `toml:"keys"`
	// [[sections]]: see parseSections.
	Sections []fileSection `toml:"sections"`
}

type fileAccount struct {
	Platform     *string `toml:"platform"`
	WebsocketURL *string `toml:"websocket_url"`
	BaseURL      string  `toml:"base_url"`
	Username     string  `toml:"username"`
	PasswordCmd  *string `toml:"password_cmd"`
	HistoryDays  *int    `toml:"history_days"`
	PollInterval *string `toml:"poll_interval"`
	// UserID says which of the platform's users you are, when the
	// platform cannot tell (it wins over the platform and over the
	// answer given in the inbox).
	UserID *string `toml:"user_id"`
}

// config is the checked config file with defaults applied.
type config struct {
	path           string
	exists         bool
	defaultAccount string
	accounts       map[string]accountConfig
	sync           syncSettings
	notify         notifySettings
	theme          string // auto, dark or light
	ui             uiSettings
	keys           ui.KeyMap
	sections       []ui.Section // [[sections]], in the file's order
}

// uiSettings is the [ui] table: the thread following the list's cursor,
// the mouse.
type uiSettings struct {
	Preview, Mouse bool
}

// accountConfig is one [accounts.NAME] table.
type accountConfig struct {
	platform, websocketURL         string // "" platform: msgboxx
	baseURL, username, passwordCmd string
	historyDays                    int           // 0: [sync]'s
	pollInterval                   time.Duration // 0: [sync]'s
	userID                         string        // "": the platform or the agent says
}

type syncSettings struct {
	HistoryDays  int
	PollInterval time.Duration
}

type notifySettings struct {
	Enabled, Bell   bool
	desktopSettings              // config_hooks.go
	hooks           hookSettings // [hooks]: told of events too
}

// configPath is the config file: $XDG_CONFIG_HOME/mbx/config.toml. Unlike
// xdg.ConfigFile it creates nothing: reading a config must not.
func configPath() string { return filepath.Join(xdg.ConfigHome, "mbx", "config.toml") }

// loadConfig reads the config file once; a missing file gives the
// defaults.
func loadConfig(path string) (*config, error) {
	data, err := readConfigFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		c, _ := parseConfig(path, nil)
		return c, nil
	}
	if err != nil {
		return nil, err
	}
	c, err := parseConfig(path, data)
	if err != nil {
		return nil, err
	}
	c.exists = true
	return c, nil
}

// readConfigFile reads the config file, refusing at once anything that is
// not a regular file: a named pipe would block the read until a writer
// came (and Ctrl+C could not stop it), a device could be endless. It is
// opened without blocking and checked again once open, so a file swapped
// in between cannot block it either. Errors other than a missing file say
// what to do.
func readConfigFile(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("reading the config file: %w", err)
	}
	if err := regularConfig(path, fi.Mode()); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("reading the config file: %w", err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("reading the config file: %w", err)
	}
	if err := regularConfig(path, fi.Mode()); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading the config file: %w", err)
	}
	if len(data) > maxConfigSize {
		return nil, fmt.Errorf("%s: over %d KiB; is it the right file?", path, maxConfigSize>>10)
	}
	return data, nil
}

// regularConfig refuses a config path that is not a regular file, saying
// what it is and what to do.
func regularConfig(path string, m fs.FileMode) error {
	if m.IsRegular() {
		return nil
	}
	what := "not a regular file"
	switch {
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	case m&fs.ModeDevice != 0:
		what = "a device"
	}
	return fmt.Errorf("%s is %s, not a file: mbx reads its settings from a regular file there; remove it (or point XDG_CONFIG_HOME elsewhere) and write config.toml as a plain file", path, what)
}

// accountNames returns the configured accounts, sorted.
func (c *config) accountNames() []string {
	names := make([]string, 0, len(c.accounts))
	for n := range c.accounts {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// problem is one thing wrong in the config file.
type problem struct {
	line int
	key  string // dotted key path, "" for a syntax error
	msg  string
}

// configError lists what is wrong in a config file, each as
// path:line: key: what to do.
type configError struct {
	path     string
	problems []problem
}

func (e *configError) Error() string {
	var b strings.Builder
	for i, p := range e.problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.path)
		if p.line > 0 {
			fmt.Fprintf(&b, ":%d", p.line)
		}
		b.WriteString(": ")
		if p.key != "" {
			b.WriteString(p.key)
			b.WriteString(": ")
		}
		b.WriteString(p.msg)
	}
	return b.String()
}

// parseConfig decodes and checks a config file's contents. Unknown keys
// and wrong types are errors naming the file, the line and the key.
func parseConfig(path string, data []byte) (*config, error) {
	c := &config{
		path:     path,
		accounts: map[string]accountConfig{},
		sync:     syncSettings{HistoryDays: defaultHistoryDays, PollInterval: defaultPollInterval},
		notify: notifySettings{Enabled: true, desktopSettings: desktopSettings{Tmux: true},
			hooks: hookSettings{timeout: defaultHookTimeout, closing: defaultHookClosing}},
		theme: "auto",
		ui:    uiSettings{Preview: true, Mouse: true},
		keys:  defaultKeyMap(),
	}
	var fc fileConfig
	err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(&fc)
	if err != nil {
		return c, &configError{path: path, problems: decodeProblems(data, err)}
	}
	lines := keyLines(data)
	var probs []problem
	bad := func(key, format string, args ...any) {
		probs = append(probs, problem{line: lines[key], key: key, msg: fmt.Sprintf(format, args...)})
	}

	for name, fa := range fc.Accounts {
		at := "accounts." + keyPart(name)
		if !validName(name) {
			bad(at, "account names use letters, digits, '-' and '_' only (at most 64): rename the table, e.g. [accounts.work]")
			continue
		}
		a := accountConfig{baseURL: strings.TrimSpace(fa.BaseURL), username: strings.TrimSpace(fa.Username)}
		if fa.Platform != nil {
			if p, err := checkPlatform(*fa.Platform); err != nil {
				bad(at+".platform", "%q: give \"msgboxx\" (the default) or \"getchat\"", *fa.Platform)
			} else {
				a.platform = p
			}
		}
		if fa.WebsocketURL != nil {
			if u, err := checkWebsocketURL(*fa.WebsocketURL); err != nil {
				bad(at+".websocket_url", "%v", err)
			} else {
				a.websocketURL = u
			}
		}
		if a.baseURL != "" {
			if u, err := msgboxx.ValidateBaseURL(a.baseURL); err != nil {
				bad(at+".base_url", "%s", strings.TrimSuffix(err.Error(), ": "+msgboxx.ErrInvalid.Error()))
			} else {
				a.baseURL = u.String()
			}
		} else if _, set := lines[at+".base_url"]; set {
			bad(at+".base_url", "empty: give the API address, e.g. base_url = \"https://api.msgboxx.io\"")
		}
		if a.username == "" {
			if _, set := lines[at+".username"]; set {
				bad(at+".username", "empty: give your user name on the platform, e.g. username = \"you@example.com\"")
			}
		}
		if fa.PasswordCmd != nil {
			if strings.TrimSpace(*fa.PasswordCmd) == "" {
				bad(at+".password_cmd", "empty: give a command that prints the password, e.g. password_cmd = \"pass show msgboxx\", or remove the line")
			}
			a.passwordCmd = *fa.PasswordCmd
		}
		if fa.UserID != nil {
			if id := strings.TrimSpace(*fa.UserID); id == "" || strings.ContainsFunc(id, unicode.IsControl) || len(id) > 200 {
				bad(at+".user_id", "give your user id on the platform on one line, e.g. user_id = \"6d73d10d-ada8-4de2-a9a6-f441ab344287\", or remove the line")
			} else {
				a.userID = id
			}
		}
		if fa.HistoryDays != nil {
			if d, ok := checkHistoryDays(*fa.HistoryDays); ok {
				a.historyDays = d
			} else {
				bad(at+".history_days", "%d days: give a number of days from 1 to %d", *fa.HistoryDays, maxHistoryDays)
			}
		}
		if fa.PollInterval != nil {
			if d, msg := checkPollInterval(*fa.PollInterval); msg == "" {
				a.pollInterval = d
			} else {
				bad(at+".poll_interval", "%s", msg)
			}
		}
		c.accounts[name] = a
	}
	if fc.DefaultAccount != "" {
		if _, ok := c.accounts[fc.DefaultAccount]; ok {
			c.defaultAccount = fc.DefaultAccount
		} else if _, named := fc.Accounts[fc.DefaultAccount]; !named {
			if len(fc.Accounts) == 0 {
				bad("default_account", "%q: there is no [accounts.%s] table; add one (base_url, username) or remove this line", fc.DefaultAccount, keyPart(fc.DefaultAccount))
			} else {
				bad("default_account", "%q: no such account; the accounts are %s", fc.DefaultAccount, strings.Join(sortedKeys(fc.Accounts), ", "))
			}
		}
	}
	if p := fc.Sync.HistoryDays; p != nil {
		if d, ok := checkHistoryDays(*p); ok {
			c.sync.HistoryDays = d
		} else {
			bad("sync.history_days", "%d days: give a number of days from 1 to %d", *p, maxHistoryDays)
		}
	}
	if p := fc.Sync.PollInterval; p != nil {
		if d, msg := checkPollInterval(*p); msg == "" {
			c.sync.PollInterval = d
		} else {
			bad("sync.poll_interval", "%s", msg)
		}
	}
	if p := fc.Notifications.Enabled; p != nil {
		c.notify.Enabled = *p
	}
	if p := fc.Notifications.Bell; p != nil {
		c.notify.Bell = *p
	}
	c.notify.hooks, c.notify.desktopSettings = parseHooks(&fc, bad)
	switch m := strings.ToLower(strings.TrimSpace(fc.Theme.Mode)); m {
	case "":
	case "auto", "dark", "light":
		c.theme = m
	default:
		bad("theme.mode", "%q: give \"auto\" (follow the terminal), \"dark\" or \"light\"", fc.Theme.Mode)
	}
	if p := fc.UI.Preview; p != nil {
		c.ui.Preview = *p
	}
	if p := fc.UI.Mouse; p != nil {
		c.ui.Mouse = *p
	}
	c.sections, probs = parseSections(data, fc.Sections, probs)
	if len(probs) > 0 {
		sort.SliceStable(probs, func(i, j int) bool { return probs[i].line < probs[j].line })
		return c, &configError{path: path, problems: probs}
	}
	km, err := applyKeys(path, fc.Keys, lines)
	if err != nil {
		return c, err
	}
	c.keys = km
	return c, nil
}

func checkHistoryDays(d int) (int, bool) { return d, d >= 1 && d <= maxHistoryDays }

func checkPollInterval(s string) (time.Duration, string) {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	switch {
	case err != nil:
		return 0, fmt.Sprintf("%q is not a duration: write e.g. \"5s\", \"30s\" or \"1m\"", s)
	case d < minPollInterval:
		return 0, fmt.Sprintf("%q is too short: at least \"1s\"", s)
	case d > maxPollInterval:
		return 0, fmt.Sprintf("%q is too long: at most \"1h\"", s)
	}
	return d, ""
}

// decodeProblems turns go-toml's errors into problems with a line, the key
// and words that do not name Go types.
func decodeProblems(data []byte, err error) []problem {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		probs := make([]problem, 0, len(strict.Errors))
		for i := range strict.Errors {
			de := &strict.Errors[i]
			line, _ := de.Position()
			key := joinKey(de.Key())
			msg := unknownKey(de.Key())
			if strings.Contains(de.Error(), "missing table") {
				msg = "unknown table; the tables are accounts.NAME, sync, notifications, hooks, theme, ui and keys"
			}
			probs = append(probs, problem{line: line, key: key, msg: msg})
		}
		return probs
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, _ := de.Position()
		key := joinKey(de.Key())
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		if strings.HasPrefix(msg, "cannot decode") || strings.Contains(msg, "cannot store") {
			if want := expectation(de.Key()); want != "" {
				msg = "wrong type: want " + want
			}
		} else if key == "" {
			msg = "not valid TOML: " + msg
		}
		return []problem{{line: line, key: key, msg: msg}}
	}
	return []problem{{msg: strings.TrimPrefix(err.Error(), "toml: ")}}
}

// unknownKey explains a key the schema does not have.
func unknownKey(k toml.Key) string {
	switch {
	case len(k) == 3 && k[0] == "accounts":
		return "unknown setting; an account has base_url, username, password_cmd, history_days and poll_interval"
	case len(k) == 2 && k[0] == "sync":
		return "unknown setting; [sync] has history_days and poll_interval"
	case len(k) == 2 && k[0] == "notifications":
		return "unknown setting; [notifications] has enabled, bell, desktop and tmux"
	case len(k) == 2 && k[0] == "hooks":
		return "unknown setting; [hooks] has on_inbound, on_assigned, window_closing, window_closing_minutes, send_failed and timeout"
	case len(k) == 2 && k[0] == "theme":
		return "unknown setting; [theme] has mode"
	case len(k) == 2 && k[0] == "ui":
		return "unknown setting; [ui] has preview and mouse"
	case len(k) == 1:
		return "unknown setting; the top level has default_account, then the tables accounts.NAME, sync, notifications, hooks, theme, ui and keys"
	}
	return "unknown setting"
}

// expectation says what a key holds, for wrong-type errors.
func expectation(k toml.Key) string {
	last := ""
	if len(k) > 0 {
		last = k[len(k)-1]
	}
	switch {
	case len(k) == 1 && last == "default_account":
		return `a string, the name of an account: default_account = "work"`
	case len(k) == 1 && last == "accounts":
		return "a table per account: [accounts.work]"
	case len(k) == 1 && (last == "sync" || last == "notifications" || last == "hooks" || last == "theme" || last == "keys"):
		return "a table: [" + last + "]"
	case len(k) == 2 && k[0] == "accounts":
		return "a table: [accounts." + keyPart(last) + "] with base_url and username"
	case last == "base_url":
		return `a string: base_url = "https://api.msgboxx.io"`
	case last == "username":
		return `a string: username = "you@example.com"`
	case last == "password_cmd":
		return `a string, a command that prints the password: password_cmd = "pass show msgboxx"`
	case last == "history_days":
		return "a whole number of days: history_days = 7"
	case last == "poll_interval":
		return `a duration string: poll_interval = "5s"`
	case last == "on_inbound" || last == "on_assigned" || last == "window_closing" || last == "send_failed":
		return `an array of strings, the program and its arguments: ` + last + ` = ["notify-send", "mbx"]`
	case last == "window_closing_minutes":
		return "a whole number of minutes: window_closing_minutes = 30"
	case last == "timeout":
		return `a duration string: timeout = "10s"`
	case last == "desktop":
		return `"off", "osc9" or "osc777"`
	case last == "enabled" || last == "bell" || last == "tmux":
		return "true or false"
	case last == "mode":
		return `"auto", "dark" or "light"`
	}
	return ""
}

// joinKey writes a key path as TOML would: bare parts as they are, others
// quoted.
func joinKey(k toml.Key) string {
	parts := make([]string, len(k))
	for i, p := range k {
		parts[i] = keyPart(p)
	}
	return strings.Join(parts, ".")
}

func keyPart(p string) string {
	if p == "" {
		return `""`
	}
	for _, r := range p {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return strconv.Quote(p)
		}
	}
	return p
}

// keyLines maps every key and table of a TOML document to the line it is
// written on, by dotted path as joinKey writes it: "accounts.work.base_url".
// A key set twice keeps its first line. An invalid document gives what was
// read before the error.
func keyLines(data []byte) (lines map[string]int) {
	lines = map[string]int{}
	defer func() {
		// The positions only improve messages: never fail for them.
		if recover() != nil {
			lines = map[string]int{}
		}
	}()
	// starts[i] is the offset of line i+2's first byte.
	var starts []int
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	var p unstable.Parser
	p.Reset(data)
	var table []string
	set := func(path []string, n *unstable.Node) {
		k := strings.Join(path, ".")
		if _, ok := lines[k]; !ok {
			lines[k] = sort.SearchInts(starts, int(n.Raw.Offset)+1) + 1
		}
	}
	var keyValue func(prefix []string, kv *unstable.Node)
	keyValue = func(prefix []string, kv *unstable.Node) {
		path := append([]string(nil), prefix...)
		it := kv.Key()
		for it.Next() {
			path = append(path, keyPart(string(it.Node().Data)))
			set(path, it.Node())
		}
		if v := kv.Value(); v != nil && v.Kind == unstable.InlineTable {
			kids := v.Children()
			for kids.Next() {
				if kids.Node().Kind == unstable.KeyValue {
					keyValue(path, kids.Node())
				}
			}
		}
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			table = table[:0]
			it := e.Key()
			for it.Next() {
				table = append(table, keyPart(string(it.Node().Data)))
				set(table, it.Node())
			}
		case unstable.KeyValue:
			keyValue(table, e)
		}
	}
	return lines
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, keyPart(k))
	}
	sort.Strings(out)
	return out
}

// account is one resolved account: the config file's settings with the
// flags' and the environment's on top.
type account struct {
	Name     string
	Platform string // msgboxx or getchat
	// PlatformGiven: the config file, --platform or MBX_PLATFORM named it
	// (else a stored login's platform is taken).
	PlatformGiven bool
	WebsocketURL  string // get.chat: overrides the address derived from BaseURL
	BaseURL       string
	Username      string
	PasswordCmd   string
	UserID        string // the config file's user_id: who you are on the platform
	Sync          syncSettings
	Configured    bool // has an [accounts.NAME] table
}

// accountFlags are the command line's choices; "" is "not given".
type accountFlags struct {
	account, baseURL, username string
	platform, websocketURL     string
}

// noEnv is the environment of an account switched to inside the inbox:
// MBX_* name the account mbx started with, not this one.
func noEnv(string) string { return "" }

// firstRun reports that nothing names an account: no account in the
// config file and none on the command line or in the environment.
func (c *config) firstRun(fl accountFlags, getenv func(string) string) bool {
	return len(c.accounts) == 0 && fl.account == "" && fl.baseURL == "" && fl.username == "" &&
		getenv("MBX_ACCOUNT") == "" && getenv("MBX_BASE_URL") == "" && getenv("MBX_USERNAME") == ""
}

// resolve picks the account and its settings. Precedence: flag, then
// environment (MBX_ACCOUNT, MBX_BASE_URL, MBX_USERNAME), then the config
// file. The account is --account, else MBX_ACCOUNT, else default_account,
// else the only configured account, else "default" (ad-hoc use with
// --base-url and --username). Base URL and username may still be empty:
// check with complete.
func (c *config) resolve(fl accountFlags, getenv func(string) string) (account, error) {
	first := func(vs ...string) string {
		for _, v := range vs {
			if v = strings.TrimSpace(v); v != "" {
				return v
			}
		}
		return ""
	}
	baseURL := first(fl.baseURL, getenv("MBX_BASE_URL"))
	username := first(fl.username, getenv("MBX_USERNAME"))
	name := first(fl.account, getenv("MBX_ACCOUNT"), c.defaultAccount)
	if name == "" {
		switch {
		case len(c.accounts) == 1:
			name = c.accountNames()[0]
		case len(c.accounts) > 1 && (baseURL == "" || username == ""):
			return account{}, fmt.Errorf("%s has several accounts (%s) and no default_account: pick one with --account NAME, or add default_account = \"%s\" at the top of the file",
				c.path, strings.Join(c.accountNames(), ", "), c.accountNames()[0])
		default:
			name = "default"
		}
	}
	if !validName(name) {
		return account{}, fmt.Errorf("account name %q: use letters, digits, '-' and '_' only", name)
	}
	a := account{Name: name, Sync: c.sync, Platform: platformMsgboxx}
	if ac, ok := c.accounts[name]; ok {
		a.Configured = true
		a.BaseURL, a.Username, a.PasswordCmd = ac.baseURL, ac.username, ac.passwordCmd
		a.UserID = ac.userID
		if ac.platform != "" {
			a.Platform, a.PlatformGiven = ac.platform, true
		}
		a.WebsocketURL = ac.websocketURL
		if ac.historyDays > 0 {
			a.Sync.HistoryDays = ac.historyDays
		}
		if ac.pollInterval > 0 {
			a.Sync.PollInterval = ac.pollInterval
		}
	}
	if baseURL != "" {
		a.BaseURL = baseURL
	}
	if username != "" {
		a.Username = username
	}
	// The flag names the platform; MBX_PLATFORM only for an account the
	// config file does not describe (its table wins over the environment).
	p := fl.platform
	if p == "" && !a.Configured {
		p = getenv("MBX_PLATFORM")
	}
	if p != "" {
		pl, err := checkPlatform(p)
		if err != nil {
			return a, err
		}
		a.Platform, a.PlatformGiven = pl, true
	}
	if fl.websocketURL != "" {
		u, err := checkWebsocketURL(fl.websocketURL)
		if err != nil {
			return a, fmt.Errorf("--websocket-url: %v", err)
		}
		a.WebsocketURL = u
	}
	if a.BaseURL != "" {
		u, err := msgboxx.ValidateBaseURL(a.BaseURL)
		if err != nil {
			return a, errors.New(strings.TrimSuffix(err.Error(), ": "+msgboxx.ErrInvalid.Error()))
		}
		a.BaseURL = u.String()
	}
	return a, nil
}

// complete says what is missing to talk to the account's server.
func (a account) complete(c *config) error {
	var missing []string
	var how []string
	if a.BaseURL == "" {
		missing = append(missing, "base URL")
		how = append(how, "--base-url (or MBX_BASE_URL)")
	}
	if a.Username == "" {
		missing = append(missing, "username")
		how = append(how, "--username (or MBX_USERNAME)")
	}
	if len(missing) == 0 {
		return nil
	}
	if !a.Configured && len(c.accounts) > 0 && a.Name != "default" {
		return fmt.Errorf("no account %q in %s; the accounts are %s", a.Name, c.path, strings.Join(c.accountNames(), ", "))
	}
	table := "base_url and username"
	if len(missing) == 1 {
		table = map[string]string{"base URL": "base_url", "username": "username"}[missing[0]]
	}
	return fmt.Errorf("account %s has no %s: add %s under [accounts.%s] in %s, or pass %s",
		a.Name, strings.Join(missing, " and no "), table, a.Name, c.path, strings.Join(how, " and "))
}

// runConfig is mbx config: where the files are and the effective settings,
// secrets masked: a password_cmd is "set (hidden)", a token only says
// where it is kept.
// printAccount is one account's effective settings, as mbx config shows
// them (secrets masked).
func printAccount(w io.Writer, a account, mark string, tokenState func(account) string) {
	fmt.Fprintf(w, "\n[accounts.%s]%s\n", a.Name, mark)
	fmt.Fprintf(w, "  platform      = %q\n", a.Platform)
	fmt.Fprintf(w, "  base_url      = %s\n", quotedOr(msgboxx.SafeURL(a.BaseURL), "(not set: pass --base-url)"))
	if a.Platform == platformGetchat {
		ws := "(derived from base_url)"
		if a.WebsocketURL != "" {
			ws = fmt.Sprintf("%q", msgboxx.SafeURL(a.WebsocketURL))
		} else if d, err := getchat.WebsocketURL(a.BaseURL); err == nil {
			ws = fmt.Sprintf("%q (derived from base_url)", d)
		}
		fmt.Fprintf(w, "  websocket_url = %s\n", ws)
	}
	fmt.Fprintf(w, "  username      = %s\n", quotedOr(a.Username, "(not set: pass --username)"))
	pw := "not set (MBX_PASSWORD or a prompt)"
	if a.PasswordCmd != "" {
		pw = "set (hidden)"
	}
	fmt.Fprintf(w, "  password_cmd  = %s\n", pw)
	if a.UserID != "" {
		fmt.Fprintf(w, "  user_id       = %q\n", a.UserID)
	}
	fmt.Fprintf(w, "  history_days  = %d\n  poll_interval = %q\n", a.Sync.HistoryDays, a.Sync.PollInterval.String())
	tok := "none"
	if a.BaseURL != "" && a.Username != "" {
		tok = tokenState(a)
	}
	fmt.Fprintf(w, "  token         = %s\n", tok)
	fmt.Fprintf(w, "  responses     = %s (your saved responses: README, \"Saved responses and files\")\n", responsesPath(a.Name))
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

func runConfig(ctx context.Context, args []string, stdout, stderr io.Writer, e env) int {
	fs, fl, _ := accountFlagSet("mbx config", stderr, true) // --account NAME: that account only, as mbx --account NAME would open it
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	only := fl.account
	path := configPath()
	c, err := loadConfig(path)
	if err != nil {
		fmt.Fprintf(stderr, "mbx config: %v\n", err)
		return 2
	}
	tokens := newTokenStore(e.keyring, e.keyringTimeout, &secretSet{})
	w := &strings.Builder{}
	exists := "not found: the defaults below apply"
	if c.exists {
		exists = "exists"
	}
	fmt.Fprintf(w, "config file   %s (%s)\n", path, exists)
	fmt.Fprintf(w, "token files   %s (used when the system keyring is unavailable)\n", tokens.dir)
	fmt.Fprintf(w, "log file      %s\n", logPath())

	var keyringErr error
	tokenState := func(a account) string {
		f, ok, kr, err := tokens.load(a)
		if kr != nil && keyringErr == nil {
			keyringErr = kr
		}
		switch {
		case err != nil:
			return "refused: " + err.Error()
		case ok:
			s := "stored in the system keyring"
			if !f.keyring {
				s = "stored in file " + f.path
			}
			if !f.tok.usable(time.Now()) {
				s += " (expired: mbx login renews it)"
			}
			return s
		case f.mismatch:
			return fmt.Sprintf("none for this server and user (the stored one is for another; mbx logout --account %s removes it)", a.Name)
		}
		return "none (mbx login stores one)"
	}

	names := c.accountNames()
	fmt.Fprintln(w)
	if c.defaultAccount != "" {
		fmt.Fprintf(w, "default_account = %q\n", c.defaultAccount)
	}
	if len(names) == 0 {
		fmt.Fprintf(w, "no accounts: add an [accounts.NAME] table with base_url and username (see README, \"Accounts, login and configuration\")\n")
		// An ad-hoc login (mbx login --base-url … --username …) is kept
		// under "default".
		if f, _, _, err := tokens.load(account{Name: "default"}); err == nil && f.tok.Token != "" {
			a := account{Name: "default", BaseURL: f.tok.BaseURL, Username: f.tok.Username}
			fmt.Fprintf(w, "\ndefault (a login made without the config file)\n")
			fmt.Fprintf(w, "  base_url      = %q\n  username      = %q\n  token         = %s\n", msgboxx.SafeURL(a.BaseURL), a.Username, tokenState(a))
		}
	}
	for _, name := range names {
		if only != "" {
			break
		}
		a, _ := c.resolve(accountFlags{account: name}, noEnv)
		mark := ""
		if name == c.defaultAccount || len(names) == 1 {
			mark = "  # opened by plain mbx"
		}
		printAccount(w, a, mark, tokenState)
	}
	if only != "" {
		// That account as mbx --account NAME opens it: flags, then the
		// environment, then the config file.
		a, err := c.resolve(*fl, os.Getenv)
		if err == nil && !a.Configured && a.BaseURL == "" {
			err = fmt.Errorf("no account %q in %s (its accounts: %s); give --base-url and --username for one it does not describe", only, path, orNone(names))
		}
		if err != nil {
			fmt.Fprintf(stderr, "mbx config: %v\n", err)
			return 2
		}
		mark := "  # as mbx --account " + only + " opens it"
		if !a.Configured {
			mark = "  # not in the config file: from the flags and the environment"
		}
		printAccount(w, a, mark, tokenState)
	}
	if keyringErr != nil {
		fmt.Fprintf(w, "\n%v; tokens are kept in files\n", keyringErr)
	}
	fmt.Fprintf(w, "\n[sync]\n  history_days  = %d\n  poll_interval = %q\n", c.sync.HistoryDays, c.sync.PollInterval.String())
	fmt.Fprintf(w, "\n[notifications]\n  enabled = %t\n  bell    = %t\n", c.notify.Enabled, c.notify.Bell)
	printHooks(w, c.notify.hooks, c.notify.desktopSettings)
	fmt.Fprintf(w, "\n[theme]\n  mode = %q\n", c.theme)
	fmt.Fprintf(w, "\n[ui]\n  preview = %t\n  mouse   = %t\n", c.ui.Preview, c.ui.Mouse)
	printSections(w, c.sections)
	fmt.Fprintf(w, "\n[keys]\n")
	def := defaultKeyMap()
	defs := keyActions(&def)
	changed := 0
	for i, a := range keyActions(&c.keys) {
		if !slices.Equal(a.binding.Keys(), defs[i].binding.Keys()) {
			q := make([]string, len(a.binding.Keys()))
			for j, k := range a.binding.Keys() {
				q[j] = strconv.Quote(k)
			}
			fmt.Fprintf(w, "  %s = [%s]\n", a.name, strings.Join(q, ", "))
			changed++
		}
	}
	if changed == 0 {
		fmt.Fprintf(w, "  (the defaults: ? in the inbox lists them)\n")
	} else {
		fmt.Fprintf(w, "  (every other key as by default)\n")
	}
	var envs []string
	for _, k := range []string{"MBX_ACCOUNT", "MBX_BASE_URL", "MBX_USERNAME"} {
		if v := os.Getenv(k); v != "" {
			if k == "MBX_BASE_URL" {
				v = msgboxx.SafeURL(v) // a user, password or query may carry a secret
			}
			envs = append(envs, fmt.Sprintf("%s=%q", k, v))
		}
	}
	if os.Getenv("MBX_PASSWORD") != "" {
		envs = append(envs, "MBX_PASSWORD set (hidden)")
	}
	if len(envs) > 0 {
		fmt.Fprintf(w, "\nenvironment (beats the file, loses to flags): %s\n", strings.Join(envs, ", "))
	}
	_, err = io.WriteString(stdout, w.String())
	if err != nil {
		return 1
	}
	return 0
}

func quotedOr(s, none string) string {
	if s == "" {
		return none
	}
	return strconv.Quote(s)
}

// ---- [[sections]] ----

// fileSection is one [[sections]] table: a named query in the sidebar.
type fileSection struct {
	Name  string `toml:"name"`
	Query string `toml:"query"`
	Sort  string `toml:"sort"` // window, waiting or activity (the default)
}

// parseSections checks each [[sections]] table and returns the sections,
// adding to probs what is wrong, each at its line (a query that does not
// parse: the parser's words and the column).
func parseSections(data []byte, fs []fileSection, probs []problem) ([]ui.Section, []problem) {
	lines := sectionLines(data)
	at := func(i int, key string) int {
		if i < len(lines) {
			if n, ok := lines[i][key]; ok {
				return n
			}
			return lines[i][""]
		}
		return 0
	}
	var out []ui.Section
	names := map[string]bool{}
	for i, f := range fs {
		key := fmt.Sprintf("sections[%d]", i+1)
		bad := func(field, format string, args ...any) {
			probs = append(probs, problem{line: at(i, field), key: key + "." + field, msg: fmt.Sprintf(format, args...)})
		}
		name := strings.TrimSpace(f.Name)
		switch {
		case name == "":
			bad("name", "give the section a name, e.g. name = \"Waiting on us\"")
			continue
		case strings.ContainsFunc(name, unicode.IsControl) || len(name) > 64:
			bad("name", "a name on one line, at most 64 bytes")
			continue
		case names[strings.ToLower(name)]:
			bad("name", "%q: another section has this name", name)
			continue
		}
		names[strings.ToLower(name)] = true
		q, err := state.ParseQuery(f.Query)
		if err != nil {
			bad("query", "%v", err)
			continue
		}
		if strings.TrimSpace(f.Query) == "" {
			bad("query", "give a query, e.g. query = \"window:closing -assignee:none\" (mbx help)")
			continue
		}
		sort, err := state.ParseQuerySort(f.Sort)
		if err != nil {
			bad("sort", "%q: give \"window\", \"waiting\" or \"activity\"", f.Sort)
			continue
		}
		out = append(out, ui.Section{Name: name, Query: q.Sorted(sort)})
	}
	return out, probs
}

// printSections is mbx config's part: each section as loaded.
func printSections(w io.Writer, secs []ui.Section) {
	for _, sec := range secs {
		sort := map[state.QuerySort]string{state.SortActivity: "activity", state.SortWindow: "window", state.SortWaiting: "waiting"}[sec.Query.Sort()]
		fmt.Fprintf(w, "\n[[sections]]\n  name  = %q\n  query = %q\n  sort  = %q\n",
			state.SanitizeLine(sec.Name), state.SanitizeLine(sec.Query.String()), sort)
	}
}

// sectionLines is, for each [[sections]] table in order, the line of its
// header ("") and of each of its keys.
func sectionLines(data []byte) (out []map[string]int) {
	defer func() {
		if recover() != nil { // positions only improve messages
			out = nil
		}
	}()
	lineOf := func(off int) int { return bytes.Count(data[:off], []byte("\n")) + 1 }
	var p unstable.Parser
	p.Reset(data)
	in := false
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			it := e.Key()
			var path []string
			var first *unstable.Node
			for it.Next() {
				if first == nil {
					first = it.Node()
				}
				path = append(path, string(it.Node().Data))
			}
			in = e.Kind == unstable.ArrayTable && len(path) == 1 && path[0] == "sections"
			if in {
				out = append(out, map[string]int{"": lineOf(int(first.Raw.Offset))})
			}
		case unstable.KeyValue:
			if !in {
				continue
			}
			it := e.Key()
			if it.Next() {
				out[len(out)-1][string(it.Node().Data)] = lineOf(int(it.Node().Raw.Offset))
			}
		}
	}
	return out
}
