package state

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"iter"
	"net"
	"syscall"
	"time"
)

// Backend is the core every platform provides: who the user is,
// reference data, the messages changed since a point, a page of one
// conversation's history, sending, and assignment. Everything else a
// platform may or may not do is an optional capability, a small interface
// of its own detected by type assertion (FolderMover, Resolver,
// ConversationTagger, SavedResponder, ContactEditor, Unassigner,
// UserAndTeamAssigner, EventStreamer, TemplateFollower, ReadMarker; see
// Capabilities). api/msgboxx implements it (and api/getchat will); state
// never sees the wire. Failures are *BackendError.
type Backend interface {
	// Me is the logged-in user.
	Me(ctx context.Context) (User, error)

	// Reference data, read at start and every Config.RefreshEvery.
	Accounts(ctx context.Context) ([]Account, error)
	Users(ctx context.Context) ([]User, error)
	Teams(ctx context.Context) ([]Team, error)
	Templates(ctx context.Context) ([]Template, error)
	// Contacts yields every contact the user may see, page by page.
	Contacts(ctx context.Context) iter.Seq2[[]Contact, error]

	// Messages yields the messages matching q page by page, each page
	// with the contacts its messages name (and, on a platform that has
	// them, the conversations' metadata: Batch.Conversations). Pages may
	// come in any order: the engine moves its cursor only when a whole
	// pass has succeeded, or as far as a page's Through promises.
	Messages(ctx context.Context, q MessageQuery) iter.Seq2[Batch, error]
	// History is one page of a conversation's messages from before
	// q.Before (the platform decides how much a page holds), for an agent
	// scrolling past the synced window.
	History(ctx context.Context, q HistoryQuery) (Batch, error)
	// Message reads one message again (its status moves).
	Message(ctx context.Context, id string) (Message, error)
	// ConversationMeta reads a conversation's folder (FolderMover:
	// inbox, archive or spam; Resolver: archive when resolved, else
	// inbox; otherwise empty, read as inbox) and assignee.
	ConversationMeta(ctx context.Context, id string) (ConversationMeta, error)

	// Send sends a text or a template. The platform may accept a send
	// before it is a message: then Sent.Message.ID is empty and, on a
	// TemplateFollower, Sent.FollowUp says how to follow it.
	Send(ctx context.Context, out Outgoing) (Sent, error)
	// Assign sets a conversation's assignee: a user, a team, or (on a
	// UserAndTeamAssigner) both; an empty field is left as it is. On a
	// platform with one assignee, assigning a user clears the team and
	// the other way round.
	Assign(ctx context.Context, conversationID string, a Assignment) error
}

// Assignment is who takes a conversation: an optional user plus an
// optional team.
type Assignment struct {
	UserID string
	TeamID string
}

// MessageQuery narrows Backend.Messages. From is inclusive, To exclusive;
// zero To means now. AccountID, ContactID and ConversationID narrow it
// further when set.
type MessageQuery struct {
	From, To       time.Time
	AccountID      string
	ContactID      string
	ConversationID string
}

// HistoryQuery asks for a page of a conversation's history: messages
// before Before (zero: now).
type HistoryQuery struct {
	ConversationID string
	AccountID      string
	Before         time.Time
}

// ConversationMeta is what the platform says of a conversation beyond its
// messages: folder and assignee. In an update, empty fields are left
// unchanged.
type ConversationMeta struct {
	Folder Folder
	UserID string
	TeamID string
}

// Outgoing is one message to send: text, or a template reference with
// its parameters. Text is always the body as the agent sees it (for a
// template: its text filled in), shown locally and used to recognise the
// platform's copy.
type Outgoing struct {
	AccountID      string
	ContactID      string
	ConversationID string // "" or a NewConversationID when the platform has none yet
	Text           string
	Template       *TemplateRef  // nil: a text message
	File           *OutgoingFile // a file with Text as its caption (FileSender); nil: none
}

// OutgoingFile is a file attached to a reply: the copy mbx keeps in its
// data directory until the reply is sent (so the agent may move or edit
// the original), with the name and type the customer sees.
type OutgoingFile struct {
	Path string `json:"path"` // mbx's copy
	Name string `json:"name"` // the original's base name, sanitized
	MIME string `json:"mime"`
	Size int64  `json:"size"`
}

// IsZero reports no file.
func (f OutgoingFile) IsZero() bool { return f.Path == "" }

// Media is the file as the thread shows it before the platform answers.
func (f OutgoingFile) Media() Media {
	return Media{Kind: MediaKindOf(f.MIME), Name: f.Name, MIME: f.MIME, Size: f.Size}
}

// IsTemplate reports whether out is a template send.
func (out Outgoing) IsTemplate() bool { return out.Template != nil }

// TemplateRef names a template and the values of its placeholders. A
// platform uses the id or the name and language, whichever it knows
// templates by.
type TemplateRef struct {
	ID       string
	Name     string
	Language string
	// Params are the placeholder values in order: Params[i] fills {{i+1}}
	// (a placeholder the template does not use is "").
	Params []string
}

// Param returns the value of placeholder {{index}} ("" when none).
func (r TemplateRef) Param(index int) string {
	if index < 1 || index > len(r.Params) {
		return ""
	}
	return r.Params[index-1]
}

// Sent is the platform's answer to a send.
type Sent struct {
	// Message is the platform's message; its ID is empty when the
	// platform accepted the send but has no message for it yet.
	Message Message
	// FollowUp is, for such a send on a TemplateFollower, the token to
	// follow it with.
	FollowUp string
}

// ---- optional capabilities ----

// FolderMover is a platform with folders (inbox, archive, spam): msgboxx.
// UpdateConversation moves and/or assigns a conversation in one request;
// empty fields are left unchanged. When the backend is a FolderMover, the
// engine makes every conversation change through it, assignments
// included.
type FolderMover interface {
	UpdateConversation(ctx context.Context, id string, change ConversationMeta) error
}

// Resolver is a platform where a conversation is open or resolved
// instead of filed (get.chat). The store keeps a resolved conversation
// in FolderArchive: Change{Folder: FolderArchive} resolves,
// Change{Folder: FolderInbox} reopens; there is no spam.
type Resolver interface {
	Resolve(ctx context.Context, conversationID string) error
	Reopen(ctx context.Context, conversationID string) error
}

// ConversationTagger is a platform that tags conversations (as well as,
// or instead of, contacts). SetConversationTags replaces them.
type ConversationTagger interface {
	SetConversationTags(ctx context.Context, conversationID string, tags []string) error
}

// SavedResponse is a canned reply the agent can insert.
type SavedResponse struct {
	ID   string
	Name string
	Text string
}

// SavedResponder is a platform with saved (canned) responses.
type SavedResponder interface {
	SavedResponses(ctx context.Context) ([]SavedResponse, error)
}

// ContactEditor is a platform whose contacts can be created and edited
// from mbx (msgboxx). A platform implements all of it; the engine asks
// each action only for the part it uses (creating: CreateContact and
// ContactByNumber; tags: UpdateContact and ContactByNumber), so a test
// double may implement just that part.
type ContactEditor interface {
	// CreateContact adds a contact; a number the account already has is
	// a KindConflict error.
	CreateContact(ctx context.Context, c Contact) (Contact, error)
	// UpdateContact replaces a contact's name, number, email and tags.
	UpdateContact(ctx context.Context, c Contact) (Contact, error)
	// ContactByNumber finds the account's contact with that E.164 number.
	ContactByNumber(ctx context.Context, accountID, number string) (Contact, bool, error)
}

// contactCreator is the part of ContactEditor Engine.CreateContact needs.
type contactCreator interface {
	CreateContact(ctx context.Context, c Contact) (Contact, error)
	ContactByNumber(ctx context.Context, accountID, number string) (Contact, bool, error)
}

// contactUpdater is the part of ContactEditor Engine.SetContactTags needs.
type contactUpdater interface {
	UpdateContact(ctx context.Context, c Contact) (Contact, error)
	ContactByNumber(ctx context.Context, accountID, number string) (Contact, bool, error)
}

// Unassigner is a platform that can take a conversation's assignee away
// (user and team both).
type Unassigner interface {
	Unassign(ctx context.Context, conversationID string) error
}

// UserAndTeamAssigner is a platform whose conversations have a user and a
// team at once (get.chat: an assignee and a group). Its Assign takes both
// together, and assigning one keeps the other. Without it, a change
// naming both is refused before any request.
type UserAndTeamAssigner interface {
	AssignsUserAndTeam()
}

// EventStreamer is a platform that pushes changes (get.chat's websocket).
// Events yields each change as a Batch, applied like a page of Messages,
// until ctx ends or the stream breaks (an error).
//
// The contract: once the stream is up, before any change on it, Events
// yields a batch with Connected set (it may carry changes too). From
// then until the stream ends, the platform pushes every change of
// messages, statuses and conversation metadata, so the engine makes no
// periodic message polls: it catches up once by since-time right after
// each Connected (for what happened before the stream was up), then lives
// on the stream. When the stream breaks it polls at its usual pace again
// and reconnects after a backoff. A stream that never yields Connected is
// applied as it comes, and the engine keeps polling as without one.
type EventStreamer interface {
	Events(ctx context.Context) iter.Seq2[Batch, error]
}

// TemplateFollower is a platform that may accept a template send before
// it is a message and hands back a token to follow it with (msgboxx: a
// broadcast).
type TemplateFollower interface {
	// FollowUp says what became of the send accepted with token: a
	// Message with an ID once it is one, a zero Message until then, a
	// KindNotFound error when the platform lost it.
	FollowUp(ctx context.Context, token string) (Message, error)
	// FindSend looks, for an outbox item whose request may or may not
	// have arrived, for a send of out the platform accepted at or after
	// since whose token claimed does not hold (tokens other items
	// already follow).
	FindSend(ctx context.Context, out Outgoing, since time.Time, claimed func(token string) bool) (Sent, bool, error)
}

// ReadMarker is a platform that keeps unread counts itself (get.chat):
// its batches carry them (Batch.Unread), and MarkRead tells it the agent
// has read the conversation's customer messages up to upTo. The engine
// calls it in the background when the agent opens a conversation; a
// failure is logged, and the platform's count wins at its next answer.
type ReadMarker interface {
	MarkRead(ctx context.Context, conversationID string, upTo time.Time) error
}

// InboxLister is a platform that groups an account's conversations into
// inboxes (msgboxx); the store keeps them.
type InboxLister interface {
	Inboxes(ctx context.Context) ([]Inbox, error)
}

// PlatformNamer names the platform in the agent's words ("msgboxx");
// without it, messages say "the platform".
type PlatformNamer interface {
	PlatformName() string
}

// MediaFetcher is a platform that keeps messages' files: FetchMedia reads
// the file a message's Media names (Media.Ref is the platform's own).
type MediaFetcher interface {
	FetchMedia(ctx context.Context, m Media) (MediaFile, error)
}

// FileSender is a platform whose Send takes Outgoing.File: a file with
// the text as its caption. MaxFileSize is the largest file of that
// content type it takes (0: no limit known).
type FileSender interface {
	MaxFileSize(contentType string) int64
}

// Capabilities is what the platform behind an engine can do beyond the
// core, for the UI to show only that.
type Capabilities struct {
	Folders          bool // FolderMover: inbox, archive, spam
	Resolve          bool // Resolver: resolve and reopen
	Tags             bool // ConversationTagger
	SavedResponses   bool // SavedResponder
	ContactEditing   bool // ContactEditor (or the part of it one action needs): create contacts, edit their tags
	Unassign         bool // Unassigner
	UserAndTeam      bool // UserAndTeamAssigner: a user and a team at once
	PushedEvents     bool // EventStreamer
	TemplateFollowUp bool // TemplateFollower
	ServerUnread     bool // ReadMarker: unread counts kept (and marked read) on the platform
	Media            bool // MediaFetcher: messages' files can be saved and opened
	Attachments      bool // FileSender: a reply can carry a file
}

// CapabilitiesOf reports what be can do beyond the core (zero for nil).
func CapabilitiesOf(be Backend) Capabilities {
	if be == nil {
		return Capabilities{}
	}
	var c Capabilities
	_, c.Folders = be.(FolderMover)
	_, c.Resolve = be.(Resolver)
	_, c.Tags = be.(ConversationTagger)
	_, c.SavedResponses = be.(SavedResponder)
	_, creates := be.(contactCreator)
	_, updates := be.(contactUpdater)
	c.ContactEditing = creates || updates
	_, c.Unassign = be.(Unassigner)
	_, c.UserAndTeam = be.(UserAndTeamAssigner)
	_, c.PushedEvents = be.(EventStreamer)
	_, c.TemplateFollowUp = be.(TemplateFollower)
	_, c.ServerUnread = be.(ReadMarker)
	_, c.Media = be.(MediaFetcher)
	_, c.Attachments = be.(FileSender)
	return c
}

// Capabilities reports what the engine's platform can do beyond the core;
// the zero value for an engine without a backend.
func (e *Engine) Capabilities() Capabilities {
	if e == nil {
		return Capabilities{}
	}
	c := CapabilitiesOf(e.be)
	c.SavedResponses = c.SavedResponses || e.cfg.Responses != nil
	return c
}

// platformName is the platform in words.
func (e *Engine) platformName() string {
	if n, ok := e.be.(PlatformNamer); ok && n.PlatformName() != "" {
		return n.PlatformName()
	}
	return "the platform"
}

// errNoCapability refuses what the platform cannot do, in words.
func (e *Engine) errNoCapability(what string) error {
	name := e.platformName()
	if _, named := e.be.(PlatformNamer); !named {
		name = upperFirst(name) // "The platform"; a name keeps its spelling
	}
	return &InputError{fmt.Sprintf("%s cannot %s", name, what)}
}

// ErrorKind says what a failed platform call means for the caller.
type ErrorKind int

const (
	// KindTemporary: nothing was done; the same call may work later
	// (no connection, rate limited, server error on a read).
	KindTemporary ErrorKind = iota + 1
	// KindAmbiguous: the request may have been acted on although no
	// success was seen. Reconcile before repeating it.
	KindAmbiguous
	// KindRefused: the platform said no; repeating will not help.
	KindRefused
	// KindWindowClosed: a freeform message to a contact whose 24-hour
	// window is closed; a template is needed.
	KindWindowClosed
	// KindAuth: the user has to log in again.
	KindAuth
	// KindNotFound: the thing does not exist (or is not this user's).
	KindNotFound
	// KindConflict: it exists already (e.g. a contact's number).
	KindConflict
)

// BackendError is how a Backend reports failures, so that state can decide
// without knowing the platform.
type BackendError struct {
	Kind       ErrorKind
	Op         string        // what was attempted, e.g. "POST /message"
	Message    string        // the platform's words, if any (untrusted)
	RetryAfter time.Duration // the platform's requested wait, if any
	Err        error
}

func (e *BackendError) Error() string {
	s := e.Op
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *BackendError) Unwrap() error { return e.Err }

// KindOf returns the kind of a Backend error; errors that are not
// BackendErrors count as temporary, context errors excepted (0).
func KindOf(err error) ErrorKind {
	if err == nil || errors.Is(err, context.Canceled) {
		return 0
	}
	var be *BackendError
	if errors.As(err, &be) {
		return be.Kind
	}
	return KindTemporary
}

// Cause is why the platform cannot be reached, in a few words for the
// status bar ("connection refused", "no answer in time", "cannot find
// api.example.com"), never a raw "dial tcp …" line; what it cannot name
// it says with Words.
func Cause(err error) string {
	switch {
	case err == nil:
		return ""
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ENETDOWN):
		return "network unreachable"
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "the connection closed early"
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		if dns.IsNotFound {
			return "cannot find " + dns.Name
		}
		return "cannot look up " + dns.Name
	}
	var cert *tls.CertificateVerificationError
	if errors.As(err, &cert) {
		return "the server's certificate is not trusted"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "no answer in time"
	}
	var be *BackendError
	if errors.As(err, &be) && be.Kind == KindTemporary && be.RetryAfter == 0 && be.Message != "" {
		return be.Message
	}
	return Words(err)
}

// Words is a failure as the agent reads it: what happened and what to do.
func Words(err error) string {
	var be *BackendError
	if !errors.As(err, &be) {
		if errors.Is(err, context.DeadlineExceeded) {
			return "the platform did not answer in time; mbx keeps trying"
		}
		return err.Error()
	}
	msg := be.Message
	switch be.Kind {
	case KindTemporary:
		if be.RetryAfter > 0 {
			return fmt.Sprintf("the platform asked us to slow down; trying again in %s", FormatDuration(be.RetryAfter))
		}
		if msg == "" && be.Err != nil {
			msg = be.Err.Error()
		}
		return "cannot reach the platform (" + msg + "); mbx keeps trying"
	case KindAmbiguous:
		return "no answer from the platform; mbx checks whether it arrived before sending again"
	case KindWindowClosed:
		return "the 24-hour window is closed — only an approved template can reach this customer now"
	case KindAuth:
		return "the session expired — log in again (mbx login)"
	case KindNotFound:
		return "not found on the platform" + suffix(msg)
	case KindConflict:
		return "already exists" + suffix(msg)
	}
	if msg == "" && be.Err != nil {
		msg = be.Err.Error()
	}
	return "refused by the platform: " + msg
}

func suffix(msg string) string {
	if msg == "" {
		return ""
	}
	return ": " + msg
}
