package sandbox

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestSessionWindow(t *testing.T) {
	h := newHarness(t, Config{})
	send := func(contact, acct, text string) response {
		return h.do("POST", "/message", map[string]any{"apiAccountId": acct, "contactId": contact, "message": text})
	}

	// Open window (the reference's Test Customer).
	r := send(idTestCust, idHeadOffice, "Hi John, that sounds good progress, keep me informed please.")
	expectStatus(t, r, http.StatusCreated)
	m := r.obj()
	expectKeys(t, "created message", m, messageKeys...)
	if m["messageDirection"] != "outgoing" || m["status"] != "Pending" || m["isSent"] != false ||
		m["isDelivered"] != false || m["isRead"] != false || m["isTemplateMessage"] != false {
		t.Fatalf("new message %v", m)
	}
	if m["senderFirstName"] != "Alex" || m["senderLastName"] != "Agent" || m["conversationId"] != idRefConv {
		t.Fatalf("new message sender/conversation %v", m)
	}
	if got := h.get("/message/" + m["messageId"].(string)).obj(); got["bodyText"] != m["bodyText"] {
		t.Fatalf("GET after POST: %v", got)
	}

	// Never wrote in (broadcast only): closed, pointing at broadcasts.
	r = send(idMissCust, idHeadOffice, "hello")
	expectError(t, r, http.StatusBadRequest, "window_closed")
	if msg := r.obj()["message"].(string); !strings.Contains(msg, "/broadcast") {
		t.Errorf("window_closed message %q", msg)
	}

	// A window closing within the hour is open now, closed an hour later,
	// and the message says since when.
	var closing string
	now := h.clock.Now()
	for _, cv := range h.s.Snapshot().Conversations {
		if cv.APIAccountID == idHeadOffice && !cv.LastInbound.IsZero() &&
			now.Sub(cv.LastInbound) > 23*time.Hour && now.Sub(cv.LastInbound) < 24*time.Hour {
			closing = cv.ContactID
			break
		}
	}
	if closing == "" {
		t.Fatal("no closing window in the demo data")
	}
	expectStatus(t, send(closing, idHeadOffice, "quick, before it closes"), http.StatusCreated)
	h.clock.Advance(time.Hour)
	r = send(closing, idHeadOffice, "too late")
	expectError(t, r, http.StatusBadRequest, "window_closed")
	if msg := r.obj()["message"].(string); !strings.Contains(msg, "closed at") {
		t.Errorf("window_closed message lacks the time: %q", msg)
	}
	// The customer writes: open again.
	if _, err := h.s.Receive(closing, "still there?"); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, send(closing, idHeadOffice, "yes!"), http.StatusCreated)

	// Validation.
	expectError(t, send(idTestCust, idHeadOffice, ""), http.StatusBadRequest, "bad_request")
	expectError(t, send(idTestCust, idHeadOffice, "   "), http.StatusBadRequest, "bad_request")
	expectStatus(t, send(idTestCust, idHeadOffice, strings.Repeat("é", 4096)), http.StatusCreated)
	expectError(t, send(idTestCust, idHeadOffice, strings.Repeat("é", 4097)), http.StatusBadRequest, "bad_request")
	expectError(t, send(idTestCust, idContract, "wrong account"), http.StatusBadRequest, "bad_request")
	expectError(t, send("00000000-0000-4000-8000-000000000000", idHeadOffice, "x"), http.StatusNotFound, "not_found")
	expectError(t, send("", idHeadOffice, "x"), http.StatusBadRequest, "bad_request")
	expectError(t, send(idTestCust, "", "x"), http.StatusBadRequest, "bad_request")
}

func TestNewContactWindow(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	id := h.createContact(idHeadOffice, "+447902111123", "New Person")
	r := h.do("POST", "/message", map[string]any{"apiAccountId": idHeadOffice, "contactId": id, "message": "hi"})
	expectError(t, r, http.StatusBadRequest, "window_closed")
	if _, err := h.s.Receive(id, "hello?"); err != nil {
		t.Fatal(err)
	}
	r = h.do("POST", "/message", map[string]any{"apiAccountId": idHeadOffice, "contactId": id, "message": "hi"})
	expectStatus(t, r, http.StatusCreated)
	// Exactly 24 hours after the customer's message the window is closed.
	h.clock.Advance(24*time.Hour - time.Microsecond)
	expectStatus(t, h.do("POST", "/message", map[string]any{"apiAccountId": idHeadOffice, "contactId": id, "message": "still"}), http.StatusCreated)
	h.clock.Advance(time.Microsecond)
	expectError(t, h.do("POST", "/message", map[string]any{"apiAccountId": idHeadOffice, "contactId": id, "message": "closed"}), http.StatusBadRequest, "window_closed")
}

func TestStatusProgression(t *testing.T) {
	step := 10 * time.Second
	h := newHarness(t, Config{Empty: true, StatusStep: step})
	// Create contacts until we have a reader and a never-reader.
	var reader, nonReader string
	for i := 0; reader == "" || nonReader == ""; i++ {
		id := h.createContact(idHeadOffice, "+4479021111"+strconv.Itoa(10+i), "C"+strconv.Itoa(i))
		if snapContact(t, h.s.Snapshot(), id).NeverReads {
			nonReader = id
		} else {
			reader = id
		}
	}
	send := func(c string) string {
		if _, err := h.s.Receive(c, "hi"); err != nil {
			t.Fatal(err)
		}
		r := h.do("POST", "/message", map[string]any{"apiAccountId": idHeadOffice, "contactId": c, "message": "reply"})
		expectStatus(t, r, http.StatusCreated)
		return r.obj()["messageId"].(string)
	}
	mr, mn := send(reader), send(nonReader)
	type state struct {
		status                string
		sent, delivered, read bool
	}
	check := func(id string, want state) {
		t.Helper()
		m := h.get("/message/" + id).obj()
		got := state{m["status"].(string), m["isSent"].(bool), m["isDelivered"].(bool), m["isRead"].(bool)}
		if got != want {
			t.Fatalf("message %s: %+v, want %+v", id, got, want)
		}
	}
	pending := state{"Pending", false, false, false}
	sent := state{"Sent", true, false, false}
	delivered := state{"Delivered", true, true, false}
	read := state{"Read", true, true, true}
	check(mr, pending)
	h.clock.Advance(step - time.Microsecond)
	check(mr, pending)
	h.clock.Advance(time.Microsecond)
	check(mr, sent)
	check(mn, sent)
	h.clock.Advance(step)
	check(mr, delivered)
	h.clock.Advance(step)
	check(mr, read)
	check(mn, delivered)
	h.clock.Advance(time.Hour)
	check(mn, delivered)

	// Inbound messages: delivered to us, no sender.
	items, _ := h.get("/message?fromDate=2000-01-01&contactId=" + reader).items()
	incoming := 0
	for _, m := range items {
		if m["messageDirection"] == "incoming" {
			incoming++
			if m["status"] != "Delivered" || m["senderFirstName"] != "" {
				t.Errorf("inbound %v", m)
			}
		}
	}
	if incoming != 1 {
		t.Errorf("%d inbound messages", incoming)
	}
	// Demo data: old outgoing messages are final, a few failed, a few still moving.
	d := newHarness(t, Config{})
	counts := map[string]int{}
	now := d.clock.Now()
	for _, m := range d.s.Snapshot().Messages {
		if m.MessageDirection != "outgoing" {
			continue
		}
		counts[m.Status]++
		if now.Sub(m.DateTime) > time.Minute && (m.Status == "Pending" || m.Status == "Sent") {
			t.Errorf("old message %s still %s", m.MessageID, m.Status)
		}
		sentish := m.Status == "Sent" || m.Status == "Delivered" || m.Status == "Read"
		if (m.Status == "Read") != m.IsRead || sentish != m.IsSent || (m.Status == "Delivered" || m.Status == "Read") != m.IsDelivered {
			t.Errorf("flags disagree with status: %+v", m)
		}
	}
	for _, s := range []string{"Pending", "Sent", "Delivered", "Read", "Failed"} {
		if counts[s] == 0 {
			t.Errorf("no %s outgoing messages in demo data (%v)", s, counts)
		}
	}
}

func TestBroadcasts(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	snap := h.s.Snapshot()
	followUp := templateID(t, snap, idHeadOffice, "follow_up")
	welcome := templateID(t, snap, idHeadOffice, "welcome")
	interview := templateID(t, snap, idHeadOffice, "interview_reminder")
	hours := templateID(t, snap, idHeadOffice, "office_hours")
	pending := templateID(t, snap, idHeadOffice, "job_alert")
	rejected := templateID(t, snap, idHeadOffice, "payment_claim")
	contractFollowUp := templateID(t, snap, idContract, "follow_up")
	contact := h.createContact(idHeadOffice, "+447902111123", "Jack")

	send := func(tmpl, msg string) response {
		return h.do("POST", "/broadcast", map[string]any{"apiAccountId": idHeadOffice, "contactId": contact, "templateId": tmpl, "message": msg})
	}
	fu := func(a, b string) string {
		return "Hi " + a + ", thanks for the conversation earlier about " + b + " lets catch up soon."
	}
	cases := []struct {
		name   string
		tmpl   string
		msg    string
		status int
		code   string
		want   string // substring of the error message
	}{
		{"follow_up", followUp, fu("Jack", "the 2 bedroom house in Swindon"), 201, "", ""},
		{"value with commas", followUp, fu("Jack", "the house, the garden, and more,"), 201, "", ""},
		{"repeated placeholder", welcome, "Hi Priya, welcome to Stitch Recruit! Priya, reply STOP at any time to stop these messages.", 201, "", ""},
		{"repeated placeholder differs", welcome, "Hi Priya, welcome to Stitch Recruit! Raj, reply STOP at any time to stop these messages.", 400, "bad_request", "different values"},
		{"three placeholders", interview, "Hi Sarah, this is a reminder of your interview with Acme on Thursday 14 March at 10:30. Reply YES to confirm or call us to rearrange.", 201, "", ""},
		{"no placeholders", hours, "Our office is open Monday to Friday, 9am to 5:30pm. We will reply as soon as we are back.", 201, "", ""},
		{"no placeholders changed", hours, "Our office is open.", 400, "bad_request", "exactly the template text"},
		{"text changed", followUp, "Hello Jack, thanks for the conversation earlier about x lets catch up soon.", 400, "bad_request", "must start with"},
		{"placeholder left in", followUp, fu("{{1}}", "x") + " extra", 400, "bad_request", "does not match"},
		{"empty value", followUp, fu("", "the house"), 400, "bad_request", "no value"},
		{"blank value", followUp, fu("   ", "the house"), 400, "bad_request", "no value"},
		{"newline", followUp, fu("Jack", "the\nhouse"), 400, "bad_request", "newline"},
		{"tab", followUp, fu("Jack", "the\thouse"), 400, "bad_request", "tab"},
		{"five spaces", followUp, fu("Jack", "the     house"), 400, "bad_request", "4 consecutive spaces"},
		{"four spaces ok", followUp, fu("Jack", "the    house"), 201, "", ""},
		{"pending template", pending, "Hi Tom, a new x role matching your profile has just been posted. Reply INTERESTED for details.", 400, "template_not_approved", "Pending"},
		{"rejected template", rejected, "URGENT Dave!!! Your payment of £5 is waiting, click the link to claim it now", 400, "template_not_approved", "Rejected"},
		{"other account's template", contractFollowUp, fu("Jack", "x"), 400, "bad_request", "belongs to api account"},
		{"unknown template", "00000000-0000-4000-8000-000000000000", fu("Jack", "x"), 404, "not_found", ""},
		{"missing template", "", fu("Jack", "x"), 400, "bad_request", "templateId"},
		{"missing message", followUp, "", 400, "bad_request", "message is required"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := send(c.tmpl, c.msg)
			if c.status == 201 {
				expectStatus(t, r, 201)
				b := r.obj()
				expectKeys(t, "broadcast", b, broadcastKeys...)
				if b["message"] != c.msg || b["status"] != "Pending" {
					t.Fatalf("broadcast %v", b)
				}
				m := h.get("/message/" + b["messageId"].(string)).obj()
				if m["isTemplateMessage"] != true || m["messageDirection"] != "outgoing" || m["senderFirstName"] != "Alex" {
					t.Fatalf("broadcast message %v", m)
				}
				return
			}
			expectError(t, r, c.status, c.code)
			if msg := r.obj()["message"].(string); !strings.Contains(msg, c.want) {
				t.Errorf("message %q lacks %q", msg, c.want)
			}
		})
	}
	// The broadcasts created the conversation but opened no window.
	sc := snapContact(t, h.s.Snapshot(), contact)
	if sc.ConversationID == "" {
		t.Fatal("broadcast created no conversation")
	}
	expectError(t, h.do("POST", "/message", map[string]any{"apiAccountId": idHeadOffice, "contactId": contact, "message": "hi"}),
		http.StatusBadRequest, "window_closed")
	// Listing and filters.
	items, _ := h.get("/broadcast?contactId=" + contact).items()
	if len(items) != 6 {
		t.Errorf("%d broadcasts for the contact", len(items))
	}
	var inbox string
	for _, cv := range h.s.Snapshot().Conversations {
		if cv.ConversationID == sc.ConversationID {
			inbox = cv.InboxID
		}
	}
	items, _ = h.get("/broadcast?inboxId=" + inbox).items()
	if len(items) != 6 {
		t.Errorf("%d broadcasts in the inbox", len(items))
	}
	items, _ = h.get("/broadcast?apiAccountId=" + idContract).items()
	if len(items) != 0 {
		t.Errorf("%d Contract broadcasts", len(items))
	}
}

func TestBroadcastQueueDelay(t *testing.T) {
	h := newHarness(t, Config{Empty: true, BroadcastQueueDelay: 5 * time.Second})
	contact := h.createContact(idHeadOffice, "+447902111123", "Jack")
	text := "Hi Jack, thanks for the conversation earlier about the house lets catch up soon."
	r := h.do("POST", "/broadcast", map[string]any{"apiAccountId": idHeadOffice, "contactId": contact, "templateId": idFollowUpHO, "message": text})
	expectStatus(t, r, http.StatusCreated)
	b := r.obj()
	expectKeys(t, "queued broadcast", b, "broadcastId", "apiAccountId", "contactId", "dateTime")
	id := b["broadcastId"].(string)
	conv := snapContact(t, h.s.Snapshot(), contact).ConversationID
	h.clock.Advance(4 * time.Second)
	expectKeys(t, "queued broadcast", h.get("/broadcast/"+id).obj(), "broadcastId", "apiAccountId", "contactId", "dateTime")
	if n := h.s.CountMessages(conv, text); n != 0 {
		t.Fatalf("message exists before the queue delay: %d", n)
	}
	h.clock.Advance(time.Second)
	got := h.get("/broadcast/" + id).obj()
	expectKeys(t, "broadcast", got, broadcastKeys...)
	if got["message"] != text || got["status"] != "Pending" {
		t.Fatalf("broadcast %v", got)
	}
	if n := h.s.CountMessages(conv, text); n != 1 {
		t.Fatalf("CountMessages = %d", n)
	}
	m := h.get("/message/" + got["messageId"].(string)).obj()
	if m["dateTime"] != messageTime(toMicros(h.clock.Now())) {
		t.Errorf("message dateTime %v, want the queue time", m["dateTime"])
	}
}

func TestConversationUpdate(t *testing.T) {
	h := newHarness(t, Config{})
	put := func(body any) response { return h.do("PUT", "/conversation/"+idRefConv, body) }
	get := func() map[string]any { return h.get("/conversation/" + idRefConv).obj() }

	// The reference's example: userId plus an empty teamId.
	r := put(map[string]any{"userId": idJohnSmith, "teamId": "", "folder": "inbox"})
	expectStatus(t, r, http.StatusOK)
	if len(r.body) != 0 {
		t.Errorf("PUT body %q, want empty", r.body)
	}
	c := get()
	if c["user"].(map[string]any)["userId"] != idJohnSmith || c["team"] != nil {
		t.Fatalf("after assigning a user: %v", c)
	}
	// Only folder: assignment unchanged.
	expectStatus(t, put(map[string]any{"folder": "archive"}), http.StatusOK)
	c = get()
	if c["folder"] != "archive" || c["user"] == nil {
		t.Fatalf("after archiving: %v", c)
	}
	// A team replaces the user.
	expectStatus(t, put(map[string]any{"teamId": idTeamHead}), http.StatusOK)
	c = get()
	if c["team"].(map[string]any)["teamId"] != idTeamHead || c["user"] != nil {
		t.Fatalf("after assigning a team: %v", c)
	}
	// The global team fits any account.
	var global string
	for _, tm := range h.s.Snapshot().Teams {
		if len(tm.APIAccountIDs) == 0 {
			global = tm.TeamID
		}
	}
	expectStatus(t, put(map[string]any{"teamId": global}), http.StatusOK)
	// Empty body object: nothing changes.
	expectStatus(t, put(map[string]any{}), http.StatusOK)
	if get()["team"].(map[string]any)["teamId"] != global {
		t.Fatal("empty PUT changed the conversation")
	}

	bad := []struct {
		name string
		body map[string]any
		want string
	}{
		{"both", map[string]any{"userId": idJohnSmith, "teamId": idTeamHead}, "not both"},
		{"user not linked", map[string]any{"userId": idHelen}, "not linked"},
		{"team not linked", map[string]any{"teamId": idTeamPermie}, "not linked"},
		{"team of another account", map[string]any{"teamId": idTeamContr}, "not linked"},
		{"unknown user", map[string]any{"userId": "00000000-0000-4000-8000-000000000000"}, "not a user"},
		{"unknown team", map[string]any{"teamId": "00000000-0000-4000-8000-000000000000"}, "not a team"},
		{"bad folder", map[string]any{"folder": "trash"}, "inbox, archive or spam"},
		{"malformed id", map[string]any{"userId": "bob"}, "not a valid id"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			r := put(b.body)
			expectError(t, r, http.StatusBadRequest, "bad_request")
			if !strings.Contains(r.obj()["message"].(string), b.want) {
				t.Errorf("message %s lacks %q", r.body, b.want)
			}
		})
	}
	if get()["team"].(map[string]any)["teamId"] != global {
		t.Fatal("a rejected PUT changed the conversation")
	}
	expectError(t, h.do("PUT", "/conversation/00000000-0000-4000-8000-000000000000", map[string]any{}), http.StatusNotFound, "not_found")
}

func TestReceiveFolders(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	a := h.createContact(idHeadOffice, "+447902111123", "Archived")
	b := h.createContact(idHeadOffice, "+447902111124", "Spammer")
	convOf := func(id string) string { return snapContact(t, h.s.Snapshot(), id).ConversationID }
	if convOf(a) != "" {
		t.Fatal("a new contact has a conversation")
	}
	mid, err := h.s.Receive(a, "hello")
	if err != nil || mid == "" {
		t.Fatal(err)
	}
	if _, err := h.s.Receive(b, "buy now"); err != nil {
		t.Fatal(err)
	}
	ca, cb := convOf(a), convOf(b)
	if got := h.get("/conversation/" + ca).obj(); got["folder"] != "inbox" || got["user"] != nil || got["team"] != nil {
		t.Fatalf("new conversation %v", got)
	}
	expectStatus(t, h.do("PUT", "/conversation/"+ca, map[string]any{"folder": "archive"}), http.StatusOK)
	expectStatus(t, h.do("PUT", "/conversation/"+cb, map[string]any{"folder": "spam"}), http.StatusOK)
	if _, err := h.s.Receive(a, "me again"); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.Receive(b, "buy more"); err != nil {
		t.Fatal(err)
	}
	if got := h.get("/conversation/" + ca).obj()["folder"]; got != "inbox" {
		t.Errorf("archived conversation after the customer wrote: %v", got)
	}
	if got := h.get("/conversation/" + cb).obj()["folder"]; got != "spam" {
		t.Errorf("spam conversation after the customer wrote: %v", got)
	}
	if convOf(a) != ca {
		t.Error("a second conversation was created")
	}
	if n := h.s.CountMessages(ca, "me again"); n != 1 {
		t.Errorf("CountMessages = %d", n)
	}
	if _, err := h.s.Receive("00000000-0000-4000-8000-000000000000", "x"); err == nil {
		t.Error("Receive for an unknown contact succeeded")
	}
	if _, err := h.s.Receive(a, ""); err == nil {
		t.Error("Receive of an empty text succeeded")
	}
	// One inbox per account except Head Office, whose conversations split.
	inboxes := map[string]bool{}
	for i := 0; i < 4; i++ {
		id := h.createContact(idHeadOffice, "+4479021112"+strconv.Itoa(10+i), "Split")
		if _, err := h.s.Receive(id, "hi"); err != nil {
			t.Fatal(err)
		}
		for _, cv := range h.s.Snapshot().Conversations {
			if cv.ContactID == id {
				inboxes[cv.InboxID] = true
			}
		}
	}
	if len(inboxes) != 2 {
		t.Errorf("Head Office conversations use %d inboxes", len(inboxes))
	}
}
