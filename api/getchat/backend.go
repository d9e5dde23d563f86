package getchat

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

// AccountID is the one account of a get.chat backend: a get.chat inbox is
// one WhatsApp number.
const AccountID = "getchat"

// Backend adapts a Client to state.Backend and get.chat's capabilities
// (see doc.go, "Shape"): chats are conversations and contacts at once,
// keyed by the customer's wa_id; messages are keyed by Message.Key;
// resolved chats live in FolderArchive; errors become state.BackendErrors.
type Backend struct {
	c *Client

	mu        sync.Mutex
	users     []state.User
	members   map[string][]string // group id → user ids, from the last Users
	membersAt time.Time
	templates map[string]Template // by templateKey
	tags      map[string]Tag      // by lower-cased name
	refs      map[string]msgRef   // message key → its chat and time, for Message
	aliases   map[string]bool     // get.chat ids handed out as "getchat:"+id (queued sends)
	given     map[string]bool     // conversations whose metadata a batch carried
	resolved  map[string]bool     // of those, the ones last known resolved
	// chatCache is the whole chat list a Messages pass read, for the
	// Contacts that follows it in a backfill (used once, if fresh).
	chatCache   []Chat
	chatCacheAt time.Time
	// chatPrefix is the start of the chat list (newest first) the last
	// Messages passes read, where the next page starts (chatNext), whether
	// it is the whole list, and when it was read: an older window of the
	// first sync goes on from there instead of reading the newer chats
	// again (their metadata came with the newer windows).
	chatPrefix   []Chat
	chatNext     int
	chatWhole    bool
	chatPrefixAt time.Time
	warmed       time.Time // last scan of recent messages for Message
	scanMu       sync.Mutex
}

type msgRef struct {
	waID string
	t    time.Time
}

// NewBackend wraps a client.
func NewBackend(c *Client) *Backend {
	return &Backend{c: c, refs: map[string]msgRef{}, aliases: map[string]bool{}, given: map[string]bool{}, resolved: map[string]bool{}}
}

var (
	_ state.Backend             = (*Backend)(nil)
	_ state.Resolver            = (*Backend)(nil)
	_ state.Unassigner          = (*Backend)(nil)
	_ state.UserAndTeamAssigner = (*Backend)(nil)
	_ state.ConversationTagger  = (*Backend)(nil)
	_ state.SavedResponder      = (*Backend)(nil)
	_ state.EventStreamer       = (*Backend)(nil)
	_ state.PlatformNamer       = (*Backend)(nil)
	_ state.ReadMarker          = (*Backend)(nil)
)

// Client returns the wrapped client.
func (b *Backend) Client() *Client { return b.c }

// PlatformName is "get.chat".
func (b *Backend) PlatformName() string { return "get.chat" }

// AssignsUserAndTeam marks get.chat's user-and-group assignment.
func (b *Backend) AssignsUserAndTeam() {}

// ---------------------------------------------------------------------------
// Errors

// kindOf classifies a client error. A closed window is 453; a POST that
// may have acted is ambiguous whatever else it is.
func kindOf(err error) state.ErrorKind {
	switch {
	case IsUnauthorized(err):
		return state.KindAuth
	case IsWindowClosed(err):
		return state.KindWindowClosed
	case MaybeDelivered(err):
		return state.KindAmbiguous
	case IsNotFound(err):
		return state.KindNotFound
	case hasStatus(err, http.StatusConflict):
		return state.KindConflict
	case IsTemporary(err):
		return state.KindTemporary
	}
	if e, ok := asError(err); (ok && e.Status >= 400 && e.Status < 500) || errors.Is(err, ErrInvalid) {
		return state.KindRefused // 403 "not allowed" among them, with the server's words
	}
	return state.KindTemporary // e.g. an unreadable answer to a read: try again later
}

func wrap(err error) error {
	if err == nil || errors.Is(err, context.Canceled) {
		return err
	}
	be := &state.BackendError{Kind: kindOf(err), Err: err}
	if e, ok := asError(err); ok {
		be.Op, be.Message, be.RetryAfter = e.Route, e.Words, e.RetryAfter
		if be.Kind == state.KindRefused && be.Message == "" {
			switch {
			case e.Status == http.StatusForbidden:
				be.Message = "get.chat does not allow this user to do that"
			case e.Err != nil:
				be.Message = e.Err.Error()
			}
		}
	}
	return be
}

func refused(op, words string) error {
	return &state.BackendError{Kind: state.KindRefused, Op: op, Message: words}
}

// ---------------------------------------------------------------------------
// Conversion

func idString(n Int) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatInt(int64(n), 10)
}

func parseID(s string) (Int, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return Int(n), err == nil && n > 0
}

// E164 is a wa_id as a phone number: "+" and its digits.
func E164(waID string) string {
	if waID == "" || strings.HasPrefix(waID, "+") {
		return waID
	}
	return "+" + waID
}

// WaID is the wa_id of a number or an id: its digits.
func WaID(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, s)
}

func toUser(u User) state.User {
	su := state.User{ID: idString(u.ID), FirstName: u.FirstName, LastName: u.LastName, AccountIDs: []string{AccountID}}
	if strings.TrimSpace(su.FirstName+su.LastName) == "" {
		su.FirstName = u.Username
	}
	return su
}

func metaOf(c Chat) state.ConversationMeta {
	m := state.ConversationMeta{Folder: state.FolderInbox}
	if c.Contact.Resolved {
		m.Folder = state.FolderArchive
	}
	if c.AssignedToUser != nil {
		m.UserID = idString(c.AssignedToUser.ID)
	}
	if c.AssignedGroup != nil {
		m.TeamID = idString(c.AssignedGroup.ID)
	}
	return m
}

// tagsOf is a chat's tags by name, in the server's order (nil: none).
func tagsOf(c Chat) []string {
	var tags []string
	for _, t := range c.Tags {
		if t.Name != "" {
			tags = append(tags, t.Name)
		}
	}
	return tags
}

// describe puts a chat's metadata, tags and unread count (new_messages,
// the logged-in user's) in batch; b.mu is held.
func (b *Backend) describe(batch *state.Batch, id string, c Chat) {
	if batch.Conversations == nil {
		batch.Conversations = map[string]state.ConversationMeta{}
	}
	if batch.Tags == nil {
		batch.Tags = map[string][]string{}
	}
	if batch.Unread == nil {
		batch.Unread = map[string]int{}
	}
	batch.Conversations[id] = metaOf(c)
	batch.Tags[id] = tagsOf(c)
	batch.Unread[id] = max(0, int(c.NewMessages))
	b.described(id, batch.Conversations[id])
}

func contactOf(c Chat) state.Contact {
	id := c.ID()
	tags := []string{}
	for _, t := range c.Tags {
		if t.Name != "" {
			tags = append(tags, t.Name)
		}
	}
	return state.Contact{ID: id, AccountID: AccountID, Name: c.Contact.Name(), Number: E164(id), Tags: tags}
}

// key is the message's id in the store: Message.Key, except that a
// message first handed out by its get.chat id (a queued send) keeps that
// id once WhatsApp's is known.
func (b *Backend) key(m Message) string {
	if m.ID != "" {
		b.mu.Lock()
		alias := b.aliases[string(m.ID)]
		b.mu.Unlock()
		if alias {
			return "getchat:" + string(m.ID)
		}
	}
	return m.Key()
}

func (b *Backend) remember(id, waID string, t time.Time) {
	if id == "" || waID == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.refs) >= 200_000 {
		cut := time.Now().Add(-48 * time.Hour)
		for k, r := range b.refs {
			if r.t.Before(cut) {
				delete(b.refs, k)
			}
		}
		if len(b.refs) >= 200_000 {
			clear(b.refs)
		}
	}
	b.refs[id] = msgRef{waID: waID, t: t}
}

// body is a message as one text: a text's words; a template filled in as
// Render numbers it (so that a template sent from here is recognised);
// media as "[image] caption" or "[document name]"; others as "[type]".
func (b *Backend) body(ctx context.Context, p MessagePayload) (string, bool) {
	if p.Template != nil {
		if t, ok := b.template(ctx, p.Template.Name, p.Template.Language.Code); ok {
			text, _ := t.Fill(p.Template)
			return text, true
		}
		return "[template " + p.Template.Name + "]", true
	}
	if m := p.Media(); m != nil {
		return state.MediaLine(mediaKind(p.Type), m.Filename, m.Caption), false
	}
	if text := p.Body(); text != "" {
		return text, false
	}
	switch {
	case p.Location != nil:
		return strings.TrimSpace("[location] " + p.Location.Name + " " + p.Location.Address), false
	case p.Type != "":
		return "[" + p.Type + "]", false
	}
	return "", false
}

func (b *Backend) toMessage(ctx context.Context, m Message) state.Message {
	waID := m.ChatID()
	sm := state.Message{
		ID: b.key(m), ConversationID: waID, AccountID: AccountID, ContactID: waID,
		Direction: state.Inbound, Time: m.Time(),
	}
	sm.Body, sm.Template = b.body(ctx, m.WabaPayload)
	sm.Media = mediaOf(m.WabaPayload)
	if m.FromUs {
		sm.Direction = state.Outbound
		sm.Status = state.ParseMessageStatus(m.Status())
		if sm.Status == state.StatusFailed {
			sm.Reason = failure(m.WabaPayload.Errors)
		}
		if m.Sender != nil {
			sm.Sender = m.Sender.Name()
		}
	}
	b.remember(sm.ID, waID, sm.Time)
	return sm
}

func failure(errs []WABAError) string {
	for _, e := range errs {
		if w := e.Words(); w != "" {
			return "WhatsApp: " + w
		}
	}
	return "WhatsApp did not deliver it"
}

// ---------------------------------------------------------------------------
// Reference data

// Me is the logged-in user (GET users/current/), with what they may
// write to (writeScopeOf).
func (b *Backend) Me(ctx context.Context) (state.User, error) {
	u, err := b.c.CurrentUser(ctx)
	if err != nil {
		return state.User{}, wrap(err)
	}
	su := toUser(u)
	su.WriteScope = writeScopeOf(u)
	return su, nil
}

// writeScopeOf is CanWrite's rule as a state.WriteScope: can_write_to_chats
// when the server sends it (all, group, user, none), else an admin writes
// everywhere and any other role (user, app) only to chats assigned to
// them.
func writeScopeOf(u User) state.WriteScope {
	if u.Permissions != nil {
		switch strings.ToLower(u.Permissions.CanWriteToChats) {
		case ScopeAll:
			return state.WriteAll
		case ScopeGroup:
			return state.WriteTeam
		case ScopeUser:
			return state.WriteAssigned
		case ScopeNone:
			return state.WriteNone
		}
	}
	if u.IsAdmin() {
		return state.WriteAll
	}
	return state.WriteAssigned
}

// Accounts is get.chat's one WhatsApp account, named after the host.
func (b *Backend) Accounts(ctx context.Context) ([]state.Account, error) {
	return []state.Account{{ID: AccountID, Name: "get.chat " + b.c.base.Hostname()}}, nil
}

// Users lists the inbox's users; every one works in the account.
func (b *Backend) Users(ctx context.Context) ([]state.User, error) {
	out := []state.User{}
	members := map[string][]string{}
	for u, err := range b.c.Users(ctx) {
		if err != nil {
			return nil, wrap(err)
		}
		su := toUser(u)
		if su.ID == "" {
			continue
		}
		out = append(out, su)
		for _, g := range u.Groups {
			members[idString(g.ID)] = append(members[idString(g.ID)], su.ID)
		}
	}
	b.mu.Lock()
	b.users, b.members, b.membersAt = out, members, b.c.now()
	b.mu.Unlock()
	return out, nil
}

// Teams are get.chat's groups, with the members the users list names (the
// Users answer just read, else read now).
func (b *Backend) Teams(ctx context.Context) ([]state.Team, error) {
	b.mu.Lock()
	members, fresh := b.members, b.c.now().Sub(b.membersAt) < time.Minute
	b.mu.Unlock()
	if members == nil || !fresh { // Users was not just read: read it for the members
		if _, err := b.Users(ctx); err != nil {
			return nil, err
		}
		b.mu.Lock()
		members = b.members
		b.mu.Unlock()
	}
	out := []state.Team{}
	for g, err := range b.c.Groups(ctx) {
		if err != nil {
			return nil, wrap(err)
		}
		id := idString(g.ID)
		if id == "" {
			continue
		}
		out = append(out, state.Team{ID: id, Name: g.Name, AccountIDs: []string{AccountID}, UserIDs: members[id]})
	}
	return out, nil
}

func templateKey(name, lang string) string {
	return strings.ToLower(name) + "\x00" + strings.ToLower(lang)
}

// TemplateID is the id mbx gives a template: name and language.
func TemplateID(name, lang string) string { return name + ":" + lang }

// Templates lists every template (approved, pending, rejected), each
// rendered as one text with its header and footer (Template.Render).
func (b *Backend) Templates(ctx context.Context) ([]state.Template, error) {
	ts, err := b.loadTemplates(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]state.Template, 0, len(ts))
	for _, t := range ts {
		r := t.Render()
		status := strings.ToLower(t.Status)
		if status != "" {
			status = strings.ToUpper(status[:1]) + status[1:]
		}
		out = append(out, state.Template{ID: TemplateID(t.Name, t.Language.Code), AccountID: AccountID, Name: t.Name,
			Language: t.Language.Code, Status: status, Text: r.Text, Example: r.Example})
	}
	return out, nil
}

func (b *Backend) loadTemplates(ctx context.Context) ([]Template, error) {
	ts, err := Collect(b.c.Templates(ctx))
	if err != nil {
		return nil, wrap(err)
	}
	m := make(map[string]Template, len(ts))
	for _, t := range ts {
		m[templateKey(t.Name, t.Language.Code)] = t
	}
	b.mu.Lock()
	b.templates = m
	b.mu.Unlock()
	return ts, nil
}

// template finds a template by name and language, reading the list once
// if it is not known yet.
func (b *Backend) template(ctx context.Context, name, lang string) (Template, bool) {
	b.mu.Lock()
	t, ok := b.templates[templateKey(name, lang)]
	loaded := b.templates != nil
	b.mu.Unlock()
	if ok || loaded {
		return t, ok
	}
	if _, err := b.loadTemplates(ctx); err != nil {
		return Template{}, false
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	t, ok = b.templates[templateKey(name, lang)]
	return t, ok
}

// described records the metadata a batch or a caller got for id; b.mu is
// held.
func (b *Backend) described(id string, m state.ConversationMeta) {
	b.given[id] = true
	if m.Folder == state.FolderArchive {
		b.resolved[id] = true
	} else {
		delete(b.resolved, id)
	}
}

// chatCacheFor is how long a chat list read by Messages serves Contacts.
const chatCacheFor = 2 * time.Minute

// Contacts are the chats' customers, with the chats' tags: the chat list a
// backfill's Messages pass has just read (once), else read now.
func (b *Backend) Contacts(ctx context.Context) iter.Seq2[[]state.Contact, error] {
	return func(yield func([]state.Contact, error) bool) {
		b.mu.Lock()
		cached := b.chatCache
		fresh := cached != nil && b.c.now().Sub(b.chatCacheAt) < chatCacheFor
		b.chatCache = nil
		b.mu.Unlock()
		if fresh { // the backfill's chat list, read moments ago
			for chunk := range slices.Chunk(cached, b.c.pageSize) {
				out := make([]state.Contact, 0, len(chunk))
				for _, c := range chunk {
					if c.ID() != "" {
						out = append(out, contactOf(c))
					}
				}
				if !yield(out, nil) {
					return
				}
			}
			return
		}
		for p, err := range b.c.chatPagesAhead(ctx, ChatFilter{}, 0) {
			if err != nil {
				yield(nil, wrap(err))
				return
			}
			out := make([]state.Contact, 0, len(p.Results))
			for _, c := range p.Results {
				if c.ID() != "" {
					out = append(out, contactOf(c))
				}
			}
			if !yield(out, nil) {
				return
			}
		}
	}
}

// SavedResponses lists get.chat's saved responses; the name is the first
// line of the text.
func (b *Backend) SavedResponses(ctx context.Context) ([]state.SavedResponse, error) {
	out := []state.SavedResponse{}
	for r, err := range b.c.SavedResponses(ctx) {
		if err != nil {
			return nil, wrap(err)
		}
		name, _, _ := strings.Cut(strings.TrimSpace(r.Text), "\n")
		out = append(out, state.SavedResponse{ID: idString(r.ID), Name: truncate(name, 60), Text: r.Text})
	}
	return out, nil
}

// ---------------------------------------------------------------------------
// Messages

// chatListSpan: a Messages pass reaching further back than this (a
// backfill, a long catch-up) first reads the chat list, so that the
// folder, assignee and name of every conversation come a page of 100 at a
// time rather than one request each.
const chatListSpan = time.Hour

// metaLookups is how many chats one batch looks up at once.
const metaLookups = 8

// Messages yields the messages of q a page at a time (GET messages/,
// since_time = From, before_time = To or now, fixed for the whole pass so
// that offsets do not shift as messages arrive), in whatever order the
// server lists them; the engine dedupes by id. No page promises Through.
// Each batch carries the folder, assignee, tags and contact of the
// conversations it names for the first time: from the chat list read first when the
// pass reaches back over chatListSpan, else from each chat (GET
// chats/{wa_id}/).
func (b *Backend) Messages(ctx context.Context, q state.MessageQuery) iter.Seq2[state.Batch, error] {
	now := b.c.now()
	f := MessageFilter{WaID: q.ConversationID, Since: q.From, Before: q.To}
	if f.WaID == "" || state.IsNewConversation(f.WaID) {
		f.WaID = WaID(q.ContactID)
	}
	if f.Before.IsZero() {
		f.Before = now.Add(time.Second)
	}
	narrowed := f.WaID != ""
	return func(yield func(state.Batch, error) bool) {
		if state.IsNewConversation(q.ConversationID) && f.WaID == "" {
			return
		}
		var chats map[string]Chat
		if !narrowed && (q.From.IsZero() || now.Sub(q.From) > chatListSpan) {
			var err error
			if chats, err = b.chatList(ctx, q.From); err != nil {
				yield(state.Batch{}, err)
				return
			}
		}
		for p, err := range b.c.messagePagesAhead(ctx, f) {
			if err != nil {
				yield(state.Batch{}, wrap(err))
				return
			}
			var batch state.Batch
			for i, m := range p.Results {
				if m.ChatID() == "" || m.Key() == "" { // decoded, but nowhere to put it: skipped and counted
					b.c.log.Warn("getchat: message without a chat or an id skipped", "next", SafeURL(p.Next), "position", i)
					state.ReportSkipped(ctx, 1)
					continue
				}
				batch.Messages = append(batch.Messages, b.toMessage(ctx, m))
			}
			if !narrowed {
				b.addMeta(ctx, &batch, chats)
			}
			if !yield(batch, nil) {
				return
			}
		}
	}
}

// chatList reads the chats whose last message is at or after from (all
// of them for a zero from). The list is said to be newest first: reading
// stops after a page in that order with none that recent (a page in
// another order is read on); a chat missed that way is looked up on its
// own.
func (b *Backend) chatList(ctx context.Context, from time.Time) (map[string]Chat, error) {
	out := map[string]Chat{}
	b.mu.Lock()
	var prefix []Chat
	next, whole := 0, false
	if b.chatPrefix != nil && b.c.now().Sub(b.chatPrefixAt) < chatCacheFor {
		prefix, next, whole = b.chatPrefix, b.chatNext, b.chatWhole
	}
	b.mu.Unlock()
	lastTime := func(c Chat) time.Time {
		t := c.Contact.LastMessageTimestamp.Time
		if c.LastMessage != nil && c.LastMessage.Time().After(t) {
			t = c.LastMessage.Time()
		}
		return t
	}
	// take adds the chats of a page that are recent enough; it reports
	// whether the list, newest first, has gone below from.
	take := func(chats []Chat) (below bool) {
		recent, descending := false, true
		var prev time.Time
		for i, c := range chats {
			t := lastTime(c)
			if i > 0 && t.After(prev) {
				descending = false
			}
			prev = t
			if id := c.ID(); id != "" && (from.IsZero() || t.IsZero() || !t.Before(from)) {
				out[id] = c
				recent = true
			}
		}
		return !recent && descending && len(chats) > 0
	}
	all := slices.Clone(prefix)
	keep := func(done bool) {
		b.mu.Lock()
		b.chatPrefix, b.chatNext, b.chatWhole, b.chatPrefixAt = all, next, done, b.c.now()
		if done {
			b.chatCache, b.chatCacheAt = all, b.c.now()
		}
		b.mu.Unlock()
	}
	// What was read already: the newest chats, in pages of the list.
	for chunk := range slices.Chunk(prefix, max(1, b.c.pageSize)) {
		if take(chunk) {
			return out, nil
		}
	}
	if whole {
		keep(true)
		return out, nil
	}
	for p, err := range b.c.chatPagesAhead(ctx, ChatFilter{}, next) {
		if err != nil {
			return nil, wrap(err)
		}
		all = append(all, p.Results...)
		next += len(p.Results) + len(p.Skipped)
		if take(p.Results) {
			keep(false)
			return out, nil // newest first, and already older than from
		}
	}
	keep(true)
	return out, nil
}

// addMeta gives batch the metadata and contact of the conversations it
// names that no batch has described yet.
func (b *Backend) addMeta(ctx context.Context, batch *state.Batch, chats map[string]Chat) {
	var need []string
	b.mu.Lock()
	for _, m := range batch.Messages {
		id := m.ConversationID
		if c, ok := chats[id]; ok && b.given[id] {
			// Described by an earlier page of this pass: its count again,
			// since this page's older messages counted locally.
			if batch.Unread == nil {
				batch.Unread = map[string]int{}
			}
			batch.Unread[id] = max(0, int(c.NewMessages))
		}
		if id != "" && !b.given[id] && !slices.Contains(need, id) {
			need = append(need, id)
		}
	}
	b.mu.Unlock()
	if len(need) == 0 {
		return
	}
	found := make([]*Chat, len(need))
	var wg sync.WaitGroup
	sem := make(chan struct{}, metaLookups)
	for i, id := range need {
		if c, ok := chats[id]; ok {
			found[i] = &c
			continue
		}
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			if c, err := b.c.Chat(ctx, id); err == nil {
				found[i] = &c
			} else {
				b.c.log.Debug("getchat: chat lookup failed", "err", err)
			}
		})
	}
	wg.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, id := range need {
		c := found[i]
		if c == nil {
			continue // the engine looks it up (ConversationMeta)
		}
		b.describe(batch, id, *c)
		sc := contactOf(*c)
		sc.Tags = nil // a batch's contacts are partial: tags stay as stored
		if sc.ID == "" {
			sc.ID, sc.Number = id, E164(id)
		}
		batch.Contacts = append(batch.Contacts, sc)
	}
}

// History is one page (the client's page size) of a conversation's
// messages before q.Before, newest first as the server lists them.
func (b *Backend) History(ctx context.Context, q state.HistoryQuery) (state.Batch, error) {
	f := MessageFilter{WaID: q.ConversationID, Before: q.Before}
	if state.IsNewConversation(f.WaID) {
		return state.Batch{}, nil
	}
	var batch state.Batch
	for p, err := range b.c.MessagePages(ctx, f) {
		if err != nil {
			return state.Batch{}, wrap(err)
		}
		for _, m := range p.Results {
			if m.ChatID() != "" && m.Key() != "" {
				batch.Messages = append(batch.Messages, b.toMessage(ctx, m))
			}
		}
		break
	}
	return batch, nil
}

// recentScan is how far back Message looks for a message it has not
// seen in this run (the engine follows statuses for 24 hours).
const recentScan = 25 * time.Hour

// Message reads one message again. get.chat has no single-message read:
// the message is found among its chat's messages since its time; a
// message this run has not seen (after a restart) is found by one scan of
// the last recentScan of messages, at most every ten minutes.
func (b *Backend) Message(ctx context.Context, id string) (state.Message, error) {
	b.mu.Lock()
	ref, ok := b.refs[id]
	b.mu.Unlock()
	if !ok {
		if err := b.warm(ctx); err != nil {
			return state.Message{}, err
		}
		b.mu.Lock()
		ref, ok = b.refs[id]
		b.mu.Unlock()
		if !ok {
			return state.Message{}, &state.BackendError{Kind: state.KindNotFound, Op: routeMessages, Message: "no such recent message"}
		}
	}
	f := MessageFilter{WaID: ref.waID, Since: ref.t.Add(-time.Second), Before: b.c.now().Add(time.Second)}
	for m, err := range b.c.Messages(ctx, f) {
		if err != nil {
			return state.Message{}, wrap(err)
		}
		if b.key(m) == id || m.Key() == id || (m.ID != "" && "getchat:"+string(m.ID) == id) {
			sm := b.toMessage(ctx, m)
			sm.ID = id
			return sm, nil
		}
	}
	return state.Message{}, &state.BackendError{Kind: state.KindNotFound, Op: routeMessages, Message: "message not found in its chat"}
}

func (b *Backend) warm(ctx context.Context) error {
	b.scanMu.Lock()
	defer b.scanMu.Unlock()
	now := b.c.now()
	b.mu.Lock()
	fresh := !b.warmed.IsZero() && now.Sub(b.warmed) < 10*time.Minute
	b.mu.Unlock()
	if fresh {
		return nil
	}
	for m, err := range b.c.Messages(ctx, MessageFilter{Since: now.Add(-recentScan), Before: now.Add(time.Second)}) {
		if err != nil {
			return wrap(err)
		}
		b.remember(b.key(m), m.ChatID(), m.Time())
	}
	b.mu.Lock()
	b.warmed = now
	b.mu.Unlock()
	return nil
}

// ---------------------------------------------------------------------------
// Conversations

// ConversationMeta reads a chat: resolved is FolderArchive, open
// FolderInbox; the user and the group.
func (b *Backend) ConversationMeta(ctx context.Context, id string) (state.ConversationMeta, error) {
	c, err := b.c.Chat(ctx, id)
	if err != nil {
		return state.ConversationMeta{}, wrap(err)
	}
	m := metaOf(c)
	b.mu.Lock()
	b.described(id, m)
	b.mu.Unlock()
	return m, nil
}

// Assign sets the user and/or the group (an empty side is kept): PATCH
// with one side, PUT with both.
func (b *Backend) Assign(ctx context.Context, id string, a state.Assignment) error {
	u := AssignmentUpdate{WaID: id}
	if a.UserID != "" {
		n, ok := parseID(a.UserID)
		if !ok {
			return refused("assign", "no get.chat user "+a.UserID)
		}
		u.User = AssignTo(int64(n))
	}
	if a.TeamID != "" {
		n, ok := parseID(a.TeamID)
		if !ok {
			return refused("assign", "no get.chat group "+a.TeamID)
		}
		u.Group = AssignTo(int64(n))
	}
	if u.Empty() {
		return nil
	}
	_, err := b.c.Assign(ctx, u)
	return wrap(err)
}

// Unassign clears the user and the group (PUT, both null).
func (b *Backend) Unassign(ctx context.Context, id string) error {
	_, err := b.c.Assign(ctx, AssignmentUpdate{WaID: id, User: Nobody(), Group: Nobody()})
	return wrap(err)
}

// MarkRead marks the chat's messages up to upTo as received
// (mark_as_received/): get.chat's unread count of the chat drops.
func (b *Backend) MarkRead(ctx context.Context, id string, upTo time.Time) error {
	if state.IsNewConversation(id) {
		return nil
	}
	return wrap(b.c.MarkAsReceived(ctx, id, upTo))
}

// Resolve marks the chat resolved.
func (b *Backend) Resolve(ctx context.Context, id string) error {
	err := b.c.Resolve(ctx, id)
	if err == nil {
		b.mu.Lock()
		b.resolved[id] = true
		b.mu.Unlock()
	}
	return wrap(err)
}

// Reopen marks the chat open.
func (b *Backend) Reopen(ctx context.Context, id string) error {
	err := b.c.Reopen(ctx, id)
	if err == nil {
		b.mu.Lock()
		delete(b.resolved, id)
		b.mu.Unlock()
	}
	return wrap(err)
}

// SetConversationTags makes the chat's tags exactly tags (by name, any
// case): missing ones are added (POST chat_tagging/), others removed
// (DELETE chat_tagging/{id}/). get.chat creates tags in its settings, not
// here: an unknown name is refused before any change.
func (b *Backend) SetConversationTags(ctx context.Context, id string, tags []string) error {
	chat, err := b.c.Chat(ctx, id)
	if err != nil {
		return wrap(err)
	}
	want := map[string]Tag{}
	var unknown []string
	for _, name := range tags {
		t, ok, err := b.tag(ctx, name)
		if err != nil {
			return err
		}
		if !ok {
			unknown = append(unknown, name)
			continue
		}
		want[strings.ToLower(t.Name)] = t
	}
	if len(unknown) > 0 {
		return refused("tag", fmt.Sprintf("get.chat has no tag %s (tags are created in get.chat's settings)", strings.Join(quoteAll(unknown), ", ")))
	}
	have := map[string]bool{}
	for _, t := range chat.Tags {
		have[strings.ToLower(t.Name)] = true
		if _, keep := want[strings.ToLower(t.Name)]; keep {
			continue
		}
		if t.TaggingID == 0 {
			return refused("untag", "get.chat did not say which tagging to remove for tag "+strconv.Quote(t.Name))
		}
		if err := b.c.UntagChat(ctx, t.TaggingID); err != nil {
			return wrap(err)
		}
	}
	for name, t := range want {
		if have[name] {
			continue
		}
		if _, err := b.c.TagChat(ctx, id, t.ID); err != nil {
			return wrap(err)
		}
	}
	return nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

// tag finds a tag by name, reading the list again when the name is not
// known.
func (b *Backend) tag(ctx context.Context, name string) (Tag, bool, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	b.mu.Lock()
	t, ok := b.tags[key]
	b.mu.Unlock()
	if ok {
		return t, true, nil
	}
	all, err := Collect(b.c.Tags(ctx))
	if err != nil {
		return Tag{}, false, wrap(err)
	}
	m := make(map[string]Tag, len(all))
	for _, t := range all {
		m[strings.ToLower(t.Name)] = t
	}
	b.mu.Lock()
	b.tags = m
	b.mu.Unlock()
	t, ok = m[key]
	return t, ok, nil
}

// ---------------------------------------------------------------------------
// Sending

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// Send sends a text or a template (by name and language; the values fill
// Render's global placeholders, mapped back to the header's and body's,
// numbered or named). The answer's message id: WhatsApp's from
// waba_response, else the answer's id — a UUID is get.chat's own, which
// a 202 (queued) keeps as "getchat:"+id; after a 200/201 it is looked up
// among the chat's newest messages for WhatsApp's. When no id is known,
// Sent.Message.ID is empty and the engine looks for the message by its
// text before ever sending again.
func (b *Backend) Send(ctx context.Context, out state.Outgoing) (state.Sent, error) {
	waID := out.ConversationID
	if waID == "" || state.IsNewConversation(waID) {
		waID = WaID(out.ContactID)
	}
	if waID == "" {
		return state.Sent{}, refused(routeSend, "no chat to send to")
	}
	started := b.c.now()
	var sent Sent
	var err error
	switch {
	case out.File != nil:
		sent, err = b.sendFile(ctx, waID, out)
	case out.Template == nil:
		sent, err = b.c.SendText(ctx, waID, out.Text)
	default:
		ref := *out.Template
		name, lang := ref.Name, ref.Language
		if name == "" && ref.ID != "" {
			name, lang, _ = strings.Cut(ref.ID, ":")
		}
		t, ok := b.template(ctx, name, lang)
		var tm TemplateMessage
		if ok {
			tm = t.Message(ref.Params)
		} else {
			tm = TemplateMessage{Name: name, Language: lang}
			for _, p := range ref.Params {
				tm.Body = append(tm.Body, Param{Text: p})
			}
		}
		sent, err = b.c.SendTemplate(ctx, waID, tm)
	}
	if err != nil {
		return state.Sent{}, wrap(err)
	}
	msg := state.Message{ConversationID: waID, AccountID: AccountID, ContactID: waID, Direction: state.Outbound,
		Body: out.Text, Time: started, Status: state.StatusPending, Template: out.Template != nil}
	if f := out.File; f != nil {
		msg.Media = f.Media()
		msg.Body = state.MediaLine(msg.Media.Kind, msg.Media.Name, out.Text)
	}
	wabaID := sent.Result.WhatsAppID()
	switch gid := string(sent.Result.ID); {
	case wabaID != "":
		msg.ID = wabaID
	case gid == "":
	case !uuidRE.MatchString(gid):
		msg.ID = gid // not get.chat's UUID: WhatsApp's id
	case sent.Queued():
		b.mu.Lock()
		b.aliases[gid] = true
		b.mu.Unlock()
		msg.ID = "getchat:" + gid
	default:
		if m, ok := b.findSent(ctx, waID, gid, started); ok {
			return state.Sent{Message: m}, nil
		}
	}
	if msg.ID != "" {
		b.remember(msg.ID, waID, started)
	}
	return state.Sent{Message: msg}, nil
}

// findSent looks for get.chat's message gid among the chat's newest.
func (b *Backend) findSent(ctx context.Context, waID, gid string, since time.Time) (state.Message, bool) {
	for p, err := range b.c.MessagePages(ctx, MessageFilter{WaID: waID, Since: since.Add(-time.Minute)}) {
		if err != nil {
			return state.Message{}, false
		}
		for _, m := range p.Results {
			if string(m.ID) == gid && m.WabaPayload.ID != "" {
				return b.toMessage(ctx, m), true
			}
		}
		break
	}
	return state.Message{}, false
}

// ---------------------------------------------------------------------------
// Events

// Events streams the websocket as batches: messages (inbound and sent
// from any inbox), statuses (as messages with the status: only for
// messages this run knows, else the message is read from its chat, so a
// status never makes an empty message), and the metadata and tags of
// chats assigned, tagged, untagged, resolved or reopened (read from the
// chat, since an event tells one side and the store keeps all of it); a
// message's tagging is dropped. The first batch, yielded as soon as the
// token is sent, is empty with Connected set (state.EventStreamer's
// contract): from then on the engine makes no periodic message polls,
// after one catch-up by since_time. The stream ends with an error when
// the socket drops; the engine polls, catches up and reconnects.
func (b *Backend) Events(ctx context.Context) iter.Seq2[state.Batch, error] {
	return func(yield func(state.Batch, error) bool) {
		first := true
		for evs, err := range b.c.Events(ctx) {
			if err != nil {
				yield(state.Batch{}, wrap(err))
				return
			}
			batch := b.eventBatch(ctx, evs)
			empty := len(batch.Messages) == 0 && len(batch.Contacts) == 0 && len(batch.Conversations) == 0
			if empty && !first {
				continue
			}
			batch.Connected = first // the client yields "connected" (no events) first
			first = false
			if !yield(batch, nil) {
				return
			}
		}
	}
}

func (b *Backend) eventBatch(ctx context.Context, evs []Event) state.Batch {
	var batch state.Batch
	metas := map[string]bool{}
	named := map[string]bool{}
	for _, ev := range evs {
		switch ev.Kind {
		case EventInbound, EventOutbound:
			if ev.Message == nil {
				continue
			}
			sm := b.toMessage(ctx, *ev.Message)
			if sm.Time.IsZero() {
				sm.Time = ev.Time
			}
			batch.Messages = append(batch.Messages, sm)
			if ev.ContactName != "" && !named[ev.WaID] {
				named[ev.WaID] = true
				batch.Contacts = append(batch.Contacts, state.Contact{ID: ev.WaID, AccountID: AccountID, Name: ev.ContactName, Number: E164(ev.WaID)})
			}
			// A chat not described yet, or one a customer's message may
			// have reopened, is read for its metadata.
			b.mu.Lock()
			stale := !b.given[ev.WaID] || (ev.Kind == EventInbound && b.resolved[ev.WaID])
			b.mu.Unlock()
			if stale {
				metas[ev.WaID] = true
			}
		case EventStatus:
			if sm, ok := b.statusMessage(ctx, ev); ok {
				batch.Messages = append(batch.Messages, sm)
			}
		case EventAssignment, EventResolve:
			metas[ev.WaID] = true
		case EventTagging:
			if ev.MessageID == "" { // a chat's tags (a message's are not kept)
				metas[ev.WaID] = true
			}
		}
	}
	for id := range metas {
		if id == "" {
			continue
		}
		c, err := b.c.Chat(ctx, id)
		if err != nil {
			b.c.log.Debug("getchat: chat lookup after an event failed", "err", err)
			continue
		}
		b.mu.Lock()
		b.describe(&batch, id, c)
		b.mu.Unlock()
		if !named[id] && c.Contact.Name() != "" {
			sc := contactOf(c)
			sc.Tags = nil
			batch.Contacts = append(batch.Contacts, sc)
		}
	}
	return batch
}

// statusMessage turns a status event into the message it moves.
func (b *Backend) statusMessage(ctx context.Context, ev Event) (state.Message, bool) {
	ids := []string{}
	if ev.GetchatID != "" {
		b.mu.Lock()
		alias := b.aliases[ev.GetchatID]
		b.mu.Unlock()
		if alias {
			ids = append(ids, "getchat:"+ev.GetchatID)
		}
	}
	if ev.MessageID != "" {
		ids = append(ids, ev.MessageID)
	}
	if ev.GetchatID != "" {
		ids = append(ids, "getchat:"+ev.GetchatID)
	}
	b.mu.Lock()
	var id string
	var ref msgRef
	for _, k := range ids {
		if r, ok := b.refs[k]; ok {
			id, ref = k, r
			break
		}
	}
	b.mu.Unlock()
	if id == "" {
		// Not seen in this run: read it from its chat (the status's
		// recipient), so that the store gets the whole message.
		if ev.WaID == "" {
			return state.Message{}, false
		}
		f := MessageFilter{WaID: ev.WaID, Before: ev.Time.Add(time.Second)}
		if ev.Time.IsZero() {
			f.Before = b.c.now().Add(time.Second)
		}
		for p, err := range b.c.MessagePages(ctx, f) {
			if err != nil {
				return state.Message{}, false
			}
			for _, m := range p.Results {
				if (ev.MessageID != "" && string(m.WabaPayload.ID) == ev.MessageID) || (ev.GetchatID != "" && string(m.ID) == ev.GetchatID) {
					sm := b.toMessage(ctx, m)
					sm.Status = state.Later(sm.Status, state.ParseMessageStatus(ev.Status))
					if sm.Status == state.StatusFailed && len(ev.Errors) > 0 {
						sm.Reason = failure(ev.Errors)
					}
					return sm, true
				}
			}
			break
		}
		return state.Message{}, false
	}
	sm := state.Message{ID: id, ConversationID: ref.waID, AccountID: AccountID, ContactID: ref.waID,
		Direction: state.Outbound, Status: state.ParseMessageStatus(ev.Status)}
	if sm.Status == state.StatusFailed {
		sm.Reason = failure(ev.Errors)
	}
	return sm, true
}
