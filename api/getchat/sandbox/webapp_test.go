package sandbox

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// webClientCalls are the requests the vendor's web inbox (get-chat/web-app)
// made against the sandbox from its login form to a sent text and a reload,
// as recorded by the loopback proxy of the web-app harness (query strings
// as it sends them). Each must be served: a 404 stops the web inbox on its
// loading screen (contacts/) or on its login form (the API root).
var webClientCalls = []struct{ method, path string }{
	{"GET", "/api/v1/"}, // a stored token is checked with the API root
	{"GET", "/api/v1/users/current/"},
	{"GET", "/api/v1/users/?limit=5000"},
	{"GET", "/api/v1/groups/"},
	{"GET", "/api/v1/contacts/?limit=100"},
	{"GET", "/api/v1/saved_responses/"},
	{"GET", "/api/v1/templates/"},
	{"GET", "/api/v1/tags/"},
	{"GET", "/api/v1/whatsapp_accounts/?this_instance=true"},
	{"GET", "/api/v1/settings/profile/photo/"},
	{"GET", "/api/v1/chats/?search=&limit=20"},
	{"GET", "/api/v1/chats/" + ChatOpenAdmin + "/"},
	{"GET", "/api/v1/contacts/" + ChatOpenAdmin + "/"},
	{"GET", "/api/v1/persons/" + ChatOpenAdmin + "/"},
	{"GET", "/api/v1/messages/?wa_id=" + ChatOpenAdmin + "&limit=30&offset=0"},
	{"GET", "/api/v1/messages/?wa_id=" + ChatOpenAdmin + "&limit=30&offset=0&before_time=1796371194"},
	{"GET", "/api/v1/chat_assignment_events/?wa_id=" + ChatOpenAdmin + "&since_time=1796371194"},
	{"GET", "/api/v1/chat_tagging_events/?wa_id=" + ChatOpenAdmin + "&before_time=1796371194"},
}

func TestWebClientCallsServed(t *testing.T) {
	e := newEnv(t, Config{})
	for _, c := range webClientCalls {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			st, data, _ := e.raw(c.method, c.path, e.admin, nil, "")
			if st != http.StatusOK {
				t.Fatalf("%d %s", st, data)
			}
			if !json.Valid(data) && !strings.HasPrefix(string(data), "\x89PNG") {
				t.Fatalf("not JSON: %.80q", data)
			}
		})
	}
}

func TestWebappContacts(t *testing.T) {
	e := newEnv(t, Config{})
	type resolved struct {
		Person *struct {
			WaID        string `json:"wa_id"`
			WabaPayload struct {
				Profile struct{ Name string } `json:"profile"`
			} `json:"waba_payload"`
		} `json:"person"`
		Results []json.RawMessage `json:"contact_provider_results"`
	}
	tests := []struct {
		name, path, token string
		status            int
		person            string // wa_id of the person, "" for null
	}{
		{"known number", "/api/v1/contacts/" + ChatOpenRegular + "/", e.reg, 200, ChatOpenRegular},
		{"with a plus", "/api/v1/contacts/+" + ChatOpenAdmin + "/", e.admin, 200, ChatOpenAdmin},
		{"nobody wrote from it", "/api/v1/contacts/447000000001/", e.admin, 200, ""},
		{"no token", "/api/v1/contacts/" + ChatOpenRegular + "/", "", 403, ""},
		{"no trailing slash", "/api/v1/contacts/" + ChatOpenRegular, e.admin, 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, data, _ := e.raw("GET", tt.path, tt.token, nil, "")
			if st != tt.status {
				t.Fatalf("status %d, want %d: %s", st, tt.status, data)
			}
			if st != 200 {
				return
			}
			var out resolved
			if err := json.Unmarshal(data, &out); err != nil {
				t.Fatal(err)
			}
			if out.Results == nil || len(out.Results) != 0 {
				t.Fatalf("contact_provider_results: %s", data)
			}
			switch {
			case tt.person == "" && out.Person != nil:
				t.Fatalf("person %+v, want null", out.Person)
			case tt.person != "" && (out.Person == nil || out.Person.WaID != tt.person || out.Person.WabaPayload.Profile.Name == ""):
				t.Fatalf("person %s, want %s", data, tt.person)
			}
		})
	}

	t.Run("list", func(t *testing.T) {
		for _, path := range []string{"/api/v1/contacts/", "/api/v1/contacts/?limit=100", "/api/v1/contacts/?search=olivia&pages=x"} {
			var p page
			if st := e.do("GET", path, e.reg, nil, &p); st != 200 || p.Count != 0 || p.Results == nil || p.Next != nil || p.Previous != nil {
				t.Fatalf("%s: %d %+v", path, st, p)
			}
		}
		if st := e.do("GET", "/api/v1/contacts/", "", nil, nil); st != 403 {
			t.Fatalf("no token: %d", st)
		}
	})
}

func TestWebappAPIRoot(t *testing.T) {
	e := newEnv(t, Config{})
	get := func(token, proto string) (int, map[string]string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.srv.URL+"/api/v1/", nil)
		if token != "" {
			req.Header.Set("Authorization", "Token "+token)
		}
		if proto != "" {
			req.Header.Set("X-Forwarded-Proto", proto)
		}
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		var out map[string]string
		_ = json.Unmarshal(data, &out)
		return resp.StatusCode, out
	}
	host := strings.TrimPrefix(e.srv.URL, "http://")
	tests := []struct {
		name, token, proto string
		status             int
		want               map[string]string // name → link; "" means absent
	}{
		// the web inbox reads 403 as "the inbox answers, the token does not"
		{"no token", "", "", 403, nil},
		{"bad token", "nope", "", 403, nil},
		{"admin", e.admin, "", 200, map[string]string{
			"chats":             "http://" + host + "/api/v1/chats/",
			"contacts":          "http://" + host + "/api/v1/contacts/",
			"whatsapp_accounts": "http://" + host + "/api/v1/whatsapp_accounts/",
			"messages":          "http://" + host + "/api/v1/messages/",
			"users/current":     "",
			"chats/{}":          "",
		}},
		{"regular user behind https", e.reg, "https", 200, map[string]string{
			"chats": "https://" + host + "/api/v1/chats/",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, out := get(tt.token, tt.proto)
			if st != tt.status {
				t.Fatalf("status %d, want %d", st, tt.status)
			}
			for k, v := range tt.want {
				if out[k] != v {
					t.Errorf("%s: %q, want %q", k, out[k], v)
				}
			}
		})
	}
	a := newEnv(t, Config{AuthStatus: 401})
	if st, _, h := a.raw("GET", "/api/v1/", "", nil, ""); st != 401 || h.Get("WWW-Authenticate") != "Token" {
		t.Fatalf("AuthStatus 401: %d %q", st, h.Get("WWW-Authenticate"))
	}
}

// The web inbox writes "+" before whatsapp_accounts' phone_number itself
// (the window title reads "+447700900000 - …"), so the number is digits
// only, as wa_id and the websocket's display_phone_number.
func TestWebappWhatsAppAccountNumber(t *testing.T) {
	e := newEnv(t, Config{})
	var p struct {
		Results []struct {
			PhoneNumber  string `json:"phone_number"`
			ThisInstance bool   `json:"this_instance"`
		}
	}
	if st := e.do("GET", "/api/v1/whatsapp_accounts/?this_instance=true", e.reg, nil, &p); st != 200 || len(p.Results) != 1 {
		t.Fatalf("%d %+v", st, p)
	}
	a := p.Results[0]
	if a.PhoneNumber != sandboxPhoneNumber || !validWaID(a.PhoneNumber) || !a.ThisInstance {
		t.Fatalf("%+v", a)
	}
}
