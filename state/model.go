package state

import (
	"strings"
	"time"
)

// The domain model is independent of any platform's wire format: api/*
// packages translate into it.

// Account is a WhatsApp business number the organisation sends from
// (msgboxx: an api account).
type Account struct {
	ID    string
	Name  string
	Phone string
}

// Inbox groups conversations within an account.
type Inbox struct {
	ID        string
	AccountID string
	Name      string
}

// Contact is a customer of one account.
type Contact struct {
	ID        string
	AccountID string
	Name      string
	Number    string // E.164
	Status    string // Subscribed, Presubscribed, Unsubscribed
	Email     string
	Tags      []string
	Created   time.Time
}

// Label is how the contact is shown: the name, or the number without one.
func (c Contact) Label() string {
	if strings.TrimSpace(c.Name) != "" {
		return c.Name
	}
	return c.Number
}

// Folder is where a conversation is filed.
type Folder string

const (
	FolderInbox   Folder = "inbox"
	FolderArchive Folder = "archive"
	FolderSpam    Folder = "spam"
)

// Valid reports whether f is one of the three folders.
func (f Folder) Valid() bool { return f == FolderInbox || f == FolderArchive || f == FolderSpam }

// Conversation is the thread between an account and a contact, with what
// the list shows precomputed.
type Conversation struct {
	ID            string
	AccountID     string
	ContactID     string
	ContactName   string
	ContactNumber string
	Folder        Folder
	UserID        string // assignee user; empty when none
	TeamID        string // assignee team; empty when none (both only where the platform has UserAndTeam)
	LastInbound   time.Time
	LastOutbound  time.Time
	LastActivity  time.Time
	Preview       string // last message body, one line
	PreviewOut    bool   // the preview is ours
	Unread        int    // customer messages since the agent last opened it
	MetaKnown     bool   // folder and assignee fetched from the platform
	// MarkedUnread: the agent marked it unread (kept locally, see doc.go);
	// it shows unread, whatever Unread says, until opened again.
	MarkedUnread bool
	// What the list shows of the last message when it is ours (read by
	// ListConversations; zero elsewhere): its status (the tick), whether
	// the logged-in agent sent it (sent from here, or the platform's
	// sender proves it: SenderOwnership), and otherwise the sending
	// agent's first name ("" unknown; untrusted text, sanitized when drawn).
	PreviewStatus MessageStatus
	PreviewMine   bool
	PreviewBy     string
	// Draft is the first line of the saved draft ("" none; read by
	// ListConversations).
	Draft string
	// Tags of the conversation, where the platform tags conversations
	// (Capabilities.Tags); untrusted text, sanitized when drawn.
	Tags []string
	// ReadOnly: the logged-in user may not write here (get.chat: a regular
	// user writes only to chats assigned to them); ReadOnlyWhy says why.
	ReadOnly    bool
	ReadOnlyWhy string
	// SnoozedUntil is when a snoozed conversation wakes (zero: awake);
	// SnoozeReply: it wakes at the customer's next message, SnoozedUntil
	// at the latest (read by ListConversations; see snooze.go).
	SnoozedUntil time.Time
	SnoozeReply  bool
}

// IsUnread reports whether the list shows the conversation unread: customer
// messages not yet read, or marked unread by the agent.
func (c Conversation) IsUnread() bool { return c.Unread > 0 || c.MarkedUnread }

// WindowExpiry is when the conversation's 24-hour window closes (zero:
// closed, no customer message known).
func (c Conversation) WindowExpiry() time.Time { return WindowExpiry(c.LastInbound) }

// Label is the contact's name, or the number.
func (c Conversation) Label() string {
	if strings.TrimSpace(c.ContactName) != "" {
		return c.ContactName
	}
	return c.ContactNumber
}

// Direction is who wrote a message.
type Direction int

const (
	Inbound  Direction = iota // the customer
	Outbound                  // the business
)

// Message is one message of a conversation.
type Message struct {
	ID             string // the platform's id; empty while only local
	LocalID        string // the outbox id of a message sent from here; empty otherwise
	ConversationID string
	AccountID      string
	ContactID      string
	Direction      Direction
	Body           string
	Time           time.Time
	Status         MessageStatus
	Reason         string // why it failed, in words
	Template       bool
	Sender         string // the sending user's name, for outbound messages
	Media          Media  // the message's file; zero for none
}

// Media is a message's file: a picture, a voice note, a document. The
// body carries its caption as "[kind] caption"; Media says how to fetch it.
type Media struct {
	Kind string // image, video, audio, voice, document, sticker, file; "" for none
	Ref  string // the platform's reference to the file (opaque to the core)
	Name string // the file name, when the platform gives one
	MIME string // the content type, when known
	Size int64  // bytes; 0 until known (the platform reports it, or a download)
}

// IsZero reports a message without media.
func (m Media) IsZero() bool { return m.Kind == "" && m.Ref == "" }

// Key identifies the message in the store: the platform id, or the local
// id before the platform answered.
func (m Message) Key() string {
	if m.ID != "" {
		return m.ID
	}
	return "local:" + m.LocalID
}

// Template is a pre-approved message pattern.
type Template struct {
	ID        string
	AccountID string
	Name      string
	Language  string // e.g. "en_GB"; "" when the platform does not say
	Status    string // Approved, Pending, Rejected
	Text      string
	Example   string
}

// Approved reports whether the template may be sent.
func (t Template) Approved() bool { return strings.EqualFold(t.Status, "Approved") }

// Parse splits the template into text and placeholders with hints.
func (t Template) Parse() ParsedTemplate { return ParseTemplate(t.Text, t.Example) }

// User is a platform user and the accounts they work in.
type User struct {
	ID         string
	FirstName  string
	LastName   string
	AccountIDs []string
	// WriteScope is what the user may write to, where the platform
	// restricts it; read from Backend.Me's answer (the zero value:
	// everything). The store judges each conversation by it
	// (Conversation.ReadOnly).
	WriteScope WriteScope
}

// WorksIn reports whether the user may take conversations of the account
// (one of AccountIDs; a platform with a single account lists it for
// every user).
func (u User) WorksIn(accountID string) bool {
	for _, a := range u.AccountIDs {
		if a == accountID {
			return true
		}
	}
	return false
}

// Name is the full name.
func (u User) Name() string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }

// Team groups users; with no AccountIDs it is global.
type Team struct {
	ID          string
	Name        string
	Description string
	AccountIDs  []string
	UserIDs     []string
}

// Serves reports whether the team may take conversations of the account.
func (t Team) Serves(accountID string) bool {
	if len(t.AccountIDs) == 0 {
		return true
	}
	for _, a := range t.AccountIDs {
		if a == accountID {
			return true
		}
	}
	return false
}

// Draft is what the agent has typed but not sent, one per conversation.
type Draft struct {
	ConversationID string
	Text           string
	Updated        time.Time
}

// OutboxState is where a reply sent from here stands. See doc.go.
type OutboxState string

const (
	// OutboxQueued: written, waiting for its (next) attempt.
	OutboxQueued OutboxState = "queued"
	// OutboxSending: a request is, or may be, in flight. Found at start-up,
	// it means the process died mid-send: reconcile before any retry.
	OutboxSending OutboxState = "sending"
	// OutboxUncertain: the request may have reached the platform; look for
	// the message there before sending again.
	OutboxUncertain OutboxState = "uncertain"
	// OutboxSent: the platform has it; ServerID is set.
	OutboxSent OutboxState = "sent"
	// OutboxFailed: refused for good (Reason says why); the text is kept.
	OutboxFailed OutboxState = "failed"
	// OutboxReplaced: a failed reply the agent sent as a template instead
	// (Engine.ReplaceWithTemplate): settled, never sent; the text is kept.
	OutboxReplaced OutboxState = "replaced"
)

// OutboxKind is a session message or a template.
type OutboxKind string

const (
	OutboxMessage  OutboxKind = "message"
	OutboxTemplate OutboxKind = "template"
)

// OutboxItem is one reply on its way, exactly once from the agent's
// point of view.
type OutboxItem struct {
	LocalID        string
	ConversationID string
	AccountID      string
	ContactID      string
	Kind           OutboxKind
	// For templates: the reference and its placeholder values in order
	// (TemplateRef.Params). Items queued before these were kept have only
	// TemplateID and Body.
	TemplateID       string
	TemplateName     string
	TemplateLanguage string
	Params           []string
	Body             string    // the text, or the template filled in
	Created          time.Time // when the agent sent it (local clock)
	State            OutboxState
	Attempts         int
	NextAttempt      time.Time // zero: as soon as possible
	Reason           string    // the last failure, in words
	ServerID         string    // the platform's message id, once known
	// FollowUp is the token of a send the platform accepted before it
	// was a message (TemplateFollower; msgboxx: the broadcast id).
	FollowUp string
	// File is a reply's attached file (Body is its caption); zero for none.
	File OutgoingFile
}

// Outgoing is what the backend is handed for the item.
func (it OutboxItem) Outgoing() Outgoing {
	out := Outgoing{AccountID: it.AccountID, ContactID: it.ContactID, ConversationID: it.ConversationID, Text: it.Body}
	if !it.File.IsZero() {
		f := it.File
		out.File = &f
	}
	if it.Kind == OutboxTemplate {
		out.Template = &TemplateRef{ID: it.TemplateID, Name: it.TemplateName, Language: it.TemplateLanguage,
			Params: append([]string(nil), it.Params...)}
	}
	return out
}

// View selects conversations for the list: a folder, narrowed by assignee
// or urgency.
type View struct {
	Folder      Folder    // "" means inbox
	UserID      string    // Mine: assigned to this user
	Unassigned  bool      // neither user nor team
	TeamID      string    // assigned to this team
	ClosingSoon bool      // open window, under ClosingSoon left, last message the customer's; most urgent first
	Unread      bool      // only conversations with something unread or marked unread
	Now         time.Time // for ClosingSoon

	// Failed: conversations with a failed reply (an outbox item in state
	// failed), in every folder; Folder and the other fields are ignored.
	Failed bool
	// Rescue: the folder's conversations whose window closed (at Now)
	// while the customer waited; most recently lost first (rescue.go).
	Rescue bool
	// Snoozed: snoozed conversations of every folder, most recent
	// activity first (snooze.go); Folder and the other fields are ignored.
	Snoozed bool

	// Query, when set, chooses the conversations (ParseQuery) in its
	// order; of the other fields only Unread, Now and Me apply.
	Query *Query
	// Me is who assignee:me is in Query (the engine's Me).
	Me string
}

// SearchHit is one thing a search found: a conversation by its
// contact's name or number (ByContact; Message is zero), or a message by
// its words.
type SearchHit struct {
	Message      Message
	Conversation Conversation
	Snippet      string // the matching part of the body, plain text
	ByContact    bool   // found by the contact's name or number
	// Mine: an outbound message the logged-in agent sent — from here, or
	// provably theirs by its sender (SenderOwnership).
	Mine bool
}

// Batch is what a sync step learned: messages, and the contacts they
// name (so that new conversations get a name and number at once). Those
// contacts are partial — name, number and status, as a message carries
// them — and never erase a stored contact's email or tags.
type Batch struct {
	Messages []Message
	Contacts []Contact
	// Conversations is the metadata (folder, assignee) of conversations,
	// by id, from a platform whose changes carry it: those are not looked
	// up one by one.
	Conversations map[string]ConversationMeta
	// Through, when set, is the platform's promise that every message
	// of the pass dated at or before it has been yielded by this page or
	// an earlier one, so the sync cursor may move there before the pass
	// ends. Zero promises nothing (pages in any order).
	Through time.Time
	// Tags are the tags of conversations, by id, from a platform that tags
	// conversations (ConversationTagger), in its spelling: a conversation
	// named here has exactly these (nil or empty: none); one not named
	// keeps what the store has. Applied with the messages, after the
	// metadata; a conversation the store does not have is skipped.
	Tags map[string][]string
	// Unread is the platform's count of unread customer messages, by
	// conversation id, from a platform that keeps one (ReadMarker): a
	// conversation named here takes it as its Unread, after the batch's
	// messages; one not named keeps counting locally. Unknown
	// conversations are skipped.
	Unread map[string]int
	// Connected is an EventStreamer's signal that its stream is up: from
	// this batch on, until the stream ends, every change is pushed (see
	// EventStreamer). A batch of Messages never sets it.
	Connected bool
}

// ApplyResult says what a Batch changed.
type ApplyResult struct {
	NewConversations []string // created by this batch: their folder and assignee are unknown
	Changed          []string // conversations whose list row changed
	NewInbound       []string // conversations that received a customer message not seen before
	Threads          []string // conversations with a message inserted, placed or changed (a thread to redraw)
	NewMessages      int      // messages not seen before
	StatusChanges    int      // messages whose status moved
	Latest           time.Time
	// Rehomed maps each "new:" conversation whose first message the
	// platform placed to the platform's conversation it became; both ids
	// are in Changed, and the "new:" one is gone from the store.
	Rehomed map[string]string
}
