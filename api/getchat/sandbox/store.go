package sandbox

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// The sandbox's data, in memory, guarded by Server.mu. Times are Unix
// seconds: the API's timestamps are whole seconds, and since_time and
// before_time compare seconds.

type user struct {
	id                     int
	username, password     string
	first, last, email     string
	role                   string // admin, user, app
	groups                 []*group
	token                  string
	available              bool
	canReadChats, canWrite string // permissions: all, group, user, none
}

func (u *user) name() string { return strings.TrimSpace(u.first + " " + u.last) }

// writesAnywhere: admins, and apps (integrations and bots), write to any
// chat; a regular user only to chats assigned to them.
func (u *user) writesAnywhere() bool { return u.role == "admin" || u.role == "app" }

type group struct {
	id   int
	name string
}

type tag struct {
	id    int
	name  string
	color string
}

type tagging struct {
	id  int
	tag *tag
	at  int64
}

type chat struct {
	waID     string
	name     string
	lastIn   int64 // the customer's last message (contact.last_message_timestamp); 0 = never wrote
	resolved bool
	user     *user
	group    *group
	tags     []*tagging
	msgs     []*message // ascending by (ts, seq)
	baseMark int64      // received mark for users who have not posted one
	fails    bool       // outgoing messages fail (an unreachable number)
	created  int64
}

func (c *chat) last() *message {
	if len(c.msgs) == 0 {
		return nil
	}
	return c.msgs[len(c.msgs)-1]
}

// lastTS orders the chats list: the time of the chat's last message, any
// direction.
func (c *chat) lastTS() int64 {
	if m := c.last(); m != nil {
		return m.ts
	}
	return c.created
}

type media struct {
	id       string
	mime     string
	filename string
	data     []byte
	sha256   string
}

type message struct {
	gid    string // get.chat's id (UUID)
	wamid  string // WhatsApp's id
	chat   *chat
	fromUs bool
	ts     int64
	seq    int64
	typ    string // text, image, document, video, audio, template
	text   string // text body
	// media messages
	mediaID  string
	mime     string
	caption  string
	filename string
	link     string // an outgoing media message's link as sent
	// template messages: what the client sent, re-encoded
	tmpl   *templateSend
	sender *user
	// outgoing status schedule (Unix seconds; 0 = never)
	sentAt, deliveredAt, readAt, failedAt int64
	announced                             int // highest status level pushed on the websocket
}

// Status levels of an outgoing message.
const (
	lvlAccepted = iota
	lvlSent
	lvlDelivered
	lvlRead
	lvlFailed
)

func (m *message) level(now int64) int {
	switch {
	case m.failedAt != 0 && m.failedAt <= now:
		return lvlFailed
	case m.readAt != 0 && m.readAt <= now:
		return lvlRead
	case m.deliveredAt != 0 && m.deliveredAt <= now:
		return lvlDelivered
	case m.sentAt != 0 && m.sentAt <= now:
		return lvlSent
	}
	return lvlAccepted
}

// finalLevel is the level the message ends at.
func (m *message) finalLevel() int {
	switch {
	case m.failedAt != 0:
		return lvlFailed
	case m.readAt != 0:
		return lvlRead
	case m.deliveredAt != 0:
		return lvlDelivered
	case m.sentAt != 0:
		return lvlSent
	}
	return lvlAccepted
}

func reached(t, now int64) int64 {
	if t != 0 && t <= now {
		return t
	}
	return 0
}

type savedResponse struct {
	id        int
	text      string
	createdBy int
	ts        int64
}

type tmplComponent struct {
	typ     string // HEADER, BODY, FOOTER, BUTTONS
	format  string // header: TEXT
	text    string
	buttons []string
}

type tmpl struct {
	name, category, language, status, rejected string
	components                                 []tmplComponent
}

// store holds everything; Server.mu guards it.
type store struct {
	rng       *rand.Rand
	users     []*user
	userByID  map[int]*user
	groups    []*group
	groupByID map[int]*group
	tags      []*tag
	tagByID   map[int]*tag
	chats     []*chat
	chatByID  map[string]*chat
	msgByGID  map[string]*message
	all       []*message // every message, ascending by (ts, seq)
	templates []*tmpl
	saved     []*savedResponse
	media     map[string]*media
	// marks[userID][waID]: messages at or before it are received by that
	// user; a chat's baseMark stands in for users with no mark.
	marks map[int]map[string]int64

	assignEvents []*assignEvent // ascending by time
	tagEvents    []*tagEvent

	nextTagging, nextSaved, nextTag int
	seq                             int64
	pending                         []*message // outgoing messages whose last status is not yet pushed
}

func newStore(seed int64) *store {
	return &store{
		rng:         newRand(seed, 1),
		userByID:    map[int]*user{},
		groupByID:   map[int]*group{},
		tagByID:     map[int]*tag{},
		chatByID:    map[string]*chat{},
		msgByGID:    map[string]*message{},
		media:       map[string]*media{},
		marks:       map[int]map[string]int64{},
		nextTagging: 1,
		nextSaved:   1,
		nextTag:     1,
	}
}

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15^stream))
}

func (st *store) uuid() string {
	var b [16]byte
	for i := range b {
		b[i] = byte(st.rng.IntN(256))
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

const wamidChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"

// wamid draws a WhatsApp message id in the reference's look: "ABGG…" for
// inbound, "gBGG…" for outgoing.
func (st *store) wamid(inbound bool) string {
	var b strings.Builder
	if inbound {
		b.WriteString("ABGGSFEB")
	} else {
		b.WriteString("gBGGSFEB")
	}
	for range 24 {
		b.WriteByte(wamidChars[st.rng.IntN(len(wamidChars))])
	}
	return b.String()
}

func (st *store) addUser(u *user) *user {
	u.id = len(st.users) + 1
	st.users = append(st.users, u)
	st.userByID[u.id] = u
	return u
}

func (st *store) addGroup(name string, members ...*user) *group {
	g := &group{id: len(st.groups) + 1, name: name}
	st.groups = append(st.groups, g)
	st.groupByID[g.id] = g
	for _, u := range members {
		u.groups = append(u.groups, g)
	}
	return g
}

func (st *store) addTag(name, color string) *tag {
	t := &tag{id: st.nextTag, name: name, color: color}
	st.nextTag++
	st.tags = append(st.tags, t)
	st.tagByID[t.id] = t
	return t
}

func (st *store) addChat(c *chat) *chat {
	st.chats = append(st.chats, c)
	st.chatByID[c.waID] = c
	return c
}

// addMessage appends m to its chat in time order and indexes it.
func (st *store) addMessage(m *message) {
	st.seq++
	m.seq = st.seq
	c := m.chat
	i := len(c.msgs)
	for i > 0 && c.msgs[i-1].ts > m.ts {
		i--
	}
	c.msgs = slices.Insert(c.msgs, i, m)
	j := len(st.all)
	for j > 0 && st.all[j-1].ts > m.ts {
		j--
	}
	st.all = slices.Insert(st.all, j, m)
	st.msgByGID[m.gid] = m
	if !m.fromUs && m.ts > c.lastIn {
		c.lastIn = m.ts
	}
}

func (st *store) tagChat(c *chat, t *tag, at int64) *tagging {
	tg := &tagging{id: st.nextTagging, tag: t, at: at}
	st.nextTagging++
	c.tags = append(c.tags, tg)
	return tg
}

// mark is the received mark of u on c.
func (st *store) mark(u *user, c *chat) int64 {
	if m, ok := st.marks[u.id][c.waID]; ok {
		return m
	}
	return c.baseMark
}

func (st *store) setMark(u *user, c *chat, ts int64) {
	if st.marks[u.id] == nil {
		st.marks[u.id] = map[string]int64{}
	}
	if ts > st.mark(u, c) {
		st.marks[u.id][c.waID] = ts
	}
}

// unread counts the customer's messages after u's mark.
func (st *store) unread(u *user, c *chat) int {
	mk := st.mark(u, c)
	n := 0
	for i := len(c.msgs) - 1; i >= 0 && c.msgs[i].ts > mk; i-- {
		if !c.msgs[i].fromUs {
			n++
		}
	}
	return n
}

// schedule sets an outgoing message's status times from its send time.
func (st *store) schedule(m *message, step time.Duration, reads bool) {
	s := int64(step / time.Second)
	if s < 1 {
		s = 1
	}
	if m.chat.fails {
		m.failedAt = m.ts + s
		return
	}
	m.sentAt = m.ts + s
	m.deliveredAt = m.ts + 2*s
	if reads {
		m.readAt = m.ts + 3*s
	}
}

func msgOrder(a, b *message) int {
	switch {
	case a.ts != b.ts:
		return cmpInt(a.ts, b.ts)
	default:
		return cmpInt(a.seq, b.seq)
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// reindex rebuilds the time index of every message (after bulk seeding).
func (st *store) reindex() {
	st.all = st.all[:0]
	for _, c := range st.chats {
		st.all = append(st.all, c.msgs...)
	}
	slices.SortFunc(st.all, msgOrder)
}

// assignEvent is one change of a chat's assignment (chat_assignment_events/
// and the chat_assignment event).
type assignEvent struct {
	ts                        int64
	chat                      *chat
	userSet                   *user
	groupSet                  *group
	userCleared, groupCleared bool
	by                        *user
}

// tagEvent is a tag added to or removed from a chat.
type tagEvent struct {
	ts     int64
	chat   *chat
	tag    *tag
	action string // added, removed
	by     *user
}

// seedEvents writes the history of the seeded assignments and taggings:
// each assignment made by Sam when the chat began, each tag added by Alex
// when it was.
func (st *store) seedEvents() {
	sam := st.userByID[3]
	alex := st.userByID[1]
	for _, c := range st.chats {
		at := c.created
		if len(c.msgs) > 0 {
			at = c.msgs[0].ts
		}
		if c.user != nil || c.group != nil {
			st.assignEvents = append(st.assignEvents, &assignEvent{ts: at, chat: c, userSet: c.user, groupSet: c.group, by: sam})
		}
		for _, tg := range c.tags {
			st.tagEvents = append(st.tagEvents, &tagEvent{ts: tg.at, chat: c, tag: tg.tag, action: "added", by: alex})
		}
	}
	slices.SortStableFunc(st.assignEvents, func(a, b *assignEvent) int { return cmpInt(a.ts, b.ts) })
	slices.SortStableFunc(st.tagEvents, func(a, b *tagEvent) int { return cmpInt(a.ts, b.ts) })
}
