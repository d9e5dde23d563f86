package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// templateForm fills a template's placeholders: one field per distinct
// placeholder, in order, each with the example's hint; the contact's name
// pre-filled where the example suggests a name. A live preview shows the
// final text; every field is checked before sending and its error shown
// beside it.
type templateForm struct {
	km      KeyMap
	conv    state.Conversation
	tpl     state.Template
	parsed  state.ParsedTemplate
	fields  []textinput.Model
	touched []bool // left once, or a send was tried: show its error
	focus   int
	err     string // the form's own error (the whole text, or the send)
	sending bool
	labelW  int // cells of the widest "{{n}}"
	// replaces is the failed reply the template takes the place of
	// (failed.go); "" for a template of its own.
	replaces string
	// rescue: the conversations of a rescue (rescue.go): submitting
	// opens its dry run instead of sending.
	rescue []string
}

// submitTemplate: the form is filled and valid: queue it.
type submitTemplate struct {
	conv     state.Conversation
	tpl      state.Template
	values   map[int]string
	replaces string // the failed reply's local id, or ""
}

// templateSent: the filled template is in the outbox.
type templateSent struct{ conv state.Conversation }

func newTemplateForm(km KeyMap, conv state.Conversation, tpl state.Template) *templateForm {
	f := &templateForm{km: km, conv: conv, tpl: tpl, parsed: tpl.Parse()}
	for _, ph := range f.parsed.Placeholders {
		f.labelW = max(f.labelW, len(fmt.Sprintf("{{%d}}", ph.Index)))
	}
	name := strings.TrimSpace(state.SanitizeLine(conv.ContactName))
	for _, ph := range f.parsed.Placeholders {
		in := newInput()
		in.Prompt = ""
		in.CharLimit = state.MaxParamLength + 100 // over the limit shows an error rather than cutting
		if ph.Hint != "" {
			in.Placeholder = "e.g. " + state.SanitizeLine(ph.Hint)
		}
		if ph.Name && name != "" {
			v := name
			if len(strings.Fields(ph.Hint)) == 1 { // the example shows a first name: "Hi [John]"
				v = strings.Fields(name)[0]
			}
			in.SetValue(v)
		}
		f.fields = append(f.fields, in)
		f.touched = append(f.touched, false)
	}
	return f
}

// offerFailed makes the form take the place of the failed reply it: its
// text is offered as the value of the first field the form left empty
// (the first free-text placeholder), one line.
func (f *templateForm) offerFailed(it state.OutboxItem) {
	f.replaces = it.LocalID
	for i := range f.fields {
		if f.fields[i].Value() == "" {
			f.fields[i].SetValue(flatValue(it.Body))
			f.fields[i].CursorEnd()
			return
		}
	}
}

// SetSize fits the fields to a box w cells wide.
func (f *templateForm) SetSize(w int) {
	for i := range f.fields {
		f.fields[i].SetWidth(max(4, w-4-f.labelW-5))
	}
}

func (f *templateForm) Focus() tea.Cmd {
	if len(f.fields) == 0 {
		return nil
	}
	for i := range f.fields {
		f.fields[i].Blur()
	}
	return f.fields[f.focus].Focus()
}

// values are the fields by placeholder index.
func (f *templateForm) values() map[int]string {
	v := make(map[int]string, len(f.fields))
	for i, ph := range f.parsed.Placeholders {
		v[ph.Index] = f.fields[i].Value()
	}
	return v
}

// fieldError is field i's problem in words, "" when fine.
func (f *templateForm) fieldError(i int) string {
	if err := state.ValidateParam(f.fields[i].Value()); err != nil {
		return err.Error()
	}
	return ""
}

// check validates everything; it returns the first bad field (-1: none)
// and the whole text's problem.
func (f *templateForm) check() (int, string) {
	bad := -1
	for i := range f.fields {
		if f.fieldError(i) != "" && bad < 0 {
			bad = i
		}
	}
	body := f.parsed.Fill(f.values())
	if n := utf8.RuneCountInString(body); n > state.MaxMessageLength {
		return bad, fmt.Sprintf("The message would be %d characters, %d over the limit of %d: shorten the values.", n, n-state.MaxMessageLength, state.MaxMessageLength)
	}
	return bad, ""
}

func (f *templateForm) move(d int) tea.Cmd {
	if len(f.fields) == 0 {
		return nil
	}
	f.touched[f.focus] = true
	f.focus = (f.focus + d + len(f.fields)) % len(f.fields)
	return f.Focus()
}

func (f *templateForm) Waiting() (bool, bool) { return f.sending, false }
func (f *templateForm) Bounds() (int, int)    { return formW, formH }

// Update handles keys: the field keys (and ↑/↓) move between fields,
// choose moves on and on the last field sends, close goes back to the
// templates. Sending returns submitTemplate once everything is valid;
// the outbox's answer comes back as templateQueuedMsg.
func (f *templateForm) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case templateQueuedMsg:
		f.sending = false
		if m.err != nil {
			f.err = m.err.Error() + " (nothing was sent)"
			return nil, nil
		}
		return nil, templateSent{conv: m.conv}
	case tea.PasteMsg:
		f.Paste(m.Content)
		return nil, nil
	case tea.KeyPressMsg:
		return f.key(m)
	}
	return nil, nil
}

func (f *templateForm) key(k tea.KeyPressMsg) (tea.Cmd, action) {
	km := f.km
	switch {
	case key.Matches(k, km.Close):
		return nil, closeDialog{}
	case key.Matches(k, km.NextField, km.PickerDown):
		return f.move(1), nil
	case key.Matches(k, km.PrevField, km.PickerUp):
		return f.move(-1), nil
	case key.Matches(k, km.Choose):
		if f.focus < len(f.fields)-1 && f.fieldError(f.focus) == "" {
			return f.move(1), nil
		}
		return f.submit()
	}
	if len(f.fields) == 0 {
		return nil, nil
	}
	if k.Text != "" {
		if err := state.ParamCharError(k.Text); err != nil { // a value's text stays drawable and sendable
			f.err = "Not typed: " + err.Error() + "."
			return nil, nil
		}
	}
	var cmd tea.Cmd
	f.fields[f.focus], cmd = f.fields[f.focus].Update(k)
	f.err = ""
	return cmd, nil
}

// Paste puts pasted text in the focused field. A template value is one
// line of text: a paste with a line break, a tab or a character no value
// may hold (state.ParamCharError: NUL, ESC, other controls, U+2028,
// bidi controls…) is refused with words naming it rather than silently
// joined, widened or cleaned, and the field keeps what it had. Typed
// keys are checked the same way (key).
func (f *templateForm) Paste(text string) {
	if len(f.fields) == 0 || f.sending {
		return
	}
	text = strings.TrimRight(text, "\r\n") // a copied line's own newline
	if strings.ContainsAny(text, "\r\n\t") {
		f.err = "The pasted text has a line break or a tab, which a template value cannot hold: nothing was pasted. Paste one line."
		return
	}
	if err := state.ParamCharError(text); err != nil {
		f.err = "Nothing was pasted: " + err.Error() + "."
		return
	}
	in := &f.fields[f.focus]
	in.SetValue(in.Value() + state.SanitizeLine(text))
	in.CursorEnd()
	f.err = ""
}

func (f *templateForm) submit() (tea.Cmd, action) {
	for i := range f.touched {
		f.touched[i] = true
	}
	bad, whole := f.check()
	if bad >= 0 {
		f.focus = bad
		f.err = "Fix the fields marked below: nothing was sent."
		return f.Focus(), nil
	}
	if whole != "" {
		f.err = whole
		return nil, nil
	}
	f.sending = true
	return nil, submitTemplate{conv: f.conv, tpl: f.tpl, values: f.values(), replaces: f.replaces}
}

func (f *templateForm) View(v viewCtx) string {
	st, w, h := v.st, v.w, v.h
	inner := w - 4
	lines := []string{
		st.title.Render("Template " + line(f.tpl.Name) + " → " + line(f.conv.Label())),
		"",
	}
	if f.replaces != "" {
		lines = append(lines[:1], st.muted.Render("in place of the failed reply, which is then not sent"), "")
	}
	if f.err != "" {
		for _, l := range wrap(line(f.err), inner) {
			lines = append(lines, st.errorS.Render(l))
		}
		lines = append(lines, "")
	}
	labelW := f.labelW
	for i, ph := range f.parsed.Placeholders {
		label := fmt.Sprintf("%-*s ", labelW, fmt.Sprintf("{{%d}}", ph.Index))
		in := f.fields[i]
		mark := "  "
		if i == f.focus {
			mark = st.accent.Render("▸ ")
		}
		lines = append(lines, mark+st.key.Render(label)+in.View())
		if e := f.fieldError(i); e != "" && (f.touched[i] || f.fields[i].Value() != "") {
			lines = append(lines, strings.Repeat(" ", labelW+3)+st.errorS.Render("✗ "+e))
		}
	}
	if len(f.fields) == 0 {
		lines = append(lines, st.muted.Render("This template has nothing to fill in."))
	}
	for _, p := range f.parsed.Problems {
		lines = append(lines, st.warning.Render("! "+line(p)))
	}
	lines = append(lines, "", st.muted.Render("Preview"))
	room := max(1, h-2-len(lines)-2)
	lines = append(lines, templatePreview(st, f.parsed, f.values(), inner, room)...)
	footer := hint(f.km.NextField, "next field", f.km.Choose, "on the last field sends", f.km.Close, "back to templates")
	if f.sending {
		footer = "sending…"
	}
	lines = append(lines[:min(len(lines), h-4)], "", st.muted.Render(footer))
	return st.dialog.Render(fitBlock(lines, w-4, min(h-2, len(lines))))
}
