package msgboxx

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mbx-inbox/mbx/state"
)

// get fetches one resource by id.
func get[T any](ctx context.Context, c *Client, collection, id string) (T, error) {
	var out T
	route := "GET /" + collection + "/{id}"
	esc, err := escapeID(route, id)
	if err != nil {
		return out, err
	}
	err = c.do(ctx, call{method: "GET", path: "/" + collection + "/" + esc, route: route, out: &out, safe: true})
	return out, err
}

func setQuery(q url.Values, key, value string) {
	if value != "" {
		q.Set(key, value)
	}
}

func setTime(q url.Values, key string, t time.Time) {
	if !t.IsZero() {
		q.Set(key, t.UTC().Format(time.RFC3339Nano))
	}
}

func invalid(route, format string, args ...any) error {
	return &Error{Op: route, Err: fmt.Errorf(format+": %w", append(args, ErrInvalid)...)}
}

// ---- api accounts ----

// APIAccounts lists the api accounts the user may work in.
func (c *Client) APIAccounts(ctx context.Context) iter.Seq2[APIAccount, error] {
	return pages[APIAccount](ctx, c, "/apiaccount", "GET /apiaccount", nil)
}

// APIAccount fetches one api account.
func (c *Client) APIAccount(ctx context.Context, id string) (APIAccount, error) {
	return get[APIAccount](ctx, c, "apiaccount", id)
}

// ---- inboxes ----

// InboxFilter narrows GET /inbox.
type InboxFilter struct{ APIAccountID string }

// Inboxes lists inboxes.
func (c *Client) Inboxes(ctx context.Context, f InboxFilter) iter.Seq2[Inbox, error] {
	q := url.Values{}
	setQuery(q, "apiAccountId", f.APIAccountID)
	return pages[Inbox](ctx, c, "/inbox", "GET /inbox", q)
}

// Inbox fetches one inbox. The reference's example reads it at
// /inboxes/{id} and its list at /inbox; the client uses /inbox/{id}, in
// line with every other resource (the sandbox answers both).
func (c *Client) Inbox(ctx context.Context, id string) (Inbox, error) {
	return get[Inbox](ctx, c, "inbox", id)
}

// ---- contacts ----

// ContactFilter narrows GET /contact. From and To filter on the contact's
// creation time.
type ContactFilter struct {
	APIAccountID string
	MobileNumber string
	From, To     time.Time
}

func (f ContactFilter) query() url.Values {
	q := url.Values{}
	setQuery(q, "apiAccountId", f.APIAccountID)
	setQuery(q, "mobileNumber", f.MobileNumber)
	setTime(q, "fromDate", f.From)
	setTime(q, "toDate", f.To)
	return q
}

// Contacts lists contacts.
func (c *Client) Contacts(ctx context.Context, f ContactFilter) iter.Seq2[Contact, error] {
	return pages[Contact](ctx, c, "/contact", "GET /contact", f.query())
}

// ContactsPage fetches one page of contacts.
func (c *Client) ContactsPage(ctx context.Context, f ContactFilter, page int) (Page[Contact], error) {
	return getPage[Contact](ctx, c, "/contact", "GET /contact", f.query(), page)
}

// Contact fetches one contact.
func (c *Client) Contact(ctx context.Context, id string) (Contact, error) {
	return get[Contact](ctx, c, "contact", id)
}

// CreateContact adds a contact to an api account. The number must be E.164
// (+447902111123); a number already in the account answers 409
// (IsConflict).
func (c *Client) CreateContact(ctx context.Context, nc NewContact) (Contact, error) {
	const route = "POST /contact"
	nc.MobileNumber = strings.TrimSpace(nc.MobileNumber)
	nc.Name = strings.TrimSpace(nc.Name)
	switch {
	case nc.APIAccountID == "":
		return Contact{}, invalid(route, "no api account given")
	case nc.Name == "":
		return Contact{}, invalid(route, "the contact needs a name")
	case !LooksE164(nc.MobileNumber):
		return Contact{}, invalid(route, "mobile number %q is not in E.164 form: write + then country code and number, e.g. +447902111123", truncate(nc.MobileNumber, 32))
	}
	if nc.Status == "" {
		nc.Status = ContactPresubscribed
	}
	var out Contact
	// Not repeated blindly: a second try after a lost answer would end in
	// a 409 for the contact the first try created.
	err := c.do(ctx, call{method: "POST", path: "/contact", route: route, body: nc, out: &out})
	return out, err
}

// UpdateContact replaces a contact's details and tags (PUT /contact/{id}):
// the whole contact, its creation time ("datetime") only when known
// (never "").
func (c *Client) UpdateContact(ctx context.Context, ct Contact) (Contact, error) {
	const route = "PUT /contact/{id}"
	esc, err := escapeID(route, ct.ID)
	if err != nil {
		return Contact{}, err
	}
	if !LooksE164(ct.MobileNumber) {
		return Contact{}, invalid(route, "mobile number %q is not in E.164 form, e.g. +447902111123", truncate(ct.MobileNumber, 32))
	}
	var out Contact
	err = c.do(ctx, call{method: "PUT", path: "/contact/" + esc, route: route, body: newContactUpdate(ct), out: &out, safe: true})
	return out, err
}

// LooksE164 checks the form of an E.164 number: + and 7 to 15 digits, the
// first not 0. Whether the number exists is the server's call. It is
// state's one rule for phone numbers (state.IsE164).
func LooksE164(s string) bool { return state.IsE164(s) }

// ---- conversations ----

// Conversation fetches a conversation's assignee and folder.
func (c *Client) Conversation(ctx context.Context, id string) (Conversation, error) {
	conv, err := get[Conversation](ctx, c, "conversation", id)
	conv.ID = id
	return conv, err
}

// UpdateConversation changes a conversation's assignee (a user or a team,
// never both) and/or folder. Only the non-empty fields of u are sent; use
// u.Changes(current) to drop the ones that would not change. An empty
// update sends nothing.
func (c *Client) UpdateConversation(ctx context.Context, id string, u ConversationUpdate) error {
	const route = "PUT /conversation/{id}"
	esc, err := escapeID(route, id)
	if err != nil {
		return err
	}
	switch {
	case u.UserID != "" && u.TeamID != "":
		return invalid(route, "a conversation is assigned to a user or a team, not both")
	case u.Folder != "" && !u.Folder.Valid():
		return invalid(route, "folder %q is not one of inbox, archive, spam", truncate(string(u.Folder), 20))
	case u.Empty():
		return nil
	}
	return c.do(ctx, call{method: "PUT", path: "/conversation/" + esc, route: route, body: u, safe: true})
}

// ---- messages ----

// MessageFilter narrows GET /message. Without From and To the platform
// returns only the last 24 hours.
type MessageFilter struct {
	APIAccountID   string
	InboxID        string
	ContactID      string
	ConversationID string
	From, To       time.Time
}

func (f MessageFilter) query() url.Values {
	q := url.Values{}
	setQuery(q, "apiAccountId", f.APIAccountID)
	setQuery(q, "inboxId", f.InboxID)
	setQuery(q, "contactId", f.ContactID)
	setQuery(q, "conversationId", f.ConversationID)
	setTime(q, "fromDate", f.From)
	setTime(q, "toDate", f.To)
	return q
}

// Messages lists messages, every page.
func (c *Client) Messages(ctx context.Context, f MessageFilter) iter.Seq2[Message, error] {
	return pages[Message](ctx, c, "/message", "GET /message", f.query())
}

// MessagePages iterates over whole pages of messages.
func (c *Client) MessagePages(ctx context.Context, f MessageFilter) iter.Seq2[Page[Message], error] {
	return pageSeq[Message](ctx, c, "/message", "GET /message", f.query())
}

// ContactPages iterates over whole pages of contacts.
func (c *Client) ContactPages(ctx context.Context, f ContactFilter) iter.Seq2[Page[Contact], error] {
	return pageSeq[Contact](ctx, c, "/contact", "GET /contact", f.query())
}

// MessagesPage fetches one page of messages.
func (c *Client) MessagesPage(ctx context.Context, f MessageFilter, page int) (Page[Message], error) {
	return getPage[Message](ctx, c, "/message", "GET /message", f.query(), page)
}

// Message fetches one message, e.g. to follow its status.
func (c *Client) Message(ctx context.Context, id string) (Message, error) {
	return get[Message](ctx, c, "message", id)
}

// SendMessage sends a freeform session message. The platform refuses it
// when the contact's 24-hour window is closed (IsWindowClosed). It is never
// retried after the request may have left: on an error for which
// MaybeDelivered is true, look for the message before sending it again.
func (c *Client) SendMessage(ctx context.Context, m NewMessage) (Message, error) {
	if err := checkText(opSendMessage, m.APIAccountID, m.ContactID, m.Message); err != nil {
		return Message{}, err
	}
	var out Message
	err := c.do(ctx, call{method: "POST", path: "/message", route: opSendMessage, body: m, out: &out})
	return out, err
}

func checkText(route, account, contact, text string) error {
	switch {
	case account == "":
		return invalid(route, "no api account given")
	case contact == "":
		return invalid(route, "no contact given")
	case strings.TrimSpace(text) == "":
		return invalid(route, "the message is empty")
	case !utf8.ValidString(text):
		return invalid(route, "the message is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(text); n > MaxMessageLength {
		return invalid(route, "the message has %d characters, %d over the limit of %d", n, n-MaxMessageLength, MaxMessageLength)
	}
	return nil
}

// ---- broadcasts ----

// BroadcastFilter narrows GET /broadcast.
type BroadcastFilter struct{ APIAccountID, InboxID, ContactID string }

// Broadcasts lists broadcasts.
func (c *Client) Broadcasts(ctx context.Context, f BroadcastFilter) iter.Seq2[Broadcast, error] {
	q := url.Values{}
	setQuery(q, "apiAccountId", f.APIAccountID)
	setQuery(q, "inboxId", f.InboxID)
	setQuery(q, "contactId", f.ContactID)
	return pages[Broadcast](ctx, c, "/broadcast", "GET /broadcast", q)
}

// Broadcast fetches one broadcast; its MessageID appears once queued.
func (c *Client) Broadcast(ctx context.Context, id string) (Broadcast, error) {
	return get[Broadcast](ctx, c, "broadcast", id)
}

// SendBroadcast sends an approved template, its placeholders filled in
// Message, to one contact; no 24-hour window is needed. Like SendMessage it
// is never retried after the request may have left.
func (c *Client) SendBroadcast(ctx context.Context, b NewBroadcast) (Broadcast, error) {
	if b.TemplateID == "" {
		return Broadcast{}, invalid(opSendBroadcast, "no template given")
	}
	if err := checkText(opSendBroadcast, b.APIAccountID, b.ContactID, b.Message); err != nil {
		return Broadcast{}, err
	}
	var out Broadcast
	err := c.do(ctx, call{method: "POST", path: "/broadcast", route: opSendBroadcast, body: b, out: &out})
	return out, err
}

// ---- templates ----

// TemplateFilter narrows GET /template.
type TemplateFilter struct{ APIAccountID, Name string }

// Templates lists templates, whatever their status.
func (c *Client) Templates(ctx context.Context, f TemplateFilter) iter.Seq2[Template, error] {
	q := url.Values{}
	setQuery(q, "apiAccountId", f.APIAccountID)
	setQuery(q, "name", f.Name)
	return pages[Template](ctx, c, "/template", "GET /template", q)
}

// Template fetches one template.
func (c *Client) Template(ctx context.Context, id string) (Template, error) {
	return get[Template](ctx, c, "template", id)
}

// ---- teams and users ----

// Teams lists every team (a bare array in the reference).
func (c *Client) Teams(ctx context.Context) ([]Team, error) {
	return listAll[Team](ctx, c, "/team", "GET /team")
}

// Users lists every (user, api account) link (a bare array in the reference).
func (c *Client) Users(ctx context.Context) ([]UserLink, error) {
	return listAll[UserLink](ctx, c, "/user", "GET /user")
}

// ---- webhooks ----

// Webhooks lists the organisation's webhooks. The reference's example
// lists them at /webhooks; the client uses /webhook like every other call.
func (c *Client) Webhooks(ctx context.Context) iter.Seq2[Webhook, error] {
	return pages[Webhook](ctx, c, "/webhook", "GET /webhook", nil)
}

// Webhook fetches one webhook.
func (c *Client) Webhook(ctx context.Context, id string) (Webhook, error) {
	return get[Webhook](ctx, c, "webhook", id)
}

var webhookTypes = []string{"message", "contact", "inbox", "apiaccount", "broadcast", "template"}

func checkWebhook(route string, in WebhookInput) error {
	ok := false
	for _, t := range webhookTypes {
		ok = ok || in.Type == t
	}
	if !ok {
		return invalid(route, "webhook type %q is not one of %s", truncate(in.Type, 20), strings.Join(webhookTypes, ", "))
	}
	u, err := url.Parse(in.TargetURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || !SecureURL(u) {
		return invalid(route, "webhook target %q must be an absolute https URL", truncate(SafeURL(in.TargetURL), 80))
	}
	return nil
}

// CreateWebhook adds a webhook. The reference's example posts to
// /organisation; its heading and every other webhook call say /webhook,
// which the client uses.
func (c *Client) CreateWebhook(ctx context.Context, in WebhookInput) (Webhook, error) {
	const route = "POST /webhook"
	if err := checkWebhook(route, in); err != nil {
		return Webhook{}, err
	}
	var out Webhook
	err := c.do(ctx, call{method: "POST", path: "/webhook", route: route, body: in, out: &out})
	return out, err
}

// UpdateWebhook changes a webhook's type, target and enabled flag.
func (c *Client) UpdateWebhook(ctx context.Context, id string, in WebhookInput) (Webhook, error) {
	const route = "PUT /webhook/{id}"
	esc, err := escapeID(route, id)
	if err != nil {
		return Webhook{}, err
	}
	if err := checkWebhook(route, in); err != nil {
		return Webhook{}, err
	}
	var out Webhook
	err = c.do(ctx, call{method: "PUT", path: "/webhook/" + esc, route: route, body: in, out: &out, safe: true})
	return out, err
}

// DeleteWebhook removes a webhook.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	const route = "DELETE /webhook/{id}"
	esc, err := escapeID(route, id)
	if err != nil {
		return err
	}
	return c.do(ctx, call{method: "DELETE", path: "/webhook/" + esc, route: route, safe: true})
}
