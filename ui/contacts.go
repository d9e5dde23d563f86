package ui

import (
	"errors"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// contactsMode is what the contacts panel is doing.
type contactsMode int

const (
	contactsList   contactsMode = iota // searching; the highlighted contact's details beside
	contactsCreate                     // the new-contact form
	contactsTags                       // editing the highlighted contact's tags
)

// contactsPanel searches contacts by name or number (in the store, so it
// is fast at any size), shows the highlighted one's details, opens the
// conversation with them or starts one, creates contacts and edits tags.
type contactsPanel struct {
	km       KeyMap
	mode     contactsMode
	list     pickList
	contacts []state.Contact // the results, as list items
	reqID    int
	detail   contactDetail // of the highlighted contact
	accounts []state.Account

	// the new-contact form
	name, number textinput.Model
	account      int // index into accounts
	formFocus    int // 0 name, 1 number, 2 account
	existing     *state.Contact
	busy         bool

	tags      textinput.Model
	tagsFor   string // the contact whose tags are being edited
	prefilled bool   // the query is the open contact's number: typing replaces it
	err       string
}

// contactDetail is what the panel knows of a contact beyond the row.
type contactDetail struct {
	contactID string
	conv      state.Conversation
	hasConv   bool
}

// The contacts panel's actions.
type (
	queryContacts struct { // the search changed
		query string
		reqID int
	}
	detailFor     struct{ contact state.Contact } // the cursor moved to another contact
	openContact   struct{ contact state.Contact } // open the conversation with them, or start one
	createContact struct{ contact state.Contact }
	saveTags      struct {
		contactID string
		tags      []string
	}
	contactStarted struct{ m conversationStartedMsg } // the conversation is ready to open
)

func newContactsPanel(km KeyMap, accounts []state.Account, query string) *contactsPanel {
	p := &contactsPanel{km: km, accounts: accounts, list: newPickList("Contact: ", "a name or a number")}
	p.list.external = true
	p.list.input.SetValue(query)
	p.prefilled = query != ""
	p.name = newField("Ana Lima")
	p.number = newField("+44 7902 555123")
	p.tags = newField("vip, spanish")
	p.list.input.Focus()
	p.reqID++
	return p
}

func newField(placeholder string) textinput.Model {
	in := newInput()
	in.Prompt = ""
	in.Placeholder = placeholder
	in.CharLimit = 256
	return in
}

func (p *contactsPanel) Waiting() (bool, bool) { return p.busy, true }
func (p *contactsPanel) Bounds() (int, int)    { return contactsW, contactsH }

// SetSize fits the inputs to a box w cells wide.
func (p *contactsPanel) SetSize(w int) {
	inner := w - 4
	p.name.SetWidth(max(4, inner-12))
	p.number.SetWidth(max(4, inner-12))
	p.tags.SetWidth(max(4, inner-10))
}

// Query is the search as typed.
func (p *contactsPanel) Query() string { return p.list.input.Value() }

// SetResults shows a search's contacts. While a contact is being created
// or its tags edited, the list stays as it is under the form.
func (p *contactsPanel) SetResults(cs []state.Contact) {
	if p.mode != contactsList {
		return
	}
	p.contacts = cs
	names := p.accountNames()
	items := make([]pickItem, len(cs))
	for i, c := range cs {
		items[i] = pickItem{title: c.Label(), detail: c.Number, status: names[c.AccountID]}
		if c.Name == "" {
			items[i].detail = ""
		}
	}
	p.list.SetItems(items)
}

func (p *contactsPanel) accountNames() map[string]string {
	m := make(map[string]string, len(p.accounts))
	for _, a := range p.accounts {
		m[a.ID] = a.Name
	}
	return m
}

// Highlighted is the contact under the cursor.
func (p *contactsPanel) Highlighted() (state.Contact, bool) {
	i, ok := p.list.Highlighted()
	if !ok || i >= len(p.contacts) {
		return state.Contact{}, false
	}
	return p.contacts[i], true
}

// Replace updates a contact shown in the results (after a tag edit).
func (p *contactsPanel) Replace(c state.Contact) {
	for i := range p.contacts {
		if p.contacts[i].ID == c.ID {
			p.contacts[i] = c
		}
	}
}

// Update takes search results, details and the platform's answers, and
// keys; what needs IO comes back as an action (queryContacts,
// detailFor, openContact, createContact, saveTags).
func (p *contactsPanel) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case contactsFoundMsg:
		if m.reqID != p.reqID {
			return nil, nil // an older search
		}
		if m.err != nil {
			p.err = "cannot search the contacts: " + m.err.Error()
			return nil, nil
		}
		p.SetResults(m.contacts)
		if c, ok := p.Highlighted(); ok {
			return nil, detailFor{contact: c}
		}
	case contactDetailMsg:
		p.detail = m.detail
	case conversationStartedMsg:
		p.busy = false
		if m.err != nil {
			p.err = m.err.Error()
			return nil, nil
		}
		return nil, contactStarted{m: m}
	case contactCreatedMsg:
		p.Created(m.err)
		if m.err != nil {
			return nil, nil
		}
		p.busy = true
		return nil, openContact{contact: m.contact}
	case contactTagsSavedMsg:
		var ie *state.InputError
		switch {
		case m.err == nil:
			return p.TagsSaved(m.contact, nil), flashNote{text: "Tags of " + line(m.contact.Label()) + " saved"}
		case errors.As(m.err, &ie):
			return p.TagsSaved(m.contact, m.err), nil
		}
		return p.TagsSaved(m.contact, errors.New(state.Words(m.err))), nil
	case tea.PasteMsg:
		return nil, p.Paste(m.Content)
	case tea.KeyPressMsg:
		if p.busy {
			return nil, nil
		}
		switch p.mode {
		case contactsCreate:
			return p.updateCreate(m)
		case contactsTags:
			return p.updateTags(m)
		}
		return p.updateList(m)
	}
	return nil, nil
}

func (p *contactsPanel) updateList(k tea.KeyPressMsg) (tea.Cmd, action) {
	km := p.km
	before, _ := p.Highlighted()
	var cmd tea.Cmd
	switch {
	case key.Matches(k, km.Close):
		return nil, closeDialog{}
	case key.Matches(k, km.Choose):
		if c, ok := p.Highlighted(); ok {
			p.busy = true
			return nil, openContact{contact: c}
		}
		return nil, nil
	case key.Matches(k, km.NewContact):
		return p.startCreate(), nil
	case key.Matches(k, km.EditTags):
		c, ok := p.Highlighted()
		if !ok {
			return nil, nil
		}
		p.mode, p.err, p.tagsFor = contactsTags, "", c.ID
		tags := make([]string, len(c.Tags))
		for i, t := range c.Tags {
			tags[i] = state.SanitizeLine(t) // the platform's text
		}
		p.tags.SetValue(strings.Join(tags, ", "))
		p.tags.CursorEnd()
		p.list.input.Blur()
		return p.tags.Focus(), nil
	case key.Matches(k, km.PickerUp):
		p.list.Move(-1)
	case key.Matches(k, km.PickerDown):
		p.list.Move(1)
	default:
		if p.prefilled && (k.Text != "" || k.Code == tea.KeyBackspace) {
			p.list.input.SetValue("") // typed over, as over a selection
		}
		p.prefilled = false
		var changed bool
		cmd, changed = p.list.Update(k)
		if changed {
			p.reqID++
			return cmd, queryContacts{query: p.Query(), reqID: p.reqID}
		}
	}
	if after, ok := p.Highlighted(); ok && after.ID != before.ID {
		return cmd, detailFor{contact: after}
	}
	return cmd, nil
}

func (p *contactsPanel) startCreate() tea.Cmd {
	p.mode, p.err, p.existing, p.formFocus = contactsCreate, "", nil, 0
	q := strings.TrimSpace(p.Query())
	p.name.SetValue("")
	p.number.SetValue("")
	if strings.ContainsAny(q, "0123456789") { // what they searched for is the number
		p.number.SetValue(q)
	} else {
		p.name.SetValue(q)
	}
	p.list.input.Blur()
	return p.focusForm()
}

func (p *contactsPanel) focusForm() tea.Cmd {
	p.name.Blur()
	p.number.Blur()
	switch p.formFocus {
	case 0:
		return p.name.Focus()
	case 1:
		return p.number.Focus()
	}
	return nil
}

func (p *contactsPanel) back() tea.Cmd {
	p.mode, p.err, p.existing = contactsList, "", nil
	p.tags.Blur()
	return p.list.input.Focus()
}

func (p *contactsPanel) updateCreate(k tea.KeyPressMsg) (tea.Cmd, action) {
	km := p.km
	switch {
	case key.Matches(k, km.Close):
		return p.back(), nil
	case key.Matches(k, km.NextField, km.PickerDown):
		p.formFocus = (p.formFocus + 1) % 3
		return p.focusForm(), nil
	case key.Matches(k, km.PrevField, km.PickerUp):
		p.formFocus = (p.formFocus + 2) % 3
		return p.focusForm(), nil
	case p.formFocus == 2 && key.Matches(k, km.PrevOption, km.NextOption):
		if len(p.accounts) > 0 {
			d := 1
			if key.Matches(k, km.PrevOption) {
				d = len(p.accounts) - 1
			}
			p.account = (p.account + d) % len(p.accounts)
		}
		return nil, nil
	case key.Matches(k, km.Choose):
		if p.existing != nil {
			p.busy = true
			return nil, openContact{contact: *p.existing}
		}
		if p.formFocus < 2 {
			p.formFocus++
			return p.focusForm(), nil
		}
		return p.submitCreate()
	}
	var cmd tea.Cmd
	switch p.formFocus {
	case 0:
		p.name, cmd = p.name.Update(k)
	case 1:
		p.number, cmd = p.number.Update(k)
	}
	p.err, p.existing = "", nil
	return cmd, nil
}

func (p *contactsPanel) submitCreate() (tea.Cmd, action) {
	if len(p.accounts) == 0 {
		p.err = "No WhatsApp account is known yet: wait for the first sync."
		return nil, nil
	}
	number, err := state.NormalizeNumber(p.number.Value())
	if err != nil {
		p.err, p.formFocus = err.Error(), 1
		return p.focusForm(), nil
	}
	p.number.SetValue(number)
	p.busy, p.err = true, ""
	return nil, createContact{contact: state.Contact{
		AccountID: p.accounts[p.account].ID,
		Name:      strings.TrimSpace(p.name.Value()),
		Number:    number,
	}}
}

// Created takes the platform's answer to a new contact: on a duplicate
// the existing contact is offered.
func (p *contactsPanel) Created(err error) {
	p.busy = false
	var exists *state.ContactExistsError
	switch {
	case errors.As(err, &exists):
		c := exists.Existing
		p.existing = &c
		p.err = err.Error()
	case err != nil:
		p.err = state.Words(err) // the platform's error in words
	}
}

func (p *contactsPanel) updateTags(k tea.KeyPressMsg) (tea.Cmd, action) {
	switch {
	case key.Matches(k, p.km.Close):
		return p.back(), nil
	case key.Matches(k, p.km.Choose):
		if p.tagsFor == "" {
			return p.back(), nil
		}
		var tags []string
		for _, t := range strings.Split(p.tags.Value(), ",") {
			if t = strings.TrimSpace(t); t != "" {
				tags = append(tags, t)
			}
		}
		p.busy = true
		return nil, saveTags{contactID: p.tagsFor, tags: tags}
	}
	var cmd tea.Cmd
	p.tags, cmd = p.tags.Update(k)
	p.err = ""
	return cmd, nil
}

// TagsSaved takes the answer to a tag edit.
func (p *contactsPanel) TagsSaved(c state.Contact, err error) tea.Cmd {
	p.busy = false
	if err != nil {
		p.err = err.Error()
		return nil
	}
	p.Replace(c)
	return p.back()
}

// Paste puts pasted text in the focused input.
func (p *contactsPanel) Paste(text string) action {
	t := line(text)
	switch {
	case p.mode == contactsTags:
		p.tags.SetValue(p.tags.Value() + t)
	case p.mode == contactsCreate && p.formFocus == 0:
		p.name.SetValue(p.name.Value() + t)
	case p.mode == contactsCreate && p.formFocus == 1:
		raw := strings.TrimRight(text, "\r\n") // a copied line's own newline
		if err := state.NumberCharError(raw); err != nil {
			p.err = "Nothing was pasted: " + err.Error() // the field keeps what it had
			return nil
		}
		p.number.SetValue(p.number.Value() + raw)
	case p.mode == contactsList:
		p.list.input.SetValue(p.list.input.Value() + t)
		p.reqID++
		return queryContacts{query: p.Query(), reqID: p.reqID}
	}
	return nil
}

func (p *contactsPanel) View(v viewCtx) string {
	st, km, w, h, now := v.st, p.km, v.w, v.h, v.now
	inner := w - 4
	if p.mode == contactsCreate {
		lines := p.createLines(st, km, inner)
		return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
	}
	return st.dialog.Render(fitBlock(p.listLines(st, km, inner, h-2, now), inner, h-2))
}

func (p *contactsPanel) errLines(st styles, w int) []string {
	var out []string
	for _, l := range wrap(line(p.err), w) { // the platform's words are untrusted
		out = append(out, st.errorS.Render(l))
	}
	return out
}

func (p *contactsPanel) listLines(st styles, km KeyMap, w, h int, now time.Time) []string {
	lines := []string{st.title.Render("Contacts"), ""}
	listH := max(3, (h-4)/2)
	lines = append(lines, p.list.Lines(st, w, listH)...)
	for len(lines) < 2+listH {
		lines = append(lines, "")
	}
	lines = append(lines, st.muted.Render(strings.Repeat("─", w)))
	if c, ok := p.Highlighted(); ok {
		lines = append(lines, p.detailLines(st, c, w, now)...)
	} else if p.Query() == "" {
		lines = append(lines, st.muted.Render("Type a name or a number to find a contact."))
	}
	if p.err != "" {
		lines = append(lines, "")
		lines = append(lines, p.errLines(st, w)...)
	}
	footer := hint(km.Choose, "open", km.NewContact, "new contact", km.EditTags, "tags", km.Close, "close")
	if p.mode == contactsTags {
		footer = "comma-separated · " + hint(km.Choose, "save", km.Close, "cancel")
	}
	if p.busy {
		footer = "working…"
	}
	return append(lines[:min(len(lines), h-2)], "", st.muted.Render(footer))
}

func (p *contactsPanel) detailLines(st styles, c state.Contact, w int, now time.Time) []string {
	row := func(label, value string) string {
		return st.muted.Render(fit(label, 9)) + line(value)
	}
	lines := []string{
		st.bold.Render(line(c.Label())),
		row("Number", c.Number),
		row("Account", p.accountNames()[c.AccountID]),
	}
	if c.Status != "" {
		lines = append(lines, row("Status", c.Status))
	}
	if c.Email != "" {
		lines = append(lines, row("Email", c.Email))
	}
	if p.mode == contactsTags {
		lines = append(lines, st.muted.Render(fit("Tags", 9))+p.tags.View())
	} else {
		tags := strings.Join(c.Tags, ", ")
		if tags == "" {
			tags = "none"
		}
		lines = append(lines, row("Tags", tags))
	}
	switch {
	case p.detail.contactID != c.ID:
	case !p.detail.hasConv:
		lines = append(lines, row("Chat", "none yet: "+keyName(p.km.Choose)+" starts one with a template"))
	default:
		win := state.WindowAt(p.detail.conv.WindowExpiry(), now)
		lines = append(lines, row("Chat", "in "+string(p.detail.conv.Folder)+", window "+win.String()))
	}
	return lines
}

func (p *contactsPanel) createLines(st styles, km KeyMap, w int) []string {
	field := func(i int, label string, in textinput.Model) string {
		mark := "  "
		if p.formFocus == i {
			mark = st.accent.Render("▸ ")
		}
		return mark + st.key.Render(fit(label, 9)) + in.View()
	}
	acct := "none known yet"
	if len(p.accounts) > 0 {
		acct = "‹ " + line(p.accounts[p.account].Name) + " ›"
	}
	mark := "  "
	if p.formFocus == 2 {
		mark = st.accent.Render("▸ ")
	}
	lines := []string{
		st.title.Render("New contact"), "",
		field(0, "Name", p.name),
		field(1, "Number", p.number),
		mark + st.key.Render(fit("Account", 9)) + acct,
		"",
	}
	if p.err != "" {
		lines = append(lines, p.errLines(st, w)...)
		if p.existing != nil {
			lines = append(lines, st.accent.Render(keyName(km.Choose)+" opens "+line(p.existing.Label())))
		}
		lines = append(lines, "")
	}
	lines = append(lines, st.muted.Render("The number with its country code, e.g. +44 7902 555123."))
	return append(lines, "", st.muted.Render(hint(km.NextField, "next", []key.Binding{km.PrevOption, km.NextOption}, "account", km.Choose, "on the last field creates", km.Close, "back")))
}
