package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

type contactBody struct {
	ContactID    string   `json:"contactId"`
	MobileNumber string   `json:"mobileNumber"`
	Name         string   `json:"name"`
	Status       string   `json:"status"`
	Email        string   `json:"email"`
	APIAccountID string   `json:"apiAccountId"`
	Tags         []string `json:"tags"`
}

// contactFields validates the fields POST and PUT share.
func contactFields(b *contactBody) (name, status, email string, tags []string, err error) {
	b.MobileNumber = strings.TrimSpace(b.MobileNumber)
	if err = validateMobile(b.MobileNumber); err != nil {
		return
	}
	name = strings.TrimSpace(b.Name)
	if name == "" {
		err = fmt.Errorf("name is required: give the contact a name")
		return
	}
	if n := utf8.RuneCountInString(name); n > maxNameRunes {
		err = fmt.Errorf("name is %d characters long: at most %d are allowed", n, maxNameRunes)
		return
	}
	if strings.TrimSpace(b.Status) != "" {
		var ok bool
		if status, ok = canonicalContactStatus(b.Status); !ok {
			err = fmt.Errorf("status %q is not valid: use Subscribed, Presubscribed or Unsubscribed", b.Status)
			return
		}
	}
	email = strings.TrimSpace(b.Email)
	if email != "" {
		if err = validateEmail(email); err != nil {
			return
		}
	}
	tags, err = normaliseTags(b.Tags)
	return
}

func duplicateContact(w http.ResponseWriter) {
	writeError(w, http.StatusConflict, "conflict",
		"Duplicate Contact attempted - contact mobileNumber must be unique per apiAccount: GET /contact?apiAccountId=…&mobileNumber=… finds the existing contact")
}

func (s *Server) listContacts(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query()
	page, err := parsePage(q)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	from, to, _, _, err := dateRange(q)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	mobile := ""
	if v := strings.TrimSpace(q.Get("mobileNumber")); v != "" {
		mobile = "+" + digitsOnly(v)
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	acct, ok := s.visibleAccountFilter(w, r, u)
	if !ok {
		return
	}
	// One pass: count the matches and keep only the requested page's.
	skip := pageSkip(page)
	total := 0
	items := []wireContact{}
	for _, c := range s.st.contacts {
		if !u.sees(c.account) || (acct >= 0 && c.account != acct) || (mobile != "" && c.mobile != mobile) {
			continue
		}
		if at := toMicros(c.created); at < from || at >= to {
			continue
		}
		if total >= skip && len(items) < pageSize {
			items = append(items, s.st.wireContact(c))
		}
		total++
	}
	_, _, p := pageWindow(total, page)
	writeJSON(w, http.StatusOK, wireList[wireContact]{Items: items, Paging: p})
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request, u *user) {
	id, ok := pathID(w, r, "contact")
	if !ok {
		return
	}
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	c := s.st.contactByID[id]
	if c == nil || !u.sees(c.account) {
		notFound(w, "contact", id.String())
		return
	}
	writeJSON(w, http.StatusOK, s.st.wireContact(c))
}

func (s *Server) createContact(w http.ResponseWriter, r *http.Request, u *user) {
	var b contactBody
	if !decodeJSON(w, r, &b) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	a, ok := s.bodyAccount(w, u, b.APIAccountID)
	if !ok {
		return
	}
	name, status, email, tags, err := contactFields(&b)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	if status == "" {
		status = "Presubscribed"
	}
	if s.st.contactByNumber[numberKey{a.idx, b.MobileNumber}] != nil {
		duplicateContact(w)
		return
	}
	c := &contact{
		id:      s.st.newID(),
		account: a.idx,
		mobile:  b.MobileNumber,
		name:    name,
		status:  status,
		email:   email,
		tags:    tags,
		created: s.now(),
	}
	s.st.putContact(c, true)
	writeJSON(w, http.StatusCreated, s.st.wireContact(c))
}

func (s *Server) updateContact(w http.ResponseWriter, r *http.Request, u *user) {
	id, ok := pathID(w, r, "contact")
	if !ok {
		return
	}
	var b contactBody
	if !decodeJSON(w, r, &b) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	c := s.st.contactByID[id]
	if c == nil || !u.sees(c.account) {
		notFound(w, "contact", id.String())
		return
	}
	if v := strings.TrimSpace(b.ContactID); v != "" {
		if bid, ok := parseUUID(v); !ok || bid != c.id {
			badRequest(w, "contactId %q in the body does not match the contact in the URL (%s): leave it out or send the same id", v, c.id)
			return
		}
	}
	if v := strings.TrimSpace(b.APIAccountID); v != "" {
		if bid, ok := parseUUID(v); !ok || bid != s.st.accounts[c.account].id {
			badRequest(w, "apiAccountId %q in the body is not the contact's api account (%s): a contact cannot move between api accounts", v, s.st.accounts[c.account].id)
			return
		}
	}
	name, status, email, tags, err := contactFields(&b)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	if status == "" {
		status = c.status
	}
	if b.MobileNumber != c.mobile {
		key := numberKey{c.account, b.MobileNumber}
		if other := s.st.contactByNumber[key]; other != nil && other != c {
			duplicateContact(w)
			return
		}
		delete(s.st.contactByNumber, numberKey{c.account, c.mobile})
		s.st.contactByNumber[key] = c
		c.mobile = b.MobileNumber
	}
	c.name, c.status, c.email, c.tags = name, status, email, tags
	writeJSON(w, http.StatusOK, s.st.wireContact(c))
}
