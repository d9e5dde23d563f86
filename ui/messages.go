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
	failed map[string]string // the Failed view: conversation id → its newest failed reply's reason
}

// sidebarLoadedMsg: folder counts, view counts and teams were read.
type sidebarLoadedMsg struct {
	counts   map[state.Folder]int
	views    map[string]int // sidebar entry key → count
	unread   map[string]int // sidebar entry key → unread conversations in it
	teams    []state.Team
	users    []state.User
	accounts []state.Account
	// sectionErr: the first section naming an agent, team or account
	// the store does not know ("" none).
	sectionErr string
	err        error
}

// threadLoadedMsg: a conversation and a page of its messages were read.
type threadLoadedMsg struct {
	reqID    int
	conv     state.Conversation
	msgs     []state.Message // oldest first
	hasOlder bool
	older    bool // the page goes before the messages already shown
	gone     bool // the conversation is not in the store (a new one that became real)
	err      error
	retry    string // the local id of the conversation's newest failed reply ("" none): the retry key's
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
	err    error
}

// actionDoneMsg: a folder move or assignment finished, or an undo of one.
type actionDoneMsg struct {
	summary string
	failed  int
	changed []state.Conversation // the conversations it changed, as stored after it
	// What was done, to each (the bulk results panel, bulk.go).
	results  []state.ActionResult
	change   state.Change
	assignee string
	undo     []state.UndoStep   // what takes it back (triage.go); none: it cannot be
	back     state.Conversation // the open conversation it moved on from
	undone   bool               // this was an undo
}

// searchDoneMsg: a search (/) answered.
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

// spinMsg: time for the status bar's spinner to turn.
type spinMsg struct{}

// flashExpiredMsg: a flash message's time is up.
type flashExpiredMsg struct{ id int }

// olderLoadedMsg: older history was fetched from the platform.
type olderLoadedMsg struct {
	convID string
	added  int
	err    error
}

// ---- dialogs (pickers, forms) ----

// templatesLoadedMsg: the templates of a conversation's account were read.
type templatesLoadedMsg struct {
	conv state.Conversation
	tpls []state.Template
	err  error
}

// templateQueuedMsg: a filled template went to the outbox, or was refused
// before anything was written.
type templateQueuedMsg struct {
	conv state.Conversation
	err  error
}

// assigneesLoadedMsg: who may take the target conversations was read.
type assigneesLoadedMsg struct {
	what             string // "Ana Lima", "5 conversations"
	users            []state.User
	teams            []state.Team
	curUser, curTeam string         // the targets' common user and team, each if they share it
	sameUser         bool           // the targets share their user (perhaps none)
	sameTeam         bool           // … and their team
	serves           map[string]int // "u:ID" / "t:ID" → how many of the targets they may take
	total            int            // the targets found in the store
	me               string         // the current user, marked "you"
	err              error
}

// actionProgressMsg: a bulk action settled done of total conversations.
type actionProgressMsg struct {
	verb        string
	done, total int
	ch          <-chan [2]int
}

// contactsFoundMsg: a contacts search answered.
type contactsFoundMsg struct {
	reqID    int
	contacts []state.Contact
	err      error
}

// contactDetailMsg: a contact's conversation was looked up.
type contactDetailMsg struct{ detail contactDetail }

// conversationStartedMsg: the conversation with a contact was found, or a
// new one made ready for its first template (not stored until sent).
type conversationStartedMsg struct {
	conv   state.Conversation
	stored bool // false: new, not written until its first template is queued
	follow bool // a new conversation the open thread showed became this one
	err    error
}

// contactCreatedMsg: the platform answered a new contact.
type contactCreatedMsg struct {
	contact state.Contact
	err     error
}

// contactTagsSavedMsg: the platform answered a tag edit.
type contactTagsSavedMsg struct {
	contact state.Contact
	err     error
}

// loginDoneMsg: the login with a typed password answered.
type loginDoneMsg struct{ err error }

// labelReadMsg: the name of a conversation a new message arrived in.
type labelReadMsg struct{ label string }

// ---- bulk work (bulk.go) ----

// bulkMsg is a result of bulk work's commands, for handleBulk.
type bulkMsg interface{ bulkMsg() }

// viewMarkedMsg: every conversation of a view was read to be marked.
type viewMarkedMsg struct {
	view state.View
	refs []state.MarkRef
	err  error
}

// marksCheckedMsg: the marked conversations of a bulk reassignment were
// read again; changed are those that changed since they were marked
// (named up to collisionListed, more the rest), skip all their ids.
type marksCheckedMsg struct {
	apply   pendingApply
	changed []markChange
	skip    []string
	more    int
	err     error
}

func (viewMarkedMsg) bulkMsg()   {}
func (marksCheckedMsg) bulkMsg() {}

// pendingApply is a change waiting for the agent's word.
type pendingApply struct {
	ids      []string
	change   state.Change
	assignee string
	verb     string
}

// markChange is a marked conversation that changed since it was marked:
// its name and what changed, in words.
type markChange struct {
	label, what string
}
