// Command mbx is a keyboard-driven terminal inbox for WhatsApp Business
// conversations on msgboxx. Run `mbx help` for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
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
	case "version", "--version", "-v":
		fmt.Fprintf(stdout, "mbx %s\n", appVersion())
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "", "demo", "login", "logout", "config":
		what := "mbx " + cmd
		if cmd == "" {
			what = "mbx"
		}
		fmt.Fprintf(stderr, "%s: not available in this build yet; the inbox and accounts come next.\n"+
			"Meanwhile `mbx sandbox` serves the msgboxx API on loopback (README shows a walkthrough with curl).\n", what)
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
