package sandbox

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestVisibility(t *testing.T) {
	h := newHarness(t, Config{})
	snap := h.s.Snapshot()
	var permContact, permConv, permMessage, permBroadcast, permInbox string
	for _, c := range snap.Contacts {
		if c.APIAccountID == idPermanent && c.ConversationID != "" {
			permContact, permConv = c.ContactID, c.ConversationID
			break
		}
	}
	for _, m := range snap.Messages {
		if m.APIAccountID == idPermanent {
			permMessage = m.MessageID
			break
		}
	}
	for _, b := range snap.Broadcasts {
		if b.APIAccountID == idPermanent {
			permBroadcast = b.BroadcastID
			break
		}
	}
	for _, ib := range snap.Inboxes {
		if ib.APIAccountID == idPermanent {
			permInbox = ib.InboxID
		}
	}
	permTemplate := templateID(t, snap, idPermanent, "follow_up")
	if permContact == "" || permMessage == "" || permBroadcast == "" {
		t.Fatal("demo data lacks Permanent records")
	}

	hidden := []string{
		"/apiaccount/" + idPermanent, "/contact/" + permContact, "/message/" + permMessage,
		"/conversation/" + permConv, "/template/" + permTemplate, "/broadcast/" + permBroadcast,
		"/inbox/" + permInbox, "/inboxes/" + permInbox,
	}
	for _, p := range hidden {
		expectError(t, h.get(p), http.StatusNotFound, "not_found")
	}
	expectError(t, h.do("PUT", "/contact/"+permContact, map[string]any{"name": "x", "mobileNumber": "+447902111123"}), http.StatusNotFound, "not_found")
	expectError(t, h.do("PUT", "/conversation/"+permConv, map[string]any{"folder": "archive"}), http.StatusNotFound, "not_found")

	for _, p := range []string{"/contact", "/message", "/broadcast", "/template", "/inbox"} {
		expectError(t, h.get(p+"?apiAccountId="+idPermanent), http.StatusForbidden, "forbidden")
		// Unknown accounts are not distinguished from unlinked ones.
		expectError(t, h.get(p+"?apiAccountId=00000000-0000-4000-8000-000000000000"), http.StatusForbidden, "forbidden")
	}
	writes := []struct {
		path string
		body map[string]any
	}{
		{"/contact", map[string]any{"apiAccountId": idPermanent, "mobileNumber": "+447902111199", "name": "x"}},
		{"/message", map[string]any{"apiAccountId": idPermanent, "contactId": permContact, "message": "hi"}},
		{"/broadcast", map[string]any{"apiAccountId": idPermanent, "contactId": permContact, "templateId": permTemplate, "message": "hi"}},
	}
	for _, w := range writes {
		expectError(t, h.do("POST", w.path, w.body), http.StatusForbidden, "forbidden")
	}

	// Lists never show Permanent records to the agent.
	items, _ := h.get("/apiaccount").items()
	for _, a := range items {
		if a["apiAccountId"] == idPermanent {
			t.Error("agent sees the Permanent api account")
		}
	}
	q := url.Values{"fromDate": {"2000-01-01"}}
	for page := 1; ; page++ {
		q.Set("page", strconv.Itoa(page))
		items, _ := h.get("/message?" + q.Encode()).items()
		if len(items) == 0 {
			break
		}
		for _, m := range items {
			if m["apiAccountId"] == idPermanent {
				t.Fatal("agent sees a Permanent message")
			}
		}
	}

	// The supervisor sees everything; /team and /user are organisation-wide.
	super := h.login(SupervisorUsername, SupervisorPassword)
	for _, p := range hidden {
		expectStatus(t, h.raw("GET", p, super, nil, nil), http.StatusOK)
	}
	if n := len(h.get("/team").arr()); n != 4 {
		t.Errorf("agent sees %d teams", n)
	}
	if n := len(h.get("/user").arr()); n != 10 {
		t.Errorf("agent sees %d user entries", n)
	}
}

func TestPaging(t *testing.T) {
	h := newHarness(t, Config{})
	snap := h.s.Snapshot()
	visible := 0
	for _, c := range snap.Contacts {
		if c.APIAccountID != idPermanent {
			visible++
		}
	}
	pages := (visible + 99) / 100
	seen := map[string]bool{}
	var last string
	for page := 1; page <= pages; page++ {
		items, p := h.get("/contact?page=" + strconv.Itoa(page)).items()
		expectPaging(t, p, visible, pages)
		for _, c := range items {
			id := c["contactId"].(string)
			if seen[id] {
				t.Fatalf("contact %s on two pages", id)
			}
			seen[id] = true
			key := c["datetime"].(string) + id
			if key < last {
				t.Fatalf("contacts out of order: %s after %s", key, last)
			}
			last = key
		}
	}
	if len(seen) != visible {
		t.Fatalf("saw %d contacts, want %d", len(seen), visible)
	}
	// Page 0 and missing are page 1; past the end is empty with the true paging.
	first, _ := h.get("/contact").items()
	zero, _ := h.get("/contact?page=0").items()
	if first[0]["contactId"] != zero[0]["contactId"] {
		t.Error("page=0 is not page 1")
	}
	items, p := h.get("/contact?page=" + strconv.Itoa(pages+1)).items()
	if len(items) != 0 {
		t.Errorf("page past the end has %d items", len(items))
	}
	expectPaging(t, p, visible, pages)
	for _, bad := range []string{"-1", "abc", "1.5"} {
		expectError(t, h.get("/contact?page="+bad), http.StatusBadRequest, "bad_request")
		expectError(t, h.get("/message?page="+bad), http.StatusBadRequest, "bad_request")
	}
	expectStatus(t, h.get("/contact?page=999999999999999999"), http.StatusOK)
}

func TestMessageDateWindow(t *testing.T) {
	h := newHarness(t, Config{})
	now := h.clock.Now()
	snap := h.s.Snapshot()
	count := func(from, to time.Time) int {
		n := 0
		for _, m := range snap.Messages {
			if m.APIAccountID == idPermanent {
				continue
			}
			if !m.DateTime.Before(from) && m.DateTime.Before(to) {
				n++
			}
		}
		return n
	}
	far := now.Add(100 * 365 * 24 * time.Hour)
	old := time.Time{}

	// Default: the last 24 hours.
	items, p := h.get("/message").items()
	if want := count(now.Add(-24*time.Hour), far); int(p["recordCount"].(float64)) != want || want == 0 {
		t.Fatalf("default window: recordCount %v, want %d", p["recordCount"], want)
	}
	for _, m := range items {
		at, err := time.Parse(time.RFC3339Nano, m["dateTime"].(string))
		if err != nil || at.Before(now.Add(-24*time.Hour)) {
			t.Fatalf("message outside the default window: %v", m["dateTime"])
		}
	}

	week := now.Add(-7 * 24 * time.Hour)
	cases := []struct {
		name     string
		query    url.Values
		from, to time.Time
	}{
		{"fromDate RFC3339", url.Values{"fromDate": {week.Format(time.RFC3339)}}, week.Truncate(time.Second), far},
		{"fromDate date only", url.Values{"fromDate": {"2024-04-25"}}, time.Date(2024, 4, 25, 0, 0, 0, 0, time.UTC), far},
		{"fromDate local", url.Values{"fromDate": {"2024-04-29T10:00:00"}}, time.Date(2024, 4, 29, 10, 0, 0, 0, time.UTC), far},
		{"fromDate offset", url.Values{"fromDate": {"2024-04-29T11:00:00+01:00"}}, time.Date(2024, 4, 29, 10, 0, 0, 0, time.UTC), far},
		{"fromDate fraction", url.Values{"fromDate": {"2024-04-29T10:00:00.5Z"}}, time.Date(2024, 4, 29, 10, 0, 0, 5e8, time.UTC), far},
		{"toDate alone is everything before", url.Values{"toDate": {"2024-04-28"}}, old, time.Date(2024, 4, 28, 0, 0, 0, 0, time.UTC)},
		{"both", url.Values{"fromDate": {"2024-04-27"}, "toDate": {"2024-04-28T12:00:00Z"}},
			time.Date(2024, 4, 27, 0, 0, 0, 0, time.UTC), time.Date(2024, 4, 28, 12, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, p := h.get("/message?" + c.query.Encode()).items()
			want := count(c.from, c.to)
			if int(p["recordCount"].(float64)) != want {
				t.Fatalf("recordCount %v, want %d", p["recordCount"], want)
			}
		})
	}
	// A '+' left unencoded arrives as a space and is still understood.
	r := h.get("/message?fromDate=2024-04-29T11:00:00+01:00")
	expectStatus(t, r, http.StatusOK)
	_, p = r.items()
	if int(p["recordCount"].(float64)) != count(time.Date(2024, 4, 29, 10, 0, 0, 0, time.UTC), far) {
		t.Errorf("unencoded + : %v", p)
	}
	for _, bad := range []string{"fromDate=yesterday", "toDate=2024-13-01", "fromDate=2024-04-29&toDate=2024-04-28"} {
		expectError(t, h.get("/message?"+bad), http.StatusBadRequest, "bad_request")
	}
	expectError(t, h.get("/contact?fromDate=nope"), http.StatusBadRequest, "bad_request")

	// Contacts filter on their creation date.
	from := time.Date(2024, 4, 27, 0, 0, 0, 0, time.UTC)
	want := 0
	for _, c := range snap.Contacts {
		if c.APIAccountID != idPermanent && !c.DateTime.Before(from) {
			want++
		}
	}
	_, p = h.get("/contact?fromDate=2024-04-27").items()
	if int(p["recordCount"].(float64)) != want {
		t.Errorf("contacts fromDate: %v, want %d", p["recordCount"], want)
	}
}

func TestMessageOrderAndFilters(t *testing.T) {
	h := newHarness(t, Config{})
	q := "fromDate=2000-01-01"
	var all []map[string]any
	for page := 1; ; page++ {
		items, _ := h.get("/message?" + q + "&page=" + strconv.Itoa(page)).items()
		if len(items) == 0 {
			break
		}
		all = append(all, items...)
	}
	// Exactly the snapshot's visible messages, in the same order.
	var want []string
	for _, m := range h.s.Snapshot().Messages {
		if m.APIAccountID != idPermanent {
			want = append(want, m.MessageID)
		}
	}
	if len(all) != len(want) {
		t.Fatalf("paged %d messages, want %d", len(all), len(want))
	}
	for i := range want {
		if all[i]["messageId"] != want[i] {
			t.Fatalf("message %d: %v, want %s", i, all[i]["messageId"], want[i])
		}
	}
	// Windows inside the history page the same way as the brute force.
	from, to := "2024-04-26T06:00:00Z", "2024-04-28T18:30:00Z"
	var windowWant []string
	for _, m := range h.s.Snapshot().Messages {
		f, _ := time.Parse(time.RFC3339, from)
		e, _ := time.Parse(time.RFC3339, to)
		if m.APIAccountID != idPermanent && !m.DateTime.Before(f) && m.DateTime.Before(e) {
			windowWant = append(windowWant, m.MessageID)
		}
	}
	var windowGot []string
	for page := 1; ; page++ {
		items, _ := h.get("/message?fromDate=" + from + "&toDate=" + to + "&page=" + strconv.Itoa(page)).items()
		if len(items) == 0 {
			break
		}
		for _, m := range items {
			windowGot = append(windowGot, m["messageId"].(string))
		}
	}
	if strings.Join(windowGot, ",") != strings.Join(windowWant, ",") {
		t.Fatalf("windowed paging differs: %d vs %d messages", len(windowGot), len(windowWant))
	}
	var prevT time.Time
	prevID := ""
	for _, m := range all {
		at, _ := time.Parse(time.RFC3339Nano, m["dateTime"].(string))
		id := m["messageId"].(string)
		if at.Before(prevT) || (at.Equal(prevT) && id < prevID) {
			t.Fatalf("messages out of order at %s", id)
		}
		prevT, prevID = at, id
	}

	// Paging forward with fromDate is stable while new messages arrive.
	page1, _ := h.get("/message?" + q).items()
	if _, err := h.s.Receive(idTestCust, "new one"); err != nil {
		t.Fatal(err)
	}
	again, _ := h.get("/message?" + q).items()
	for i := range page1 {
		if page1[i]["messageId"] != again[i]["messageId"] {
			t.Fatal("page 1 changed when a new message arrived")
		}
	}

	// Filters.
	items, _ := h.get("/message?" + q + "&contactId=" + idTestCust).items()
	if len(items) < 4 {
		t.Fatalf("Test Customer has %d messages", len(items))
	}
	for _, m := range items {
		if m["contact"].(map[string]any)["contactId"] != idTestCust || m["conversationId"] != idRefConv {
			t.Fatalf("contactId filter leaked %v", m)
		}
	}
	byConv, _ := h.get("/message?" + q + "&conversationId=" + idRefConv).items()
	if len(byConv) != len(items) {
		t.Errorf("conversationId filter: %d vs %d", len(byConv), len(items))
	}
	none, _ := h.get("/message?" + q + "&conversationId=" + idRefConv + "&contactId=" + idMissCust).items()
	if len(none) != 0 {
		t.Errorf("disagreeing contact and conversation: %d", len(none))
	}
	snap := h.s.Snapshot()
	for _, ib := range snap.Inboxes {
		if ib.APIAccountID == idPermanent {
			_, p := h.get("/message?" + q + "&inboxId=" + ib.InboxID).items()
			if p["recordCount"].(float64) != 0 {
				t.Error("inboxId of an unlinked account matched")
			}
			continue
		}
		want := 0
		for _, m := range snap.Messages {
			if m.InboxID == ib.InboxID {
				want++
			}
		}
		_, p := h.get("/message?" + q + "&inboxId=" + ib.InboxID).items()
		if int(p["recordCount"].(float64)) != want || want == 0 {
			t.Errorf("inbox %s: %v, want %d", ib.Name, p["recordCount"], want)
		}
	}
	acctItems, p := h.get("/message?" + q + "&apiAccountId=" + idContract).items()
	for _, m := range acctItems {
		if m["apiAccountId"] != idContract {
			t.Fatal("apiAccountId filter leaked")
		}
	}
	if p["recordCount"].(float64) == 0 {
		t.Error("no Contract messages")
	}
}

func TestMobileNumberFilter(t *testing.T) {
	h := newHarness(t, Config{})
	for _, v := range []string{"447902111123", "+447902111123", "%2B447902111123"} {
		items, _ := h.get("/contact?apiAccountId=" + idHeadOffice + "&mobileNumber=" + v).items()
		if len(items) != 1 || items[0]["contactId"] != idTestCust {
			t.Errorf("mobileNumber=%s: %v", v, items)
		}
	}
	items, _ := h.get("/contact?mobileNumber=447000000000").items()
	if len(items) != 0 {
		t.Errorf("unknown number matched %d", len(items))
	}
}
