package state

import (
	"context"
	"time"
)

// Service is the façade the UI works through: every read it draws and every
// write it asks for, over one account's Store and Engine. Writes go
// through here so that each one is published as a change (a conversation
// marked read shows read in every open list); reads are plain store reads.
// The UI declares the narrow interface it needs (ui.Core) and Service serves
// it; nothing in the UI holds a *Store or an *Engine.
//
// Every method may block on SQLite or the platform: call them from
// commands, never from a Bubble Tea Update.
type Service struct {
	st *Store
	e  *Engine
	// DownloadDir is where SaveMedia puts files; "" is
	// DefaultDownloadDir.
	DownloadDir string
}

// NewService serves the UI from a store and the engine that syncs it.
func NewService(st *Store, e *Engine) *Service { return &Service{st: st, e: e} }

// ---- reads ----

func (s *Service) CountConversations(v View) (int, error) { return s.st.CountConversations(v) }
func (s *Service) IndexOf(v View, id string) (int, error) { return s.st.IndexOf(v, id) }
func (s *Service) ListConversations(v View, offset, limit int) ([]Conversation, error) {
	return s.st.ListConversations(v, offset, limit)
}
func (s *Service) FolderCounts() (map[Folder]int, error) { return s.st.FolderCounts() }

// NextUnread is the first unread conversation after afterID in v's
// order, wrapping to the top (Store.NextUnread).
func (s *Service) NextUnread(v View, afterID string) (id string, index int, wrapped, ok bool, err error) {
	return s.st.NextUnread(v, afterID)
}
func (s *Service) Teams() ([]Team, error)       { return s.st.Teams() }
func (s *Service) Users() ([]User, error)       { return s.st.Users() }
func (s *Service) Accounts() ([]Account, error) { return s.st.Accounts() }
func (s *Service) Conversation(id string) (Conversation, bool, error) {
	return s.st.ConversationRow(id) // as the list shows it
}
func (s *Service) Thread(convID string, before time.Time, limit int) ([]Message, error) {
	return s.st.Thread(convID, before, limit)
}
func (s *Service) Search(ctx context.Context, q string, limit int) ([]SearchHit, error) {
	return s.st.Search(ctx, q, limit)
}
func (s *Service) Templates(accountID string) ([]Template, error) { return s.st.Templates(accountID) }
func (s *Service) RecentContacts(limit int) ([]Contact, error)    { return s.st.RecentContacts(limit) }
func (s *Service) SearchContacts(ctx context.Context, q string, limit int) ([]Contact, error) {
	return s.st.SearchContactsContext(ctx, q, limit)
}
func (s *Service) ConversationFor(accountID, contactID string) (Conversation, bool, error) {
	return s.st.ConversationFor(accountID, contactID)
}
func (s *Service) Draft(convID string) (string, error) { return s.e.Draft(convID) }
func (s *Service) Me() string                          { return s.e.Me() }
func (s *Service) Status() ConnStatus                  { return s.e.Status() }
func (s *Service) Assignees(accountID string) ([]User, []Team, error) {
	return s.e.Assignees(accountID)
}

// Subscribe returns the stream of changes; Close it when done.
func (s *Service) Subscribe() *Subscription { return s.e.Subscribe() }

// ---- writes ----

// MarkRead marks a conversation read and publishes it, so every list and
// count that shows it follows. On a ReadMarker the platform is told too,
// in the background (never blocking the caller; a failure is logged).
func (s *Service) MarkRead(convID string, now time.Time) error { return s.e.MarkRead(convID, now) }

// MarkUnread marks a conversation unread until it is opened again (kept
// locally; no platform is told), and publishes it.
func (s *Service) MarkUnread(convID string) error { return s.e.MarkUnread(convID) }

func (s *Service) Send(convID, body string) (OutboxItem, error) { return s.e.Send(convID, body) }
func (s *Service) SendTemplate(conv Conversation, tpl Template, values map[int]string) (OutboxItem, error) {
	return s.e.SendTemplate(conv, tpl, values)
}
func (s *Service) Apply(ctx context.Context, ids []string, ch Change, progress Progress) []ActionResult {
	return s.e.Apply(ctx, ids, ch, progress)
}
func (s *Service) LoadOlder(ctx context.Context, convID string, before time.Time) (int, error) {
	return s.e.LoadOlder(ctx, convID, before)
}
func (s *Service) StartConversation(c Contact) (Conversation, error) { return s.e.StartConversation(c) }
func (s *Service) CreateContact(ctx context.Context, c Contact) (Contact, error) {
	return s.e.CreateContact(ctx, c)
}
func (s *Service) SetContactTags(ctx context.Context, contactID string, tags []string) (Contact, error) {
	return s.e.SetContactTags(ctx, contactID, tags)
}
func (s *Service) SaveDraft(convID, text string) { s.e.SaveDraft(convID, text) }
func (s *Service) FlushDrafts()                  { s.e.FlushDrafts() }
func (s *Service) SyncNow()                      { s.e.SyncNow() }

// Questions are the replies the agent is asked about: whether each was
// sent (see doc.go, Outbox); SendAgain and WasSent are the answers.
func (s *Service) Questions(convID string) ([]OutboxItem, error) { return s.e.Questions(convID) }
func (s *Service) SendAgain(localID string) error                { return s.e.SendAgain(localID) }
func (s *Service) WasSent(localID string) error                  { return s.e.WasSent(localID) }

// Failed replies: Retry looks for one on the platform before sending it
// again; ReplaceWithTemplate sends a template in its place (see doc.go,
// Outbox).
func (s *Service) FailedReplies(convID string) ([]OutboxItem, error) {
	return s.e.FailedReplies(convID)
}
func (s *Service) Retry(localID string) error { return s.e.Retry(localID) }
func (s *Service) ReplaceWithTemplate(localID string, conv Conversation, tpl Template, values map[int]string) (OutboxItem, error) {
	return s.e.ReplaceWithTemplate(localID, conv, tpl, values)
}

// Capabilities says what the account's platform can do beyond the core;
// the UI shows only those actions and says why for the others.
func (s *Service) Capabilities() Capabilities { return s.e.Capabilities() }

// SavedResponses lists the platform's canned replies (Capabilities.SavedResponses).
func (s *Service) SavedResponses(ctx context.Context) ([]SavedResponse, error) {
	return s.e.SavedResponses(ctx)
}

// SetConversationTags replaces a conversation's tags (Capabilities.Tags).
func (s *Service) SetConversationTags(ctx context.Context, convID string, tags []string) error {
	return s.e.SetConversationTags(ctx, convID, tags)
}

// SaveMedia downloads a message's file into DownloadDir (MediaFetcher).
func (s *Service) SaveMedia(ctx context.Context, key string) (SavedMedia, error) {
	return s.e.SaveMedia(ctx, key, s.DownloadDir)
}

// SendFile queues a file as a reply with caption (FileSender).
func (s *Service) SendFile(convID, path, caption string) (OutboxItem, error) {
	return s.e.SendFile(convID, path, caption)
}

// Identity says who the agent is, from where, and whether to ask them.
func (s *Service) Identity() (Identity, error) { return s.e.Identity() }

// ChooseMe records the agent's answer to "Which of these is you?".
func (s *Service) ChooseMe(userID string) error { return s.e.ChooseMe(userID) }

// metaUIPlace is where the UI keeps where the agent was (its own format).
const metaUIPlace = "ui.place"

// UIPlace is what SetUIPlace kept ("" for nothing).
func (s *Service) UIPlace() (string, error) { return s.st.GetMeta(metaUIPlace) }

// SetUIPlace keeps where the agent was for the next start.
func (s *Service) SetUIPlace(place string) error { return s.st.SetMeta(metaUIPlace, place) }
