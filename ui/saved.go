package ui

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// savedPicker lists the platform's saved responses (caps.SavedResponses),
// fuzzy-filtered by name and text as the agent types, the highlighted one
// previewed. It opens from the composer at once and reads them meanwhile;
// choosing inserts the text at the composer's cursor with its
// placeholders filled (fillSaved).
type savedPicker struct {
	km      KeyMap
	saved   []state.SavedResponse
	list    pickList
	loading bool
}

// insertSaved: put this saved response's text in the composer.
type insertSaved struct{ text string }

// savedLoadedMsg: the platform's saved responses were read.
type savedLoadedMsg struct {
	saved []state.SavedResponse
	err   error
}

func newSavedPicker(km KeyMap) *savedPicker {
	p := &savedPicker{km: km, list: newPickList("Saved response: ", "type to filter"), loading: true}
	p.list.input.Focus()
	return p
}

func (p *savedPicker) set(saved []state.SavedResponse) {
	saved = slices.Clone(saved)
	slices.SortStableFunc(saved, func(a, b state.SavedResponse) int {
		return byName(a.Name, b.Name)
	})
	p.saved, p.loading = saved, false
	items := make([]pickItem, len(saved))
	for i, s := range saved {
		title := s.Name
		if strings.TrimSpace(title) == "" {
			title = s.ID
		}
		// The text too (unless the name is its start), so that the agent
		// finds a response by a word in it.
		detail := firstLine(s.Text, 40)
		if strings.HasPrefix(strings.TrimSpace(s.Text), strings.TrimSpace(title)) {
			detail = ""
		}
		items[i] = pickItem{title: title, detail: detail}
	}
	p.list.SetItems(items)
}

// firstLine is the start of a text's first line, at most n runes.
func firstLine(s string, n int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > n {
		s = string(r[:n-1]) + "…"
	}
	return s
}

func (p *savedPicker) Waiting() (bool, bool) { return p.loading, true }
func (p *savedPicker) Bounds() (int, int)    { return formW, 24 }

func (p *savedPicker) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case savedLoadedMsg:
		var none *state.NoSavedResponsesError
		switch {
		case errors.As(m.err, &none):
			return nil, closeDialog{flash: capitalize(line(none.Error())), isErr: true}
		case m.err != nil:
			return nil, closeDialog{flash: "cannot read the saved responses: " + state.Words(m.err), isErr: true}
		case len(m.saved) == 0:
			return nil, closeDialog{flash: "There are no saved responses yet: add them in the platform's web inbox", isErr: true}
		}
		p.set(m.saved)
	case tea.PasteMsg:
		p.list.Paste(m.Content)
	case tea.KeyPressMsg:
		return p.list.Key(m, p.km, func(i int) action { return insertSaved{text: p.saved[i].Text} })
	}
	return nil, nil
}

func (p *savedPicker) View(v viewCtx) string {
	st, w, h := v.st, v.w, v.h
	inner := w - 4
	lines := []string{st.title.Render("Insert a saved response")}
	footer := st.muted.Render(hint([]key.Binding{p.km.PickerUp, p.km.PickerDown}, "choose", p.km.Choose, "insert", p.km.Close, "close"))
	if p.loading {
		lines = append(lines, "")
		lines = append(lines, loadingLines(st, "the saved responses")...)
		lines = append(lines, "", footer)
		return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
	}
	room := max(2, h-2-len(lines)-3) // rule, blank, hint
	listH := max(2, min(len(p.saved)+1, room/2))
	previewH := max(0, min(6, room-listH))
	lines = append(lines, p.list.Lines(st, inner, listH)...)
	for len(lines) < 1+listH {
		lines = append(lines, "")
	}
	if previewH > 0 {
		lines = append(lines, st.muted.Render(strings.Repeat("─", inner)))
		var preview []string
		if i, ok := p.list.Highlighted(); ok {
			preview = wrap(state.Sanitize(p.saved[i].Text), inner)
			if len(preview) > previewH {
				preview = append(preview[:previewH-1], st.muted.Render("…"))
			}
		}
		for len(preview) < previewH {
			preview = append(preview, "")
		}
		lines = append(lines, preview...)
	}
	lines = append(lines[:min(len(lines), h-4)], "", footer)
	return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
}

// openSaved opens the saved responses from the composer.
func (a *App) openSaved() tea.Cmd {
	if a.thread.conv.ID == "" {
		return a.flash("Open a conversation first", true)
	}
	core, ctx := a.core, a.ctx
	return a.push(newSavedPicker(a.keys), func(id int) tea.Cmd {
		return to(id, func() tea.Msg {
			ctx, cancel := context.WithTimeout(ctx, time.Minute)
			defer cancel()
			saved, err := core.SavedResponses(ctx)
			return savedLoadedMsg{saved: saved, err: err}
		})
	})
}

// insertSavedText puts a chosen saved response at the composer's cursor,
// its placeholders filled for the open conversation.
func (a *App) insertSavedText(text string) {
	before := a.comp.Value()
	a.comp.ta.InsertString(fillSaved(text, a.thread.conv, a.agentName()))
	a.saveDraftIfChanged(before)
}

// agentName is the agent's name for {agent}: the logged-in user's name
// from the users list, else the part of the account's label after "·"
// ("Head Office · Alex Agent"), else "".
func (a *App) agentName() string {
	if me := a.core.Me(); me != "" {
		if n := strings.TrimSpace(a.list.users[me]); n != "" {
			return n
		}
	}
	if _, after, ok := strings.Cut(a.d.Account, "·"); ok {
		return strings.TrimSpace(after)
	}
	return ""
}

// fillSaved fills a saved response's placeholders: {name} the contact's
// name, {first_name} its first word, {agent} the agent's name. A
// placeholder with no value (a contact known only by number, an agent
// mbx cannot name) stays as written, for the agent to see and replace.
// Everything is sanitized: the text and the names come from the platform.
func fillSaved(text string, conv state.Conversation, agent string) string {
	name := strings.TrimSpace(line(conv.ContactName))
	first, _, _ := strings.Cut(name, " ")
	agent = strings.TrimSpace(line(agent))
	var pairs []string
	for _, p := range [][2]string{{"{name}", name}, {"{first_name}", first}, {"{agent}", agent}} {
		if p[1] != "" {
			pairs = append(pairs, p[0], p[1])
		}
	}
	text = state.Sanitize(text)
	if len(pairs) == 0 {
		return text
	}
	return strings.NewReplacer(pairs...).Replace(text)
}
