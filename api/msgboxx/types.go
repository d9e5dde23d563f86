package msgboxx

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

// Wire types mirror the reference's JSON. Field tags use the reference's
// dominant spelling; encoding/json matches object keys case-insensitively,
// which is what absorbs the reference's "datetime"/"dateTime" and
// "apiAccountId"/"apiAccountid" variants (TestDecodeSpellingVariants guards
// this). Unknown fields are ignored.

// Time is a timestamp as the platform writes it. It accepts RFC 3339 with or
// without fractional seconds and with "Z" or an offset
// ("2024-04-30T14:03:25.06359+00:00"), a date-time without a zone (taken as
// UTC), a bare date, an empty string and null (both the zero time).
type Time struct{ time.Time }

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// ParseTime parses s in any of the layouts Time accepts.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised date-time %q", truncate(s, 40))
}

func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("date-time is not a string: %s", truncate(string(b), 40))
	}
	parsed, err := ParseTime(s)
	if err != nil {
		return err
	}
	t.Time = parsed
	return nil
}

func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// Paging is the envelope every list endpoint returns beside its items.
// The walkthrough's examples omit "pages"; the pager then derives it.
type Paging struct {
	RecordCount int `json:"recordCount"`
	Pages       int `json:"pages"`
}

// Page is one page of a list endpoint.
type Page[T any] struct {
	Items  []T    `json:"items"`
	Paging Paging `json:"paging"`
}

// PageSize is the platform's fixed page size (reference, 4/12/2023).
const PageSize = 100

// MaxMessageLength is the longest session message or broadcast, in
// characters, that the client lets leave.
const MaxMessageLength = 4096

// Token is the answer of POST /oauth/token. ExpiresAt is a string in the
// reference; Client reads it as a date-time or as Unix seconds.
type Token struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
	ExpiresAt   string `json:"expires_at"`
}

// String never reveals the token.
func (t Token) String() string { return "msgboxx.Token{…}" }

// GoString never reveals the token either (%#v).
func (t Token) GoString() string { return t.String() }

// APIAccount is a WhatsApp business number the organisation sends from.
type APIAccount struct {
	ID          string `json:"apiAccountId"`
	PhoneNumber string `json:"phoneNumber"`
	Name        string `json:"name"`
	Created     Time   `json:"datetime"`
}

// Inbox groups conversations within an api account.
type Inbox struct {
	ID           string `json:"inboxId"`
	APIAccountID string `json:"apiAccountId"`
	Name         string `json:"name"`
	Created      Time   `json:"dateTime"`
}

// Contact is a customer of one api account.
type Contact struct {
	ID           string   `json:"contactId,omitempty"`
	MobileNumber string   `json:"mobileNumber"`
	Name         string   `json:"name"`
	Status       string   `json:"status,omitempty"`
	Email        string   `json:"email,omitempty"`
	APIAccountID string   `json:"apiAccountId"`
	Created      Time     `json:"datetime"`
	Tags         []string `json:"tags"`
}

// contactUpdate is the body of PUT /contact/{id}: the whole contact, as
// the reference's example sends it, except that a creation time the
// client does not know is left out: "datetime": "" is no date-time, and
// the reference never shows it empty.
type contactUpdate struct {
	ID           string   `json:"contactId"`
	MobileNumber string   `json:"mobileNumber"`
	Name         string   `json:"name"`
	Status       string   `json:"status,omitempty"`
	Email        string   `json:"email,omitempty"`
	APIAccountID string   `json:"apiAccountId"`
	Created      *Time    `json:"datetime,omitempty"`
	Tags         []string `json:"tags"`
}

func newContactUpdate(ct Contact) contactUpdate {
	u := contactUpdate{ID: ct.ID, MobileNumber: ct.MobileNumber, Name: ct.Name, Status: ct.Status, Email: ct.Email,
		APIAccountID: ct.APIAccountID, Tags: ct.Tags}
	if !ct.Created.IsZero() {
		u.Created = &ct.Created
	}
	if u.Tags == nil {
		u.Tags = []string{}
	}
	return u
}

// Contact statuses named by the reference.
const (
	ContactSubscribed    = "Subscribed"
	ContactPresubscribed = "Presubscribed"
	ContactUnsubscribed  = "Unsubscribed"
)

// NewContact is the body of POST /contact.
type NewContact struct {
	MobileNumber string `json:"mobileNumber"`
	Name         string `json:"name"`
	Status       string `json:"status,omitempty"` // the reference: "should be Presubscribed"
	Email        string `json:"email,omitempty"`
	APIAccountID string `json:"apiAccountId"`
}

// ContactRef is the contact as embedded in a message.
type ContactRef struct {
	ID           string `json:"contactId"`
	MobileNumber string `json:"mobileNumber"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	APIAccountID string `json:"apiAccountId"`
}

// Message is a session or template message, in either direction.
//
// The reference returns isSent/isDelivered/isRead flags and the body as
// "bodyText"; the walkthrough returns a "status" string, the body as
// "message" and a top-level "contactId". Both shapes decode into Message:
// Body and Contact.ID are filled from whichever is present, and Status()
// derives one status from everything the server said.
type Message struct {
	ID             string     `json:"messageId"`
	Body           string     `json:"bodyText"`
	APIAccountID   string     `json:"apiAccountId"`
	Sent           Time       `json:"dateTime"`
	ConversationID string     `json:"conversationId"`
	FileLocation   string     `json:"fileLocation"`
	Direction      string     `json:"messageDirection"`
	IsTemplate     bool       `json:"isTemplateMessage"`
	IsSent         bool       `json:"isSent"`
	IsDelivered    bool       `json:"isDelivered"`
	IsRead         bool       `json:"isRead"`
	StatusText     string     `json:"status"`
	Contact        ContactRef `json:"contact"`
	SenderFirst    string     `json:"senderFirstName"`
	SenderLast     string     `json:"senderLastName"`
}

// UnmarshalJSON accepts both documented message shapes.
func (m *Message) UnmarshalJSON(b []byte) error {
	type plain Message
	var aux struct {
		plain
		AltBody      *string `json:"message"`
		AltContactID string  `json:"contactId"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*m = Message(aux.plain)
	if m.Body == "" && aux.AltBody != nil {
		m.Body = *aux.AltBody
	}
	if m.Contact.ID == "" {
		m.Contact.ID = aux.AltContactID
	}
	if m.Contact.APIAccountID == "" {
		m.Contact.APIAccountID = m.APIAccountID
	}
	return nil
}

// Outgoing reports whether the business sent the message. Only "outgoing"
// is documented; any other value, or none, is taken as inbound.
func (m Message) Outgoing() bool {
	return strings.EqualFold(strings.TrimSpace(m.Direction), "outgoing")
}

// Status derives one status from the flags and the status string, taking
// the more advanced of the two (a failure always wins). An outgoing
// message the server says nothing about is pending.
func (m Message) Status() state.MessageStatus {
	flags := state.StatusUnknown
	switch {
	case m.IsRead:
		flags = state.StatusRead
	case m.IsDelivered:
		flags = state.StatusDelivered
	case m.IsSent:
		flags = state.StatusSent
	}
	s := state.Later(flags, state.ParseMessageStatus(m.StatusText))
	if s == state.StatusUnknown && m.Outgoing() {
		s = state.StatusPending
	}
	return s
}

// SenderName is the sending user's name for outgoing messages.
func (m Message) SenderName() string {
	return strings.TrimSpace(m.SenderFirst + " " + m.SenderLast)
}

// NewMessage is the body of POST /message: a freeform session message,
// allowed only while the contact's 24-hour window is open.
type NewMessage struct {
	APIAccountID string `json:"apiAccountId"`
	ContactID    string `json:"contactId"`
	Message      string `json:"message"`
}

// Broadcast is a template message sent to one contact. MessageID, Message
// and Status may be empty until the platform has queued it.
type Broadcast struct {
	ID           string `json:"broadcastId"`
	APIAccountID string `json:"apiAccountId"`
	ContactID    string `json:"contactId"`
	MessageID    string `json:"messageId"`
	Message      string `json:"message"`
	Status       string `json:"status"`
	Created      Time   `json:"dateTime"`
}

// Queued reports whether the platform has attached the message yet.
func (b Broadcast) Queued() bool { return b.MessageID != "" }

// NewBroadcast is the body of POST /broadcast: Message is the template's
// text with every placeholder replaced.
type NewBroadcast struct {
	APIAccountID string `json:"apiAccountId"`
	ContactID    string `json:"contactId"`
	TemplateID   string `json:"templateId"`
	Message      string `json:"message"`
}

// Template is a WhatsApp-approved (or pending, or rejected) message
// pattern with {{n}} placeholders; Example holds sample values in [brackets].
type Template struct {
	ID           string `json:"templateId"`
	APIAccountID string `json:"apiAccountId"`
	Status       string `json:"status"`
	Name         string `json:"name"`
	Text         string `json:"templateText"`
	Example      string `json:"templateExample"`
	Created      Time   `json:"dateTime"`
}

// Template statuses named by the reference.
const (
	TemplateApproved = "Approved"
	TemplatePending  = "Pending"
	TemplateRejected = "Rejected"
)

// Approved reports whether the template may be sent.
func (t Template) Approved() bool {
	return strings.EqualFold(strings.TrimSpace(t.Status), TemplateApproved)
}

// UserRef names a platform user.
type UserRef struct {
	ID        string `json:"userId"`
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
}

// Name is the user's full name.
func (u UserRef) Name() string { return strings.TrimSpace(u.FirstName + " " + u.LastName) }

// AccountRef names an api account inside /user and /team answers, where the
// reference spells the id key "apiAccountid".
type AccountRef struct {
	ID   string `json:"apiAccountId"`
	Name string `json:"name"`
}

// TeamRef names a team inside a conversation.
type TeamRef struct {
	ID          string `json:"teamId"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Team groups users; it is linked to api accounts, or global when it has none.
type Team struct {
	ID          string       `json:"teamId"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	APIAccounts []AccountRef `json:"apiAccounts"`
	Users       []UserRef    `json:"users"`
}

// Global reports whether the team serves every api account.
func (t Team) Global() bool { return len(t.APIAccounts) == 0 }

// Serves reports whether the team may be assigned conversations of the
// api account.
func (t Team) Serves(apiAccountID string) bool {
	if t.Global() {
		return true
	}
	for _, a := range t.APIAccounts {
		if a.ID == apiAccountID {
			return true
		}
	}
	return false
}

// UserLink is one element of GET /user: a user and one api account they
// may work in. A user linked to three accounts appears three times.
type UserLink struct {
	User       UserRef    `json:"user"`
	APIAccount AccountRef `json:"apiAccount"`
}

// Folder is where a conversation is filed.
type Folder string

const (
	FolderInbox   Folder = "inbox"
	FolderArchive Folder = "archive"
	FolderSpam    Folder = "spam"
)

// Valid reports whether f is one of the three documented folders.
func (f Folder) Valid() bool { return f == FolderInbox || f == FolderArchive || f == FolderSpam }

// Conversation is what GET /conversation/{id} returns: the assignee (a user
// or a team, never both) and the folder. The id is not in the answer; the
// client fills it in from the request.
type Conversation struct {
	ID     string   `json:"-"`
	User   *UserRef `json:"user"`
	Team   *TeamRef `json:"team"`
	Folder Folder   `json:"folder"`
}

// UnmarshalJSON treats an empty user or team object ({} or ids of "")
// as absent, and lower-cases the folder.
func (c *Conversation) UnmarshalJSON(b []byte) error {
	type plain Conversation
	var aux plain
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*c = Conversation(aux)
	if c.User != nil && c.User.ID == "" {
		c.User = nil
	}
	if c.Team != nil && c.Team.ID == "" {
		c.Team = nil
	}
	c.Folder = Folder(strings.ToLower(strings.TrimSpace(string(c.Folder))))
	return nil
}

// ConversationUpdate is the body of PUT /conversation/{id}. Empty fields are
// left out of the request and so left unchanged; UserID and TeamID are
// mutually exclusive. The platform documents no way to unassign.
type ConversationUpdate struct {
	UserID string `json:"userId,omitempty"`
	TeamID string `json:"teamId,omitempty"`
	Folder Folder `json:"folder,omitempty"`
}

// Changes drops from u every field that already holds in c, so that only
// what changes is sent. An empty result means there is nothing to send.
func (u ConversationUpdate) Changes(c Conversation) ConversationUpdate {
	if u.UserID != "" && c.User != nil && c.User.ID == u.UserID {
		u.UserID = ""
	}
	if u.TeamID != "" && c.Team != nil && c.Team.ID == u.TeamID {
		u.TeamID = ""
	}
	if u.Folder != "" && c.Folder == u.Folder {
		u.Folder = ""
	}
	return u
}

// Empty reports whether the update changes nothing.
func (u ConversationUpdate) Empty() bool { return u == ConversationUpdate{} }

// Webhook is an organisation's subscription to platform events.
type Webhook struct {
	ID           string `json:"webhookId"`
	Type         string `json:"type"`
	TargetURL    string `json:"targetUrl"`
	IsEnabled    bool   `json:"isEnabled"`
	FailureCount int    `json:"failureCount"`
	IsZapier     bool   `json:"isZapier"`
}

// WebhookInput is the body of POST /webhook and PUT /webhook/{id}: the
// only fields the platform lets a caller set.
type WebhookInput struct {
	Type      string `json:"type"`
	TargetURL string `json:"targetUrl"`
	IsEnabled bool   `json:"isEnabled"`
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !isRuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
