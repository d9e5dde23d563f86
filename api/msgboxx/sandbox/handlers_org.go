package sandbox

import (
	"net/http"
	"strings"
)

// listTeams is GET /team: a bare array of every team in the organisation.
func (s *Server) listTeams(w http.ResponseWriter, r *http.Request, u *user) {
	s.st.mu.RLock()
	out := make([]wireTeam, 0, len(s.st.teams))
	for _, t := range s.st.teams {
		wt := wireTeam{Name: t.name, Description: t.description, TeamID: t.id.String(), APIAccounts: []wireAccountRef{}, Users: []wireUserRef{}}
		for _, a := range t.accounts {
			wt.APIAccounts = append(wt.APIAccounts, s.st.wireAccountRef(s.st.accounts[a]))
		}
		for _, ui := range t.users {
			wt.Users = append(wt.Users, s.st.wireUserRef(s.st.users[ui]))
		}
		out = append(out, wt)
	}
	s.st.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}

// listUsers is GET /user: a bare array with one element per (user, linked
// api account).
func (s *Server) listUsers(w http.ResponseWriter, r *http.Request, u *user) {
	s.st.mu.RLock()
	out := []wireUserEntry{}
	for _, x := range s.st.users {
		for _, a := range x.accounts {
			out = append(out, wireUserEntry{User: s.st.wireUserRef(x), APIAccount: s.st.wireAccountRef(s.st.accounts[a])})
		}
	}
	s.st.mu.RUnlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request, u *user) {
	page, err := parsePage(r.URL.Query())
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	s.st.mu.RLock()
	lo, hi, p := pageWindow(len(s.st.webhooks), page)
	items := make([]wireWebhook, 0, hi-lo)
	for _, h := range s.st.webhooks[lo:hi] {
		items = append(items, wireHook(h))
	}
	s.st.mu.RUnlock()
	writeJSON(w, http.StatusOK, wireList[wireWebhook]{Items: items, Paging: p})
}

func (s *Server) webhookByPath(w http.ResponseWriter, r *http.Request) (*webhook, bool) {
	id, ok := pathID(w, r, "webhook")
	if !ok {
		return nil, false
	}
	h := s.st.webhookByID[id]
	if h == nil {
		notFound(w, "webhook", id.String())
		return nil, false
	}
	return h, true
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request, u *user) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	h, ok := s.webhookByPath(w, r)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, wireHook(h))
}

type webhookBody struct {
	Type      *string `json:"type"`
	TargetURL *string `json:"targetUrl"`
	IsEnabled *bool   `json:"isEnabled"`
}

// apply validates the body and, if valid, writes it into h. With partial
// set, absent fields are left unchanged; otherwise type and targetUrl are
// required.
func (b *webhookBody) apply(w http.ResponseWriter, h *webhook, partial bool) bool {
	typ, target := h.typ, h.url
	if b.Type != nil || !partial {
		v := ""
		if b.Type != nil {
			v = *b.Type
		}
		t, ok := canonicalWebhookType(v)
		if !ok {
			if strings.TrimSpace(v) == "" {
				badRequest(w, "type is required: one of %s", strings.Join(webhookTypes, ", "))
			} else {
				badRequest(w, "type %q is not valid: use one of %s", v, strings.Join(webhookTypes, ", "))
			}
			return false
		}
		typ = t
	}
	if b.TargetURL != nil || !partial {
		v := ""
		if b.TargetURL != nil {
			v = strings.TrimSpace(*b.TargetURL)
		}
		if err := validateTargetURL(v); err != nil {
			badRequest(w, "%v", err)
			return false
		}
		target = v
	}
	h.typ, h.url = typ, target
	if b.IsEnabled != nil {
		h.enabled = *b.IsEnabled
	}
	return true
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request, u *user) {
	var b webhookBody
	if !decodeJSON(w, r, &b) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	h := &webhook{created: s.now()}
	if !b.apply(w, h, false) {
		return
	}
	h.id = s.st.newID()
	s.st.webhooks = insertSorted(s.st.webhooks, h, cmpWebhooks)
	s.st.webhookByID[h.id] = h
	writeJSON(w, http.StatusCreated, wireHook(h))
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request, u *user) {
	var b webhookBody
	if !decodeJSON(w, r, &b) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	h, ok := s.webhookByPath(w, r)
	if !ok {
		return
	}
	tmp := *h
	if !b.apply(w, &tmp, true) {
		return
	}
	*h = tmp
	writeJSON(w, http.StatusOK, wireHook(h))
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, u *user) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	h, ok := s.webhookByPath(w, r)
	if !ok {
		return
	}
	delete(s.st.webhookByID, h.id)
	for i, x := range s.st.webhooks {
		if x == h {
			s.st.webhooks = append(s.st.webhooks[:i], s.st.webhooks[i+1:]...)
			break
		}
	}
	w.WriteHeader(http.StatusNoContent)
}
