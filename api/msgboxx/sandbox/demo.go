package sandbox

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"
)

const day = 24 * time.Hour

// seedSkeleton creates what exists even with Config.Empty: the
// organisation's api accounts, inboxes, users, teams, templates and the
// two reference webhooks.
func seedSkeleton(s *Server, now time.Time) {
	st := s.st
	ago := func(d time.Duration) time.Time { return now.Add(-d).Truncate(time.Millisecond) }

	head := st.addAccount(refHeadOffice, "Head Office", "+447777123156", ago(420*day+3*time.Hour))
	contract := st.addAccount(refContract, "Stitch Recruit Contract", "+447723400111", ago(380*day+5*time.Hour))
	permanent := st.addAccount(refPermanent, "Stitch Recruit Permanent", "+447723400222", ago(350*day+2*time.Hour))

	st.addInbox(st.newID(), head, "Head Office", ago(420*day))
	st.addInbox(st.newID(), head, "Head Office Accounts", ago(300*day))
	st.addInbox(st.newID(), contract, "Contract Desk", ago(380*day))
	st.addInbox(st.newID(), permanent, "Permanent Desk", ago(350*day))

	login := func(first, last string) (string, string) {
		slug := strings.ReplaceAll(first+"."+last, " ", "")
		return slug + "@demo.mbx", "demo-" + strings.ReplaceAll(first+"-"+last, " ", "") + "-pass"
	}
	mk := func(id uuid, first, last string, accts ...*account) *user {
		un, pw := login(first, last)
		return st.addUser(id, un, pw, first, last, accts...)
	}
	recruiter := mk(refUserRecruiter, "contract", "recruiter", contract)
	johnSmith := mk(refUserJohnSmith, "john", "smith", head)
	rory := mk(refUserRory, "rory", "mcilroy", head)
	johnJones := mk(st.newID(), "john", "jones", permanent)
	helen := mk(refUserHelen, "helen", "smith", permanent)
	agent := st.addUser(st.newID(), AgentUsername, AgentPassword, "Alex", "Agent", head, contract)
	super := st.addUser(st.newID(), SupervisorUsername, SupervisorPassword, "Sam", "Supervisor", head, contract, permanent)
	st.finishUsers()
	s.agent = agent

	st.addTeam(refTeamContract, "Contract Recruitment", "Handles all contractor engagements",
		[]*account{contract}, []*user{recruiter, agent})
	st.addTeam(refTeamHead, "Head Office", "Accounts, billing, etc",
		[]*account{head}, []*user{johnSmith, rory, agent})
	st.addTeam(refTeamPermie, "Permie Recruitment", "Handles all the permanent side of our recruitment business",
		[]*account{permanent}, []*user{johnJones, helen})
	st.addTeam(st.newID(), "Night Shift", "Covers evenings and weekends across every account",
		nil, []*user{super, helen})

	for ai, a := range st.accounts {
		for ti, ts := range templateSeeds {
			id := st.newID()
			if a == head && ts.name == "follow_up" {
				id = refTemplate
			}
			t := &template{
				id: id, account: a.idx, name: ts.name, text: ts.text, example: ts.example, status: ts.status,
				created: ago(time.Duration(300-40*ai-7*ti)*day + time.Duration(ti)*time.Hour),
			}
			st.templates = append(st.templates, t)
			st.templateByID[t.id] = t
		}
	}
	slices.SortFunc(st.templates, cmpTemplates)

	for _, h := range []*webhook{
		{id: refWebhookZapier, typ: "contact", url: "https://hooks.zapier.com/hooks/standard/11043413/21d7b275de264bf9aee14a52de22a17d/",
			enabled: true, zapier: true, created: ago(200 * day)},
		{id: refWebhookSite, typ: "message", url: "https://webhook.site/7cf42801-b236-4dcd-86f2-24d249de484c",
			enabled: false, created: ago(150 * day)},
	} {
		st.webhooks = append(st.webhooks, h)
		st.webhookByID[h.id] = h
	}
	slices.SortFunc(st.webhooks, cmpWebhooks)
}

// --- demo data ---

const (
	catOpen          = iota // last inbound within the last 22 hours
	catClosing              // last inbound 23–24 hours ago: closes within the hour
	catClosed               // last inbound more than 24 hours ago
	catBroadcastOnly        // the customer never wrote: only template messages
)

type demoGen struct {
	st        *store
	r         *rand.Rand
	now       time.Time
	histStart time.Time
	step      time.Duration
	numbers   map[string]bool
	recent    []*conversation // open conversations that can take Pending/Sent messages
}

func seedDemo(st *store, now time.Time, cfg Config) {
	g := &demoGen{
		st:        st,
		r:         st.rng,
		now:       now,
		histStart: now.Add(-time.Duration(cfg.HistoryDays) * day),
		step:      cfg.StatusStep,
		numbers:   map[string]bool{},
	}
	head, contract, permanent := st.accounts[0], st.accounts[1], st.accounts[2]

	// The reference's two example contacts, in Head Office.
	test := g.contact(refTestCustomer, head.idx, "Test Customer", "+447902111123", "customer@somewhere.com", "Subscribed", []string{})
	miss := g.contact(refMissCustomer, head.idx, "Miss Customer", "+447902875098", "miss@somewhereelse.com", "Subscribed", []string{"customer", "prospect"})
	g.referenceConversations(test, miss)

	// Hostile contacts, split between the two accounts the demo agent sees.
	for i, h := range hostileContacts() {
		acct := head.idx
		if i%2 == 1 {
			acct = contract.idx
		}
		c := g.contact(st.newID(), acct, h.name, g.mobile(countries[0]), "", "Subscribed", []string{"test"})
		g.hostileConversation(c, h)
	}

	// Ordinary contacts.
	for _, plan := range []struct {
		acct  *account
		n     int
		convs int
	}{{head, 140, 128}, {contract, 106, 98}, {permanent, 84, 76}} {
		for i := 0; i < plan.n; i++ {
			ctry := g.country()
			name := ctry.names[g.r.IntN(len(ctry.names))]
			c := g.contact(st.newID(), plan.acct.idx, name, g.mobile(*ctry), g.email(name, ctry), g.contactStatus(), g.tags())
			if i < plan.convs {
				g.conversation(c, ctry, g.category())
			} else {
				c.created = g.between(g.now.Add(-30*day), g.now.Add(-time.Hour))
			}
		}
	}
	g.recentStatuses()
}

func (g *demoGen) between(a, b time.Time) time.Time {
	if !b.After(a) {
		return a
	}
	return a.Add(time.Duration(g.r.Int64N(int64(b.Sub(a))))).Truncate(time.Microsecond)
}

func (g *demoGen) country() *country {
	total := 0
	for i := range countries {
		total += countries[i].weight
	}
	n := g.r.IntN(total)
	for i := range countries {
		if n < countries[i].weight {
			return &countries[i]
		}
		n -= countries[i].weight
	}
	return &countries[0]
}

// mobile draws a valid, unused mobile number of the country.
func (g *demoGen) mobile(c country) string {
	for try := 0; ; try++ {
		var b strings.Builder
		b.WriteString(c.prefixes[g.r.IntN(len(c.prefixes))])
		n := c.digits[try%len(c.digits)]
		for i := 0; i < n; i++ {
			b.WriteByte(byte('0' + g.r.IntN(10)))
		}
		s := b.String()
		if g.numbers[s] || strings.HasPrefix(s, "+4474") { // +4474… is reserved for volume contacts
			continue
		}
		if num, err := phonenumbers.Parse(s, ""); err == nil && phonenumbers.IsValidNumber(num) &&
			phonenumbers.Format(num, phonenumbers.E164) == s {
			g.numbers[s] = true
			return s
		}
	}
}

func (g *demoGen) email(name string, c *country) string {
	if g.r.IntN(10) < 4 {
		return ""
	}
	var local strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z':
			local.WriteRune(r)
		case r == ' ' || r == '-':
			local.WriteByte('.')
		case strings.ContainsRune("áàâä", r):
			local.WriteByte('a')
		case strings.ContainsRune("éèêë", r):
			local.WriteByte('e')
		case strings.ContainsRune("íìîï", r):
			local.WriteByte('i')
		case strings.ContainsRune("óòôöő", r):
			local.WriteByte('o')
		case strings.ContainsRune("úùûü", r):
			local.WriteByte('u')
		case r == 'ß':
			local.WriteString("ss")
		}
	}
	l := strings.Trim(local.String(), ".")
	if len(l) < 3 {
		l = "contact" + strconv.Itoa(g.r.IntN(9000)+1000)
	}
	return l + "@example." + c.emailTLD
}

func (g *demoGen) contactStatus() string {
	switch n := g.r.IntN(100); {
	case n < 75:
		return "Subscribed"
	case n < 93:
		return "Presubscribed"
	default:
		return "Unsubscribed"
	}
}

func (g *demoGen) tags() []string {
	n := g.r.IntN(4)
	out := []string{}
	for i := 0; i < n; i++ {
		t := contactTags[g.r.IntN(len(contactTags))]
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

func (g *demoGen) category() int {
	switch n := g.r.IntN(100); {
	case n < 35:
		return catOpen
	case n < 45:
		return catClosing
	case n < 90:
		return catClosed
	default:
		return catBroadcastOnly
	}
}

func (g *demoGen) contact(id uuid, acct int, name, mobile, email, status string, tags []string) *contact {
	g.numbers[mobile] = true
	c := &contact{id: id, account: acct, mobile: mobile, name: name, status: status, email: email, tags: tags}
	g.st.putContact(c, false)
	return c
}

// newConv opens the contact's conversation with a random inbox (of its
// account), folder and assignee.
func (g *demoGen) newConv(id uuid, c *contact) *conversation {
	acct := g.st.accounts[c.account]
	cv := g.st.newConversation(id, c, acct.inboxes[g.r.IntN(len(acct.inboxes))], time.Time{})
	switch n := g.r.IntN(100); {
	case n < 80:
		cv.folder = folderInbox
	case n < 92:
		cv.folder = folderArchive
	default:
		cv.folder = folderSpam
	}
	switch n := g.r.IntN(100); {
	case n < 40:
		us := g.st.usersOf(c.account)
		cv.user = us[g.r.IntN(len(us))]
	case n < 70:
		ts := g.st.teamsFor(c.account)
		cv.team = ts[g.r.IntN(len(ts))]
	}
	return cv
}

func (g *demoGen) sender(cv *conversation) int {
	if cv.user >= 0 && g.r.IntN(3) > 0 {
		return cv.user
	}
	us := g.st.usersOf(cv.account)
	return us[g.r.IntN(len(us))]
}

func (g *demoGen) add(cv *conversation, id uuid, at time.Time, body string, sender int, flags uint8) message {
	m := message{
		id: id, at: toMicros(at), body: body, conv: cv.idx, sender: int16(sender),
		account: uint16(cv.account), inbox: uint16(cv.inbox), flags: flags,
	}
	g.st.appendMessage(m)
	return m
}

func (g *demoGen) inbound(cv *conversation, at time.Time, body string) {
	g.add(cv, g.st.newID(), at, body, -1, 0)
}

func (g *demoGen) outgoing(cv *conversation, at time.Time, body string) {
	var flags uint8 = flagOutgoing
	if g.now.Sub(at) > time.Hour && g.r.IntN(50) == 0 {
		flags |= flagFailed
	}
	g.add(cv, g.st.newID(), at, body, g.sender(cv), flags)
}

// broadcastTo sends an approved template with placeholders of the
// conversation's account at a past time, recording the broadcast.
func (g *demoGen) broadcastTo(cv *conversation, at time.Time, id uuid, t *template, text string) {
	if t == nil {
		var choices []*template
		for _, x := range g.st.templates {
			if x.account == cv.account && x.status == templateApproved && strings.Contains(x.text, "{{") {
				choices = append(choices, x)
			}
		}
		t = choices[g.r.IntN(len(choices))]
	}
	if text == "" {
		first := strings.Fields(cv.contact.name + " there")[0]
		text = renderTemplate(t.text, map[string]string{
			"1": first,
			"2": pick(g.r, broadcastTopics),
			"3": at.Add(time.Duration(1+g.r.IntN(6)) * day).Format("Monday 2 January at 15:04"),
		})
		if t.name == "interview_reminder" {
			text = renderTemplate(t.text, map[string]string{"1": first, "2": pick(g.r, interviewers), "3": at.Add(2 * day).Format("Monday 2 January at 15:04")})
		}
	}
	sender := g.sender(cv)
	m := g.add(cv, g.st.newID(), at, text, sender, flagOutgoing|flagTemplate)
	b := &broadcast{id: id, account: cv.account, contact: cv.contact, template: t, text: text, sender: sender,
		created: at, queueAt: at, queued: true, msg: m.id}
	g.st.broadcasts = insertSorted(g.st.broadcasts, b, cmpBroadcasts)
	g.st.broadcastByID[b.id] = b
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

func (g *demoGen) firstName(c *contact) string {
	f := strings.Fields(c.name)
	if len(f) == 0 {
		return "there"
	}
	return f[0]
}

func (g *demoGen) outText(c *contact) string {
	return strings.ReplaceAll(pick(g.r, outboundPhrases), "{first}", g.firstName(c))
}

func (g *demoGen) inText(ctry *country) string {
	if ctry != nil && len(ctry.inbound) > 0 && g.r.IntN(10) < 4 {
		return pick(g.r, ctry.inbound)
	}
	return pick(g.r, inboundPhrases)
}

// lastInboundFor places the customer's last message for a category.
func (g *demoGen) lastInboundFor(cat int) time.Time {
	switch cat {
	case catOpen:
		return g.now.Add(-2 * time.Minute).Add(-time.Duration(g.r.Int64N(int64(20 * time.Hour)))).Truncate(time.Microsecond)
	case catClosing:
		return g.now.Add(-23 * time.Hour).Add(-time.Duration(g.r.Int64N(int64(59 * time.Minute)))).Truncate(time.Microsecond)
	default:
		lo := g.histStart.Add(time.Hour)
		hi := g.now.Add(-25 * time.Hour)
		if !hi.After(lo) {
			lo = hi.Add(-2 * time.Hour)
		}
		return g.between(lo, hi)
	}
}

// conversation writes a realistic exchange for a contact.
func (g *demoGen) conversation(c *contact, ctry *country, cat int) {
	cv := g.newConv(g.st.newID(), c)
	if cat == catBroadcastOnly {
		at := g.between(g.histStart.Add(time.Hour), g.now.Add(-26*time.Hour))
		g.broadcastTo(cv, at, g.st.newID(), nil, "")
		if g.r.IntN(3) == 0 {
			g.broadcastTo(cv, at.Add(time.Duration(1+g.r.IntN(20))*time.Hour), g.st.newID(), nil, "")
		}
		c.created = at.Add(-time.Duration(1+g.r.IntN(72)) * time.Hour)
		return
	}
	last := g.lastInboundFor(cat)
	span := last.Sub(g.histStart)
	if span > 72*time.Hour {
		span = 72 * time.Hour
	}
	if span < 10*time.Minute {
		span = 10 * time.Minute
	}
	start := last.Add(-time.Duration(5*int64(time.Minute) + g.r.Int64N(int64(span-5*time.Minute))))
	k := g.r.IntN(13)
	times := make([]time.Time, k)
	for i := range times {
		times[i] = g.between(start, last)
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	c.created = start.Add(-time.Duration(1+g.r.IntN(72)) * time.Hour)

	inbound := g.r.IntN(4) > 0 // how the conversation started
	var lastIn time.Time
	for i, t := range times {
		if i > 0 && g.r.IntN(100) < 65 {
			inbound = !inbound
		}
		switch {
		case inbound:
			g.inbound(cv, t, g.inText(ctry))
			lastIn = t
		case lastIn.IsZero() || t.Sub(lastIn) >= window:
			// Outside a session window only a template can be sent.
			g.broadcastTo(cv, t, g.st.newID(), nil, "")
		default:
			g.outgoing(cv, t, g.outText(c))
		}
	}
	g.inbound(cv, last, g.inText(ctry))
	// Agent replies after the customer's last message.
	replies := 0
	if cat == catOpen {
		replies = g.r.IntN(3)
	} else if g.r.IntN(2) == 0 {
		replies = 1
	}
	t := last
	for i := 0; i < replies; i++ {
		t = t.Add(time.Duration(1+g.r.IntN(30)) * time.Minute)
		if !t.Before(g.now.Add(-time.Minute)) {
			break
		}
		g.outgoing(cv, t, g.outText(c))
	}
	if cat == catOpen && cv.folder == folderInbox && g.now.Sub(last) > 3*g.step+time.Minute {
		g.recent = append(g.recent, cv)
	}
	// A few customers sent a file.
	if g.r.IntN(25) == 0 {
		at := last.Add(-time.Duration(1+g.r.IntN(50)) * time.Second)
		body, name := "Here is my CV", "cv.pdf"
		if cv.contact.id[0]%2 == 1 { // no draw from the generator: the rest of the demo stays as it was
			body, name = "My timesheet for this week", "timesheet.jpg"
		}
		m := g.add(cv, g.st.newID(), at, body, -1, flagHasFile)
		g.st.files[m.id] = filesPath + m.id.String() + "/" + name
	}
}

// referenceConversations reproduces the reference examples: Test Customer
// has an open window and the example session message; Miss Customer only
// ever received the example broadcast.
func (g *demoGen) referenceConversations(test, miss *contact) {
	cv := g.newConv(refConversation, test)
	cv.folder, cv.user, cv.team = folderInbox, g.st.userByName[AgentUsername].idx, -1
	test.created = g.now.Add(-6 * day).Truncate(time.Millisecond)
	g.inbound(cv, g.now.Add(-3*day), "Hi, I'm interested in the office manager role")
	g.outgoing(cv, g.now.Add(-3*day+20*time.Minute), "Hi John, thanks for getting in touch, I'll send the details over.")
	g.inbound(cv, g.now.Add(-2*time.Hour-15*time.Minute), "Just had the second interview, went well I think!")
	g.add(cv, refMessage, g.now.Add(-2*time.Hour).Truncate(time.Microsecond),
		"Hi John, that sounds good progress, keep me informed please.", g.st.userByName[AgentUsername].idx, flagOutgoing)

	mcv := g.newConv(g.st.newID(), miss)
	mcv.folder, mcv.user, mcv.team = folderInbox, -1, -1
	miss.created = g.now.Add(-5 * day).Truncate(time.Millisecond)
	g.broadcastTo(mcv, g.now.Add(-3*day-4*time.Hour).Truncate(time.Microsecond), refBroadcast, g.st.templateByID[refTemplate],
		"Hi Jack, thanks for the conversation earlier about the 2 bedroom house in Swindon lets catch up soon.")
}

func (g *demoGen) hostileConversation(c *contact, h hostileContact) {
	cv := g.newConv(g.st.newID(), c)
	cv.folder = folderInbox
	t := g.now.Add(-time.Duration(3+g.r.IntN(8)) * time.Hour).Truncate(time.Microsecond)
	c.created = t.Add(-day)
	for _, body := range h.inbound {
		g.inbound(cv, t, body)
		t = t.Add(time.Duration(1+g.r.IntN(20)) * time.Minute)
	}
	for _, body := range h.outgoing {
		g.outgoing(cv, t, body)
		t = t.Add(time.Minute)
	}
}

// recentStatuses leaves a few outgoing messages still Pending or Sent.
func (g *demoGen) recentStatuses() {
	for i, cv := range g.recent {
		if i >= 4 {
			break
		}
		at := g.now.Add(-g.step / 2)
		if i%2 == 1 {
			at = g.now.Add(-g.step - g.step/2)
		}
		g.add(cv, g.st.newID(), at.Truncate(time.Microsecond), g.outText(cv.contact), g.sender(cv), flagOutgoing)
	}
}
