package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
)

// colorSGR is an SGR sequence that sets a colour (foreground, background,
// underline colour), which NO_COLOR removes.
var colorSGR = regexp.MustCompile(`\x1b\[[0-9;]*(3[0-9]|4[0-9]|9[0-7]|10[0-7]|58)[;m]`)

// noColor is a frame as a NO_COLOR terminal gets it: Bubble Tea writes
// through a colour profile, Ascii under NO_COLOR (colours dropped, bold,
// underline and reverse kept), then what is left of the styling removed.
func noColor(t *testing.T, frame string) string {
	t.Helper()
	var b bytes.Buffer
	w := &colorprofile.Writer{Forward: &b, Profile: colorprofile.Ascii}
	if _, err := w.WriteString(frame); err != nil {
		t.Fatal(err)
	}
	if m := colorSGR.FindString(b.String()); m != "" {
		t.Fatalf("a colour survived the NO_COLOR profile: %q", m)
	}
	return ansi.Strip(b.String())
}

// TestNoColorFrames: without colour the focused pane (a heavy border),
// the folder listed (▸), the cursor's row (›) and unread rows (●) all
// still show, at every size and wherever the focus is.
func TestNoColorFrames(t *testing.T) {
	for _, sz := range sizes {
		for _, focus := range []struct {
			name string
			keys []string
			pane string // the pane whose border is heavy
		}{
			{"list", nil, "Inbox"},
			{"folders", []string{"shift+tab", "j"}, "Folders"}, // the cursor on Archive, Inbox listed
			{"thread", []string{"enter"}, "Ana Lima"},
		} {
			t.Run(focus.name+"_"+sz.name, func(t *testing.T) {
				h := newHarness(t, sz.w, sz.h)
				h.keys(focus.keys...)
				frame := noColor(t, h.app.View().Content)
				lines := strings.Split(frame, "\n")
				// The heavy top border is the focused pane's, titled.
				top := lines[0]
				i := strings.Index(top, "┏")
				if i < 0 || !strings.Contains(top[i:], focus.pane) || strings.Count(top, "┏") != 1 {
					t.Errorf("focus on %s: the top border %q does not mark it heavy", focus.pane, top)
				}
				if focus.name != "thread" || sz.w >= 100 { // one pane: the thread alone
					if !strings.Contains(frame, "▸Inbox") && !strings.Contains(frame, "Inbox ·") {
						t.Errorf("the folder listed is not marked:\n%s", frame)
					}
				}
				if focus.name == "list" {
					var cursor, unread int
					for _, l := range lines {
						if strings.Contains(l, "│›") || strings.Contains(l, "┃›") {
							cursor++
						}
						if strings.Contains(l, " ● ") || strings.Contains(l, "›●") {
							unread++
						}
					}
					if cursor != 2 || unread < 2 {
						t.Errorf("cursor rows %d (want its two lines), unread rows %d:\n%s", cursor, unread, frame)
					}
				}
				if focus.name == "folders" {
					if !strings.Contains(frame, "›Archive") {
						t.Errorf("the folders' cursor is not marked apart from the folder listed:\n%s", frame)
					}
					golden.RequireEqual(t, frame)
				}
			})
		}
	}
}
