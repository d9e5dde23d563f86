package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// composer is the reply box under the thread. Its text belongs to one
// conversation; the root saves it as a draft on every change.
type composer struct {
	keys   KeyMap
	ta     textarea.Model
	convID string
	width  int
	height int
	closed bool // the window is closed: no freeform text
	// readOnly is why the agent may not write here ("" when they may):
	// shown in place of the placeholder, with the assign-to-me key when
	// canTake (mbx knows who the agent is).
	readOnly string
	canTake  bool
	// sending is the conversation whose reply is being written to the
	// outbox; the text stays until it is there.
	sending string
	// draftPending: the conversation's saved draft is being read; what is
	// typed meanwhile is kept and put after it when it arrives.
	draftPending bool
}

func newComposer(keys KeyMap) composer {
	ta := newArea()
	ta.Prompt = "│ "
	ta.ShowLineNumbers = false
	ta.Placeholder = "Write a reply…  (" + hint(keys.Send, "sends", keys.LeaveComposer, "leaves") + "; the keys are below)"
	ta.CharLimit = 0 // the limit is shown and enforced on send, nothing is cut
	km := textarea.DefaultKeyMap()
	km.InsertNewline = key.NewBinding(key.WithKeys(keys.Newline.Keys()...))
	ta.KeyMap = km
	return composer{ta: ta, keys: keys}
}

func (c *composer) SetSize(w, h int) {
	c.width, c.height = w, h
	c.ta.SetWidth(w)
	c.ta.SetHeight(max(1, h))
}

// rows is how many rows the composer wants at width w: one when the agent
// is not writing (a hint, the draft's first line or why they may not
// write), else the text's rows, from one up to most.
func (c *composer) rows(w, most int) int {
	if !c.ta.Focused() {
		if c.readOnly == "" && (!c.closed || c.ta.Value() != "") {
			return 1
		}
		return max(1, min(most, len(c.idle(styles{}, c.keys, w))))
	}
	if (c.readOnly != "" || c.closed) && c.ta.Value() == "" {
		return most // the notice, in full
	}
	w = max(1, w-lipWidth(c.ta.Prompt)-1)
	n := 0
	for _, l := range strings.Split(c.ta.Value(), "\n") {
		n += max(1, (utf8.RuneCountInString(l)+w-1)/w)
		if n >= most {
			return most
		}
	}
	return max(1, n)
}

// separator is the line between the thread and the composer: the state
// of the reply (left) and, while there is text, its length (right).
func (c *composer) separator(st styles, w int) string {
	n := utf8.RuneCountInString(c.ta.Value())
	var right, left string
	switch {
	case n > state.MaxMessageLength:
		right = st.errorS.Render(fmt.Sprintf(" %d/%d — %d over the limit ", n, state.MaxMessageLength, n-state.MaxMessageLength))
	case n > 0 || c.ta.Focused():
		right = st.muted.Render(fmt.Sprintf(" %d/%d ", n, state.MaxMessageLength))
	}
	if n > 0 {
		switch {
		case c.readOnly != "":
			left = st.warning.Render(" you may not write here — the draft is kept ")
		case c.closed:
			left = st.windowClosed.Render(" window closed — the draft is kept ")
		}
	}
	if ansi.StringWidth(left)+ansi.StringWidth(right) > w {
		left = ""
	}
	if ansi.StringWidth(right) > w {
		right = ""
	}
	fill := max(0, w-ansi.StringWidth(left)-ansi.StringWidth(right))
	return left + st.muted.Render(strings.Repeat("─", fill)) + right
}

// Load puts a conversation's draft in the box.
func (c *composer) Load(convID, text string) {
	c.convID = convID
	c.ta.SetValue(text)
	c.ta.MoveToEnd()
}

func (c *composer) Value() string { return c.ta.Value() }

func (c *composer) Focus() tea.Cmd {
	return c.ta.Focus()
}

func (c *composer) Blur() {
	c.ta.Blur()
}

// Update takes a key or another of the textarea's messages. A key that
// types text goes straight in (typed reaches the textarea without the
// textarea's own Update, which renders the whole text for every key: a
// 4,100-key burst from a terminal without bracketed paste took seconds);
// the view follows at the next frame.
func (c *composer) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok && typed(k) && c.ta.Focused() && !c.ta.HasSelection() {
		c.ta.InsertString(k.Text)
		c.ta.SetHeight(c.ta.Height()) // keeps the cursor's line in view
		return nil
	}
	var cmd tea.Cmd
	c.ta, cmd = c.ta.Update(msg)
	return cmd
}

// typed reports a key that only types its text: no modifier but shift.
func typed(k tea.KeyPressMsg) bool {
	return k.Text != "" && k.Mod&^tea.ModShift == 0 && k.Text != "\t"
}

// over is how many characters the text is over the platform's limit.
func (c *composer) over() int {
	return utf8.RuneCountInString(c.ta.Value()) - state.MaxMessageLength
}

func (c composer) View(st styles, keys KeyMap) string {
	if !c.ta.Focused() {
		return fitBlock(c.idle(st, keys, c.width), c.width, c.height)
	}
	if c.readOnly != "" && c.ta.Value() == "" {
		lines := wrap(c.readOnly, c.width)
		for i := range lines {
			lines[i] = st.warning.Render(lines[i])
		}
		if c.canTake && keys.AssignToMe.Enabled() {
			lines = append(lines, st.key.Render(keyName(keys.AssignToMe))+st.keyDesc.Render(" assign it to you"))
		}
		return fitBlock(lines, c.width, c.height)
	}
	if c.closed && c.ta.Value() == "" {
		lines := wrap("The 24-hour window is closed: only an approved template can reach this customer now.", c.width)
		for i := range lines {
			lines[i] = st.windowClosed.Render(lines[i])
		}
		if keys.Template.Enabled() {
			lines = append(lines, st.key.Render(keys.Template.Help().Key)+st.keyDesc.Render(" send a template"))
		}
		return fitBlock(lines, c.width, c.height)
	}
	return fitBlock(strings.Split(c.ta.View(), "\n"), c.width, c.height)
}

// idle is the composer while the agent is not writing: why they may not
// (wrapped: it matters), the draft's first line, or the key that starts a
// reply.
func (c composer) idle(st styles, keys KeyMap, w int) []string {
	// notice wraps text; the key that helps goes after it, on its own line
	// when it would be cut.
	notice := func(text string, style lipgloss.Style, k key.Binding, does string) []string {
		lines := wrap(text, w)
		for i := range lines {
			lines[i] = style.Render(lines[i])
		}
		if !k.Enabled() {
			return lines
		}
		kh := st.key.Render(keyName(k)) + st.keyDesc.Render(" "+does)
		if n := len(lines); n > 0 && lipWidth(lines[n-1])+3+lipWidth(kh) <= w {
			lines[n-1] += st.muted.Render(" · ") + kh
			return lines
		}
		return append(lines, kh)
	}
	draft := strings.TrimSpace(c.ta.Value())
	switch {
	case c.readOnly != "":
		k := keys.AssignToMe
		if !c.canTake {
			k = key.NewBinding(key.WithDisabled())
		}
		return notice(strings.Join(strings.Fields(c.readOnly), " "), st.warning, k, "assign it to you")
	case draft != "":
		more := ""
		if strings.Contains(draft, "\n") {
			more = " …"
		}
		return []string{st.muted.Render(c.ta.Prompt) + st.warning.Render("Draft: ") + line(firstLine(draft, w)) + st.muted.Render(more+"  ("+hint(keys.Reply, "continues")+")")}
	case c.closed:
		return notice("24-hour window closed: templates only", st.windowClosed, keys.Template, "picks one")
	case c.convID == "":
		return nil
	}
	return []string{st.muted.Render(c.ta.Prompt + hint(keys.Reply, "writes a reply"))}
}

// readOnlyWhy is why the agent may not write to a conversation, sanitized
// ("" when they may).
func readOnlyWhy(c state.Conversation) string {
	if !c.ReadOnly {
		return ""
	}
	if why := strings.TrimSpace(state.Sanitize(c.ReadOnlyWhy)); why != "" {
		return why
	}
	return "You may not write to this conversation."
}
