package ui

import (
	"fmt"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// logLimit is how many messages the session's log keeps: the oldest go.
const logLimit = 500

// msgLog is every message the status bar showed this session, with the
// items of each bulk action under its summary, oldest first.
type msgLog struct {
	entries []logEntry
	// The drawn lines of the last width, kept while nothing changes:
	// the open log is drawn every frame (a spinner ticks), and 500
	// messages are wrapped once, not 30 times a second.
	version       int // bumped by every change (and a change of styles)
	drawnW, drawV int
	drawn         []string
}

// changed drops the drawn lines (new styles: the terminal's background
// was read).
func (l *msgLog) changed() { l.version++ }

// logEntry is one message; text and detail are drawn through line.
type logEntry struct {
	at     time.Time
	text   string
	isErr  bool
	detail []string
}

func (l *msgLog) add(at time.Time, text string, isErr bool) {
	if text == "" {
		return
	}
	if len(l.entries) == logLimit {
		copy(l.entries, l.entries[1:])
		l.entries = l.entries[:logLimit-1]
	}
	l.entries = append(l.entries, logEntry{at: at, text: text, isErr: isErr})
	l.changed()
}

// detail puts lines under the last message (a bulk action's items).
func (l *msgLog) detail(lines []string) {
	if n := len(l.entries); n > 0 {
		l.entries[n-1].detail = lines
		l.changed()
	}
}

// lines draws the log w cells wide, wrapped, the time before each message.
func (l *msgLog) lines(st styles, w int) []string {
	if l.drawn != nil && l.drawnW == w && l.drawV == l.version {
		return l.drawn
	}
	out := []string{}
	defer func() { l.drawn, l.drawnW, l.drawV = out, w, l.version }()
	const indent = "         " // under the text, past "15:04:05 "
	for _, e := range l.entries {
		text := line(e.text)
		if e.isErr {
			text = glyphFailed + " " + text
		}
		for j, s := range wrap(text, max(1, w-len(indent))) {
			switch {
			case j > 0:
				out = append(out, indent+s)
			case e.isErr:
				out = append(out, st.muted.Render(e.at.Local().Format("15:04:05"))+" "+st.errorS.Render(s))
			default:
				out = append(out, st.muted.Render(e.at.Local().Format("15:04:05"))+" "+s)
			}
		}
		for _, d := range e.detail {
			for j, s := range wrap(line(d), max(1, w-len(indent)-2)) {
				if j > 0 {
					s = "  " + s
				}
				out = append(out, indent+s)
			}
		}
	}
	return out
}

// msgLogDialog shows the log, newest last, opened at its end.
type msgLogDialog struct {
	km     KeyMap
	log    *msgLog
	top    int  // the first line shown
	follow bool // at the end: stays there as messages come
	h      int  // lines shown at the last size
	total  int  // lines in all at the last size
}

func (d *msgLogDialog) Waiting() (bool, bool) { return false, true }
func (d *msgLogDialog) Bounds() (int, int)    { return 90, 1 << 16 }

func (d *msgLogDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	km := d.km
	switch {
	case key.Matches(k, km.Close, km.Back, km.Quit, km.MessageLog):
		return nil, closeDialog{}
	case key.Matches(k, km.Down, km.PickerDown):
		d.top++
	case key.Matches(k, km.Up, km.PickerUp):
		d.top--
	case key.Matches(k, km.HalfPageDown):
		d.top += max(1, d.h/2)
	case key.Matches(k, km.HalfPageUp):
		d.top -= max(1, d.h/2)
	case key.Matches(k, km.Top):
		d.top = 0
	case key.Matches(k, km.Bottom):
		d.top = d.total
	}
	last := max(0, d.total-d.h)
	d.top = max(0, min(d.top, last))
	d.follow = d.top == last
	return nil, nil
}

func (d *msgLogDialog) View(v viewCtx) string {
	st := v.st
	w := max(10, v.w-4)
	body := d.log.lines(st, w)
	if len(body) == 0 {
		body = []string{st.muted.Render("Nothing yet: what the status bar says shows here, with its time.")}
	}
	d.h = max(1, v.h-2-4) // the border; the title, a gap, a gap, the foot
	d.total = len(body)
	last := max(0, d.total-d.h)
	if d.follow {
		d.top = last
	}
	d.top = max(0, min(d.top, last))
	shown := body[d.top:min(len(body), d.top+d.h)]
	head := st.title.Render("Messages")
	scrolls := d.total > d.h
	if scrolls {
		head = spread(head, st.muted.Render(fmt.Sprintf("%d–%d of %d lines", d.top+1, d.top+len(shown), d.total)), w)
	}
	lines := append([]string{head, ""}, shown...)
	for scrolls && len(lines) < d.h+2 {
		lines = append(lines, "")
	}
	lines = append(lines, "")
	foot := fmt.Sprintf("this session's last %d, newest last · ", logLimit) + hint(d.km.Close, "closes")
	if scrolls {
		foot = hint([]key.Binding{d.km.Down, d.km.Up}, "scroll", d.km.Close, "closes") + " · newest last"
	}
	lines = append(lines, st.muted.Render(fit(foot, w)))
	return st.paneFocused.Render(fitBlock(lines, v.w-2, min(v.h-2, len(lines))))
}
