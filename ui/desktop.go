package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Desktop notifications are terminal escape sequences the terminal turns
// into a notification of the desktop: OSC 9 (iTerm2, kitty, WezTerm,
// Windows Terminal, foot, ghostty) or OSC 777 (rxvt-unicode's notify, VTE
// terminals such as GNOME Terminal, ghostty, WezTerm, foot). Inside tmux
// they are wrapped for its passthrough, which tmux lets through only
// with `set -g allow-passthrough on`.
const (
	DesktopOSC9   = "osc9"
	DesktopOSC777 = "osc777"
)

// Rate limits: at most one notification per conversation per
// notifyPerConv, and notifyOverall in any notifyPeriod; the ones held
// back are counted in the next one shown.
const (
	notifyPerConv = time.Minute
	notifyPeriod  = time.Minute
	notifyOverall = 6
	notifyMaxText = 200 // runes of title or body
)

func (a *App) desktopOn() bool { return a.d.Desktop == DesktopOSC9 || a.d.Desktop == DesktopOSC777 }

// desktopNotify sends one desktop notification, when the limits allow.
func (a *App) desktopNotify(convID, title, body string) tea.Cmd {
	if !a.desktopOn() {
		return nil
	}
	ok, held := a.hk.limiter.allow(a.d.Now(), convID)
	if !ok {
		return nil
	}
	if held > 0 {
		title += fmt.Sprintf(" (and %d more)", held)
	}
	return tea.Raw(desktopSequence(a.d.Desktop, "mbx", title+": "+body, a.d.Tmux))
}

// desktopSequence builds the escape sequence of a notification: OSC 9
// carries one text (title and body together), OSC 777 a title and a
// body. Every text passes the sanitizer, then oscText, so that nothing
// from a customer can end the sequence or start another. tmux wraps it
// in its passthrough (DCS tmux; …, each ESC doubled, ST).
func desktopSequence(kind, title, body string, tmux bool) string {
	var seq string
	switch kind {
	case DesktopOSC777:
		seq = "\x1b]777;notify;" + oscText(title) + ";" + oscText(body) + "\a"
	case DesktopOSC9:
		text := oscText(title + ": " + body)
		if title == "" {
			text = oscText(body)
		}
		seq = "\x1b]9;" + text + "\a"
	default:
		return ""
	}
	if tmux {
		seq = "\x1bPtmux;" + strings.ReplaceAll(seq, "\x1b", "\x1b\x1b") + "\x1b\\"
	}
	return seq
}

// oscText makes text safe inside an OSC string: the sanitizer's one-line
// form (no C0, DEL or C1 control survives it, escapes show as ␛), then a
// semicolon becomes a comma (OSC 777 splits on it, and OSC 9 reads
// "9;4;…" as a progress report), cut to notifyMaxText runes. What is left
// is checked again: any control rune is dropped.
func oscText(s string) string {
	s = strings.ReplaceAll(state.SanitizeLine(s), ";", ",")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
			continue
		}
		if n == notifyMaxText {
			b.WriteRune('…')
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// notifyLimiter holds back notifications: one per conversation per
// notifyPerConv, notifyOverall per notifyPeriod. It is the App's, used
// in Update only; the clock is passed in.
type notifyLimiter struct {
	last map[string]time.Time // conversation → its last notification
	sent []time.Time          // the notifications of the last period
	held int                  // held back since the last one shown
}

// allow says whether a notification for convID may be shown at now,
// and how many were held back before it (to count in its text).
func (l *notifyLimiter) allow(now time.Time, convID string) (ok bool, held int) {
	if l.last == nil {
		l.last = map[string]time.Time{}
	}
	for id, t := range l.last {
		if now.Sub(t) >= notifyPerConv {
			delete(l.last, id)
		}
	}
	i := 0
	for i < len(l.sent) && now.Sub(l.sent[i]) >= notifyPeriod {
		i++
	}
	l.sent = l.sent[i:]
	if _, recent := l.last[convID]; recent || len(l.sent) >= notifyOverall {
		l.held++
		return false, 0
	}
	l.last[convID] = now
	l.sent = append(l.sent, now)
	held, l.held = l.held, 0
	return true, held
}
