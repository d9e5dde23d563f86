package ui

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// Bubble Tea draws after every message. A burst of typed keys (a paste
// from a terminal without bracketed paste, an SSH link delivering a fast
// typist's keys at once) would draw the whole screen once per key: a
// 4,100-key paste took ~30 s of frames nobody sees. So while the agent
// types in the composer, a key that arrives within frameGap of the last
// drawn frame draws nothing new: the frame is owed, and a tick of
// frameGap draws it (frameDueMsg), showing every key typed meanwhile. A
// single key, or the first of a burst, still draws at once; nothing else
// (moves, dialogs, data) is ever held. Without a ticker (tests), every
// frame is drawn.
const frameGap = 16 * time.Millisecond

// frameDueMsg: draw the frame owed to keys typed in a burst.
type frameDueMsg struct{}

// paceFrames is called after a key was typed into the composer: within
// frameGap of the last frame drawn, this message's frame is owed to a
// tick (one tick at a time; Update clears the debt of every other
// message).
func (a *App) paceFrames() tea.Cmd {
	if a.lastView == nil || time.Since(a.lastDrawn) >= frameGap {
		return nil
	}
	if a.tickPending {
		a.frameOwed = true
		return nil
	}
	cmd := a.d.Tick(frameGap, func(time.Time) tea.Msg { return frameDueMsg{} })
	if cmd != nil {
		a.frameOwed, a.tickPending = true, true
	}
	return cmd
}

// owedView is the last frame while a frame is owed (paceFrames); ok is
// false when View must draw.
func (a *App) owedView() (tea.View, bool) {
	if a.frameOwed && a.lastView != nil {
		return *a.lastView, true
	}
	return tea.View{}, false
}

// drawn keeps the frame just drawn for owedView.
func (a *App) drawn(v tea.View) tea.View {
	a.lastView, a.lastDrawn = &v, time.Now()
	return v
}
