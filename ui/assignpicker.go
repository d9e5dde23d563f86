package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// assignee is one choice of the assignment picker: a user, a team, or
// nobody (unassign).
type assignee struct {
	userID, teamID string
	name           string
	unassign       bool
}

// assignPicker chooses who takes the target conversations: the users
// working in their account and the teams serving it (its own and the
// global ones), fuzzy-filtered, the current assignee marked. The targets
// are fixed when it opens: the conversations the agent saw then.
//
// Where the platform has a user and a team at once (caps.UserAndTeam),
// both current ones are marked and named above the list, and choosing one
// keeps the other (state does that). Where it can unassign
// (caps.Unassign), "Unassign" is the last choice.
type assignPicker struct {
	km      KeyMap
	caps    state.Capabilities
	ids     []string // the conversations to assign
	what    string   // "Ana Lima", "5 conversations"
	now     string   // the current user and team, where both may be set
	choices []assignee
	list    pickList
	loading bool
}

// chooseAssignee: give the conversations to this user or team.
type chooseAssignee struct {
	ids    []string
	change state.Change
	name   string
}

func newAssignPicker(km KeyMap, ids []string, caps state.Capabilities) *assignPicker {
	p := &assignPicker{km: km, caps: caps, ids: ids, what: plural(len(ids), "conversation"), list: newPickList("Assign to: ", "type a name or a team"), loading: true}
	p.list.input.Focus()
	return p
}

func (p *assignPicker) set(m assigneesLoadedMsg) {
	p.loading, p.what = false, m.what
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
	if p.caps.Unassign {
		detail := "nobody"
		if p.caps.UserAndTeam {
			detail = "nobody: neither a person nor a team"
		}
		p.choices = append(p.choices, assignee{unassign: true, name: "nobody"})
		items = append(items, pickItem{title: "Unassign", detail: detail})
	}
	if p.caps.UserAndTeam {
		p.now = assignedNow(m)
	}
	p.list.SetItems(items)
}

// assignedNow names the targets' current person and team, for a platform
// where a conversation has both: "Now: Robin · team Sales".
func assignedNow(m assigneesLoadedMsg) string {
	user, team := "various people", "various teams"
	if m.sameUser {
		user = "nobody"
		if m.curUser != "" {
			user = m.curUser
			for _, u := range m.users {
				if u.ID == m.curUser && u.Name() != "" {
					user = u.Name()
				}
			}
		}
	}
	if m.sameTeam {
		team = "no team"
		if m.curTeam != "" {
			team = "team " + m.curTeam
			for _, t := range m.teams {
				if t.ID == m.curTeam && t.Name != "" {
					team = "team " + t.Name
				}
			}
		}
	}
	return "Now: " + user + " · " + team
}

func (p *assignPicker) Waiting() (bool, bool) { return p.loading, true }
func (p *assignPicker) Bounds() (int, int)    { return 70, 24 }

// Update takes who may be chosen when read, and keys: choosing returns
// chooseAssignee.
func (p *assignPicker) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case assigneesLoadedMsg:
		switch {
		case m.err != nil:
			return nil, closeDialog{flash: "cannot read who may take this: " + m.err.Error(), isErr: true}
		case len(m.users)+len(m.teams) == 0:
			return nil, closeDialog{flash: "Nobody may take " + line(m.what) + " (no user or team works in its account): sync with " + keyName(p.km.Sync), isErr: true}
		}
		p.set(m)
	case tea.PasteMsg:
		p.list.Paste(m.Content)
	case tea.KeyPressMsg:
		return p.list.Key(m, p.km, func(i int) action {
			c := p.choices[i]
			if c.unassign {
				return chooseAssignee{ids: p.ids, change: state.Change{Unassign: true}}
			}
			return chooseAssignee{ids: p.ids, change: state.Change{UserID: c.userID, TeamID: c.teamID}, name: c.name}
		})
	}
	return nil, nil
}

func (p *assignPicker) View(v viewCtx) string {
	st, w, h := v.st, v.w, v.h
	inner := w - 4
	lines := []string{st.title.Render("Assign " + line(p.what))}
	gap := []string{""}
	if h < 12 { // a small terminal: rows before blank lines
		gap = nil
	}
	if p.now != "" {
		lines = append(lines, st.muted.Render(line(p.now)))
		if h >= 12 {
			lines = append(lines, st.muted.Render("A person keeps the team; a team keeps the person."))
		}
	}
	lines = append(lines, gap...)
	footer := st.muted.Render(hint([]key.Binding{p.km.PickerUp, p.km.PickerDown}, "choose", p.km.Choose, "assign", p.km.Close, "close") + "   ● current")
	if p.loading {
		lines = append(lines, loadingLines(st, "who may take it")...)
		lines = append(append(lines, gap...), footer)
		return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
	}
	lines = append(lines, p.list.Lines(st, inner, max(2, h-2-len(lines)-1-len(gap)))...)
	lines = append(append(lines[:min(len(lines), h-3-len(gap))], gap...), footer)
	return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
}

// partly says when a choice may take only some of the conversations (they
// span accounts): "3 of 5"; the others would fail and be named.
func partly(m assigneesLoadedMsg, key string) string {
	if n := m.serves[key]; n < m.total {
		return fmt.Sprintf("may take %d of %d", n, m.total)
	}
	return ""
}
