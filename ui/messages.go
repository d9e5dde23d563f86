package ui

import (
	"time"

	"github.com/mbx-inbox/mbx/state"
)

// Every message is a past-tense fact carrying identity and error; results
// of an old request are dropped by comparing reqID.

// listLoadedMsg: a window of the conversation list was read.
type listLoadedMsg struct {
	reqID  int
	view   state.View
	total  int
	offset int
	rows   []state.Conversation
	focus  int // absolute index of the conversation to keep the cursor on; -1 unknown
	err    error
}

// sidebarLoadedMsg: folder counts, view counts and teams were read.
type sidebarLoadedMsg struct {
	counts map[state.Folder]int
	views  map[string]int // sidebar entry key → count
	teams  []state.Team
	users  []state.User
	err    error
}

// threadLoadedMsg: a conversation and a page of its messages were read.
type threadLoadedMsg struct {
	reqID    int
	conv     state.Conversation
	msgs     []state.Message // oldest first
	hasOlder bool
	older    bool // the page goes before the messages already shown
	err      error
}

// draftLoadedMsg: a conversation's saved draft was read.
type draftLoadedMsg struct {
	convID string
	text   string
}

// changesMsg: the sync engine reported changes (ok false: no more).
type changesMsg struct {
	changes state.Changes
	ok      bool
}

// replyQueuedMsg: a reply went to the outbox, or was refused before.
type replyQueuedMsg struct {
	convID string
	text   string
	err    error
}

// actionDoneMsg: a folder move or assignment finished.
type actionDoneMsg struct {
	summary string
	failed  int
}

// searchDoneMsg: a full-text search answered.
type searchDoneMsg struct {
	reqID int
	query string
	hits  []state.SearchHit
	err   error
}

// editorDoneMsg: $EDITOR closed.
type editorDoneMsg struct {
	convID string
	text   string
	err    error
}

// minuteMsg: a minute passed (countdowns, relative times).
type minuteMsg time.Time

// flashExpiredMsg: a flash message's time is up.
type flashExpiredMsg struct{ id int }

// olderLoadedMsg: older history was fetched from the platform.
type olderLoadedMsg struct {
	convID string
	added  int
	err    error
}
