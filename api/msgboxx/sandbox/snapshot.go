package sandbox

import (
	"errors"
	"fmt"
	"slices"
	"time"
)

// Snapshot is a deep copy of the sandbox's state for tests to compare.
// Slices are in the API's orders: accounts, inboxes, users and teams in
// seeding order; contacts, templates, broadcasts and webhooks by creation
// time then id; conversations by creation time then id; messages by
// dateTime then messageId.
type Snapshot struct {
	Taken         time.Time // the sandbox clock when the snapshot was taken (statuses are derived at it)
	Accounts      []SnapshotAccount
	Inboxes       []SnapshotInbox
	Users         []SnapshotUser
	Teams         []SnapshotTeam
	Contacts      []SnapshotContact
	Conversations []SnapshotConversation
	Messages      []SnapshotMessage
	Templates     []SnapshotTemplate
	Broadcasts    []SnapshotBroadcast
	Webhooks      []SnapshotWebhook
}

// SnapshotAccount is an api account and its inboxes.
type SnapshotAccount struct {
	APIAccountID, Name, PhoneNumber string
	DateTime                        time.Time
	InboxIDs                        []string
}

// SnapshotInbox is an inbox.
type SnapshotInbox struct {
	InboxID, APIAccountID, Name string
	DateTime                    time.Time
}

// SnapshotUser is a user (passwords are not included; see Server.Users).
type SnapshotUser struct {
	UserID, Username, FirstName, LastName string
	APIAccountIDs                         []string // linked api accounts (what /user lists)
	TeamIDs                               []string
}

// SnapshotTeam is a team.
type SnapshotTeam struct {
	TeamID, Name, Description string
	APIAccountIDs             []string // empty: global team
	UserIDs                   []string
}

// SnapshotContact is a contact.
type SnapshotContact struct {
	ContactID, APIAccountID, MobileNumber, Name, Status, Email string
	Tags                                                       []string
	DateTime                                                   time.Time
	ConversationID                                             string // "" if the contact has no conversation
	NeverReads                                                 bool   // outgoing messages to this contact stop at Delivered
}

// SnapshotConversation is a conversation with its assignment and folder.
type SnapshotConversation struct {
	ConversationID, APIAccountID, ContactID, InboxID string
	UserID, TeamID                                   string // at most one is set
	Folder                                           string // inbox, archive or spam
	Created                                          time.Time
	LastInbound                                      time.Time // zero if the customer never wrote
	MessageCount                                     int
}

// SnapshotMessage is a message with every wire field and its derived status.
type SnapshotMessage struct {
	MessageID, ConversationID, APIAccountID, InboxID, ContactID string
	BodyText                                                    string
	DateTime                                                    time.Time
	FileLocation                                                string
	MessageDirection                                            string // "outgoing" or "incoming"
	IsTemplateMessage, IsSent, IsDelivered, IsRead              bool
	Status                                                      string
	SenderUserID, SenderFirstName, SenderLastName               string
}

// SnapshotTemplate is a template.
type SnapshotTemplate struct {
	TemplateID, APIAccountID, Status, Name, TemplateText, TemplateExample string
	DateTime                                                              time.Time
}

// SnapshotBroadcast is a broadcast; MessageID is set once it is queued.
type SnapshotBroadcast struct {
	BroadcastID, APIAccountID, ContactID, TemplateID, Message string
	Queued                                                    bool
	MessageID                                                 string // "" until queued
	DateTime, QueueAt                                         time.Time
}

// SnapshotWebhook is a webhook.
type SnapshotWebhook struct {
	WebhookID, Type, TargetURL string
	IsEnabled, IsZapier        bool
	FailureCount               int
}

// Snapshot returns a deep copy of everything a test may compare.
func (s *Server) Snapshot() Snapshot {
	s.materialize()
	now := s.now()
	nowUS := toMicros(now)
	st := s.st
	st.mu.RLock()
	defer st.mu.RUnlock()
	snap := Snapshot{Taken: now}
	for _, a := range st.accounts {
		sa := SnapshotAccount{APIAccountID: a.id.String(), Name: a.name, PhoneNumber: a.phone, DateTime: a.created}
		for _, ib := range a.inboxes {
			sa.InboxIDs = append(sa.InboxIDs, st.inboxes[ib].id.String())
		}
		snap.Accounts = append(snap.Accounts, sa)
	}
	for _, ib := range st.inboxes {
		snap.Inboxes = append(snap.Inboxes, SnapshotInbox{InboxID: ib.id.String(), APIAccountID: st.accounts[ib.account].id.String(), Name: ib.name, DateTime: ib.created})
	}
	for _, u := range st.users {
		su := SnapshotUser{UserID: u.id.String(), Username: u.username, FirstName: u.first, LastName: u.last}
		for _, a := range u.accounts {
			su.APIAccountIDs = append(su.APIAccountIDs, st.accounts[a].id.String())
		}
		for _, t := range st.teams {
			for _, ui := range t.users {
				if ui == u.idx {
					su.TeamIDs = append(su.TeamIDs, t.id.String())
				}
			}
		}
		snap.Users = append(snap.Users, su)
	}
	for _, t := range st.teams {
		stt := SnapshotTeam{TeamID: t.id.String(), Name: t.name, Description: t.description}
		for _, a := range t.accounts {
			stt.APIAccountIDs = append(stt.APIAccountIDs, st.accounts[a].id.String())
		}
		for _, ui := range t.users {
			stt.UserIDs = append(stt.UserIDs, st.users[ui].id.String())
		}
		snap.Teams = append(snap.Teams, stt)
	}
	snap.Contacts = make([]SnapshotContact, 0, len(st.contacts))
	for _, c := range st.contacts {
		sc := SnapshotContact{
			ContactID: c.id.String(), APIAccountID: st.accounts[c.account].id.String(), MobileNumber: c.mobile,
			Name: c.name, Status: c.status, Email: c.email, Tags: append([]string{}, c.tags...), DateTime: c.created,
			NeverReads: c.neverReads,
		}
		if c.conv >= 0 {
			sc.ConversationID = st.convs[c.conv].id.String()
		}
		snap.Contacts = append(snap.Contacts, sc)
	}
	convs := make([]*conversation, len(st.convs))
	copy(convs, st.convs)
	sortConvs(convs)
	snap.Conversations = make([]SnapshotConversation, 0, len(convs))
	for _, cv := range convs {
		sc := SnapshotConversation{
			ConversationID: cv.id.String(), APIAccountID: st.accounts[cv.account].id.String(),
			ContactID: cv.contact.id.String(), InboxID: st.inboxes[cv.inbox].id.String(),
			Folder: folderNames[cv.folder], Created: cv.created, MessageCount: len(cv.msgs),
		}
		if cv.user >= 0 {
			sc.UserID = st.users[cv.user].id.String()
		}
		if cv.team >= 0 {
			sc.TeamID = st.teams[cv.team].id.String()
		}
		if cv.lastInbound != 0 {
			sc.LastInbound = fromMicros(cv.lastInbound)
		}
		snap.Conversations = append(snap.Conversations, sc)
	}
	snap.Messages = make([]SnapshotMessage, 0, len(st.order))
	for _, idx := range st.order {
		m := &st.msgs[idx]
		w := st.wireMessage(idx, nowUS)
		sm := SnapshotMessage{
			MessageID: w.MessageID, ConversationID: w.ConversationID, APIAccountID: w.APIAccountID,
			InboxID: st.inboxes[m.inbox].id.String(), ContactID: w.Contact.ContactID, BodyText: m.body,
			DateTime: fromMicros(m.at), FileLocation: w.FileLocation, MessageDirection: w.MessageDirection,
			IsTemplateMessage: w.IsTemplateMessage, IsSent: w.IsSent, IsDelivered: w.IsDelivered, IsRead: w.IsRead,
			Status: w.Status, SenderFirstName: w.SenderFirstName, SenderLastName: w.SenderLastName,
		}
		if m.outgoing() && m.sender >= 0 {
			sm.SenderUserID = st.users[m.sender].id.String()
		}
		snap.Messages = append(snap.Messages, sm)
	}
	for _, t := range st.templates {
		snap.Templates = append(snap.Templates, SnapshotTemplate{
			TemplateID: t.id.String(), APIAccountID: st.accounts[t.account].id.String(), Status: t.status,
			Name: t.name, TemplateText: t.text, TemplateExample: t.example, DateTime: t.created,
		})
	}
	for _, b := range st.broadcasts {
		sb := SnapshotBroadcast{
			BroadcastID: b.id.String(), APIAccountID: st.accounts[b.account].id.String(), ContactID: b.contact.id.String(),
			TemplateID: b.template.id.String(), Message: b.text, Queued: b.queued, DateTime: b.created, QueueAt: b.queueAt,
		}
		if b.queued {
			sb.MessageID = b.msg.String()
		}
		snap.Broadcasts = append(snap.Broadcasts, sb)
	}
	for _, h := range st.webhooks {
		snap.Webhooks = append(snap.Webhooks, SnapshotWebhook{WebhookID: h.id.String(), Type: h.typ, TargetURL: h.url, IsEnabled: h.enabled, IsZapier: h.zapier, FailureCount: h.failures})
	}
	return snap
}

func sortConvs(convs []*conversation) {
	slices.SortFunc(convs, func(a, b *conversation) int { return byCreated(a.created, b.created, a.id, b.id) })
}

// Receive makes the customer write in: an inbound message now in the
// contact's conversation (created if none). An archived conversation moves
// back to the inbox; spam stays spam.
func (s *Server) Receive(contactID, text string) (string, error) {
	id, ok := parseUUID(contactID)
	if !ok {
		return "", fmt.Errorf("sandbox: %q is not a contact id", contactID)
	}
	if text == "" {
		return "", errors.New("sandbox: empty message text")
	}
	now := s.now()
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c := s.st.contactByID[id]
	if c == nil {
		return "", fmt.Errorf("sandbox: no contact %s", contactID)
	}
	m := s.st.receive(c, now, text)
	return m.id.String(), nil
}

// CountMessages counts the messages of a conversation whose body is
// exactly body.
func (s *Server) CountMessages(conversationID, body string) int {
	s.materialize()
	id, ok := parseUUID(conversationID)
	if !ok {
		return 0
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	ci, found := s.st.convByID[id]
	if !found {
		return 0
	}
	n := 0
	for _, idx := range s.st.convs[ci].msgs {
		if s.st.msgs[idx].body == body {
			n++
		}
	}
	return n
}
