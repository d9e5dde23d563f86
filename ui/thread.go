package ui

import (
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// threadView shows one conversation's messages, newest at the bottom. It
// renders each message once per width (and status), keeps the result,
// and on every frame assembles only the lines that are visible.
type threadView struct {
	width, height int
	conv          state.Conversation
	msgs          []state.Message // oldest first
	hasOlder      bool            // the store has older messages than those shown
	loadingOlder  bool
	askedPlatform bool // the platform was asked for history before the oldest
	platformDone  bool // … and had nothing more
	scroll        int  // lines scrolled up from the bottom
	cache         map[string][]string
	cacheWidth    int
	header        string // extra header text: the assignee
	lay           *threadLayout
	mark          threadMark // the message a search hit opened (threadmark.go)
	// retry is the local id of the newest failed reply, which the retry
	// key (retryKey, "" disabled) acts on: it says so under it, "R
	// retries", or with the window closed (retryClosed) for a freeform
	// reply "R sends a template in its place". failed.go.
	retry, retryKey string
	retryClosed     bool
	// seen is what the agent saw when they opened the conversation, for
	// the collision guard (sendguard.go).
	seen state.Glimpse
}

// threadLayout is the whole thread as blocks of lines (day separators,
// messages) with running line counts, rebuilt only when the thread, the
// width, the styles or the day change — never on a scroll step, which
// finds its first visible block by binary search.
type threadLayout struct {
	valid  bool
	blocks [][]string
	ends   []int // ends[i]: lines in blocks[0..i]
	mark   int   // the block of the marked message, -1 for none
}

func (l *threadLayout) total() int {
	if len(l.ends) == 0 {
		return 0
	}
	return l.ends[len(l.ends)-1]
}

// lines returns layout lines [start, end).
func (l *threadLayout) lines(start, end int) []string {
	out := make([]string, 0, max(0, end-start))
	i := sort.Search(len(l.ends), func(i int) bool { return l.ends[i] > start })
	for ; i < len(l.blocks) && len(out) < end-start; i++ {
		first := l.ends[i] - len(l.blocks[i])
		for j, s := range l.blocks[i] {
			if n := first + j; n >= start && n < end {
				out = append(out, s)
			}
		}
	}
	return out
}

func newThreadView() threadView {
	return threadView{cache: map[string][]string{}, lay: &threadLayout{}}
}

// invalidate makes the next frame rebuild the layout (from cached blocks).
func (t *threadView) invalidate() { t.lay.valid = false }

// layout returns the current layout, rebuilding it if needed.
func (t *threadView) layout(st styles, now time.Time) *threadLayout {
	l := t.lay
	if l.valid {
		return l
	}
	l.blocks, l.ends, l.mark = l.blocks[:0], l.ends[:0], -1
	add := func(b []string) {
		n := len(b)
		if len(l.ends) > 0 {
			n += l.ends[len(l.ends)-1]
		}
		l.blocks, l.ends = append(l.blocks, b), append(l.ends, n)
	}
	switch {
	case t.hasOlder || (t.loadingOlder && t.askedPlatform):
		add([]string{fit(st.muted.Render(center("↑ older messages", t.width)), t.width)})
	case t.platformDone && len(t.msgs) > 0:
		add([]string{fit(st.muted.Render(center("— the start of this conversation —", t.width)), t.width)})
	}
	for i, m := range t.msgs {
		if i == 0 || !sameDay(t.msgs[i-1].Time.Local(), m.Time.Local()) {
			add([]string{fit(st.daySep.Render(center("── "+dayLabel(m.Time, now)+" ──", t.width)), t.width)})
		}
		if t.marked(m) {
			l.mark = len(l.blocks)
		}
		add(t.block(st, m))
	}
	l.valid = true
	return l
}

func (t *threadView) SetSize(w, h int) {
	t.width, t.height = w, h
	if w != t.cacheWidth {
		clear(t.cache)
		t.cacheWidth = w
		t.invalidate()
	}
}

// Restyle drops everything rendered with the old styles.
func (t *threadView) Restyle() {
	clear(t.cache)
	t.invalidate()
}

// Open shows a conversation (messages arrive with Set).
func (t *threadView) Open(c state.Conversation) {
	if t.conv.ID != c.ID {
		t.msgs, t.scroll, t.hasOlder, t.askedPlatform, t.platformDone = nil, 0, false, false, false
		t.retry = ""
		clear(t.cache)
		if t.mark.conv != c.ID {
			t.mark = threadMark{}
		}
	}
	t.seen = state.Glimpse{} // the thread's first load is what the agent sees

	t.conv = c
	t.invalidate()
}

// Set replaces the messages (a reload) or prepends an older page.
func (t *threadView) Set(m threadLoadedMsg) {
	defer t.invalidate()
	t.conv = m.conv
	if !m.older {
		t.retry = m.retry
		if t.seen.ConversationID != m.conv.ID {
			t.seen = state.GlimpseOf(m.conv, m.msgs)
		}
	}
	if m.older {
		t.msgs = append(append([]state.Message(nil), m.msgs...), t.msgs...)
		t.hasOlder = m.hasOlder
		t.loadingOlder = false
		return
	}
	// A reload reads the newest page: keep older pages already shown.
	if len(t.msgs) > len(m.msgs) && len(m.msgs) > 0 {
		first := m.msgs[0].Time
		keep := 0
		for keep < len(t.msgs) && t.msgs[keep].Time.Before(first) {
			keep++
		}
		t.msgs = append(append([]state.Message(nil), t.msgs[:keep]...), m.msgs...)
		return
	}
	t.msgs, t.hasOlder = m.msgs, m.hasOlder
}

// bodyHeight is the lines for messages (the header is in the border).
func (t *threadView) bodyHeight() int { return max(1, t.height) }

// olderSource says where older messages come from when the agent scrolls
// to the top.
type olderSource int

const (
	olderNone     olderSource = iota
	olderStore                // the store has more
	olderPlatform             // ask the platform for what the store never had
)

// Scroll moves by delta lines (positive: up, to older messages). It
// reports where older messages should be loaded from, if anywhere.
func (t *threadView) Scroll(delta int, st styles, now time.Time) olderSource {
	t.scroll = max(0, t.scroll+delta)
	maxScroll := max(0, t.layout(st, now).total()-t.bodyHeight())
	if t.scroll < maxScroll || t.loadingOlder {
		return olderNone
	}
	t.scroll = maxScroll
	switch {
	case t.hasOlder:
		t.loadingOlder = true
		t.invalidate()
		return olderStore
	case !t.askedPlatform && len(t.msgs) > 0:
		t.askedPlatform, t.loadingOlder = true, true
		t.invalidate()
		return olderPlatform
	}
	return olderNone
}

// Oldest is the time of the first message shown.
func (t *threadView) Oldest() time.Time {
	if len(t.msgs) == 0 {
		return time.Time{}
	}
	return t.msgs[0].Time
}

func (t *threadView) cacheKey(m state.Message) string {
	mark := ""
	if t.marked(m) {
		mark = "\x00" + glyphHit
	}
	return m.Key() + mark + "\x00" + m.Status.String() + "\x00" + m.Reason + "\x00" + m.ID + "\x00" + strconv.FormatInt(m.Media.Size, 10)
}

// block renders one message: a header line and its wrapped body.
func (t *threadView) block(st styles, m state.Message) []string {
	key := t.cacheKey(m)
	retryHint := ""
	if m.LocalID != "" && m.LocalID == t.retry && t.retryKey != "" {
		retryHint = t.retryKey + " retries"
		if t.retryClosed && !m.Template {
			retryHint = t.retryKey + " sends a template in its place"
		}
		key += "\x00" + retryHint
	}
	if b, ok := t.cache[key]; ok {
		return b
	}
	w := t.width
	bodyW := max(10, min(w-4, w*4/5))
	when := m.Time.Local().Format("15:04")
	var out []string
	tmpl := ""
	if m.Template {
		tmpl = st.template.Render("template") + " "
	}
	body := wrap(state.Sanitize(withSize(m.Body, m.Media)), bodyW)
	badge := ""
	if len(body) > 0 {
		badge = mediaBadge(body[0])
	}
	// render draws a body line: the first one's media badge styled, the
	// rest through the markup.
	render := func(i int, l string) string {
		if i == 0 && badge != "" {
			return st.media.Render(badge) + RenderMarkup(l[len(badge):], st.markup)
		}
		return RenderMarkup(l, st.markup)
	}
	if m.Direction == state.Inbound {
		out = append(out, t.markHead(st, m, when, st.meta.Render(when)))
		for i, l := range body {
			out = append(out, "  "+st.inbound.Render(render(i, l)))
		}
	} else {
		sender := "You"
		if m.Sender != "" {
			sender = line(m.Sender)
		}
		head := tmpl + st.meta.Render(sender+" · "+when) + " " + st.tick(m.Status)
		head = t.markHead(st, m, "", head)
		out = append(out, strings.Repeat(" ", max(0, w-ansi.StringWidth(head)))+head)
		bw := 0
		for _, l := range body {
			bw = max(bw, ansi.StringWidth(l))
		}
		for i, l := range body {
			r := render(i, l)
			pad := w - bw
			out = append(out, strings.Repeat(" ", max(0, pad))+st.outbound.Render(r)+strings.Repeat(" ", max(0, bw-ansi.StringWidth(l))))
		}
		if m.Status == state.StatusFailed {
			reason := "not sent"
			if m.Reason != "" {
				reason = line(m.Reason)
			}
			if retryHint != "" { // the one the retry key acts on
				reason += " · " + retryHint
			}
			for _, l := range wrap(glyphFailed+" "+reason, bodyW) {
				out = append(out, strings.Repeat(" ", max(0, w-ansi.StringWidth(l)))+st.failed.Render(l))
			}
		}
	}
	out = append(out, "")
	for i := range out {
		out[i] = fit(out[i], w)
	}
	t.cache[key] = out
	return out
}

func center(s string, w int) string {
	pad := max(0, (w-ansi.StringWidth(s))/2)
	return strings.Repeat(" ", pad) + s
}

// headerParts is the thread's title, for its pane's border: the contact,
// the number and the assignee (left), the tags and the window badge
// (right), in w cells.
func (t *threadView) headerParts(st styles, now time.Time, w int) (string, string) {
	c := t.conv
	win := state.WindowAt(c.WindowExpiry(), now)
	// "— template only" is the composer's to say, under the thread.
	badge := st.windowStyle(win).Render(win.Short())
	tags := tagsLabel(c.Tags, w/3)
	if tags != "" {
		badge = st.tag.Render(tags) + "  " + badge // kept whole: the name is cut first
	}
	room := w - 3 - ansi.StringWidth(badge)
	name := st.title.Render(line(c.Label()))
	number := ""
	if c.ContactName != "" && c.ContactNumber != "" {
		number = " " + st.muted.Render(line(c.ContactNumber))
	}
	assignee := ""
	if t.header != "" {
		assignee = " " + st.muted.Render(line(t.header))
	}
	// When the line is full the number goes first (the assignee is what a
	// supervisor reads the header for), then the assignee is cut.
	if ansi.StringWidth(name+number+assignee) > room {
		number = ""
	}
	left := name + number + assignee
	if room > 0 {
		left = ansi.Truncate(left, room, "…") // the assignee is cut first
	}
	return left, badge
}

// View renders the visible part of the thread, its newest line at the
// bottom (the header is the pane's title: threadTitle).
func (t threadView) View(st styles, now time.Time) string {
	if t.conv.ID == "" {
		return fitBlock([]string{"", st.muted.Render(center("Select a conversation and press enter.", t.width))}, t.width, t.height)
	}
	h := t.bodyHeight()
	l := t.layout(st, now)
	end := max(0, l.total()-t.scroll)
	visible := l.lines(max(0, end-h), end)
	out := make([]string, 0, t.height)
	for len(out)+len(visible) < t.height {
		out = append(out, "")
	}
	out = append(out, visible...)
	return fitBlock(out, t.width, t.height)
}

// fitBlock makes exactly h lines of exactly w cells.
func fitBlock(lines []string, w, h int) string {
	var b strings.Builder
	for i := 0; i < h; i++ {
		if i > 0 {
			b.WriteByte('\n')
		}
		s := ""
		if i < len(lines) {
			s = lines[i]
		}
		b.WriteString(fit(s, w))
	}
	return b.String()
}

// mediaKinds are the kinds of media a message's body names in brackets
// at its start, as the platform stores them: "[image] caption",
// "[document 120 KB] invoice.pdf".
var mediaKinds = []string{"image", "document", "video", "audio", "sticker"}

// mediaBadge is the bracketed media part at the start of a body line
// ("[image]", "[document 120 KB]"), "" when it has none.
func mediaBadge(l string) string {
	if !strings.HasPrefix(l, "[") {
		return ""
	}
	end := strings.IndexByte(l, ']')
	if end < 0 {
		return ""
	}
	inner := l[1:end]
	kind, _, _ := strings.Cut(inner, " ")
	for _, k := range mediaKinds {
		if kind == k {
			return l[:end+1]
		}
	}
	return ""
}
