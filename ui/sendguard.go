package ui

import (
	"maps"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// The collision guard (state/doc.go, "Collision guard"). The thread keeps
// what the agent saw when they opened the conversation (threadView.seen);
// a reply is checked against the store before it is queued, and when
// another agent replied or the conversation was reassigned since, the
// send waits for one key: send anyway (choose), or look first (close),
// which keeps the text in the composer and puts the agent in the thread.
// Either answer takes the conversation as seen again: the next send goes.

// collisionCheckedMsg: what others did since the agent opened convID,
// checked before text is sent.
type collisionCheckedMsg struct {
	convID string
	text   string
	col    state.Collision
	err    error
}

// sendAnyway and lookFirst are the collision prompt's answers.
type sendAnyway struct {
	convID, text string
}
type lookFirst struct{}

func collisionCmd(core Core, seen state.Glimpse, convID, text string) tea.Cmd {
	return func() tea.Msg {
		msg := collisionCheckedMsg{convID: convID, text: text}
		if seen.ConversationID == convID {
			msg.col, msg.err = core.CollisionSince(seen)
		}
		return msg
	}
}

// handleCollisionChecked sends the reply, or asks first. A check that
// could not be read does not hold the reply back (the store is the one
// the send reads too).
func (a *App) handleCollisionChecked(m collisionCheckedMsg) tea.Cmd {
	if a.comp.sending != m.convID {
		return nil
	}
	if m.err != nil || !m.col.Any() {
		return sendCmd(a.core, m.convID, m.text)
	}
	// Keys typed since the send key stay held (a.held) for the composer:
	// a reflexive second enter never answers the prompt.
	replied, reassigned := a.collisionWords(m.col, a.d.Now())
	return a.push(&sendGuardDialog{km: a.keys, convID: m.convID, text: m.text, to: a.convLabel(m.convID),
		replied: replied, last: lastReply(m.col), reassigned: reassigned}, nil)
}

// collisionWords says who did what: "Sam Lee replied 2m ago",
// "reassigned to Robin (was you)"; "" for what nobody did. Names are
// sanitized.
func (a *App) collisionWords(c state.Collision, now time.Time) (replied, reassigned string) {
	if n := len(c.Replies); n > 0 {
		var names []string
		seen := map[string]bool{}
		for _, m := range c.Replies {
			who := strings.TrimSpace(line(m.Sender))
			if who == "" {
				who = "Someone"
			}
			if !seen[who] {
				seen[who] = true
				names = append(names, who)
			}
		}
		who := strings.Join(names, " and ")
		if len(names) > 2 {
			who = names[0] + " and " + plural(len(names)-1, "other")
		}
		when := "just now"
		if d := now.Sub(c.Replies[n-1].Time); d >= time.Minute {
			when = state.FormatDuration(d) + " ago"
		}
		replied = who + " replied " + when
		if n > 1 {
			replied = who + " replied " + plural(n, "time") + ", last " + when
		}
	}
	if c.Reassigned {
		names := a.assignees()
		now, was := names.words(c.UserID, c.TeamID), names.words(c.WasUser, c.WasTeam)
		s := "reassigned to " + now
		if now == "" {
			s = "unassigned"
		}
		if was == "" {
			was = "unassigned"
		}
		reassigned = s + " (was " + was + ")"
	}
	return replied, reassigned
}

// assigneeNamer names assignees in words for questions and notices:
// "you", an agent's or a team's name, "Sam Lee · team Sales"; "" for
// nobody. It holds its own copy of the names, so a command may use it off
// the Update loop.
type assigneeNamer struct {
	users, teams map[string]string
	me           string
}

// assignees is the namer of the names the inbox knows now.
func (a *App) assignees() assigneeNamer {
	return assigneeNamer{users: maps.Clone(a.list.users), teams: maps.Clone(a.list.teams), me: a.core.Me()}
}

// words names an assignee (sanitized).
func (n assigneeNamer) words(userID, teamID string) string {
	var parts []string
	switch {
	case userID == "":
	case userID == n.me:
		parts = append(parts, "you")
	case n.users[userID] != "":
		parts = append(parts, line(n.users[userID]))
	default:
		parts = append(parts, "another agent")
	}
	if teamID != "" {
		if t := n.teams[teamID]; t != "" {
			parts = append(parts, "team "+line(t))
		} else {
			parts = append(parts, "a team")
		}
	}
	return strings.Join(parts, " · ")
}

// lastReply is the newest reply by someone else, sanitized to one line.
func lastReply(c state.Collision) string {
	if len(c.Replies) == 0 {
		return ""
	}
	return line(c.Replies[len(c.Replies)-1].Body)
}

// answerCollision carries out the agent's answer to the prompt.
func (a *App) answerCollision(e *dialogEntry, act action) tea.Cmd {
	a.popTo(e.id)
	a.thread.seen = state.Glimpse{} // seen now: the thread's next load is what the agent saw
	switch act := act.(type) {
	case sendAnyway:
		return tea.Batch(sendCmd(a.core, act.convID, act.text), a.reloadThread(), a.afterDialogs())
	}
	// Look first: the text stays in the composer, the keys typed since
	// enter go there too (never a send), and the agent is in the thread.
	a.comp.sending = ""
	held := a.held
	a.held = nil
	var cmds []tea.Cmd
	for _, m := range held {
		if k, ok := m.(tea.KeyPressMsg); ok && key.Matches(k, a.keys.Send) {
			continue
		}
		cmds = append(cmds, a.routeInput(m))
	}
	a.setFocus(focusThread)
	a.thread.scroll = 0
	return tea.Batch(append(cmds, a.reloadThread(), a.flash("Not sent: your reply is kept in the composer", false), a.afterDialogs())...)
}

// sendGuardDialog asks before a reply goes to a conversation someone else
// acted in since the agent opened it.
type sendGuardDialog struct {
	km     KeyMap
	convID string
	text   string // the reply, as typed
	to     string // the conversation's name, sanitized; "" unknown
	// Who did what, sanitized ("" nobody): the replies, the newest one's
	// text, the reassignment.
	replied, last, reassigned string
}

func (d *sendGuardDialog) Bounds() (int, int)    { return 64, 14 }
func (d *sendGuardDialog) Waiting() (bool, bool) { return false, false }

func (d *sendGuardDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	switch {
	case key.Matches(k, d.km.Choose):
		return nil, sendAnyway{convID: d.convID, text: d.text}
	case key.Matches(k, d.km.Close):
		return nil, lookFirst{}
	}
	return nil, nil
}

func (d *sendGuardDialog) View(v viewCtx) string {
	st, w := v.st, max(10, v.w-4)
	head := "Since you opened this conversation:"
	if d.to != "" {
		head = "Since you opened " + d.to + ":"
	}
	lines := []string{st.title.Render("Someone else is here"), ""}
	lines = append(lines, wrap(head, w)...)
	if d.replied != "" {
		lines = append(lines, wrap("• "+d.replied, w)...)
		if d.last != "" {
			lines = append(lines, st.muted.Render(fit("  “"+d.last, w)))
		}
	}
	if d.reassigned != "" {
		lines = append(lines, wrap("• "+d.reassigned, w)...)
	}
	lines = append(lines, "", st.muted.Render(fit("Your reply is not sent yet.", w)),
		st.muted.Render(hint(d.km.Choose, "send anyway", d.km.Close, "look first (reply kept)")))
	h := min(v.h-2, len(lines))
	if len(lines) > h { // a small terminal: the question and the keys first
		lines = append(lines[:max(1, h-1)], lines[len(lines)-1])
	}
	return st.dialog.Render(fitBlock(lines, w, h))
}
