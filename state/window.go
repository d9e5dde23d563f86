package state

import (
	"fmt"
	"time"
)

// WindowLength is WhatsApp's customer-service window: freeform replies are
// allowed until 24 hours after the customer's last message.
const WindowLength = 24 * time.Hour

// ClosingSoon is how close to its end an open window counts as urgent.
const ClosingSoon = 2 * time.Hour

// WindowExpiry is when the window opened by lastInbound closes. A zero
// lastInbound (no customer message in the synced history) gives the zero
// time: the window counts as closed.
func WindowExpiry(lastInbound time.Time) time.Time {
	if lastInbound.IsZero() {
		return time.Time{}
	}
	return lastInbound.Add(WindowLength)
}

// WindowState is the window of a conversation at a moment.
type WindowState int

const (
	WindowClosed  WindowState = iota // no freeform text: templates only
	WindowOpen                       // freeform replies allowed
	WindowClosing                    // open, under ClosingSoon left
)

// Window describes a conversation's window at now.
type Window struct {
	State  WindowState
	Left   time.Duration // time left while open
	Closed time.Duration // time since it closed
	Opened bool          // the window was ever open in the synced history
}

// WindowAt evaluates a window expiry at now. Time is always passed in.
func WindowAt(expiry, now time.Time) Window {
	switch {
	case expiry.IsZero():
		return Window{State: WindowClosed}
	case !now.Before(expiry):
		return Window{State: WindowClosed, Closed: now.Sub(expiry), Opened: true}
	case expiry.Sub(now) < ClosingSoon:
		return Window{State: WindowClosing, Left: expiry.Sub(now), Opened: true}
	}
	return Window{State: WindowOpen, Left: expiry.Sub(now), Opened: true}
}

// Open reports whether freeform text may be sent.
func (w Window) Open() bool { return w.State != WindowClosed }

// String is the badge text: "23h 12m left", "closed 3h 00m ago — template
// only", "closed — template only".
func (w Window) String() string {
	if w.Open() {
		return w.Short()
	}
	return w.Short() + " — template only"
}

// Short is the badge without what a closed window means (for places
// that say it elsewhere): "23h 12m left", "closed 3h 00m ago", "closed".
func (w Window) Short() string {
	switch {
	case w.Open():
		return FormatDuration(w.Left) + " left"
	case w.Opened:
		return "closed " + FormatDuration(w.Closed) + " ago"
	}
	return "closed"
}

// FormatDuration writes a duration the way the inbox shows it: "23h 12m",
// "45m", "under 1m", "3d 4h".
func FormatDuration(d time.Duration) string {
	if d < time.Minute {
		return "under 1m"
	}
	d = d.Truncate(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %02dm", hours, mins)
	}
	return fmt.Sprintf("%dm", mins)
}
