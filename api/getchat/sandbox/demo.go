package sandbox

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The demo's story chats, fixed whatever the seed, for tests and demos.
const (
	ChatOpenRegular = "447700900101" // Olivia Open: open window, assigned to robin (Support), 2 unread, tagged VIP
	ChatOpenAdmin   = "447700900102" // Priya Patel: open window, assigned to alex
	ChatUnassigned  = "447700900103" // Uma Unassigned: open window, nobody assigned, 1 unread
	ChatClosingSoon = "447700900104" // Carl Closing: window closes in about an hour, assigned to robin
	ChatClosed      = "447700900105" // Chloe Closed: window closed three days ago, assigned to robin
	ChatImage       = "447700900106" // Ian Image: open, the last inbound message is a PNG with a caption
	ChatResolved    = "447700900107" // Rita Resolved: resolved, window closed
	ChatUnreachable = "447700900108" // Ulla Unreachable: open, every outgoing message fails
	ChatNeverWrote  = "447700900109" // Nina New: only a template sent, the customer never wrote
)

const day = 24 * 60 * 60

func token(seed int64, username string) string {
	sum := sha1.Sum([]byte(strconv.FormatInt(seed, 10) + "/" + username))
	return hex.EncodeToString(sum[:])
}

// seedSkeleton creates what exists even with Config.Empty: users, groups,
// tags, templates and saved responses.
func seedSkeleton(st *store, now time.Time, cfg Config) {
	mk := func(username, first, last, role, write string) *user {
		return st.addUser(&user{
			username: username, password: "demo-" + username + "-pass", first: first, last: last,
			email: username + "@demo.mbx", role: role, token: token(cfg.Seed, username), available: true,
			canReadChats: "all", canWrite: write,
		})
	}
	alex := mk(DemoUsername, "Alex", "Agent", "admin", "all")
	robin := mk(RegularUsername, "Robin", "Regular", "user", "user")
	sam := mk(SupervisorUsername, "Sam", "Supervisor", "admin", "all")
	mk(AppUsername, "Inbox", "Bot", "app", "all")
	mallory := mk("mallory", "Mallory", "\x1b[2J\x1b[HMischief\u202e", "user", "user")
	st.addGroup("Support", alex, robin, mallory)
	st.addGroup("Sales", robin, sam)
	st.addGroup("Admin", alex, sam)
	st.addGroup("Night \u202etfihS\u202c \x1b[5mshift\x1b[0m", sam, mallory)

	st.addTag("VIP", "#e53935")
	st.addTag("Order issue", "#fb8c00")
	st.addTag("Follow-up", "#1e88e5")
	st.addTag("Agent needed", "#8e24aa")
	st.addTag("\x1b[5;31mURGENT\x1b[0m", "#ff0000\x1b[0m")
	st.addTag("\u202egat-desrever", "#00897b")
	st.addTag("paid \x1b]8;;http://evil.example\x07link\x1b]8;;\x07", "#43a047")
	st.addTag("C1 \u009b31mred\u009b0m", "#6d4c41")

	st.templates = []*tmpl{
		{name: "order_update", category: "SHIPPING_UPDATE", language: "en", status: "approved", components: []tmplComponent{
			{typ: "HEADER", format: "TEXT", text: "Order update"},
			{typ: "BODY", text: "Hi {{1}}, your order {{2}} has shipped and should arrive by {{3}}."},
			{typ: "FOOTER", text: "Reply STOP to opt out"},
		}},
		{name: "appointment_reminder", category: "APPOINTMENT_UPDATE", language: "en_GB", status: "approved", components: []tmplComponent{
			{typ: "HEADER", format: "TEXT", text: "Reminder for {{customer_name}}"},
			{typ: "BODY", text: "Hello {{customer_name}}, this is a reminder of your appointment on {{date}} at {{time}}."},
			{typ: "FOOTER", text: "Wabbit Clinic · reply to reschedule"},
			{typ: "BUTTONS", buttons: []string{"Confirm", "Reschedule"}},
		}},
		{name: "welcome", category: "ISSUE_RESOLUTION", language: "en", status: "approved", components: []tmplComponent{
			{typ: "BODY", text: "Hello! Thanks for contacting us. How can we help today?"},
		}},
		{name: "follow_up", category: "ISSUE_RESOLUTION", language: "en", status: "approved", components: []tmplComponent{
			{typ: "HEADER", format: "TEXT", text: "Following up"},
			{typ: "BODY", text: "Hi {{1}}, we're following up on your request. Reply to this message to continue the conversation."},
			{typ: "FOOTER", text: "Wabbit support"},
		}},
		{name: "bienvenida", category: "ISSUE_RESOLUTION", language: "es", status: "approved", components: []tmplComponent{
			{typ: "BODY", text: "Hola {{1}}, ¿en qué podemos ayudarte?"},
		}},
		{name: "winter_sale", category: "MARKETING", language: "en", status: "pending", components: []tmplComponent{
			{typ: "HEADER", format: "TEXT", text: "Winter sale"},
			{typ: "BODY", text: "Hi {{1}}, everything is 20% off until Sunday."},
			{typ: "FOOTER", text: "Reply STOP to opt out"},
		}},
		{name: "account_alert", category: "ACCOUNT_UPDATE", language: "en", status: "rejected", rejected: "INVALID_FORMAT", components: []tmplComponent{
			{typ: "BODY", text: "URGENT!!! Your account {{1}} is blocked, click now"},
		}},
	}

	at := now.Unix() - 30*day
	for i, text := range []string{
		"Thanks for your message! An agent will be with you shortly.",
		"Our opening hours are Monday to Friday, 9:00–17:30.",
		"Could you send us your order number, please?",
		"\x1b]8;;http://evil.example\x07Click here\x1b]8;;\x07 for our FAQ \x1b[31m(saved by someone careless)\x1b[0m",
	} {
		st.saved = append(st.saved, &savedResponse{id: st.nextSaved, text: text, createdBy: 1 + i%3, ts: at + int64(i)*day})
		st.nextSaved++
	}
}

type demoGen struct {
	st   *store
	r    *rand.Rand
	now  int64
	hist int64
	step time.Duration
	// users by username, for readability
	alex, robin, sam *user
}

var (
	customerLines = []string{
		"Hi, where is my order?", "Is the shop open on Saturday?", "Can I change my delivery address?",
		"Thanks, that worked!", "I was charged twice", "Do you ship to Ireland?", "The parcel arrived damaged",
		"Can I speak to a person please", "What's the status of my refund?", "Great service, thank you 🙏",
		"Hallo, ist meine Bestellung unterwegs?", "¿Tienen esta talla en azul?", "Obrigado pela ajuda!",
		"Order 48213 still hasn't arrived", "ok", "👍",
	}
	agentLines = []string{
		"Hi! Let me check that for you.", "Your order left our warehouse this morning.", "Sorry about that — I've raised it with the courier.",
		"Could you send a photo of the damage?", "The refund was issued today; it takes 3–5 working days.",
		"Yes, we ship to Ireland.", "You're welcome! Anything else?", "I've changed the address on your order.",
	}
	firstNames = []string{"Ana", "Ben", "Chen", "Dara", "Elif", "Femi", "Gus", "Hana", "Ivo", "Jade", "Kofi", "Lena", "Mo", "Noor",
		"Omar", "Pia", "Quinn", "Rosa", "Sven", "Tara", "Ugo", "Vera", "Wes", "Xia", "Yara", "Zed"}
	lastNames   = []string{"Souza", "Müller", "García", "Okafor", "Novak", "Kowalski", "Tanaka", "Haddad", "Smith", "Rossi", "Jensen", "Yilmaz"}
	waPrefixes  = []string{"4477009", "4915", "3460", "5511", "4869", "9055", "2348", "3933"}
	hostileFolk = []struct{ name, text string }{
		{"\x1b[1;31mURGENT\x1b[0m Dave", "\x1b[31mRED ALERT\x1b[0m please call me back\x1b[2J\x1b[H"},
		{"Eve \u202egnp.exe", "please open invoice\u202efdp.exe"},
		{"Link \x1b]8;;http://evil.example\x07Larry\x1b]8;;\x07", "\x1b]8;;http://evil\x07click\x1b]8;;\x07 for your payslip \x1b]52;c;cm0gLXJmIH4vKg==\x07"},
		{"C1 \u009b31mCarla\u009b0m", "\u009b31mred via a C1 CSI\u009b0m and a bell\x07"},
		{"Zero\u200bWidth\u200dJoe\ufeff", "log in at pay\u200bpal.com/verify\rpay 999"},
		{"\xff\x1b[33mBroken Bytes", "\xff\x1b[31mbad bytes then colour\ttab"},
		{"👩‍👩‍👧‍👦 Family Ops 🏳️‍🌈", "On my way 🚗💨 👍🏽 🇬🇧🇮🇪🇩🇪🇯🇵"},
		{"田中 太郎", "明日の配達は何時ですか？"},
	}
)

func seedDemo(st *store, now time.Time, cfg Config) {
	g := &demoGen{st: st, r: st.rng, now: now.Unix(), hist: int64(cfg.HistoryDays) * day, step: cfg.StatusStep,
		alex: st.userByID[1], robin: st.userByID[2], sam: st.userByID[3]}
	support, sales := st.groupByID[1], st.groupByID[2]
	tag := func(id int) *tag { return st.tagByID[id] }
	const h, m = 60 * 60, 60

	c := g.chat(ChatOpenRegular, "Olivia Open", 30*m, 6, 2)
	c.user, c.group = g.robin, support
	st.tagChat(c, tag(1), g.now-2*h)
	c = g.chat(ChatOpenAdmin, "Priya Patel", 2*h, 5, 0)
	c.user = g.alex
	c = g.chat(ChatUnassigned, "Uma Unassigned", 45*m, 3, 1)
	c.group = sales
	c = g.chat(ChatClosingSoon, "Carl Closing", 23*h, 4, 0)
	c.user = g.robin
	st.tagChat(c, tag(3), g.now-23*h)
	c = g.chat(ChatClosed, "Chloe Closed", 3*day, 5, 0)
	c.user = g.robin
	c = g.chat(ChatImage, "Ian Image", 25*m, 3, 0)
	c.user = g.alex
	st.tagChat(c, tag(2), g.now-h)
	png := st.addMedia("image/png", "receipt.png", demoPNG())
	img := &message{chat: c, ts: g.now - 20*m, typ: "image", mediaID: png.id, mime: png.mime,
		caption: "the receipt \x1b[31m(red?)\x1b[0m", gid: st.uuid(), wamid: st.wamid(true)}
	st.addMessage(img)
	c.baseMark = img.ts - 1
	c = g.chat(ChatResolved, "Rita Resolved", 2*day, 4, 0)
	c.resolved, c.user = true, g.sam
	c = g.chat(ChatUnreachable, "Ulla Unreachable", 3*h, 0, 0)
	c.fails, c.user = true, g.alex
	g.outgoing(c, g.now-3*h+5*m, "Sorry, we could not reach you by phone.")
	c = st.addChat(&chat{waID: ChatNeverWrote, name: "Nina New", created: g.now - 2*day})
	nm := &message{chat: c, fromUs: true, ts: g.now - 2*day, typ: "template", sender: g.sam, gid: st.uuid(), wamid: st.wamid(false)}
	nm.tmpl = &templateSend{Namespace: namespace, Name: "welcome"}
	nm.tmpl.Language.Code, nm.tmpl.Language.Policy = "en", "deterministic"
	st.schedule(nm, g.step, false)
	st.addMessage(nm)

	for i, hf := range hostileFolk {
		c := g.chat(g.waID(), hf.name, int64(1+i*3)*h, 3, 1)
		last := &message{chat: c, ts: c.lastIn + 1, typ: "text", text: hf.text, gid: st.uuid(), wamid: st.wamid(true)}
		st.addMessage(last)
		st.tagChat(c, tag(5+i%4), c.lastIn)
		if i%2 == 0 {
			c.user = g.robin
		}
	}

	n := 44
	for range n {
		name := firstNames[g.r.IntN(len(firstNames))] + " " + lastNames[g.r.IntN(len(lastNames))]
		var ago int64
		switch k := g.r.IntN(10); {
		case k < 4: // open
			ago = int64(5*m + g.r.IntN(20*h))
		case k < 5: // closing soon: under 2 h left
			ago = int64(22*h + g.r.IntN(110*m))
		default: // closed
			ago = int64(25*h) + g.r.Int64N(max(g.hist-26*h, h))
		}
		unread := 0
		if g.r.IntN(10) < 3 {
			unread = 1 + g.r.IntN(3)
		}
		c := g.chat(g.waID(), name, ago, 2+g.r.IntN(9), unread)
		switch g.r.IntN(6) {
		case 0, 1:
		case 2:
			c.user = g.alex
		case 3:
			c.user = g.robin
		default:
			c.user = g.sam
		}
		if g.r.IntN(2) == 0 {
			c.group = st.groups[g.r.IntN(3)]
		}
		for range g.r.IntN(3) {
			t := st.tags[g.r.IntN(4)]
			if !slices.ContainsFunc(c.tags, func(x *tagging) bool { return x.tag == t }) {
				st.tagChat(c, t, c.lastIn)
			}
		}
		if unread == 0 && (ago > day && g.r.IntN(3) > 0 || g.r.IntN(8) == 0) {
			c.resolved = true
		}
	}
}

func (g *demoGen) waID() string {
	for {
		p := waPrefixes[g.r.IntN(len(waPrefixes))]
		var b strings.Builder
		b.WriteString(p)
		for b.Len() < 12 {
			b.WriteByte(byte('0' + g.r.IntN(10)))
		}
		s := b.String()
		if g.st.chatByID[s] == nil && !strings.HasPrefix(s, "44770090") {
			return s
		}
	}
}

// chat creates a chat whose customer last wrote ago seconds before now,
// with n earlier messages back and forth, the last unread of the
// customer's messages unread, and sometimes our reply after the last.
func (g *demoGen) chat(waID, name string, ago int64, n, unread int) *chat {
	st := g.st
	last := g.now - ago
	start := max(last-g.hist, last-day*3) - int64(g.r.IntN(6*60*60))
	c := st.addChat(&chat{waID: waID, name: name, created: start - day})
	var times []int64
	for range n {
		times = append(times, start+g.r.Int64N(max(last-start, 1)))
	}
	slices.Sort(times)
	inbound := 0
	for i, ts := range times {
		in := i%2 == 0 || g.r.IntN(4) == 0
		if in {
			inbound++
			st.addMessage(&message{chat: c, ts: ts, typ: "text", text: customerLines[g.r.IntN(len(customerLines))], gid: st.uuid(), wamid: st.wamid(true)})
		} else {
			g.outgoing(c, ts, agentLines[g.r.IntN(len(agentLines))])
		}
	}
	if ago > 0 {
		st.addMessage(&message{chat: c, ts: last, typ: "text", text: customerLines[g.r.IntN(len(customerLines))], gid: st.uuid(), wamid: st.wamid(true)})
		c.lastIn = last
	}
	// received marks: everything read but the last `unread` inbound messages
	c.baseMark = g.now
	k := 0
	for i := len(c.msgs) - 1; i >= 0; i-- {
		if c.msgs[i].fromUs {
			continue
		}
		if k == unread {
			c.baseMark = c.msgs[i].ts
			break
		}
		k++
		c.baseMark = c.msgs[i].ts - 1
	}
	// our reply after the customer's last message, for some open chats:
	// its statuses may still be on their way.
	if ago > 0 && unread == 0 && ago < 20*60*60 && g.r.IntN(2) == 0 {
		g.outgoing(c, g.now-g.r.Int64N(ago), agentLines[g.r.IntN(len(agentLines))])
	}
	return c
}

func (g *demoGen) outgoing(c *chat, ts int64, text string) *message {
	senders := []*user{g.alex, g.robin, g.sam}
	m := &message{chat: c, fromUs: true, ts: ts, typ: "text", text: text, sender: senders[g.r.IntN(3)],
		gid: g.st.uuid(), wamid: g.st.wamid(false)}
	g.st.schedule(m, g.step, g.r.IntN(5) > 0)
	g.st.addMessage(m)
	m.announced = m.level(g.now)
	if m.announced < m.finalLevel() {
		g.st.pending = append(g.st.pending, m)
	}
	return m
}

var volumeWords = []string{"order", "delivery", "thanks", "refund", "parcel", "tomorrow", "address", "size", "colour",
	"please", "today", "invoice", "courier", "late", "ok", "great", "sorry", "track", "number", "when"}

// seedVolume adds Config.Conversations chats ("4474" + 8 digits) and
// Config.Messages messages spread over them within HistoryDays, all read,
// with statuses complete.
func seedVolume(st *store, now time.Time, cfg Config) {
	if cfg.Conversations == 0 {
		return
	}
	r := newRand(cfg.Seed, 4)
	end := now.Unix()
	startT := end - int64(cfg.HistoryDays)*day
	chats := make([]*chat, cfg.Conversations)
	for i := range chats {
		chats[i] = st.addChat(&chat{waID: fmt.Sprintf("4474%08d", i), name: fmt.Sprintf("Volume Customer %d", i), created: startT})
	}
	type draft struct {
		c  int
		ts int64
	}
	ds := make([]draft, cfg.Messages)
	for i := range ds {
		ds[i] = draft{r.IntN(len(chats)), startT + r.Int64N(end-startT)}
	}
	slices.SortFunc(ds, func(a, b draft) int { return int(a.ts - b.ts) })
	for i, d := range ds {
		c := chats[d.c]
		in := r.IntN(2) == 0
		text := volumeWords[r.IntN(len(volumeWords))] + " " + volumeWords[r.IntN(len(volumeWords))] + " #" + strconv.Itoa(i)
		m := &message{chat: c, fromUs: !in, ts: d.ts, typ: "text", text: text, gid: st.uuid(), wamid: st.wamid(in)}
		if !in {
			m.sentAt, m.deliveredAt, m.readAt = d.ts, d.ts, d.ts
			m.announced = lvlRead
		}
		st.seq++
		m.seq = st.seq
		c.msgs = append(c.msgs, m)
		st.msgByGID[m.gid] = m
		if in {
			c.lastIn = d.ts
		}
	}
	for _, c := range chats {
		c.baseMark = end
	}
}
