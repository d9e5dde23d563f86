package sandbox

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestCreateContact(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	r := h.do("POST", "/contact", map[string]any{"apiAccountId": idHeadOffice, "mobileNumber": "+447902111123", "name": "  Test Customer  ",
		"email": "customer@somewhere.com", "tags": []string{" customer ", "prospect", "customer"}})
	expectStatus(t, r, http.StatusCreated)
	c := r.obj()
	expectKeys(t, "contact", c, contactKeys...)
	if c["status"] != "Presubscribed" || c["name"] != "Test Customer" || c["apiAccountId"] != idHeadOffice {
		t.Fatalf("created %v", c)
	}
	if tags := c["tags"].([]any); len(tags) != 2 || tags[0] != "customer" || tags[1] != "prospect" {
		t.Fatalf("tags %v", tags)
	}
	if got := h.get("/contact/" + c["contactId"].(string)).obj(); got["email"] != "customer@somewhere.com" {
		t.Fatalf("GET after POST %v", got)
	}
	// No tags given: an empty array.
	r = h.do("POST", "/contact", map[string]any{"apiAccountId": idHeadOffice, "mobileNumber": "+14155552671", "name": "US", "status": "subscribed"})
	expectStatus(t, r, http.StatusCreated)
	if tags, ok := r.obj()["tags"].([]any); !ok || len(tags) != 0 || r.obj()["status"] != "Subscribed" {
		t.Fatalf("created %s", r.body)
	}

	// Duplicates: 409 in the same account, fine in another.
	r = h.do("POST", "/contact", map[string]any{"apiAccountId": idHeadOffice, "mobileNumber": "+447902111123", "name": "Again"})
	expectError(t, r, http.StatusConflict, "conflict")
	if !strings.Contains(r.obj()["message"].(string), "Duplicate Contact attempted - contact mobileNumber must be unique per apiAccount") {
		t.Errorf("409 message %s", r.body)
	}
	expectStatus(t, h.do("POST", "/contact", map[string]any{"apiAccountId": idContract, "mobileNumber": "+447902111123", "name": "Other account"}), http.StatusCreated)

	tooMany := make([]string, 21)
	for i := range tooMany {
		tooMany[i] = "t" + strconv.Itoa(i)
	}
	bad := []struct {
		name string
		body map[string]any
		want string
	}{
		{"no plus", map[string]any{"mobileNumber": "447902111124", "name": "x"}, "+447902111123"},
		{"reference example number", map[string]any{"mobileNumber": "+4479051337665", "name": "x"}, "not a valid phone number"},
		{"spaces", map[string]any{"mobileNumber": "+44 7902 111124", "name": "x"}, "E.164"},
		{"trunk zero", map[string]any{"mobileNumber": "+4407902111124", "name": "x"}, "+447902111124"},
		{"too short", map[string]any{"mobileNumber": "+4412", "name": "x"}, "E.164"},
		{"letters", map[string]any{"mobileNumber": "+44790211112a", "name": "x"}, "E.164"},
		{"missing number", map[string]any{"name": "x"}, "mobileNumber is required"},
		{"missing name", map[string]any{"mobileNumber": "+447902111124"}, "name is required"},
		{"blank name", map[string]any{"mobileNumber": "+447902111124", "name": "  "}, "name is required"},
		{"bad status", map[string]any{"mobileNumber": "+447902111124", "name": "x", "status": "Active"}, "Subscribed, Presubscribed or Unsubscribed"},
		{"bad email", map[string]any{"mobileNumber": "+447902111124", "name": "x", "email": "nope"}, "email"},
		{"empty tag", map[string]any{"mobileNumber": "+447902111124", "name": "x", "tags": []string{"a", " "}}, "tags[1]"},
		{"long tag", map[string]any{"mobileNumber": "+447902111124", "name": "x", "tags": []string{strings.Repeat("t", 51)}}, "at most 50"},
		{"too many tags", map[string]any{"mobileNumber": "+447902111124", "name": "x", "tags": tooMany}, "at most 20"},
		{"tags not strings", map[string]any{"mobileNumber": "+447902111124", "name": "x", "tags": []int{1}}, "tags"},
	}
	for _, b := range bad {
		t.Run(b.name, func(t *testing.T) {
			b.body["apiAccountId"] = idHeadOffice
			r := h.do("POST", "/contact", b.body)
			expectError(t, r, http.StatusBadRequest, "bad_request")
			if !strings.Contains(r.obj()["message"].(string), b.want) {
				t.Errorf("message %s lacks %q", r.body, b.want)
			}
		})
	}
	expectError(t, h.do("POST", "/contact", map[string]any{"mobileNumber": "+447902111124", "name": "x"}), http.StatusBadRequest, "bad_request")
	// 50-character tags and 20 tags are fine; international numbers too.
	ok := map[string]any{"apiAccountId": idHeadOffice, "mobileNumber": "+4915112345678", "name": "Jürgen", "tags": append(tooMany[:19], strings.Repeat("é", 50))}
	expectStatus(t, h.do("POST", "/contact", ok), http.StatusCreated)
}

func TestUpdateContact(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	id := h.createContact(idHeadOffice, "+447902111123", "Test Customer")
	other := h.createContact(idHeadOffice, "+447902875098", "Miss Customer")
	put := func(body map[string]any) response { return h.do("PUT", "/contact/"+id, body) }

	// The reference's example body (contactId, apiAccountId and datetime included).
	r := put(map[string]any{"contactId": id, "mobileNumber": "+447902111125", "name": "Renamed", "status": "Subscribed",
		"email": "customer@somewhere.com", "apiAccountId": idHeadOffice, "datetime": "2022-07-05T20:09:58.341Z", "tags": []string{"prospect"}})
	expectStatus(t, r, http.StatusOK)
	c := r.obj()
	expectKeys(t, "contact", c, contactKeys...)
	if c["mobileNumber"] != "+447902111125" || c["name"] != "Renamed" || c["status"] != "Subscribed" || len(c["tags"].([]any)) != 1 {
		t.Fatalf("updated %v", c)
	}
	// The old number is free again; the new one is taken.
	expectStatus(t, h.do("POST", "/contact", map[string]any{"apiAccountId": idHeadOffice, "mobileNumber": "+447902111123", "name": "Reuse"}), http.StatusCreated)
	expectError(t, h.do("POST", "/contact", map[string]any{"apiAccountId": idHeadOffice, "mobileNumber": "+447902111125", "name": "Dup"}), http.StatusConflict, "conflict")

	// Full replacement: email and tags left out are cleared; status left out is kept.
	r = put(map[string]any{"mobileNumber": "+447902111125", "name": "Renamed"})
	expectStatus(t, r, http.StatusOK)
	c = r.obj()
	if c["email"] != "" || len(c["tags"].([]any)) != 0 || c["status"] != "Subscribed" {
		t.Fatalf("after a minimal PUT %v", c)
	}
	expectError(t, put(map[string]any{"mobileNumber": "+447902875098", "name": "x"}), http.StatusConflict, "conflict")
	expectError(t, put(map[string]any{"contactId": other, "mobileNumber": "+447902111125", "name": "x"}), http.StatusBadRequest, "bad_request")
	expectError(t, put(map[string]any{"apiAccountId": idContract, "mobileNumber": "+447902111125", "name": "x"}), http.StatusBadRequest, "bad_request")
	expectError(t, put(map[string]any{"mobileNumber": "+4479051337665", "name": "x"}), http.StatusBadRequest, "bad_request")
	expectError(t, put(map[string]any{"mobileNumber": "+447902111125"}), http.StatusBadRequest, "bad_request")
	expectError(t, h.do("PUT", "/contact/00000000-0000-4000-8000-000000000000", map[string]any{"mobileNumber": "+447902111125", "name": "x"}), http.StatusNotFound, "not_found")
}

func TestWebhooks(t *testing.T) {
	h := newHarness(t, Config{Empty: true})
	var created []string
	for _, path := range []string{"/webhook", "/organisation"} {
		r := h.do("POST", path, map[string]any{"type": "message", "targetUrl": "https://webhook.site/6899463c-c692-4610-a138-5ba069f690bc",
			"isEnabled": true, "isZapier": true, "failureCount": 7, "webhookId": "ignored"})
		expectStatus(t, r, http.StatusCreated)
		w := r.obj()
		expectKeys(t, "webhook", w, webhookKeys...)
		if w["isZapier"] != false || w["failureCount"].(float64) != 0 || w["isEnabled"] != true || w["type"] != "message" {
			t.Fatalf("created %v", w)
		}
		created = append(created, w["webhookId"].(string))
	}
	items, p := h.get("/webhooks").items()
	expectPaging(t, p, 4, 1)
	// Same creation time (the fake clock stood still): ordered by id.
	a, b := items[2]["webhookId"].(string), items[3]["webhookId"].(string)
	if a > b || !(a == created[0] && b == created[1] || a == created[1] && b == created[0]) {
		t.Errorf("webhook order %v", items)
	}
	// isEnabled defaults to false; http is fine on loopback.
	r := h.do("POST", "/webhook", map[string]any{"type": "Template", "targetUrl": "http://127.0.0.1:9000/hook"})
	expectStatus(t, r, http.StatusCreated)
	if w := r.obj(); w["isEnabled"] != false || w["type"] != "template" {
		t.Errorf("created %v", w)
	}
	bad := []map[string]any{
		{"type": "sms", "targetUrl": "https://example.com/x"},
		{"targetUrl": "https://example.com/x"},
		{"type": "message"},
		{"type": "message", "targetUrl": "http://example.com/x"},
		{"type": "message", "targetUrl": "ftp://example.com/x"},
		{"type": "message", "targetUrl": "/relative"},
		{"type": "message", "targetUrl": "https://"},
	}
	for _, b := range bad {
		expectError(t, h.do("POST", "/webhook", b), http.StatusBadRequest, "bad_request")
	}

	// PUT changes only what is sent.
	id := created[0]
	r = h.do("PUT", "/webhook/"+id, map[string]any{"isEnabled": false})
	expectStatus(t, r, http.StatusOK)
	if w := r.obj(); w["isEnabled"] != false || w["type"] != "message" {
		t.Fatalf("after PUT %v", w)
	}
	r = h.do("PUT", "/webhook/"+id, map[string]any{"type": "contact", "targetUrl": "https://hooks.example.com/a", "isEnabled": true})
	expectStatus(t, r, http.StatusOK)
	if w := h.get("/webhook/" + id).obj(); w["type"] != "contact" || w["targetUrl"] != "https://hooks.example.com/a" || w["isEnabled"] != true {
		t.Fatalf("after PUT %v", w)
	}
	expectError(t, h.do("PUT", "/webhook/"+id, map[string]any{"targetUrl": "http://evil.example"}), http.StatusBadRequest, "bad_request")
	if w := h.get("/webhook/" + id).obj(); w["targetUrl"] != "https://hooks.example.com/a" {
		t.Fatal("a rejected PUT changed the webhook")
	}

	// DELETE: 204 with no body, then gone.
	r = h.do("DELETE", "/webhook/"+id, nil)
	expectStatus(t, r, http.StatusNoContent)
	if len(r.body) != 0 {
		t.Errorf("DELETE body %q", r.body)
	}
	expectError(t, h.get("/webhook/"+id), http.StatusNotFound, "not_found")
	expectError(t, h.do("DELETE", "/webhook/"+id, nil), http.StatusNotFound, "not_found")
	expectError(t, h.do("PUT", "/webhook/"+id, map[string]any{"isEnabled": true}), http.StatusNotFound, "not_found")
	// Webhooks are organisation-wide: the supervisor sees the same ones.
	super := h.login(SupervisorUsername, SupervisorPassword)
	_, p = h.raw("GET", "/webhook", super, nil, nil).items()
	expectPaging(t, p, 4, 1)
}
