package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/mbx-inbox/mbx/api/getchat"
	gcsandbox "github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/api/msgboxx"
	msgsandbox "github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// conn is an account's connection to its platform, as the inbox needs it:
// the state core's backend, and logging in.
type conn interface {
	// Name is the platform in the agent's words ("msgboxx", "get.chat").
	Name() string
	Backend() state.Backend
	// Login logs in with the account's password source.
	Login(ctx context.Context) error
	// LoginRequired reports an error that only a login (new credentials)
	// can cure: wrong username or password, a revoked token.
	LoginRequired(err error) bool
	// UserID is the logged-in user's id when the login told it, else "".
	UserID() string
}

type msgboxxConn struct{ c *msgboxx.Client }

func (m msgboxxConn) Name() string           { return "msgboxx" }
func (m msgboxxConn) Backend() state.Backend { return msgboxx.NewBackend(m.c) }
func (m msgboxxConn) Login(ctx context.Context) error {
	_, err := m.c.Login(ctx)
	return err
}
func (m msgboxxConn) LoginRequired(err error) bool { return msgboxx.IsLoginRequired(err) }
func (m msgboxxConn) UserID() string               { return m.c.UserID() }

type getchatConn struct {
	c *getchat.Client
	// login logs in with the account's password source; nil: the
	// client's own (a password in its Config, as in the demo).
	login func(ctx context.Context) error
}

func (g getchatConn) Name() string           { return "get.chat" }
func (g getchatConn) Backend() state.Backend { return getchat.NewBackend(g.c) }
func (g getchatConn) Login(ctx context.Context) error {
	if g.login != nil {
		return g.login(ctx)
	}
	_, err := g.c.Login(ctx)
	return err
}
func (g getchatConn) LoginRequired(err error) bool { return getchat.IsUnauthorized(err) }

// UserID is "": get.chat's login answers a token only; the engine asks
// who we are (users/current/) with the first reference data.
func (g getchatConn) UserID() string { return "" }

// The platforms mbx speaks to. An account's platform comes from
// `platform = "…"` in its [accounts.NAME] table or --platform; msgboxx
// when neither says.
const (
	platformMsgboxx = "msgboxx"
	platformGetchat = "getchat"
)

// platformOf finds --platform in args (either form) without consuming
// them: the command's own flag set parses it again.
func platformOf(args []string) (string, error) {
	for i, a := range args {
		switch {
		case a == "--platform" || a == "-platform":
			if i+1 >= len(args) {
				return "", errors.New("--platform needs a value: msgboxx or getchat")
			}
			return checkPlatform(args[i+1])
		case strings.HasPrefix(a, "--platform=") || strings.HasPrefix(a, "-platform="):
			_, v, _ := strings.Cut(a, "=")
			return checkPlatform(v)
		case a == "--":
			return platformMsgboxx, nil
		}
	}
	return platformMsgboxx, nil
}

func checkPlatform(p string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(p)) {
	case "", platformMsgboxx:
		return platformMsgboxx, nil
	case platformGetchat, "get.chat", "wabbit":
		return platformGetchat, nil
	}
	return "", fmt.Errorf("platform %q is not one mbx knows: use msgboxx or getchat", p)
}

// checkWebsocketURL accepts a get.chat websocket address: wss://, or
// ws:// on a loopback host (the sandbox), with no credentials in it.
func checkWebsocketURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%q is not an address: give e.g. \"wss://websockets-acme.getchat.app/\"", msgboxx.SafeURL(raw))
	}
	if u.User != nil {
		return "", errors.New("the websocket address must not carry a user or password")
	}
	switch u.Scheme {
	case "wss":
	case "ws":
		if !msgboxx.IsLoopbackHost(u.Hostname()) {
			return "", fmt.Errorf("%q: plain ws:// is allowed only on this machine (loopback); use wss://", msgboxx.SafeURL(raw))
		}
	default:
		return "", fmt.Errorf("%q: a websocket address starts with wss://", msgboxx.SafeURL(raw))
	}
	return u.String(), nil
}

// runGetchatSandbox is `mbx sandbox --platform getchat`: our get.chat
// server alone, on loopback. Its first three lines are for scripts:
// listening http://HOST:PORT, login USER PASS, websocket ws://HOST:PORT/.
func runGetchatSandbox(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mbx sandbox --platform getchat", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.String("platform", platformGetchat, "the platform to serve: msgboxx or getchat")
	addr := fs.String("addr", "127.0.0.1:8089", "loopback `address` to listen on (port 0 picks a free port)")
	cfg := gcsandbox.Config{}
	fs.Int64Var(&cfg.Seed, "seed", 1, "demo data `seed`: the same seed gives the same data")
	fs.BoolVar(&cfg.Simulate, "simulate", false, "make customers write in every few seconds")
	fs.DurationVar(&cfg.SimulateEvery, "simulate-every", 4*time.Second, "mean `interval` between simulated customer messages")
	fs.DurationVar(&cfg.StatusStep, "status-step", 3*time.Second, "`pace` of outgoing statuses: sent, delivered, read one step apart (at least 1s)")
	fs.IntVar(&cfg.Conversations, "conversations", 0, "seed this many extra `chats` (volume testing)")
	fs.IntVar(&cfg.Messages, "messages", 0, "seed this many extra `messages` over them (volume testing)")
	fs.IntVar(&cfg.HistoryDays, "history-days", 7, "`days` of history to seed")
	fs.BoolVar(&cfg.Empty, "empty", false, "no chats: users, groups, tags, templates and saved responses only")
	fs.StringVar(&cfg.Order, "order", "newest", "list `order` of messages and chats: newest or oldest (the docs leave it open)")
	fs.StringVar(&cfg.EventFormat, "event-format", "flat", "websocket `format`: flat (the published reference) or cloud (Cloud API nested, as the vendor's web client reads)")
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
	if cfg.Order != "newest" && cfg.Order != "oldest" {
		fmt.Fprintf(stderr, "mbx sandbox: --order %q: use newest or oldest\n", cfg.Order)
		return 2
	}
	if cfg.EventFormat != "flat" && cfg.EventFormat != "cloud" {
		fmt.Fprintf(stderr, "mbx sandbox: --event-format %q: use flat or cloud\n", cfg.EventFormat)
		return 2
	}
	if cfg.Conversations < 0 || cfg.Messages < 0 || cfg.Conversations > msgsandbox.MaxVolumeConversations || cfg.Messages > msgsandbox.MaxVolumeMessages {
		fmt.Fprintf(stderr, "mbx sandbox: --conversations %d --messages %d: use 0 to %d chats and 0 to %d messages (the sandbox keeps everything in memory)\n",
			cfg.Conversations, cfg.Messages, msgsandbox.MaxVolumeConversations, msgsandbox.MaxVolumeMessages)
		return 2
	}
	if cfg.SimulateEvery < 10*time.Millisecond && cfg.Simulate {
		fmt.Fprintf(stderr, "mbx sandbox: --simulate-every %s is too fast: use 10ms or more\n", cfg.SimulateEvery)
		return 2
	}
	if err := checkLoopback(*addr); err != nil {
		fmt.Fprintf(stderr, "mbx sandbox: %v\n", err)
		return 2
	}
	_, url, stop, err := gcsandbox.Start(cfg, *addr)
	if err != nil {
		fmt.Fprintf(stderr, "mbx sandbox: cannot listen on %s: %v (is another sandbox running? try --addr 127.0.0.1:0)\n", *addr, err)
		return 1
	}
	defer stop()
	// Scripts read these three lines: keep them first and exactly so.
	fmt.Fprint(stdout, gcsandbox.Banner(url))
	<-ctx.Done()
	return 0
}
