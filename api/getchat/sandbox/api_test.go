package sandbox

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// walk follows next links from path and returns every item and the pages.
func walk[T any](e *env, token, path string) ([]T, []page) {
	e.t.Helper()
	var all []T
	var pages []page
	for path != "" {
		var p page
		if st := e.do("GET", path, token, nil, &p); st != 200 {
			e.t.Fatalf("GET %s: %d", path, st)
		}
		pages = append(pages, p)
		all = append(all, decodeAll[T](e.t, p)...)
		path = ""
		if p.Next != nil {
			u, err := url.Parse(*p.Next)
			if err != nil || u.Scheme != "http" || u.Host != strings.TrimPrefix(e.srv.URL, "http://") {
				e.t.Fatalf("next %q", *p.Next)
			}
			path = u.RequestURI()
		}
		if len(pages) > 100 {
			e.t.Fatal("too many pages")
		}
	}
	return all, pages
}

func TestChatsPagingBothOrders(t *testing.T) {
	for _, order := range []string{"newest", "oldest"} {
		t.Run(order, func(t *testing.T) {
			e := newEnv(t, Config{Order: order})
			chats, pages := walk[chatOut](e, e.admin, "/api/v1/chats/?limit=7")
			if len(chats) < 40 || len(chats) > 80 {
				t.Fatalf("%d chats", len(chats))
			}
			if pages[0].Count != len(chats) || pages[0].Previous != nil || pages[len(pages)-1].Next != nil {
				t.Fatalf("envelope: count %d, %d chats", pages[0].Count, len(chats))
			}
			if p := pages[1].Previous; p == nil || strings.Contains(*p, "offset") {
				t.Fatalf("previous of page 2: %v", p)
			}
			seen := map[string]bool{}
			var last int64
			for i, c := range chats {
				if seen[c.WaID] {
					t.Fatalf("%s twice", c.WaID)
				}
				seen[c.WaID] = true
				ts := int64(0)
				if c.LastMessage != nil {
					ts = c.LastMessage.ts()
				}
				if i > 0 && (order == "newest" && ts > last || order == "oldest" && ts < last) {
					t.Fatalf("chat %d out of %s order: %d after %d", i, order, ts, last)
				}
				last = ts
			}
		})
	}
}

func TestMessagesPagingAndTime(t *testing.T) {
	for _, order := range []string{"newest", "oldest"} {
		t.Run(order, func(t *testing.T) {
			e := newEnv(t, Config{Order: order})
			msgs, pages := walk[msgOut](e, e.admin, "/api/v1/messages/?wa_id="+ChatOpenRegular+"&limit=2")
			if len(msgs) < 5 || pages[0].Count != len(msgs) {
				t.Fatalf("%d messages, count %d", len(msgs), pages[0].Count)
			}
			for i := 1; i < len(msgs); i++ {
				a, b := msgs[i-1].ts(), msgs[i].ts()
				if order == "newest" && a < b || order == "oldest" && a > b {
					t.Fatalf("order %s broken at %d", order, i)
				}
				if msgs[i].CustomerWaID != ChatOpenRegular {
					t.Fatal("other chat's message")
				}
			}
			// since_time is inclusive, before_time exclusive.
			mid := msgs[len(msgs)/2].ts()
			var since, before page
			e.do("GET", fmt.Sprintf("/api/v1/messages/?wa_id=%s&since_time=%d", ChatOpenRegular, mid), e.admin, nil, &since)
			e.do("GET", fmt.Sprintf("/api/v1/messages/?wa_id=%s&before_time=%d", ChatOpenRegular, mid), e.admin, nil, &before)
			if since.Count+before.Count != len(msgs) || since.Count == 0 || before.Count == 0 {
				t.Fatalf("since %d + before %d != %d", since.Count, before.Count, len(msgs))
			}
			for _, m := range decodeAll[msgOut](t, since) {
				if m.ts() < mid {
					t.Fatal("since_time not inclusive")
				}
			}
			if st := e.do("GET", "/api/v1/messages/?since_time=yesterday", e.admin, nil, nil); st != 400 {
				t.Fatalf("bad since_time: %d", st)
			}
		})
	}
}

func TestChatFilters(t *testing.T) {
	e := newEnv(t, Config{})
	ids := func(token, q string) []string {
		chats, _ := walk[chatOut](e, token, "/api/v1/chats/?"+q)
		var out []string
		for _, c := range chats {
			out = append(out, c.WaID)
		}
		return out
	}
	mine := ids(e.reg, "assigned_to_me=true")
	if !slices.Contains(mine, ChatOpenRegular) || slices.Contains(mine, ChatOpenAdmin) {
		t.Fatalf("assigned_to_me: %v", mine)
	}
	for _, c := range mine {
		if got := e.chat(e.reg, c); got.AssignedToUser == nil || got.AssignedToUser.ID != 2 {
			t.Fatalf("%s not robin's", c)
		}
	}
	if g := ids(e.admin, "assigned_group=2"); !slices.Contains(g, ChatUnassigned) {
		t.Fatalf("assigned_group: %v", g)
	}
	if st := e.do("GET", "/api/v1/chats/?assigned_group=3", e.reg, nil, nil); st != 400 {
		t.Fatalf("a group robin is not in: %d", st)
	}
	if g := ids(e.admin, "chat_tag_id=1"); !slices.Contains(g, ChatOpenRegular) {
		t.Fatalf("chat_tag_id: %v", g)
	}
	if g := ids(e.admin, "search=olivia"); len(g) != 1 || g[0] != ChatOpenRegular {
		t.Fatalf("search by name: %v", g)
	}
	if g := ids(e.admin, "search="+ChatClosed[:10]); !slices.Contains(g, ChatClosed) {
		t.Fatalf("search by number: %v", g)
	}
	if g := ids(e.admin, "search=RECEIPT"); !slices.Contains(g, ChatImage) {
		t.Fatalf("search in captions: %v", g)
	}
}

type sendOut struct {
	ID     string `json:"id"`
	Reason string `json:"reason"`
	Detail string `json:"detail"`
	Text   []string
}

func TestSendText(t *testing.T) {
	e := newEnv(t, Config{})
	for _, tc := range []struct {
		name   string
		token  string
		body   map[string]any
		status int
		words  string
	}{
		{"open window, assignee", e.reg, map[string]any{"wa_id": ChatOpenRegular, "type": "text", "text": map[string]any{"body": "Hello!"}}, 201, ""},
		{"no type, as the reference's example", e.reg, map[string]any{"wa_id": ChatOpenRegular, "text": map[string]any{"body": "Hi"}}, 201, ""},
		{"closing soon still open", e.reg, map[string]any{"wa_id": ChatClosingSoon, "type": "text", "text": map[string]any{"body": "quick"}}, 201, ""},
		{"closed window", e.reg, map[string]any{"wa_id": ChatClosed, "type": "text", "text": map[string]any{"body": "late"}}, 453, "24-hour customer care window closed"},
		{"never wrote", e.admin, map[string]any{"wa_id": ChatNeverWrote, "type": "text", "text": map[string]any{"body": "hi"}}, 453, "never written"},
		{"regular user, not assigned", e.reg, map[string]any{"wa_id": ChatOpenAdmin, "type": "text", "text": map[string]any{"body": "x"}}, 403, "not assigned to you"},
		{"admin anywhere", e.admin, map[string]any{"wa_id": ChatUnassigned, "type": "text", "text": map[string]any{"body": "x"}}, 201, ""},
		{"empty body", e.admin, map[string]any{"wa_id": ChatUnassigned, "type": "text", "text": map[string]any{"body": " "}}, 400, "body"},
		{"bad wa_id", e.admin, map[string]any{"wa_id": "+44 7700", "type": "text", "text": map[string]any{"body": "x"}}, 400, "wa_id"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, data, _ := e.raw("POST", "/api/v1/messages/", tc.token, tc.body, "")
			if st != tc.status || !strings.Contains(string(data), tc.words) {
				t.Fatalf("%d %s", st, data)
			}
		})
	}
	// the sent text is the chat's last message, from us, not yet sent
	c := e.chat(e.reg, ChatUnassigned)
	if c.LastMessage == nil || !c.LastMessage.FromUs || c.LastMessage.Statuses.Sent != 0 {
		t.Fatalf("%+v", c.LastMessage)
	}
	// the window closes on the clock
	e.clock.Add(2 * time.Hour)
	if st := e.do("POST", "/api/v1/messages/", e.reg, map[string]any{"wa_id": ChatClosingSoon, "text": map[string]any{"body": "now?"}}, nil); st != 453 {
		t.Fatalf("after the window closed: %d", st)
	}
}

func tmplMsg(wa, name, lang string, comps ...map[string]any) map[string]any {
	return map[string]any{"wa_id": wa, "type": "template", "template": map[string]any{
		"namespace": "x", "name": name, "language": map[string]any{"code": lang, "policy": "deterministic"}, "components": comps,
	}}
}

func params(typ string, ps ...map[string]any) map[string]any {
	return map[string]any{"type": typ, "parameters": ps}
}

func text(s string) map[string]any { return map[string]any{"type": "text", "text": s} }

func named(n, s string) map[string]any {
	return map[string]any{"type": "text", "parameter_name": n, "text": s}
}

func TestSendTemplate(t *testing.T) {
	e := newEnv(t, Config{})
	for _, tc := range []struct {
		name   string
		body   map[string]any
		status int
		words  string
	}{
		{"numbered, closed window", tmplMsg(ChatClosed, "order_update", "en", params("body", text("Chloe"), text("#48213"), text("Friday"))), 201, ""},
		{"named with header", tmplMsg(ChatClosed, "appointment_reminder", "en_GB",
			params("header", named("customer_name", "Chloe")),
			params("body", named("date", "Monday"), named("customer_name", "Chloe"), named("time", "10:00"))), 201, ""},
		{"no parameters", tmplMsg(ChatNeverWrote, "welcome", "en"), 201, ""},
		{"new number", tmplMsg("4915111222333", "welcome", "en"), 201, ""},
		{"too few", tmplMsg(ChatClosed, "order_update", "en", params("body", text("Chloe"))), 400, "takes 3 parameter(s), 1 given"},
		{"missing name", tmplMsg(ChatClosed, "appointment_reminder", "en_GB",
			params("header", named("customer_name", "C")), params("body", text("a"), text("b"), text("c"))), 400, "parameter_name"},
		{"pending", tmplMsg(ChatClosed, "winter_sale", "en", params("body", text("x"))), 400, "pending"},
		{"rejected", tmplMsg(ChatClosed, "account_alert", "en", params("body", text("x"))), 400, "rejected"},
		{"wrong language", tmplMsg(ChatClosed, "welcome", "de"), 400, "no template"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, data, _ := e.raw("POST", "/api/v1/messages/", e.admin, tc.body, "")
			if st != tc.status || !strings.Contains(string(data), tc.words) {
				t.Fatalf("%d %s", st, data)
			}
		})
	}
	c := e.chat(e.admin, "4915111222333")
	if c.LastMessage == nil || c.LastMessage.WabaPayload["type"] != "template" || c.Contact.LastMessageTimestamp != nil {
		t.Fatalf("%+v", c)
	}
	var tp page
	e.do("GET", "/api/v1/templates/", e.admin, nil, &tp)
	js := jsonString(tp.Results)
	if !contains(js, `"status":"approved"`, `"status":"pending"`, `"status":"rejected"`, `"type":"HEADER"`, `"type":"FOOTER"`, "{{customer_name}}", "{{1}}") {
		t.Fatalf("templates: %s", js)
	}
}

func TestAssignment(t *testing.T) {
	e := newEnv(t, Config{})
	sam := e.login(SupervisorUsername, SupervisorPassword)
	type asg struct {
		WaID           string `json:"wa_id"`
		AssignedToUser *int   `json:"assigned_to_user"`
		AssignedGroup  *int   `json:"assigned_group"`
	}
	get := func(wa string) asg {
		var a asg
		e.do("GET", "/api/v1/chat_assignment/"+wa+"/", e.admin, nil, &a)
		return a
	}
	ip := func(n int) *int { return &n }
	path := func(wa string) string { return "/api/v1/chat_assignment/" + wa + "/" }

	// PATCH changes one side only.
	if st := e.do("PATCH", path(ChatOpenRegular), e.admin, map[string]any{"assigned_group": 2}, nil); st != 200 {
		t.Fatal(st)
	}
	if a := get(ChatOpenRegular); a.AssignedToUser == nil || *a.AssignedToUser != 2 || *a.AssignedGroup != 2 {
		t.Fatalf("PATCH group: %+v", a)
	}
	// PUT sets both; a side left out is nobody.
	if st := e.do("PUT", path(ChatOpenRegular), e.admin, map[string]any{"wa_id": ChatOpenRegular, "assigned_group": 1}, nil); st != 200 {
		t.Fatal(st)
	}
	if a := get(ChatOpenRegular); a.AssignedToUser != nil || a.AssignedGroup == nil || *a.AssignedGroup != 1 {
		t.Fatalf("PUT without user: %+v", a)
	}
	for _, tc := range []struct {
		name   string
		token  string
		method string
		wa     string
		body   map[string]any
		status int
		words  string
	}{
		{"user takes a chat nobody has", e.reg, "PATCH", ChatUnassigned, map[string]any{"assigned_to_user": 2}, 200, ""},
		{"user takes someone else's", e.reg, "PATCH", ChatOpenAdmin, map[string]any{"assigned_to_user": 2}, 403, "already assigned"},
		{"user clears someone else's", e.reg, "PATCH", ChatOpenAdmin, map[string]any{"assigned_to_user": nil}, 403, "Only the assigned user"},
		{"user moves group of someone else's", e.reg, "PATCH", ChatOpenAdmin, map[string]any{"assigned_group": 1}, 403, "group"},
		{"user clears their own", e.reg, "PATCH", ChatClosed, map[string]any{"assigned_to_user": nil}, 200, ""},
		{"admin reassigns", sam, "PUT", ChatOpenAdmin, map[string]any{"assigned_to_user": "2", "assigned_group": nil}, 200, ""},
		{"unknown user", e.admin, "PATCH", ChatOpenAdmin, map[string]any{"assigned_to_user": 99}, 400, "does not exist"},
		{"bad pk", e.admin, "PATCH", ChatOpenAdmin, map[string]any{"assigned_to_user": true}, 400, "Expected pk value"},
		{"unknown chat", e.admin, "PATCH", "999999999", map[string]any{"assigned_to_user": 1}, 404, "Not found."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, data, _ := e.raw(tc.method, path(tc.wa), tc.token, tc.body, "")
			if st != tc.status || !strings.Contains(string(data), tc.words) {
				t.Fatalf("%d %s", st, data)
			}
		})
	}
	if a := get(ChatOpenAdmin); a.AssignedToUser == nil || *a.AssignedToUser != 2 || a.AssignedGroup != nil {
		t.Fatalf("after admin PUT: %+v", a)
	}
	_ = ip
	// and now robin may write there
	if st := e.do("POST", "/api/v1/messages/", e.reg, map[string]any{"wa_id": ChatOpenAdmin, "text": map[string]any{"body": "mine now"}}, nil); st != 201 {
		t.Fatalf("write after assignment: %d", st)
	}
}

func TestTagsAndResolve(t *testing.T) {
	e := newEnv(t, Config{})
	var tags page
	e.do("GET", "/api/v1/tags/", e.admin, nil, &tags)
	if tags.Count < 6 || !strings.Contains(jsonString(tags.Results), `\u001b`) {
		t.Fatalf("tags: %d %s", tags.Count, jsonString(tags.Results))
	}
	var tg struct {
		ID   int    `json:"id"`
		Tag  int    `json:"tag"`
		Chat string `json:"chat"`
	}
	if st := e.do("POST", "/api/v1/chat_tagging/", e.reg, map[string]any{"tag": 4, "chat": ChatOpenRegular}, &tg); st != 201 || tg.Tag != 4 || tg.Chat != ChatOpenRegular {
		t.Fatalf("tag: %d %+v", st, tg)
	}
	c := e.chat(e.reg, ChatOpenRegular)
	if !slices.ContainsFunc(c.Tags, func(x struct {
		ID        int    `json:"id"`
		Name      string `json:"name"`
		TaggingID int    `json:"tagging_id"`
	}) bool {
		return x.ID == 4 && x.TaggingID == tg.ID
	}) {
		t.Fatalf("tags %+v", c.Tags)
	}
	if st := e.do("POST", "/api/v1/chat_tagging/", e.reg, map[string]any{"tag": 4, "chat": ChatOpenRegular}, nil); st != 400 {
		t.Fatalf("twice: %d", st)
	}
	if st := e.do("POST", "/api/v1/chat_tagging/", e.reg, map[string]any{"tag": 4, "chat": ChatOpenAdmin}, nil); st != 403 {
		t.Fatalf("regular user tags someone else's chat: %d", st)
	}
	if st := e.do("DELETE", "/api/v1/chat_tagging/"+strconv.Itoa(tg.ID)+"/", e.reg, nil, nil); st != 204 {
		t.Fatalf("untag: %d", st)
	}
	if st := e.do("DELETE", "/api/v1/chat_tagging/"+strconv.Itoa(tg.ID)+"/", e.reg, nil, nil); st != 404 {
		t.Fatalf("untag again: %d", st)
	}

	for _, p := range []string{"/resolve", "/resolve/"} {
		var out struct {
			WaID     string `json:"wa_id"`
			Resolved bool
		}
		if st := e.do("PATCH", "/api/v1/chats/"+ChatOpenRegular+p, e.reg, map[string]any{"resolved": p == "/resolve"}, &out); st != 200 || out.Resolved != (p == "/resolve") {
			t.Fatalf("%s: %d %+v", p, st, out)
		}
	}
	if st := e.do("PATCH", "/api/v1/chats/"+ChatOpenAdmin+"/resolve", e.reg, map[string]any{"resolved": true}, nil); st != 403 {
		t.Fatalf("resolve someone else's: %d", st)
	}
	if st := e.do("PATCH", "/api/v1/chats/"+ChatOpenAdmin+"/resolve", e.admin, map[string]any{}, nil); st != 400 {
		t.Fatalf("no resolved field: %d", st)
	}
	e.do("PATCH", "/api/v1/chats/"+ChatOpenAdmin+"/resolve", e.admin, map[string]any{"resolved": true}, nil)
	if !e.chat(e.admin, ChatOpenAdmin).Contact.Resolved {
		t.Fatal("not resolved")
	}
	// a customer writing reopens it
	if _, err := e.s.Receive(ChatOpenAdmin, "", "one more thing"); err != nil {
		t.Fatal(err)
	}
	if e.chat(e.admin, ChatOpenAdmin).Contact.Resolved {
		t.Fatal("still resolved after the customer wrote")
	}
}

func TestUnreadAndMarkAsReceived(t *testing.T) {
	e := newEnv(t, Config{})
	if n := e.chat(e.reg, ChatOpenRegular).NewMessages; n != 2 {
		t.Fatalf("unread %d", n)
	}
	if n := e.chat(e.reg, ChatUnassigned).NewMessages; n != 1 {
		t.Fatalf("unread %d", n)
	}
	var p page
	e.do("GET", "/api/v1/messages/?wa_id="+ChatOpenRegular+"&limit=1", e.reg, nil, &p)
	newest := decodeAll[msgOut](t, p)[0]
	if newest.FromUs || newest.Received {
		t.Fatalf("newest %+v", newest)
	}
	st := e.do("POST", "/api/v1/mark_as_received/", e.reg, map[string]any{"customer_wa_id": ChatOpenRegular, "timestamp": newest.ts()}, nil)
	if st != 201 || e.chat(e.reg, ChatOpenRegular).NewMessages != 0 {
		t.Fatalf("%d %d", st, e.chat(e.reg, ChatOpenRegular).NewMessages)
	}
	// marks are per user
	if n := e.chat(e.admin, ChatOpenRegular).NewMessages; n != 2 {
		t.Fatalf("alex's unread %d", n)
	}
	// mark_as_received=1 on messages/
	e.do("GET", "/api/v1/messages/?wa_id="+ChatUnassigned+"&mark_as_received=1", e.admin, nil, nil)
	if n := e.chat(e.admin, ChatUnassigned).NewMessages; n != 0 {
		t.Fatalf("after mark_as_received=1: %d", n)
	}
	// a new message is unread again
	e.clock.Add(time.Minute)
	e.s.Receive(ChatUnassigned, "", "hello again")
	if n := e.chat(e.admin, ChatUnassigned).NewMessages; n != 1 {
		t.Fatalf("after receive: %d", n)
	}
	if st := e.do("POST", "/api/v1/mark_as_received/", e.reg, map[string]any{"customer_wa_id": ChatOpenRegular}, nil); st != 400 {
		t.Fatalf("no timestamp: %d", st)
	}
}

func TestMediaRoundTrip(t *testing.T) {
	e := newEnv(t, Config{})
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file_encoded", "hello.pdf")
	payload := []byte("%PDF-1.4 not really a pdf")
	fw.Write(payload)
	mw.Close()
	st, data, _ := e.raw("POST", "/api/v1/media/", e.reg, body.Bytes(), mw.FormDataContentType())
	var up struct{ File, ID string }
	if err := jsonUnmarshal(data, &up); st != 201 || err != nil || !strings.HasPrefix(up.File, e.srv.URL+"/api/v1/media/"+up.ID) {
		t.Fatalf("%d %s", st, data)
	}
	u, _ := url.Parse(up.File)
	st, got, h := e.raw("GET", u.Path, e.reg, nil, "")
	if st != 200 || !bytes.Equal(got, payload) || h.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download %d %q %q", st, got, h.Get("Content-Type"))
	}
	// send it
	st, data, _ = e.raw("POST", "/api/v1/messages/", e.reg, map[string]any{"wa_id": ChatOpenRegular, "type": "document",
		"document": map[string]any{"link": up.File, "filename": "hello.pdf"}}, "")
	if st != 201 {
		t.Fatalf("send document: %d %s", st, data)
	}
	last := e.chat(e.reg, ChatOpenRegular).LastMessage
	if doc, _ := last.WabaPayload["document"].(map[string]any); doc["link"] != up.File || doc["filename"] != "hello.pdf" {
		t.Fatalf("%+v", last.WabaPayload)
	}
	// the demo image downloads as a PNG
	img := e.chat(e.admin, ChatImage)
	var p page
	e.do("GET", "/api/v1/messages/?wa_id="+ChatImage+"&limit=50", e.admin, nil, &p)
	var link string
	for _, m := range decodeAll[msgOut](t, p) {
		if im, ok := m.WabaPayload["image"].(map[string]any); ok {
			link, _ = im["link"].(string)
		}
	}
	u, _ = url.Parse(link)
	st, got, h = e.raw("GET", u.Path, e.admin, nil, "")
	if st != 200 || h.Get("Content-Type") != "image/png" || !bytes.HasPrefix(got, []byte("\x89PNG")) {
		t.Fatalf("demo image %q: %d %s", link, st, h.Get("Content-Type"))
	}
	_ = img
	// no file / too big
	if st, _, _ := e.raw("POST", "/api/v1/media/", e.reg, []byte("x"), "text/plain"); st != 400 {
		t.Fatalf("not multipart: %d", st)
	}
	body.Reset()
	mw = multipart.NewWriter(&body)
	fw, _ = mw.CreateFormFile("file_encoded", "big.bin")
	fw.Write(make([]byte, MaxMediaBytes+10))
	mw.Close()
	if st, _, _ := e.raw("POST", "/api/v1/media/", e.reg, body.Bytes(), mw.FormDataContentType()); st != 413 {
		t.Fatalf("too big: %d", st)
	}
}

func TestSavedResponsesPersonsUsersGroups(t *testing.T) {
	e := newEnv(t, Config{})
	var p page
	e.do("GET", "/api/v1/saved_responses/", e.reg, nil, &p)
	n := p.Count
	var sr struct{ ID int }
	if st := e.do("POST", "/api/v1/saved_responses/", e.reg, map[string]any{"text": "See you soon"}, &sr); st != 201 {
		t.Fatal(st)
	}
	e.do("GET", "/api/v1/saved_responses/", e.reg, nil, &p)
	if p.Count != n+1 {
		t.Fatal(p.Count)
	}
	if st := e.do("DELETE", "/api/v1/saved_responses/"+strconv.Itoa(sr.ID)+"/", e.reg, nil, nil); st != 204 {
		t.Fatal(st)
	}
	for _, path := range []string{"/api/v1/persons/?search=olivia", "/api/v1/users/", "/api/v1/groups/", "/api/v1/whatsapp_accounts/"} {
		if st := e.do("GET", path, e.reg, nil, &p); st != 200 || p.Count == 0 {
			t.Fatalf("%s: %d %d", path, st, p.Count)
		}
	}
	if st := e.do("GET", "/api/v1/persons/"+ChatOpenRegular+"/", e.reg, nil, nil); st != 200 {
		t.Fatal(st)
	}
}

func TestEmptyAndVolume(t *testing.T) {
	e := newEnv(t, Config{Empty: true})
	var p page
	e.do("GET", "/api/v1/chats/", e.admin, nil, &p)
	if p.Count != 0 || p.Results == nil {
		t.Fatalf("empty: %+v", p)
	}
	e.do("GET", "/api/v1/templates/", e.admin, nil, &p)
	if p.Count == 0 {
		t.Fatal("no templates")
	}
	v := newEnv(t, Config{Empty: true, Conversations: 300, Messages: 3000})
	v.do("GET", "/api/v1/chats/?limit=1", v.admin, nil, &p)
	if p.Count != 300 {
		t.Fatal(p.Count)
	}
	v.do("GET", "/api/v1/messages/?limit=1", v.admin, nil, &p)
	if p.Count != 3000 {
		t.Fatal(p.Count)
	}
}

func TestDeterministic(t *testing.T) {
	body := func(seed int64) string {
		e := newEnv(t, Config{Seed: seed})
		_, a, _ := e.raw("GET", "/api/v1/chats/?limit=1000", e.admin, nil, "")
		_, b, _ := e.raw("GET", "/api/v1/messages/?limit=1000", e.admin, nil, "")
		return strings.ReplaceAll(string(a)+string(b), e.srv.URL, "BASE")
	}
	if body(7) != body(7) {
		t.Fatal("same seed, different data")
	}
	if body(7) == body(8) {
		t.Fatal("different seeds, same data")
	}
}

func TestEventHistories(t *testing.T) {
	for _, order := range []string{"newest", "oldest"} {
		t.Run(order, func(t *testing.T) {
			e := newEnv(t, Config{Order: order})
			e.clock.Add(time.Minute)
			e.do("PATCH", "/api/v1/chat_assignment/"+ChatUnassigned+"/", e.admin, map[string]any{"assigned_to_user": 1}, nil)
			e.do("PATCH", "/api/v1/chat_assignment/"+ChatUnassigned+"/", e.admin, map[string]any{"assigned_to_user": nil, "assigned_group": nil}, nil)
			var p page
			e.do("GET", "/api/v1/chat_assignment_events/?wa_id="+ChatUnassigned, e.admin, nil, &p)
			type ev struct {
				Timestamp    int64             `json:"timestamp"`
				WaID         string            `json:"wa_id"`
				UserSet      *struct{ ID int } `json:"assigned_to_user_set"`
				UserCleared  bool              `json:"assigned_to_user_was_cleared"`
				GroupCleared bool              `json:"assigned_group_was_cleared"`
				DoneBy       struct{ ID int }  `json:"done_by"`
			}
			evs := decodeAll[ev](t, p)
			if len(evs) != 3 { // the seeded group, alex, cleared
				t.Fatalf("%+v", evs)
			}
			last := evs[0]
			if order == "oldest" {
				last = evs[2]
			}
			if !last.UserCleared || !last.GroupCleared || last.UserSet != nil || last.DoneBy.ID != 1 || last.WaID != ChatUnassigned {
				t.Fatalf("%+v", last)
			}
			e.do("GET", fmt.Sprintf("/api/v1/chat_assignment_events/?since_time=%d", t0.Unix()+60), e.admin, nil, &p)
			if p.Count != 2 {
				t.Fatalf("since_time: %d", p.Count)
			}
			e.do("POST", "/api/v1/chat_tagging/", e.admin, map[string]any{"tag": 3, "chat": ChatUnassigned}, nil)
			e.do("GET", fmt.Sprintf("/api/v1/chat_tagging_events/?wa_id=%s&since_time=%d", ChatUnassigned, t0.Unix()+60), e.admin, nil, &p)
			if p.Count != 1 || !strings.Contains(jsonString(p.Results), `"action":"added"`) {
				t.Fatalf("tagging events: %s", jsonString(p.Results))
			}
		})
	}
}

func TestProfilePhoto(t *testing.T) {
	e := newEnv(t, Config{})
	st, data, h := e.raw("GET", "/api/v1/settings/profile/photo/", e.reg, nil, "")
	if st != 200 || h.Get("Content-Type") != "image/png" || !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Fatalf("%d %s", st, h.Get("Content-Type"))
	}
}
