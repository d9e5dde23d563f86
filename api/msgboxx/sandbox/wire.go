package sandbox

import "time"

// Wire shapes, reproduced from the reference including its quirks
// (datetime vs dateTime, apiAccountid, bare arrays for /team and /user).

// Entity timestamps look like the reference's "2022-07-05T20:09:58.341Z";
// message timestamps like its "2024-04-30T14:03:25.06359+00:00".
const (
	entityTimeLayout  = "2006-01-02T15:04:05.000Z"
	messageTimeLayout = "2006-01-02T15:04:05.999999-07:00"
)

func entityTime(t time.Time) string { return t.UTC().Format(entityTimeLayout) }
func messageTime(us int64) string   { return fromMicros(us).Format(messageTimeLayout) }

type wirePaging struct {
	RecordCount int `json:"recordCount"`
	Pages       int `json:"pages"`
}

type wireList[T any] struct {
	Items  []T        `json:"items"`
	Paging wirePaging `json:"paging"`
}

type wireError struct {
	Status  int    `json:"status"`
	Error   string `json:"error"`
	Message string `json:"message"`
}

type wireToken struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	Scope       string `json:"scope"`
	ExpiresAt   string `json:"expires_at"`
}

type wireAccount struct {
	APIAccountID string `json:"apiAccountId"`
	PhoneNumber  string `json:"phoneNumber"`
	Name         string `json:"name"`
	Datetime     string `json:"datetime"`
}

// wireInboxItem is an element of GET /inbox: "dateTime".
type wireInboxItem struct {
	InboxID      string `json:"inboxId"`
	APIAccountID string `json:"apiAccountId"`
	Name         string `json:"name"`
	DateTime     string `json:"dateTime"`
}

// wireInbox is GET /inbox/{id}: "datetime", and a different key order.
type wireInbox struct {
	InboxID      string `json:"inboxId"`
	Name         string `json:"name"`
	APIAccountID string `json:"apiAccountId"`
	Datetime     string `json:"datetime"`
}

type wireContact struct {
	ContactID    string   `json:"contactId"`
	MobileNumber string   `json:"mobileNumber"`
	Name         string   `json:"name"`
	Status       string   `json:"status"`
	Email        string   `json:"email"`
	APIAccountID string   `json:"apiAccountId"`
	Datetime     string   `json:"datetime"`
	Tags         []string `json:"tags"`
}

type wireMessageContact struct {
	ContactID    string `json:"contactId"`
	MobileNumber string `json:"mobileNumber"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	APIAccountID string `json:"apiAccountId"`
}

type wireMessage struct {
	MessageID         string             `json:"messageId"`
	BodyText          string             `json:"bodyText"`
	APIAccountID      string             `json:"apiAccountId"`
	DateTime          string             `json:"dateTime"`
	ConversationID    string             `json:"conversationId"`
	FileLocation      string             `json:"fileLocation"`
	MessageDirection  string             `json:"messageDirection"`
	IsTemplateMessage bool               `json:"isTemplateMessage"`
	IsSent            bool               `json:"isSent"`
	IsDelivered       bool               `json:"isDelivered"`
	IsRead            bool               `json:"isRead"`
	Contact           wireMessageContact `json:"contact"`
	SenderFirstName   string             `json:"senderFirstName"`
	SenderLastName    string             `json:"senderLastName"`
	Status            string             `json:"status"`
}

// wireBroadcast leaves messageId, message and status out until the
// broadcast has been queued, as the reference warns.
type wireBroadcast struct {
	BroadcastID  string `json:"broadcastId"`
	APIAccountID string `json:"apiAccountId"`
	ContactID    string `json:"contactId"`
	MessageID    string `json:"messageId,omitempty"`
	Message      string `json:"message,omitempty"`
	Status       string `json:"status,omitempty"`
	DateTime     string `json:"dateTime"`
}

type wireTemplate struct {
	TemplateID      string `json:"templateId"`
	APIAccountID    string `json:"apiAccountId"`
	Status          string `json:"status"`
	Name            string `json:"name"`
	TemplateText    string `json:"templateText"`
	TemplateExample string `json:"templateExample"`
	DateTime        string `json:"dateTime"`
}

// wireAccountRef is the {name, apiAccountid} pair of /team and /user; note
// the lower-case "id".
type wireAccountRef struct {
	Name         string `json:"name"`
	APIAccountID string `json:"apiAccountid"`
}

type wireUserRef struct {
	FirstName string `json:"firstName"`
	LastName  string `json:"lastName"`
	UserID    string `json:"userId"`
}

type wireTeam struct {
	Name        string           `json:"name"`
	Description string           `json:"description"`
	TeamID      string           `json:"teamId"`
	APIAccounts []wireAccountRef `json:"apiAccounts"`
	Users       []wireUserRef    `json:"users"`
}

type wireUserEntry struct {
	User       wireUserRef    `json:"user"`
	APIAccount wireAccountRef `json:"apiAccount"`
}

type wireTeamRef struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	TeamID      string `json:"teamId"`
}

type wireConversation struct {
	User   *wireUserRef `json:"user"`
	Team   *wireTeamRef `json:"team"`
	Folder string       `json:"folder"`
}

type wireWebhook struct {
	WebhookID    string `json:"webhookId"`
	Type         string `json:"type"`
	TargetURL    string `json:"targetUrl"`
	IsEnabled    bool   `json:"isEnabled"`
	FailureCount int    `json:"failureCount"`
	IsZapier     bool   `json:"isZapier"`
}

// --- conversions (call with the store lock held) ---

func (st *store) wireAccount(a *account) wireAccount {
	return wireAccount{APIAccountID: a.id.String(), PhoneNumber: a.phone, Name: a.name, Datetime: entityTime(a.created)}
}

func (st *store) wireContact(c *contact) wireContact {
	return wireContact{
		ContactID:    c.id.String(),
		MobileNumber: c.mobile,
		Name:         c.name,
		Status:       c.status,
		Email:        c.email,
		APIAccountID: st.accounts[c.account].id.String(),
		Datetime:     entityTime(c.created),
		Tags:         append([]string{}, c.tags...),
	}
}

func (st *store) wireMessage(idx int32, now int64) wireMessage {
	m := &st.msgs[idx]
	cv := st.convs[m.conv]
	c := cv.contact
	acctID := st.accounts[cv.account].id.String()
	status, sent, delivered, read := st.messageStatus(m, now)
	w := wireMessage{
		MessageID:         m.id.String(),
		BodyText:          m.body,
		APIAccountID:      acctID,
		DateTime:          messageTime(m.at),
		ConversationID:    cv.id.String(),
		MessageDirection:  "incoming",
		IsTemplateMessage: m.flags&flagTemplate != 0,
		IsSent:            sent,
		IsDelivered:       delivered,
		IsRead:            read,
		Contact: wireMessageContact{
			ContactID:    c.id.String(),
			MobileNumber: c.mobile,
			Name:         c.name,
			Status:       c.status,
			APIAccountID: st.accounts[c.account].id.String(),
		},
		Status: status,
	}
	if m.flags&flagHasFile != 0 {
		w.FileLocation = st.files[m.id]
	}
	if m.outgoing() {
		w.MessageDirection = "outgoing"
		if m.sender >= 0 && int(m.sender) < len(st.users) {
			u := st.users[m.sender]
			w.SenderFirstName, w.SenderLastName = u.first, u.last
		}
	}
	return w
}

func (st *store) wireBroadcast(b *broadcast, now int64) wireBroadcast {
	w := wireBroadcast{
		BroadcastID:  b.id.String(),
		APIAccountID: st.accounts[b.account].id.String(),
		ContactID:    b.contact.id.String(),
		DateTime:     entityTime(b.created),
	}
	if b.queued {
		if idx, ok := st.msgByID[b.msg]; ok {
			m := &st.msgs[idx]
			w.MessageID = m.id.String()
			w.Message = m.body
			w.Status, _, _, _ = st.messageStatus(m, now)
		}
	}
	return w
}

func (st *store) wireTemplate(t *template) wireTemplate {
	return wireTemplate{
		TemplateID:      t.id.String(),
		APIAccountID:    st.accounts[t.account].id.String(),
		Status:          t.status,
		Name:            t.name,
		TemplateText:    t.text,
		TemplateExample: t.example,
		DateTime:        entityTime(t.created),
	}
}

func (st *store) wireUserRef(u *user) wireUserRef {
	return wireUserRef{FirstName: u.first, LastName: u.last, UserID: u.id.String()}
}

func (st *store) wireAccountRef(a *account) wireAccountRef {
	return wireAccountRef{Name: a.name, APIAccountID: a.id.String()}
}

func wireHook(h *webhook) wireWebhook {
	return wireWebhook{WebhookID: h.id.String(), Type: h.typ, TargetURL: h.url, IsEnabled: h.enabled, FailureCount: h.failures, IsZapier: h.zapier}
}
