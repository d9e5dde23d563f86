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
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/adrg/xdg"

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
  mbx demo                 start the embedded sandbox with demo data and open the inbox against it
  mbx sandbox [flags]      serve the sandbox (a local msgboxx API) alone; mbx sandbox -h for flags
  mbx login | logout [--account NAME]
  mbx config               print the config path and effective settings (secrets masked)
  mbx version
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line; it returns the exit code: 0 success,
// 1 failure, 2 wrong usage or not possible yet.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cmd := ""
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "sandbox":
		return runSandbox(ctx, args, stdout, stderr)
	case "--base-url", "--username", "--account", "--debug":
		return runInbox(ctx, append([]string{cmd}, args...), stdout, stderr)
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "mbx %s\n", appVersion())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "demo":
		return runDemo(ctx, args, stdout, stderr)
	case "":
		return runInbox(ctx, args, stdout, stderr)
	case "login", "logout", "config":
		fmt.Fprintf(stderr, "mbx %s: not available in this build yet (accounts and stored logins come next).\n"+
			"Meanwhile: mbx --base-url URL --username NAME with the password in MBX_PASSWORD, or mbx demo.\n", cmd)
		return 2
	default:
		fmt.Fprintf(stderr, "mbx: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}

func runSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mbx sandbox", flag.ContinueOnError)
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

// runDemo starts the sandbox in-process, with its demo data and the
// customer simulator, and opens the inbox against it as the demo agent.
// The demo's store is a temporary directory: the sandbox's data is new on
// every start, so yesterday's store would not match it.
func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mbx demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg := sandbox.Config{Simulate: true}
	fs.Int64Var(&cfg.Seed, "seed", 1, "demo data `seed`")
	fs.DurationVar(&cfg.SimulateEvery, "simulate-every", 8*time.Second, "mean `interval` between customer messages (0 turns the simulator off)")
	fs.IntVar(&cfg.Conversations, "conversations", 0, "extra `conversations` to seed (volume testing)")
	fs.IntVar(&cfg.Messages, "messages", 0, "extra `messages` to seed over them")
	debug := fs.Bool("debug", false, "log every request (tokens redacted) to the log file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if cfg.SimulateEvery <= 0 {
		cfg.Simulate = false
	}
	logger, closeLog := openLog(*debug, stderr)
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

	dir, err := os.MkdirTemp("", "mbx-demo-")
	if err != nil {
		fmt.Fprintf(stderr, "mbx demo: %v\n", err)
		return 1
	}
	defer os.RemoveAll(dir)
	user, pass := srv.Credentials()
	client, err := msgboxx.New(msgboxx.Config{BaseURL: "http://" + ln.Addr().String(), Username: user, Password: pass,
		Application: "mbx/" + appVersion(), Logger: logger})
	if err != nil {
		fmt.Fprintf(stderr, "mbx demo: %v\n", err)
		return 1
	}
	keys, err := loadKeyMap(configPath())
	if err != nil {
		fmt.Fprintf(stderr, "mbx demo: %v\n", err)
		return 2
	}
	return openInbox(ctx, "demo · Alex Agent", client, filepath.Join(dir, "demo.db"), keys, logger, stderr)
}

// runInbox opens the inbox against a real platform.
func runInbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mbx", flag.ContinueOnError)
	fs.SetOutput(stderr)
	account := fs.String("account", "default", "account `name` (its store is mbx/NAME.db under the XDG state directory)")
	baseURL := fs.String("base-url", os.Getenv("MBX_BASE_URL"), "API `URL`, e.g. https://api.msgboxx.io (env MBX_BASE_URL)")
	username := fs.String("username", os.Getenv("MBX_USERNAME"), "msgboxx `user` name (env MBX_USERNAME)")
	debug := fs.Bool("debug", false, "log every request (tokens redacted) to the log file")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	password := os.Getenv("MBX_PASSWORD")
	if *baseURL == "" || *username == "" || password == "" {
		fmt.Fprint(stderr, `mbx: no account to open.

  Try it first:   mbx demo        (a local sandbox with demo customers)
  Or connect:     MBX_PASSWORD=… mbx --base-url https://api.msgboxx.io --username you@example.com

The password is read from MBX_PASSWORD and never stored.
`)
		return 2
	}
	if !validName(*account) {
		fmt.Fprintf(stderr, "mbx: account name %q: use letters, digits, '-' and '_' only\n", *account)
		return 2
	}
	logger, closeLog := openLog(*debug, stderr)
	defer closeLog()
	client, err := msgboxx.New(msgboxx.Config{BaseURL: *baseURL, Username: *username, Password: password,
		Application: "mbx/" + appVersion(), Logger: logger})
	if err != nil {
		fmt.Fprintf(stderr, "mbx: %v\n", err)
		return 2
	}
	keys, err := loadKeyMap(configPath())
	if err != nil {
		fmt.Fprintf(stderr, "mbx: %v\n", err)
		return 2
	}
	db, err := xdg.StateFile(filepath.Join("mbx", *account+".db"))
	if err != nil {
		fmt.Fprintf(stderr, "mbx: cannot create the data directory: %v\n", err)
		return 1
	}
	return openInbox(ctx, *account+" · "+*username, client, db, keys, logger, stderr)
}

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

// openInbox wires api → state → ui and runs the program until the user
// quits: drafts are flushed and the store closed on the way out.
func openInbox(ctx context.Context, title string, client *msgboxx.Client, dbPath string, keys ui.KeyMap, logger *slog.Logger, stderr io.Writer) int {
	store, err := state.Open(dbPath)
	if err != nil {
		fmt.Fprintf(stderr, "mbx: %v\n", err)
		return 1
	}
	defer store.Close()
	engine := state.NewEngine(store, msgboxx.NewBackend(client), state.Config{Logger: logger})

	// Log in before drawing: wrong credentials end here with words; no
	// connection is fine, the inbox opens offline with what it knew.
	if _, err := client.Login(ctx); err != nil {
		if msgboxx.IsLoginRequired(err) {
			fmt.Fprintf(stderr, "mbx: login refused: %v\nCheck the username and MBX_PASSWORD.\n", err)
			return 1
		}
		logger.Warn("starting offline", "err", err)
	}
	if me := client.UserID(); me != "" {
		engine.SetMe(me) // kept in the store: known offline too
	}

	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = engine.Run(runCtx)
	}()
	editor := os.Getenv("VISUAL")
	if editor == "" {
		editor = os.Getenv("EDITOR")
	}
	// 120 frames a second: a key's frame waits at most ~8 ms for its tick
	// (the renderer writes only what changed, so idle frames cost nothing).
	p := tea.NewProgram(ui.New(ui.Deps{Store: store, Engine: engine, Account: title, Editor: editor}, keys),
		tea.WithContext(ctx), tea.WithFPS(120))
	_, err = p.Run()
	cancel()
	<-done
	engine.FlushDrafts()
	if err != nil && !errors.Is(err, tea.ErrProgramKilled) && !errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "mbx: %v\n", err)
		return 1
	}
	return 0
}

// configPath is the config file: $XDG_CONFIG_HOME/mbx/config.toml.
func configPath() string { return filepath.Join(xdg.ConfigHome, "mbx", "config.toml") }

// openLog opens the log file under the XDG state directory (0600), never
// the terminal the UI draws on. Without a writable file, logs are dropped.
func openLog(debug bool, stderr io.Writer) (*slog.Logger, func()) {
	path, err := xdg.StateFile(filepath.Join("mbx", "mbx.log"))
	if err == nil {
		var f *os.File
		if f, err = os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err == nil {
			_ = f.Chmod(0o600)
			level := slog.LevelInfo
			if debug {
				level = slog.LevelDebug
			}
			return slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: level})), func() { f.Close() }
		}
	}
	fmt.Fprintf(stderr, "mbx: no log file (%v); continuing without logs\n", err)
	return slog.New(slog.DiscardHandler), func() {}
}
