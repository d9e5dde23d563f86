package ui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// statusBar is the bottom line: account, connection, a flash message or
// the short help.
type statusBar struct {
	width   int
	account string
	conn    state.ConnStatus
	flash   string
	tail    string // kept whole after the flash, which is cut instead: " · u undo"
	isError bool
	busy    string // long work in progress, e.g. "archiving 41…"
	login   bool   // the inbox can log in again (ctrl+r opens the prompt)
	frame   int    // the spinner's
	help    help.Model
}

// The spinner's frames and pace.
var (
	spinFrames = spinner.MiniDot.Frames
	spinFPS    = spinner.MiniDot.FPS
)

func newStatusBar(account string) statusBar {
	return statusBar{account: account, help: help.New()}
}

func (s *statusBar) spinView() string { return spinFrames[s.frame%len(spinFrames)] }

// spinning reports whether the bar shows the spinner: while connecting,
// syncing or busy.
func (s *statusBar) spinning() bool {
	return s.busy != "" || s.conn.State != state.Online && s.conn.State != state.Offline && s.conn.State != state.LoginRequired
}

func (s *statusBar) connText(st styles, keys KeyMap, now time.Time) string {
	c := s.conn
	switch c.State {
	case state.Online:
		on := st.success.Render("● online")
		if c.Progress != "" { // the history filling in behind a usable inbox
			on += st.muted.Render(" · " + line(c.Progress))
		}
		return on + s.skippedText(st)
	case state.Syncing:
		p := "syncing"
		if c.Progress != "" {
			p += " " + c.Progress
		}
		return st.warning.Render(s.spinView()+" "+line(p)) + s.skippedText(st)
	case state.Offline:
		wait := ""
		if !c.NextAttempt.IsZero() {
			wait = " · retrying in " + seconds(c.NextAttempt.Sub(now))
		}
		return st.statusErr.Render("○ offline" + wait + " — " + line(c.LastError))
	case state.LoginRequired:
		if s.login {
			return st.statusErr.Render("✗ logged out: " + keys.Sync.Help().Key + " logs in")
		}
		return st.statusErr.Render("✗ " + line(c.LastError))
	}
	return st.muted.Render(s.spinView() + " connecting")
}

// skippedText counts the items the platform sent that mbx could not read
// and skipped (their positions are in the log).
func (s *statusBar) skippedText(st styles) string {
	switch n := s.conn.Skipped; {
	case n == 1:
		return st.warning.Render(" · 1 item skipped (see log)")
	case n > 1:
		return st.warning.Render(fmt.Sprintf(" · %d items skipped (see log)", n))
	}
	return ""
}

// View draws the bar; marked is how many conversations are marked, whose
// actions replace the short help while there are any; hints are the keys
// of where the agent is (the inbox's short help when nil).
func (s statusBar) View(st styles, keys KeyMap, now time.Time, marked int, hints []key.Binding) string {
	left := st.title.Render(" " + line(s.account) + " ")
	conn := s.connText(st, keys, now)
	var mid string
	switch {
	case s.busy != "":
		mid = st.warning.Render(s.spinView() + " " + s.busy)
	case s.flash != "" && s.isError:
		mid = st.flashErr.Render(s.flashLine(s.width - lipWidth(left) - lipWidth(conn) - 3))
	case s.flash != "":
		mid = st.flash.Render(s.flashLine(s.width - lipWidth(left) - lipWidth(conn) - 3))
	case marked > 0:
		h := s.help
		h.SetWidth(max(0, s.width-lipWidth(left)-lipWidth(conn)-4-len(" marked")-6))
		clearMarks := key.NewBinding(key.WithKeys(keys.Back.Keys()...), key.WithHelp(keyName(keys.Back), "clear marks"))
		mid = st.marked.Render(fmt.Sprintf("%d marked", marked)) + "  " +
			h.ShortHelpView([]key.Binding{keys.Assign, keys.AssignToMe, keys.MoveArchive, keys.MoveSpam, keys.MoveBack, clearMarks})
	default:
		h := s.help
		h.SetWidth(max(0, s.width-lipWidth(left)-lipWidth(conn)-2))
		if hints == nil {
			hints = keys.ShortHelp()
		}
		mid = h.ShortHelpView(hints)
	}
	return fit(left+" "+conn+"  "+mid, s.width)
}

// seconds is a short wait in words: "4s", "1m 05s".
func seconds(d time.Duration) string {
	n := max(0, int(d.Seconds()+0.5))
	if n < 60 {
		return fmt.Sprintf("%ds", n)
	}
	return fmt.Sprintf("%dm %02ds", n/60, n%60)
}

// flashLine is the flash message in w cells, cut before its tail so that
// the tail (the undo offer) stays whole.
func (s statusBar) flashLine(w int) string {
	text := line(s.flash)
	if s.tail == "" {
		return text
	}
	if room := w - ansi.StringWidth(s.tail); room > 1 && ansi.StringWidth(text) > room {
		text = ansi.Truncate(text, room, "…")
	}
	return text + s.tail
}
