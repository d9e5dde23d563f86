package sandbox

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// --- paging ---

const (
	defaultLimit = 100
	maxLimit     = 1000
)

// pageParams reads limit and offset as Django REST framework's
// LimitOffsetPagination does: a bad or missing value means the default.
func pageParams(q url.Values) (limit, offset int) {
	limit = defaultLimit
	if n, err := strconv.Atoi(q.Get("limit")); err == nil && n > 0 {
		limit = min(n, maxLimit)
	}
	if n, err := strconv.Atoi(q.Get("offset")); err == nil && n > 0 {
		offset = n
	}
	return limit, offset
}

type envelope struct {
	Count    int     `json:"count"`
	Next     *string `json:"next"`
	Previous *string `json:"previous"`
	Results  []any   `json:"results"`
}

// writePage answers one page of items with absolute next and previous
// links built from the request (http:// on a plain loopback listener).
func writePage[T any](w http.ResponseWriter, r *http.Request, c *reqCtx, items []T, render func(T) any) {
	q := r.URL.Query()
	limit, offset := pageParams(q)
	env := envelope{Count: len(items), Results: []any{}}
	for i := offset; i < len(items) && i < offset+limit; i++ {
		env.Results = append(env.Results, render(items[i]))
	}
	link := func(off int) *string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("limit", strconv.Itoa(limit))
		if off > 0 {
			v.Set("offset", strconv.Itoa(off))
		} else {
			v.Del("offset")
		}
		s := c.base + r.URL.Path + "?" + v.Encode()
		return &s
	}
	if offset+limit < len(items) {
		env.Next = link(offset + limit)
	}
	if offset > 0 {
		env.Previous = link(max(offset-limit, 0))
	}
	writeJSON(w, http.StatusOK, env)
}

func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

func fieldError(w http.ResponseWriter, field, words string) {
	writeJSON(w, http.StatusBadRequest, map[string][]string{field: {words}})
}

// --- auth and users ---

func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *reqCtx) {
	body, err := readJSON(w, r)
	if err != nil {
		badJSON(w, err)
		return
	}
	var username, password string
	_ = json.Unmarshal(body["username"], &username)
	_ = json.Unmarshal(body["password"], &password)
	missing := map[string][]string{}
	if username == "" {
		missing["username"] = []string{"This field is required."}
	}
	if password == "" {
		missing["password"] = []string{"This field is required."}
	}
	if len(missing) > 0 {
		writeJSON(w, http.StatusBadRequest, missing)
		return
	}
	s.mu.Lock()
	var tok string
	for _, u := range s.st.users {
		if u.username == username && u.password == password {
			tok = u.token
		}
	}
	s.mu.Unlock()
	if tok == "" {
		writeJSON(w, http.StatusBadRequest, map[string][]string{"non_field_errors": {"Unable to log in with provided credentials."}})
		return
	}
	s.statsMu.Lock()
	s.logins++
	s.statsMu.Unlock()
	writeJSON(w, http.StatusOK, map[string]string{"token": tok})
}

func (s *Server) currentUser(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, renderUser(c.base, c.user))
}

func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writePage(w, r, c, s.st.users, func(u *user) any { return renderUser(c.base, u) })
}

func (s *Server) getUser(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, _ := strconv.Atoi(c.params[0])
	u := s.st.userByID[id]
	if u == nil {
		writeJSON(w, http.StatusNotFound, detail("Not found."))
		return
	}
	writeJSON(w, http.StatusOK, renderUser(c.base, u))
}

func (s *Server) listGroups(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writePage(w, r, c, s.st.groups, func(g *group) any { return renderGroup(g) })
}

// --- chats ---

// chatFilter applies the filters chats/ and messages/ share.
func (s *Server) chatFilter(w http.ResponseWriter, q url.Values, u *user) (func(*chat) bool, bool) {
	var conds []func(*chat) bool
	if truthy(q.Get("assigned_to_me")) {
		conds = append(conds, func(c *chat) bool { return c.user == u })
	}
	if v := q.Get("assigned_group"); v != "" {
		id, err := strconv.Atoi(v)
		if err != nil {
			fieldError(w, "assigned_group", "Enter a whole number.")
			return nil, false
		}
		g := s.st.groupByID[id]
		if g == nil || (u.role == "user" && !slices.Contains(u.groups, g)) {
			fieldError(w, "assigned_group", "Select a valid choice. That choice is not one of the available choices.")
			return nil, false
		}
		conds = append(conds, func(c *chat) bool { return c.group == g })
	}
	if v := q.Get("chat_tag_id"); v != "" {
		id, err := strconv.Atoi(v)
		if err != nil {
			fieldError(w, "chat_tag_id", "Enter a whole number.")
			return nil, false
		}
		conds = append(conds, func(c *chat) bool {
			return slices.ContainsFunc(c.tags, func(t *tagging) bool { return t.tag.id == id })
		})
	}
	return func(c *chat) bool {
		for _, f := range conds {
			if !f(c) {
				return false
			}
		}
		return true
	}, true
}

func (m *message) matches(needle string) bool {
	return strings.Contains(strings.ToLower(m.text+"\x00"+m.caption+"\x00"+m.filename), needle)
}

func (s *Server) listChats(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	q := r.URL.Query()
	s.mu.Lock()
	defer s.mu.Unlock()
	keep, ok := s.chatFilter(w, q, c.user)
	if !ok {
		return
	}
	needle := strings.ToLower(strings.TrimSpace(q.Get("search")))
	var out []*chat
	for _, ch := range s.st.chats {
		if !keep(ch) {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(ch.name), needle) && !strings.Contains(ch.waID, needle) &&
			!slices.ContainsFunc(ch.msgs, func(m *message) bool { return m.matches(needle) }) {
			continue
		}
		out = append(out, ch)
	}
	newest := s.cfg.Order == "newest"
	slices.SortFunc(out, func(a, b *chat) int {
		x, y := a.lastTS(), b.lastTS()
		if x != y {
			if (x > y) == newest {
				return -1
			}
			return 1
		}
		return strings.Compare(a.waID, b.waID)
	})
	now := s.nowUnix()
	writePage(w, r, c, out, func(ch *chat) any { return s.renderChat(c.base, c.user, ch, now) })
}

func (s *Server) chatOr404(w http.ResponseWriter, waID string) *chat {
	ch := s.st.chatByID[waID]
	if ch == nil {
		writeJSON(w, http.StatusNotFound, detail("Not found."))
	}
	return ch
}

func (s *Server) getChat(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := s.chatOr404(w, c.params[0]); ch != nil {
		writeJSON(w, http.StatusOK, s.renderChat(c.base, c.user, ch, s.nowUnix()))
	}
}

// mayWrite applies "a User is not allowed to write to Chats they're not
// directly assigned to"; admins and apps write anywhere.
func mayWrite(w http.ResponseWriter, u *user, ch *chat) bool {
	if u.writesAnywhere() || (ch != nil && ch.user == u) {
		return true
	}
	writeJSON(w, http.StatusForbidden, detail("You are not allowed to write to this chat: it is not assigned to you. Assign it to yourself if nobody has it, or ask an admin."))
	return false
}

func (s *Server) resolve(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	body, err := readJSON(w, r)
	if err != nil {
		badJSON(w, err)
		return
	}
	var resolved *bool
	if err := json.Unmarshal(body["resolved"], &resolved); err != nil || resolved == nil {
		fieldError(w, "resolved", "This field is required and must be true or false.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.chatOr404(w, c.params[0])
	if ch == nil || !mayWrite(w, c.user, ch) {
		return
	}
	if ch.resolved != *resolved {
		ch.resolved = *resolved
		s.pushResolved(ch)
	}
	writeJSON(w, http.StatusOK, map[string]any{"wa_id": ch.waID, "resolved": ch.resolved})
}

// --- messages ---

func timeParam(w http.ResponseWriter, q url.Values, name string) (float64, bool, bool) {
	v := q.Get(name)
	if v == "" {
		return 0, false, true
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		fieldError(w, name, "A valid number is required.")
		return 0, false, false
	}
	return f, true, true
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	q := r.URL.Query()
	since, hasSince, ok := timeParam(w, q, "since_time")
	if !ok {
		return
	}
	before, hasBefore, ok := timeParam(w, q, "before_time")
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	keep, ok := s.chatFilter(w, q, c.user)
	if !ok {
		return
	}
	needle := strings.ToLower(strings.TrimSpace(q.Get("search")))
	source := s.st.all
	if v := q.Get("wa_id"); v != "" {
		source = nil
		if ch := s.st.chatByID[v]; ch != nil {
			source = ch.msgs
		}
	}
	// source is ascending by (ts, seq): walk it in the configured order,
	// no sort needed.
	var out []*message
	newest := s.cfg.Order == "newest"
	for k := range source {
		i := k
		if newest {
			i = len(source) - 1 - k
		}
		m := source[i]
		if hasSince && float64(m.ts) < since || hasBefore && float64(m.ts) >= before {
			continue
		}
		if !keep(m.chat) || needle != "" && !m.matches(needle) {
			continue
		}
		out = append(out, m)
	}
	now := s.nowUnix()
	markedTo := map[*chat]int64{}
	writePage(w, r, c, out, func(m *message) any {
		if !m.fromUs && m.ts > markedTo[m.chat] {
			markedTo[m.chat] = m.ts
		}
		return s.renderMessage(c.base, c.user, m, now)
	})
	if truthy(q.Get("mark_as_received")) {
		for ch, ts := range markedTo {
			s.st.setMark(c.user, ch, ts)
		}
	}
}

const window = 24 * 60 * 60

var mediaTypes = []string{"image", "document", "video", "audio"}

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	body, err := readJSON(w, r)
	if err != nil {
		badJSON(w, err)
		return
	}
	var waID, typ string
	_ = json.Unmarshal(body["wa_id"], &waID)
	_ = json.Unmarshal(body["type"], &typ)
	if waID == "" {
		fieldError(w, "wa_id", "This field is required.")
		return
	}
	if !validWaID(waID) {
		fieldError(w, "wa_id", "Enter a valid WhatsApp ID: the number's digits with its country code, no + or spaces.")
		return
	}
	if typ == "" { // the reference's own example omits type
		for _, t := range append([]string{"text", "template"}, mediaTypes...) {
			if _, ok := body[t]; ok {
				typ = t
				break
			}
		}
	}
	if typ == "hsm" {
		typ = "template"
	}
	now := s.nowUnix()
	m := &message{fromUs: true, ts: now, typ: typ, sender: c.user}
	switch {
	case typ == "text":
		var t struct {
			Body string `json:"body"`
		}
		if json.Unmarshal(body["text"], &t) != nil || strings.TrimSpace(t.Body) == "" {
			fieldError(w, "text", `A text message needs {"body": "…"} with some text.`)
			return
		}
		if len([]rune(t.Body)) > 4096 {
			fieldError(w, "text", "The body is longer than 4096 characters.")
			return
		}
		m.text = t.Body
	case typ == "template":
		var t templateSend
		if err := json.Unmarshal(body["template"], &t); err != nil || t.Name == "" {
			fieldError(w, "template", `A template message needs {"name", "language": {"code"}, "components"}.`)
			return
		}
		m.tmpl = &t
	case slices.Contains(mediaTypes, typ):
		var md struct {
			ID       string `json:"id"`
			Link     string `json:"link"`
			Caption  string `json:"caption"`
			Filename string `json:"filename"`
			MimeType string `json:"mime_type"`
		}
		if json.Unmarshal(body[typ], &md) != nil || (md.Link == "" && md.ID == "") {
			fieldError(w, typ, `A media message needs {"link": …} (from POST /api/v1/media/) or {"id": …}.`)
			return
		}
		m.link, m.caption, m.filename, m.mime = md.Link, md.Caption, md.Filename, md.MimeType
		m.mediaID = md.ID
		if m.mediaID == "" {
			m.mediaID = mediaIDFromLink(md.Link)
		}
	default:
		fieldError(w, "type", fmt.Sprintf(`"%s" is not a valid choice: use text, template, image, document, video or audio.`, typ))
		return
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.st.chatByID[waID]
	if !mayWrite(w, c.user, ch) {
		return
	}
	if m.mediaID != "" {
		md := s.st.media[m.mediaID]
		if md == nil {
			fieldError(w, typ, "No media with id "+m.mediaID+": upload it with POST /api/v1/media/ first.")
			return
		}
		if m.mime == "" {
			m.mime = md.mime
		}
		if m.filename == "" && typ == "document" {
			m.filename = md.filename
		}
	}
	if typ == "template" {
		if msg := s.checkTemplate(m.tmpl); msg != "" {
			fieldError(w, "template", msg)
			return
		}
	} else if ch == nil || ch.lastIn == 0 || now >= ch.lastIn+window {
		words := "The 24-hour customer care window is closed: this contact has never written. Send an approved template instead."
		if ch != nil && ch.lastIn != 0 {
			words = fmt.Sprintf("The 24-hour customer care window closed at %s (the contact last wrote at %s). Send an approved template instead.",
				time.Unix(ch.lastIn+window, 0).UTC().Format(time.RFC3339), time.Unix(ch.lastIn, 0).UTC().Format(time.RFC3339))
		}
		writeJSON(w, 453, map[string]any{"reason": words, "waba_response": map[string]any{"errors": []any{map[string]any{
			"code": 470, "title": "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
		}}}})
		return
	}
	if ch == nil { // a template to a new number starts a chat
		ch = s.st.addChat(&chat{waID: waID, name: "", created: now})
	}
	m.chat = ch
	m.gid = s.st.uuid()
	m.wamid = s.st.wamid(false)
	s.st.schedule(m, s.cfg.StatusStep, m.wamid[len(m.wamid)-1]%4 != 0)
	s.st.addMessage(m)
	s.st.pending = append(s.st.pending, m)
	s.pushOutgoing(m)
	s.tickLocked()
	writeJSON(w, http.StatusCreated, map[string]any{
		"id": m.gid,
		"waba_response": map[string]any{
			"messages": []any{map[string]any{"id": m.wamid}},
			"meta":     map[string]any{"api_status": "stable", "version": "sandbox"},
		},
	})
}

func validWaID(s string) bool {
	if len(s) < 6 || len(s) > 15 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func mediaIDFromLink(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	const p = "/api/v1/media/"
	if !strings.HasPrefix(u.Path, p) {
		return ""
	}
	return strings.TrimSuffix(strings.TrimPrefix(u.Path, p), "/")
}

// placeholders lists a text's {{…}} placeholders in order, each once.
func placeholders(text string) []string {
	var out []string
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			return out
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			return out
		}
		name := strings.TrimSpace(text[i+2 : i+j])
		if !slices.Contains(out, name) {
			out = append(out, name)
		}
		text = text[i+j+2:]
	}
}

// checkTemplate says what is wrong with a template message, "" if nothing:
// the template must exist in that language and be approved, and each
// header and body placeholder needs a parameter (named ones by
// parameter_name, numbered ones by position).
func (s *Server) checkTemplate(t *templateSend) string {
	var found *tmpl
	for _, x := range s.st.templates {
		if x.name == t.Name && strings.EqualFold(x.language, t.Language.Code) {
			found = x
		}
	}
	if found == nil {
		return fmt.Sprintf("There is no template %q in language %q.", t.Name, t.Language.Code)
	}
	if !strings.EqualFold(found.status, "approved") {
		return fmt.Sprintf("Template %q is %s: only approved templates can be sent.", t.Name, found.status)
	}
	for _, comp := range found.components {
		if comp.typ != "HEADER" && comp.typ != "BODY" {
			continue
		}
		want := placeholders(comp.text)
		var params []templateParam
		for _, sc := range t.Components {
			if strings.EqualFold(sc.Type, comp.typ) {
				params = append(params, sc.Parameters...)
			}
		}
		if len(params) != len(want) {
			return fmt.Sprintf("The %s of template %q takes %d parameter(s), %d given.", strings.ToLower(comp.typ), t.Name, len(want), len(params))
		}
		for i, name := range want {
			if _, err := strconv.Atoi(name); err == nil {
				if params[i].Text == "" {
					return fmt.Sprintf("Parameter {{%s}} of template %q is empty.", name, t.Name)
				}
				continue
			}
			if !slices.ContainsFunc(params, func(p templateParam) bool { return p.ParameterName == name && p.Text != "" }) {
				return fmt.Sprintf("Template %q needs a parameter with parameter_name %q.", t.Name, name)
			}
		}
	}
	return ""
}

// --- assignment ---

func (s *Server) getAssignment(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := s.chatOr404(w, c.params[0]); ch != nil {
		writeJSON(w, http.StatusOK, renderAssignment(ch))
	}
}

func (s *Server) putAssignment(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.assign(w, r, c, true)
}

func (s *Server) patchAssignment(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.assign(w, r, c, false)
}

// pk reads a primary key given as a number, a numeric string or null.
func pk(raw json.RawMessage) (id int, null bool, err error) {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return 0, false, err
	}
	switch x := v.(type) {
	case nil:
		return 0, true, nil
	case float64:
		if x == float64(int(x)) {
			return int(x), false, nil
		}
	case string:
		if x == "" {
			return 0, true, nil
		}
		if n, err := strconv.Atoi(x); err == nil {
			return n, false, nil
		}
	}
	return 0, false, fmt.Errorf("Incorrect type. Expected pk value, received %s.", raw)
}

// assign applies PUT (both sides; a missing side is nobody) or PATCH (only
// the sides given), with the reference's rules for regular users: a user
// may be given a chat only when nobody has it, only the assignee removes
// the user, and the group changes only on a chat that is theirs or
// nobody's.
func (s *Server) assign(w http.ResponseWriter, r *http.Request, c *reqCtx, put bool) {
	body, err := readJSON(w, r)
	if err != nil {
		badJSON(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.chatOr404(w, c.params[0])
	if ch == nil {
		return
	}
	newUser, newGroup := ch.user, ch.group
	if raw, ok := body["assigned_to_user"]; ok || put {
		newUser = nil
		if ok {
			id, null, err := pk(raw)
			if err != nil {
				fieldError(w, "assigned_to_user", err.Error())
				return
			}
			if !null {
				if newUser = s.st.userByID[id]; newUser == nil {
					fieldError(w, "assigned_to_user", fmt.Sprintf(`Invalid pk "%d" - object does not exist.`, id))
					return
				}
			}
		}
	}
	if raw, ok := body["assigned_group"]; ok || put {
		newGroup = nil
		if ok {
			id, null, err := pk(raw)
			if err != nil {
				fieldError(w, "assigned_group", err.Error())
				return
			}
			if !null {
				if newGroup = s.st.groupByID[id]; newGroup == nil {
					fieldError(w, "assigned_group", fmt.Sprintf(`Invalid pk "%d" - object does not exist.`, id))
					return
				}
			}
		}
	}
	u := c.user
	if !u.writesAnywhere() {
		switch {
		case newUser != ch.user && newUser == nil && ch.user != u:
			writeJSON(w, http.StatusForbidden, detail("Only the assigned user or an admin can remove this assignment."))
			return
		case newUser != ch.user && newUser != nil && ch.user != nil:
			writeJSON(w, http.StatusForbidden, detail("This chat is already assigned to someone else: only an admin can reassign it."))
			return
		case newGroup != ch.group && ch.user != nil && ch.user != u:
			writeJSON(w, http.StatusForbidden, detail("You can change the group only of a chat assigned to you or to nobody."))
			return
		}
	}
	oldUser, oldGroup := ch.user, ch.group
	ch.user, ch.group = newUser, newGroup
	if oldUser != newUser || oldGroup != newGroup {
		s.pushAssignment(ch, oldUser, oldGroup, u)
	}
	writeJSON(w, http.StatusOK, renderAssignment(ch))
}

// --- tags ---

func (s *Server) listTags(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writePage(w, r, c, s.st.tags, func(t *tag) any { return renderTag(t) })
}

func (s *Server) createTagging(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	body, err := readJSON(w, r)
	if err != nil {
		badJSON(w, err)
		return
	}
	tagID, null, err := pk(body["tag"])
	if err != nil || null {
		fieldError(w, "tag", "This field is required: the tag's id.")
		return
	}
	var waID string
	if json.Unmarshal(body["chat"], &waID) != nil || waID == "" {
		fieldError(w, "chat", "This field is required: the chat's wa_id.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.st.tagByID[tagID]
	if t == nil {
		fieldError(w, "tag", fmt.Sprintf(`Invalid pk "%d" - object does not exist.`, tagID))
		return
	}
	ch := s.st.chatByID[waID]
	if ch == nil {
		fieldError(w, "chat", fmt.Sprintf(`Invalid pk "%s" - object does not exist.`, waID))
		return
	}
	if !mayWrite(w, c.user, ch) {
		return
	}
	if slices.ContainsFunc(ch.tags, func(x *tagging) bool { return x.tag == t }) {
		writeJSON(w, http.StatusBadRequest, map[string][]string{"non_field_errors": {"The fields tag, chat must make a unique set."}})
		return
	}
	tg := s.st.tagChat(ch, t, s.nowUnix())
	s.pushTagging(ch, t, "added", c.user)
	writeJSON(w, http.StatusCreated, map[string]any{"id": tg.id, "tag": t.id, "chat": ch.waID, "extra": emptyObject})
}

func (s *Server) deleteTagging(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	id, _ := strconv.Atoi(c.params[0])
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ch := range s.st.chats {
		for i, tg := range ch.tags {
			if tg.id != id {
				continue
			}
			if !mayWrite(w, c.user, ch) {
				return
			}
			ch.tags = slices.Delete(ch.tags, i, i+1)
			s.pushTagging(ch, tg.tag, "removed", c.user)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, detail("Not found."))
}

// --- saved responses and templates ---

func renderSaved(sr *savedResponse) any {
	return map[string]any{"id": sr.id, "text": sr.text, "created_by": sr.createdBy, "timestamp": sr.ts}
}

func (s *Server) listSaved(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writePage(w, r, c, s.st.saved, renderSaved)
}

func (s *Server) createSaved(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	body, err := readJSON(w, r)
	if err != nil {
		badJSON(w, err)
		return
	}
	var text string
	if json.Unmarshal(body["text"], &text) != nil || strings.TrimSpace(text) == "" {
		fieldError(w, "text", "This field may not be blank.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sr := &savedResponse{id: s.st.nextSaved, text: text, createdBy: c.user.id, ts: s.nowUnix()}
	s.st.nextSaved++
	s.st.saved = append(s.st.saved, sr)
	writeJSON(w, http.StatusCreated, renderSaved(sr))
}

func (s *Server) deleteSaved(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	id, _ := strconv.Atoi(c.params[0])
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, sr := range s.st.saved {
		if sr.id == id {
			s.st.saved = slices.Delete(s.st.saved, i, i+1)
			w.WriteHeader(http.StatusNoContent)
			return
		}
	}
	writeJSON(w, http.StatusNotFound, detail("Not found."))
}

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writePage(w, r, c, s.st.templates, func(t *tmpl) any { return renderTemplate(t) })
}

// --- received marks ---

func (s *Server) markAsReceived(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	body, err := readJSON(w, r)
	if err != nil {
		badJSON(w, err)
		return
	}
	var waID string
	if json.Unmarshal(body["customer_wa_id"], &waID) != nil || waID == "" {
		fieldError(w, "customer_wa_id", "This field is required.")
		return
	}
	var ts float64
	if json.Unmarshal(body["timestamp"], &ts) != nil {
		var str string
		if json.Unmarshal(body["timestamp"], &str) != nil {
			fieldError(w, "timestamp", "This field is required: a POSIX timestamp.")
			return
		}
		if ts, err = strconv.ParseFloat(str, 64); err != nil {
			fieldError(w, "timestamp", "A valid integer is required.")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.st.chatByID[waID]
	if ch == nil {
		fieldError(w, "customer_wa_id", "There is no chat with this wa_id.")
		return
	}
	s.st.setMark(c.user, ch, int64(ts))
	writeJSON(w, http.StatusCreated, map[string]any{"timestamp": int64(ts), "customer_wa_id": waID})
}

// --- persons ---

func (s *Server) listPersons(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	needle := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("search")))
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*chat
	for _, ch := range s.st.chats {
		if needle == "" || strings.Contains(strings.ToLower(ch.name), needle) || strings.Contains(ch.waID, needle) {
			out = append(out, ch)
		}
	}
	slices.SortFunc(out, func(a, b *chat) int { return strings.Compare(a.waID, b.waID) })
	writePage(w, r, c, out, func(ch *chat) any { return renderPerson(ch) })
}

func (s *Server) getPerson(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch := s.chatOr404(w, c.params[0]); ch != nil {
		writeJSON(w, http.StatusOK, renderPerson(ch))
	}
}

// listWhatsAppAccounts serves the web client's whatsapp_accounts/ (not in
// the references): the sandbox's one number, this instance's.
func (s *Server) listWhatsAppAccounts(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	accounts := []map[string]any{{"phone_number": sandboxPhoneNumber, "this_instance": true}}
	writePage(w, r, c, accounts, func(a map[string]any) any { return a })
}

// eventWindow reads wa_id, since_time (inclusive) and before_time
// (exclusive) of the event histories.
func eventWindow(w http.ResponseWriter, q url.Values) (func(ts int64, c *chat) bool, bool) {
	since, hasSince, ok := timeParam(w, q, "since_time")
	if !ok {
		return nil, false
	}
	before, hasBefore, ok := timeParam(w, q, "before_time")
	if !ok {
		return nil, false
	}
	waID := q.Get("wa_id")
	return func(ts int64, c *chat) bool {
		return (waID == "" || c.waID == waID) && !(hasSince && float64(ts) < since) && !(hasBefore && float64(ts) >= before)
	}, true
}

// ordered returns the items (ascending by time) in the configured order.
func ordered[T any](s *Server, items []T) []T {
	if s.cfg.Order == "oldest" {
		return items
	}
	out := slices.Clone(items)
	slices.Reverse(out)
	return out
}

func (s *Server) listAssignEvents(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	keep, ok := eventWindow(w, r.URL.Query())
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*assignEvent
	for _, ev := range s.st.assignEvents {
		if keep(ev.ts, ev.chat) {
			out = append(out, ev)
		}
	}
	writePage(w, r, c, ordered(s, out), func(ev *assignEvent) any { return renderAssignEvent(c.base, ev) })
}

func (s *Server) listTagEvents(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	keep, ok := eventWindow(w, r.URL.Query())
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*tagEvent
	for _, ev := range s.st.tagEvents {
		if keep(ev.ts, ev.chat) {
			out = append(out, ev)
		}
	}
	writePage(w, r, c, ordered(s, out), func(ev *tagEvent) any { return renderTagEvent(c.base, ev) })
}
