package main

// teatest v2 flows: the inbox runs as a real tea.Program (ui.New with the
// fixture store and the default key map, 120x40), keys go in, and WaitFor
// watches the output until the screen shows what the flow expects.
//
// The program writes diffs (cursor moves, erasures, scrolled regions), not
// frames, so a word on the screen need not be a run of bytes in the
// stream. WaitFor therefore reads the stream as designed and replays it on
// a small terminal (vtScreen below); conditions look at that screen. The
// fixture's clock is fixed; the status bar's spinner animates, so nothing
// here matches it.

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

const teaW, teaH = 120, 40

// teaFlow is a running inbox and the screen its output draws.
type teaFlow struct {
	t     *testing.T
	tm    *teatest.TestModel
	store *state.Store
	scr   *vtScreen
	out   io.Reader // the program's output, replayed on scr as it is read
}

func newTeaFlow(t *testing.T) *teaFlow {
	t.Helper()
	st, eng := fixture(t)
	app := ui.New(ui.Deps{Core: state.NewService(st, eng), Account: "Head Office · Alex Agent", Now: func() time.Time { return fixedNow }}, defaultKeyMap())
	f := startTeaFlow(t, app, st)
	f.waitFor("the inbox", "Ana Lima", "Select a conversation and press enter.")
	return f
}

// startTeaFlow runs app as a program; the store must outlive it.
func startTeaFlow(t *testing.T, app *ui.App, st *state.Store) *teaFlow {
	t.Helper()
	tm := teatest.NewTestModel(t, app,
		teatest.WithInitialTermSize(teaW, teaH),
		// The renderer picks its escape sequences by $TERM: pin it.
		teatest.WithProgramOptions(tea.WithEnvironment([]string{"TERM=xterm-256color"})),
	)
	// Answer the program's query as a current terminal would: it can
	// measure text by grapheme cluster (mode 2027), as lipgloss does.
	tm.Send(tea.ModeReportMsg{Mode: ansi.ModeUnicodeCore, Value: ansi.ModeReset})
	go app.Listen(tm.Send) // the engine's changes, as main relays them
	t.Cleanup(app.Close)
	// Registered after fixture's: runs first, so the program stops before
	// the store closes.
	t.Cleanup(func() {
		_ = tm.Quit()
		tm.WaitFinished(t, teatest.WithFinalTimeout(30*time.Second))
	})
	scr := newVTScreen(teaW, teaH)
	return &teaFlow{t: t, tm: tm, store: st, scr: scr, out: io.TeeReader(tm.Output(), scr)}
}

// waitFor waits until every want is on the screen.
func (f *teaFlow) waitFor(what string, want ...string) {
	f.t.Helper()
	f.waitUntil(what, func(screen string) bool {
		for _, w := range want {
			if !strings.Contains(screen, w) {
				return false
			}
		}
		return true
	})
}

// waitUntil waits until ok holds for the screen.
func (f *teaFlow) waitUntil(what string, ok func(screen string) bool) {
	f.t.Helper()
	teatest.WaitFor(waitReport{f.t, what, f.scr}, f.out, func([]byte) bool {
		return ok(f.scr.String())
	}, teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// waitReport fails a WaitFor with the screen rather than the raw stream
// (kilobytes of escape sequences) that WaitFor would print.
type waitReport struct {
	*testing.T
	what string
	scr  *vtScreen
}

func (r waitReport) Fatal(args ...any) {
	r.Helper()
	msg, _, _ := strings.Cut(fmt.Sprint(args...), "\n")
	r.Fatalf("waiting for %s: %s\nscreen:\n%s", r.what, msg, r.scr.String())
}

func (f *teaFlow) keys(keys ...string) {
	for _, k := range keys {
		f.tm.Send(keyPress(k))
	}
}

// lineWith is the screen line holding s ("" if none).
func lineWith(screen, s string) string {
	for _, l := range strings.Split(screen, "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}

func (f *teaFlow) outbox() []state.OutboxItem {
	f.t.Helper()
	items, err := f.store.Outbox()
	if err != nil {
		f.t.Fatal(err)
	}
	return items
}

// (a) enter opens the first conversation: its header, its messages and
// their ticks.
func TestTeatestOpenThread(t *testing.T) {
	f := newTeaFlow(t)
	f.keys("enter")
	f.waitFor("Ana Lima's thread",
		"Ana Lima +447902111123 · Alex Agent", "22h 00m left",
		"Yes it is! When would you like to view it?", "It's 14 King St, flat 2.")
	screen := f.scr.String()
	for _, want := range []string{"Alex Agent · 09:10 ✓✓", "Alex Agent · 10:20 ✓", "Alex Agent · 10:30 ✗", "You · 11:59 ◷"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the thread lacks the tick line %q:\n%s", want, screen)
		}
	}
}

// (b) r, text, enter: the reply is queued in the outbox and shows at once
// as pending (the engine is not running, so it stays so).
func TestTeatestReply(t *testing.T) {
	f := newTeaFlow(t)
	before := len(f.outbox())
	f.keys("r")
	f.waitFor("the composer on Ana Lima", "Ana Lima +447902111123", "0/4096")
	const text = "See you Thursday"
	f.tm.Type(text)
	f.waitFor("the typed reply", text, fmt.Sprintf("%d/4096", len(text)))
	f.keys("enter")
	f.waitUntil("the reply in the thread, pending", func(screen string) bool {
		// Its header line (now, pending), its text, the composer empty.
		return strings.Contains(screen, "You · 12:00 ◷") && strings.Contains(screen, text) && strings.Contains(screen, "0/4096")
	})
	items := f.outbox()
	if len(items) != before+1 {
		t.Fatalf("outbox has %d items, want %d", len(items), before+1)
	}
	var found bool
	for _, it := range items {
		if it.Body == text {
			found = true
			if it.State != state.OutboxQueued || it.ConversationID != "c1" {
				t.Errorf("the reply's outbox item is %s in %s, want queued in c1", it.State, it.ConversationID)
			}
		}
	}
	if !found {
		t.Errorf("no outbox item holds %q: %+v", text, items)
	}
}

// (c) a closed window: the composer says so, and typing a reply and
// pressing enter sends nothing.
func TestTeatestClosedWindow(t *testing.T) {
	f := newTeaFlow(t)
	before := len(f.outbox())
	f.keys("j", "j", "j", "j", "enter") // Ben Okafor, the oldest
	f.waitFor("Ben Okafor's thread", "Ben Okafor", "closed 6h 00m ago",
		"Can I still apply?", "24-hour window closed: templates only")
	// r offers the templates: only one can reach Ben now.
	f.keys("r")
	f.waitFor("the template picker", "Send a template to Ben Okafor", "The 24-hour window closed 6h 00m ago")
	f.tm.Type("zzz")
	f.waitFor("the filter matching nothing", "Nothing matches.")
	f.keys("enter")
	f.keys("esc")
	f.waitUntil("the picker closed", func(s string) bool { return !strings.Contains(s, "Send a template to") })
	if after := f.outbox(); len(after) != before {
		t.Fatalf("the outbox went from %d to %d items: %+v", before, len(after), after)
	}
}

// (d) / searches as the agent types; enter opens the highlighted hit.
func TestTeatestSearch(t *testing.T) {
	f := newTeaFlow(t)
	f.keys("/")
	f.waitFor("the search box", "a name, a phone number or words")
	f.tm.Type("demain")
	f.waitFor("the results", "1 match — enter opens, esc closes", "Chloé Martin")
	if l := lineWith(f.scr.String(), "Chloé Martin"); !strings.Contains(l, "customer") || !strings.Contains(l, "Merci, à demain") {
		t.Errorf("the result row should show the writer and the line, got %q", l)
	}
	f.keys("enter")
	f.waitFor("Chloé Martin's thread", "Chloé Martin +33612345678", "▶", "Merci, à demain !")
}

// TestTeatestScreenMatchesView checks the replayed screen against the
// model's last frame after a flow that scrolls, so that a fault in
// vtScreen cannot pass unseen.
func TestTeatestScreenMatchesView(t *testing.T) {
	f := newTeaFlow(t)
	f.keys("enter")
	f.waitFor("Ana Lima's thread", "Ana Lima +447902111123")
	f.keys("r", "o", "k", "enter") // the thread scrolls: the renderer moves lines in a scroll region
	f.waitFor("the reply", "You · 12:00 ◷")
	f.keys("esc", "q")
	m := f.tm.FinalModel(t, teatest.WithFinalTimeout(30*time.Second))
	_, _ = io.ReadAll(f.out) // the last bytes
	want := strings.Split(ansi.Strip(m.View().Content), "\n")
	got := strings.Split(f.scr.String(), "\n")
	for i := range teaH {
		var w, g string
		if i < len(want) {
			w = strings.TrimRight(want[i], " ")
		}
		if i < len(got) {
			g = strings.TrimRight(got[i], " ")
		}
		if w != g {
			t.Errorf("line %d:\nscreen %q\nview   %q", i, g, w)
		}
	}
}

// ---- a small terminal ----

// vtScreen replays what a tea.Program writes: printable text (wide
// characters take two cells), cursor moves, erasures, insertions and
// deletions of lines and characters, scroll regions and scrolling. Styles
// are dropped, and leaving the alternate screen keeps the last frame.
type vtScreen struct {
	mu         sync.Mutex
	w, h       int
	cells      [][]string // "" is the right half of a wide character
	x, y       int
	top, bot   int // scroll region, inclusive
	savedX     int
	savedY     int
	last       string // last printed grapheme, for REP
	autowrap   bool
	wrapNext   bool
	insertMode bool
	graphemes  bool   // mode 2027: width by grapheme cluster, else by rune (wcwidth)
	pending    []byte // an incomplete sequence at the end of a write
	p          *ansi.Parser
}

func newVTScreen(w, h int) *vtScreen {
	s := &vtScreen{w: w, h: h, bot: h - 1, autowrap: true, p: ansi.NewParser()}
	s.cells = make([][]string, h)
	for i := range s.cells {
		s.cells[i] = blankRow(w)
	}
	return s
}

func blankRow(w int) []string {
	r := make([]string, w)
	for i := range r {
		r[i] = " "
	}
	return r
}

// String is the screen, one line a row.
func (s *vtScreen) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	for y, row := range s.cells {
		if y > 0 {
			b.WriteByte('\n')
		}
		for _, c := range row {
			b.WriteString(c)
		}
	}
	return b.String()
}

func (s *vtScreen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	data := append(s.pending, p...)
	s.pending = nil
	var state byte
	for len(data) > 0 {
		decode := ansi.DecodeSequenceWc[[]byte]
		if s.graphemes {
			decode = ansi.DecodeSequence[[]byte]
		}
		seq, width, n, next := decode(data, state, s.p)
		// WaitFor reads the stream in chunks of any size: a sequence or a
		// grapheme cluster at the end of one may go on in the next. Keep
		// it for then (a frame ends with cursor moves, so nothing drawn
		// waits long).
		if n == len(data) && (next != ansi.NormalState || width > 0) {
			s.pending = bytes.Clone(data)
			break
		}
		state = next
		s.apply(seq, width)
		data = data[n:]
	}
	return len(p), nil
}

func (s *vtScreen) apply(seq []byte, width int) {
	switch {
	case len(seq) == 0:
	case seq[0] == ansi.ESC && len(seq) > 1 && seq[1] == '[':
		s.csi()
	case seq[0] == ansi.ESC && len(seq) == 2:
		s.esc(seq[1])
	case seq[0] == ansi.ESC || seq[0] == 0x9b || seq[0] == 0x9d || seq[0] == 0x90:
		// OSC, DCS, APC and other strings: titles, queries. Nothing drawn.
	case len(seq) == 1 && seq[0] < 0x20 || seq[0] == 0x7f:
		s.control(seq[0])
	default:
		s.print(string(seq), width)
	}
}

func (s *vtScreen) control(c byte) {
	switch c {
	case '\r':
		s.x, s.wrapNext = 0, false
	case '\n', '\v', '\f':
		// Bubble Tea maps newlines (its input is no terminal here): a
		// newline also returns the carriage, as a tty's ONLCR does.
		s.x = 0
		s.lineFeed()
	case '\b':
		s.x, s.wrapNext = max(0, s.x-1), false
	case '\t':
		s.x = min(s.w-1, (s.x/8+1)*8)
	}
}

func (s *vtScreen) esc(c byte) {
	switch c {
	case 'M': // reverse index
		if s.y == s.top {
			s.scrollDown(1)
		} else {
			s.y = max(0, s.y-1)
		}
	case 'D':
		s.lineFeed()
	case 'E':
		s.x = 0
		s.lineFeed()
	case '7':
		s.savedX, s.savedY = s.x, s.y
	case '8':
		s.x, s.y = s.savedX, s.savedY
	}
	s.wrapNext = false
}

func (s *vtScreen) lineFeed() {
	s.wrapNext = false
	if s.y == s.bot {
		s.scrollUp(1)
		return
	}
	s.y = min(s.h-1, s.y+1)
}

// scrollUp moves the region's lines up by n, blank lines entering below.
func (s *vtScreen) scrollUp(n int) { s.deleteLinesAt(s.top, n) }

// scrollDown moves the region's lines down by n, blank lines entering above.
func (s *vtScreen) scrollDown(n int) { s.insertLinesAt(s.top, n) }

func (s *vtScreen) deleteLinesAt(y, n int) {
	if y < s.top || y > s.bot {
		return
	}
	n = min(n, s.bot-y+1)
	copy(s.cells[y:s.bot+1], s.cells[y+n:s.bot+1])
	for i := s.bot - n + 1; i <= s.bot; i++ {
		s.cells[i] = blankRow(s.w)
	}
}

func (s *vtScreen) insertLinesAt(y, n int) {
	if y < s.top || y > s.bot {
		return
	}
	n = min(n, s.bot-y+1)
	copy(s.cells[y+n:s.bot+1], s.cells[y:s.bot+1-n])
	for i := y; i < y+n; i++ {
		s.cells[i] = blankRow(s.w)
	}
}

// clearCell blanks a cell and the other half of a wide character in it.
func (s *vtScreen) clearCell(x, y int) {
	row := s.cells[y]
	if row[x] == "" && x > 0 {
		row[x-1] = " "
	}
	if x+1 < s.w && row[x+1] == "" {
		row[x+1] = " "
	}
	row[x] = " "
}

func (s *vtScreen) print(g string, width int) {
	if width == 0 { // a lone combining mark: joins the previous cell
		if s.x > 0 {
			s.cells[s.y][s.x-1] += g
		}
		return
	}
	if s.wrapNext && s.autowrap {
		s.x = 0
		s.lineFeed()
	}
	s.wrapNext = false
	if s.x+width > s.w {
		s.x = s.w - width
	}
	row := s.cells[s.y]
	if s.insertMode {
		copy(row[s.x+width:], row[s.x:s.w-width])
	}
	for i := range width {
		s.clearCell(s.x+i, s.y)
	}
	row[s.x] = g
	for i := 1; i < width; i++ {
		row[s.x+i] = ""
	}
	s.last = g
	if s.x+width >= s.w {
		s.x = s.w - 1
		s.wrapNext = true
		return
	}
	s.x += width
}

func (s *vtScreen) csi() {
	cmd := ansi.Cmd(s.p.Command())
	param := func(i, def int) int {
		v, _ := s.p.Param(i, def)
		return v
	}
	n := max(1, param(0, 1))
	if cmd.Prefix() == '?' {
		if f := cmd.Final(); f == 'h' || f == 'l' {
			for _, p := range s.p.Params() {
				switch p.Param(0) {
				case 7:
					s.autowrap = f == 'h'
				case 2027:
					s.graphemes = f == 'h'
				case 1049, 47, 1047:
					if f == 'h' { // entering the alternate screen: a blank one
						for y := range s.cells {
							s.cells[y] = blankRow(s.w)
						}
					}
				}
			}
		}
		return
	}
	if cmd.Prefix() != 0 || cmd.Intermediate() != 0 {
		return
	}
	s.wrapNext = false
	switch cmd.Final() {
	case 'A':
		s.y = max(0, s.y-n)
	case 'B':
		s.y = min(s.h-1, s.y+n)
	case 'C':
		s.x = min(s.w-1, s.x+n)
	case 'D':
		s.x = max(0, s.x-n)
	case 'E':
		s.x, s.y = 0, min(s.h-1, s.y+n)
	case 'F':
		s.x, s.y = 0, max(0, s.y-n)
	case 'G', '`':
		s.x = min(s.w-1, n-1)
	case 'd':
		s.y = min(s.h-1, n-1)
	case 'H', 'f':
		s.y = min(s.h-1, max(1, param(0, 1))-1)
		s.x = min(s.w-1, max(1, param(1, 1))-1)
	case 'J':
		switch param(0, 0) {
		case 0:
			s.eraseLine(s.x, s.w)
			for y := s.y + 1; y < s.h; y++ {
				s.cells[y] = blankRow(s.w)
			}
		case 1:
			s.eraseLine(0, s.x+1)
			for y := 0; y < s.y; y++ {
				s.cells[y] = blankRow(s.w)
			}
		case 2, 3:
			for y := range s.cells {
				s.cells[y] = blankRow(s.w)
			}
		}
	case 'K':
		switch param(0, 0) {
		case 0:
			s.eraseLine(s.x, s.w)
		case 1:
			s.eraseLine(0, s.x+1)
		case 2:
			s.eraseLine(0, s.w)
		}
	case 'X':
		s.eraseLine(s.x, min(s.w, s.x+n))
	case 'b':
		w := ansi.StringWidth(s.last)
		if !s.graphemes {
			w = ansi.StringWidthWc(s.last)
		}
		for range n {
			s.print(s.last, max(1, w))
		}
	case '@':
		row := s.cells[s.y]
		n = min(n, s.w-s.x)
		copy(row[s.x+n:], row[s.x:s.w-n])
		for i := s.x; i < s.x+n; i++ {
			row[i] = " "
		}
	case 'P':
		row := s.cells[s.y]
		n = min(n, s.w-s.x)
		copy(row[s.x:], row[s.x+n:])
		for i := s.w - n; i < s.w; i++ {
			row[i] = " "
		}
	case 'L':
		s.insertLinesAt(s.y, n)
		s.x = 0
	case 'M':
		s.deleteLinesAt(s.y, n)
		s.x = 0
	case 'S':
		s.scrollUp(n)
	case 'T':
		s.scrollDown(n)
	case 'r':
		top, bot := param(0, 1), param(1, s.h)
		if top < bot && bot <= s.h {
			s.top, s.bot = top-1, bot-1
		} else {
			s.top, s.bot = 0, s.h-1
		}
		s.x, s.y = 0, 0
	case 'h', 'l':
		if param(0, 0) == 4 {
			s.insertMode = cmd.Final() == 'h'
		}
	}
}

func (s *vtScreen) eraseLine(from, to int) {
	for x := from; x < to; x++ {
		s.clearCell(x, s.y)
	}
}
