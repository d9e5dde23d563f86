package ui

import (
	"context"
	"errors"
	"os"
	"os/exec"
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

func applyCmd(e *state.Engine, ids []string, ch state.Change, assignee string) tea.Cmd {
	return func() tea.Msg {
		res := e.Apply(context.Background(), ids, ch, nil)
		failed := 0
		for _, r := range res {
			if r.Err != nil {
				failed++
			}
		}
		return actionDoneMsg{summary: state.Summary(res, ch, assignee), failed: failed}
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
