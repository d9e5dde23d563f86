package ui

import (
	"context"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

// Core is everything the UI asks of the rest of mbx: the reads it draws
// and the writes it requests, for one account. The UI declares it and
// depends on nothing wider; state.Service serves it (and a test can serve
// it too). Every method may block: the UI calls them from commands only,
// never from Update.
type Core interface {
	// Reads.
	CountConversations(v state.View) (int, error)
	IndexOf(v state.View, id string) (int, error)
	ListConversations(v state.View, offset, limit int) ([]state.Conversation, error)
	FolderCounts() (map[state.Folder]int, error)
	Teams() ([]state.Team, error)
	Users() ([]state.User, error)
	Accounts() ([]state.Account, error)
	Conversation(id string) (state.Conversation, bool, error)
	Thread(convID string, before time.Time, limit int) ([]state.Message, error)
	// Search is /: conversations by the contact's name or number, then
	// messages by words; it stops when ctx ends (the next key's search).
	Search(ctx context.Context, q string, limit int) ([]state.SearchHit, error)
	Templates(accountID string) ([]state.Template, error)
	RecentContacts(limit int) ([]state.Contact, error)
	// SearchContacts stops when ctx ends: the next key cancels a search.
	SearchContacts(ctx context.Context, q string, limit int) ([]state.Contact, error)
	ConversationFor(accountID, contactID string) (state.Conversation, bool, error)
	Draft(convID string) (string, error)
	Assignees(accountID string) ([]state.User, []state.Team, error)
	// Marks (bulk.go): every conversation of a view, and marked ones as
	// they are now, to tell what changed since they were marked.
	ViewMarkRefs(v state.View) ([]state.MarkRef, error)
	MarkRefs(ids []string) ([]state.MarkRef, error)
	// NextUnread is the first unread conversation after afterID in v's
	// order, wrapping to the top; ok false when there is none other.
	NextUnread(v state.View, afterID string) (id string, index int, wrapped, ok bool, err error)

	// Who the agent is ("" unknown), the connection, what the platform can do.
	Me() string
	// Identity says how mbx knows who the agent is, and whether to ask
	// them; ChooseMe records their answer (remembered for the account).
	Identity() (state.Identity, error)
	ChooseMe(userID string) error
	Status() state.ConnStatus
	Capabilities() state.Capabilities
	// Subscribe streams what changed; the UI closes it when it ends.
	Subscribe() *state.Subscription

	// Writes: each is published as a change.
	MarkRead(convID string, now time.Time) error
	// MarkUnread shows the conversation unread until it is opened again
	// (kept locally: no platform is told).
	MarkUnread(convID string) error
	Send(convID, body string) (state.OutboxItem, error)
	SendTemplate(conv state.Conversation, tpl state.Template, values map[int]string) (state.OutboxItem, error)
	Apply(ctx context.Context, ids []string, ch state.Change, progress state.Progress) []state.ActionResult
	LoadOlder(ctx context.Context, convID string, before time.Time) (int, error)
	StartConversation(c state.Contact) (state.Conversation, error)
	CreateContact(ctx context.Context, c state.Contact) (state.Contact, error)
	SetContactTags(ctx context.Context, contactID string, tags []string) (state.Contact, error)
	// Capabilities' actions (each refused with words where the platform
	// lacks it).
	SavedResponses(ctx context.Context) ([]state.SavedResponse, error)
	SetConversationTags(ctx context.Context, convID string, tags []string) error
	// SaveMedia downloads a message's file (by Message.Key) to the
	// download directory; SendFile queues a file as a reply with a caption.
	SaveMedia(ctx context.Context, key string) (state.SavedMedia, error)
	SendFile(convID, path, caption string) (state.OutboxItem, error)
	SaveDraft(convID, text string)
	// UIPlace and SetUIPlace keep where the agent was (folder, cursor,
	// open conversation; the UI's own text) for the next start.
	UIPlace() (string, error)
	SetUIPlace(place string) error
	// Replies the agent is asked about (send lost, a copy nobody can
	// tell is theirs; convID "" for all), and their answers.
	Questions(convID string) ([]state.OutboxItem, error)
	SendAgain(localID string) error
	WasSent(localID string) error
	FlushDrafts()
	SyncNow()

	// Failed replies (failed.go), newest first (convID "" for all); Retry
	// looks for one on the platform before sending it again;
	// ReplaceWithTemplate sends a template in place of one.
	FailedReplies(convID string) ([]state.OutboxItem, error)
	Retry(localID string) error
	ReplaceWithTemplate(localID string, conv state.Conversation, tpl state.Template, values map[int]string) (state.OutboxItem, error)
	// CollisionSince says what others did in a conversation since the
	// agent saw it (sendguard.go).
	CollisionSince(g state.Glimpse) (state.Collision, error)

	// Rescue (rescue.go): a dry run of a bulk template send, and the real
	// run, exactly once through the outbox.
	RescuePlan(ids []string, tpl state.Template, values map[int]string) ([]state.RescueItem, error)
	RescueSend(ctx context.Context, ids []string, tpl state.Template, values map[int]string, progress state.Progress) ([]state.RescueItem, error)
	// Snooze (snooze.go): hide a conversation until it wakes, capped by
	// its window; wake one; wake those due (the minute tick).
	Snooze(convID string, r state.SnoozeRequest) (state.SnoozePlan, error)
	Unsnooze(convID string) error
	WakeDue(now time.Time) (int, error)
	// The supervisor board (board.go) at now, and the open conversations
	// of one of its rows, waiting customers first.
	Board(now time.Time) (state.Board, error)
	BoardIDs(r state.BoardRow) ([]string, error)
}
