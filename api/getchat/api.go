package getchat

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"iter"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Routes as they appear in errors and logs: path parameters are named,
// never given.
const (
	routeCurrentUser = "GET " + PathCurrentUser
	routeUsers       = "GET " + PathUsers
	routeGroups      = "GET " + PathGroups
	routeChats       = "GET " + PathChats
	routeChat        = "GET " + PathChats + "{wa_id}/"
	routeMessages    = "GET " + PathMessages
	routeSend        = "POST " + PathMessages
	routeAssignGet   = "GET /api/v1/chat_assignment/{wa_id}/"
	routeResolve     = "PATCH " + PathChats + "{wa_id}/resolve"
	routeTags        = "GET " + PathTags
	routeTag         = "POST " + PathChatTagging
	routeUntag       = "DELETE " + PathChatTagging + "{id}/"
	routeSaved       = "GET " + PathSavedResponses
	routeTemplates   = "GET " + PathTemplates
	routeMark        = "POST " + PathMarkAsReceived
	routeUpload      = "POST " + PathMedia
	routeDownload    = "GET " + PathMedia + "{id}/"
)

func invalid(route, format string, args ...any) error {
	return &Error{Route: route, Err: fmt.Errorf(format+": %w", append(args, ErrInvalid)...)}
}

// CurrentUser is the logged-in user (GET users/current/), with role,
// groups and permissions.
func (c *Client) CurrentUser(ctx context.Context) (User, error) {
	var u User
	err := c.do(ctx, call{method: "GET", path: PathCurrentUser, route: routeCurrentUser, out: &u, safe: true})
	return u, err
}

// Users lists the inbox's users.
func (c *Client) Users(ctx context.Context) iter.Seq2[User, error] {
	return items[User](ctx, c, PathUsers, routeUsers, nil)
}

// Groups lists the user groups.
func (c *Client) Groups(ctx context.Context) iter.Seq2[Group, error] {
	return items[Group](ctx, c, PathGroups, routeGroups, nil)
}

// Tags lists the tags.
func (c *Client) Tags(ctx context.Context) iter.Seq2[Tag, error] {
	return items[Tag](ctx, c, PathTags, routeTags, nil)
}

// SavedResponses lists the saved responses.
func (c *Client) SavedResponses(ctx context.Context) iter.Seq2[SavedResponse, error] {
	return items[SavedResponse](ctx, c, PathSavedResponses, routeSaved, nil)
}

// Templates lists the templates, whatever their status.
func (c *Client) Templates(ctx context.Context) iter.Seq2[Template, error] {
	return items[Template](ctx, c, PathTemplates, routeTemplates, nil)
}

// ChatFilter narrows Chats; the zero value lists every chat the user may
// read.
type ChatFilter struct {
	AssignedToMe bool
	Group        Int // assigned_group
	Tag          Int // chat_tag_id
	Search       string
}

func (f ChatFilter) query() url.Values {
	q := url.Values{}
	if f.AssignedToMe {
		q.Set("assigned_to_me", "true")
	}
	if f.Group != 0 {
		q.Set("assigned_group", strconv.FormatInt(int64(f.Group), 10))
	}
	if f.Tag != 0 {
		q.Set("chat_tag_id", strconv.FormatInt(int64(f.Tag), 10))
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		q.Set("search", s)
	}
	return q
}

// Chats lists chats (newest last message first, as the server lists
// them), every item of every page.
func (c *Client) Chats(ctx context.Context, f ChatFilter) iter.Seq2[Chat, error] {
	return items[Chat](ctx, c, PathChats, routeChats, f.query())
}

// ChatPages lists chats a page at a time.
func (c *Client) ChatPages(ctx context.Context, f ChatFilter) iter.Seq2[Page[Chat], error] {
	return pageSeq[Chat](ctx, c, PathChats, routeChats, f.query())
}

// chatPagesAhead is ChatPages fetching a page ahead (whole passes),
// from offset start.
func (c *Client) chatPagesAhead(ctx context.Context, f ChatFilter, start int) iter.Seq2[Page[Chat], error] {
	return pager[Chat]{c: c, path: PathChats, route: routeChats, q: f.query(), prefetch: true, start: start}.seq(ctx)
}

// Chat reads one chat: its contact (with the window's start and the
// resolved flag), assignee, group and tags.
func (c *Client) Chat(ctx context.Context, waID string) (Chat, error) {
	if waID == "" {
		return Chat{}, invalid(routeChat, "empty wa_id")
	}
	var ch Chat
	err := c.do(ctx, call{method: "GET", path: ChatPath(waID), route: routeChat, out: &ch, safe: true})
	return ch, err
}

// MessageFilter narrows Messages. Since is inclusive ("the same timestamp
// or newer"), Before exclusive; both are sent as whole seconds (Since
// rounded down, Before rounded up, so nothing asked for is left out).
type MessageFilter struct {
	WaID           string // one chat; "" for all
	Since, Before  time.Time
	Search         string
	AssignedToMe   bool
	Group          Int
	MarkAsReceived bool
}

func (f MessageFilter) query() url.Values {
	q := url.Values{}
	if f.WaID != "" {
		q.Set("wa_id", f.WaID)
	}
	if !f.Since.IsZero() {
		q.Set("since_time", strconv.FormatInt(f.Since.Unix(), 10))
	}
	if !f.Before.IsZero() {
		s := f.Before.Unix()
		if f.Before.After(time.Unix(s, 0)) {
			s++
		}
		q.Set("before_time", strconv.FormatInt(s, 10))
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		q.Set("search", s)
	}
	if f.AssignedToMe {
		q.Set("assigned_to_me", "true")
	}
	if f.Group != 0 {
		q.Set("assigned_group", strconv.FormatInt(int64(f.Group), 10))
	}
	if f.MarkAsReceived {
		q.Set("mark_as_received", "1")
	}
	return q
}

// Messages lists messages (newest first, as the server lists them), every
// item of every page. Offsets shift when messages arrive during a pass;
// give Before (e.g. now) to hold the set still, and dedupe by Key.
func (c *Client) Messages(ctx context.Context, f MessageFilter) iter.Seq2[Message, error] {
	return items[Message](ctx, c, PathMessages, routeMessages, f.query())
}

// MessagePages lists messages a page at a time.
func (c *Client) MessagePages(ctx context.Context, f MessageFilter) iter.Seq2[Page[Message], error] {
	return pageSeq[Message](ctx, c, PathMessages, routeMessages, f.query())
}

// messagePagesAhead is MessagePages fetching a page ahead (whole passes).
func (c *Client) messagePagesAhead(ctx context.Context, f MessageFilter) iter.Seq2[Page[Message], error] {
	return prefetchSeq[Message](ctx, c, PathMessages, routeMessages, f.query())
}

// Sent is the answer to a send.
type Sent struct {
	Result SendResult
	// Status is 200, 201 or 202; 202 means get.chat stored the message and
	// will hand it to WhatsApp later.
	Status int
}

// Queued reports a 202: stored, sent later.
func (s Sent) Queued() bool { return s.Status == http.StatusAccepted }

// Send posts a message (POST messages/). It is never retried once it may
// have left: an error for which MaybeDelivered is true means the message
// may exist; look for it before sending again. A 453 is IsWindowClosed.
func (c *Client) Send(ctx context.Context, m NewMessage) (Sent, error) {
	if m.WaID == "" {
		return Sent{}, invalid(routeSend, "empty wa_id")
	}
	if m.Type == "" {
		return Sent{}, invalid(routeSend, "message without a type")
	}
	var s Sent
	// An empty answer ("{ }" in the reference, or nothing) is a success.
	var raw []byte
	err := c.do(ctx, call{method: "POST", path: PathMessages, route: routeSend, body: m, rawOut: &raw, status: &s.Status})
	if err != nil {
		return Sent{}, err
	}
	if len(bytes.TrimSpace(raw)) > 0 {
		if err := unmarshalObject(raw, &s.Result); err != nil {
			return s, &Error{Route: routeSend, Status: s.Status, Err: fmt.Errorf("malformed answer: %v", err), MaybeDelivered: true}
		}
	}
	return s, nil
}

// SendText sends a text (only inside the 24-hour window: else 453).
func (c *Client) SendText(ctx context.Context, waID, body string) (Sent, error) {
	if strings.TrimSpace(body) == "" {
		return Sent{}, invalid(routeSend, "empty text")
	}
	return c.Send(ctx, NewText(waID, body))
}

// Param is one template placeholder's value: Name set for a named
// placeholder ({{order_id}}, sent as parameter_name), empty for a
// numbered one ({{1}}, which goes by order).
type Param struct {
	Name string
	Text string
}

// TemplateMessage is a template to send: its name and language as listed,
// and the values of its header and body placeholders in order.
type TemplateMessage struct {
	Name      string
	Language  string
	Namespace string
	Header    []Param
	Body      []Param
}

// Payload builds the template object of POST messages/: language {code,
// policy: "deterministic"}, a header and a body component when they have
// parameters.
func (t TemplateMessage) Payload() TemplateSend {
	ts := TemplateSend{Namespace: t.Namespace, Name: t.Name, Language: Language{Code: t.Language, Policy: "deterministic"}}
	add := func(kind string, ps []Param) {
		if len(ps) == 0 {
			return
		}
		comp := TemplateSendComponent{Type: kind}
		for _, p := range ps {
			comp.Parameters = append(comp.Parameters, TemplateParameter{Type: "text", ParameterName: p.Name, Text: p.Text})
		}
		ts.Components = append(ts.Components, comp)
	}
	add("header", t.Header)
	add("body", t.Body)
	return ts
}

// SendTemplate sends an approved template, the way to reach a customer
// whose window has closed.
func (c *Client) SendTemplate(ctx context.Context, waID string, t TemplateMessage) (Sent, error) {
	if t.Name == "" || t.Language == "" {
		return Sent{}, invalid(routeSend, "a template needs a name and a language")
	}
	p := t.Payload()
	return c.Send(ctx, NewMessage{WaID: waID, Type: TypeTemplate, Template: &p})
}

// SendMedia sends a file uploaded with UploadMedia: kind is image, video,
// audio or document; link is MediaCreated.File.
func (c *Client) SendMedia(ctx context.Context, waID, kind string, m Media) (Sent, error) {
	nm := NewMessage{WaID: waID, Type: kind}
	switch kind {
	case TypeImage:
		nm.Image = &m
	case TypeVideo:
		nm.Video = &m
	case TypeAudio:
		m.Caption = "" // WhatsApp takes no caption on audio
		nm.Audio = &m
	case TypeDocument:
		nm.Document = &m
	default:
		return Sent{}, invalid(routeSend, "media kind %q", kind)
	}
	if m.Link == "" && m.ID == "" {
		return Sent{}, invalid(routeSend, "media without a link or an id")
	}
	return c.Send(ctx, nm)
}

// Assignment reads a chat's user and group (GET chat_assignment/{wa_id}/).
func (c *Client) Assignment(ctx context.Context, waID string) (ChatAssignment, error) {
	if waID == "" {
		return ChatAssignment{}, invalid(routeAssignGet, "empty wa_id")
	}
	var a ChatAssignment
	err := c.do(ctx, call{method: "GET", path: AssignmentPath(waID), route: routeAssignGet, out: &a, safe: true})
	return a, err
}

// Assign changes a chat's user and/or group: PUT with both sides when
// both are decided (null for nobody), PATCH with the side that changes
// otherwise. A regular user may take a chat nobody has; the rest is for
// admins (403, IsForbidden).
func (c *Client) Assign(ctx context.Context, u AssignmentUpdate) (ChatAssignment, error) {
	method := u.Method()
	route := method + " /api/v1/chat_assignment/{wa_id}/"
	if u.WaID == "" {
		return ChatAssignment{}, invalid(route, "empty wa_id")
	}
	if u.Empty() {
		return ChatAssignment{}, invalid(route, "an assignment that changes nothing")
	}
	var a ChatAssignment
	var raw []byte
	err := c.do(ctx, call{method: method, path: AssignmentPath(u.WaID), route: route, body: u, rawOut: &raw, safe: true})
	if err == nil && len(bytes.TrimSpace(raw)) > 0 {
		_ = unmarshalObject(raw, &a) // the change is made; an odd answer does not undo it
	}
	return a, err
}

// Resolve marks a chat resolved (PATCH chats/{wa_id}/resolve).
func (c *Client) Resolve(ctx context.Context, waID string) error {
	return c.setResolved(ctx, waID, true)
}

// Reopen marks a resolved chat open again.
func (c *Client) Reopen(ctx context.Context, waID string) error {
	return c.setResolved(ctx, waID, false)
}

func (c *Client) setResolved(ctx context.Context, waID string, resolved bool) error {
	if waID == "" {
		return invalid(routeResolve, "empty wa_id")
	}
	return c.do(ctx, call{method: "PATCH", path: ResolvePath(waID), route: routeResolve, body: ResolveRequest{Resolved: resolved}, safe: true})
}

// TagChat tags a chat (POST chat_tagging/); the answer's id is what
// UntagChat removes (also a chat's tags[].tagging_id).
func (c *Client) TagChat(ctx context.Context, waID string, tag Int) (ChatTagging, error) {
	if waID == "" || tag == 0 {
		return ChatTagging{}, invalid(routeTag, "a tagging needs a chat and a tag")
	}
	var t ChatTagging
	var raw []byte
	err := c.do(ctx, call{method: "POST", path: PathChatTagging, route: routeTag, body: ChatTagging{Tag: tag, Chat: waID}, rawOut: &raw})
	if err == nil && len(bytes.TrimSpace(raw)) > 0 {
		_ = unmarshalObject(raw, &t)
	}
	return t, err
}

// UntagChat removes a chat tagging (DELETE chat_tagging/{id}/). A tagging
// already gone (404) is not an error.
func (c *Client) UntagChat(ctx context.Context, taggingID Int) error {
	if taggingID == 0 {
		return invalid(routeUntag, "no tagging id")
	}
	err := c.do(ctx, call{method: "DELETE", path: ChatTaggingPath(taggingID), route: routeUntag, safe: true})
	if IsNotFound(err) {
		return nil
	}
	return err
}

// MarkAsReceived marks every message of the chat up to t as received by
// the user (the server's unread counts follow). Repeating it is harmless.
func (c *Client) MarkAsReceived(ctx context.Context, waID string, t time.Time) error {
	if waID == "" {
		return invalid(routeMark, "empty wa_id")
	}
	ts := t.Unix()
	if t.After(time.Unix(ts, 0)) {
		ts++ // the mark covers the whole second of the last message
	}
	return c.do(ctx, call{method: "POST", path: PathMarkAsReceived, route: routeMark,
		body: MarkAsReceived{Timestamp: ts, CustomerWaID: waID}, safe: true})
}

// UploadMedia uploads a file as multipart/form-data under "file_encoded"
// (raw bytes; see doc.go) and returns its URL (File) and id, to send with
// SendMedia. A 413 is IsTooLarge.
func (c *Client) UploadMedia(ctx context.Context, filename, contentType string, r io.Reader) (MediaCreated, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	name := strings.NewReplacer("\"", "", "\\", "", "\r", "", "\n", "").Replace(filename)
	if name == "" {
		name = "file"
	}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file_encoded"; filename="%s"`, name))
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	if err != nil {
		return MediaCreated{}, invalid(routeUpload, "%v", err)
	}
	if _, err := io.Copy(part, io.LimitReader(r, c.maxMedia+1)); err != nil {
		return MediaCreated{}, &Error{Route: routeUpload, Err: fmt.Errorf("reading the file: %w", err)}
	}
	if err := mw.Close(); err != nil {
		return MediaCreated{}, invalid(routeUpload, "%v", err)
	}
	if int64(buf.Len()) > c.maxMedia+4096 {
		return MediaCreated{}, invalid(routeUpload, "file over %d MiB", c.maxMedia>>20)
	}
	var m MediaCreated
	err = c.do(ctx, call{method: "POST", path: PathMedia, route: routeUpload, raw: buf.Bytes(),
		contentType: mw.FormDataContentType(), out: &m, long: true})
	return m, err
}

// Download is a media file.
type Download struct {
	Data        []byte
	ContentType string
	Filename    string // from Content-Disposition, when the server gives one
}

// DownloadMedia fetches a message's media: its link when CheckLink accepts
// it, else media/{id}/ on the account.
func (c *Client) DownloadMedia(ctx context.Context, m Media) (Download, error) {
	cl := call{method: "GET", route: routeDownload, safe: true, long: true, maxBody: c.maxMedia, accept: "*/*"}
	if m.Link != "" {
		if u, err := CheckLink(c.base, m.Link); err == nil {
			cl.link = u
		}
	}
	if cl.link == nil {
		if m.ID == "" {
			return Download{}, invalid(routeDownload, "media without an id or a usable link")
		}
		cl.path = MediaPath(string(m.ID))
	}
	var d Download
	var h http.Header
	cl.rawOut, cl.header = &d.Data, &h
	if err := c.do(ctx, cl); err != nil {
		return Download{}, err
	}
	d.ContentType = h.Get("Content-Type")
	if d.ContentType == "" {
		d.ContentType = m.MimeType
	}
	if cd := h.Get("Content-Disposition"); cd != "" {
		if _, params, err := parseDisposition(cd); err == nil {
			d.Filename = params["filename"]
		}
	}
	if d.Filename == "" {
		d.Filename = m.Filename
	}
	return d, nil
}

func parseDisposition(v string) (string, map[string]string, error) {
	return mime.ParseMediaType(v)
}
