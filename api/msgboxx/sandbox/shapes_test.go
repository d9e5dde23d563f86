package sandbox

import (
	"net/http"
	"regexp"
	"testing"
	"time"
)

var (
	messageKeys = []string{"messageId", "bodyText", "apiAccountId", "dateTime", "conversationId", "fileLocation",
		"messageDirection", "isTemplateMessage", "isSent", "isDelivered", "isRead", "contact",
		"senderFirstName", "senderLastName", "status"}
	messageContactKeys = []string{"contactId", "mobileNumber", "name", "status", "apiAccountId"}
	contactKeys        = []string{"contactId", "mobileNumber", "name", "status", "email", "apiAccountId", "datetime", "tags"}
	broadcastKeys      = []string{"broadcastId", "apiAccountId", "contactId", "messageId", "message", "status", "dateTime"}
	templateKeys       = []string{"templateId", "apiAccountId", "status", "name", "templateText", "templateExample", "dateTime"}
	webhookKeys        = []string{"webhookId", "type", "targetUrl", "isEnabled", "failureCount", "isZapier"}
	uuidRE             = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	entityTimeRE       = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	messageTimeRE      = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?\+00:00$`)
)

func expectPaging(t *testing.T, p map[string]any, count, pages int) {
	t.Helper()
	expectKeys(t, "paging", p, "recordCount", "pages")
	if int(p["recordCount"].(float64)) != count || int(p["pages"].(float64)) != pages {
		t.Fatalf("paging %v, want recordCount %d pages %d", p, count, pages)
	}
}

func TestShapes(t *testing.T) {
	h := newHarness(t, Config{})

	t.Run("apiaccount", func(t *testing.T) {
		items, p := h.get("/apiaccount").items()
		expectPaging(t, p, 2, 1)
		for _, a := range items {
			expectKeys(t, "apiaccount", a, "apiAccountId", "phoneNumber", "name", "datetime")
			if !entityTimeRE.MatchString(a["datetime"].(string)) {
				t.Errorf("datetime %v", a["datetime"])
			}
		}
		one := h.get("/apiaccount/" + idHeadOffice).obj()
		expectKeys(t, "apiaccount", one, "apiAccountId", "phoneNumber", "name", "datetime")
		if one["name"] != "Head Office" {
			t.Errorf("name %v", one["name"])
		}
	})

	t.Run("inbox", func(t *testing.T) {
		items, p := h.get("/inbox").items()
		expectPaging(t, p, 3, 1)
		for _, ib := range items {
			expectKeys(t, "inbox list item", ib, "inboxId", "apiAccountId", "name", "dateTime")
		}
		id := items[0]["inboxId"].(string)
		for _, path := range []string{"/inbox/" + id, "/inboxes/" + id} {
			one := h.get(path).obj()
			expectKeys(t, "inbox", one, "inboxId", "name", "apiAccountId", "datetime")
		}
	})

	t.Run("contact", func(t *testing.T) {
		items, _ := h.get("/contact").items()
		if len(items) != 100 {
			t.Fatalf("%d contacts on page 1", len(items))
		}
		for _, c := range items {
			expectKeys(t, "contact", c, contactKeys...)
			if _, ok := c["tags"].([]any); !ok {
				t.Fatalf("tags not an array: %v", c["tags"])
			}
			if !uuidRE.MatchString(c["contactId"].(string)) {
				t.Errorf("contactId %v", c["contactId"])
			}
		}
		one := h.get("/contact/" + idTestCust).obj()
		expectKeys(t, "contact", one, contactKeys...)
		if one["mobileNumber"] != "+447902111123" || one["name"] != "Test Customer" {
			t.Errorf("Test Customer: %v", one)
		}
	})

	t.Run("message", func(t *testing.T) {
		items, _ := h.get("/message").items()
		if len(items) == 0 {
			t.Fatal("no messages in the last 24 hours")
		}
		dirs := map[string]bool{}
		for _, m := range items {
			expectKeys(t, "message", m, messageKeys...)
			expectKeys(t, "message.contact", m["contact"].(map[string]any), messageContactKeys...)
			if !messageTimeRE.MatchString(m["dateTime"].(string)) {
				t.Errorf("message dateTime %v", m["dateTime"])
			}
			dirs[m["messageDirection"].(string)] = true
			if m["messageDirection"] == "incoming" && (m["senderFirstName"] != "" || m["senderLastName"] != "") {
				t.Errorf("inbound message with a sender: %v", m)
			}
		}
		if !dirs["incoming"] || !dirs["outgoing"] || len(dirs) != 2 {
			t.Errorf("directions %v", dirs)
		}
		one := h.get("/message/" + idRefMessage).obj()
		expectKeys(t, "message", one, messageKeys...)
		if one["senderFirstName"] != "Alex" || one["senderLastName"] != "Agent" || one["conversationId"] != idRefConv {
			t.Errorf("reference message %v", one)
		}
	})

	t.Run("conversation", func(t *testing.T) {
		one := h.get("/conversation/" + idRefConv).obj()
		expectKeys(t, "conversation", one, "user", "team", "folder")
		expectKeys(t, "conversation.user", one["user"].(map[string]any), "firstName", "lastName", "userId")
		if one["team"] != nil {
			t.Errorf("team and user both set: %v", one)
		}
		// Find a team-assigned one in the snapshot.
		for _, cv := range h.s.Snapshot().Conversations {
			if cv.TeamID != "" && cv.APIAccountID == idHeadOffice {
				one = h.get("/conversation/" + cv.ConversationID).obj()
				expectKeys(t, "conversation.team", one["team"].(map[string]any), "name", "description", "teamId")
				if one["user"] != nil {
					t.Errorf("user and team both set: %v", one)
				}
				return
			}
		}
		t.Error("no team-assigned conversation in Head Office")
	})

	t.Run("broadcast", func(t *testing.T) {
		items, _ := h.get("/broadcast").items()
		if len(items) == 0 {
			t.Fatal("no broadcasts")
		}
		for _, b := range items {
			expectKeys(t, "broadcast", b, broadcastKeys...)
			if !entityTimeRE.MatchString(b["dateTime"].(string)) {
				t.Errorf("broadcast dateTime %v", b["dateTime"])
			}
		}
		one := h.get("/broadcast/84ca7cae-b7aa-47da-bafa-b9bb4acd2c7e").obj()
		expectKeys(t, "broadcast", one, broadcastKeys...)
		if one["contactId"] != idMissCust || one["message"] != "Hi Jack, thanks for the conversation earlier about the 2 bedroom house in Swindon lets catch up soon." {
			t.Errorf("reference broadcast %v", one)
		}
	})

	t.Run("template", func(t *testing.T) {
		items, _ := h.get("/template").items()
		statuses := map[string]bool{}
		for _, tp := range items {
			expectKeys(t, "template", tp, templateKeys...)
			statuses[tp["status"].(string)] = true
		}
		if len(statuses) != 3 {
			t.Errorf("template statuses %v", statuses)
		}
		one := h.get("/template/" + idFollowUpHO).obj()
		expectKeys(t, "template", one, templateKeys...)
		if one["templateExample"] != "Hi [John], thanks for the conversation earlier about [the 2 bedroom house you are interested in,] lets catch up soon." {
			t.Errorf("follow_up example %v", one["templateExample"])
		}
	})

	t.Run("team", func(t *testing.T) {
		teams := h.get("/team").arr()
		if len(teams) != 4 {
			t.Fatalf("%d teams", len(teams))
		}
		global := 0
		for _, x := range teams {
			tm := x.(map[string]any)
			expectKeys(t, "team", tm, "name", "description", "teamId", "apiAccounts", "users")
			accts := tm["apiAccounts"].([]any)
			if len(accts) == 0 {
				global++
			}
			for _, a := range accts {
				expectKeys(t, "team.apiAccounts", a.(map[string]any), "name", "apiAccountid")
			}
			for _, u := range tm["users"].([]any) {
				expectKeys(t, "team.users", u.(map[string]any), "firstName", "lastName", "userId")
			}
		}
		if global != 1 {
			t.Errorf("%d global teams", global)
		}
	})

	t.Run("user", func(t *testing.T) {
		entries := h.get("/user").arr()
		// 5 reference users with one account each, agent 2, supervisor 3.
		if len(entries) != 10 {
			t.Fatalf("%d /user entries", len(entries))
		}
		for _, x := range entries {
			e := x.(map[string]any)
			expectKeys(t, "user entry", e, "user", "apiAccount")
			expectKeys(t, "user", e["user"].(map[string]any), "firstName", "lastName", "userId")
			expectKeys(t, "apiAccount", e["apiAccount"].(map[string]any), "name", "apiAccountid")
		}
	})

	t.Run("webhook", func(t *testing.T) {
		for _, path := range []string{"/webhook", "/webhooks"} {
			items, p := h.get(path).items()
			expectPaging(t, p, 2, 1)
			for _, w := range items {
				expectKeys(t, "webhook", w, webhookKeys...)
			}
		}
		one := h.get("/webhook/dab932d2-c490-48de-96a4-f76848241597").obj()
		expectKeys(t, "webhook", one, webhookKeys...)
		if one["isZapier"] != true || one["type"] != "contact" {
			t.Errorf("zapier webhook %v", one)
		}
	})
}

func TestMessageTimeFormat(t *testing.T) {
	cases := map[int64]string{
		time.Date(2024, 4, 30, 14, 3, 25, 63590000, time.UTC).UnixMicro(): "2024-04-30T14:03:25.06359+00:00",
		time.Date(2024, 4, 30, 14, 3, 25, 0, time.UTC).UnixMicro():        "2024-04-30T14:03:25+00:00",
		time.Date(2024, 4, 30, 14, 3, 25, 1000, time.UTC).UnixMicro():     "2024-04-30T14:03:25.000001+00:00",
	}
	for us, want := range cases {
		if got := messageTime(us); got != want {
			t.Errorf("messageTime = %s, want %s", got, want)
		}
	}
	if got := entityTime(time.Date(2022, 7, 5, 20, 9, 58, 341000000, time.UTC)); got != "2022-07-05T20:09:58.341Z" {
		t.Errorf("entityTime = %s", got)
	}
}

func TestEmptyListsAreArrays(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	for _, path := range []string{"/contact", "/message", "/broadcast", "/template?name=nothing"} {
		r := h.get(path)
		expectStatus(t, r, http.StatusOK)
		items, p := r.items()
		if len(items) != 0 {
			t.Errorf("%s: %d items", path, len(items))
		}
		expectPaging(t, p, 0, 0)
	}
}
