//go:build unix

package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

// A hook gets the event on stdin, one line of JSON, every text sanitized:
// a real process writes what it read to a file.
func TestHookStdinSanitized(t *testing.T) {
	out := filepath.Join(t.TempDir(), "event.json")
	r := newHookRunner(hookSettings{commands: map[string][]string{
		ui.HookInbound: {"sh", "-c", `cat > "$1"`, "sh", out},
	}}, nil)
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	c := state.Conversation{ID: "c1", AccountID: "a1", ContactName: "Eve\x1b]0;pwn\a\u202egnp", ContactNumber: "+34\x1b[2J600",
		Preview: "pay \x1b[8mhidden\x1b[0m now\u2066!\u0085", UserID: "u1", LastInbound: now.Add(-time.Hour)}
	ev := ui.ConversationEvent(ui.HookInbound, c, map[string]string{"u1": "Ana\u202e"}, now)
	if err := r.Run(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(string(data), "\n") != 1 || !strings.HasSuffix(string(data), "\n") {
		t.Errorf("not one line of JSON: %q", data)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatalf("%v: %q", err, data)
	}
	for _, k := range []string{"event", "conversation_id", "contact", "number", "text", "assignee", "window_closes_at", "time"} {
		if _, ok := got[k]; !ok {
			t.Errorf("no %q in %s", k, data)
		}
	}
	for _, k := range []string{"contact", "number", "text", "assignee"} {
		s, _ := got[k].(string)
		if strings.ContainsAny(s, "\x1b\a\u0085\u202e\u2066") {
			t.Errorf("%s = %q: a control reached the hook", k, s)
		}
	}
	if got["event"] != "on_inbound" || got["contact"] != "Eve␛]0;pwn␇gnp" || got["window_closes_at"] != "2026-11-23T11:00:00Z" {
		t.Errorf("event %s", data)
	}
}

// Failures say what happened, in words: not found, exit status with the
// first line of stderr, a timeout that kills the whole process group.
func TestHookFailures(t *testing.T) {
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "child.pid")
	tests := []struct {
		name    string
		argv    []string
		timeout time.Duration
		want    string
	}{
		{name: "ok", argv: []string{"true"}},
		{name: "not found", argv: []string{"mbx-no-such-hook"}, want: `hook on_inbound: command "mbx-no-such-hook" not found; check [hooks] on_inbound in the config file`},
		{name: "no such file", argv: []string{filepath.Join(dir, "nope")}, want: "not found"},
		{name: "exit status", argv: []string{"sh", "-c", "echo 'no \x1b[31mluck' >&2; echo more >&2; exit 3"},
			want: "hook on_inbound: sh exited with status 3: no ␛[31mluck"},
		{name: "timeout", argv: []string{"sh", "-c", `sleep 30 & echo $! > "$1"; wait`, "sh", pidFile}, timeout: 300 * time.Millisecond,
			want: `hook on_inbound: sh took longer than 300ms and was stopped; make it quicker or raise [hooks] timeout`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newHookRunner(hookSettings{commands: map[string][]string{ui.HookInbound: tt.argv}, timeout: tt.timeout}, nil)
			err := r.Run(context.Background(), ui.HookEvent{Event: ui.HookInbound})
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("err %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("err %v, want %q", err, tt.want)
			}
			if tt.name == "timeout" {
				b, err := os.ReadFile(pidFile)
				if err != nil {
					t.Fatal(err)
				}
				pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
				if !gone(pid) {
					t.Errorf("the hook's child %d outlived the timeout", pid)
				}
			}
		})
	}
}

// gone: the process ended (a zombie waiting for its reaper counts).
// SIGKILL is delivered at once but the exit takes a moment: looked for
// a few times, not timed.
func gone(pid int) bool {
	for range 100 {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		if _, rest, ok := strings.Cut(string(b), ") "); ok && strings.HasPrefix(rest, "Z") {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// At most maxHooks run at once and maxHookQueue wait: the next is
// skipped at once, counted.
func TestHookFloodSkipped(t *testing.T) {
	r := newHookRunner(hookSettings{commands: map[string][]string{ui.HookInbound: {"sleep", "30"}}}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	n := maxHooks + maxHookQueue
	done := make(chan error, n)
	for range n {
		go func() { done <- r.Run(ctx, ui.HookEvent{Event: ui.HookInbound}) }()
	}
	for len(r.admit) < n || len(r.slots) < maxHooks { // until four run and sixteen wait
		time.Sleep(5 * time.Millisecond)
	}
	for i := 1; i <= 2; i++ {
		err := r.Run(ctx, ui.HookEvent{Event: ui.HookInbound})
		if err == nil || !strings.Contains(err.Error(), "skipped: 4 hooks running and 16 waiting ("+strconv.Itoa(i)+" skipped so far)") {
			t.Fatalf("flood: %v", err)
		}
	}
	cancel()
	for range n {
		if err := <-done; err == nil || !strings.Contains(err.Error(), "stopped as mbx closed") {
			t.Errorf("cancelled: %v", err)
		}
	}
}

// A burst a little over maxHooks waits its turn: every hook runs.
func TestHookBurstQueued(t *testing.T) {
	dir := t.TempDir()
	r := newHookRunner(hookSettings{commands: map[string][]string{ui.HookInbound: {"sh", "-c", `cat > "$1/$$"`, "sh", dir}}}, nil)
	n := maxHooks + 3
	done := make(chan error, n)
	for range n {
		go func() { done <- r.Run(context.Background(), ui.HookEvent{Event: ui.HookInbound}) }()
	}
	for range n {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
	if files, _ := os.ReadDir(dir); len(files) != n {
		t.Errorf("%d hooks ran, want %d", len(files), n)
	}
}

// A hook gets mbx's environment without the password it was given.
func TestHookEnvHasNoPassword(t *testing.T) {
	t.Setenv("MBX_PASSWORD", "s3cret-pass")
	t.Setenv("MBX_USERNAME", "agent@demo")
	out := filepath.Join(t.TempDir(), "env.txt")
	r := newHookRunner(hookSettings{commands: map[string][]string{
		ui.HookInbound: {"sh", "-c", `env > "$1"`, "sh", out},
	}}, nil)
	ev := ui.ConversationEvent(ui.HookInbound, state.Conversation{ID: "c1"}, nil, time.Now())
	if err := r.Run(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "s3cret-pass") || !strings.Contains(string(data), "MBX_USERNAME=agent@demo") {
		t.Errorf("the hook's environment:\n%s", data)
	}
}
