// Command mbx is a keyboard-driven terminal inbox for WhatsApp Business
// conversations on msgboxx. Run `mbx help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/adrg/xdg"
	"golang.org/x/term"

	"github.com/mbx-inbox/mbx/api/getchat"
	gcsandbox "github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

// version is set at release time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build info, or "dev".
var version = ""

func appVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

const usage = `mbx — a terminal inbox for WhatsApp Business conversations on msgboxx

Usage:
  mbx                      open the inbox for the default account
  mbx board                the inbox, opened on the supervisor board (agents, teams, waiting customers)
  mbx demo                 start the embedded sandbox with demo data and open the inbox against it
  mbx sandbox [flags]      serve the sandbox (a local msgboxx API) alone; mbx sandbox -h for flags
  mbx sandbox --platform getchat [flags]   the same for get.chat (REST and websocket)
  mbx login [--account NAME] [--base-url URL] [--username NAME]
                           log in once and store the token (keyring, else a 0600 file)
  mbx logout [the same flags as login]   remove the stored token
  mbx config               print the config path and effective settings (secrets masked)
  mbx list [--query Q] [--json | --csv | -q] [--sort window|waiting|activity] [--account NAME]
                           print the stored conversations a query selects (README "Scripting");
                           no network; exit 0 listed (even none), 1 store unreadable, 2 bad usage/query
  mbx version

Scripting (the account's flags as for the inbox; --json for JSON lines):
  mbx send --to ID|+NUMBER --text '…'   a reply through the account's outbox (exactly once)
  mbx send --to ID|+NUMBER --template NAME [--lang L] [--param V …]
  mbx send --flush         send the replies queued earlier; --wait 30s waits for the platform
  mbx assign --to ID (--user NAME|me | --team NAME | --none)
  mbx webhooks list | add --url URL [--event TYPE …] | rm ID    (msgboxx)
  mbx broadcasts list      template sends and their status     (msgboxx)
  Exit codes: 0 done, 1 failed (refused or unreachable; not sent), 2 wrong usage
  (also a closed 24-hour window for --text, or what the platform cannot do),
  3 queued, not sent yet: the inbox or the next mbx send sends it.

Flags for the inbox and login: --account NAME, --base-url URL (MBX_BASE_URL),
--username NAME (MBX_USERNAME), --debug. The password comes from MBX_PASSWORD,
the account's password_cmd, or a prompt; flags beat the environment, which
beats the config file ($XDG_CONFIG_HOME/mbx/config.toml).
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// env is what the commands take from the machine beyond files and
// variables: the keyring and the terminal. Tests pass fakes to runWith.
type env struct {
	keyring            keyringAPI
	keyringTimeout     time.Duration // default 3 s
	passwordCmdTimeout time.Duration // default 10 s
	// promptPassword asks for a password without echo; errNoTerminal
	// when there is no terminal to ask on.
	promptPassword func(ctx context.Context, prompt string, stderr io.Writer) (string, error)
}

func systemEnv() env {
	return env{keyring: systemKeyring{}, promptPassword: terminalPassword}
}

var errNoTerminal = errors.New("standard input is not a terminal")

// noTerminal says why the inbox cannot be drawn here ("" when it can):
// it draws on standard output and reads keys from standard input or, when
// that is a pipe, from /dev/tty.
var noTerminal = terminalMissing // tests pin it

func terminalMissing() string {
	if !term.IsTerminal(int(os.Stdout.Fd())) {
		return "standard output is not a terminal"
	}
	if term.IsTerminal(int(os.Stdin.Fd())) {
		return ""
	}
	f, err := os.Open("/dev/tty")
	if err != nil {
		return "there is no terminal to read keys from"
	}
	f.Close()
	return ""
}

// terminalHint is what mbx and mbx demo say without a terminal (exit 2).
func terminalHint(cmd, why string) string {
	return fmt.Sprintf(`%s: the inbox needs a terminal (%s).
  Run it in a terminal window, or over SSH with a terminal: ssh -t HOST %s
  Without a terminal: mbx config prints the settings, mbx login stores a token,
  mbx sandbox serves the sandbox API alone (see mbx help).
`, cmd, why, cmd)
}

// terminalPassword reads a password from the terminal on stdin without
// echo. Ctrl+C (ctx's end) gives up and restores the terminal.
func terminalPassword(ctx context.Context, prompt string, stderr io.Writer) (string, error) {
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", errNoTerminal
	}
	old, err := term.GetState(fd)
	if err != nil {
		return "", err
	}
	fmt.Fprint(stderr, prompt)
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := term.ReadPassword(fd)
		ch <- result{b, err}
	}()
	select {
	case r := <-ch:
		fmt.Fprintln(stderr)
		return string(r.b), r.err
	case <-ctx.Done():
		_ = term.Restore(fd, old)
		fmt.Fprintln(stderr)
		return "", ctx.Err()
	}
}

// run dispatches a command line; it returns the exit code: 0 success,
// 1 failure, 2 wrong usage or nothing to open.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdout, stderr, systemEnv())
}

func runWith(ctx context.Context, args []string, stdout, stderr io.Writer, e env) int {
	cmd := ""
	if len(args) > 0 {
		cmd = args[0]
	}
	switch cmd {
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "mbx %s\n", appVersion())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "sandbox":
		return runSandbox(ctx, args[1:], stdout, stderr)
	case "demo":
		return runDemo(ctx, args[1:], stdout, stderr)
	case "login":
		return runLogin(ctx, args[1:], stdout, stderr, e)
	case "logout":
		return runLogout(ctx, args[1:], stdout, stderr, e)
	case "config":
		return runConfig(ctx, args[1:], stdout, stderr, e)
	case "send":
		return runSend(ctx, args[1:], stdout, stderr, e)
	case "assign":
		return runAssign(ctx, args[1:], stdout, stderr, e)
	case "board":
		return runBoard(ctx, args[1:], stdout, stderr, e) // cmd_board.go
	case "webhooks", "broadcasts":
		return runAdmin(ctx, cmd, args[1:], stdout, stderr, e)
	case "list":
		return runList(ctx, args[1:], stdout, stderr) // cmd_list.go
	case "":
		return runInbox(ctx, args, stdout, stderr, e)
	}
	if strings.HasPrefix(cmd, "-") {
		return runInbox(ctx, args, stdout, stderr, e)
	}
	fmt.Fprintf(stderr, "mbx: unknown command %q\n\n%s", cmd, usage)
	return 2
}

func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	switch p, err := platformOf(args); {
	case err != nil:
		fmt.Fprintf(stderr, "mbx sandbox: %v\n", err)
		return 2
	case p == platformGetchat:
		return runGetchatSandbox(ctx, args, stdout, stderr)
	}
	fs := flag.NewFlagSet("mbx sandbox", flag.ContinueOnError)
	fs.String("platform", platformMsgboxx, "the platform to serve: msgboxx or getchat")
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8088", "loopback `address` to listen on (port 0 picks a free port)")
	cfg := sandbox.Config{}
	fs.Int64Var(&cfg.Seed, "seed", 1, "demo data `seed`: the same seed gives the same data")
	fs.BoolVar(&cfg.Simulate, "simulate", false, "make customers write in every few seconds")
	fs.DurationVar(&cfg.SimulateEvery, "simulate-every", 4*time.Second, "mean `interval` between simulated customer messages")
	fs.DurationVar(&cfg.StatusStep, "status-step", 3*time.Second, "`pace` of outgoing statuses: sent, delivered, read one step apart")
	fs.DurationVar(&cfg.TokenLifetime, "token-lifetime", time.Hour, "`lifetime` of issued tokens")
	fs.IntVar(&cfg.Conversations, "conversations", 0, "seed this many extra `conversations` (volume testing)")
	fs.IntVar(&cfg.Messages, "messages", 0, "seed this many extra `messages` over them (volume testing)")
	fs.IntVar(&cfg.HistoryDays, "history-days", 7, "`days` of history to seed")
	fs.BoolVar(&cfg.Empty, "empty", false, "no demo contacts or messages: accounts, users and teams only")
	readingFlags(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "mbx sandbox: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if err := checkReadings(cfg); err != nil {
		fmt.Fprintf(stderr, "mbx sandbox: %v\n", err)
		return 2
	}
	everySet := false
	fs.Visit(func(f *flag.Flag) { everySet = everySet || f.Name == "simulate-every" })
	if err := checkSandboxLoad(cfg.SimulateEvery, everySet, cfg.Conversations, cfg.Messages); err != nil {
		fmt.Fprintf(stderr, "mbx sandbox: %v\n", err)
		return 2
	}
	if err := checkLoopback(*addr); err != nil {
		fmt.Fprintf(stderr, "mbx sandbox: %v\n", err)
		return 2
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "mbx sandbox: cannot listen on %s: %v (is another sandbox running? try --addr 127.0.0.1:0)\n", *addr, err)
		return 1
	}
	srv := sandbox.New(cfg)
	defer srv.Close()
	srv.Start(ctx)
	user, pass := srv.Credentials()
	// Scripts read these two lines: keep them first and exactly so.
	fmt.Fprintf(stdout, "listening http://%s\n", ln.Addr())
	fmt.Fprintf(stdout, "login %s %s\n", user, pass)

	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		fmt.Fprintf(stderr, "mbx sandbox: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_ = hs.Shutdown(shutdown)
	return 0
}

// minSimulateEvery is the shortest --simulate-every taken (as for get.chat's
// sandbox): shorter is a flood, and 1ns a busy loop.
const minSimulateEvery = 10 * time.Millisecond

// checkSandboxLoad refuses a simulator interval that would be a busy loop
// (when the flag was given) and more volume than the sandbox holds in
// memory (sandbox.CheckVolume), before anything is generated.
func checkSandboxLoad(every time.Duration, everySet bool, conversations, messages int) error {
	if everySet && every < minSimulateEvery {
		return fmt.Errorf("--simulate-every %v is too fast: use %v or more (the mean interval between simulated customer messages)", every, minSimulateEvery)
	}
	return sandbox.CheckVolume(conversations, messages)
}

// checkLoopback refuses to serve the sandbox (and its printed demo
// password) beyond this machine.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q is not host:port (e.g. 127.0.0.1:8088)", addr)
	}
	if !msgboxx.IsLoopbackHost(host) {
		return fmt.Errorf("address %q is not a loopback address: the sandbox serves only this machine (use 127.0.0.1:PORT)", addr)
	}
	return nil
}

// runDemo starts the sandboxes in-process — msgboxx's and get.chat's —
// with their demo data and customer simulators, and opens the inbox
// against one of them (msgboxx unless --platform getchat) as the demo
// agent; S switches to the other. The demo's stores are a temporary
// directory: the sandboxes' data is new on every start, so yesterday's
// store would not match it. It never touches stored logins.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mbx demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	platform := fs.String("platform", platformMsgboxx, "the `platform` to open first: msgboxx or getchat (S switches)")
	cfg := sandbox.Config{Simulate: true}
	fs.Int64Var(&cfg.Seed, "seed", 1, "demo data `seed`")
	fs.DurationVar(&cfg.SimulateEvery, "simulate-every", 8*time.Second, "mean `interval` between customer messages (0 turns the simulator off)")
	fs.DurationVar(&cfg.StatusStep, "status-step", 3*time.Second, "`pace` of outgoing statuses: sent, delivered, read one step apart (both sandboxes; at least 1s)")
	fs.IntVar(&cfg.Conversations, "conversations", 0, "extra `conversations` to seed (volume testing)")
	fs.IntVar(&cfg.Messages, "messages", 0, "extra `messages` to seed over them")
	readingFlags(fs, &cfg)
	debug := fs.Bool("debug", false, "log every request (tokens redacted) to the log file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	first, err := checkPlatform(*platform)
	if err != nil {
		fmt.Fprintf(stderr, "mbx demo: %v\n", err)
		return 2
	}
	if err := checkSandboxLoad(cfg.SimulateEvery, cfg.SimulateEvery > 0, cfg.Conversations, cfg.Messages); err != nil {
		fmt.Fprintf(stderr, "mbx demo: %v\n", err)
		return 2
	}
	if err := checkReadings(cfg); err != nil {
		fmt.Fprintf(stderr, "mbx demo: %v\n", err)
		return 2
	}
	if cfg.StatusStep < time.Second {
		fmt.Fprintf(stderr, "mbx demo: --status-step %s is too short: give at least 1s (e.g. --status-step 1s)\n", cfg.StatusStep)
		return 2
	}
	if cfg.SimulateEvery <= 0 {
		cfg.Simulate = false
	}
	conf, err := loadConfig(configPath())
	if err != nil {
		fmt.Fprintf(stderr, "mbx demo: %v\n", err)
		return 2
	}
	if why := noTerminal(); why != "" {
		fmt.Fprint(stderr, terminalHint("mbx demo", why))
		return 2
	}
	secrets := &secretSet{}
	logger, closeLog := openLog(*debug, stderr, secrets)
	defer closeLog()

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(stderr, "mbx demo: cannot listen on loopback: %v\n", err)
		return 1
	}
	srv := sandbox.New(cfg)
	defer srv.Close()
	srv.Start(ctx)
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go hs.Serve(ln)
	defer hs.Close()

	gcfg := gcsandbox.Config{Seed: cfg.Seed, Simulate: cfg.Simulate, SimulateEvery: cfg.SimulateEvery,
		Conversations: cfg.Conversations, Messages: cfg.Messages, StatusStep: cfg.StatusStep}
	_, gurl, gstop, err := gcsandbox.Start(gcfg, "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(stderr, "mbx demo: cannot start the get.chat sandbox on loopback: %v\n", err)
		return 1
	}
	defer gstop()

	dir, err := os.MkdirTemp("", "mbx-demo-")
	if err != nil {
		fmt.Fprintf(stderr, "mbx demo: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)

	// Two demo accounts, one per platform.
	open := func(platform string) (code int, next string) {
		var c conn
		title := "demo · Alex Agent"
		switch platform {
		case platformGetchat:
			secrets.add(gcsandbox.DemoPassword)
			client, err := getchat.New(getchat.Config{BaseURL: gurl, Username: gcsandbox.DemoUsername, Password: gcsandbox.DemoPassword,
				Application: "mbx/" + appVersion(), Logger: logger, OnToken: func(t getchat.Token) { secrets.add(string(t)) }})
			if err != nil {
				fmt.Fprintf(stderr, "mbx demo: %v\n", err)
				return 1, ""
			}
			c, title = getchatConn{c: client}, "demo get.chat · Alex Agent"
		default:
			user, pass := srv.Credentials()
			secrets.add(pass)
			client, err := msgboxx.New(msgboxx.Config{BaseURL: "http://" + ln.Addr().String(), Username: user, Password: pass,
				Application: "mbx/" + appVersion(), Logger: logger, OnToken: func(tok string, _ time.Time) { secrets.add(tok) }})
			if err != nil {
				fmt.Fprintf(stderr, "mbx demo: %v\n", err)
				return 1, ""
			}
			c = msgboxxConn{client}
		}
		return openInbox(ctx, inboxParams{
			title: title, conn: c, dbPath: filepath.Join(dir, platform+".db"),
			keys: conf.keys, sync: conf.sync, logger: logger, stderr: stderr, loginAtStart: true,
			refused: func(err error) string { return fmt.Sprintf("login refused: %v", err) },
			theme:   conf.theme, notify: conf.notify, ui: conf.ui, sections: conf.sections,
			accounts: []string{platformMsgboxx, platformGetchat}, current: platform,
			responses: "demo",
		})
	}
	for current := first; ; {
		code, next := open(current)
		if next == "" || ctx.Err() != nil {
			return code
		}
		current = next
	}
}

// accountFlagSet declares the flags every command that picks an account
// takes. Empty means not given: the environment and the config file fill
// in (config.resolve).
func accountFlagSet(name string, stderr io.Writer, server bool) (*flag.FlagSet, *accountFlags, *bool) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fl := &accountFlags{}
	fs.StringVar(&fl.account, "account", "", "account `name` from the config file (env MBX_ACCOUNT; default: default_account, or the only account)")
	if server {
		fs.StringVar(&fl.baseURL, "base-url", "", "API `URL`, e.g. https://api.msgboxx.io (env MBX_BASE_URL; overrides the config file)")
		fs.StringVar(&fl.username, "username", "", "`user` name on the platform (env MBX_USERNAME; overrides the config file)")
		fs.StringVar(&fl.platform, "platform", "", "`platform` of an account not in the config file: msgboxx (default) or getchat (env MBX_PLATFORM)")
		fs.StringVar(&fl.websocketURL, "websocket-url", "", "get.chat websocket `URL` (default: derived from the base URL as get.chat does)")
	}
	debug := fs.Bool("debug", false, "log every request (tokens redacted) to the log file")
	return fs, fl, debug
}

// parseFlags parses args; ok false means exit with code.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0, false
		}
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return 2, false
	}
	return 0, true
}

// firstRunHint is what plain mbx says when no account is configured.
func firstRunHint(path string) string {
	return fmt.Sprintf(`mbx: no account configured yet.

  Add one to %s:
      [accounts.work]
      base_url = "https://api.msgboxx.io"
      username = "you@example.com"
  then log in once:  mbx login
  Or try it first:   mbx demo   (a local sandbox with demo customers)
`, path)
}

// runInbox opens the inbox for an account, and then for each account the
// agent switches to inside it.
func runInbox(ctx context.Context, args []string, stdout, stderr io.Writer, e env) int {
	return runInboxWith(ctx, "mbx", args, stderr, e, inboxOptions{})
}

// inboxOptions are how a command opens the inbox (cmd_board.go).
type inboxOptions struct {
	board bool // on the supervisor board
}

func runInboxWith(ctx context.Context, name string, args []string, stderr io.Writer, e env, opt inboxOptions) int {
	fs, fl, debug := accountFlagSet(name, stderr, true)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	cfg, err := loadConfig(configPath())
	if err != nil {
		fmt.Fprintf(stderr, "mbx: %v\n", err)
		return 2
	}
	secrets := &secretSet{}
	tokens := newTokenStore(e.keyring, e.keyringTimeout, secrets)
	if cfg.firstRun(*fl, os.Getenv) {
		if f, _, _, err := tokens.load(account{Name: "default"}); err != nil || f.tok.Token == "" {
			fmt.Fprint(stderr, firstRunHint(cfg.path))
			return 2
		}
	}

	logger, closeLog := openLog(*debug, stderr, secrets)
	defer closeLog()

	getenv := os.Getenv
	for {
		next := ""
		code := func() int {
			sess, code := openSession(cfg, *fl, getenv, tokens, e, logger, secrets, stderr)
			if sess == nil {
				return code
			}
			db, err := xdg.StateFile(storeFile(sess.acc.Name))
			if err != nil {
				fmt.Fprintf(stderr, "mbx: cannot create the data directory: %v\n", err)
				return 1
			}
			usable := sess.stored.tok.usable(time.Now())
			code, next = openInbox(ctx, inboxParams{
				title: sess.acc.Name + " · " + sess.acc.Username, conn: sess.conn(), dbPath: db,
				keys: cfg.keys, sync: sess.acc.Sync, logger: logger, stderr: stderr,
				theme: cfg.theme, notify: cfg.notify, ui: cfg.ui, sections: cfg.sections,
				// With a usable token there is nothing to ask; without a
				// password source the inbox opens and asks (Deps.Login).
				loginAtStart: !usable && sess.hasPassword(),
				refused: func(err error) string {
					return loginWords(sess.acc, err) + " (the password came from " + sess.passwordSource() + ")"
				},
				login: sess.login, username: sess.acc.Username, userID: sess.acc.UserID,
				accounts: cfg.accountNames(), current: sess.acc.Name,
				responses: sess.acc.Name, board: opt.board,
			})
			return code
		}()
		if _, ok := cfg.accounts[next]; !ok || ctx.Err() != nil {
			return code
		}
		// Flags and MBX_* name the account mbx started with.
		*fl, getenv = accountFlags{account: next}, noEnv
	}
}

// openSession resolves an account and connects its client to its stored
// token and password source. On failure it has said why and returns the
// exit code.
func openSession(cfg *config, fl accountFlags, getenv func(string) string, tokens *tokenStore,
	e env, logger *slog.Logger, secrets *secretSet, stderr io.Writer) (*session, int) {
	acc, err := cfg.resolve(fl, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "mbx: %v\n", err)
		return nil, 2
	}
	fillFromStored(&acc, tokens)
	if err := acc.complete(cfg); err != nil {
		fmt.Fprintf(stderr, "mbx: %v\n", err)
		return nil, 2
	}
	sess, err := newSession(acc, tokens, getenv("MBX_PASSWORD"), e, logger, secrets)
	if err != nil {
		fmt.Fprintf(stderr, "mbx: %v\n", err)
		return nil, 1
	}
	return sess, 0
}

// fillFromStored completes an account that is not in the config file with
// the server and user of its stored login (mbx login --base-url … once,
// then plain mbx).
func fillFromStored(a *account, tokens *tokenStore) {
	if a.Configured || (a.BaseURL != "" && a.Username != "") {
		return
	}
	f, _, _, err := tokens.load(*a)
	if err != nil || f.tok.Token == "" {
		return
	}
	if a.BaseURL == "" && (a.Username == "" || strings.EqualFold(a.Username, f.tok.Username)) {
		a.BaseURL = f.tok.BaseURL
	}
	if a.Username == "" && a.BaseURL == f.tok.BaseURL {
		a.Username = f.tok.Username
	}
	if !a.PlatformGiven && f.tok.Platform != "" && a.BaseURL == f.tok.BaseURL {
		a.Platform = f.tok.Platform // logged in with --platform getchat: the same platform again
	}
}

// session is one account's connection: its client, where its token is
// kept, and how it logs in again.
type session struct {
	acc         account
	client      *msgboxx.Client // a msgboxx account's
	gc          *getchat.Client // a get.chat account's
	tokens      *tokenStore
	logger      *slog.Logger
	secrets     *secretSet
	envPassword string
	pwTimeout   time.Duration
	stored      found // the token stored at start, if any
	typed       typedPassword
	loginMu     sync.Mutex
}

// Format keeps a session, which holds secrets, from printing them.
func (s *session) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "session{%s}", s.acc.Name) }

// newSession builds the account's client with its stored token, if one
// matches, and a password source: MBX_PASSWORD, else password_cmd, else
// only what the agent types into the inbox's login prompt.
func newSession(acc account, tokens *tokenStore, envPassword string, e env, logger *slog.Logger, secrets *secretSet) (*session, error) {
	s := &session{acc: acc, tokens: tokens, logger: logger, secrets: secrets, envPassword: envPassword, pwTimeout: e.passwordCmdTimeout}
	secrets.add(envPassword)
	f, ok, kr, err := tokens.load(acc)
	if err != nil {
		return nil, err
	}
	if kr != nil {
		logger.Info("system keyring unavailable; tokens are kept in files", "account", acc.Name, "reason", kr)
	}
	if acc.Platform == platformGetchat {
		// The token never expires: no expiry is stored, and a login is
		// needed only when there is none or the server refused it.
		gcfg := getchat.Config{BaseURL: acc.BaseURL, Username: acc.Username, WebsocketURL: acc.WebsocketURL,
			Application: "mbx/" + appVersion(), Logger: logger}
		if ok {
			s.stored = f
			gcfg.Token = getchat.Token(f.tok.Token)
		}
		if s.gc, err = getchat.New(gcfg); err != nil {
			return nil, err
		}
		return s, nil
	}
	cfg := msgboxx.Config{BaseURL: acc.BaseURL, Username: acc.Username, PasswordFunc: s.password, OnToken: s.keep,
		Application: "mbx/" + appVersion(), Logger: logger}
	if ok {
		s.stored = f
		cfg.Token, cfg.TokenExpiry = f.tok.Token, f.tok.Expiry
	}
	if s.client, err = msgboxx.New(cfg); err != nil {
		return nil, err
	}
	return s, nil
}

// conn is the session's platform connection for the inbox.
func (s *session) conn() conn {
	if s.gc != nil {
		return getchatConn{c: s.gc, login: s.loginGetchat}
	}
	return msgboxxConn{s.client}
}

// loginGetchat logs a get.chat account in with its password source (a
// typed password first): a client of its own carries the password for
// this one request, and the token it gets is kept and stored.
func (s *session) loginGetchat(ctx context.Context) error {
	pw, err := s.password(ctx)
	if err != nil {
		return &getchat.Error{Route: "POST " + getchat.PathLogin, Err: getchat.ErrLoginRequired}
	}
	tmp, err := getchat.New(getchat.Config{BaseURL: s.acc.BaseURL, Username: s.acc.Username, Password: pw,
		WebsocketURL: s.acc.WebsocketURL, Application: "mbx/" + appVersion(), Logger: s.logger})
	if err != nil {
		return err
	}
	tok, err := tmp.Login(ctx)
	if err != nil {
		return err
	}
	s.gc.SetToken(tok)
	s.keep(string(tok), time.Time{})
	return nil
}

// hasPassword reports a password source that needs no prompt.
func (s *session) hasPassword() bool { return s.envPassword != "" || s.acc.PasswordCmd != "" }

// passwordSource names where the password comes from, for messages.
func (s *session) passwordSource() string {
	if s.envPassword != "" {
		return "MBX_PASSWORD"
	}
	return "password_cmd of [accounts." + s.acc.Name + "]"
}

// password is the client's PasswordFunc: a password typed into the inbox
// during its login, else MBX_PASSWORD, else password_cmd. Never a prompt
// on the terminal: the inbox draws there.
func (s *session) password(ctx context.Context) (string, error) {
	if pw := s.typed.get(); pw != "" {
		return pw, nil
	}
	if s.envPassword != "" {
		return s.envPassword, nil
	}
	if s.acc.PasswordCmd != "" {
		pw, err := runPasswordCmd(ctx, s.acc.PasswordCmd, s.pwTimeout)
		s.secrets.add(pw)
		return pw, err
	}
	return "", errors.New("no password to log in with: type it when the inbox asks, or run mbx login")
}

// keep is the client's OnToken: every new token is stored.
func (s *session) keep(token string, expiry time.Time) {
	s.secrets.add(token)
	f, kr, err := s.tokens.save(storedToken{Account: s.acc.Name, BaseURL: s.acc.BaseURL, Username: s.acc.Username, Platform: s.acc.Platform, Token: token, Expiry: expiry})
	if kr != nil {
		s.logger.Info("system keyring unavailable; tokens are kept in files", "account", s.acc.Name, "reason", kr)
	}
	if err != nil {
		s.logger.Warn("could not store the new login", "account", s.acc.Name, "err", err)
		return
	}
	s.logger.Info("login stored", "account", s.acc.Name, "in", f.where())
}

// login is the inbox's Deps.Login: log in with the password the agent
// typed, store the token. The password is held only during the call.
func (s *session) login(ctx context.Context, password string) error {
	if password == "" {
		return errors.New("type the password, then press enter")
	}
	s.loginMu.Lock()
	defer s.loginMu.Unlock()
	s.secrets.add(password)
	s.typed.set(password)
	defer s.typed.set("")
	if err := s.conn().Login(ctx); err != nil {
		return errors.New(loginWords(s.acc, err))
	}
	return nil
}

// runLogin is mbx login: ask for the password, log in, store the token.
func runLogin(ctx context.Context, args []string, stdout, stderr io.Writer, e env) int {
	fs, fl, debug := accountFlagSet("mbx login", stderr, true)
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	cfg, err := loadConfig(configPath())
	if err != nil {
		fmt.Fprintf(stderr, "mbx login: %v\n", err)
		return 2
	}
	acc, err := cfg.resolve(*fl, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "mbx login: %v\n", err)
		return 2
	}
	secrets := &secretSet{}
	tokens := newTokenStore(e.keyring, e.keyringTimeout, secrets)
	fillFromStored(&acc, tokens)
	if err := acc.complete(cfg); err != nil {
		fmt.Fprintf(stderr, "mbx login: %v\n", err)
		return 2
	}
	logger, closeLog := openLog(*debug, stderr, secrets)
	defer closeLog()

	password := os.Getenv("MBX_PASSWORD")
	switch {
	case password != "":
	case acc.PasswordCmd != "":
		if password, err = runPasswordCmd(ctx, acc.PasswordCmd, e.passwordCmdTimeout); err != nil {
			fmt.Fprintf(stderr, "mbx login: %v\n", err)
			return 1
		}
	default:
		prompt := fmt.Sprintf("Password for %s on %s: ", acc.Username, acc.BaseURL)
		if e.promptPassword == nil {
			err = errNoTerminal
		} else {
			password, err = e.promptPassword(ctx, prompt, stderr)
		}
		if errors.Is(err, errNoTerminal) {
			fmt.Fprintf(stderr, "mbx login: no password: standard input is not a terminal to ask on.\n"+
				"Set MBX_PASSWORD, or add password_cmd under [accounts.%s] in %s.\n", acc.Name, cfg.path)
			return 2
		}
		if err != nil && ctx.Err() != nil {
			fmt.Fprintln(stderr, "mbx login: interrupted; nothing done.")
			return 1
		}
		if err != nil {
			fmt.Fprintf(stderr, "mbx login: reading the password: %v\n", err)
			return 1
		}
		if password == "" {
			fmt.Fprintln(stderr, "mbx login: no password typed; nothing done.")
			return 1
		}
	}
	secrets.add(password)

	var got storedToken
	keep := func(tok string, exp time.Time) {
		secrets.add(tok)
		got = storedToken{Account: acc.Name, BaseURL: acc.BaseURL, Username: acc.Username, Platform: acc.Platform, Token: tok, Expiry: exp}
	}
	var c conn
	if acc.Platform == platformGetchat {
		client, err := getchat.New(getchat.Config{BaseURL: acc.BaseURL, Username: acc.Username, Password: password,
			WebsocketURL: acc.WebsocketURL, Application: "mbx/" + appVersion(), Logger: logger,
			OnToken: func(t getchat.Token) { keep(string(t), time.Time{}) }})
		if err != nil {
			fmt.Fprintf(stderr, "mbx login: %v\n", err)
			return 2
		}
		c = getchatConn{c: client}
	} else {
		client, err := msgboxx.New(msgboxx.Config{BaseURL: acc.BaseURL, Username: acc.Username, Password: password,
			Application: "mbx/" + appVersion(), Logger: logger, OnToken: keep})
		if err != nil {
			fmt.Fprintf(stderr, "mbx login: %v\n", err)
			return 2
		}
		c = msgboxxConn{client}
	}
	if err := c.Login(ctx); err != nil {
		logger.Info("login failed", "account", acc.Name, "err", err)
		fmt.Fprintf(stderr, "mbx login: %s.\n", loginWords(acc, err))
		return 1
	}
	f, kr, err := tokens.save(got)
	if kr != nil {
		logger.Info("system keyring unavailable; the token goes to a file", "account", acc.Name, "reason", kr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mbx login: logged in, but the token could not be stored: %v\n", err)
		return 1
	}
	where := "the system keyring"
	if !f.keyring {
		where = f.path + " (no system keyring)"
	}
	logger.Info("logged in", "account", acc.Name, "in", f.where())
	fmt.Fprintf(stdout, "Logged in as %s on %s; token stored in %s\n", acc.Username, acc.BaseURL, where)
	return 0
}

// runLogout is mbx logout: remove the account's token from the keyring
// and the file, whichever hold one. Doing it twice is fine.
func runLogout(ctx context.Context, args []string, stdout, stderr io.Writer, e env) int {
	fs, fl, _ := accountFlagSet("mbx logout", stderr, true) // the same account flags as login: what one names, the other finds
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	cfg, err := loadConfig(configPath())
	if err != nil {
		fmt.Fprintf(stderr, "mbx logout: %v\n", err)
		return 2
	}
	// The account as login names it (flags, environment, config file).
	acc, err := cfg.resolve(*fl, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "mbx logout: %v\n", err)
		return 2
	}
	tokens := newTokenStore(e.keyring, e.keyringTimeout, &secretSet{})
	r, kr, err := tokens.delete(acc.Name)
	var what []string
	if r.keyring {
		what = append(what, "the system keyring")
	}
	if r.path != "" {
		what = append(what, r.path)
	}
	switch {
	case len(what) > 0:
		fmt.Fprintf(stdout, "Logged out of %s: removed the token from %s.\n", acc.Name, strings.Join(what, " and "))
		if acc.Platform == platformGetchat {
			// get.chat's token never expires and is the one the web inbox
			// holds: ending it on the server would log the web inbox out.
			fmt.Fprintln(stdout, "get.chat's token is shared with your web inbox, which stays logged in; mbx only forgot it here.")
		}
	case err == nil:
		fmt.Fprintf(stdout, "Logged out of %s: no token was stored.\n", acc.Name)
	}
	if kr != nil {
		fmt.Fprintf(stderr, "mbx logout: %v; a token stored there earlier, if any, is still there.\n", kr)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mbx logout: %v\n", err)
		return 1
	}
	return 0
}

// inboxParams is what openInbox wires together.
type inboxParams struct {
	title  string
	conn   conn
	dbPath string
	keys   ui.KeyMap
	sync   syncSettings
	logger *slog.Logger
	stderr io.Writer
	// loginAtStart logs in before drawing: a refused password ends there,
	// with refused's words.
	loginAtStart bool
	refused      func(error) string
	// For ui.Deps: login again from the inbox (nil: not possible), and
	// the accounts to switch between.
	login    func(ctx context.Context, password string) error
	username string
	userID   string // the config file's user_id: who the agent is, when the platform cannot tell
	accounts []string
	current  string
	// responses names the account's own saved responses file
	// (responses.go); "" for none.
	responses string
	// From the config file: the palette and notifications.
	theme    string
	notify   notifySettings
	ui       uiSettings
	sections []ui.Section // [[sections]]
	board    bool         // open on the supervisor board (mbx board)
}

// openInbox wires api → state → ui and runs the program until the user
// quits or switches accounts (the account chosen is returned): drafts are
// flushed and the store closed on the way out.
func openInbox(ctx context.Context, p inboxParams) (code int, switchTo string) {
	if why := noTerminal(); why != "" {
		fmt.Fprint(p.stderr, terminalHint("mbx", why))
		return 2, ""
	}
	store, err := state.Open(p.dbPath)
	if err != nil {
		fmt.Fprintf(p.stderr, "mbx: %v\n", err)
		return 1, ""
	}
	defer store.Close()
	// The outbox lock tells mbx send that this process sends the store's
	// replies (cmd_send.go).
	defer takeOutbox(ctx, p.dbPath, 30*time.Second, p.logger, p.stderr)()
	scfg := state.Config{Logger: p.logger, HistoryDays: p.sync.HistoryDays, Poll: p.sync.PollInterval}
	if p.responses != "" {
		scfg.Responses = savedResponses(p.responses)
	}
	if p.sync.PollInterval > 30*time.Second {
		scfg.IdlePoll = p.sync.PollInterval // idle polls are never more frequent
	}
	engine := state.NewEngine(store, p.conn.Backend(), scfg)
	if err := engine.SetConfiguredUser(p.userID); err != nil {
		fmt.Fprintf(p.stderr, "mbx: %v\n", err)
		return 1, ""
	}

	// Wrong credentials end here with words; no connection is fine, the
	// inbox opens offline with what it knew.
	if p.loginAtStart {
		if err := p.conn.Login(ctx); err != nil {
			if p.conn.LoginRequired(err) {
				fmt.Fprintf(p.stderr, "mbx: %s\n", p.refused(err))
				return 1, ""
			}
			p.logger.Warn("starting offline", "err", err)
		}
	}
	if me := p.conn.UserID(); me != "" {
		engine.SetMe(me) // kept in the store: known offline too
	}

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = engine.Run(runCtx)
	}()
	go watchQueued(runCtx, store, engine, 3*time.Second) // replies mbx send queued meanwhile
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	deps := ui.Deps{Core: state.NewService(store, engine), Account: p.title, Editor: editor,
		Username: p.username, Platform: p.conn.Name(), Accounts: p.accounts, Current: p.current,
		Theme: p.theme, Notify: p.notify.Enabled, Bell: p.notify.Enabled && p.notify.Bell, Open: desktopOpener(),
		Preview: p.ui.Preview, Mouse: p.ui.Mouse, Board: p.board}
	deps.Sections = p.sections
	if p.login != nil {
		deps.Login = loginAgain(p.login, p.conn, engine)
	}
	if r := newHookRunner(p.notify.hooks, p.logger); r != nil { // hooks.go
		deps.Hooks = r
	}
	deps.Desktop, deps.Tmux = p.notify.Desktop, p.notify.Tmux && os.Getenv("TMUX") != ""
	// 120 frames a second: a key's frame waits at most ~8 ms for its tick
	// (the renderer writes only what changed, so idle frames cost nothing).
	app := ui.New(deps, p.keys)
	prog := tea.NewProgram(app, tea.WithContext(ctx), tea.WithFPS(120))
	go app.Listen(prog.Send) // the engine's changes, relayed into the program
	final, err := prog.Run()
	app.Close()
	cancel()
	<-done
	engine.FlushDrafts()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(p.stderr, "mbx: %v\n", err)
		return 1, ""
	}
	if app, ok := final.(*ui.App); ok && err == nil {
		if next := app.SwitchTo(); next != "" && next != p.current {
			return 0, next
		}
	}
	return 0, ""
}

// loginAgain is the inbox's Deps.Login: log in with the typed password
// (login stores the token), learn who we are if still unknown, and sync.
func loginAgain(login func(context.Context, string) error, c conn, engine *state.Engine) func(context.Context, string) error {
	return func(ctx context.Context, password string) error {
		if err := login(ctx, password); err != nil {
			return err
		}
		if me := c.UserID(); me != "" && engine.Me() == "" {
			engine.SetMe(me)
		}
		engine.LoggedIn()
		return nil
	}
}

// storeFile is the account's store, relative to the XDG state directory
// (xdg.StateFile creates its directory; xdg.SearchStateFile finds it):
// the inbox, mbx send, assign and list all read this one file. The name
// is a validName.
func storeFile(account string) string { return filepath.Join("mbx", account+".db") }

// validName accepts account names: letters, digits, '-' and '_' (they
// name files and keyring entries).
func validName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
