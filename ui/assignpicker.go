package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// assignee is one choice of the assignment picker: a user or a team.
type assignee struct {
	userID, teamID string
	name           string
}

// assignPicker chooses who takes the target conversations: the users
// working in their account and the teams serving it (its own and the
// global ones), fuzzy-filtered, the current assignee marked.
type assignPicker struct {
	ids     []string // the conversations to assign
	what    string   // "Ana Lima", "5 conversations"
	choices []assignee
	list    pickList
}

func newAssignPicker(m assigneesLoadedMsg) assignPicker {
	p := assignPicker{ids: m.ids, what: m.what, list: newPickList("Assign to: ", "type a name or a team")}
	var items []pickItem
	for _, u := range m.users {
		name := u.Name()
		if name == "" {
			name = u.ID
		}
		detail := "user"
		if u.ID == m.me {
			detail = "user · you"
		}
		p.choices = append(p.choices, assignee{userID: u.ID, name: name})
		items = append(items, pickItem{title: name, detail: detail, status: partly(m, "u:"+u.ID), current: m.curUser != "" && u.ID == m.curUser})
	}
	for _, t := range m.teams {
		detail := "team"
		if len(t.AccountIDs) == 0 {
			detail = "team · every account"
		}
		p.choices = append(p.choices, assignee{teamID: t.ID, name: t.Name})
		items = append(items, pickItem{title: t.Name, detail: detail, status: partly(m, "t:"+t.ID), current: m.curTeam != "" && t.ID == m.curTeam})
	}
	p.list.SetItems(items)
	return p
}

func (p *assignPicker) Focus() tea.Cmd { return p.list.input.Focus() }

// Update handles a key; choosing emits assigneeChosenMsg, esc
// dialogClosedMsg.
func (p *assignPicker) Update(k tea.KeyPressMsg, km KeyMap) tea.Cmd {
	return p.list.Key(k, km, func(i int) tea.Msg {
		c := p.choices[i]
		return assigneeChosenMsg{ids: p.ids, change: state.Change{UserID: c.userID, TeamID: c.teamID}, name: c.name}
	})
}

func (p *assignPicker) View(st styles, w, h int) string {
	inner := w - 4
	lines := []string{st.title.Render("Assign " + line(p.what))}
	gap := []string{""}
	if h < 12 { // a small terminal: rows before blank lines
		gap = nil
	}
	lines = append(lines, gap...)
	lines = append(lines, p.list.Lines(st, inner, max(2, h-2-len(lines)-1-len(gap)))...)
	lines = append(append(lines[:min(len(lines), h-3-len(gap))], gap...), st.muted.Render("↑/↓ choose · enter assign · esc close   ● current"))
	return st.dialog.Render(fitBlock(lines, w-4, min(h-2, len(lines))))
}

// partly says when a choice may take only some of the conversations (they
// span accounts): "3 of 5"; the others would fail and be named.
func partly(m assigneesLoadedMsg, key string) string {
	if n := m.serves[key]; n < m.total {
		return fmt.Sprintf("may take %d of %d", n, m.total)
	}
	return ""
}
