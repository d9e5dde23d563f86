package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

// Hooks ([hooks] in the config file) run a command per event: the
// command is an argv array, run directly (no shell: nothing is parsed,
// nothing of the event is on its command line), with the event as one
// line of JSON on its stdin. Each runs with a timeout, then its process
// group is killed; at most maxHooks run at once and maxHookQueue more
// wait their turn; an event that comes while the queue is full is
// skipped and counted (a flood of messages must not fork hundreds of
// processes). The UI runs them from commands, never
// in its Update, and shows failures in the status bar; they are logged.

const (
	defaultHookTimeout  = 10 * time.Second
	defaultHookClosing  = 30 * time.Minute
	maxHooks            = 4
	maxHookQueue        = 16
	hookStderrKept      = 200 // bytes of a failed hook's stderr quoted
	hookKillGrace       = time.Second
	maxHookTimeout      = 10 * time.Minute
	maxHookClosingLeads = 120 // minutes: the Closing soon view's 2 hours
)

// hookSettings is the [hooks] table, checked.
type hookSettings struct {
	commands map[string][]string // event → argv
	timeout  time.Duration
	closing  time.Duration
}

// hookRunner serves ui.Hooks.
type hookRunner struct {
	hookSettings
	log     *slog.Logger
	admit   chan struct{} // running or waiting: maxHooks+maxHookQueue
	slots   chan struct{} // running
	skipped atomic.Int64
}

// newHookRunner gives nil when no hook is configured.
func newHookRunner(s hookSettings, log *slog.Logger) *hookRunner {
	if len(s.commands) == 0 {
		return nil
	}
	if s.timeout <= 0 {
		s.timeout = defaultHookTimeout
	}
	if s.closing <= 0 {
		s.closing = defaultHookClosing
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &hookRunner{hookSettings: s, log: log, admit: make(chan struct{}, maxHooks+maxHookQueue), slots: make(chan struct{}, maxHooks)}
}

func (r *hookRunner) Wants(event string) bool      { return len(r.commands[event]) > 0 }
func (r *hookRunner) WindowClosing() time.Duration { return r.closing }

// Run runs the event's command and waits for it (the UI calls it from a
// command). The error is a sentence for the status bar.
func (r *hookRunner) Run(ctx context.Context, ev ui.HookEvent) error {
	argv := r.commands[ev.Event]
	if len(argv) == 0 {
		return nil
	}
	select {
	case r.admit <- struct{}{}:
		defer func() { <-r.admit }()
	default:
		n := r.skipped.Add(1)
		r.log.Warn("hook skipped: too many running", "event", ev.Event, "running", maxHooks, "waiting", maxHookQueue, "skipped", n)
		return fmt.Errorf("hook %s skipped: %d hooks running and %d waiting (%d skipped so far)", ev.Event, maxHooks, maxHookQueue, n)
	}
	select {
	case r.slots <- struct{}{}:
		defer func() { <-r.slots }()
	case <-ctx.Done():
		return fmt.Errorf("hook %s: stopped as mbx closed", ev.Event)
	}
	data, err := json.Marshal(ev)
	if err != nil {
		return fmt.Errorf("hook %s: %v", ev.Event, err)
	}
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Stdin = bytes.NewReader(append(data, '\n'))
	cmd.Env = hookEnv(os.Environ())
	var stderr limitedBuffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = hookKillGrace
	ownGroup(cmd) // the timeout kills what the command started, too
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start).Round(time.Millisecond)
	if err == nil {
		r.log.Info("hook ran", "event", ev.Event, "command", argv[0], "conversation", ev.ConversationID, "took", took)
		return nil
	}
	why := hookFailure(ev.Event, argv[0], err, ctx.Err(), r.timeout, stderr.String())
	r.log.Warn("hook failed", "event", ev.Event, "command", argv[0], "conversation", ev.ConversationID, "took", took, "err", why)
	return errors.New(why)
}

// hookFailure says in words why a hook failed.
func hookFailure(event, name string, err, ctxErr error, timeout time.Duration, stderr string) string {
	var exit *exec.ExitError
	switch {
	case errors.Is(ctxErr, context.DeadlineExceeded):
		return fmt.Sprintf("hook %s: %s took longer than %s and was stopped; make it quicker or raise [hooks] timeout", event, name, timeout)
	case errors.Is(ctxErr, context.Canceled):
		return fmt.Sprintf("hook %s: stopped as mbx closed", event)
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("hook %s: command %q not found; check [hooks] %s in the config file", event, name, event)
	case errors.As(err, &exit):
		msg := fmt.Sprintf("hook %s: %s exited with status %d", event, name, exit.ExitCode())
		if s := firstLine(stderr); s != "" {
			msg += ": " + s
		}
		return msg
	}
	return fmt.Sprintf("hook %s: %s could not run: %v", event, name, err)
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return state.SanitizeLine(strings.TrimSpace(s))
}

// limitedBuffer keeps the first hookStderrKept bytes written to it.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := hookStderrKept - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}

func (l *limitedBuffer) String() string { return string(l.b) }

// hookEnv is mbx's environment for a hook, without the secrets it was
// given: a hook is the user's command, but a password has no business in
// every process it starts (or in what those log).
func hookEnv(env []string) []string {
	return slices.DeleteFunc(slices.Clone(env), func(kv string) bool {
		return strings.HasPrefix(kv, "MBX_PASSWORD=")
	})
}
