package ui

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// templatePicker lists the templates of the conversation's account:
// Approved ones to choose, fuzzy-filtered as the agent types; Pending and
// Rejected ones greyed with their status. The highlighted template is
// previewed with its placeholders marked. It opens at once and reads the
// templates meanwhile.
type templatePicker struct {
	km          KeyMap
	conv        state.Conversation
	templates   []state.Template
	list        pickList
	loading     bool
	form        *templateForm // the last form opened from here: back and the same template keep its values
	rescue      []string      // a rescue's conversations (rescue.go); nil for one conversation
	need, needW int           // previewNeed's answer and the width it is for
	// replaces is the failed reply the template is to take the place of
	// (failed.go); zero for a template of its own.
	replaces state.OutboxItem
}

// chooseTemplate: fill in this template for conv.
type chooseTemplate struct {
	conv state.Conversation
	tpl  state.Template
}

// flashNote: a word in the status bar; the dialog stays.
type flashNote struct {
	text  string
	isErr bool
}

func newTemplatePicker(km KeyMap, conv state.Conversation) *templatePicker {
	p := &templatePicker{km: km, conv: conv, list: newPickList("Template: ", "type to filter"), loading: true}
	p.list.input.Focus()
	return p
}

// setTemplates fills the picker once the templates are read.
func (p *templatePicker) setTemplates(tpls []state.Template) {
	tpls = slices.Clone(tpls)
	slices.SortStableFunc(tpls, func(a, b state.Template) int {
		return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	p.templates, p.loading, p.needW = tpls, false, 0
	items := make([]pickItem, len(tpls))
	for i, t := range tpls {
		items[i] = pickItem{title: t.Name, disabled: !t.Approved()}
		if !t.Approved() {
			items[i].status = t.Status
			if items[i].status == "" {
				items[i].status = "not approved"
			}
		} else if n := len(t.Parse().Placeholders); n > 0 {
			items[i].status = plural(n, "field")
		}
	}
	p.list.SetItems(items)
}

func (p *templatePicker) Waiting() (bool, bool) { return p.loading, true }
func (p *templatePicker) Bounds() (int, int)    { return formW, formH }

// Update takes the templates when read, and keys: choosing returns
// chooseTemplate.
func (p *templatePicker) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case templatesLoadedMsg:
		switch {
		case m.err != nil:
			return nil, closeDialog{flash: "cannot read the templates: " + m.err.Error(), isErr: true}
		case len(m.tpls) == 0:
			return nil, closeDialog{flash: "This account has no templates yet: they are synced every few minutes (" + keyName(p.km.Sync) + " syncs now)", isErr: true}
		}
		p.setTemplates(m.tpls)
		return nil, nil
	case tea.PasteMsg:
		p.list.Paste(m.Content)
		return nil, nil
	case tea.KeyPressMsg:
		if i, ok := p.list.Highlighted(); ok && key.Matches(m, p.km.Choose) && !p.templates[i].Approved() {
			return nil, flashNote{text: "That template is not approved: only approved templates can be sent.", isErr: true}
		}
		return p.list.Key(m, p.km, func(i int) action { return chooseTemplate{conv: p.conv, tpl: p.templates[i]} })
	}
	return nil, nil
}

func (p *templatePicker) View(v viewCtx) string {
	st, w, h, now := v.st, v.w, v.h, v.now
	inner := w - 4
	title := st.title.Render("Send a template to " + line(p.conv.Label()))
	if p.replaces.LocalID != "" {
		title = st.title.Render("A template for " + line(p.conv.Label()) + " in place of the failed reply")
	}
	lines := []string{title}
	footer := st.muted.Render(hint([]key.Binding{p.km.PickerUp, p.km.PickerDown}, "choose", p.km.Choose, "fill in", p.km.Close, "close"))
	compact := h < 16 // a small terminal: the rows and the hint first
	if !compact {
		for _, l := range wrap(windowLine(p.conv, now), inner) {
			lines = append(lines, st.muted.Render(l))
		}
		lines = append(lines, "")
	}
	if p.loading {
		lines = append(lines, loadingLines(st, "the templates")...)
		lines = append(lines, "", footer)
		return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
	}
	// The list's and the preview's heights depend on the templates, not
	// on the filter, so the box keeps its size while the agent types.
	room := max(2, h-2-len(lines)-3) // rule, blank, hint
	listH := max(2, min(len(p.templates)+1, room/2))
	previewH := max(1, min(p.previewNeed(inner), 8, room-listH))
	if compact {
		listH = max(1, h-2-len(lines)-1) // the filter and rows, then the hint
		lines = append(lines, p.list.Lines(st, inner, listH)...)
		lines = append(lines[:min(len(lines), h-3)], footer)
		return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
	}
	head := len(lines)
	lines = append(lines, p.list.Lines(st, inner, listH)...)
	for len(lines) < head+listH {
		lines = append(lines, "")
	}
	lines = append(lines, st.muted.Render(strings.Repeat("─", inner)))
	var preview []string
	if i, ok := p.list.Highlighted(); ok {
		t := p.templates[i]
		if !t.Approved() {
			preview = append(preview, st.warning.Render(line(t.Name)+" is "+strings.ToLower(line(cmp.Or(t.Status, "not approved")))+": it cannot be sent"))
		}
		preview = append(preview, templatePreview(st, t.Parse(), nil, inner, previewH-len(preview))...)
	}
	for len(preview) < previewH {
		preview = append(preview, "")
	}
	lines = append(lines, preview[:previewH]...)
	lines = append(lines[:min(len(lines), h-4)], "", footer)
	return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
}

// previewNeed is the most lines a template's preview takes at width w
// (plus one for a "cannot be sent" line), computed once per width: the
// box keeps its size while the agent types, and frames do not re-wrap
// every template.
func (p *templatePicker) previewNeed(w int) int {
	if p.needW != w {
		p.need, p.needW = 1, w
		for _, t := range p.templates {
			p.need = max(p.need, len(wrap(state.Sanitize(t.Text), w))+1)
		}
	}
	return p.need
}

// templatePreview renders a template's text with values filled in (nil:
// none) and the placeholders still empty marked, wrapped to w cells, at
// most h lines.
func templatePreview(st styles, p state.ParsedTemplate, values map[int]string, w, h int) []string {
	var b strings.Builder
	for _, s := range p.Segments {
		switch v, ok := values[s.Placeholder]; {
		case s.Placeholder == 0:
			b.WriteString(state.Sanitize(s.Text))
		case ok && v != "":
			b.WriteString(st.accent.Render(state.Sanitize(v)))
		default:
			b.WriteString(st.template.Render("{{" + strconv.Itoa(s.Placeholder) + "}}"))
		}
	}
	out := wrap(b.String(), w)
	if len(out) > h {
		out = append(out[:max(0, h-1)], st.muted.Render("…"))
	}
	return out
}

// windowLine says where the conversation's 24-hour window stands.
func windowLine(c state.Conversation, now time.Time) string {
	w := state.WindowAt(c.WindowExpiry(), now)
	switch {
	case state.IsNewConversation(c.ID):
		return "A new conversation: the first message must be an approved template."
	case !w.Open() && !w.Opened:
		return "The customer has not written: only an approved template can reach them."
	case !w.Open():
		return "The 24-hour window closed " + state.FormatDuration(w.Closed) + " ago: only an approved template can reach them."
	}
	return "The 24-hour window is open (" + w.String() + "): a template is optional."
}
