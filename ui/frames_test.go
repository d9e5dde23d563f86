package ui

import (
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// A key typed alone is drawn at once; keys typed within a frame of the
// last drawing owe one frame, drawn by its tick with every key in it;
// nothing but typing in the composer is held.
func TestFramesPacedWhileTyping(t *testing.T) {
	var ticks int
	a, _, _ := composerAppTick(t, func(d time.Duration, _ func(time.Time) tea.Msg) tea.Cmd {
		if d == frameGap {
			ticks++
		}
		return func() tea.Msg { return nil }
	})
	a.lastDrawn = time.Time{} // long ago
	a.Update(keyOf('H'))
	if v := ansi.Strip(a.View().Content); !strings.Contains(v, "│ H") || ticks != 0 {
		t.Fatalf("a lone key not drawn at once (ticks %d):\n%s", ticks, v)
	}
	for _, r := range "ello there" { // a burst: within a frame of the last drawing
		a.Update(keyOf(r))
		_ = a.View()
	}
	if ticks != 1 || !a.frameOwed {
		t.Fatalf("a burst asked %d ticks (owed %v), want 1", ticks, a.frameOwed)
	}
	if v := ansi.Strip(a.View().Content); strings.Contains(v, "Hello there") {
		t.Fatalf("the owed frame was drawn before its tick:\n%s", v)
	}
	a.Update(frameDueMsg{})
	if v := ansi.Strip(a.View().Content); !strings.Contains(v, "│ Hello there") {
		t.Fatalf("the frame due does not show every key:\n%s", v)
	}
	// Anything else draws at once, owed frame or not.
	a.Update(keyOf('!'))
	a.Update(tea.KeyPressMsg{Code: tea.KeyEscape})
	if v := ansi.Strip(a.View().Content); !strings.Contains(v, "Hello there!") {
		t.Fatalf("leaving the composer did not draw:\n%s", v)
	}
}
