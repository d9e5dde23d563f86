//go:build unix

package main

// End-to-end tests: the real mbx binary in a terminal, keys in, screen out
// (ARCHITECTURE.md, "Testing layers").
//
//   - TestE2EDemo drives `mbx demo` in tmux at 120x40 and 80x24 and reads
//     the screen with capture-pane: open, reply, ticks, archive, search,
//     help, quit with exit status 0; the one-pane layout.
//   - TestE2ENoEscapeFromData reads every byte mbx writes to a
//     pseudo-terminal while it shows the demo's hostile contacts, and proves
//     that none of their escape sequences, C1 controls or bidi overrides
//     reaches the terminal; then it checks in tmux that they are drawn as
//     visible, inert text (␛[31m…).
//   - BenchmarkKeyToFrame measures key press → first frame bytes, and the
//     memory of the process, for the plain demo and for 100,000
//     conversations.
//
// The binary is built once per test process with go build. Under -race
// with MBX_E2E_RACE=1 it is built with -race too (the build then reuses the
// packages the test binary was compiled from, and the real program is
// race-checked as well; .ci/run does that in a step of its own). Plain
// `go test -race ./...` runs it without: the same code is race-checked in
// process by the UI, engine and client tests, and a race-built binary
// makes these tests several times slower.
// Everything stays on loopback: the demo's sandbox listens on 127.0.0.1:0.
// Nothing here sleeps to assert: every wait polls for what it expects, with
// deadlines generous enough for -race on a loaded 2-core machine.

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
)

const (
	// Deadlines, not durations: each wait ends as soon as it sees what it
	// waits for. They are wide because under -race mbx itself is built with
	// -race, and the machine may be running other packages' tests.
	e2eFirstFrame = 60 * time.Second // start, log in, first sync: "● online"
	e2eStep       = 20 * time.Second // any later change on screen
	e2eExit       = 20 * time.Second // q to process exit

	// escKey is the Escape key as terminals with the kitty keyboard
	// protocol send it (CSI 27 u). A bare ESC byte is only known to be the
	// Escape key once 50 ms pass without another byte; a key sent right
	// after it would be read as alt+key. Where nothing on screen shows that
	// a bare ESC was taken (leaving the composer, thread → list), the tests
	// send this unambiguous form; the bare ESC is exercised where its effect
	// is visible and awaited before the next key.
	escKey = "\x1b[27u"
)

func skipE2E(tb testing.TB) {
	tb.Helper()
	if testing.Short() {
		tb.Skip("end-to-end: skipped with -short (it builds the real mbx binary and runs it in a terminal)")
	}
}

// ---- the binary ----

var e2eBuild struct {
	once sync.Once
	path string
	err  error
}

// raceEnabled reports whether this test binary was built with -race.
func raceEnabled() bool {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "-race" {
				return s.Value == "true"
			}
		}
	}
	return false
}

// mbxBinary builds mbx once per test process and returns its path. There
// is no TestMain to remove a temporary directory at the end, so the binary
// has a fixed place that each run replaces (built aside, then renamed in:
// a program already started from the old file runs on):
// $TMPDIR/mbx-e2e-UID/mbx-HASH[-race], HASH naming the work tree.
func mbxBinary(tb testing.TB) string {
	tb.Helper()
	e2eBuild.once.Do(func() { e2eBuild.path, e2eBuild.err = buildMbx() })
	if e2eBuild.err != nil {
		tb.Fatal(e2eBuild.err)
	}
	return e2eBuild.path
}

func buildMbx() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("mbx-e2e-%d", os.Getuid()))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	name := fmt.Sprintf("mbx-%x", sha256.Sum256([]byte(wd)))[:16]
	args := []string{"build"}
	if raceEnabled() && os.Getenv("MBX_E2E_RACE") == "1" {
		name += "-race"
		args = append(args, "-race")
	}
	tmp, err := os.CreateTemp(dir, name+".*.tmp")
	if err != nil {
		return "", err
	}
	tmp.Close()
	defer os.Remove(tmp.Name()) // gone once renamed
	args = append(args, "-o", tmp.Name(), ".")
	goTool, err := exec.LookPath("go") // go test puts its own go first in PATH
	if err != nil {
		return "", err
	}
	if out, err := exec.Command(goTool, args...).CombinedOutput(); err != nil {
		return "", fmt.Errorf("go %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	bin := filepath.Join(dir, name)
	return bin, os.Rename(tmp.Name(), bin)
}

// e2eDirs makes the directories of one run of mbx under dir: its state,
// config (empty: the default keys) and temporary files, so that nothing
// is read from or left in the developer's own.
func e2eDirs(tb testing.TB, dir string) {
	tb.Helper()
	for _, d := range []string{"state", "config", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o700); err != nil {
			tb.Fatal(err)
		}
	}
	// The flows read "no thread open" from the thread pane's "Select a
	// conversation": without the preview, only enter fills it (the
	// preview has its own tests, ui/triage_test.go).
	conf := filepath.Join(dir, "config", "mbx", "config.toml")
	if err := os.MkdirAll(filepath.Dir(conf), 0o700); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("[ui]\npreview = false\n"), 0o600); err != nil {
		tb.Fatal(err)
	}
}

// e2eVars are the variables mbx runs with; race reports go to files under
// dir instead of the screen, where checkRaceLogs finds them.
func e2eVars(dir string) []string {
	return []string{
		"TERM=xterm-256color",
		"XDG_STATE_HOME=" + filepath.Join(dir, "state"),
		"XDG_CONFIG_HOME=" + filepath.Join(dir, "config"),
		"TMPDIR=" + filepath.Join(dir, "tmp"),
		"GORACE=log_path=" + filepath.Join(dir, "race"),
		"XDG_DOWNLOAD_DIR=" + filepath.Join(dir, "downloads"),
		"MBX_OPEN=none",
	}
}

// baseEnv is this process's environment without what would change what
// mbx draws or where it keeps its files.
func baseEnv() []string {
	drop := []string{"TERM", "COLORTERM", "TERM_PROGRAM", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE",
		"XDG_STATE_HOME", "XDG_CONFIG_HOME", "TMPDIR", "GORACE", "TMUX", "TMUX_PANE",
		"VISUAL", "EDITOR", "MBX_BASE_URL", "MBX_USERNAME", "MBX_PASSWORD",
		"XDG_DOWNLOAD_DIR", "XDG_DATA_HOME", "MBX_OPEN", "DISPLAY", "WAYLAND_DISPLAY"}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, k) {
			env = append(env, kv)
		}
	}
	return env
}

// checkRaceLogs fails the test with every race report mbx wrote.
func checkRaceLogs(tb testing.TB, dir string) {
	tb.Helper()
	logs, _ := filepath.Glob(filepath.Join(dir, "race.*"))
	for _, f := range logs {
		b, _ := os.ReadFile(f)
		tb.Errorf("mbx reported a data race (%s):\n%s", f, b)
	}
}

// waitGone waits until no process of a process group is left (after its
// tmux server is killed, the pane's processes end and are reaped).
func waitGone(pgid int, timeout time.Duration) {
	for deadline := time.Now().Add(timeout); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
			return
		}
	}
}

// ---- tmux: a real terminal whose screen can be read ----

var tmuxSeq atomic.Int64

type tmuxTerm struct {
	t      *testing.T
	tmux   string
	socket string
	env    []string
	status string // file where the pane's shell writes mbx's exit status
	pgid   int    // the pane's process group: its shell and mbx
}

// startTmux runs mbx with args in a detached tmux session of w×h cells on a
// private server, killed when the test ends.
func startTmux(t *testing.T, w, h int, args ...string) *tmuxTerm {
	t.Helper()
	skipE2E(t)
	path, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("end-to-end: tmux is not installed (apt-get install tmux); skipping the screen tests")
	}
	bin := mbxBinary(t)
	dir := t.TempDir()
	e2eDirs(t, dir)
	conf := filepath.Join(dir, "tmux.conf")
	// remain-on-exit keeps the pane (and what mbx printed last) after mbx
	// exits; no status line, so that the pane is the whole w×h.
	if err := os.WriteFile(conf, []byte("set -g remain-on-exit on\nset -g status off\nset -g escape-time 0\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := baseEnv()
	if !utf8Locale(env) {
		env = append(env, "LANG=C.UTF-8")
	}
	tt := &tmuxTerm{t: t, tmux: path, socket: fmt.Sprintf("mbx-e2e-%d-%d", os.Getpid(), tmuxSeq.Add(1)), env: env,
		status: filepath.Join(dir, "exit-status")}
	cmd := []string{"-f", conf, "new-session", "-d", "-s", "e2e", "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), "--", "env"}
	cmd = append(cmd, e2eVars(dir)...) // tmux sets TERM for its panes: set ours explicitly
	// A shell records mbx's exit status in a file: tmux 3.3a's
	// #{pane_dead_status} stays empty now and then, the process left a
	// zombie, when the server misses its SIGCHLD.
	cmd = append(cmd, "sh", "-c", `"$@"; echo "$?" >"$0"`, tt.status, bin)
	cmd = append(cmd, args...)
	if out, err := tt.run(cmd...); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	var socket string
	t.Cleanup(func() {
		tt.run("kill-server")
		if socket != "" {
			os.Remove(socket) // tmux leaves it behind
		}
		if tt.pgid > 0 {
			waitGone(tt.pgid, 10*time.Second)
		}
		checkRaceLogs(t, dir)
	})
	socket = strings.TrimSpace(tt.format("#{socket_path}"))
	pid, err := strconv.Atoi(strings.TrimSpace(tt.format("#{pane_pid}")))
	if err != nil {
		t.Fatalf("tmux pane pid: %v", err)
	}
	tt.pgid = pid // the pane's first process leads its session and group
	return tt
}

func utf8Locale(env []string) bool {
	for _, k := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		for _, kv := range env {
			if v, ok := strings.CutPrefix(kv, k+"="); ok && v != "" {
				v = strings.ToUpper(v)
				return strings.Contains(v, "UTF-8") || strings.Contains(v, "UTF8")
			}
		}
	}
	return false
}

func (tt *tmuxTerm) run(args ...string) (string, error) {
	cmd := exec.Command(tt.tmux, append([]string{"-u", "-L", tt.socket}, args...)...)
	cmd.Env = tt.env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (tt *tmuxTerm) must(args ...string) string {
	tt.t.Helper()
	out, err := tt.run(args...)
	if err != nil {
		tt.t.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// keys presses keys by tmux name: "Enter", "Escape", "Tab", "j", "?"…
func (tt *tmuxTerm) keys(keys ...string) {
	tt.t.Helper()
	tt.must(append([]string{"send-keys", "-t", "e2e"}, keys...)...)
}

// typeText types text literally (also how escKey is sent).
func (tt *tmuxTerm) typeText(s string) {
	tt.t.Helper()
	tt.must("send-keys", "-t", "e2e", "-l", s)
}

func (tt *tmuxTerm) format(f string) string {
	tt.t.Helper()
	return tt.must("display-message", "-p", "-t", "e2e", f)
}

// screen is what the terminal shows now, one line per row, styles removed.
func (tt *tmuxTerm) screen() string {
	tt.t.Helper()
	return tt.must("capture-pane", "-p", "-t", "e2e")
}

// waitScreen waits until the screen contains text and returns it.
func (tt *tmuxTerm) waitScreen(contains string, timeout time.Duration) string {
	tt.t.Helper()
	return tt.waitFor(fmt.Sprintf("%q", contains), func(s string) bool { return strings.Contains(s, contains) }, timeout)
}

// waitFor polls the screen until ok accepts it and returns it; on timeout
// the test fails with what the screen showed.
func (tt *tmuxTerm) waitFor(what string, ok func(screen string) bool, timeout time.Duration) string {
	tt.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := tt.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			tt.t.Fatalf("after %v the screen does not show %s; it shows:\n%s", timeout, what, s)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitExit waits for mbx to end and returns its exit status.
func (tt *tmuxTerm) waitExit(timeout time.Duration) int {
	tt.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if b, err := os.ReadFile(tt.status); err == nil && bytes.HasSuffix(b, []byte("\n")) {
			code, err := strconv.Atoi(strings.TrimSpace(string(b)))
			if err != nil {
				tt.t.Fatalf("exit status %q", b)
			}
			return code
		}
		if time.Now().After(deadline) {
			// Ask the Go runtime where mbx is stuck: SIGQUIT prints every
			// goroutine's stack on the pane, kept by remain-on-exit.
			screen := tt.screen()
			syscall.Kill(-tt.pgid, syscall.SIGQUIT)
			time.Sleep(time.Second)
			dump, _ := tt.run("capture-pane", "-p", "-J", "-S", "-", "-t", "e2e")
			tt.t.Fatalf("mbx still runs %v after quitting; the screen:\n%s\ngoroutines (SIGQUIT):\n%s", timeout, screen, dump)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ---- reading the inbox off the screen ----

// panes splits a screen line of the wide layout into its three panes'
// contents: folders, conversations, thread.
// threadTitle is the thread pane's title in the screen's top border: the
// text between its corners with the border's runs taken out.
func threadTitle(screen string) string {
	top, _, _ := strings.Cut(screen, "\n")
	i := strings.LastIndexAny(top, "╭┏")
	if i < 0 {
		return ""
	}
	t := strings.TrimRight(top[i:], "╮┓ ")
	t = strings.TrimLeft(t, "╭┏")
	return strings.Join(strings.FieldsFunc(t, func(r rune) bool { return r == '─' || r == '━' }), " ")
}

func panes(line string) (side, list, thread string, ok bool) {
	p := paneSep.Split(line, 3)
	if len(p) != 3 {
		return "", "", "", false
	}
	return strings.TrimLeft(p[0], "│┃"), p[1], p[2], true
}

// listRow is the first line of a conversation row: mark, unread dot, name
// (and " · " the account's short name where the list mixes accounts),
// window badge, time.
var listRow = regexp.MustCompile(`^[ ▌›][ ●] (.+?)(?: · .+?)? +(closed|\d+h \d\dm|\d+m) `)

// paneSep is where two panes meet: their borders, light or (focused) heavy.
var paneSep = regexp.MustCompile(`[│┃][│┃]`)

type shownRow struct{ name, badge string }

// listRows are the conversations in the list pane, top to bottom.
func listRows(screen string) []shownRow {
	var rows []shownRow
	for _, l := range strings.Split(screen, "\n") {
		if _, list, _, ok := panes(l); ok {
			if m := listRow.FindStringSubmatch(list); m != nil {
				rows = append(rows, shownRow{name: strings.TrimSuffix(m[1], "…"), badge: m[2]})
			}
		}
	}
	return rows
}

var archiveCount = regexp.MustCompile(`[│┃][ ▸›]Archive +(?:\d+/)?(\d+)[│┃]`) // unread/total: the total

func archived(t *testing.T, screen string) int {
	t.Helper()
	m := archiveCount.FindStringSubmatch(screen)
	if m == nil {
		t.Fatalf("no Archive count in the folders pane:\n%s", screen)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// synced reports a status bar that says online with the whole history
// in: the first sync makes the inbox usable after its first hour and
// fills the rest behind ("● online · loading history: …"), moving the
// counts meanwhile.
func synced(s string) bool {
	return strings.Contains(s, "● online") && !strings.Contains(s, "● online ·")
}

// tickOf is the tick of the outgoing message whose (one-line) body is
// body: the end of the header line above its last appearance.
func tickOf(screen, body string) string {
	lines := strings.Split(screen, "\n")
	for i := len(lines) - 1; i > 0; i-- {
		if !strings.Contains(lines[i], body) {
			continue
		}
		_, _, head, ok := panes(lines[i-1])
		if !ok {
			head = lines[i-1]
		}
		switch {
		case strings.Contains(head, "◷"):
			return "◷"
		case strings.Contains(head, "✓✓"):
			return "✓✓"
		case strings.Contains(head, "✓"):
			return "✓"
		case strings.Contains(head, "✗"):
			return "✗"
		}
		return ""
	}
	return ""
}

// ---- TestE2EDemo ----

func TestE2EDemo(t *testing.T) {
	skipE2E(t)
	// Two programs at once: most of the time goes to waiting for them.
	t.Run("wide_120x40", func(t *testing.T) { t.Parallel(); testE2EWide(t) })
	t.Run("narrow_80x24", func(t *testing.T) { t.Parallel(); testE2ENarrow(t) })
}

func testE2EWide(t *testing.T) {
	term := startTmux(t, 120, 40, "demo", "--seed", "3", "--simulate-every", "0")

	// The inbox, its first sync done, with conversation rows.
	screen := term.waitFor("the inbox online with conversation rows", func(s string) bool {
		return strings.Contains(s, "Inbox") && synced(s) && len(listRows(s)) > 0
	}, e2eFirstFrame)

	// A conversation whose 24-hour window is open: the newest rows are.
	rows := listRows(screen)
	pick := slices.IndexFunc(rows, func(r shownRow) bool { return r.badge != "closed" })
	if pick < 0 || pick > 5 {
		t.Fatalf("no open window among the first rows %q:\n%s", rows, screen)
	}
	name := rows[pick].name
	for range pick {
		term.keys("j")
	}
	term.keys("Enter")
	term.waitFor("the thread of "+name, func(s string) bool {
		return !strings.Contains(s, "Select a conversation and press enter.") && strings.Count(s, name) >= 2
	}, e2eStep)

	// Reply: shown at once with the pending tick, then sent.
	const reply = "e2e check: see you at the zebrafish tank"
	term.keys("r")
	term.typeText(reply)
	term.waitScreen(reply, e2eStep) // in the composer
	term.keys("Enter")
	term.waitFor("the reply in the thread with ◷", func(s string) bool { return tickOf(s, reply) == "◷" }, e2eStep)
	screen = term.waitFor("the reply's tick advance to ✓ or ✓✓", func(s string) bool {
		tk := tickOf(s, reply)
		return tk == "✓" || tk == "✓✓"
	}, 20*time.Second)
	if strings.Contains(screen, "│ "+reply) {
		t.Errorf("the composer still holds the reply after sending:\n%s", screen)
	}

	// esc: composer → thread; esc: thread → list. Help says where the focus is.
	term.typeText(escKey)
	term.keys("?")
	term.waitScreen("Keys — Thread", e2eStep)
	term.keys("?")
	term.waitFor("help closed", func(s string) bool { return !strings.Contains(s, "Keys —") }, e2eStep)
	term.typeText(escKey)
	term.keys("?")
	screen = term.waitScreen("Keys — Conversations", e2eStep)
	if !strings.Contains(screen, "reply") || !strings.Contains(screen, "quit") {
		t.Errorf("help lacks reply/quit:\n%s", screen)
	}
	term.keys("?")
	screen = term.waitFor("help closed", func(s string) bool { return !strings.Contains(s, "Keys —") }, e2eStep)

	// Archive the conversation under the cursor: the one replied to.
	before := archived(t, screen)
	term.keys("e")
	term.waitFor(fmt.Sprintf("the flash Archived %s… and Archive %d", name, before+1), func(s string) bool {
		return strings.Contains(s, "Archived "+name) && archiveCount.MatchString(s) && archived(t, s) == before+1
	}, e2eStep)

	// Search for a word of the reply: the match is listed.
	term.keys("/")
	term.waitScreen("a name, a phone number or words", e2eStep)
	term.typeText("zebrafish")
	term.waitFor("one match: the reply", func(s string) bool {
		if !strings.Contains(s, "1 match") {
			return false
		}
		for _, l := range strings.Split(s, "\n") {
			if strings.Contains(l, name) && strings.Contains(l, "zebrafish") {
				return true
			}
		}
		return false
	}, e2eStep)
	// A bare ESC closes the results; wait for the panes before the next key.
	term.keys("Escape")
	term.waitFor("the panes back", func(s string) bool { return strings.Contains(s, "Folders") && !strings.Contains(s, "1 match") }, e2eStep)

	term.keys("q")
	if code := term.waitExit(e2eExit); code != 0 {
		t.Fatalf("mbx exited %d, want 0", code)
	}
}

func testE2ENarrow(t *testing.T) {
	term := startTmux(t, 80, 24, "demo", "--seed", "3", "--simulate-every", "0")
	term.waitFor("the one-pane list: title line and hints", func(s string) bool {
		return strings.Contains(s, "Inbox ·") && strings.Contains(s, "tab folders") && synced(s)
	}, e2eFirstFrame)

	// enter opens the thread in its own pane; a bare ESC goes back.
	term.keys("Enter")
	term.waitFor("the thread pane", func(s string) bool {
		return strings.Contains(s, "━ ‹ ") && strings.Contains(s, "esc/h back") && !strings.Contains(s, "Inbox ·")
	}, e2eStep)
	term.keys("Escape")
	term.waitScreen("Inbox ·", e2eStep)

	// shift+tab: the folders pane; tab cycles folders → list.
	term.keys("BTab")
	screen := term.waitFor("the folders pane", func(s string) bool {
		return strings.Contains(s, "Folders") && !strings.Contains(s, "Inbox ·")
	}, e2eStep)
	if !strings.Contains(screen, "Archive") {
		t.Errorf("folders pane without Archive:\n%s", screen)
	}
	term.keys("Tab")
	term.waitScreen("Inbox ·", e2eStep)

	term.keys("q")
	if code := term.waitExit(e2eExit); code != 0 {
		t.Fatalf("mbx exited %d, want 0", code)
	}
}

// ---- a pseudo-terminal whose bytes are all kept ----

type ptyChunk struct {
	at  time.Time
	end int // len(out) after this read
}

type ptyTerm struct {
	tb       testing.TB
	cmd      *exec.Cmd
	f        *os.File
	mu       sync.Mutex
	out      []byte
	chunks   []ptyChunk
	wake     chan struct{}
	readDone chan struct{}
	exited   chan struct{}
	waitErr  error
}

// startPTY runs mbx with args on a pseudo-terminal of cols×rows and keeps
// every byte it writes.
func startPTY(tb testing.TB, cols, rows int, args ...string) *ptyTerm {
	tb.Helper()
	skipE2E(tb)
	bin := mbxBinary(tb)
	dir := tb.TempDir()
	e2eDirs(tb, dir)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(baseEnv(), e2eVars(dir)...)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: uint16(cols), Rows: uint16(rows)})
	if err != nil {
		tb.Fatalf("start mbx on a pty: %v", err)
	}
	p := &ptyTerm{tb: tb, cmd: cmd, f: f, wake: make(chan struct{}, 1), readDone: make(chan struct{}), exited: make(chan struct{})}
	go p.read()
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	tb.Cleanup(func() {
		select {
		case <-p.exited:
		default:
			cmd.Process.Kill()
			<-p.exited
		}
		f.Close()
		<-p.readDone
		checkRaceLogs(tb, dir)
	})
	return p
}

func (p *ptyTerm) read() {
	defer close(p.readDone)
	buf := make([]byte, 1<<16)
	for {
		n, err := p.f.Read(buf)
		if n > 0 {
			now := time.Now()
			p.mu.Lock()
			p.out = append(p.out, buf[:n]...)
			p.chunks = append(p.chunks, ptyChunk{at: now, end: len(p.out)})
			p.mu.Unlock()
			select {
			case p.wake <- struct{}{}:
			default:
			}
		}
		if err != nil {
			return // EIO once mbx has exited
		}
	}
}

func (p *ptyTerm) len() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.out)
}

func (p *ptyTerm) bytes() []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.out)
}

func (p *ptyTerm) write(s string) {
	p.tb.Helper()
	if _, err := p.f.WriteString(s); err != nil {
		p.tb.Fatalf("write %q to the pty: %v", s, err)
	}
}

// awaitOutput waits until the output written since offset from matches
// re, and returns the offset just past the match.
func (p *ptyTerm) awaitOutput(from int, re *regexp.Regexp, timeout time.Duration) (int, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	find := func() (int, bool) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if loc := re.FindIndex(p.out[from:]); loc != nil {
			return from + loc[1], true
		}
		return 0, false
	}
	for {
		if end, ok := find(); ok {
			return end, nil
		}
		select {
		case <-p.wake:
		case <-p.exited:
			<-p.readDone // what was left to read is read
			if end, ok := find(); ok {
				return end, nil
			}
			return 0, fmt.Errorf("mbx exited (%v) first", p.waitErr)
		case <-timer.C:
			return 0, fmt.Errorf("not within %v", timeout)
		}
	}
}

// waitOutput is awaitOutput that fails the test.
func (p *ptyTerm) waitOutput(from int, what string, re *regexp.Regexp, timeout time.Duration) int {
	p.tb.Helper()
	end, err := p.awaitOutput(from, re, timeout)
	if err != nil {
		p.tb.Fatalf("mbx has not written %s: %v", what, err)
	}
	return end
}

func (p *ptyTerm) waitText(from int, text string, timeout time.Duration) int {
	p.tb.Helper()
	return p.waitOutput(from, fmt.Sprintf("%q", text), regexp.MustCompile(regexp.QuoteMeta(text)), timeout)
}

// waitQuiet waits until nothing has been written for quiet.
func (p *ptyTerm) waitQuiet(quiet, timeout time.Duration) {
	p.tb.Helper()
	deadline := time.Now().Add(timeout)
	for {
		p.mu.Lock()
		last := time.Time{}
		if n := len(p.chunks); n > 0 {
			last = p.chunks[n-1].at
		}
		p.mu.Unlock()
		idle := time.Since(last)
		if idle >= quiet {
			return
		}
		if time.Now().After(deadline) {
			p.tb.Fatalf("mbx kept writing for %v (never %v quiet)", timeout, quiet)
		}
		select {
		case <-p.wake:
		case <-time.After(quiet - idle):
		}
	}
}

// firstChunkAfter waits for the first read that brought bytes past offset
// and returns when it arrived.
func (p *ptyTerm) firstChunkAfter(offset int, timeout time.Duration) (time.Time, bool) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		p.mu.Lock()
		i, _ := slices.BinarySearchFunc(p.chunks, offset, func(c ptyChunk, off int) int { return c.end - (off + 1) })
		var at time.Time
		found := i < len(p.chunks)
		if found {
			at = p.chunks[i].at
		}
		p.mu.Unlock()
		if found {
			return at, true
		}
		select {
		case <-p.wake:
		case <-p.exited:
			return time.Time{}, false
		case <-timer.C:
			return time.Time{}, false
		}
	}
}

// quit presses q and waits for mbx to exit; it reports anything but
// exit status 0.
func (p *ptyTerm) quit(timeout time.Duration) error {
	p.write("q")
	select {
	case <-p.exited:
	case <-time.After(timeout):
		return fmt.Errorf("mbx still runs %v after q", timeout)
	}
	<-p.readDone
	if p.waitErr != nil {
		return fmt.Errorf("mbx exited with %v, want status 0", p.waitErr)
	}
	return nil
}

// ---- TestE2ENoEscapeFromData ----

// hostileVisit is a demo conversation carrying hostile text (see
// api/msgboxx/sandbox/demodata.go, hostileContacts), found by searching a
// word of one message. hit is text of its row in the results (the search
// overlay shows the previous results until the new ones arrive; a long
// name is cut to its column, so it may be the message's); shown is
// text that only its thread draws (not the list's preview, which is the
// last message), once the messages are loaded; visible is what the screen
// must show then, the escapes made inert.
type hostileVisit struct {
	query, hit, shown string
	visible           []string
}

var hostileVisits = []hostileVisit{
	{query: "screen just clear", hit: "URGENT", shown: "please call me back", visible: []string{
		"␛[1;31mURGENT␛[0m Dave", "␛[31mRED ALERT␛[0m please call me back", "␛[2J␛[Hdid your screen just clear?", "bell␇bell␇"}},
	{query: "payslip", hit: "evil␇click", shown: "clipboard!", visible: []string{
		"Link ␛]8;;http://evil.example␇Larry␛", "␛]8;;http://evil␇click␛]8;;␇ for your", "␛]52;c;cm0gLXJmIH4vKg==␇copied", "�31mred via a C1 CSI�0m"}},
	{query: "invoice", hit: "gnp.exe", shown: "please open invoice", visible: []string{"Eve gnp.exe", "please open invoicefdp.exe"}},
	{query: "pay 999", hit: "ZeroWidthJoe", shown: "paypal.com/verify", visible: []string{"ZeroWidthJoe", "paypal.com/verify", "pay 100␍pay 999", "abc␈␈␈xyz"}},
	{query: "colour", hit: "Broken Bytes", shown: "bad bytes then colour", visible: []string{"�␛[33mBroken Bytes", "�␛[31mbad bytes then colour", "tab    here and trailing spaces"}},
}

// hostilePayloads are the demo data's control sequences as the data holds
// them: none may reach the terminal. (mbx's own styling writes CSI SGR
// sequences, so these are matched with the text that follows them in the
// data.)
var hostilePayloads = []struct{ what, seq string }{
	{"SGR in a contact name", "\x1b[1;31mURGENT"},
	{"SGR in a message", "\x1b[31mRED ALERT"},
	{"clear screen and home in a message", "\x1b[2J\x1b[Hdid"},
	{"BEL in a message", "bell\x07"},
	{"OSC 8 hyperlink in a contact name", "\x1b]8;;http://evil.example"},
	{"OSC 8 hyperlink in a message", "\x1b]8;;http://evil\x07click"},
	{"OSC 52 clipboard write", "\x1b]52;"},
	{"C1 CSI U+009B", "\u009b31m"},
	{"bidi override U+202E", "\u202e"},
	{"zero-width space", "pay\u200bpal"},
	{"carriage return overprint", "pay 100\rpay 999"},
	{"backspaces", "abc\b\b\bxyz"},
	{"invalid byte then SGR in a contact name", "\xff\x1b[33mBroken"},
	{"SGR in a contact name after an invalid byte", "\x1b[33mBroken"},
	{"invalid byte then SGR in a message", "\xff\x1b[31mbad bytes"},
	{"SGR in a message after an invalid byte", "\x1b[31mbad bytes"},
}

// TestE2ENoEscapeFromData is the proof that untrusted text cannot drive the
// terminal: every byte mbx writes while showing the hostile demo contacts is
// checked, then the screen is checked to show them as visible, inert text.
func TestE2ENoEscapeFromData(t *testing.T) {
	skipE2E(t)
	t.Run("raw_bytes", func(t *testing.T) { t.Parallel(); testNoEscapeRaw(t) })
	t.Run("visible_on_screen", func(t *testing.T) { t.Parallel(); testNoEscapeVisible(t) })
}

func testNoEscapeRaw(t *testing.T) {
	p := startPTY(t, 120, 40, "demo", "--seed", "3", "--simulate-every", "0")
	p.waitText(0, "online", e2eFirstFrame)
	// A wait that fails still leaves the bytes to check: they are the proof.
	for _, v := range hostileVisits {
		// ctrl+u clears the previous query; the results come as it is typed.
		from := p.len()
		p.write("/\x15" + v.query)
		if _, err := p.awaitOutput(from, regexp.MustCompile(regexp.QuoteMeta(v.hit)), e2eStep); err != nil {
			t.Errorf("search %q: its result %q: %v", v.query, v.hit, err)
			break
		}
		from = p.len()
		p.write("\r") // open the hit: its thread, and its row in the list
		if _, err := p.awaitOutput(from, regexp.MustCompile(regexp.QuoteMeta(v.shown)), e2eStep); err != nil {
			t.Errorf("search %q: its thread, %q: %v", v.query, v.shown, err)
			break
		}
	}
	if err := p.quit(e2eExit); err != nil {
		t.Error(err)
	}
	out := p.bytes()
	t.Logf("mbx wrote %d bytes", len(out))

	for _, h := range hostilePayloads {
		if i := bytes.Index(out, []byte(h.seq)); i >= 0 {
			t.Errorf("data reached the terminal: %s %q at byte %d: …%q…", h.what, h.seq, i, around(out, i))
		}
	}
	checkControls(t, out)
}

// allowedOSC are the only OSC sequences mbx writes: its window title
// (ui.App.View sets "mbx — " + the account; Bubble Tea writes it as OSC 2,
// and clears it with an empty OSC 2 when the program ends), and Bubble
// Tea's query of the terminal's background colour (OSC 11 ?, behind
// tea.RequestBackgroundColor in App.Init).
// demoTitle is the window title of either demo account, with the count
// of new messages it may carry.
var demoTitle = regexp.MustCompile(`^2;mbx( \(\d+ new\))? — demo( get\.chat)? · Alex Agent$`)

var allowedOSC = map[string]bool{
	"2;mbx — demo · Alex Agent": true,
	"2;":                        true,
	"11;?":                      true,
}

// checkControls checks a terminal byte stream for anything mbx never
// writes of its own: OSC sequences other than allowedOSC, DCS, APC, PM and
// SOS strings, C1 controls in either encoding (UTF-8 U+0080–U+009F, or a
// raw byte such as 0x9b: the stream must be valid UTF-8, so a lone 0x9b is
// caught while ␛ = e2 90 9b, which carries 0x9b as a continuation byte, is
// not), bidi and zero-width format characters, and BEL outside an OSC.
func checkControls(t *testing.T, out []byte) {
	t.Helper()
	bels := 0
	seen := map[string]int{}
	errs := 0
	errorf := func(format string, args ...any) {
		t.Helper()
		if errs++; errs <= 25 {
			t.Errorf(format, args...)
		}
	}
	defer func() {
		if errs > 25 {
			t.Errorf("… and %d more", errs-25)
		}
		t.Logf("OSC sequences written (payload: count): %v", seen)
	}()
	for i := 0; i+1 < len(out); i++ {
		if out[i] != 0x1b {
			continue
		}
		switch out[i+1] {
		case ']':
			end, term := oscEnd(out, i+2)
			if end < 0 {
				errorf("unterminated OSC at byte %d: %q", i, around(out, i))
				continue
			}
			payload := string(out[i+2 : end])
			seen[payload]++
			if !allowedOSC[payload] && !demoTitle.MatchString(payload) {
				errorf("OSC %q at byte %d is not mbx's: …%q…", payload, i, around(out, i))
			}
			if term == 0x07 {
				bels++
			}
		case 'P', '_', '^', 'X':
			errorf("%s string at byte %d: …%q…", map[byte]string{'P': "DCS", '_': "APC", '^': "PM", 'X': "SOS"}[out[i+1]], i, around(out, i))
		}
	}
	if n := bytes.Count(out, []byte{0x07}); n != bels {
		errorf("%d BEL bytes outside OSC terminators", n-bels)
	}
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			if utf8.FullRune(out[i:]) {
				errorf("invalid UTF-8 byte %#x at byte %d: …%q…", out[i], i, around(out, i))
			}
		case r >= 0x80 && r <= 0x9f:
			errorf("C1 control U+%04X at byte %d: …%q…", r, i, around(out, i))
		case r == 0x061c || r == 0x200b || r == 0x200e || r == 0x200f || r >= 0x202a && r <= 0x202e ||
			r >= 0x2066 && r <= 0x2069 || r == 0xfeff:
			errorf("invisible format character U+%04X at byte %d: …%q…", r, i, around(out, i))
		}
		i += size
	}
}

// oscEnd finds the terminator of an OSC whose payload starts at i: the
// index of BEL or of ESC \, and which it was.
func oscEnd(b []byte, i int) (int, byte) {
	for j := i; j < len(b); j++ {
		switch {
		case b[j] == 0x07:
			return j, 0x07
		case b[j] == 0x1b && j+1 < len(b) && b[j+1] == '\\':
			return j, 0x1b
		case b[j] == 0x1b:
			return -1, 0 // another sequence started: unterminated
		}
	}
	return -1, 0
}

func around(b []byte, i int) []byte {
	return b[max(0, i-40):min(len(b), i+60)]
}

func testNoEscapeVisible(t *testing.T) {
	term := startTmux(t, 120, 40, "demo", "--seed", "3", "--simulate-every", "0")
	term.waitFor("the first sync done", synced, e2eFirstFrame)
	for _, v := range hostileVisits {
		term.keys("/", "C-u")
		term.typeText(v.query) // the results come as it is typed
		term.waitFor(fmt.Sprintf("the result of %q", v.query), func(s string) bool {
			return strings.Contains(s, "1 match") && strings.Contains(s, v.hit)
		}, e2eStep)
		term.keys("Enter")
		screen := term.waitFor(fmt.Sprintf("the thread found by %q", v.query), func(s string) bool {
			return !strings.Contains(s, "1 match") && strings.Contains(s, v.shown)
		}, e2eStep)
		var missing []string
		for deadline := time.Now().Add(e2eStep); ; time.Sleep(50 * time.Millisecond) {
			missing = slices.DeleteFunc(slices.Clone(v.visible), func(w string) bool { return strings.Contains(screen, w) })
			if len(missing) == 0 || time.Now().After(deadline) {
				break
			}
			screen = term.screen()
		}
		if len(missing) > 0 {
			t.Errorf("%q: the screen does not show %q:\n%s", v.query, missing, screen)
		}
		if strings.ContainsRune(screen, '\u202e') {
			t.Errorf("%q: U+202E on screen:\n%s", v.query, screen)
		}
	}
	term.keys("q")
	if code := term.waitExit(e2eExit); code != 0 {
		t.Fatalf("mbx exited %d, want 0", code)
	}
}

// ---- BenchmarkKeyToFrame ----

// BenchmarkKeyToFrame measures how long a key press takes to reach the
// screen in the real program: the time from writing j or k to the pty to
// the first bytes mbx writes after it. Bubble Tea draws at most 60 frames
// a second, so a frame is written on the next tick after the model changes:
// the figure includes up to ~16.7 ms of waiting for that tick, as a user
// would see it.
//
// Design: one benchmark op is a sample of keyPresses presses on one running
// process (start-up, the first sync and teardown are outside the timer), so
// -benchtime 1x gives 300 presses and b.N > 1 pools more samples; ns/op is
// the mean latency of one press. Presses alternate j/k so that the cursor
// stays on the first two rows (always loaded: no list reload), and after
// each frame the benchmark waits until mbx has been quiet for quietGap, so
// that the first bytes after a write are that key's frame and not the tail
// of the previous one. The presses start once the first sync is over
// (● online, then a second of quiet): during the sync the spinner and the
// growing list draw frames of their own, which would be taken for the
// key's. Idle, mbx draws nothing but the minute tick's badges; a press that
// meets one is measured short, at most once a minute.
//
// Metrics: p50-ms, p90-ms, p99-ms, max-ms of the presses; frame-bytes, the
// mean bytes written per press; rss-MiB, the resident memory after the
// first sync (VmRSS), and peak-rss-MiB (VmHWM); first-frame-s, start to the
// first conversation row drawn, and sync-s, start to the end of the first
// sync.
//
//	go test -run '^$' -bench KeyToFrame -benchtime 1x .
func BenchmarkKeyToFrame(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads the memory of mbx from /proc")
	}
	b.Run("demo", func(b *testing.B) {
		benchKeyToFrame(b, "demo", "--simulate-every", "0")
	})
	b.Run("conversations=100000", func(b *testing.B) {
		benchKeyToFrame(b, "demo", "--simulate-every", "0", "--conversations", "100000", "--messages", "200000")
	})
}

const (
	keyPresses = 300
	quietGap   = 60 * time.Millisecond
)

// rowDrawn matches a conversation row's window badge in the raw output.
var rowDrawn = regexp.MustCompile(`\d+h \d\dm|closed`)

func benchKeyToFrame(b *testing.B, args ...string) {
	start := time.Now()
	p := startPTY(b, 120, 40, args...)
	p.waitOutput(0, "a conversation row", rowDrawn, 10*time.Minute)
	firstFrame := time.Since(start)
	p.waitText(0, "online", 20*time.Minute) // the volume sync takes minutes
	p.waitQuiet(time.Second, 5*time.Minute)
	synced := time.Since(start)
	rss, peak := procMemory(b, p.cmd.Process.Pid)

	var lat []time.Duration
	frameBytes := 0
	b.ResetTimer()
	for range b.N {
		for i := range keyPresses {
			key := "j"
			if i%2 == 1 {
				key = "k"
			}
			off := p.len()
			t0 := time.Now()
			p.write(key)
			at, ok := p.firstChunkAfter(off, 10*time.Second)
			if !ok {
				b.Fatalf("press %d (%s): no frame within 10s", i, key)
			}
			lat = append(lat, at.Sub(t0))
			// The rest of this key's frame, then a quiet gap: the first
			// bytes after the next key are that key's.
			p.waitQuiet(quietGap, time.Minute)
			frameBytes += p.len() - off
		}
	}
	b.StopTimer()
	if err := p.quit(time.Minute); err != nil {
		b.Fatal(err)
	}

	slices.Sort(lat)
	pct := func(q float64) float64 {
		i := min(len(lat)-1, int(q*float64(len(lat))))
		return float64(lat[i]) / float64(time.Millisecond)
	}
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	b.ReportMetric(float64(sum)/float64(len(lat)), "ns/op") // mean per press
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.90), "p90-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(lat[len(lat)-1])/float64(time.Millisecond), "max-ms")
	b.ReportMetric(float64(rss)/1024, "rss-MiB")
	b.ReportMetric(float64(peak)/1024, "peak-rss-MiB")
	b.ReportMetric(firstFrame.Seconds(), "first-frame-s")
	b.ReportMetric(synced.Seconds(), "sync-s")
	b.ReportMetric(float64(frameBytes)/float64(len(lat)), "frame-bytes")
}

// procMemory reads VmRSS and VmHWM (kB) of a process.
func procMemory(tb testing.TB, pid int) (rss, peak int) {
	tb.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		tb.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			rss, _ = strconv.Atoi(f[1])
		case "VmHWM:":
			peak, _ = strconv.Atoi(f[1])
		}
	}
	return rss, peak
}
