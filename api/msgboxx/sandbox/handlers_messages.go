package sandbox

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

const window = 24 * time.Hour

// msgQuery is a resolved GET /message (or count) request.
type msgQuery struct {
	allowed []bool // by account index: visible and matching apiAccountId
	inbox   int    // -1: any
	conv    int32  // -1: any; -2: matches nothing
	from    int64  // inclusive, µs
	to      int64  // exclusive, µs
	page    int
	newest  bool // pages newest first (Config.Order "newest")
}

// queryMessages returns the page's message indexes and the paging block.
//
// Every message is indexed four ways, all ascending by (dateTime, id): the
// global order, per api account, per inbox and per conversation. A query
// picks the narrowest index that answers it exactly and narrows it to the
// date range by binary search, so a single list is paged by slicing. When
// the caller sees only some of the api accounts, the count is the sum of
// the per-account ranges and the first message of the page is found by a
// binary search over the global order (counting, at each probe, the
// visible messages before it in every per-account list), so any page costs
// O(k·log²n + page size) rather than a scan.
//
// Newest first (q.newest) is the same order reversed: page 1 is the last
// page of the ascending order, read backwards.
func (st *store) queryMessages(q msgQuery) ([]int32, wirePaging) {
	page, p := st.queryAscending(q)
	if !q.newest {
		return page, p
	}
	out := make([]int32, len(page)) // never reverse an index in place
	for i, idx := range page {
		out[len(page)-1-i] = idx
	}
	return out, p
}

// queryAscending is queryMessages in ascending order; with q.newest it
// picks the records of the page counted from the end.
func (st *store) queryAscending(q msgQuery) ([]int32, wirePaging) {
	var lists [][]int32
	switch {
	case q.conv == -2 || q.inbox == -2:
	case q.conv >= 0:
		cv := st.convs[q.conv]
		if q.allowed[cv.account] && (q.inbox < 0 || cv.inbox == q.inbox) {
			lists = [][]int32{cv.msgs}
		}
	case q.inbox >= 0:
		if q.allowed[st.inboxes[q.inbox].account] {
			lists = [][]int32{st.byInbox[q.inbox]}
		}
	default:
		all := true
		for a, ok := range q.allowed {
			if ok {
				lists = append(lists, st.byAcct[a])
			} else {
				all = false
			}
		}
		if all {
			lists = [][]int32{st.order}
		}
	}
	total := 0
	for i, l := range lists {
		lists[i] = st.dateSlice(l, q.from, q.to)
		total += len(lists[i])
	}
	lo, hi, p := pageWindow(total, q.page)
	if q.newest {
		lo, hi = total-hi, total-lo
	}
	switch {
	case lo >= hi:
		return nil, p
	case len(lists) == 1:
		return lists[0][lo:hi], p
	}
	// Several per-account lists: find the page's first message in the
	// global order, then walk forward keeping the allowed ones.
	global := st.dateSlice(st.order, q.from, q.to)
	before := func(pos int) int { // allowed messages sorting before global[pos]
		m := &st.msgs[global[pos]]
		n := 0
		for _, l := range lists {
			n += st.lowerBoundKey(l, m)
		}
		return n
	}
	start := sort.Search(len(global), func(pos int) bool { return before(pos) >= lo })
	page := make([]int32, 0, hi-lo)
	for pos := start; pos < len(global) && len(page) < hi-lo; pos++ {
		if idx := global[pos]; q.allowed[st.msgs[idx].account] {
			page = append(page, idx)
		}
	}
	return page, p
}

// dateSlice narrows a time-ordered list to [from, to).
func (st *store) dateSlice(list []int32, from, to int64) []int32 {
	lo, hi := 0, len(list)
	if from != math.MinInt64 {
		lo = st.lowerBound(list, from)
	}
	if to != math.MaxInt64 {
		hi = st.lowerBound(list, to)
	}
	if hi < lo {
		hi = lo
	}
	return list[lo:hi]
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query()
	page, err := parsePage(q)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	from, to, hasFrom, hasTo, err := dateRange(q)
	if err != nil {
		badRequest(w, "%v", err)
		return
	}
	now := s.now()
	if !hasFrom && !hasTo {
		// Documented default: only the most recent 24 hours.
		from = toMicros(now.Add(-window))
	}
	inboxID, hasInbox, ok := queryID(w, q, "inboxId")
	if !ok {
		return
	}
	contactID, hasContact, ok := queryID(w, q, "contactId")
	if !ok {
		return
	}
	convID, hasConv, ok := queryID(w, q, "conversationId")
	if !ok {
		return
	}

	s.st.mu.RLock()
	acct, ok := s.visibleAccountFilter(w, r, u)
	if !ok {
		s.st.mu.RUnlock()
		return
	}
	mq := msgQuery{allowed: make([]bool, len(s.st.accounts)), inbox: -1, conv: -1, from: from, to: to, page: page,
		newest: s.cfg.Order == "newest"}
	for i := range mq.allowed {
		mq.allowed[i] = u.sees(i) && (acct < 0 || acct == i)
	}
	if hasInbox {
		mq.inbox = -2 // unknown inbox: matches nothing
		if ib := s.st.inboxByID[inboxID]; ib != nil && u.sees(ib.account) {
			mq.inbox = ib.idx
		}
	}
	if hasContact {
		mq.conv = -2
		if c := s.st.contactByID[contactID]; c != nil && u.sees(c.account) && c.conv >= 0 {
			mq.conv = c.conv
		}
	}
	if hasConv && mq.conv != -2 {
		ci, found := s.st.convByID[convID]
		switch {
		case !found || !u.sees(s.st.convs[ci].account):
			mq.conv = -2
		case mq.conv >= 0 && mq.conv != ci:
			mq.conv = -2 // contact and conversation disagree
		default:
			mq.conv = ci
		}
	}
	if mq.inbox == -2 {
		mq.conv = -2
	}
	idxs, p := s.st.queryMessages(mq)
	nowUS := toMicros(now)
	items := make([]wireMessage, 0, len(idxs))
	for _, idx := range idxs {
		items = append(items, located(r, s.st.wireMessage(idx, nowUS)))
	}
	s.st.mu.RUnlock()
	writeJSON(w, http.StatusOK, wireList[wireMessage]{Items: items, Paging: p})
}

func (s *Server) getMessage(w http.ResponseWriter, r *http.Request, u *user) {
	id, ok := pathID(w, r, "message")
	if !ok {
		return
	}
	s.st.mu.RLock()
	idx, found := s.st.msgByID[id]
	if found && !u.sees(int(s.st.msgs[idx].account)) {
		found = false
	}
	var out wireMessage
	if found {
		out = located(r, s.st.wireMessage(idx, toMicros(s.now())))
	}
	s.st.mu.RUnlock()
	if !found {
		notFound(w, "message", id.String())
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// bodyContact resolves the contactId of a write within an account:
// missing or malformed → 400, unknown or invisible → 404, belonging to
// another api account → 400.
func (s *Server) bodyContact(w http.ResponseWriter, u *user, a *account, v string) (*contact, bool) {
	id, _, ok := bodyID(w, "contactId", v, true)
	if !ok {
		return nil, false
	}
	c := s.st.contactByID[id]
	if c == nil || !u.sees(c.account) {
		notFound(w, "contact", id.String())
		return nil, false
	}
	if c.account != a.idx {
		badRequest(w, "contact %s belongs to api account %s, not %s: send from the contact's own api account", c.id, s.st.accounts[c.account].id, a.id)
		return nil, false
	}
	return c, true
}

func (s *Server) createMessage(w http.ResponseWriter, r *http.Request, u *user) {
	var b struct {
		APIAccountID string `json:"apiAccountId"`
		ContactID    string `json:"contactId"`
		Message      string `json:"message"`
	}
	if !decodeJSON(w, r, &b) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	a, ok := s.bodyAccount(w, u, b.APIAccountID)
	if !ok {
		return
	}
	c, ok := s.bodyContact(w, u, a, b.ContactID)
	if !ok {
		return
	}
	if strings.TrimSpace(b.Message) == "" {
		badRequest(w, "message is required: send the text of the session message")
		return
	}
	if n := utf8.RuneCountInString(b.Message); n > maxMessageRunes {
		badRequest(w, "message is %d characters long: a session message may have at most %d", n, maxMessageRunes)
		return
	}
	now := s.now()
	var last int64
	if c.conv >= 0 {
		last = s.st.convs[c.conv].lastInbound
	}
	if last == 0 || toMicros(now)-last >= window.Microseconds() {
		msg := fmt.Sprintf("the 24-hour session window for contact %s is closed: the customer has never written in, so a session message cannot be sent; send an approved template with POST /broadcast instead", c.id)
		if last != 0 {
			closed := fromMicros(last).Add(window)
			msg = fmt.Sprintf("the 24-hour session window for contact %s closed at %s (24 hours after the customer's last message at %s): send an approved template with POST /broadcast instead, or wait for the customer to write in",
				c.id, closed.Format(time.RFC3339), fromMicros(last).Format(time.RFC3339))
		}
		writeError(w, http.StatusBadRequest, "window_closed", msg)
		return
	}
	_, idx := s.st.newLiveMessage(c, now, b.Message, u.idx, flagOutgoing)
	writeJSON(w, http.StatusCreated, s.st.wireMessage(idx, toMicros(now)))
}

// --- conversations ---

func (s *Server) conversationByPath(w http.ResponseWriter, r *http.Request, u *user) (*conversation, bool) {
	id, ok := pathID(w, r, "conversation")
	if !ok {
		return nil, false
	}
	ci, found := s.st.convByID[id]
	if !found || !u.sees(s.st.convs[ci].account) {
		notFound(w, "conversation", id.String())
		return nil, false
	}
	return s.st.convs[ci], true
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request, u *user) {
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	cv, ok := s.conversationByPath(w, r, u)
	if !ok {
		return
	}
	out := wireConversation{Folder: folderNames[cv.folder]}
	if cv.user >= 0 {
		ref := s.st.wireUserRef(s.st.users[cv.user])
		out.User = &ref
	} else if cv.team >= 0 {
		t := s.st.teams[cv.team]
		out.Team = &wireTeamRef{Name: t.name, Description: t.description, TeamID: t.id.String()}
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) updateConversation(w http.ResponseWriter, r *http.Request, u *user) {
	var b struct {
		UserID string `json:"userId"`
		TeamID string `json:"teamId"`
		Folder string `json:"folder"`
	}
	if !decodeJSON(w, r, &b) {
		return
	}
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	cv, ok := s.conversationByPath(w, r, u)
	if !ok {
		return
	}
	userID, hasUser, ok := bodyID(w, "userId", b.UserID, false)
	if !ok {
		return
	}
	teamID, hasTeam, ok := bodyID(w, "teamId", b.TeamID, false)
	if !ok {
		return
	}
	if hasUser && hasTeam {
		badRequest(w, "send either userId or teamId, not both: a conversation is assigned to a user or to a team")
		return
	}
	folder := cv.folder
	if f := strings.TrimSpace(b.Folder); f != "" {
		found := false
		for i, name := range folderNames {
			if strings.EqualFold(name, f) {
				folder, found = uint8(i), true
			}
		}
		if !found {
			badRequest(w, "folder %q is not valid: use inbox, archive or spam", b.Folder)
			return
		}
	}
	acct := s.st.accounts[cv.account]
	newUser, newTeam := cv.user, cv.team
	if hasUser {
		target := s.st.userByID[userID]
		if target == nil {
			badRequest(w, "userId %s is not a user: GET /user lists the users and the api accounts they are linked to", userID)
			return
		}
		if !target.sees(cv.account) {
			badRequest(w, "user %s is not linked to api account %q (%s): GET /user lists who can take conversations of this account", userID, acct.name, acct.id)
			return
		}
		newUser, newTeam = target.idx, -1
	}
	if hasTeam {
		target := s.st.teamByID[teamID]
		if target == nil {
			badRequest(w, "teamId %s is not a team: GET /team lists the teams", teamID)
			return
		}
		if !target.linked(cv.account) {
			badRequest(w, "team %q (%s) is not linked to api account %q (%s) and is not global: GET /team lists each team's api accounts", target.name, teamID, acct.name, acct.id)
			return
		}
		newUser, newTeam = -1, target.idx
	}
	cv.user, cv.team, cv.folder = newUser, newTeam, folder
	w.WriteHeader(http.StatusOK)
}
