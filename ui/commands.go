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

func loadListCmd(core Core, reqID int, v state.View, offset, limit int, focusID string) tea.Cmd {
	return func() tea.Msg {
		msg := listLoadedMsg{reqID: reqID, view: v, offset: offset, focus: -1}
		var err error
		if msg.total, err = core.CountConversations(v); err != nil {
			msg.err = err
			return msg
		}
		if focusID != "" {
			if i, err := core.IndexOf(v, focusID); err == nil && i >= 0 {
				msg.focus = i
				if i < offset || i >= offset+limit {
					msg.offset = max(0, i-limit/2)
				}
			}
		}
		msg.rows, msg.err = core.ListConversations(v, msg.offset, limit)
		if v.Failed && msg.err == nil {
			msg.failed, msg.err = failedReasons(core)
		}
		return msg
	}
}

func loadSidebarCmd(core Core, caps state.Capabilities, sections []Section, now time.Time) tea.Cmd {
	return func() tea.Msg {
		me := core.Me()
		msg := sidebarLoadedMsg{views: map[string]int{}}
		var err error
		if msg.counts, err = core.FolderCounts(); err != nil {
			msg.err = err
			return msg
		}
		if msg.teams, err = core.Teams(); err != nil {
			msg.err = err
			return msg
		}
		if msg.users, err = core.Users(); err != nil {
			msg.err = err
			return msg
		}
		if msg.accounts, err = core.Accounts(); err != nil {
			msg.err = err
			return msg
		}
		for _, sec := range sections {
			if err := sec.Query.UnknownName(msg.users, msg.teams, msg.accounts); err != nil {
				msg.sectionErr = "Section " + sec.Name + ": " + err.Error()
				break
			}
		}
		msg.unread = map[string]int{}
		for _, e := range sidebarEntries(msg.teams, me, caps, sections) {
			v := e.view
			v.Now = now
			if e.kind != entryFolder {
				if n, err := core.CountConversations(v); err == nil {
					msg.views[e.key] = n
				}
			}
			// The unread ones: a walk of the few unread rows (state's
			// partial index), whatever the view holds.
			v.Unread = true
			if n, err := core.CountConversations(v); err == nil {
				msg.unread[e.key] = n
			}
		}
		return msg
	}
}

func loadThreadCmd(core Core, reqID int, convID string, before time.Time, older bool) tea.Cmd {
	return func() tea.Msg {
		msg := threadLoadedMsg{reqID: reqID, older: older}
		conv, ok, err := core.Conversation(convID)
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
		msgs, err := core.Thread(convID, before, threadPage+1)
		if err != nil {
			msg.err = err
			return msg
		}
		if len(msgs) > threadPage {
			msg.hasOlder = true
			msgs = msgs[1:]
		}
		msg.msgs = msgs
		if !older {
			msg.retry, msg.err = newestFailed(core, convID)
		}
		return msg
	}
}

func loadDraftCmd(core Core, convID string) tea.Cmd {
	return func() tea.Msg {
		text, _ := core.Draft(convID)
		return draftLoadedMsg{convID: convID, text: text}
	}
}

func sendCmd(core Core, convID, text string) tea.Cmd {
	return func() tea.Msg {
		_, err := core.Send(convID, text)
		return replyQueuedMsg{convID: convID, err: err}
	}
}

// applyCmd runs a change on conversations. Progress is reported through
// a channel that actionProgressMsg re-arms; the summary ends it, with the
// steps that would take the change back where the platform can (caps).
// back is the open conversation the action moved on from.
func applyCmd(ctx context.Context, core Core, ids []string, ch state.Change, assignee, verb string, caps state.Capabilities, back state.Conversation) tea.Cmd {
	prog := make(chan [2]int, 1)
	run := func() tea.Msg {
		before := map[string]state.Conversation{} // as they were, for the undo
		for _, id := range ids {
			if c, ok, err := core.Conversation(id); err == nil && ok {
				before[id] = c
			}
		}
		res := core.Apply(ctx, ids, ch, func(done, total int) {
			select { // keep only the latest
			case <-prog:
			default:
			}
			prog <- [2]int{done, total}
		})
		close(prog)
		failed := 0
		var changed []state.Conversation
		for _, r := range res {
			if r.Err != nil {
				failed++
				continue
			}
			// As the store has it now: the flash and what the next key
			// acts on agree (an assignment to me makes the thread
			// writable before the published change comes round).
			if len(changed) < 50 {
				if c, ok, err := core.Conversation(r.ConversationID); err == nil && ok {
					changed = append(changed, c)
				}
			}
		}
		var done []state.Conversation
		for _, r := range res {
			if c, ok := before[r.ConversationID]; ok && r.Err == nil {
				done = append(done, c)
				delete(before, r.ConversationID) // a repeated id once
			}
		}
		msg := actionDoneMsg{summary: state.SummaryAs(res, ch, assignee, !caps.Folders && caps.Resolve), failed: failed, changed: changed, back: back,
			results: res, change: ch, assignee: assignee}
		if steps, err := state.UndoOf(done, ch, caps); err == nil {
			msg.undo = steps
		}
		return msg
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
func loadOlderCmd(ctx context.Context, core Core, convID string, before time.Time) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		n, err := core.LoadOlder(ctx, convID, before)
		return olderLoadedMsg{convID: convID, added: n, err: err}
	}
}

// queryHits are the first searchLimit conversations a query selects, as
// hits by contact.
func queryHits(core Core, src string, now time.Time) ([]state.SearchHit, error) {
	q, err := state.ParseQuery(src)
	if err != nil {
		return nil, err
	}
	convs, err := core.ListConversations(state.View{Query: q, Now: now, Me: core.Me()}, 0, searchLimit)
	hits := make([]state.SearchHit, len(convs))
	for i, c := range convs {
		hits[i] = state.SearchHit{Conversation: c, ByContact: true}
	}
	return hits, err
}

// searchLimit is the most results a search lists.
const searchLimit = 100

// searchCmd runs / 's search; one the next key superseded answers
// nothing. Text that starts with a query's key (window:, assignee:, …)
// is a query (state.ParseQuery): its conversations, in the inbox's
// order, at now.
func searchCmd(ctx context.Context, core Core, reqID int, query string, now time.Time) tea.Cmd {
	return func() tea.Msg {
		if state.LooksLikeQuery(query) {
			hits, err := queryHits(core, query, now)
			return searchDoneMsg{reqID: reqID, query: query, hits: hits, err: err}
		}
		hits, err := core.Search(ctx, query, searchLimit)
		if ctx.Err() != nil {
			return nil
		}
		return searchDoneMsg{reqID: reqID, query: query, hits: hits, err: err}
	}
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

func loadTemplatesCmd(core Core, conv state.Conversation) tea.Cmd {
	return func() tea.Msg {
		tpls, err := core.Templates(conv.AccountID)
		return templatesLoadedMsg{conv: conv, tpls: tpls, err: err}
	}
}

func sendTemplateCmd(core Core, conv state.Conversation, tpl state.Template, values map[int]string) tea.Cmd {
	return func() tea.Msg {
		_, err := core.SendTemplate(conv, tpl, values)
		return templateQueuedMsg{conv: conv, err: err}
	}
}

// loadAssigneesCmd reads who may take the conversations: the users and
// teams of their accounts — for a selection across accounts, everyone who
// may take at least one of them, with how many — and their assignee when
// they share one.
func loadAssigneesCmd(core Core, ids []string) tea.Cmd {
	return func() tea.Msg {
		msg := assigneesLoadedMsg{what: plural(len(ids), "conversation"), serves: map[string]int{}, me: core.Me()}
		perAccount := map[string]int{} // account → how many of the targets
		var order []string
		for _, id := range ids {
			c, ok, err := core.Conversation(id)
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
			// The user and the team each marked when every target shares
			// it (a platform with one assignee has one of them set).
			if msg.total == 0 {
				msg.curUser, msg.curTeam, msg.sameUser, msg.sameTeam = c.UserID, c.TeamID, true, true
			}
			if c.UserID != msg.curUser {
				msg.curUser, msg.sameUser = "", false
			}
			if c.TeamID != msg.curTeam {
				msg.curTeam, msg.sameTeam = "", false
			}
			if perAccount[c.AccountID] == 0 {
				order = append(order, c.AccountID)
			}
			perAccount[c.AccountID]++
			msg.total++
		}
		for _, acct := range order {
			users, teams, err := core.Assignees(acct)
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

// searchContactsCmd searches the contacts; a search the next key made
// obsolete (ctx cancelled) answers nothing.
func searchContactsCmd(ctx context.Context, core Core, reqID int, query string) tea.Cmd {
	return func() tea.Msg {
		var cs []state.Contact
		var err error
		if strings.TrimSpace(query) == "" {
			cs, err = core.RecentContacts(contactsLimit)
		} else {
			cs, err = core.SearchContacts(ctx, query, contactsLimit)
		}
		if ctx.Err() != nil {
			return nil // superseded by the next key's search
		}
		return contactsFoundMsg{reqID: reqID, contacts: cs, err: err}
	}
}

func contactDetailCmd(core Core, c state.Contact) tea.Cmd {
	return func() tea.Msg {
		conv, ok, _ := core.ConversationFor(c.AccountID, c.ID)
		return contactDetailMsg{detail: contactDetail{contactID: c.ID, conv: conv, hasConv: ok}}
	}
}

func startConversationCmd(core Core, c state.Contact) tea.Cmd {
	return func() tea.Msg {
		conv, err := core.StartConversation(c)
		if err != nil {
			return conversationStartedMsg{err: err}
		}
		_, stored, err := core.Conversation(conv.ID)
		return conversationStartedMsg{conv: conv, stored: stored, err: err}
	}
}

// findConversationCmd finds the conversation a new one became once the
// platform accepted its first template.
func findConversationCmd(core Core, accountID, contactID string) tea.Cmd {
	return func() tea.Msg {
		conv, ok, err := core.ConversationFor(accountID, contactID)
		if err == nil && !ok {
			err = errors.New("the new conversation is not in the store: press ctrl+r to sync")
		}
		return conversationStartedMsg{conv: conv, stored: ok, follow: true, err: err}
	}
}

func createContactCmd(ctx context.Context, core Core, c state.Contact) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		got, err := core.CreateContact(ctx, c)
		return contactCreatedMsg{contact: got, err: err}
	}
}

func setTagsCmd(ctx context.Context, core Core, contactID string, tags []string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		got, err := core.SetContactTags(ctx, contactID, tags)
		return contactTagsSavedMsg{contact: got, err: err}
	}
}

// labelCmd reads the name of a conversation not in the rows shown.
func labelCmd(core Core, convID string) tea.Cmd {
	return func() tea.Msg {
		c, _, _ := core.Conversation(convID)
		return labelReadMsg{label: c.Label()}
	}
}

// syncNowCmd asks the engine for a sync now.
func syncNowCmd(core Core) tea.Cmd {
	return func() tea.Msg {
		core.SyncNow()
		return nil
	}
}

// flushDraftsCmd writes the drafts typed so far; the list then shows
// them (draftsFlushedMsg).
func flushDraftsCmd(core Core) tea.Cmd {
	return func() tea.Msg {
		core.FlushDrafts()
		return draftsFlushedMsg{}
	}
}

// ---- bulk work (bulk.go) ----

// markViewCmd reads every conversation of a view to mark it: ids and
// what a mark keeps, never whole rows.
func markViewCmd(core Core, v state.View) tea.Cmd {
	return func() tea.Msg {
		refs, err := core.ViewMarkRefs(v)
		return viewMarkedMsg{view: v, refs: refs, err: err}
	}
}

// collisionListed is how many changed conversations the question before
// a bulk reassignment names (and reads the names of).
const collisionListed = 100

// checkMarksCmd reads the marked conversations again and finds those
// reassigned or answered since they were marked (was), with who did it.
func checkMarksCmd(core Core, was []state.MarkRef, p pendingApply, names assigneeNamer) tea.Cmd {
	return func() tea.Msg {
		msg := marksCheckedMsg{apply: p}
		now, err := core.MarkRefs(p.ids)
		if err != nil {
			msg.err = err
			return msg
		}
		byID := make(map[string]state.MarkRef, len(now))
		for _, r := range now {
			byID[r.ID] = r
		}
		for _, w := range was {
			n, ok := byID[w.ID]
			if !ok {
				continue // gone from the store: the action says so
			}
			if reassigned, replied := w.Changed(n); !reassigned && !replied {
				continue // the common case, without reading the thread
			}
			// As the send guard decides: the agent's own replies and
			// assignments to them are no news.
			col, err := core.CollisionSince(state.GlimpseOfMark(w))
			if err != nil || !col.Any() {
				continue
			}
			msg.skip = append(msg.skip, w.ID)
			if len(msg.changed) >= collisionListed {
				msg.more++
				continue
			}
			label := w.ID
			if c, ok, err := core.Conversation(w.ID); err == nil && ok {
				label = c.Label()
			}
			msg.changed = append(msg.changed, markChange{label: label, what: changedWords(col, names)})
		}
		return msg
	}
}
