package ui

import (
	"charm.land/lipgloss/v2"

	"github.com/mbx-inbox/mbx/state"
)

// styles is every style of the UI, built from a small semantic palette
// and rebuilt when the terminal reports its background.
type styles struct {
	text, muted, accent, success, warning, errorS lipgloss.Style
	bold                                          lipgloss.Style

	// panes
	pane, paneFocused lipgloss.Style
	dialog            lipgloss.Style // pickers and forms over the panes
	title             lipgloss.Style

	// sidebar and list
	item, itemSelected, itemCursor lipgloss.Style
	count                          lipgloss.Style
	unread                         lipgloss.Style
	marked                         lipgloss.Style
	tag                            lipgloss.Style // a conversation's tags

	// thread
	inbound, outbound lipgloss.Style
	meta              lipgloss.Style
	daySep            lipgloss.Style
	template          lipgloss.Style
	tickRead          lipgloss.Style
	tickPlain         lipgloss.Style
	failed            lipgloss.Style
	media             lipgloss.Style // "[image]" before a media message's caption

	// search: the matched words of a hit (on the cursor's row too), and
	// the thread's mark on the message a hit opened
	hit, hitCursor, hitMark lipgloss.Style
	querySelected           lipgloss.Style // the last query, selected when / opens again

	// window badge
	windowOpen, windowClosing, windowClosed lipgloss.Style

	// status bar and feedback
	status, statusErr, flash, flashErr lipgloss.Style
	key, keyDesc                       lipgloss.Style

	markup MarkupStyles
}

// Tick glyphs: pending, sent ✓, delivered ✓✓, read ✓✓ (accent), failed ✗.
const (
	glyphPending   = "◷"
	glyphSent      = "✓"
	glyphDelivered = "✓✓"
	glyphFailed    = "✗"
	glyphUnread    = "●"
	glyphMarked    = "▌"
	glyphCursor    = "›" // the row under the cursor (without colour too)
	glyphActive    = "▸" // the folder or view listed
	glyphHit       = "▶" // the message a search hit opened
)

func newStyles(isDark bool) styles {
	ld := lipgloss.LightDark(isDark)
	var (
		text      = ld(lipgloss.Color("#1f2328"), lipgloss.Color("#e6e6e6"))
		muted     = ld(lipgloss.Color("#6e7781"), lipgloss.Color("#8b949e"))
		accent    = ld(lipgloss.Color("#0969da"), lipgloss.Color("#58a6ff"))
		success   = ld(lipgloss.Color("#1a7f37"), lipgloss.Color("#3fb950"))
		warning   = ld(lipgloss.Color("#9a6700"), lipgloss.Color("#d29922"))
		errColor  = ld(lipgloss.Color("#cf222e"), lipgloss.Color("#f85149"))
		border    = ld(lipgloss.Color("#d0d7de"), lipgloss.Color("#30363d"))
		selection = ld(lipgloss.Color("#ddf4ff"), lipgloss.Color("#1f3a5f"))
	)
	base := lipgloss.NewStyle()
	s := styles{
		text:    base.Foreground(text),
		muted:   base.Foreground(muted),
		accent:  base.Foreground(accent),
		success: base.Foreground(success),
		warning: base.Foreground(warning),
		errorS:  base.Foreground(errColor),
		bold:    base.Bold(true),

		pane: base.Border(lipgloss.RoundedBorder()).BorderForeground(border),
		// The focused pane's border is heavy, not only coloured: visible
		// without colour (NO_COLOR) too.
		paneFocused: base.Border(lipgloss.ThickBorder()).BorderForeground(accent),
		dialog:      base.Border(lipgloss.RoundedBorder()).BorderForeground(accent).Padding(0, 1),
		title:       base.Bold(true).Foreground(text),

		item:         base.Foreground(text),
		itemSelected: base.Background(selection).Foreground(text),
		itemCursor:   base.Background(selection).Foreground(text).Bold(true),
		count:        base.Foreground(muted),
		unread:       base.Foreground(accent).Bold(true),
		marked:       base.Foreground(warning).Bold(true),
		tag:          base.Foreground(accent),

		inbound:   base.Foreground(text),
		outbound:  base.Foreground(text),
		meta:      base.Foreground(muted),
		daySep:    base.Foreground(muted),
		template:  base.Foreground(accent).Italic(true),
		tickRead:  base.Foreground(accent).Bold(true),
		tickPlain: base.Foreground(muted),
		failed:    base.Foreground(errColor),
		media:     base.Foreground(accent).Bold(true),

		hit:       base.Foreground(warning).Bold(true).Underline(true),
		hitCursor: base.Background(selection).Foreground(warning).Bold(true).Underline(true),
		hitMark:   base.Foreground(warning).Bold(true),

		querySelected: base.Reverse(true), // seen without colour too

		windowOpen:    base.Foreground(success),
		windowClosing: base.Foreground(warning).Bold(true),
		windowClosed:  base.Foreground(errColor),

		status:    base.Foreground(muted),
		statusErr: base.Foreground(errColor),
		flash:     base.Foreground(success),
		flashErr:  base.Foreground(errColor).Bold(true),
		key:       base.Foreground(accent),
		keyDesc:   base.Foreground(muted),
	}
	s.markup = MarkupStyles{
		Bold:   base.Bold(true),
		Italic: base.Italic(true),
		Strike: base.Strikethrough(true),
		Code:   base.Foreground(accent),
	}
	return s
}

// windowStyle picks the badge style of a window.
func (s styles) windowStyle(w state.Window) lipgloss.Style {
	switch w.State {
	case state.WindowOpen:
		return s.windowOpen
	case state.WindowClosing:
		return s.windowClosing
	}
	return s.windowClosed
}

// tick renders the status of an outgoing message.
func (s styles) tick(st state.MessageStatus) string {
	switch st {
	case state.StatusSent:
		return s.tickPlain.Render(glyphSent)
	case state.StatusDelivered:
		return s.tickPlain.Render(glyphDelivered)
	case state.StatusRead:
		return s.tickRead.Render(glyphDelivered)
	case state.StatusFailed:
		return s.failed.Render(glyphFailed)
	}
	return s.tickPlain.Render(glyphPending)
}
