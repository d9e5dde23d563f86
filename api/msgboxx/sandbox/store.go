package sandbox

import (
	"bytes"
	"cmp"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Folders a conversation can be in.
const (
	folderInbox uint8 = iota
	folderArchive
	folderSpam
)

var folderNames = [...]string{"inbox", "archive", "spam"}

// Message flags.
const (
	flagOutgoing uint8 = 1 << iota
	flagTemplate
	flagFailed
	flagHasFile
)

// Outgoing message statuses, in the order they are reached.
const (
	statusPending   = "Pending"
	statusSent      = "Sent"
	statusDelivered = "Delivered"
	statusRead      = "Read"
	statusFailed    = "Failed"
)

// Contact statuses.
var contactStatuses = []string{"Subscribed", "Presubscribed", "Unsubscribed"}

// Template statuses.
const (
	templateApproved = "Approved"
	templatePending  = "Pending"
	templateRejected = "Rejected"
)

type account struct {
	idx     int
	id      uuid
	name    string
	phone   string
	created time.Time
	inboxes []int // indexes into store.inboxes
}

type inbox struct {
	idx     int
	id      uuid
	account int
	name    string
	created time.Time
}

type user struct {
	idx      int
	id       uuid
	username string // lower case
	password string
	first    string
	last     string
	accounts []int  // linked api accounts, in account order
	visible  []bool // indexed by account
}

func (u *user) sees(acct int) bool { return acct >= 0 && acct < len(u.visible) && u.visible[acct] }

type team struct {
	idx         int
	id          uuid
	name        string
	description string
	accounts    []int // empty: global team
	users       []int
}

func (t *team) global() bool { return len(t.accounts) == 0 }

func (t *team) linked(acct int) bool { return t.global() || slices.Contains(t.accounts, acct) }

type contact struct {
	id         uuid
	account    int
	mobile     string // E.164
	name       string
	status     string
	email      string
	tags       []string
	created    time.Time
	conv       int32 // index into store.convs, -1 while the contact has no conversation
	neverReads bool  // the customer never opens messages: outgoing ones stop at Delivered
}

type conversation struct {
	idx         int32
	id          uuid
	account     int
	inbox       int
	contact     *contact
	user        int // assigned user index or -1
	team        int // assigned team index or -1
	folder      uint8
	created     time.Time
	msgs        []int32 // indexes into store.msgs, ascending by (at, id)
	lastInbound int64   // unix µs of the newest inbound message, 0 if none
}

// message is kept compact: a million of them must fit comfortably.
type message struct {
	id      uuid
	at      int64 // unix microseconds
	body    string
	conv    int32
	sender  int16  // user index for outgoing messages, -1 for inbound
	account uint16 // denormalised from the conversation for cheap scans
	inbox   uint16
	flags   uint8
}

func (m *message) outgoing() bool { return m.flags&flagOutgoing != 0 }

type template struct {
	id      uuid
	account int
	name    string
	text    string
	example string
	status  string
	created time.Time
}

type broadcast struct {
	id       uuid
	account  int
	contact  *contact
	template *template
	text     string
	sender   int
	created  time.Time
	queueAt  time.Time
	queued   bool
	msg      uuid // valid once queued
}

type webhook struct {
	id       uuid
	typ      string
	url      string
	enabled  bool
	failures int
	zapier   bool
	created  time.Time
}

type numberKey struct {
	account int
	mobile  string
}

// store holds every entity. One RWMutex guards all of it.
type store struct {
	mu         sync.RWMutex
	rng        *rand.Rand
	statusStep int64 // µs
	// everyoneReads: read receipts from every customer (Config.ReadReceipts
	// "all"); otherwise some customers never read (contact.neverReads).
	everyoneReads bool

	accounts    []*account
	accountByID map[uuid]*account
	inboxes     []*inbox
	inboxByID   map[uuid]*inbox
	users       []*user
	userByID    map[uuid]*user
	userByName  map[string]*user
	teams       []*team
	teamByID    map[uuid]*team

	contacts        []*contact // ascending by (created, id)
	contactByID     map[uuid]*contact
	contactByNumber map[numberKey]*contact

	convs    []*conversation // append-only; index is stable
	convByID map[uuid]int32

	msgs    []message // append-only after seeding; index is stable
	order   []int32   // indexes into msgs ascending by (at, id)
	byAcct  [][]int32 // the same, one list per api account
	byInbox [][]int32 // the same, one list per inbox
	msgByID map[uuid]int32
	files   map[uuid]string // fileLocation of the few messages that have one

	templates     []*template // ascending by (created, id)
	templateByID  map[uuid]*template
	broadcasts    []*broadcast // ascending by (created, id)
	broadcastByID map[uuid]*broadcast
	pending       atomic.Int64 // broadcasts not queued yet (read without the lock)
	webhooks      []*webhook   // ascending by (created, id)
	webhookByID   map[uuid]*webhook
}

func newStore(seed int64, step time.Duration) *store {
	return &store{
		rng:             newRand(seed, 0),
		statusStep:      step.Microseconds(),
		accountByID:     map[uuid]*account{},
		inboxByID:       map[uuid]*inbox{},
		userByID:        map[uuid]*user{},
		userByName:      map[string]*user{},
		teamByID:        map[uuid]*team{},
		contactByID:     map[uuid]*contact{},
		contactByNumber: map[numberKey]*contact{},
		convByID:        map[uuid]int32{},
		msgByID:         map[uuid]int32{},
		files:           map[uuid]string{},
		templateByID:    map[uuid]*template{},
		broadcastByID:   map[uuid]*broadcast{},
		webhookByID:     map[uuid]*webhook{},
	}
}

func (st *store) newID() uuid { return newUUID(st.rng) }

// neverReadsFor decides, from the contact id alone, whether the customer is
// one of the quarter who never read their messages.
func neverReadsFor(id uuid) bool {
	h := fnv.New32a()
	h.Write(id[:])
	return h.Sum32()%4 == 0
}

func toMicros(t time.Time) int64    { return t.UnixMicro() }
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// byCreated orders entities by creation time, then id.
func byCreated(ta, tb time.Time, ia, ib uuid) int {
	if c := ta.Compare(tb); c != 0 {
		return c
	}
	return bytes.Compare(ia[:], ib[:])
}

// insertSorted inserts v into a slice kept ascending by cmpFn.
func insertSorted[T any](s []T, v T, cmpFn func(a, b T) int) []T {
	i := sort.Search(len(s), func(i int) bool { return cmpFn(s[i], v) > 0 })
	return slices.Insert(s, i, v)
}

func cmpContacts(a, b *contact) int     { return byCreated(a.created, b.created, a.id, b.id) }
func cmpTemplates(a, b *template) int   { return byCreated(a.created, b.created, a.id, b.id) }
func cmpBroadcasts(a, b *broadcast) int { return byCreated(a.created, b.created, a.id, b.id) }
func cmpWebhooks(a, b *webhook) int     { return byCreated(a.created, b.created, a.id, b.id) }

func cmpMessages(a, b *message) int {
	if c := cmp.Compare(a.at, b.at); c != 0 {
		return c
	}
	return bytes.Compare(a.id[:], b.id[:])
}

// --- skeleton builders (used by demo data and tests) ---

func (st *store) addAccount(id uuid, name, phone string, created time.Time) *account {
	a := &account{idx: len(st.accounts), id: id, name: name, phone: phone, created: created}
	st.accounts = append(st.accounts, a)
	st.accountByID[id] = a
	return a
}

func (st *store) addInbox(id uuid, acct *account, name string, created time.Time) *inbox {
	ib := &inbox{idx: len(st.inboxes), id: id, account: acct.idx, name: name, created: created}
	st.inboxes = append(st.inboxes, ib)
	st.inboxByID[id] = ib
	acct.inboxes = append(acct.inboxes, ib.idx)
	return ib
}

func (st *store) addUser(id uuid, username, password, first, last string, accts ...*account) *user {
	u := &user{idx: len(st.users), id: id, username: strings.ToLower(username), password: password, first: first, last: last}
	for _, a := range accts {
		u.accounts = append(u.accounts, a.idx)
	}
	slices.Sort(u.accounts)
	st.users = append(st.users, u)
	st.userByID[id] = u
	st.userByName[u.username] = u
	return u
}

// finishUsers sizes every user's visibility table once the accounts exist.
func (st *store) finishUsers() {
	for _, u := range st.users {
		u.visible = make([]bool, len(st.accounts))
		for _, a := range u.accounts {
			u.visible[a] = true
		}
	}
}

func (st *store) addTeam(id uuid, name, desc string, accts []*account, users []*user) *team {
	t := &team{idx: len(st.teams), id: id, name: name, description: desc}
	for _, a := range accts {
		t.accounts = append(t.accounts, a.idx)
	}
	for _, u := range users {
		t.users = append(t.users, u.idx)
	}
	st.teams = append(st.teams, t)
	st.teamByID[id] = t
	return t
}

// usersOf lists the users linked to an account.
func (st *store) usersOf(acct int) []int {
	var out []int
	for _, u := range st.users {
		if u.sees(acct) {
			out = append(out, u.idx)
		}
	}
	return out
}

// teamsFor lists the teams a conversation of acct may be assigned to.
func (st *store) teamsFor(acct int) []int {
	var out []int
	for _, t := range st.teams {
		if t.linked(acct) {
			out = append(out, t.idx)
		}
	}
	return out
}

// --- contacts ---

// putContact registers a new contact (bulk seeding appends unsorted and
// calls sortContacts afterwards; live creation passes sorted=true).
func (st *store) putContact(c *contact, sorted bool) {
	c.conv = -1
	c.neverReads = neverReadsFor(c.id)
	if c.tags == nil {
		c.tags = []string{}
	}
	if sorted {
		st.contacts = insertSorted(st.contacts, c, cmpContacts)
	} else {
		st.contacts = append(st.contacts, c)
	}
	st.contactByID[c.id] = c
	st.contactByNumber[numberKey{c.account, c.mobile}] = c
}

func (st *store) sortContacts() { slices.SortFunc(st.contacts, cmpContacts) }

// --- conversations ---

// conversationFor returns the contact's conversation, creating it (in the
// inbox folder, unassigned) when the contact has none.
func (st *store) conversationFor(c *contact, created time.Time) *conversation {
	if c.conv >= 0 {
		return st.convs[c.conv]
	}
	acct := st.accounts[c.account]
	ib := acct.inboxes[0]
	if len(acct.inboxes) > 1 {
		// Accounts with several inboxes split their conversations between them.
		n := 0
		for _, cv := range st.convs {
			if cv.account == acct.idx {
				n++
			}
		}
		ib = acct.inboxes[n%len(acct.inboxes)]
	}
	return st.newConversation(st.newID(), c, ib, created)
}

func (st *store) newConversation(id uuid, c *contact, inboxIdx int, created time.Time) *conversation {
	cv := &conversation{
		idx:     int32(len(st.convs)),
		id:      id,
		account: c.account,
		inbox:   inboxIdx,
		contact: c,
		user:    -1,
		team:    -1,
		created: created,
	}
	st.convs = append(st.convs, cv)
	st.convByID[id] = cv.idx
	c.conv = cv.idx
	return cv
}

// --- messages ---

// appendMessage adds a message during bulk seeding; reindex must follow.
func (st *store) appendMessage(m message) {
	st.msgs = append(st.msgs, m)
}

// reindex sorts the seeded messages physically by (at, id) and rebuilds
// every index: order, id map, per-conversation lists and last-inbound times.
func (st *store) reindex() {
	slices.SortFunc(st.msgs, func(a, b message) int { return cmpMessages(&a, &b) })
	n := len(st.msgs)
	st.order = make([]int32, n)
	st.msgByID = make(map[uuid]int32, n)
	counts := make([]int32, len(st.convs))
	for i := range st.msgs {
		st.order[i] = int32(i)
		counts[st.msgs[i].conv]++
	}
	// One backing array for all per-conversation lists; each sub-slice is
	// capped so that a later append copies instead of overwriting a neighbour.
	backing := make([]int32, n)
	off := 0
	for i, cv := range st.convs {
		c := int(counts[i])
		cv.msgs = backing[off : off : off+c]
		off += c
		cv.lastInbound = 0
	}
	st.byAcct = make([][]int32, len(st.accounts))
	st.byInbox = make([][]int32, len(st.inboxes))
	acctCount := make([]int, len(st.accounts))
	inboxCount := make([]int, len(st.inboxes))
	for i := range st.msgs {
		acctCount[st.msgs[i].account]++
		inboxCount[st.msgs[i].inbox]++
	}
	for a, n := range acctCount {
		st.byAcct[a] = make([]int32, 0, n)
	}
	for ib, n := range inboxCount {
		st.byInbox[ib] = make([]int32, 0, n)
	}
	for i := range st.msgs {
		m := &st.msgs[i]
		st.msgByID[m.id] = int32(i)
		cv := st.convs[m.conv]
		cv.msgs = append(cv.msgs, int32(i))
		st.byAcct[m.account] = append(st.byAcct[m.account], int32(i))
		st.byInbox[m.inbox] = append(st.byInbox[m.inbox], int32(i))
		if !m.outgoing() {
			cv.lastInbound = m.at
		}
	}
	for _, cv := range st.convs {
		if len(cv.msgs) > 0 {
			first := fromMicros(st.msgs[cv.msgs[0]].at)
			if cv.created.IsZero() || first.Before(cv.created) {
				cv.created = first
			}
		}
	}
}

// insertMessage adds a live message, keeping every index in order.
func (st *store) insertMessage(m message) int32 {
	idx := int32(len(st.msgs))
	st.msgs = append(st.msgs, m)
	st.msgByID[m.id] = idx
	mp := &st.msgs[idx]
	st.order = insertIndex(st.msgs, st.order, idx, mp)
	st.byAcct[m.account] = insertIndex(st.msgs, st.byAcct[m.account], idx, mp)
	st.byInbox[m.inbox] = insertIndex(st.msgs, st.byInbox[m.inbox], idx, mp)
	cv := st.convs[m.conv]
	cv.msgs = insertIndex(st.msgs, cv.msgs, idx, mp)
	if !m.outgoing() && m.at > cv.lastInbound {
		cv.lastInbound = m.at
	}
	return idx
}

func insertIndex(msgs []message, list []int32, idx int32, m *message) []int32 {
	n := len(list)
	if n == 0 || cmpMessages(&msgs[list[n-1]], m) < 0 {
		return append(list, idx)
	}
	i := sort.Search(n, func(i int) bool { return cmpMessages(&msgs[list[i]], m) > 0 })
	return slices.Insert(list, i, idx)
}

// lowerBound returns the first position in list whose message is at or
// after us.
func (st *store) lowerBound(list []int32, us int64) int {
	return sort.Search(len(list), func(i int) bool { return st.msgs[list[i]].at >= us })
}

// lowerBoundKey returns the first position in list whose message sorts at
// or after m.
func (st *store) lowerBoundKey(list []int32, m *message) int {
	return sort.Search(len(list), func(i int) bool { return cmpMessages(&st.msgs[list[i]], m) >= 0 })
}

// messageStatus derives an outgoing message's status from the clock: no
// goroutine per message, nothing stored.
func (st *store) messageStatus(m *message, now int64) (status string, sent, delivered, read bool) {
	if !m.outgoing() {
		// Inbound messages reached us: reported as delivered, not read.
		return statusDelivered, true, true, false
	}
	if m.flags&flagFailed != 0 {
		return statusFailed, false, false, false
	}
	age := now - m.at
	step := st.statusStep
	switch {
	case age < step:
		return statusPending, false, false, false
	case age < 2*step:
		return statusSent, true, false, false
	case age < 3*step || (st.convs[m.conv].contact.neverReads && !st.everyoneReads):
		return statusDelivered, true, true, false
	default:
		return statusRead, true, true, true
	}
}

// newLiveMessage creates a message now in a contact's conversation.
func (st *store) newLiveMessage(c *contact, at time.Time, body string, sender int, flags uint8) (*conversation, int32) {
	cv := st.conversationFor(c, at)
	m := message{
		id:      st.newID(),
		at:      toMicros(at),
		body:    body,
		conv:    cv.idx,
		sender:  int16(sender),
		account: uint16(cv.account),
		inbox:   uint16(cv.inbox),
		flags:   flags,
	}
	return cv, st.insertMessage(m)
}

// receive records an inbound message; an archived conversation comes back
// to the inbox, a spam one stays in spam.
func (st *store) receive(c *contact, at time.Time, body string) *message {
	cv, idx := st.newLiveMessage(c, at, body, -1, 0)
	if cv.folder == folderArchive {
		cv.folder = folderInbox
	}
	return &st.msgs[idx]
}

// materialize queues the broadcasts whose delay has passed: their template
// message appears in the conversation at the moment they were queued.
func (st *store) materialize(now time.Time) {
	if st.pending.Load() == 0 {
		return
	}
	for _, b := range st.broadcasts {
		if b.queued || b.queueAt.After(now) {
			continue
		}
		st.queueBroadcast(b)
	}
}

func (st *store) queueBroadcast(b *broadcast) {
	_, idx := st.newLiveMessage(b.contact, b.queueAt, b.text, b.sender, flagOutgoing|flagTemplate)
	b.queued = true
	b.msg = st.msgs[idx].id
	st.pending.Add(-1)
}
