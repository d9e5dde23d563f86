package ui

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// pasteText is 4,100 characters of a reply, in lines of words.
var pasteText = func() string {
	var b strings.Builder
	for i := 0; b.Len() < 4100; i++ {
		if i%12 == 11 {
			b.WriteString("\n")
		}
		b.WriteString("word ")
	}
	return b.String()[:4100]
}()

// composerApp is an inbox with the composer of conversation c1 focused,
// over a real store and engine (drafts written by the engine's saver).
func composerApp(tb testing.TB) (*App, *state.Store, *state.Engine) {
	return composerAppTick(tb, func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil })
}

// composerAppTick is composerApp with a ticker of the test's.
func composerAppTick(tb testing.TB, tick func(time.Duration, func(time.Time) tea.Msg) tea.Cmd) (*App, *state.Store, *state.Engine) {
	tb.Helper()
	st, err := state.Open(filepath.Join(tb.TempDir(), "p.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { st.Close() })
	eng := state.NewEngine(st, coreOnly{}, state.Config{})
	a := New(Deps{Core: state.NewService(st, eng), Account: "work", Tick: tick}, testKeys())
	tb.Cleanup(a.Close)
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	a.thread.conv = state.Conversation{ID: "c1"}
	a.comp.Load("c1", "")
	a.setFocus(focusComposer)
	a.comp.Focus()
	return a, st, eng
}

// keyOf is the key message a terminal without bracketed paste sends for r.
func keyOf(r rune) tea.KeyPressMsg {
	if r == '\n' {
		return tea.KeyPressMsg{Code: 'j', Mod: tea.ModCtrl} // the newline key
	}
	return tea.KeyPressMsg{Code: r, Text: string(r)}
}

// BenchmarkPaste4100: a paste of 4,100 characters into the composer, as
// one bracketed paste and as a burst of key messages (a terminal without
// bracketed paste), until the draft holds it all.
func BenchmarkPaste4100(b *testing.B) {
	for _, mode := range []string{"bracketed", "keys"} {
		b.Run(mode, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				// The program's ticker, as Bubble Tea runs it: a frame
				// owed is due frameGap after it was asked for.
				var due time.Time
				a, st, eng := composerAppTick(b, func(d time.Duration, fn func(time.Time) tea.Msg) tea.Cmd {
					due = time.Now().Add(d)
					return func() tea.Msg { return nil }
				})
				b.StartTimer()
				if mode == "bracketed" {
					a.Update(tea.PasteMsg{Content: pasteText})
					_ = a.View()
				} else {
					frames := 0
					for _, r := range pasteText {
						a.Update(keyOf(r))
						_ = a.View() // Bubble Tea draws after every message
						if !due.IsZero() && !time.Now().Before(due) {
							due = time.Time{}
							a.Update(frameDueMsg{})
							_ = a.View()
							frames++
						}
					}
					a.Update(frameDueMsg{}) // the last owed frame
					if v := ansi.Strip(a.View().Content); !strings.Contains(v, "4100/4096") {
						b.Fatalf("the last frame is not the composer's:\n%s", v)
					}
					b.ReportMetric(float64(frames+1), "frames")
				}
				eng.FlushDrafts()
				b.StopTimer()
				if d, _, _ := st.Draft("c1"); d.Text != a.comp.Value() || len(d.Text) != 4100 {
					b.Fatalf("draft of %d characters, composer %d", len(d.Text), len(a.comp.Value()))
				}
				b.StartTimer()
			}
		})
	}
}

// A burst of typed keys (a paste without bracketed paste) goes in whole,
// in order, the view following the cursor, and the draft holds it once
// flushed; a key with a modifier is still the textarea's.
func TestKeyBurstIntoComposer(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"one line", "Thanks, see you then"},
		{"many lines", pasteText[:600] + "\nTHE LAST LINE"},
		{"unicode", "Merci, à demain ! 明日 👍🏽"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, st, eng := composerApp(t)
			for _, r := range tt.text {
				a.Update(keyOf(r))
			}
			if got := a.comp.Value(); got != tt.text {
				t.Fatalf("composer %q, want %q", got, tt.text)
			}
			last := tt.text[strings.LastIndex(tt.text, "\n")+1:]
			if view := ansi.Strip(a.comp.View(a.st, a.keys)); !strings.Contains(view, last) {
				t.Errorf("the composer does not show the line being typed %q:\n%s", last, view)
			}
			eng.FlushDrafts()
			if d, _, _ := st.Draft("c1"); d.Text != tt.text {
				t.Errorf("draft %q", d.Text)
			}
			a.Update(tea.KeyPressMsg{Code: tea.KeyHome}) // the textarea's own key: to the start of the line
			a.Update(keyOf('>'))
			if got := a.comp.Value(); !strings.HasSuffix(got, ">"+last) {
				t.Errorf("after home and a key: %q", got)
			}
		})
	}
}
