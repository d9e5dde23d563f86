package sandbox

import "net/http"

// visibleAccountFilter reads the apiAccountId query parameter. It returns
// -1 when absent; an unknown or unlinked account is a 403 (written), a
// malformed one a 400.
func (s *Server) visibleAccountFilter(w http.ResponseWriter, r *http.Request, u *user) (int, bool) {
	id, present, ok := queryID(w, r.URL.Query(), "apiAccountId")
	if !ok {
		return 0, false
	}
	if !present {
		return -1, true
	}
	a := s.st.accountByID[id]
	if a == nil || !u.sees(a.idx) {
		forbiddenAccount(w, id.String())
		return 0, false
	}
	return a.idx, true
}

// bodyAccount resolves the apiAccountId of a write: required; unknown or
// unlinked is a 403 (written).
func (s *Server) bodyAccount(w http.ResponseWriter, u *user, v string) (*account, bool) {
	id, _, ok := bodyID(w, "apiAccountId", v, true)
	if !ok {
		return nil, false
	}
	a := s.st.accountByID[id]
	if a == nil || !u.sees(a.idx) {
		forbiddenAccount(w, id.String())
		return nil, false
	}
	return a, true
}

func (s *Server) listAccounts(w http.ResponseWriter, r *http.Request, u *user) {
	page, err := parsePage(r.URL.Query())
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	s.st.mu.RLock()
	var all []*account
	for _, a := range s.st.accounts {
		if u.sees(a.idx) {
			all = append(all, a)
		}
	}
	lo, hi, p := pageWindow(len(all), page)
	items := make([]wireAccount, 0, hi-lo)
	for _, a := range all[lo:hi] {
		items = append(items, s.st.wireAccount(a))
	}
	s.st.mu.RUnlock()
	writeJSON(w, http.StatusOK, wireList[wireAccount]{Items: items, Paging: p})
}

func (s *Server) getAccount(w http.ResponseWriter, r *http.Request, u *user) {
	id, ok := pathID(w, r, "api account")
	if !ok {
		return
	}
	s.st.mu.RLock()
	a := s.st.accountByID[id]
	var out wireAccount
	found := a != nil && u.sees(a.idx)
	if found {
		out = s.st.wireAccount(a)
	}
	s.st.mu.RUnlock()
	if !found {
		notFound(w, "api account", id.String())
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listInboxes(w http.ResponseWriter, r *http.Request, u *user) {
	page, err := parsePage(r.URL.Query())
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	acct, ok := s.visibleAccountFilter(w, r, u)
	if !ok {
		return
	}
	var all []*inbox
	for _, ib := range s.st.inboxes {
		if u.sees(ib.account) && (acct < 0 || ib.account == acct) {
			all = append(all, ib)
		}
	}
	lo, hi, p := pageWindow(len(all), page)
	items := make([]wireInboxItem, 0, hi-lo)
	for _, ib := range all[lo:hi] {
		items = append(items, wireInboxItem{
			InboxID:      ib.id.String(),
			APIAccountID: s.st.accounts[ib.account].id.String(),
			Name:         ib.name,
			DateTime:     entityTime(ib.created),
		})
	}
	writeJSON(w, http.StatusOK, wireList[wireInboxItem]{Items: items, Paging: p})
}

func (s *Server) getInbox(w http.ResponseWriter, r *http.Request, u *user) {
	id, ok := pathID(w, r, "inbox")
	if !ok {
		return
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	ib := s.st.inboxByID[id]
	if ib == nil || !u.sees(ib.account) {
		notFound(w, "inbox", id.String())
		return
	}
	writeJSON(w, http.StatusOK, wireInbox{
		InboxID:      ib.id.String(),
		Name:         ib.name,
		APIAccountID: s.st.accounts[ib.account].id.String(),
		Datetime:     entityTime(ib.created),
	})
}
