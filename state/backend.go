package state

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"
)

// Backend is what mbx needs from a messaging platform. api/msgboxx
// implements it (and api/getchat will); state never sees the wire.
type Backend interface {
	Accounts(ctx context.Context) ([]Account, error)
	Inboxes(ctx context.Context) ([]Inbox, error)
	Users(ctx context.Context) ([]User, error)
	Teams(ctx context.Context) ([]Team, error)
	Templates(ctx context.Context) ([]Template, error)
	// Contacts yields every contact the user may see, page by page.
	Contacts(ctx context.Context) iter.Seq2[[]Contact, error]
	// Messages yields the messages matching q page by page, oldest first,
	// each page with the contacts its messages name.
	Messages(ctx context.Context, q MessageQuery) iter.Seq2[Batch, error]
	Message(ctx context.Context, id string) (Message, error)
	ConversationMeta(ctx context.Context, id string) (ConversationMeta, error)
	UpdateConversation(ctx context.Context, id string, change ConversationMeta) error
	SendMessage(ctx context.Context, accountID, contactID, body string) (Message, error)
	// SendTemplate sends a filled template. The platform may answer before
	// the message exists: then Message.ID is empty and BroadcastID is how
	// to follow it (Broadcast).
	SendTemplate(ctx context.Context, accountID, contactID, templateID, body string) (TemplateSent, error)
	Broadcast(ctx context.Context, id string) (TemplateSent, error)
	// Broadcasts lists the template sends to one contact, newest last.
	Broadcasts(ctx context.Context, accountID, contactID string) ([]TemplateSent, error)
	// CreateContact adds a contact; a number the account already has is a
	// KindConflict error.
	CreateContact(ctx context.Context, c Contact) (Contact, error)
	// UpdateContact replaces a contact's name, number, email and tags.
	UpdateContact(ctx context.Context, c Contact) (Contact, error)
	// ContactByNumber finds the account's contact with that E.164 number.
	ContactByNumber(ctx context.Context, accountID, number string) (Contact, bool, error)
}

// MessageQuery narrows Backend.Messages. From is inclusive, To exclusive;
// zero To means now.
type MessageQuery struct {
	From, To       time.Time
	AccountID      string
	ContactID      string
	ConversationID string
}

// ConversationMeta is what the platform says of a conversation beyond its
// messages: folder and assignee (a user or a team, never both). In an
// update, empty fields are left unchanged.
type ConversationMeta struct {
	Folder Folder
	UserID string
	TeamID string
}

// TemplateSent is the platform's record of a template send.
type TemplateSent struct {
	BroadcastID string
	AccountID   string
	ContactID   string
	Body        string
	Time        time.Time
	Message     Message // ID empty until the platform has queued it
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
