package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

func (s *Server) listBroadcasts(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query()
	page, err := parsePage(q)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	inboxID, hasInbox, ok := queryID(w, q, "inboxId")
	if !ok {
		return
	}
	contactID, hasContact, ok := queryID(w, q, "contactId")
	if !ok {
		return
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	acct, ok := s.visibleAccountFilter(w, r, u)
	if !ok {
		return
	}
	var all []*broadcast
	for _, b := range s.st.broadcasts {
		if !u.sees(b.account) || (acct >= 0 && b.account != acct) {
			continue
		}
		if hasContact && b.contact.id != contactID {
			continue
		}
		if hasInbox {
			if b.contact.conv < 0 || s.st.inboxes[s.st.convs[b.contact.conv].inbox].id != inboxID {
				continue
			}
		}
		all = append(all, b)
	}
	lo, hi, p := pageWindow(len(all), page)
	now := toMicros(s.now())
	items := make([]wireBroadcast, 0, hi-lo)
	for _, b := range all[lo:hi] {
		items = append(items, s.st.wireBroadcast(b, now))
	}
	writeJSON(w, http.StatusOK, wireList[wireBroadcast]{Items: items, Paging: p})
}

func (s *Server) getBroadcast(w http.ResponseWriter, r *http.Request, u *user) {
	id, ok := pathID(w, r, "broadcast")
	if !ok {
		return
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	b := s.st.broadcastByID[id]
	if b == nil || !u.sees(b.account) {
		notFound(w, "broadcast", id.String())
		return
	}
	writeJSON(w, http.StatusOK, s.st.wireBroadcast(b, toMicros(s.now())))
}

func (s *Server) createBroadcast(w http.ResponseWriter, r *http.Request, u *user) {
	var body struct {
		APIAccountID string `json:"apiAccountId"`
		ContactID    string `json:"contactId"`
		TemplateID   string `json:"templateId"`
		Message      string `json:"message"`
	}
	if !decodeJSON(w, r, &body) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	a, ok := s.bodyAccount(w, u, body.APIAccountID)
	if !ok {
		return
	}
	c, ok := s.bodyContact(w, u, a, body.ContactID)
	if !ok {
		return
	}
	tid, _, ok := bodyID(w, "templateId", body.TemplateID, true)
	if !ok {
		return
	}
	t := s.st.templateByID[tid]
	if t == nil || !u.sees(t.account) {
		notFound(w, "template", tid.String())
		return
	}
	if t.account != a.idx {
		badRequest(w, "template %s (%q) belongs to api account %s, not %s: use a template of the sending api account (GET /template?apiAccountId=%s)", t.id, t.name, s.st.accounts[t.account].id, a.id, a.id)
		return
	}
	if t.status != templateApproved {
		writeError(w, http.StatusBadRequest, "template_not_approved",
			fmt.Sprintf("template %q (%s) has status %s: only Approved templates can be broadcast; pick an Approved one with GET /template", t.name, t.id, t.status))
		return
	}
	if strings.TrimSpace(body.Message) == "" {
		badRequest(w, "message is required: send the template text with its {{n}} placeholders replaced")
		return
	}
	if n := utf8.RuneCountInString(body.Message); n > maxMessageRunes {
		badRequest(w, "message is %d characters long: at most %d are allowed", n, maxMessageRunes)
		return
	}
	if err := checkTemplateMessage(t.text, body.Message); err != nil {
		badRequest(w, "%v", err)
		return
	}
	now := s.now()
	b := &broadcast{
		id:       s.st.newID(),
		account:  a.idx,
		contact:  c,
		template: t,
		text:     body.Message,
		sender:   u.idx,
		created:  now,
		queueAt:  now.Add(s.cfg.BroadcastQueueDelay),
	}
	s.st.conversationFor(c, now)
	s.st.broadcasts = insertSorted(s.st.broadcasts, b, cmpBroadcasts)
	s.st.broadcastByID[b.id] = b
	s.st.pending.Add(1)
	if s.cfg.BroadcastQueueDelay == 0 {
		s.st.queueBroadcast(b)
	}
	writeJSON(w, http.StatusCreated, s.st.wireBroadcast(b, toMicros(now)))
}

func (s *Server) listTemplates(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query()
	page, err := parsePage(q)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	name := strings.TrimSpace(q.Get("name"))
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	acct, ok := s.visibleAccountFilter(w, r, u)
	if !ok {
		return
	}
	var all []*template
	for _, t := range s.st.templates {
		if !u.sees(t.account) || (acct >= 0 && t.account != acct) || (name != "" && !strings.EqualFold(t.name, name)) {
			continue
		}
		all = append(all, t)
	}
	lo, hi, p := pageWindow(len(all), page)
	items := make([]wireTemplate, 0, hi-lo)
	for _, t := range all[lo:hi] {
		items = append(items, s.st.wireTemplate(t))
	}
	writeJSON(w, http.StatusOK, wireList[wireTemplate]{Items: items, Paging: p})
}

func (s *Server) getTemplate(w http.ResponseWriter, r *http.Request, u *user) {
	id, ok := pathID(w, r, "template")
	if !ok {
		return
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	t := s.st.templateByID[id]
	if t == nil || !u.sees(t.account) {
		notFound(w, "template", id.String())
		return
	}
	writeJSON(w, http.StatusOK, s.st.wireTemplate(t))
}
