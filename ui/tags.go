package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// tagDialog edits one conversation's tags, where the platform tags
// conversations (caps.Tags). The core has no list of the account's tags
// yet, so the agent types them comma-separated, the current ones
// prefilled (as the contacts panel's tag edit); enter saves them all
// (Core.SetConversationTags replaces the set), an empty line takes them
// all off. While the platform answers, keys are kept; a refusal is shown
// in words and the dialog stays with what was typed.
type tagDialog struct {
	km     KeyMap
	conv   state.Conversation
	input  textinput.Model
	known  string // tags of the conversations listed, as a hint
	saving bool
	err    string
}

// saveConvTags: replace the conversation's tags with these.
type saveConvTags struct {
	convID string
	tags   []string
}

// convTagsSaved: the platform took the tags; the dialog closes.
type convTagsSaved struct {
	conv state.Conversation
	tags []string
}

// convTagsSavedMsg: the platform answered a conversation's tag edit.
type convTagsSavedMsg struct {
	tags []string
	err  error
}

// knownTags are the tags of the conversations loaded in the list, each
// once, sorted, for the tag dialog's hint: the platform may accept only
// tags it already has, and the core has no list of them yet.
// shownTags are tags as drawn: sanitized, trimmed, the empty ones left out.
func shownTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		if t = strings.TrimSpace(line(t)); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func knownTags(rows []state.Conversation) string {
	seen := map[string]bool{}
	var out []string
	for _, c := range rows {
		for _, t := range shownTags(c.Tags) {
			if k := strings.ToLower(t); !seen[k] {
				seen[k] = true
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, byName)
	return strings.Join(out, ", ")
}

func newTagDialog(km KeyMap, conv state.Conversation) *tagDialog {
	in := newInput()
	in.Prompt = "Tags: "
	in.Placeholder = "comma-separated, e.g. vip, invoice"
	in.CharLimit = 1000
	in.SetValue(strings.Join(shownTags(conv.Tags), ", "))
	in.CursorEnd()
	in.Focus()
	return &tagDialog{km: km, conv: conv, input: in}
}

// splitTags is the tags typed: split at commas, blanks dropped (the core
// trims, dedupes and checks them).
func splitTags(s string) []string {
	out := []string{}
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func (d *tagDialog) Waiting() (bool, bool) { return d.saving, false }
func (d *tagDialog) Bounds() (int, int)    { return 70, 12 }
func (d *tagDialog) SetSize(w int) {
	d.input.SetWidth(max(1, w-4-lipWidth(d.input.Prompt)-1))
}

func (d *tagDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case convTagsSavedMsg:
		d.saving = false
		if m.err != nil {
			d.err = state.Words(m.err)
			return nil, nil
		}
		return nil, convTagsSaved{conv: d.conv, tags: m.tags}
	case tea.PasteMsg:
		d.input.SetValue(d.input.Value() + line(m.Content))
		d.input.CursorEnd()
		d.err = ""
	case tea.KeyPressMsg:
		switch {
		case key.Matches(m, d.km.Close):
			return nil, closeDialog{}
		case key.Matches(m, d.km.Choose):
			d.saving, d.err = true, ""
			return nil, saveConvTags{convID: d.conv.ID, tags: splitTags(d.input.Value())}
		}
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(m)
		d.err = ""
		return cmd, nil
	}
	return nil, nil
}

func (d *tagDialog) View(v viewCtx) string {
	st, w, h := v.st, v.w, v.h
	inner := w - 4
	lines := []string{st.title.Render("Tags of " + line(d.conv.Label())), d.input.View()}
	switch {
	case d.saving:
		lines = append(lines, st.muted.Render("Saving…"))
	case d.err != "":
		lines = append(lines, wrap(st.errorS.Render(line(d.err)), inner)...)
	default:
		lines = append(lines, "")
	}
	if d.known != "" && h >= 8 {
		known := wrap("In use in the list: "+d.known, inner)
		if len(known) > 2 {
			known = append(known[:1], ansi.Truncate(known[1], inner-1, "")+"…")
		}
		for _, l := range known {
			lines = append(lines, st.muted.Render(l))
		}
	}
	lines = append(lines, st.muted.Render(hint(d.km.Choose, "save", d.km.Close, "close")+" · an empty line takes every tag off"))
	return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
}

// openTags opens the tag editor for the target conversation.
func (a *App) openTags() tea.Cmd {
	conv, ok := a.target()
	if !ok {
		return a.flash("Open or select a conversation first", true)
	}
	d := newTagDialog(a.keys, conv)
	d.known = knownTags(a.list.rows)
	cmd := a.push(d, nil)
	a.sizeDialogs()
	return cmd
}

// tagsSaved says what was saved; the list and the thread show the new
// tags from the store, which the engine updated and published.
func (a *App) tagsSaved(act convTagsSaved) tea.Cmd {
	if len(act.tags) == 0 {
		return a.flash("Took every tag off "+line(act.conv.Label()), false)
	}
	return a.flash("Tagged "+line(act.conv.Label())+": "+line(strings.Join(act.tags, ", ")), false)
}

func setConvTagsCmd(ctx context.Context, core Core, convID string, tags []string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		err := core.SetConversationTags(ctx, convID, tags)
		if clean, nerr := state.NormalizeTags(tags); nerr == nil {
			tags = clean // as the core sent them: trimmed, each once
		}
		return convTagsSavedMsg{tags: tags, err: err}
	}
}
