package getchat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Wire types mirror the reference's JSON (and, where the reference lost a
// shape, what get.chat's own web client reads). Field tags use the
// reference's spelling. Unknown fields are ignored. Where the sources
// disagree on a value's type, a small type below accepts each reading:
// UnixTime (seconds as a number or a string, or an ISO date-time), Int (a
// number or a numeric string), ID (a string or a number), Language (a code
// or {code, policy}), and User, Group and Tag, which also decode from a bare
// id. See doc.go for each decision.

// ---------------------------------------------------------------------------
// Tolerant scalars

// UnixTime is a point in time as get.chat writes it: POSIX seconds as a JSON
// number (integral or with a fraction), the same digits in a string (WABA's
// "timestamp": "1612544982"), or an RFC 3339 / ISO 8601 date-time string.
// null, "", 0 and "0" all mean "not known" and decode to the zero time (the
// reference's waba_statuses use 0 for a status not reached). It encodes as
// integer seconds, which is what every request body of the API takes.
type UnixTime struct{ time.Time }

// maxUnix is 9999-12-31T23:59:59Z: anything later is not a timestamp.
const maxUnix = 253402300799

var isoLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999",
}

// Unix returns t as a UnixTime (zero stays zero).
func Unix(t time.Time) UnixTime { return UnixTime{t} }

// ParseUnixTime reads s as UnixTime does (without JSON quoting).
func ParseUnixTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if c := s[0]; c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9') {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return secondsToTime(f, s)
		}
	}
	for _, layout := range isoLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unrecognised timestamp %q", truncate(s, 40))
}

func secondsToTime(f float64, src string) (time.Time, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > maxUnix {
		return time.Time{}, fmt.Errorf("timestamp %q out of range", truncate(src, 40))
	}
	if f == 0 {
		return time.Time{}, nil
	}
	sec, frac := math.Modf(f)
	// Microseconds are as fine as a float64 of today's seconds can carry.
	usec := math.Round(frac * 1e6)
	return time.Unix(int64(sec), int64(usec)*1000).UTC(), nil
}

func (t *UnixTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errors.New("empty timestamp")
	case string(b) == "null":
		t.Time = time.Time{}
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		parsed, err := ParseUnixTime(s)
		if err != nil {
			return err
		}
		t.Time = parsed
		return nil
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		f, err := strconv.ParseFloat(string(b), 64)
		if err != nil {
			return fmt.Errorf("timestamp %s is not a number", truncate(string(b), 40))
		}
		parsed, err := secondsToTime(f, string(b))
		if err != nil {
			return err
		}
		t.Time = parsed
		return nil
	}
	return fmt.Errorf("timestamp is neither a number nor a string: %s", truncate(string(b), 40))
}

// MarshalJSON writes integer seconds; the zero time is written as 0.
func (t UnixTime) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("0"), nil
	}
	return strconv.AppendInt(nil, t.Unix(), 10), nil
}

// Int is an integer that may arrive as a JSON number or as a numeric string
// (the reference types path ids as "string" while describing them as
// integers). null decodes to 0. A number with a fraction other than .0 is
// refused.
type Int int64

func (n *Int) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*n = 0
		return nil
	}
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		s = strings.TrimSpace(s)
		if s == "" {
			*n = 0
			return nil
		}
	}
	v, err := parseInt(s)
	if err != nil {
		return err
	}
	*n = Int(v)
	return nil
}

func parseInt(s string) (int64, error) {
	if v, err := strconv.ParseInt(s, 10, 64); err == nil {
		return v, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f > math.MaxInt64 || f < math.MinInt64 {
		return 0, fmt.Errorf("not an integer: %s", truncate(s, 40))
	}
	return int64(f), nil
}

// ID is an identifier that may arrive as a JSON string or a JSON number
// (kept as the digits written). null decodes to "".
type ID string

func (id *ID) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*id = ""
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ID(s)
		return nil
	case len(b) > 0 && (b[0] == '-' || (b[0] >= '0' && b[0] <= '9')):
		var num json.Number
		if err := json.Unmarshal(b, &num); err != nil {
			return err
		}
		*id = ID(num.String())
		return nil
	}
	return fmt.Errorf("id is neither a string nor a number: %s", truncate(string(b), 40))
}

func (id ID) String() string { return string(id) }

// isIDOnly reports whether b is a bare JSON number or string, the form a
// reference takes where an object is documented elsewhere.
// bareID decodes b when it is a bare id, not an object (where the
// reference gives only the id), handing it to set; done false: decode
// the object instead.
func bareID(b []byte, set func(Int)) (done bool, err error) {
	if !isIDOnly(b) {
		return false, nil
	}
	var id Int
	if err := id.UnmarshalJSON(b); err != nil {
		return true, err
	}
	set(id)
	return true, nil
}

func isIDOnly(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && (b[0] == '"' || b[0] == '-' || (b[0] >= '0' && b[0] <= '9'))
}

// ---------------------------------------------------------------------------
// Paging

// Page is one page of a list endpoint: the documented envelope
// {count, next, previous, results}. DecodePage also accepts a bare JSON
// array (the Getting Started /chats/ example), then Bare is set and Count is
// the array's length.
type Page[T any] struct {
	// Count is the total over every page; HasCount is false when the server
	// sent null or nothing (the contacts endpoint documents that case).
	Count    int
	HasCount bool
	// Next and Previous are the server's links ("" for null). The docs'
	// examples write them with http://: check one with CheckLink before
	// following it.
	Next, Previous string
	Results        []T
	Bare           bool
	// Skipped names the items that did not decode; the others are kept.
	Skipped []ItemError
}

// ItemError is an item of a list or of an event payload that was skipped.
type ItemError struct {
	Path string // e.g. "results[3]", "entry[0].changes[1].value.statuses[2]"
	Err  error
}

func (e ItemError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e ItemError) Unwrap() error { return e.Err }

type rawEnvelope struct {
	Count    *Int              `json:"count"`
	Next     *string           `json:"next"`
	Previous *string           `json:"previous"`
	Results  []json.RawMessage `json:"results"`
}

// DecodePage decodes a list answer. The envelope must be an object with a
// "results" array (or null) or a bare array; each item is decoded on its own
// and one that fails is reported in Skipped, never failing the page.
func DecodePage[T any](data []byte) (Page[T], error) {
	var p Page[T]
	data = bytes.TrimSpace(data)
	var items []json.RawMessage
	switch {
	case len(data) > 0 && data[0] == '[':
		if err := json.Unmarshal(data, &items); err != nil {
			return p, fmt.Errorf("list: %w", err)
		}
		p.Bare = true
		p.Count, p.HasCount = len(items), true
	case len(data) > 0 && data[0] == '{':
		var env rawEnvelope
		if err := json.Unmarshal(data, &env); err != nil {
			return p, fmt.Errorf("list envelope: %w", err)
		}
		if env.Count != nil {
			p.Count, p.HasCount = int(*env.Count), true
		}
		if env.Next != nil {
			p.Next = *env.Next
		}
		if env.Previous != nil {
			p.Previous = *env.Previous
		}
		items = env.Results
	default:
		return p, fmt.Errorf("list: not a JSON object or array: %s", truncate(string(data), 40))
	}
	p.Results = make([]T, 0, len(items))
	for i, raw := range items {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			p.Skipped = append(p.Skipped, ItemError{Path: fmt.Sprintf("results[%d]", i), Err: err})
			continue
		}
		p.Results = append(p.Results, v)
	}
	return p, nil
}

// ---------------------------------------------------------------------------
// Auth

// Token is the get.chat auth token. It never expires and is the same token
// the user's web inbox holds. It prints as a placeholder with %v, %s and %#v.
type Token string

func (t Token) String() string   { return "getchat.Token{…}" }
func (t Token) GoString() string { return t.String() }

// LoginRequest is the body of POST /api/v1/auth/token/.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (r LoginRequest) String() string   { return "getchat.LoginRequest{" + r.Username + ", …}" }
func (r LoginRequest) GoString() string { return r.String() }

// LoginResponse is the answer to a login: {"token": "…"}.
type LoginResponse struct {
	Token Token `json:"token"`
}

// ---------------------------------------------------------------------------
// Users and groups

// Roles of profile.role. The web inbox admits only admin and user; app is
// an integration (bot) account.
const (
	RoleAdmin = "admin"
	RoleUser  = "user"
	RoleApp   = "app"
)

// Values of Permissions.CanReadChats and CanWriteToChats (web client's
// src/types/users.ts).
const (
	ScopeAll   = "all"
	ScopeGroup = "group"
	ScopeUser  = "user"
	ScopeNone  = "none"
)

// User is an inbox user (GET /users/, /users/current/, a message's sender,
// a chat's assigned_to_user, an event's done_by). A bare id decodes as a
// User with only ID set: ChatAssignment carries integers under the same
// names that a Chat carries objects.
type User struct {
	URL           string       `json:"url,omitempty"`
	ID            Int          `json:"id"`
	Username      string       `json:"username,omitempty"`
	FirstName     string       `json:"first_name,omitempty"`
	LastName      string       `json:"last_name,omitempty"`
	Email         string       `json:"email,omitempty"`
	Profile       UserProfile  `json:"profile,omitzero"`
	Groups        []Group      `json:"groups,omitempty"`
	Permissions   *Permissions `json:"permissions,omitempty"`
	AssignedWaIDs []string     `json:"assigned_wa_ids,omitempty"`
}

type userAlias User

func (u *User) UnmarshalJSON(b []byte) error {
	if done, err := bareID(b, func(id Int) { *u = User{ID: id} }); done {
		return err
	}
	var a userAlias
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	*u = User(a)
	return nil
}

// Name is "First Last", else the username.
func (u User) Name() string {
	if n := strings.TrimSpace(u.FirstName + " " + u.LastName); n != "" {
		return n
	}
	return u.Username
}

// IsAdmin reports the admin role.
func (u User) IsAdmin() bool { return strings.EqualFold(u.Profile.Role, RoleAdmin) }

// InGroup reports whether the user is a member of group id.
func (u User) InGroup(id Int) bool {
	for _, g := range u.Groups {
		if g.ID == id {
			return true
		}
	}
	return false
}

// UserProfile is a user's role and availability.
type UserProfile struct {
	Role        string `json:"role,omitempty"`
	IsAvailable *bool  `json:"is_available,omitempty"`
	Avatar      string `json:"avatar,omitempty"`
	LargeAvatar string `json:"large_avatar,omitempty"`
}

// Permissions are a user's read/write scopes (all, group, user, none).
type Permissions struct {
	CanUseTags      bool   `json:"can_use_tags"`
	CanReadChats    string `json:"can_read_chats"`
	CanWriteToChats string `json:"can_write_to_chats"`
}

// Group is a user group; a bare id decodes as a Group with only ID set.
type Group struct {
	ID   Int    `json:"id"`
	Name string `json:"name,omitempty"`
}

type groupAlias Group

func (g *Group) UnmarshalJSON(b []byte) error {
	if done, err := bareID(b, func(id Int) { *g = Group{ID: id} }); done {
		return err
	}
	var a groupAlias
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	*g = Group(a)
	return nil
}

// CanWrite applies the reference's rule to chat c for user u: a regular user
// writes only to chats assigned to them, an admin to any chat. When the
// server sends permissions, can_write_to_chats decides instead: all, group
// (the chat's group is one of the user's, or the chat is the user's), user
// (the chat is the user's), none.
func CanWrite(u User, c Chat) bool {
	mine := c.AssignedToUser != nil && c.AssignedToUser.ID != 0 && c.AssignedToUser.ID == u.ID
	if u.Permissions != nil && u.Permissions.CanWriteToChats != "" {
		switch strings.ToLower(u.Permissions.CanWriteToChats) {
		case ScopeAll:
			return true
		case ScopeGroup:
			return mine || (c.AssignedGroup != nil && c.AssignedGroup.ID != 0 && u.InGroup(c.AssignedGroup.ID))
		case ScopeUser:
			return mine
		case ScopeNone:
			return false
		}
	}
	return u.IsAdmin() || mine
}

// CanAssignUser applies the reference's rule: a chat may be given to a user
// when nobody is assigned, or by an admin.
func CanAssignUser(u User, c Chat) bool {
	return u.IsAdmin() || c.AssignedToUser == nil || c.AssignedToUser.ID == 0
}

// CanUnassign applies the reference's rule: an assignment may be removed by
// the assignee or an admin.
func CanUnassign(u User, c Chat) bool {
	return u.IsAdmin() || (c.AssignedToUser != nil && c.AssignedToUser.ID == u.ID)
}

// ---------------------------------------------------------------------------
// Contacts, chats, tags

// Person is the WhatsApp contact a chat is with (GET /persons/, a chat's
// contact, a message's contact).
type Person struct {
	WaID        string         `json:"wa_id"`
	WabaPayload ContactPayload `json:"waba_payload"`
	Initials    string         `json:"initials,omitempty"`
	// LastMessageTimestamp is the last message the contact sent: the
	// 24-hour customer-care window runs from it.
	LastMessageTimestamp UnixTime `json:"last_message_timestamp,omitzero"`
	// Resolved is the chat's resolved flag (the web client reads it here).
	Resolved bool `json:"resolved"`
}

// Window is the customer-care window WhatsApp allows for non-template
// messages.
const Window = 24 * time.Hour

// Name is the contact's WhatsApp profile name.
func (p Person) Name() string { return p.WabaPayload.Profile.Name }

// WindowCloses is when free-form messages stop being accepted (453): 24
// hours after the contact's last message; zero when the contact never wrote.
func (p Person) WindowCloses() time.Time {
	if p.LastMessageTimestamp.IsZero() {
		return time.Time{}
	}
	return p.LastMessageTimestamp.Add(Window)
}

// WindowOpen reports whether a text may be sent at now.
func (p Person) WindowOpen(now time.Time) bool {
	closes := p.WindowCloses()
	return !closes.IsZero() && now.Before(closes)
}

// ContactPayload is WABA's contact object: {profile: {name}, wa_id}.
type ContactPayload struct {
	Profile struct {
		Name string `json:"name"`
	} `json:"profile"`
	WaID string `json:"wa_id"`
}

// Chat is one conversation (GET /chats/, /chats/{wa_id}/).
type Chat struct {
	Contact     Person `json:"contact"`
	NewMessages Int    `json:"new_messages"`
	// WaID is marked deprecated by the reference; Contact.WaID is the same.
	WaID           string   `json:"wa_id"`
	LastMessage    *Message `json:"last_message"`
	AssignedToUser *User    `json:"assigned_to_user"`
	AssignedGroup  *Group   `json:"assigned_group"`
	Tags           []Tag    `json:"tags"`
}

// ID is the chat's WhatsApp id: the contact's, else the deprecated wa_id.
func (c Chat) ID() string {
	if c.Contact.WaID != "" {
		return c.Contact.WaID
	}
	return c.WaID
}

// Tag is a tag (GET /tags/, a chat's or message's tags, a tagging event's
// tag). On a chat, TaggingID is the chat tagging to DELETE to untag. A bare
// id decodes as a Tag with only ID set.
type Tag struct {
	ID            Int     `json:"id"`
	Name          string  `json:"name,omitempty"`
	WebInboxColor string  `json:"web_inbox_color,omitempty"`
	TaggingID     Int     `json:"tagging_id,omitempty"`
	Extra         RawJSON `json:"extra,omitempty"`
}

type tagAlias struct {
	ID            Int     `json:"id"`
	Name          string  `json:"name"`
	WebInboxColor *string `json:"web_inbox_color"`
	TaggingID     Int     `json:"tagging_id"`
	Extra         RawJSON `json:"extra"`
}

func (t *Tag) UnmarshalJSON(b []byte) error {
	if done, err := bareID(b, func(id Int) { *t = Tag{ID: id} }); done {
		return err
	}
	var a tagAlias
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	*t = Tag{ID: a.ID, Name: a.Name, TaggingID: a.TaggingID, Extra: a.Extra}
	if a.WebInboxColor != nil {
		t.WebInboxColor = *a.WebInboxColor
	}
	return nil
}

// ChatTagging is a (chat, tag) pair: POST /chat_tagging/ answers one,
// DELETE /chat_tagging/{id}/ removes it.
type ChatTagging struct {
	ID    Int     `json:"id,omitempty"`
	Tag   Int     `json:"tag"`
	Chat  string  `json:"chat"`
	Extra RawJSON `json:"extra,omitempty"`
}

// MessageTagging is a (message, tag) pair (POST /message_tagging/); tagging
// a message also tags its chat.
type MessageTagging struct {
	ID      Int     `json:"id,omitempty"`
	Tag     Int     `json:"tag"`
	Message string  `json:"message"`
	Extra   RawJSON `json:"extra,omitempty"`
}

// Tagging actions.
const (
	TagAdded   = "added"
	TagRemoved = "removed"
)

// TaggingEvent is a chat or message tagging event (GET
// /chat_tagging_events/, /message_tagging_events/, and the chat_tagging and
// message_tagging webhook fields). Chat is set for a chat, Message for a
// message.
type TaggingEvent struct {
	Timestamp UnixTime `json:"timestamp"`
	Action    string   `json:"action"`
	Tag       Tag      `json:"tag"`
	Chat      string   `json:"chat,omitempty"`
	Message   string   `json:"message,omitempty"`
	Extra     RawJSON  `json:"extra,omitempty"`
	DoneBy    *User    `json:"done_by,omitempty"`
}

// ChatAssignment is GET/PUT/PATCH /chat_assignment/{wa_id}/'s answer. The
// reference sends integers (or null) here; User and Group decode them.
type ChatAssignment struct {
	WaID           string `json:"wa_id"`
	AssignedToUser *User  `json:"assigned_to_user"`
	AssignedGroup  *Group `json:"assigned_group"`
}

// Assignee is one side of an assignment change: left as it is (the zero
// value, only possible with PATCH), nobody (null), or an id.
type Assignee struct {
	set bool
	id  int64
}

// Keep leaves this side of the assignment unchanged.
func Keep() Assignee { return Assignee{} }

// Nobody clears this side of the assignment.
func Nobody() Assignee { return Assignee{set: true} }

// AssignTo sets this side to the user or group id (0 is nobody).
func AssignTo(id int64) Assignee { return Assignee{set: true, id: id} }

// Set reports whether this side changes.
func (a Assignee) Set() bool { return a.set }

// ID is the id assigned, 0 for nobody or unchanged.
func (a Assignee) ID() int64 { return a.id }

func (a Assignee) value() any {
	if a.id == 0 {
		return nil
	}
	return a.id
}

// AssignmentUpdate is the body of PUT or PATCH /chat_assignment/{wa_id}/.
// PUT replaces both sides (so both are written, null for nobody); PATCH
// changes only the sides that are Set.
type AssignmentUpdate struct {
	WaID  string
	User  Assignee
	Group Assignee
}

// Method is PUT when both sides are decided, else PATCH.
func (u AssignmentUpdate) Method() string {
	if u.User.set && u.Group.set {
		return "PUT"
	}
	return "PATCH"
}

// Empty reports an update that changes nothing.
func (u AssignmentUpdate) Empty() bool { return !u.User.set && !u.Group.set }

func (u AssignmentUpdate) MarshalJSON() ([]byte, error) {
	m := map[string]any{"wa_id": u.WaID}
	if u.User.set {
		m["assigned_to_user"] = u.User.value()
	}
	if u.Group.set {
		m["assigned_group"] = u.Group.value()
	}
	return json.Marshal(m)
}

// ChatAssignmentEvent is an assignment change (GET /chat_assignment_events/
// and the chat_assignment webhook field).
type ChatAssignmentEvent struct {
	Timestamp                UnixTime `json:"timestamp"`
	WaID                     string   `json:"wa_id"`
	AssignedToUserSet        *User    `json:"assigned_to_user_set"`
	AssignedToUserWasCleared bool     `json:"assigned_to_user_was_cleared"`
	AssignedGroupSet         *Group   `json:"assigned_group_set"`
	AssignedGroupWasCleared  bool     `json:"assigned_group_was_cleared"`
	DoneBy                   *User    `json:"done_by"`
}

// ResolveRequest is the body of PATCH /chats/{wa_id}/resolve.
type ResolveRequest struct {
	Resolved bool `json:"resolved"`
}

// ChatResolved is the answer to a resolve and the chat_resolved event.
type ChatResolved struct {
	WaID     string `json:"wa_id"`
	Resolved bool   `json:"resolved"`
}

// ---------------------------------------------------------------------------
// Messages

// Message is get.chat's message wrapper (GET /messages/, a chat's
// last_message, and the incoming/outgoing/assigned_messages webhook fields).
// WabaPayload is what WhatsApp sent or was sent.
type Message struct {
	// ID is get.chat's own id, distinct from WabaPayload.ID (WhatsApp's).
	ID           ID             `json:"id,omitempty"`
	WabaPayload  MessagePayload `json:"waba_payload"`
	WabaStatuses WabaStatuses   `json:"waba_statuses"`
	Contact      *Person        `json:"contact,omitempty"`
	FromUs       bool           `json:"from_us"`
	Received     bool           `json:"received"`
	Sender       *User          `json:"sender,omitempty"`
	CustomerWaID string         `json:"customer_wa_id"`
	Tags         []Tag          `json:"tags,omitempty"`
	ChatTags     []Tag          `json:"chat_tags,omitempty"`
	IsFailed     bool           `json:"is_failed,omitempty"`
	Context      RawJSON        `json:"context,omitempty"`
}

// Key identifies the message across sources: WhatsApp's id, else
// "getchat:" and get.chat's own id (a message queued with 202 has no
// WhatsApp id yet).
func (m Message) Key() string {
	if m.WabaPayload.ID != "" {
		return string(m.WabaPayload.ID)
	}
	if m.ID != "" {
		return "getchat:" + string(m.ID)
	}
	return ""
}

// ChatID is the customer's WhatsApp id: customer_wa_id, else the payload's
// from (inbound) or to (outbound), else the contact's.
func (m Message) ChatID() string {
	switch {
	case m.CustomerWaID != "":
		return m.CustomerWaID
	case m.FromUs && m.WabaPayload.To != "":
		return m.WabaPayload.To
	case !m.FromUs && m.WabaPayload.From != "":
		return m.WabaPayload.From
	case m.WabaPayload.WaID != "":
		return m.WabaPayload.WaID
	case m.Contact != nil:
		return m.Contact.WaID
	}
	return ""
}

// Time is the payload's timestamp.
func (m Message) Time() time.Time { return m.WabaPayload.Timestamp.Time }

// Message statuses, in the order they advance.
const (
	StatusPending   = "pending"
	StatusSent      = "sent"
	StatusDelivered = "delivered"
	StatusRead      = "read"
	StatusFailed    = "failed"
)

// Status derives an outgoing message's status: failed when is_failed or the
// payload carries errors, else the furthest of read, delivered, sent,
// else pending.
func (m Message) Status() string {
	switch {
	case m.IsFailed || len(m.WabaPayload.Errors) > 0:
		return StatusFailed
	case !m.WabaStatuses.Read.IsZero():
		return StatusRead
	case !m.WabaStatuses.Delivered.IsZero():
		return StatusDelivered
	case !m.WabaStatuses.Sent.IsZero():
		return StatusSent
	}
	return StatusPending
}

// WabaStatuses are when the message reached each status (0: not yet).
type WabaStatuses struct {
	Sent      UnixTime `json:"sent,omitzero"`
	Delivered UnixTime `json:"delivered,omitzero"`
	Read      UnixTime `json:"read,omitzero"`
}

// MessagePayload is a WhatsApp message object, inbound (from) or outbound
// (to). Raw keeps the whole object for the types not modelled here.
type MessagePayload struct {
	ID            ID              `json:"id"`
	From          string          `json:"from,omitempty"`
	To            string          `json:"to,omitempty"`
	WaID          string          `json:"wa_id,omitempty"`
	RecipientType string          `json:"recipient_type,omitempty"`
	Type          string          `json:"type"`
	Timestamp     UnixTime        `json:"timestamp,omitzero"`
	Text          *TextBody       `json:"text,omitempty"`
	System        *TextBody       `json:"system,omitempty"`
	Image         *Media          `json:"image,omitempty"`
	Video         *Media          `json:"video,omitempty"`
	Audio         *Media          `json:"audio,omitempty"`
	Voice         *Media          `json:"voice,omitempty"`
	Document      *Media          `json:"document,omitempty"`
	Sticker       *Media          `json:"sticker,omitempty"`
	Location      *Location       `json:"location,omitempty"`
	Template      *TemplateSend   `json:"template,omitempty"`
	Button        *ButtonReply    `json:"button,omitempty"`
	Reaction      *Reaction       `json:"reaction,omitempty"`
	Context       *MessageContext `json:"context,omitempty"`
	Errors        []WABAError     `json:"errors,omitempty"`
	Interactive   RawJSON         `json:"interactive,omitempty"`
	Contacts      RawJSON         `json:"contacts,omitempty"`
	Referral      RawJSON         `json:"referral,omitempty"`
	Raw           json.RawMessage `json:"-"`
}

type payloadAlias MessagePayload

func (p *MessagePayload) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*p = MessagePayload{}
		return nil
	}
	var a payloadAlias
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	*p = MessagePayload(a)
	p.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// Media returns the payload's media object, if its type has one.
func (p MessagePayload) Media() *Media {
	switch {
	case p.Image != nil:
		return p.Image
	case p.Video != nil:
		return p.Video
	case p.Audio != nil:
		return p.Audio
	case p.Voice != nil:
		return p.Voice
	case p.Document != nil:
		return p.Document
	case p.Sticker != nil:
		return p.Sticker
	}
	return nil
}

// Body returns the words of the message: a text's or system message's body,
// a media caption, a button's text, a reaction's emoji.
func (p MessagePayload) Body() string {
	switch {
	case p.Text != nil:
		return p.Text.Body
	case p.System != nil:
		return p.System.Body
	case p.Button != nil:
		return p.Button.Text
	case p.Reaction != nil:
		return p.Reaction.Emoji
	}
	if m := p.Media(); m != nil {
		return m.Caption
	}
	return ""
}

// TextBody is {"body": "…"} (text and system messages).
type TextBody struct {
	Body       string `json:"body"`
	PreviewURL bool   `json:"preview_url,omitempty"`
}

// Media is an image, video, audio, voice, document or sticker: get.chat
// fills Link with its own /api/v1/media/{id}/ URL.
type Media struct {
	ID       ID     `json:"id,omitempty"`
	Link     string `json:"link,omitempty"`
	MimeType string `json:"mime_type,omitempty"`
	SHA256   string `json:"sha256,omitempty"`
	Caption  string `json:"caption,omitempty"`
	Filename string `json:"filename,omitempty"`
	File     string `json:"file,omitempty"`
}

// Location is a shared location.
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

// ButtonReply is a quick-reply button press.
type ButtonReply struct {
	Text    string `json:"text"`
	Payload string `json:"payload,omitempty"`
}

// Reaction is an emoji reaction to message MessageID.
type Reaction struct {
	Emoji     string `json:"emoji"`
	MessageID string `json:"message_id"`
}

// MessageContext is the message replied to.
type MessageContext struct {
	ID   string `json:"id"`
	From string `json:"from,omitempty"`
}

// WABAError is one of WhatsApp's errors (in a payload, a status, or an
// error answer's waba_response).
type WABAError struct {
	Code      Int    `json:"code,omitempty"`
	Title     string `json:"title,omitempty"`
	Message   string `json:"message,omitempty"`
	Details   string `json:"details,omitempty"`
	Href      string `json:"href,omitempty"`
	ErrorData *struct {
		Details string `json:"details"`
	} `json:"error_data,omitempty"`
}

// Words is the error's most specific description.
func (e WABAError) Words() string {
	for _, s := range []string{e.Details, errorDataDetails(e), e.Message, e.Title} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	if e.Code != 0 {
		return "error " + strconv.FormatInt(int64(e.Code), 10)
	}
	return ""
}

func errorDataDetails(e WABAError) string {
	if e.ErrorData == nil {
		return ""
	}
	return e.ErrorData.Details
}

// StatusUpdate is a delivery status (the statuses webhook field, flat or
// nested): ID is WhatsApp's message id, GetchatID get.chat's.
type StatusUpdate struct {
	ID           ID          `json:"id"`
	GetchatID    ID          `json:"getchat_id,omitempty"`
	RecipientID  string      `json:"recipient_id"`
	Status       string      `json:"status"`
	Timestamp    UnixTime    `json:"timestamp"`
	Errors       []WABAError `json:"errors,omitempty"`
	Conversation RawJSON     `json:"conversation,omitempty"`
	Pricing      RawJSON     `json:"pricing,omitempty"`
}

// ---------------------------------------------------------------------------
// Sending

// Message types mbx sends.
const (
	TypeText     = "text"
	TypeTemplate = "template"
	TypeImage    = "image"
	TypeVideo    = "video"
	TypeAudio    = "audio"
	TypeDocument = "document"
)

// NewMessage is the body of POST /api/v1/messages/: wa_id, type, and the
// field named by type.
type NewMessage struct {
	WaID     string          `json:"wa_id"`
	Type     string          `json:"type"`
	Text     *TextBody       `json:"text,omitempty"`
	Template *TemplateSend   `json:"template,omitempty"`
	Image    *Media          `json:"image,omitempty"`
	Video    *Media          `json:"video,omitempty"`
	Audio    *Media          `json:"audio,omitempty"`
	Document *Media          `json:"document,omitempty"`
	Context  *MessageContext `json:"context,omitempty"`
}

// NewText is a text message to waID.
func NewText(waID, body string) NewMessage {
	return NewMessage{WaID: waID, Type: TypeText, Text: &TextBody{Body: body}}
}

// TemplateSend is a template message: the approved template's name and
// language (namespace as listed), with components carrying the parameters.
type TemplateSend struct {
	Namespace  string                  `json:"namespace,omitempty"`
	Name       string                  `json:"name"`
	Language   Language                `json:"language"`
	Components []TemplateSendComponent `json:"components,omitempty"`
}

// TemplateSendComponent fills one component's placeholders: type "header",
// "body" or "button" (then sub_type and index).
type TemplateSendComponent struct {
	Type       string              `json:"type"`
	SubType    string              `json:"sub_type,omitempty"`
	Index      *int                `json:"index,omitempty"`
	Parameters []TemplateParameter `json:"parameters"`
}

// TemplateParameter is one value: type "text" with Text, or image, video,
// document with a link. ParameterName is set for a named placeholder
// ({{order_id}}), left out for a numbered one ({{1}}).
type TemplateParameter struct {
	Type          string `json:"type"`
	ParameterName string `json:"parameter_name,omitempty"`
	Text          string `json:"text,omitempty"`
	Image         *Media `json:"image,omitempty"`
	Video         *Media `json:"video,omitempty"`
	Document      *Media `json:"document,omitempty"`
}

// Language is a template's language: the template list writes a code
// ("en_US"), a template message {code, policy}. It encodes as the object
// when a policy is set, else as the code.
type Language struct {
	Code   string `json:"code"`
	Policy string `json:"policy,omitempty"`
}

func (l *Language) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*l = Language{}
		return nil
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*l = Language{Code: s}
		return nil
	}
	type alias Language
	var a alias
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	*l = Language(a)
	return nil
}

func (l Language) MarshalJSON() ([]byte, error) {
	if l.Policy == "" {
		return json.Marshal(l.Code)
	}
	type alias Language
	return json.Marshal(alias(l))
}

// SendResult is POST /messages/'s answer. The reference documents {} with
// an optional waba_response; the web client reads {id, reason} and treats
// 202 as "stored, sent later".
type SendResult struct {
	ID           ID      `json:"id"`
	Reason       string  `json:"reason,omitempty"`
	WabaResponse RawJSON `json:"waba_response,omitempty"`
}

// MessageID is the id to follow the message by: the answer's id, else the
// first of waba_response.messages[].id.
func (r SendResult) MessageID() string {
	if r.ID != "" {
		return string(r.ID)
	}
	return r.WhatsAppID()
}

// WhatsAppID is WhatsApp's id of the message sent: the first of
// waba_response.messages[].id ("" when the answer has none).
func (r SendResult) WhatsAppID() string {
	var wr struct {
		Messages []struct {
			ID ID `json:"id"`
		} `json:"messages"`
	}
	if len(r.WabaResponse) > 0 && json.Unmarshal(r.WabaResponse, &wr) == nil && len(wr.Messages) > 0 {
		return string(wr.Messages[0].ID)
	}
	return ""
}

// MarkAsReceived is the body of POST /mark_as_received/: every message of
// the chat up to Timestamp counts as received by the caller.
type MarkAsReceived struct {
	Timestamp    int64  `json:"timestamp"`
	CustomerWaID string `json:"customer_wa_id"`
}

// MediaCreated is POST /media/'s answer: File is the media's URL (the link
// to send), ID its UUID.
type MediaCreated struct {
	File string `json:"file"`
	ID   ID     `json:"id"`
}

// ---------------------------------------------------------------------------
// Saved responses and templates

// SavedResponse is a canned text (GET/POST /saved_responses/).
type SavedResponse struct {
	ID        Int      `json:"id"`
	Text      string   `json:"text"`
	CreatedBy ID       `json:"created_by,omitempty"`
	Timestamp UnixTime `json:"timestamp,omitzero"`
}

// Template is a message template (GET /templates/).
type Template struct {
	Name           string              `json:"name"`
	Category       string              `json:"category,omitempty"`
	Language       Language            `json:"language"`
	Components     []TemplateComponent `json:"components"`
	Namespace      string              `json:"namespace,omitempty"`
	RejectedReason string              `json:"rejected_reason,omitempty"`
	Status         string              `json:"status"`
}

// Approved reports an approved template, whatever the case of the status.
func (t Template) Approved() bool { return strings.EqualFold(t.Status, "approved") }

// Component returns the first component of the type (HEADER, BODY, FOOTER,
// BUTTONS; any case), or nil.
func (t Template) Component(kind string) *TemplateComponent {
	for i := range t.Components {
		if strings.EqualFold(t.Components[i].Type, kind) {
			return &t.Components[i]
		}
	}
	return nil
}

// TemplateComponent is a template's header, body, footer or buttons.
type TemplateComponent struct {
	Type    string           `json:"type"`
	Format  string           `json:"format,omitempty"`
	Text    string           `json:"text,omitempty"`
	Buttons []TemplateButton `json:"buttons,omitempty"`
	Example RawJSON          `json:"example,omitempty"`
}

// TemplateButton is one of a BUTTONS component's buttons.
type TemplateButton struct {
	Type        string `json:"type"`
	Text        string `json:"text,omitempty"`
	URL         string `json:"url,omitempty"`
	PhoneNumber string `json:"phone_number,omitempty"`
}

// ---------------------------------------------------------------------------
// Errors

// StatusWindowClosed is the status get.chat answers a non-template message
// to a chat whose 24-hour window has closed.
const StatusWindowClosed = 453

// ErrorBody is an error answer as read from any of the shapes met: DRF's
// {"detail"}, get.chat's {"reason"}, a login's {"non_field_errors": […]},
// field errors {"field": ["…"]}, {"waba_response": {"errors": […]}}, or
// plain text (Text).
type ErrorBody struct {
	Detail         string
	Reason         string
	Message        string
	NonFieldErrors []string
	WABAErrors     []WABAError
	Fields         map[string][]string
	Text           string
}

// ParseErrorBody reads an error answer; it never fails.
func ParseErrorBody(b []byte) ErrorBody {
	var e ErrorBody
	b = bytes.TrimSpace(b)
	var m map[string]json.RawMessage
	if len(b) == 0 || b[0] != '{' || json.Unmarshal(b, &m) != nil {
		e.Text = truncate(string(b), 200)
		return e
	}
	for k, v := range m {
		switch k {
		case "detail":
			e.Detail = stringish(v)
		case "reason":
			e.Reason = stringish(v)
		case "message", "error":
			if e.Message == "" {
				e.Message = stringish(v)
			}
		case "non_field_errors":
			e.NonFieldErrors = stringList(v)
		case "waba_response", "errors":
			var wr struct {
				Errors []WABAError `json:"errors"`
			}
			if k == "errors" {
				_ = json.Unmarshal(v, &wr.Errors)
			} else {
				_ = json.Unmarshal(v, &wr)
			}
			e.WABAErrors = append(e.WABAErrors, wr.Errors...)
		default:
			if l := stringList(v); len(l) > 0 {
				if e.Fields == nil {
					e.Fields = map[string][]string{}
				}
				e.Fields[k] = l
			}
		}
	}
	return e
}

func stringish(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	if l := stringList(v); len(l) > 0 {
		return strings.Join(l, " ")
	}
	return ""
}

func stringList(v json.RawMessage) []string {
	var l []string
	if json.Unmarshal(v, &l) == nil {
		return l
	}
	var s string
	if json.Unmarshal(v, &s) == nil && s != "" {
		return []string{s}
	}
	return nil
}

// Words is the most useful sentence of the answer, "" if none.
func (e ErrorBody) Words() string {
	for _, s := range []string{e.Detail, e.Reason, e.Message, strings.Join(e.NonFieldErrors, " ")} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	for _, w := range e.WABAErrors {
		if s := w.Words(); s != "" {
			return s
		}
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		return keys[0] + ": " + strings.Join(e.Fields[keys[0]], " ")
	}
	return strings.TrimSpace(e.Text)
}

// authWords are Django REST framework's authentication sentences.
var authWords = []string{
	"authentication credentials were not provided",
	"invalid token",
	"user inactive or deleted",
	"incorrect authentication credentials",
}

// AuthFailure reports whether the words say the request was not
// authenticated (as opposed to authenticated but not allowed): a 403 with
// these words means "log in again".
func (e ErrorBody) AuthFailure() bool {
	w := strings.ToLower(e.Detail + " " + e.Message + " " + e.Text)
	for _, a := range authWords {
		if strings.Contains(w, a) {
			return true
		}
	}
	return false
}

// ---------------------------------------------------------------------------
// Websocket frames

// Websocket frame types.
const (
	FrameToken          = "token"
	FrameResponse       = "response"
	FrameWabaWebhook    = "waba_webhook"
	FrameGetchatWebhook = "getchat_webhook"
)

// TokenFrame is the client's one message, sent first: {"token": "…"}.
type TokenFrame struct {
	Token Token `json:"token"`
}

// ControlFrame is a server "token" (status success or failed) or "response"
// (status bad_request) frame.
type ControlFrame struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

// OK reports a successful token authentication.
func (c ControlFrame) OK() bool {
	return c.Type == FrameToken && strings.EqualFold(c.Status, "success")
}

// ---------------------------------------------------------------------------
// Helpers

// RawJSON is a JSON value kept as written, for the parts mbx passes through
// or shows without modelling (extra, context, interactive, pricing…). null
// is kept as nil, so "absent" and "null" read the same.
type RawJSON []byte

func (r *RawJSON) UnmarshalJSON(b []byte) error {
	if bytes.Equal(bytes.TrimSpace(b), []byte("null")) {
		*r = nil
		return nil
	}
	*r = append((*r)[:0], b...)
	return nil
}

func (r RawJSON) MarshalJSON() ([]byte, error) {
	if len(r) == 0 {
		return []byte("null"), nil
	}
	return r, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > 0 && s[i]&0xC0 == 0x80 {
		i--
	}
	return s[:i] + "…"
}
