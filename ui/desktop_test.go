package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

func TestDesktopSequence(t *testing.T) {
	tests := []struct {
		name        string
		kind        string
		title, body string
		tmux        bool
		want        string
	}{
		{name: "osc9", kind: DesktopOSC9, title: "mbx", body: "New message from Ana: hi", want: "\x1b]9;mbx: New message from Ana: hi\a"},
		{name: "osc777", kind: DesktopOSC777, title: "mbx", body: "New message from Ana: hi", want: "\x1b]777;notify;mbx;New message from Ana: hi\a"},
		{name: "osc9 in tmux", kind: DesktopOSC9, title: "mbx", body: "hi", tmux: true, want: "\x1bPtmux;\x1b\x1b]9;mbx: hi\a\x1b\\"},
		{name: "osc777 in tmux", kind: DesktopOSC777, title: "mbx", body: "hi", tmux: true, want: "\x1bPtmux;\x1b\x1b]777;notify;mbx;hi\a\x1b\\"},
		{name: "off", kind: "", title: "mbx", body: "hi", want: ""},
		{name: "unknown", kind: "osc99", title: "mbx", body: "hi", want: ""},
		// A hostile name can neither end the sequence nor add a field:
		// ESC, BEL, ST, C1 and bidi show inert or go; ';' is a ','.
		{name: "hostile osc777", kind: DesktopOSC777, title: "mbx", body: hostileName + ": x\x1b\\y\a\u009c;z",
			want: "\x1b]777;notify;mbx;Eve␛]0,pwn␇gnp,x�31m: x␛\\y␇�,z\a"},
		{name: "hostile osc9 (ConEmu's 9;4 progress)", kind: DesktopOSC9, title: "", body: "4;3;100",
			want: "\x1b]9;4,3,100\a"},
		{name: "hostile in tmux", kind: DesktopOSC9, title: "mbx", body: "\x1b\\\x1b]52;c;cHdu\a", tmux: true,
			want: "\x1bPtmux;\x1b\x1b]9;mbx: ␛\\␛]52,c,cHdu␇\a\x1b\\"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := desktopSequence(tt.kind, tt.title, tt.body, tt.tmux)
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			// Whatever the text: one sequence, its only controls its own.
			inner := strings.TrimSuffix(strings.TrimPrefix(got, "\x1bPtmux;"), "\x1b\\")
			if got != "" && (strings.Count(inner, "\a") != 1 || strings.ContainsAny(inner, "\u009c\u009d")) {
				t.Errorf("broken sequence %q", got)
			}
		})
	}
}

func TestOSCTextCut(t *testing.T) {
	s := oscText(strings.Repeat("é", 500))
	if n := len([]rune(s)); n != notifyMaxText+1 || !strings.HasSuffix(s, "…") {
		t.Errorf("%d runes: %q", n, s)
	}
}

// The limiter, on a clock of the test's: one per conversation a minute,
// six a minute in all, and the ones held back counted in the next.
func TestNotifyLimiter(t *testing.T) {
	t0 := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	type call struct {
		at       time.Duration
		conv     string
		ok       bool
		wantHeld int
	}
	tests := []struct {
		name  string
		calls []call
	}{
		{name: "one per conversation a minute", calls: []call{
			{at: 0, conv: "c1", ok: true},
			{at: 30 * time.Second, conv: "c1"},
			{at: 59 * time.Second, conv: "c1"},
			{at: 60 * time.Second, conv: "c1", ok: true, wantHeld: 2},
		}},
		{name: "six a minute in all", calls: []call{
			{at: 0, conv: "c1", ok: true}, {at: 1 * time.Second, conv: "c2", ok: true}, {at: 2 * time.Second, conv: "c3", ok: true},
			{at: 3 * time.Second, conv: "c4", ok: true}, {at: 4 * time.Second, conv: "c5", ok: true}, {at: 5 * time.Second, conv: "c6", ok: true},
			{at: 6 * time.Second, conv: "c7"}, {at: 7 * time.Second, conv: "c8"}, {at: 59 * time.Second, conv: "c9"},
			{at: 60 * time.Second, conv: "c9", ok: true, wantHeld: 3}, // c1's minute is over: a place
			{at: 60 * time.Second, conv: "c10"},
			{at: 61 * time.Second, conv: "c10", ok: true, wantHeld: 1},
		}},
		{name: "distinct conversations spaced out", calls: []call{
			{at: 0, conv: "c1", ok: true}, {at: 10 * time.Minute, conv: "c1", ok: true}, {at: 20 * time.Minute, conv: "c2", ok: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var l notifyLimiter
			for i, c := range tt.calls {
				ok, held := l.allow(t0.Add(c.at), c.conv)
				if ok != c.ok || held != c.wantHeld {
					t.Errorf("call %d (%s at %s): ok %v held %d, want %v %d", i, c.conv, c.at, ok, held, c.ok, c.wantHeld)
				}
			}
		})
	}
}

// In the inbox: an inbound message in a conversation of mine gives the
// sequence once; one assigned to someone else, none; inside tmux, wrapped.
func TestDesktopNotificationInbox(t *testing.T) {
	tests := []struct {
		name    string
		desktop string
		tmux    bool
		conv    string
		want    []string
	}{
		{name: "mine, osc777", desktop: DesktopOSC777, conv: "c1", want: []string{"\x1b]777;notify;mbx;New message from Eve␛]0,pwn␇gnp,x�31m: pay ␛[8mhidden␛[0m now!⏎second line\a"}},
		{name: "mine, osc9 in tmux", desktop: DesktopOSC9, tmux: true, conv: "c1", want: []string{"\x1bPtmux;\x1b\x1b]9;mbx: New message from Eve"}},
		{name: "someone else's", desktop: DesktopOSC9, conv: "c2"},
		{name: "nobody's", desktop: DesktopOSC9, conv: "c3", want: []string{"\x1b]9;mbx: New message from Cleo: hi there\a"}},
		{name: "off", desktop: "", conv: "c1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, _ := hookApp(t, nil, tt.desktop)
			a.d.Tmux = tt.tmux
			raw := driveRaw(a, func() tea.Msg { return inbound(tt.conv) })
			n := strings.Count(raw, "]9;") + strings.Count(raw, "]777;")
			if n != len(tt.want) {
				t.Fatalf("%d notifications, want %d: %q", n, len(tt.want), raw)
			}
			for _, w := range tt.want {
				if !strings.Contains(raw, w) {
					t.Errorf("raw %q\nwant %q", raw, w)
				}
			}
			// The same message again within the minute: nothing more.
			if raw := driveRaw(a, func() tea.Msg { return inbound(tt.conv) }); raw != "" {
				t.Errorf("again: %q", raw)
			}
		})
	}
}

// Whatever a customer's text, the notification is one sequence: its own
// introducer and terminator and no other control, no ';' past its fields.
func FuzzDesktopSequence(f *testing.F) {
	for _, s := range []string{"hi", hostileName, "\x1b\\", "\x9c\x07;;", "\xe2\x1b]8;;x\a", "4;3;100", "\u202e\u2066\x00"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, title, body string) {
		for _, kind := range []string{DesktopOSC9, DesktopOSC777} {
			for _, tmux := range []bool{false, true} {
				seq := desktopSequence(kind, title, body, tmux)
				inner := seq
				if tmux {
					if !strings.HasPrefix(seq, "\x1bPtmux;\x1b\x1b]") || !strings.HasSuffix(seq, "\a\x1b\\") {
						t.Fatalf("tmux wrapping: %q", seq)
					}
					inner = strings.ReplaceAll(strings.TrimSuffix(strings.TrimPrefix(seq, "\x1bPtmux;"), "\x1b\\"), "\x1b\x1b", "\x1b")
				}
				head := "\x1b]9;"
				fields := 0
				if kind == DesktopOSC777 {
					head, fields = "\x1b]777;notify;", 1
				}
				if !strings.HasPrefix(inner, head) || !strings.HasSuffix(inner, "\a") {
					t.Fatalf("not one sequence: %q", inner)
				}
				text := strings.TrimSuffix(strings.TrimPrefix(inner, head), "\a")
				if strings.Count(text, ";") != fields {
					t.Fatalf("%d ';' in %q", strings.Count(text, ";"), text)
				}
				for _, r := range text {
					if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
						t.Fatalf("control %U in %q", r, text)
					}
				}
			}
		}
	})
}
