package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// composer is the reply box under the thread. Its text belongs to one
// conversation; the root saves it as a draft on every change.
type composer struct {
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
	ta.Placeholder = "Write a reply…  (" + hint(keys.Send, "sends") + " · " + keys.Newline.Help().Key + " new line · " + hint(keys.Editor, "editor", keys.SavedResponse, "saved responses", keys.Attach, "attaches a file", keys.LeaveComposer, "leaves") + ")"
	ta.CharLimit = 0 // the limit is shown and enforced on send, nothing is cut
	km := textarea.DefaultKeyMap()
	km.InsertNewline = key.NewBinding(key.WithKeys(keys.Newline.Keys()...))
	ta.KeyMap = km
	return composer{ta: ta}
}

func (c *composer) SetSize(w, h int) {
	c.width, c.height = w, h
	c.ta.SetWidth(w)
	c.ta.SetHeight(max(1, h-1))
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
	n := utf8.RuneCountInString(c.ta.Value())
	counter := st.muted.Render(fmt.Sprintf("%d/%d", n, state.MaxMessageLength))
	if n > state.MaxMessageLength {
		counter = st.errorS.Render(fmt.Sprintf("%d/%d — %d over the limit", n, state.MaxMessageLength, n-state.MaxMessageLength))
	}
	status := ""
	switch {
	case c.readOnly != "":
		status = st.warning.Render("you may not write here — the draft is kept")
	case c.closed:
		status = st.windowClosed.Render("window closed — the draft is kept")
	}
	return fitBlock(append(strings.Split(c.ta.View(), "\n"), spread(status, counter, c.width)), c.width, c.height)
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
