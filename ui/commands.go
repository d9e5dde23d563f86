package ui

import (
	"cmp"
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Commands do IO and nothing else: every value they use is captured when
// the command is built; none reads or writes the model.

// threadPage is how many messages a thread reads at a time.
const threadPage = 200

func loadListCmd(st *state.Store, reqID int, v state.View, offset, limit int, focusID string) tea.Cmd {
	return func() tea.Msg {
		msg := listLoadedMsg{reqID: reqID, view: v, offset: offset, focus: -1}
		var err error
		if msg.total, err = st.CountConversations(v); err != nil {
			msg.err = err
			return msg
		}
		if focusID != "" {
			if i, err := st.IndexOf(v, focusID); err == nil && i >= 0 {
				msg.focus = i
				if i < offset || i >= offset+limit {
					msg.offset = max(0, i-limit/2)
				}
			}
		}
		msg.rows, msg.err = st.ListConversations(v, msg.offset, limit)
		return msg
	}
}

func loadSidebarCmd(st *state.Store, me string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		msg := sidebarLoadedMsg{views: map[string]int{}}
		var err error
		if msg.counts, err = st.FolderCounts(); err != nil {
			msg.err = err
			return msg
		}
		if msg.teams, err = st.Teams(); err != nil {
			msg.err = err
			return msg
		}
		if msg.users, err = st.Users(); err != nil {
			msg.err = err
			return msg
		}
		if msg.accounts, err = st.Accounts(); err != nil {
			msg.err = err
			return msg
		}
		for _, e := range sidebarEntries(msg.teams, me) {
			if e.kind == entryFolder {
				continue
			}
			v := e.view
			v.Now = now
			if n, err := st.CountConversations(v); err == nil {
				msg.views[e.key] = n
			}
		}
		return msg
	}
}

func loadThreadCmd(st *state.Store, reqID int, convID string, before time.Time, older bool) tea.Cmd {
	return func() tea.Msg {
		msg := threadLoadedMsg{reqID: reqID, older: older}
		conv, ok, err := st.Conversation(convID)
		switch {
		case err != nil:
			msg.err = err
			return msg
		case !ok:
			msg.conv.ID, msg.gone = convID, true
			msg.err = errors.New("this conversation is no longer in the store")
			return msg
		}
		msg.conv = conv
		msgs, err := st.Thread(convID, before, threadPage+1)
		if err != nil {
			msg.err = err
			return msg
		}
		if len(msgs) > threadPage {
			msg.hasOlder = true
			msgs = msgs[1:]
		}
		msg.msgs = msgs
		return msg
	}
}

func loadDraftCmd(e *state.Engine, convID string) tea.Cmd {
	return func() tea.Msg {
		text, _ := e.Draft(convID)
		return draftLoadedMsg{convID: convID, text: text}
	}
}

func markReadCmd(st *state.Store, convID string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		_ = st.MarkRead(convID, now)
		return nil
	}
}

// waitChangesCmd waits for the engine's next changes; the root re-arms it
// after each one.
func waitChangesCmd(sub *state.Subscription) tea.Cmd {
	return func() tea.Msg {
		ch, ok, err := sub.Next(context.Background(), 30*time.Millisecond)
		if err != nil {
			return changesMsg{}
		}
		return changesMsg{changes: ch, ok: ok}
	}
}

func sendCmd(e *state.Engine, convID, text string) tea.Cmd {
	return func() tea.Msg {
		_, err := e.Send(convID, text)
		return replyQueuedMsg{convID: convID, text: text, err: err}
	}
}

// applyCmd runs a change on conversations. Progress is reported through
// a channel that actionProgressMsg re-arms; the summary ends it.
func applyCmd(e *state.Engine, ids []string, ch state.Change, assignee, verb string) tea.Cmd {
	prog := make(chan [2]int, 1)
	run := func() tea.Msg {
		res := e.Apply(context.Background(), ids, ch, func(done, total int) {
			select { // keep only the latest
			case <-prog:
			default:
			}
			prog <- [2]int{done, total}
		})
		close(prog)
		failed := 0
		for _, r := range res {
			if r.Err != nil {
				failed++
			}
		}
		return actionDoneMsg{summary: state.Summary(res, ch, assignee), failed: failed}
	}
	if len(ids) < 2 {
		return run
	}
	return tea.Batch(run, waitProgressCmd(verb, prog))
}

func waitProgressCmd(verb string, ch <-chan [2]int) tea.Cmd {
	return func() tea.Msg {
		p, ok := <-ch
		if !ok {
			return nil
		}
		return actionProgressMsg{verb: verb, done: p[0], total: p[1], ch: ch}
	}
}

// loadOlderCmd fetches history older than the store has from the platform.
func loadOlderCmd(e *state.Engine, convID string, before time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		n, err := e.LoadOlder(ctx, convID, before)
		return olderLoadedMsg{convID: convID, added: n, err: err}
	}
}

// searchLimit is the most results a search lists.
const searchLimit = 100

func searchCmd(st *state.Store, reqID int, query string) tea.Cmd {
	return func() tea.Msg {
		hits, err := st.SearchMessages(query, searchLimit)
		return searchDoneMsg{reqID: reqID, query: query, hits: hits, err: err}
	}
}

func minuteCmd() tea.Cmd {
	return tea.Every(time.Minute, func(t time.Time) tea.Msg { return minuteMsg(t) })
}

func flashCmd(id int, d time.Duration) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return flashExpiredMsg{id: id} })
}

// editorCmd opens the draft in $EDITOR and reads the result back.
func editorCmd(editor, convID, text string) tea.Cmd {
	f, err := os.CreateTemp("", "mbx-reply-*.txt")
	if err != nil {
		return func() tea.Msg { return editorDoneMsg{convID: convID, text: text, err: err} }
	}
	path := f.Name()
	_, werr := f.WriteString(text)
	f.Close()
	if werr != nil {
		os.Remove(path)
		return func() tea.Msg { return editorDoneMsg{convID: convID, text: text, err: werr} }
	}
	args := strings.Fields(editor)
	if len(args) == 0 {
		args = []string{"vi"}
	}
	c := exec.Command(args[0], append(args[1:], path)...)
	return tea.ExecProcess(c, func(err error) tea.Msg {
		defer os.Remove(path)
		if err != nil {
			return editorDoneMsg{convID: convID, text: text, err: err}
		}
		b, rerr := os.ReadFile(path)
		if rerr != nil {
			return editorDoneMsg{convID: convID, text: text, err: rerr}
		}
		return editorDoneMsg{convID: convID, text: strings.TrimRight(string(b), "\n")}
	})
}

// emit returns msg as a command: how dialogs report what the agent chose.
func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

func loadTemplatesCmd(st *state.Store, conv state.Conversation) tea.Cmd {
	return func() tea.Msg {
		tpls, err := st.Templates(conv.AccountID)
		return templatesLoadedMsg{conv: conv, tpls: tpls, err: err}
	}
}

func sendTemplateCmd(e *state.Engine, conv state.Conversation, tpl state.Template, values map[int]string) tea.Cmd {
	return func() tea.Msg {
		_, err := e.SendTemplate(conv, tpl, values)
		return templateQueuedMsg{conv: conv, err: err}
	}
}

// loadAssigneesCmd reads who may take the conversations: the users and
// teams of their accounts — for a selection across accounts, everyone who
// may take at least one of them, with how many — and their assignee when
// they share one.
func loadAssigneesCmd(e *state.Engine, st *state.Store, ids []string) tea.Cmd {
	return func() tea.Msg {
		msg := assigneesLoadedMsg{ids: ids, what: plural(len(ids), "conversation"), serves: map[string]int{}, me: e.Me()}
		perAccount := map[string]int{} // account → how many of the targets
		var order []string
		for i, id := range ids {
			c, ok, err := st.Conversation(id)
			if err != nil {
				msg.err = err
				return msg
			}
			if !ok {
				continue
			}
			if len(ids) == 1 {
				msg.what = c.Label()
			}
			if i == 0 {
				msg.curUser, msg.curTeam = c.UserID, c.TeamID
			} else if c.UserID != msg.curUser || c.TeamID != msg.curTeam {
				msg.curUser, msg.curTeam = "", ""
			}
			if perAccount[c.AccountID] == 0 {
				order = append(order, c.AccountID)
			}
			perAccount[c.AccountID]++
			msg.total++
		}
		for _, acct := range order {
			users, teams, err := e.Assignees(acct)
			if err != nil {
				msg.err = err
				return msg
			}
			for _, u := range users {
				if msg.serves["u:"+u.ID] == 0 {
					msg.users = append(msg.users, u)
				}
				msg.serves["u:"+u.ID] += perAccount[acct]
			}
			for _, t := range teams {
				if msg.serves["t:"+t.ID] == 0 {
					msg.teams = append(msg.teams, t)
				}
				msg.serves["t:"+t.ID] += perAccount[acct]
			}
		}
		slices.SortStableFunc(msg.users, func(a, b state.User) int { return byName(a.Name(), b.Name()) })
		slices.SortStableFunc(msg.teams, func(a, b state.Team) int { return byName(a.Name, b.Name) })
		return msg
	}
}

func byName(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) }

// contactsLimit is how many contacts the panel lists.
const contactsLimit = 100

func searchContactsCmd(st *state.Store, reqID int, query string) tea.Cmd {
	return func() tea.Msg {
		var cs []state.Contact
		var err error
		if strings.TrimSpace(query) == "" {
			cs, err = st.RecentContacts(contactsLimit)
		} else {
			cs, err = st.SearchContacts(query, contactsLimit)
		}
		return contactsFoundMsg{reqID: reqID, contacts: cs, err: err}
	}
}

func contactDetailCmd(st *state.Store, c state.Contact) tea.Cmd {
	return func() tea.Msg {
		conv, ok, _ := st.ConversationFor(c.AccountID, c.ID)
		return contactDetailMsg{detail: contactDetail{contactID: c.ID, conv: conv, hasConv: ok}}
	}
}

func startConversationCmd(e *state.Engine, st *state.Store, c state.Contact) tea.Cmd {
	return func() tea.Msg {
		conv, err := e.StartConversation(c)
		if err != nil {
			return conversationStartedMsg{err: err}
		}
		_, stored, err := st.Conversation(conv.ID)
		return conversationStartedMsg{conv: conv, stored: stored, err: err}
	}
}

// findConversationCmd finds the conversation a new one became once the
// platform accepted its first template.
func findConversationCmd(st *state.Store, accountID, contactID string) tea.Cmd {
	return func() tea.Msg {
		conv, ok, err := st.ConversationFor(accountID, contactID)
		if err == nil && !ok {
			err = errors.New("the new conversation is not in the store: press ctrl+r to sync")
		}
		return conversationStartedMsg{conv: conv, stored: ok, follow: true, err: err}
	}
}

func createContactCmd(e *state.Engine, c state.Contact) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		got, err := e.CreateContact(ctx, c)
		return contactCreatedMsg{contact: got, err: err}
	}
}

func setTagsCmd(e *state.Engine, contactID string, tags []string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		got, err := e.SetContactTags(ctx, contactID, tags)
		return contactTagsSavedMsg{contact: got, err: err}
	}
}

// labelCmd reads the name of a conversation not in the rows shown.
func labelCmd(st *state.Store, convID string) tea.Cmd {
	return func() tea.Msg {
		c, _, _ := st.Conversation(convID)
		return labelReadMsg{label: c.Label()}
	}
}
