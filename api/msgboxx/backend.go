package msgboxx

import (
	"context"
	"errors"
	"iter"
	"mime"
	"net/url"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

// Backend adapts a Client to state.Backend and the capabilities msgboxx
// has (see doc.go): wire types become domain types, and errors become
// state.BackendErrors whose kind tells the sync engine and the outbox
// what to do.
type Backend struct {
	c *Client

	mu    sync.Mutex
	users []state.User // the last Users answer, for Me
}

// NewBackend wraps a client.
func NewBackend(c *Client) *Backend { return &Backend{c: c} }

var (
	_ state.Backend          = (*Backend)(nil)
	_ state.FolderMover      = (*Backend)(nil)
	_ state.ContactEditor    = (*Backend)(nil)
	_ state.TemplateFollower = (*Backend)(nil)
	_ state.InboxLister      = (*Backend)(nil)
	_ state.PlatformNamer    = (*Backend)(nil)
)

// PlatformName is "msgboxx".
func (b *Backend) PlatformName() string { return "msgboxx" }

// Me is the logged-in user, from documented data only: the user (of the
// users list: the last one read, else read now) whose id a claim of the
// login token holds, whichever claim that is (IdentifyUser). msgboxx has
// no "me" endpoint and documents no claim. When the token names no user,
// or several, Me answers no user and state asks the agent (and the
// config file's user_id overrides): it never guesses.
func (b *Backend) Me(ctx context.Context) (state.User, error) {
	b.mu.Lock()
	users := b.users
	b.mu.Unlock()
	if users == nil {
		var err error
		if users, err = b.Users(ctx); err != nil { // logs in if need be
			return state.User{}, err
		}
	}
	if _, err := b.c.accessToken(ctx); err != nil { // the claims read are a token's
		return state.User{}, wrap(err)
	}
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	b.c.knowUsers(ids)
	id, why := IdentifyUser(b.c.TokenClaims(), ids)
	for _, u := range users {
		if id != "" && u.ID == id {
			return u, nil
		}
	}
	b.c.log.Debug("the login token does not say which user this is", "why", why)
	return state.User{}, nil
}

// Client returns the wrapped client.
func (b *Backend) Client() *Client { return b.c }

// kindOf classifies a client error. Order matters: a closed window is a
// 400 but has its own kind; a POST that may have acted is ambiguous
// whatever its status.
func kindOf(err error) state.ErrorKind {
	switch {
	case IsLoginRequired(err):
		return state.KindAuth
	case IsWindowClosed(err):
		return state.KindWindowClosed
	case MaybeDelivered(err):
		return state.KindAmbiguous
	case IsNotFound(err):
		return state.KindNotFound
	case IsConflict(err):
		return state.KindConflict
	case IsTemporary(err):
		return state.KindTemporary
	}
	if e, ok := asError(err); (ok && e.Status >= 400 && e.Status < 500) || errors.Is(err, ErrInvalid) {
		return state.KindRefused
	}
	return state.KindTemporary // e.g. a 200 with unreadable JSON on a read: try again later
}

func wrap(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	be := &state.BackendError{Kind: kindOf(err), Err: err}
	if e, ok := asError(err); ok {
		be.Op, be.Message, be.RetryAfter = e.Op, e.Message, e.RetryAfter
		if be.Message == "" && e.Err != nil && be.Kind == state.KindRefused {
			be.Message = e.Err.Error()
		}
	}
	return be
}

func toMessage(m Message) state.Message {
	dir := state.Inbound
	if m.Outgoing() {
		dir = state.Outbound
	}
	st := m.Status()
	if dir == state.Inbound {
		st = state.StatusUnknown
	}
	out := state.Message{
		ID: m.ID, ConversationID: m.ConversationID, AccountID: m.APIAccountID, ContactID: m.Contact.ID,
		Direction: dir, Body: m.Body, Time: m.Sent.Time, Status: st, Template: m.IsTemplate, Sender: m.SenderName(),
	}
	if m.FileLocation != "" {
		out.Media = fileMedia(m.FileLocation)
		out.Body = state.MediaLine(out.Media.Kind, out.Media.Name, m.Body)
	}
	return out
}

// fileMedia is a message's fileLocation as its Media (doc.go, "Files"):
// the name is the location's last path element, the kind its extension's;
// the location itself is the reference FetchMedia reads.
func fileMedia(location string) state.Media {
	md := state.Media{Kind: "document", Ref: location}
	if u, err := url.Parse(location); err == nil {
		if name := path.Base(u.Path); name != "/" && name != "." {
			md.Name = name
		}
	}
	if ct := mime.TypeByExtension(strings.ToLower(path.Ext(md.Name))); ct != "" {
		md.MIME = ct
		md.Kind = state.MediaKindOf(ct)
	}
	return md
}

// FetchMedia downloads a message's file from its fileLocation
// (state.MediaFetcher).
func (b *Backend) FetchMedia(ctx context.Context, m state.Media) (state.MediaFile, error) {
	if m.Ref == "" {
		return state.MediaFile{}, &state.InputError{Msg: "this message's file has no location msgboxx gave"}
	}
	f, err := b.c.DownloadFile(ctx, m.Ref)
	if err != nil {
		return state.MediaFile{}, wrap(err)
	}
	return state.MediaFile{Name: orName(f.Name, m.Name), MIME: orName(f.ContentType, m.MIME), Data: f.Data}, nil
}

func orName(s, or string) string {
	if s != "" {
		return s
	}
	return or
}

func toContact(c Contact) state.Contact {
	tags := slices.Clone(c.Tags)
	if tags == nil {
		tags = []string{}
	}
	return state.Contact{ID: c.ID, AccountID: c.APIAccountID, Name: c.Name, Number: c.MobileNumber,
		Status: c.Status, Email: c.Email, Tags: tags, Created: c.Created.Time}
}

func toTemplateSent(b Broadcast) TemplateSent {
	ts := TemplateSent{BroadcastID: b.ID, AccountID: b.APIAccountID, ContactID: b.ContactID, Body: b.Message, Time: b.Created.Time}
	if b.MessageID != "" {
		ts.Message = state.Message{ID: b.MessageID, AccountID: b.APIAccountID, ContactID: b.ContactID, Direction: state.Outbound,
			Body: b.Message, Time: b.Created.Time, Template: true,
			Status: state.Later(state.StatusPending, state.ParseMessageStatus(b.Status))}
	}
	return ts
}

// Accounts lists the api accounts the user may work in.
func (b *Backend) Accounts(ctx context.Context) ([]state.Account, error) {
	var out []state.Account
	for a, err := range b.c.APIAccounts(ctx) {
		if err != nil {
			return nil, wrap(err)
		}
		out = append(out, state.Account{ID: a.ID, Name: a.Name, Phone: a.PhoneNumber})
	}
	return out, nil
}

// Inboxes lists the user's inboxes.
func (b *Backend) Inboxes(ctx context.Context) ([]state.Inbox, error) {
	var out []state.Inbox
	for in, err := range b.c.Inboxes(ctx, InboxFilter{}) {
		if err != nil {
			return nil, wrap(err)
		}
		out = append(out, state.Inbox{ID: in.ID, AccountID: in.APIAccountID, Name: in.Name})
	}
	return out, nil
}

// Users folds /user's (user, account) pairs into users with accounts.
func (b *Backend) Users(ctx context.Context) ([]state.User, error) {
	links, err := b.c.Users(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	var out []state.User
	index := map[string]int{}
	for _, l := range links {
		if l.User.ID == "" {
			continue
		}
		i, ok := index[l.User.ID]
		if !ok {
			i = len(out)
			index[l.User.ID] = i
			out = append(out, state.User{ID: l.User.ID, FirstName: l.User.FirstName, LastName: l.User.LastName})
		}
		if l.APIAccount.ID != "" && !slices.Contains(out[i].AccountIDs, l.APIAccount.ID) {
			out[i].AccountIDs = append(out[i].AccountIDs, l.APIAccount.ID)
		}
	}
	if out == nil {
		out = []state.User{}
	}
	b.mu.Lock()
	b.users = out
	b.mu.Unlock()
	return out, nil
}

// Teams lists every team with its accounts and members.
func (b *Backend) Teams(ctx context.Context) ([]state.Team, error) {
	teams, err := b.c.Teams(ctx)
	if err != nil {
		return nil, wrap(err)
	}
	out := make([]state.Team, 0, len(teams))
	for _, t := range teams {
		st := state.Team{ID: t.ID, Name: t.Name, Description: t.Description}
		for _, a := range t.APIAccounts {
			st.AccountIDs = append(st.AccountIDs, a.ID)
		}
		for _, u := range t.Users {
			st.UserIDs = append(st.UserIDs, u.ID)
		}
		out = append(out, st)
	}
	return out, nil
}

// Templates lists every template of every account, whatever its status.
func (b *Backend) Templates(ctx context.Context) ([]state.Template, error) {
	var out []state.Template
	for t, err := range b.c.Templates(ctx, TemplateFilter{}) {
		if err != nil {
			return nil, wrap(err)
		}
		out = append(out, state.Template{ID: t.ID, AccountID: t.APIAccountID, Name: t.Name, Status: t.Status, Text: t.Text, Example: t.Example})
	}
	return out, nil
}

// Contacts yields every contact, a page at a time.
func (b *Backend) Contacts(ctx context.Context) iter.Seq2[[]state.Contact, error] {
	return func(yield func([]state.Contact, error) bool) {
		for p, err := range b.c.ContactPages(ctx, ContactFilter{}) {
			if err != nil {
				yield(nil, wrap(err))
				return
			}
			out := make([]state.Contact, 0, len(p.Items))
			for _, c := range p.Items {
				out = append(out, toContact(c))
			}
			if !yield(out, nil) {
				return
			}
		}
	}
}

// Messages yields pages of messages as batches, with the contacts the
// messages name (name, number, status: what a message carries). The
// reference does not say in which order GET /message pages come, so no
// page promises a Through: the engine moves its cursor at the end of a
// pass.
func (b *Backend) Messages(ctx context.Context, q state.MessageQuery) iter.Seq2[state.Batch, error] {
	f := MessageFilter{APIAccountID: q.AccountID, ContactID: q.ContactID, ConversationID: q.ConversationID, From: q.From, To: q.To}
	return func(yield func(state.Batch, error) bool) {
		for p, err := range b.c.MessagePages(ctx, f) {
			if err != nil {
				yield(state.Batch{}, wrap(err))
				return
			}
			var batch state.Batch
			seen := map[string]bool{}
			for _, m := range p.Items {
				batch.Messages = append(batch.Messages, toMessage(m))
				if c := m.Contact; c.ID != "" && !seen[c.ID] {
					seen[c.ID] = true
					batch.Contacts = append(batch.Contacts, state.Contact{ID: c.ID, AccountID: m.APIAccountID,
						Name: c.Name, Number: c.MobileNumber, Status: c.Status})
				}
			}
			if !yield(batch, nil) {
				return
			}
		}
	}
}

// History is a conversation's week of messages before q.Before, every
// page of it in one batch.
func (b *Backend) History(ctx context.Context, q state.HistoryQuery) (state.Batch, error) {
	before := q.Before
	if before.IsZero() {
		before = b.c.now()
	}
	var out state.Batch
	for batch, err := range b.Messages(ctx, state.MessageQuery{ConversationID: q.ConversationID, AccountID: q.AccountID,
		From: before.Add(-historyPage), To: before}) {
		if err != nil {
			return out, err
		}
		out.Messages = append(out.Messages, batch.Messages...)
		out.Contacts = append(out.Contacts, batch.Contacts...)
	}
	return out, nil
}

// historyPage is how far back one History page reaches.
const historyPage = 7 * 24 * time.Hour

// Message fetches one message.
func (b *Backend) Message(ctx context.Context, id string) (state.Message, error) {
	m, err := b.c.Message(ctx, id)
	if err != nil {
		return state.Message{}, wrap(err)
	}
	return toMessage(m), nil
}

// ConversationMeta reads a conversation's folder and assignee.
func (b *Backend) ConversationMeta(ctx context.Context, id string) (state.ConversationMeta, error) {
	c, err := b.c.Conversation(ctx, id)
	if err != nil {
		return state.ConversationMeta{}, wrap(err)
	}
	meta := state.ConversationMeta{Folder: state.Folder(c.Folder)}
	if !meta.Folder.Valid() {
		meta.Folder = state.FolderInbox
	}
	if c.User != nil {
		meta.UserID = c.User.ID
	} else if c.Team != nil {
		meta.TeamID = c.Team.ID
	}
	return meta, nil
}

// Assign assigns a conversation to a user or a team (msgboxx keeps one
// assignee: a user and a team together are refused by the client).
func (b *Backend) Assign(ctx context.Context, id string, a state.Assignment) error {
	return b.UpdateConversation(ctx, id, state.ConversationMeta{UserID: a.UserID, TeamID: a.TeamID})
}

// UpdateConversation moves and/or assigns a conversation in one PUT.
func (b *Backend) UpdateConversation(ctx context.Context, id string, change state.ConversationMeta) error {
	return wrap(b.c.UpdateConversation(ctx, id, ConversationUpdate{UserID: change.UserID, TeamID: change.TeamID, Folder: Folder(change.Folder)}))
}

// Send sends a session message (POST /message) or a template as a
// broadcast (POST /broadcast, by template id, with the text filled in:
// msgboxx takes no parameters). A broadcast the platform has not made a
// message yet comes back with an empty Message.ID and its id as the
// follow-up token.
func (b *Backend) Send(ctx context.Context, out state.Outgoing) (state.Sent, error) {
	if out.Template == nil {
		m, err := b.SendMessage(ctx, out.AccountID, out.ContactID, out.Text)
		return state.Sent{Message: m}, err
	}
	if out.Template.ID == "" {
		return state.Sent{}, &state.BackendError{Kind: state.KindRefused, Op: "POST /broadcast",
			Message: "msgboxx sends a template by its id, and this one has none"}
	}
	ts, err := b.SendTemplate(ctx, out.AccountID, out.ContactID, out.Template.ID, out.Text)
	if err != nil {
		return state.Sent{}, err
	}
	return state.Sent{Message: ts.Message, FollowUp: ts.BroadcastID}, nil
}

// FollowUp follows a broadcast: its message once msgboxx made one (read
// in full when the broadcast carries no body).
func (b *Backend) FollowUp(ctx context.Context, token string) (state.Message, error) {
	ts, err := b.Broadcast(ctx, token)
	if err != nil || ts.Message.ID == "" {
		return state.Message{}, err
	}
	m := ts.Message
	if m.Body == "" {
		if full, err := b.Message(ctx, m.ID); err == nil {
			m = full
		}
	}
	return m, nil
}

// FindSend looks among the contact's broadcasts for one of out's text
// created at or after since and not claimed that is provably the
// logged-in user's: FindOwnSend's answer when it is OwnerMe.
func (b *Backend) FindSend(ctx context.Context, out state.Outgoing, since time.Time, claimed func(string) bool) (state.Sent, bool, error) {
	sent, own, err := b.FindOwnSend(ctx, out, since, claimed)
	return sent, err == nil && own == state.OwnerMe, err
}

var _ state.OwnSendFinder = (*Backend)(nil)

// FindOwnSend looks among the contact's broadcasts for one of out's text
// created at or after since and not claimed: a template send whose
// answer was lost. msgboxx has no idempotency key, and a broadcast does
// not say who made it: its message does (senderFirstName and
// senderLastName), judged by state.SenderOwnership against the users
// list. A broadcast not yet a message cannot be told apart: OwnerUnknown,
// and the outbox looks again later or asks the agent.
func (b *Backend) FindOwnSend(ctx context.Context, out state.Outgoing, since time.Time, claimed func(string) bool) (state.Sent, state.Ownership, error) {
	if out.Template == nil {
		return state.Sent{}, state.OwnerOther, nil
	}
	sends, err := b.Broadcasts(ctx, out.AccountID, out.ContactID)
	if err != nil {
		return state.Sent{}, state.OwnerOther, err
	}
	var me state.User
	var users []state.User
	best := state.OwnerOther
	for _, bc := range sends {
		if bc.Body != out.Text || bc.Time.Before(since) || claimed(bc.BroadcastID) {
			continue
		}
		if bc.Message.ID == "" {
			best = state.OwnerUnknown
			continue
		}
		if users == nil {
			if me, err = b.Me(ctx); err != nil {
				return state.Sent{}, state.OwnerOther, err
			}
			b.mu.Lock()
			users = b.users
			b.mu.Unlock()
		}
		m, err := b.Message(ctx, bc.Message.ID) // the broadcast's own copy names no sender
		if err != nil {
			return state.Sent{}, state.OwnerOther, err
		}
		m.Template = true
		switch state.SenderOwnership(m.Sender, me, users) {
		case state.OwnerMe:
			return state.Sent{Message: m, FollowUp: bc.BroadcastID}, state.OwnerMe, nil
		case state.OwnerUnknown:
			best = state.OwnerUnknown
		}
	}
	return state.Sent{}, best, nil
}

// SendMessage sends a session message.
func (b *Backend) SendMessage(ctx context.Context, accountID, contactID, body string) (state.Message, error) {
	m, err := b.c.SendMessage(ctx, NewMessage{APIAccountID: accountID, ContactID: contactID, Message: body})
	if err != nil {
		return state.Message{}, wrap(err)
	}
	sm := toMessage(m)
	if sm.ContactID == "" {
		sm.ContactID = contactID
	}
	if sm.AccountID == "" {
		sm.AccountID = accountID
	}
	sm.Direction = state.Outbound // whatever the answer's shape says, we sent it
	if sm.Status == state.StatusUnknown {
		sm.Status = state.StatusPending
	}
	return sm, nil
}

// TemplateSent is msgboxx's record of a template send: a broadcast.
type TemplateSent struct {
	BroadcastID string
	AccountID   string
	ContactID   string
	Body        string
	Time        time.Time
	Message     state.Message // ID empty until the platform has queued it
}

// SendTemplate sends a filled template as a broadcast. When the platform
// already names the message, it is fetched for its conversation id.
func (b *Backend) SendTemplate(ctx context.Context, accountID, contactID, templateID, body string) (TemplateSent, error) {
	bc, err := b.c.SendBroadcast(ctx, NewBroadcast{APIAccountID: accountID, ContactID: contactID, TemplateID: templateID, Message: body})
	if err != nil {
		return TemplateSent{}, wrap(err)
	}
	return b.withMessage(ctx, toTemplateSent(bc)), nil
}

// withMessage completes a template send with its message's conversation
// id; on failure the send stands as it is and is followed up later.
func (b *Backend) withMessage(ctx context.Context, ts TemplateSent) TemplateSent {
	if ts.Message.ID == "" {
		return ts
	}
	if m, err := b.c.Message(ctx, ts.Message.ID); err == nil {
		ts.Message = toMessage(m)
		ts.Message.Template = true
	}
	return ts
}

// Broadcast follows one template send.
func (b *Backend) Broadcast(ctx context.Context, id string) (TemplateSent, error) {
	bc, err := b.c.Broadcast(ctx, id)
	if err != nil {
		return TemplateSent{}, wrap(err)
	}
	return b.withMessage(ctx, toTemplateSent(bc)), nil
}

// Broadcasts lists the template sends to one contact.
func (b *Backend) Broadcasts(ctx context.Context, accountID, contactID string) ([]TemplateSent, error) {
	var out []TemplateSent
	for bc, err := range b.c.Broadcasts(ctx, BroadcastFilter{APIAccountID: accountID, ContactID: contactID}) {
		if err != nil {
			return nil, wrap(err)
		}
		out = append(out, toTemplateSent(bc))
	}
	return out, nil
}

// CreateContact adds a contact.
func (b *Backend) CreateContact(ctx context.Context, c state.Contact) (state.Contact, error) {
	got, err := b.c.CreateContact(ctx, NewContact{MobileNumber: c.Number, Name: c.Name, Status: c.Status, Email: c.Email, APIAccountID: c.AccountID})
	if err != nil {
		return state.Contact{}, wrap(err)
	}
	if len(c.Tags) > 0 { // tags are not part of the create body: set them after
		got.Tags = c.Tags
		if got, err = b.c.UpdateContact(ctx, got); err != nil {
			return state.Contact{}, wrap(err)
		}
	}
	return toContact(got), nil
}

// UpdateContact replaces a contact's details and tags.
func (b *Backend) UpdateContact(ctx context.Context, c state.Contact) (state.Contact, error) {
	got, err := b.c.UpdateContact(ctx, Contact{ID: c.ID, MobileNumber: c.Number, Name: strings.TrimSpace(c.Name),
		Status: c.Status, Email: c.Email, APIAccountID: c.AccountID, Tags: c.Tags})
	if err != nil {
		return state.Contact{}, wrap(err)
	}
	return toContact(got), nil
}

// ContactByNumber finds the account's contact with that number (GET
// /contact filtered by apiAccountId and mobileNumber; the platform
// compares digits, so the answer is checked again here).
func (b *Backend) ContactByNumber(ctx context.Context, accountID, number string) (state.Contact, bool, error) {
	want := digits(number)
	if want == "" {
		return state.Contact{}, false, nil
	}
	for c, err := range b.c.Contacts(ctx, ContactFilter{APIAccountID: accountID, MobileNumber: number}) {
		if err != nil {
			return state.Contact{}, false, wrap(err)
		}
		if digits(c.MobileNumber) == want && (accountID == "" || c.APIAccountID == "" || c.APIAccountID == accountID) {
			sc := toContact(c)
			if sc.AccountID == "" {
				sc.AccountID = accountID
			}
			return sc, true, nil
		}
	}
	return state.Contact{}, false, nil
}

// digits keeps the ASCII digits of a phone number.
func digits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}
