package sandbox

import (
	"encoding/json"
	"strconv"
	"strings"
	"unicode"
)

// Wire shapes, written from api/getchat/doc.go and the reference, on
// purpose independent of the client's types. Every render function runs
// under Server.mu. base is "http://HOST:PORT" of the request (or the
// websocket's upgrade request): links and user urls are absolute.

type wGroup struct {
	ID   int    `json:"id"`
	Name string `json:"name"`
}

type wProfile struct {
	Role        string `json:"role"`
	IsAvailable bool   `json:"is_available"`
}

type wPerms struct {
	CanUseTags      bool   `json:"can_use_tags"`
	CanReadChats    string `json:"can_read_chats"`
	CanWriteToChats string `json:"can_write_to_chats"`
}

type wUser struct {
	URL         string   `json:"url"`
	ID          int      `json:"id"`
	Username    string   `json:"username"`
	FirstName   string   `json:"first_name"`
	LastName    string   `json:"last_name"`
	Email       string   `json:"email"`
	Profile     wProfile `json:"profile"`
	Groups      []wGroup `json:"groups"`
	Permissions wPerms   `json:"permissions"`
}

type wTag struct {
	ID            int              `json:"id"`
	Name          string           `json:"name"`
	WebInboxColor string           `json:"web_inbox_color"`
	TaggingID     *int             `json:"tagging_id,omitempty"`
	Extra         *json.RawMessage `json:"extra,omitempty"`
}

type wProfileName struct {
	Name string `json:"name"`
}

type wContactPayload struct {
	Profile wProfileName `json:"profile"`
	WaID    string       `json:"wa_id"`
}

type wPerson struct {
	WaID                 string          `json:"wa_id"`
	WabaPayload          wContactPayload `json:"waba_payload"`
	Initials             string          `json:"initials"`
	LastMessageTimestamp *int64          `json:"last_message_timestamp"`
	Resolved             bool            `json:"resolved"`
}

type wStatuses struct {
	Sent      int64 `json:"sent"`
	Delivered int64 `json:"delivered"`
	Read      int64 `json:"read"`
}

type wMessage struct {
	ID           string         `json:"id"`
	WabaPayload  map[string]any `json:"waba_payload"`
	WabaStatuses wStatuses      `json:"waba_statuses"`
	Contact      wPerson        `json:"contact"`
	FromUs       bool           `json:"from_us"`
	Received     bool           `json:"received"`
	Sender       *wUser         `json:"sender"`
	Context      *struct{}      `json:"context"`
	CustomerWaID string         `json:"customer_wa_id"`
	Tags         []wTag         `json:"tags"`
	ChatTags     []wTag         `json:"chat_tags"`
	IsFailed     bool           `json:"is_failed"`
}

type wChat struct {
	Contact        wPerson   `json:"contact"`
	NewMessages    int       `json:"new_messages"`
	WaID           string    `json:"wa_id"`
	LastMessage    *wMessage `json:"last_message"`
	AssignedToUser *wUser    `json:"assigned_to_user"`
	AssignedGroup  *wGroup   `json:"assigned_group"`
	Tags           []wTag    `json:"tags"`
}

type wAssignment struct {
	WaID           string `json:"wa_id"`
	AssignedToUser *int   `json:"assigned_to_user"`
	AssignedGroup  *int   `json:"assigned_group"`
}

type wTemplateComponent struct {
	Type    string           `json:"type"`
	Format  string           `json:"format,omitempty"`
	Text    string           `json:"text,omitempty"`
	Buttons []map[string]any `json:"buttons,omitempty"`
}

type wTemplate struct {
	Name           string               `json:"name"`
	Category       string               `json:"category"`
	Language       string               `json:"language"`
	Components     []wTemplateComponent `json:"components"`
	Namespace      string               `json:"namespace"`
	RejectedReason string               `json:"rejected_reason"`
	Status         string               `json:"status"`
}

// templateSend is a template message as the client sends it (and as a
// template message's waba_payload.template holds it).
type templateSend struct {
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Language  struct {
		Code   string `json:"code"`
		Policy string `json:"policy,omitempty"`
	} `json:"language"`
	Components []templateSendComponent `json:"components,omitempty"`
}

type templateSendComponent struct {
	Type       string          `json:"type"`
	SubType    string          `json:"sub_type,omitempty"`
	Index      json.RawMessage `json:"index,omitempty"`
	Parameters []templateParam `json:"parameters"`
}

type templateParam struct {
	Type          string `json:"type"`
	ParameterName string `json:"parameter_name,omitempty"`
	Text          string `json:"text,omitempty"`
}

const namespace = "mbx_sandbox_namespace"

var emptyObject = json.RawMessage(`{}`)

func renderGroup(g *group) *wGroup {
	if g == nil {
		return nil
	}
	return &wGroup{ID: g.id, Name: g.name}
}

func renderUser(base string, u *user) *wUser {
	if u == nil {
		return nil
	}
	w := &wUser{
		URL: base + "/api/v1/users/" + strconv.Itoa(u.id) + "/", ID: u.id, Username: u.username,
		FirstName: u.first, LastName: u.last, Email: u.email,
		Profile: wProfile{Role: u.role, IsAvailable: u.available},
		Groups:  []wGroup{},
		Permissions: wPerms{CanUseTags: true, CanReadChats: u.canReadChats,
			CanWriteToChats: u.canWrite},
	}
	for _, g := range u.groups {
		w.Groups = append(w.Groups, *renderGroup(g))
	}
	return w
}

func renderTag(t *tag) wTag {
	return wTag{ID: t.id, Name: t.name, WebInboxColor: t.color}
}

func renderChatTags(c *chat) []wTag {
	out := []wTag{}
	for _, tg := range c.tags {
		w := renderTag(tg.tag)
		id := tg.id
		w.TaggingID = &id
		w.Extra = &emptyObject
		out = append(out, w)
	}
	return out
}

// initials: the first letter of the first two words that start with one.
func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		r := []rune(w)[0]
		if unicode.IsLetter(r) {
			out = append(out, unicode.ToUpper(r))
			if len(out) == 2 {
				break
			}
		}
	}
	return string(out)
}

func renderPerson(c *chat) wPerson {
	p := wPerson{
		WaID:        c.waID,
		WabaPayload: wContactPayload{Profile: wProfileName{Name: c.name}, WaID: c.waID},
		Initials:    initials(c.name),
		Resolved:    c.resolved,
	}
	if c.lastIn != 0 {
		t := c.lastIn
		p.LastMessageTimestamp = &t
	}
	return p
}

func mediaLink(base, id string) string { return base + "/api/v1/media/" + id + "/" }

// payload is the message's waba_payload: inbound messages as WABA delivers
// them (timestamp a string of seconds), outgoing ones as get.chat sends
// them (to, recipient_type, timestamp a number), as the reference's
// examples show.
func payload(base string, m *message) map[string]any {
	p := map[string]any{"id": m.wamid, "type": m.typ}
	if m.fromUs {
		p["to"] = m.chat.waID
		p["recipient_type"] = "individual"
		p["preview_url"] = false
		p["timestamp"] = m.ts
	} else {
		p["from"] = m.chat.waID
		p["timestamp"] = strconv.FormatInt(m.ts, 10)
	}
	switch m.typ {
	case "text":
		p["text"] = map[string]any{"body": m.text}
	case "template":
		p["template"] = m.tmpl
	case "image", "document", "video", "audio":
		o := map[string]any{}
		if m.mediaID != "" {
			o["id"] = m.mediaID
			o["link"] = mediaLink(base, m.mediaID)
		} else if m.link != "" {
			o["link"] = m.link
		}
		if m.mime != "" {
			o["mime_type"] = m.mime
		}
		if m.caption != "" {
			o["caption"] = m.caption
		}
		if m.filename != "" {
			o["filename"] = m.filename
		}
		p[m.typ] = o
	}
	return p
}

func (s *Server) renderMessage(base string, viewer *user, m *message, now int64) *wMessage {
	w := &wMessage{
		ID:           m.gid,
		WabaPayload:  payload(base, m),
		Contact:      renderPerson(m.chat),
		FromUs:       m.fromUs,
		Received:     true,
		Sender:       renderUser(base, m.sender),
		CustomerWaID: m.chat.waID,
		Tags:         []wTag{},
		ChatTags:     renderChatTags(m.chat),
	}
	if m.fromUs {
		w.WabaStatuses = wStatuses{Sent: reached(m.sentAt, now), Delivered: reached(m.deliveredAt, now), Read: reached(m.readAt, now)}
		w.IsFailed = reached(m.failedAt, now) != 0
	} else {
		w.Received = viewer != nil && m.ts <= s.st.mark(viewer, m.chat)
	}
	return w
}

func (s *Server) renderChat(base string, viewer *user, c *chat, now int64) wChat {
	w := wChat{
		Contact:        renderPerson(c),
		WaID:           c.waID,
		AssignedToUser: renderUser(base, c.user),
		AssignedGroup:  renderGroup(c.group),
		Tags:           renderChatTags(c),
	}
	if viewer != nil {
		w.NewMessages = s.st.unread(viewer, c)
	}
	if m := c.last(); m != nil {
		w.LastMessage = s.renderMessage(base, viewer, m, now)
	}
	return w
}

func renderAssignment(c *chat) wAssignment {
	a := wAssignment{WaID: c.waID}
	if c.user != nil {
		id := c.user.id
		a.AssignedToUser = &id
	}
	if c.group != nil {
		id := c.group.id
		a.AssignedGroup = &id
	}
	return a
}

func renderTemplate(t *tmpl) wTemplate {
	w := wTemplate{Name: t.name, Category: t.category, Language: t.language, Namespace: namespace,
		RejectedReason: t.rejected, Status: t.status, Components: []wTemplateComponent{}}
	for _, c := range t.components {
		wc := wTemplateComponent{Type: c.typ, Format: c.format, Text: c.text}
		for _, b := range c.buttons {
			wc.Buttons = append(wc.Buttons, map[string]any{"type": "QUICK_REPLY", "text": b})
		}
		w.Components = append(w.Components, wc)
	}
	if w.RejectedReason == "" {
		w.RejectedReason = "NONE"
	}
	return w
}

func renderAssignEvent(base string, ev *assignEvent) map[string]any {
	return map[string]any{
		"timestamp":                    ev.ts,
		"wa_id":                        ev.chat.waID,
		"assigned_to_user_set":         renderUser(base, ev.userSet),
		"assigned_to_user_was_cleared": ev.userCleared,
		"assigned_group_set":           renderGroup(ev.groupSet),
		"assigned_group_was_cleared":   ev.groupCleared,
		"done_by":                      renderUser(base, ev.by),
	}
}

func renderTagEvent(base string, ev *tagEvent) map[string]any {
	return map[string]any{
		"timestamp": ev.ts, "action": ev.action, "tag": renderTag(ev.tag), "chat": ev.chat.waID,
		"extra": emptyObject, "done_by": renderUser(base, ev.by),
	}
}
