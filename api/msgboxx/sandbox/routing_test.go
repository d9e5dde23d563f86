package sandbox

import (
	"net/http"
	"strings"
	"testing"
)

func TestRouting(t *testing.T) {
	h := newHarness(t, Config{Empty: true})

	t.Run("unknown route", func(t *testing.T) {
		for _, p := range []string{"/nope", "/messages", "/inboxes", "/message/x/y"} {
			expectError(t, h.get(p), http.StatusNotFound, "not_found")
		}
	})
	t.Run("method not allowed", func(t *testing.T) {
		cases := []struct{ method, path, allow string }{
			{"DELETE", "/message", "GET, POST"},
			{"GET", "/oauth/token", "POST"},
			{"POST", "/team", "GET"},
			{"PATCH", "/webhook/" + "dab932d2-c490-48de-96a4-f76848241597", "GET, PUT, DELETE"},
		}
		for _, c := range cases {
			r := h.do(c.method, c.path, nil)
			expectError(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
			if got := r.header.Get("Allow"); !strings.HasPrefix(got, c.allow) {
				t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
			}
		}
	})
	t.Run("trailing slash", func(t *testing.T) {
		expectStatus(t, h.get("/apiaccount/"), http.StatusOK)
		expectStatus(t, h.get("/apiaccount/"+idHeadOffice+"/"), http.StatusOK)
		expectStatus(t, h.get("/webhooks/"), http.StatusOK)
	})
	t.Run("bad ids", func(t *testing.T) {
		expectError(t, h.get("/contact/not-a-uuid"), http.StatusBadRequest, "bad_request")
		expectError(t, h.get("/contact/00000000-0000-4000-8000-000000000000"), http.StatusNotFound, "not_found")
		// Upper-case ids are the same id.
		expectStatus(t, h.get("/apiaccount/"+strings.ToUpper(idHeadOffice)), http.StatusOK)
		expectError(t, h.get("/message?contactId=nope"), http.StatusBadRequest, "bad_request")
	})
	t.Run("bodies", func(t *testing.T) {
		r := h.do("POST", "/contact", `{"name": "x",`)
		expectError(t, r, http.StatusBadRequest, "bad_request")
		if !strings.Contains(r.obj()["message"].(string), "not valid JSON") {
			t.Errorf("message %s", r.body)
		}
		r = h.do("POST", "/contact", `{"name": 5}`)
		expectError(t, r, http.StatusBadRequest, "bad_request")
		if !strings.Contains(r.obj()["message"].(string), `"name" must be a JSON string`) {
			t.Errorf("message %s", r.body)
		}
		expectError(t, h.do("POST", "/contact", `[1]`), http.StatusBadRequest, "bad_request")
		expectError(t, h.do("POST", "/contact", ""), http.StatusBadRequest, "bad_request")
		big := `{"name":"` + strings.Repeat("x", 1<<20) + `"}`
		expectError(t, h.do("POST", "/contact", big), http.StatusRequestEntityTooLarge, "payload_too_large")
		// Unknown fields are ignored.
		r = h.do("POST", "/contact", map[string]any{"apiAccountId": idHeadOffice, "mobileNumber": "+447902111123", "name": "A", "shoeSize": 44})
		expectStatus(t, r, http.StatusCreated)
	})
	t.Run("stats", func(t *testing.T) {
		h.s.ResetStats()
		h.get("/message")
		h.get("/message/" + idRefMessage)
		h.get("/message/" + idRefMessage + "/")
		h.do("PUT", "/conversation/"+idRefConv, map[string]string{})
		h.get("/nowhere")
		h.do("DELETE", "/team", nil)
		st := h.s.Stats()
		want := map[string]int{"GET /message": 1, "GET /message/{id}": 2, "PUT /conversation/{id}": 1, "GET *": 1, "DELETE /team": 1}
		for k, v := range want {
			if st.Requests[k] != v {
				t.Errorf("Stats[%q] = %d, want %d (all: %v)", k, st.Requests[k], v, st.Requests)
			}
		}
		if st.Logins != 0 {
			t.Errorf("Logins after reset %d", st.Logins)
		}
		st.Requests["GET /message"] = 99 // a copy
		if h.s.Stats().Requests["GET /message"] != 1 {
			t.Error("Stats is not a copy")
		}
	})
}
