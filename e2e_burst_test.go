//go:build unix

package main

// End-to-end test of typed-ahead keys: each dialog's opening key and the
// keys meant for it reach the real mbx binary in ONE write(2) to its
// pseudo-terminal, as when an agent types faster than the dialog's data
// is read (or pastes, or a terminal multiplexer delivers a burst). The
// dialog is pushed the moment its key is read and keeps what follows
// while it loads (ui/dialog.go), so none of those keys may reach the
// inbox: before that, `a e Esc` archived the conversation.
//
// mbx runs on a pty of its own (startPTY), so that a burst is exactly one
// write; every byte it writes is copied, in order, into a tmux pane that
// only displays them (cat from a FIFO), and that pane is the VT emulator
// the screen is read from. Negative checks ("nothing was archived") are
// made on a settled screen: mbx quiet for settleQuiet after the burst's
// frames, and the pane known to have drawn every byte up to then (a title
// set by OSC 2 after them, read back from tmux).
//
// Against `mbx demo --seed 3 --simulate-every 0` (as TestE2EDemo and
// TestE2ETriage), whose account has the user Sam Supervisor.

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode"
)

// settleQuiet is how long mbx must write nothing before a screen counts
// as settled: well above the 50 ms in which a bare ESC becomes the Escape
// key, and above a frame of Bubble Tea's (≤ 17 ms).
const settleQuiet = 300 * time.Millisecond

// archiveFlash matches the status bar's words for an archive in progress
// or done (the short help's "e archive" does not match).
var archiveFlash = regexp.MustCompile(`(?i)archiv(ed|ing)`)

// burstTerm is mbx on a pty whose output a tmux pane draws.
type burstTerm struct {
	p       *ptyTerm
	tt      *tmuxTerm // only its run method: waits here take the subtest's t
	fifo    *os.File
	inject  chan string // written to the pane after all of mbx's bytes so far
	syncSeq atomic.Int64
}

func startBurst(t *testing.T) *burstTerm {
	t.Helper()
	skipE2E(t)
	tmuxPath, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("end-to-end: tmux is not installed (apt-get install tmux); it draws the screen of this test")
	}
	p := startPTY(t, 120, 40, "demo", "--seed", "3", "--simulate-every", "0")

	dir := t.TempDir()
	fifoPath := filepath.Join(dir, "screen.fifo")
	if err := syscall.Mkfifo(fifoPath, 0o600); err != nil {
		t.Fatalf("mkfifo: %v", err)
	}
	conf := filepath.Join(dir, "tmux.conf")
	if err := os.WriteFile(conf, []byte("set -g remain-on-exit on\nset -g status off\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	env := baseEnv()
	if !utf8Locale(env) {
		env = append(env, "LANG=C.UTF-8")
	}
	tt := &tmuxTerm{t: t, tmux: tmuxPath, socket: fmt.Sprintf("mbx-burst-%d-%d", os.Getpid(), tmuxSeq.Add(1)), env: env}
	// The pane shows what cat copies from the FIFO; its own input (tmux's
	// answers to mbx's terminal queries) is neither echoed nor read.
	if out, err := tt.run("-f", conf, "new-session", "-d", "-s", "burst", "-x", "120", "-y", "40", "--",
		"env", "TERM=xterm-256color", "sh", "-c", `stty raw -echo; exec cat "$0"`, fifoPath); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	b := &burstTerm{p: p, tt: tt, inject: make(chan string)}
	socket, _ := tt.run("display-message", "-p", "-t", "burst", "#{socket_path}")
	done := make(chan struct{})
	var copier sync.WaitGroup
	t.Cleanup(func() {
		tt.run("kill-server") // cat ends: a write blocked on the FIFO fails
		close(done)
		copier.Wait()
		if b.fifo != nil {
			b.fifo.Close()
		}
		if s := strings.TrimSpace(socket); s != "" {
			os.Remove(s) // tmux leaves it behind
		}
	})

	// Opening the FIFO for writing waits for cat to open it for reading.
	opened := make(chan *os.File, 1)
	go func() {
		f, err := os.OpenFile(fifoPath, os.O_WRONLY, 0)
		if err != nil {
			f = nil
		}
		opened <- f
	}()
	select {
	case b.fifo = <-opened:
	case <-time.After(e2eStep):
		// Open the other end for the opener, close both, give up.
		if r, err := os.OpenFile(fifoPath, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			if f := <-opened; f != nil {
				f.Close()
			}
			r.Close()
		}
	}
	if b.fifo == nil {
		t.Fatalf("the tmux pane did not open %s", fifoPath)
	}
	copier.Add(1)
	go func() { defer copier.Done(); b.copyOut(done) }()
	return b
}

// copyOut copies mbx's output to the pane as it comes, and what is
// injected after all of it read so far (reads end where mbx's writes do
// once it is quiet: see settled).
func (b *burstTerm) copyOut(done <-chan struct{}) {
	sent := 0
	flush := func() bool {
		b.p.mu.Lock()
		chunk := slices.Clone(b.p.out[sent:])
		b.p.mu.Unlock()
		if len(chunk) == 0 {
			return true
		}
		sent += len(chunk)
		_, err := b.fifo.Write(chunk)
		return err == nil
	}
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-done:
			return
		case s := <-b.inject:
			if !flush() {
				return
			}
			if _, err := b.fifo.WriteString(s); err != nil {
				return
			}
		case <-tick.C:
			if !flush() {
				return
			}
		}
	}
}

// write sends s to mbx in one write(2).
func (b *burstTerm) write(t *testing.T, s string) int {
	t.Helper()
	from := b.p.len()
	n, err := b.p.f.WriteString(s)
	if err != nil || n != len(s) {
		t.Fatalf("write %q to the pty: %d bytes, %v", s, n, err)
	}
	return from
}

func (b *burstTerm) screen(t *testing.T) string {
	t.Helper()
	out, err := b.tt.run("capture-pane", "-p", "-t", "burst")
	if err != nil {
		t.Fatalf("tmux capture-pane: %v\n%s", err, out)
	}
	return out
}

// waitFor polls the screen until ok accepts it and returns it.
func (b *burstTerm) waitFor(t *testing.T, what string, ok func(screen string) bool, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		s := b.screen(t)
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v the screen does not show %s; it shows:\n%s", timeout, what, s)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func (b *burstTerm) waitScreen(t *testing.T, contains string) string {
	t.Helper()
	return b.waitFor(t, fmt.Sprintf("%q", contains), func(s string) bool { return strings.Contains(s, contains) }, e2eStep)
}

// settled waits until mbx has written something since offset from and
// then nothing for settleQuiet, and returns the screen once the pane has
// drawn every byte written until then.
func (b *burstTerm) settled(t *testing.T, from int) string {
	t.Helper()
	if _, ok := b.p.firstChunkAfter(from, e2eStep); !ok {
		t.Fatalf("mbx wrote nothing within %v after the keys", e2eStep)
	}
	return b.settle(t)
}

// settle waits until mbx has written nothing for settleQuiet and returns
// the screen once the pane has drawn every byte written until then.
func (b *burstTerm) settle(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(e2eStep)
	for {
		b.p.mu.Lock()
		var last time.Time
		if n := len(b.p.chunks); n > 0 {
			last = b.p.chunks[n-1].at
		}
		b.p.mu.Unlock()
		if time.Since(last) >= settleQuiet {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("mbx kept writing for %v (never %v quiet)", e2eStep, settleQuiet)
		}
		time.Sleep(10 * time.Millisecond)
	}
	title := fmt.Sprintf("mbx-burst-sync-%d", b.syncSeq.Add(1))
	select {
	case b.inject <- "\x1b]2;" + title + "\x1b\\":
	case <-time.After(e2eStep):
		t.Fatal("the copy to the tmux pane is stuck")
	}
	for deadline := time.Now().Add(e2eStep); ; time.Sleep(10 * time.Millisecond) {
		out, _ := b.tt.run("display-message", "-p", "-t", "burst", "#{pane_title}")
		if strings.TrimSpace(out) == title {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the tmux pane has not drawn mbx's output within %v (title %q)", e2eStep, out)
		}
	}
	return b.screen(t)
}

// output is what mbx wrote since offset from.
func (b *burstTerm) output(from int) string {
	b.p.mu.Lock()
	defer b.p.mu.Unlock()
	return string(b.p.out[from:])
}

// ---- reading the screen ----

// dialogMarks are text only an open dialog draws.
var dialogMarks = []string{
	"Assign to:", "Reading who may take it", // assign picker
	"Send a template to",                                                               // template picker
	"Contact:",                                                                         // contacts
	"a name, a phone number or words", " — enter opens, esc closes", "Nothing matches", // search
	"Keys —", // help
}

// assignTitle is the assign picker's title (not the flash "Assigned …").
var assignTitle = regexp.MustCompile(`│ Assign `)

// openDialog is the mark of the dialog the screen shows, "" when none.
func openDialog(screen string) string {
	for _, m := range dialogMarks {
		if strings.Contains(screen, m) {
			return m
		}
	}
	if assignTitle.MatchString(screen) {
		return "Assign …"
	}
	return ""
}

// inboxShot is what a key leaking to the inbox would change: the rows of
// the list (in order), the folders pane with its counts, whether a thread
// is open, whether anything is marked.
type inboxShot struct {
	rows     []string
	side     []string
	noThread bool
	marked   bool
}

func shoot(screen string) inboxShot {
	var s inboxShot
	for _, r := range listRows(screen) {
		s.rows = append(s.rows, r.name)
	}
	for _, l := range strings.Split(screen, "\n") {
		if side, list, _, ok := panes(l); ok {
			// Closing soon and Rescue count by the clock, not by keys.
			if side = strings.TrimSpace(side); side != "" && !strings.HasPrefix(side, "Closing soon") && !strings.HasPrefix(side, "Rescue") {
				s.side = append(s.side, side)
			}
			if strings.HasPrefix(list, glyphMarkedText) {
				s.marked = true
			}
		}
	}
	s.noThread = strings.Contains(screen, "Select a conversation and press enter.")
	s.marked = s.marked || markedCount.MatchString(screen)
	return s
}

// markedCount is how the list's title and the status bar count marks.
var markedCount = regexp.MustCompile(`\b\d+ marked\b`)

// glyphMarkedText is ui's glyphMarked: the first cell of a marked row.
const glyphMarkedText = "▌"

func (s inboxShot) diff(after inboxShot) []string {
	var d []string
	if !slices.Equal(s.rows, after.rows) {
		d = append(d, fmt.Sprintf("the list's rows changed:\n  before %q\n  after  %q", s.rows, after.rows))
	}
	if !slices.Equal(s.side, after.side) {
		d = append(d, fmt.Sprintf("the folders pane changed:\n  before %q\n  after  %q", s.side, after.side))
	}
	if s.noThread && !after.noThread {
		d = append(d, "a thread was opened")
	}
	if !s.marked && after.marked {
		d = append(d, "a conversation was marked")
	}
	return d
}

// statusBar is the bottom line of the screen.
func statusBar(screen string) string {
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	return lines[len(lines)-1]
}

// rowDetail is the second line of the list row of name: its preview and
// assignee.
func rowDetail(screen, name string) string {
	lines := strings.Split(screen, "\n")
	for i, l := range lines {
		if _, list, _, ok := panes(l); ok && i+1 < len(lines) {
			if m := listRow.FindStringSubmatch(list); m != nil && strings.TrimSuffix(m[1], "…") == name {
				if _, next, _, ok := panes(lines[i+1]); ok {
					return next
				}
			}
		}
	}
	return ""
}

func asciiOnly(s string) bool {
	return !strings.ContainsFunc(s, func(r rune) bool { return r > unicode.MaxASCII })
}

// ---- the test ----

// TestE2EBurst writes each burst in one write(2), on a conversation
// selected in Inbox (the list focused):
//
//   - "ae\x1b": the assign picker opens and closes; nothing is archived
//     (the row is still listed, Archive counts the same, no "Archived").
//   - "asam\r": the conversation is assigned to Sam Supervisor (the flash
//     and the row's @Sam Supervisor); no thread opened.
//   - "tx": the template picker shows "Template: x"; nothing is marked.
//   - "/parking": the search shows its results as typed; esc, and the
//     inbox is as it was.
//   - "cemm": the contacts show "Contact: emm"; esc, the inbox as it was.
//   - "?j": the help is open; esc, and enter opens the same conversation
//     (the list's cursor did not move).
func TestE2EBurst(t *testing.T) {
	skipE2E(t)
	t.Parallel() // beside the other end-to-end tests: most of its time is waiting for mbx
	start := time.Now()
	mbxBinary(t) // built once per test process; timed apart from the test
	built := time.Now()
	b := startBurst(t)
	screen := b.waitFor(t, "the inbox online with conversation rows", func(s string) bool {
		return strings.Contains(s, "Inbox") && synced(s) && len(listRows(s)) > 2
	}, e2eFirstFrame)
	t.Logf("mbx built in %v, online %v later", built.Sub(start).Round(time.Millisecond), time.Since(built).Round(time.Millisecond))
	screen = b.settled(t, 0)

	// Select a conversation near the top whose name is on no other row
	// (and is drawn by tmux at the width mbx gives it).
	rows := listRows(screen)
	pick := slices.IndexFunc(rows, func(r shownRow) bool {
		n := 0
		for _, o := range rows {
			if o.name == r.name {
				n++
			}
		}
		return n == 1 && r.name != rows[0].name && asciiOnly(r.name)
	})
	t.Logf("first rows %q", rows[:min(len(rows), 6)])
	if pick < 1 || pick+1 >= len(rows) {
		t.Fatalf("no conversation to select among %q:\n%s", rows, screen)
	}
	name := rows[pick].name
	from := b.write(t, "g"+strings.Repeat("j", pick))
	screen = b.settled(t, from)
	t.Logf("selected row %d, %s, in Inbox", pick, name)
	if !strings.Contains(screen, name) || openDialog(screen) != "" {
		t.Fatalf("the inbox with %s, no dialog:\n%s", name, screen)
	}

	// reset closes whatever a failed step left open, so that the next one
	// starts from the inbox.
	reset := func(t *testing.T) {
		t.Helper()
		for range 3 {
			s := b.screen(t)
			if openDialog(s) == "" {
				return
			}
			b.settled(t, b.write(t, "\x1b"))
		}
	}
	// closeWith sends a bare ESC alone and waits for the dialog to close.
	closeWith := func(t *testing.T, what string) string {
		t.Helper()
		from := b.write(t, "\x1b")
		b.waitFor(t, what+" closed", func(s string) bool { return openDialog(s) == "" }, e2eStep)
		return b.settled(t, from)
	}

	t.Run("assign_e_esc_archives_nothing", func(t *testing.T) {
		reset(t)
		before := b.settle(t) // nothing written: the last frame
		shot := shoot(before)
		archive := archived(t, before)
		from := b.write(t, "ae\x1b")
		// The picker drew (its title), then closed.
		if _, err := b.p.awaitOutput(from, regexp.MustCompile(`Assign `+regexp.QuoteMeta(name)), e2eStep); err != nil {
			t.Errorf("the assign picker for %s never drew: %v\n%q", name, err, b.output(from))
		}
		b.waitFor(t, "the assign picker closed", func(s string) bool { return openDialog(s) == "" }, e2eStep)
		after := b.settled(t, from)
		if d := openDialog(after); d != "" {
			t.Errorf("a dialog is open (%q) after a e esc:\n%s", d, after)
		}
		for _, d := range shot.diff(shoot(after)) {
			t.Errorf("a e esc: %s", d)
		}
		if got := archived(t, after); got != archive {
			t.Errorf("Archive counts %d after a e esc, was %d:\n%s", got, archive, after)
		}
		if !slices.Contains(shoot(after).rows, name) {
			t.Errorf("%s is no longer listed in Inbox:\n%s", name, after)
		}
		if m := archiveFlash.FindString(b.output(from)); m != "" {
			t.Errorf("mbx wrote %q after a e esc: the e reached the inbox; the screen:\n%s", m, after)
		}
		if bar := statusBar(after); archiveFlash.MatchString(bar) {
			t.Errorf("the status bar says %q after a e esc", bar)
		}
	})

	t.Run("assign_sam_enter", func(t *testing.T) {
		reset(t)
		from := b.write(t, "asam\r")
		want := "Assigned " + name + " to Sam Supervisor"
		b.waitScreen(t, want)
		after := b.settled(t, from)
		if d := openDialog(after); d != "" {
			t.Errorf("a dialog is open (%q) after a s a m enter:\n%s", d, after)
		}
		if bar := statusBar(after); !strings.Contains(bar, want) {
			t.Errorf("the status bar says %q, want %q", bar, want)
		}
		if detail := rowDetail(after, name); !strings.Contains(detail, "@Sam Supervisor") {
			t.Errorf("the row of %s reads %q, want its assignee @Sam Supervisor:\n%s", name, detail, after)
		}
		if !strings.Contains(after, "Select a conversation and press enter.") {
			t.Errorf("the enter opened a thread (it was the picker's):\n%s", after)
		}
	})

	t.Run("template_x_marks_nothing", func(t *testing.T) {
		reset(t)
		shot := shoot(b.settle(t))
		from := b.write(t, "tx")
		b.waitFor(t, "the template picker with x in its filter", func(s string) bool {
			return strings.Contains(s, "Send a template to "+name) && strings.Contains(s, "Template: x")
		}, e2eStep)
		open := b.settled(t, from)
		if !strings.Contains(open, "Template: x") {
			t.Errorf("the picker's filter lost its x:\n%s", open)
		}
		if markedCount.MatchString(open) || markedCount.MatchString(b.output(from)) {
			t.Errorf("t x marked a conversation:\n%s", open)
		}
		after := closeWith(t, "the template picker")
		for _, d := range shot.diff(shoot(after)) {
			t.Errorf("t x esc: %s", d)
		}
	})

	t.Run("search_word", func(t *testing.T) {
		reset(t)
		shot := shoot(b.settle(t))
		const word = "parking"
		from := b.write(t, "/"+word)
		count := regexp.MustCompile(`\d+ match(es)? — enter opens`)
		// The results come as the word is typed: wait for the whole word's.
		results := b.waitFor(t, "the results of "+word, func(s string) bool {
			return count.MatchString(s) && strings.Contains(s, "/ "+word+" ")
		}, e2eStep)
		// The first result is the line under the count.
		lines := strings.Split(results, "\n")
		i := slices.IndexFunc(lines, count.MatchString)
		if i+1 >= len(lines) || !strings.Contains(lines[i+1], word) {
			t.Errorf("no result with %q under the count:\n%s", word, results)
		}
		b.settled(t, from)
		after := closeWith(t, "the search")
		for _, d := range shot.diff(shoot(after)) {
			t.Errorf("/%s esc: %s", word, d)
		}
	})

	t.Run("contacts_query", func(t *testing.T) {
		reset(t)
		shot := shoot(b.settle(t))
		const query = "emm" // e would archive, were it the inbox's
		from := b.write(t, "c"+query)
		b.waitFor(t, "the contacts with "+query+" in the query", func(s string) bool {
			return strings.Contains(s, "Contacts") && strings.Contains(s, "Contact: "+query)
		}, e2eStep)
		open := b.settled(t, from)
		if !strings.Contains(open, "Contact: "+query) {
			t.Errorf("the contacts query is not %q:\n%s", query, open)
		}
		if bar := statusBar(open); archiveFlash.MatchString(bar) {
			t.Errorf("the status bar says %q after c %s: a key reached the inbox", bar, query)
		}
		after := closeWith(t, "the contacts")
		for _, d := range shot.diff(shoot(after)) {
			t.Errorf("c %s esc: %s", query, d)
		}
	})

	t.Run("help_j_keeps_cursor", func(t *testing.T) {
		reset(t)
		shot := shoot(b.settle(t))
		from := b.write(t, "?j")
		b.waitScreen(t, "Keys — Conversations")
		b.settled(t, from)
		after := closeWith(t, "the help")
		for _, d := range shot.diff(shoot(after)) {
			t.Errorf("? j esc: %s", d)
		}
		// The cursor is where it was: enter opens the selected conversation.
		from = b.write(t, "\r")
		b.waitFor(t, "a thread open", func(s string) bool {
			return !strings.Contains(s, "Select a conversation and press enter.")
		}, e2eStep)
		thread := b.settled(t, from)
		header := strings.TrimSpace(threadTitle(thread))
		if !strings.HasPrefix(header, name+" ") {
			t.Errorf("enter opened %q, want %s (the j moved the list's cursor):\n%s", header, name, thread)
		} else if !strings.Contains(header, "Sam Supervisor") {
			t.Errorf("the thread header of %s does not name Sam Supervisor: %q", name, header)
		}
	})

	reset(t)
	if err := b.p.quit(e2eExit); err != nil {
		t.Error(err)
	}
	t.Logf("%v with the build, %v without", time.Since(start).Round(time.Millisecond), time.Since(built).Round(time.Millisecond))
}
