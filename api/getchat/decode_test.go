package getchat

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readRef(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "reference", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeStrict decodes into v and fails on any error (tolerance must come
// from the types, not from ignoring errors).
func decodeStrict(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode: %v", err)
	}
}

func pageOf[T any](t *testing.T, name string) Page[T] {
	t.Helper()
	p, err := DecodePage[T](readRef(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(p.Skipped) > 0 {
		t.Fatalf("%s: skipped %v", name, p.Skipped)
	}
	return p
}

func TestDecodeReferenceExamples(t *testing.T) {
	ts := func(sec int64) time.Time { return time.Unix(sec, 0).UTC() }
	tests := []struct {
		file  string
		check func(t *testing.T, b []byte)
	}{
		{"auth_token.json", func(t *testing.T, b []byte) {
			var r LoginResponse
			decodeStrict(t, b, &r)
			if r.Token != "8aeb44f5a318542d32bb13019d68198467ee21f0" {
				t.Errorf("token = %q", string(r.Token))
			}
		}},
		{"users_current.json", func(t *testing.T, b []byte) {
			var u User
			decodeStrict(t, b, &u)
			if u.ID != 2 || u.Username != "peter" || u.Name() != "Peter Rabbit" || !u.IsAdmin() {
				t.Errorf("user = %+v", u)
			}
			if len(u.Groups) != 1 || u.Groups[0].Name != "Admin" || u.Permissions == nil || u.Permissions.CanWriteToChats != ScopeAll {
				t.Errorf("groups/permissions = %+v %+v", u.Groups, u.Permissions)
			}
		}},
		{"user.json", func(t *testing.T, b []byte) {
			var u User
			decodeStrict(t, b, &u)
			if u.Profile.Role != RoleUser || u.IsAdmin() {
				t.Errorf("role = %q", u.Profile.Role)
			}
		}},
		{"users_page.json", func(t *testing.T, b []byte) {
			p := pageOf[User](t, "users_page.json")
			if p.Count != 123 || len(p.Results) != 1 || p.Results[0].Permissions.CanReadChats != ScopeAll {
				t.Errorf("page = %+v", p)
			}
		}},
		{"chats_bare_array.json", func(t *testing.T, b []byte) {
			p := pageOf[Chat](t, "chats_bare_array.json")
			if !p.Bare || p.Count != 3 || len(p.Results) != 3 {
				t.Fatalf("page = %+v", p)
			}
			if p.Results[0].ID() != "48500500500" || p.Results[0].NewMessages != 11 || p.Results[2].NewMessages != 22 {
				t.Errorf("chats = %+v", p.Results)
			}
		}},
		{"chats_page.json", func(t *testing.T, b []byte) {
			p := pageOf[Chat](t, "chats_page.json")
			c := p.Results[0]
			if c.ID() != "string" || c.LastMessage == nil || c.AssignedToUser == nil || c.AssignedGroup == nil {
				t.Fatalf("chat = %+v", c)
			}
			if len(c.Tags) != 1 || c.Tags[0].WebInboxColor != "string" || c.LastMessage.Status() != StatusPending {
				t.Errorf("tags %+v status %q", c.Tags, c.LastMessage.Status())
			}
			if !c.Contact.LastMessageTimestamp.IsZero() || c.Contact.WindowOpen(time.Now()) {
				t.Errorf("last_message_timestamp 0 must read as never")
			}
		}},
		{"chat.json", func(t *testing.T, b []byte) {
			var c Chat
			decodeStrict(t, b, &c)
			if c.Contact.Name() != "string" || len(c.LastMessage.Tags) != 1 {
				t.Errorf("chat = %+v", c)
			}
		}},
		{"chat_import_response.json", func(t *testing.T, b []byte) {
			var c Chat
			decodeStrict(t, b, &c)
			if !c.Contact.Resolved || c.LastMessage == nil || c.LastMessage.WabaPayload.Raw != nil {
				t.Errorf("chat = %+v", c)
			}
			if c.AssignedToUser == nil || len(c.AssignedToUser.AssignedWaIDs) != 1 {
				t.Errorf("assigned_to_user = %+v", c.AssignedToUser)
			}
		}},
		{"messages_page_video.json", func(t *testing.T, b []byte) {
			p := pageOf[Message](t, "messages_page_video.json")
			if p.Count != 276 || !strings.HasPrefix(p.Next, "http://") || p.Previous != "" {
				t.Fatalf("envelope = %+v", p)
			}
			m := p.Results[0]
			if m.FromUs || m.Sender != nil || m.ChatID() != "48123123123" || m.Key() != "ABGGSFEBeRJ_AhD8o8zP9ulNeUPgdKvfzvgh" {
				t.Errorf("message = %+v", m)
			}
			if !m.Time().Equal(ts(1612544982)) {
				t.Errorf("time = %v", m.Time())
			}
			media := m.WabaPayload.Media()
			if media == nil || media.MimeType != "video/mp4" || !strings.HasSuffix(media.Link, "/api/v1/media/20854d67-189e-4e78-a8ac-123sdf234ad/") {
				t.Errorf("media = %+v", media)
			}
		}},
		{"messages_page.json", func(t *testing.T, b []byte) {
			p := pageOf[Message](t, "messages_page.json")
			m := p.Results[0]
			// The example's payload is outgoing-shaped ("to") but says
			// from_us false: from_us wins (doc.go).
			if m.FromUs || m.ChatID() != "48123123123" || m.WabaPayload.Body() != "Hello :)" || m.Sender.Name() != "Konrad Rabbit" {
				t.Errorf("message = %+v", m)
			}
		}},
		{"webhook_outgoing_messages.json", func(t *testing.T, b []byte) {
			var w struct {
				Outgoing []Message `json:"outgoing_messages"`
			}
			decodeStrict(t, b, &w)
			if len(w.Outgoing) != 2 || !w.Outgoing[0].Time().Equal(ts(1612372697)) || w.Outgoing[0].Contact.Name() != "Konrad Tester" {
				t.Errorf("outgoing = %+v", w.Outgoing)
			}
		}},
		{"persons_page.json", func(t *testing.T, b []byte) {
			p := pageOf[Person](t, "persons_page.json")
			if len(p.Results) != 1 || p.Results[0].WaID != "string" {
				t.Errorf("page = %+v", p)
			}
		}},
		{"person.json", func(t *testing.T, b []byte) {
			var p Person
			decodeStrict(t, b, &p)
			if p.Initials != "string" {
				t.Errorf("person = %+v", p)
			}
		}},
		{"tags_page.json", func(t *testing.T, b []byte) {
			p := pageOf[Tag](t, "tags_page.json")
			if len(p.Results) != 1 || p.Results[0].Name != "string" {
				t.Errorf("tags = %+v", p)
			}
		}},
		{"chat_tagging.json", func(t *testing.T, b []byte) {
			var ct ChatTagging
			decodeStrict(t, b, &ct)
			if ct.Chat != "string" {
				t.Errorf("tagging = %+v", ct)
			}
		}},
		{"message_tagging.json", func(t *testing.T, b []byte) {
			var mt MessageTagging
			decodeStrict(t, b, &mt)
			if mt.Message != "string" {
				t.Errorf("tagging = %+v", mt)
			}
		}},
		{"chat_tagging_events_page.json", func(t *testing.T, b []byte) {
			p := pageOf[TaggingEvent](t, "chat_tagging_events_page.json")
			e := p.Results[0]
			if e.Action != TagAdded || e.Chat != "string" || e.DoneBy == nil || e.Tag.Name != "string" {
				t.Errorf("event = %+v", e)
			}
		}},
		{"message_tagging_events_page.json", func(t *testing.T, b []byte) {
			p := pageOf[TaggingEvent](t, "message_tagging_events_page.json")
			if p.Results[0].Message != "string" {
				t.Errorf("event = %+v", p.Results[0])
			}
		}},
		{"chat_assignment.json", func(t *testing.T, b []byte) {
			var a ChatAssignment
			decodeStrict(t, b, &a)
			// Integers here, objects on a Chat: both decode.
			if a.WaID != "string" || a.AssignedToUser == nil || a.AssignedGroup == nil {
				t.Errorf("assignment = %+v", a)
			}
		}},
		{"chat_assignment_events_page.json", func(t *testing.T, b []byte) {
			p := pageOf[ChatAssignmentEvent](t, "chat_assignment_events_page.json")
			e := p.Results[0]
			if e.WaID != "string" || e.AssignedToUserSet == nil || e.AssignedGroupSet == nil || !e.AssignedToUserWasCleared {
				t.Errorf("event = %+v", e)
			}
		}},
		{"saved_responses_page.json", func(t *testing.T, b []byte) {
			p := pageOf[SavedResponse](t, "saved_responses_page.json")
			if p.Results[0].CreatedBy != "string" {
				t.Errorf("saved = %+v", p.Results[0])
			}
		}},
		{"saved_response.json", func(t *testing.T, b []byte) {
			var s SavedResponse
			decodeStrict(t, b, &s)
			if s.Text != "string" {
				t.Errorf("saved = %+v", s)
			}
		}},
		{"templates_page.json", func(t *testing.T, b []byte) {
			p := pageOf[Template](t, "templates_page.json")
			if p.Results[0].Language.Code != "string" || p.Results[0].Approved() {
				t.Errorf("template = %+v", p.Results[0])
			}
		}},
		{"template.json", func(t *testing.T, b []byte) {
			var tp Template
			decodeStrict(t, b, &tp)
			if tp.Name != "string" || len(tp.Components) != 1 {
				t.Errorf("template = %+v", tp)
			}
		}},
		{"media_created.json", func(t *testing.T, b []byte) {
			var m MediaCreated
			decodeStrict(t, b, &m)
			if m.ID != "497f6eca-6276-4993-bfeb-53cbbbba6f08" {
				t.Errorf("media = %+v", m)
			}
		}},
		{"mark_as_received.json", func(t *testing.T, b []byte) {
			var m MarkAsReceived
			decodeStrict(t, b, &m)
			if m.CustomerWaID != "string" {
				t.Errorf("mark = %+v", m)
			}
		}},
		{"create_message_text.json", func(t *testing.T, b []byte) {
			var m NewMessage
			decodeStrict(t, b, &m)
			if m.Type != TypeText || m.Text.Body != "Hello!" {
				t.Errorf("message = %+v", m)
			}
		}},
		{"create_message_text_bot.json", func(t *testing.T, b []byte) {
			var m NewMessage
			decodeStrict(t, b, &m)
			want := NewText("48123123123", "Hello! How may I help you?")
			if m.WaID != want.WaID || m.Type != want.Type || m.Text.Body != want.Text.Body {
				t.Errorf("message = %+v", m)
			}
		}},
		{"contacts_page.json", func(t *testing.T, b []byte) {
			var p struct {
				Count   Int `json:"count"`
				Results []struct {
					Name string `json:"name"`
				} `json:"results"`
			}
			decodeStrict(t, b, &p)
			if p.Count != 123 || p.Results[0].Name != "string" {
				t.Errorf("contacts = %+v", p)
			}
		}},
		{"contact_resolve.json", func(t *testing.T, b []byte) {
			var r struct {
				Person Person `json:"person"`
			}
			decodeStrict(t, b, &r)
			if r.Person.WaID != "string" {
				t.Errorf("person = %+v", r)
			}
		}},
		{"contacts_verify_response.json", func(t *testing.T, b []byte) {
			var r struct {
				Contacts []struct{ WaID, Input, Status string } `json:"contacts"`
			}
			decodeStrict(t, b, &r)
			if len(r.Contacts) != 4 {
				t.Errorf("contacts = %+v", r)
			}
		}},
		{"waba_webhooks_page.json", func(t *testing.T, b []byte) {
			p := pageOf[json.RawMessage](t, "waba_webhooks_page.json")
			if p.Count != 123 || len(p.Results) != 0 {
				t.Errorf("page = %+v", p)
			}
		}},
		{"error_403_no_credentials.json", func(t *testing.T, b []byte) {
			e := ParseErrorBody(b)
			if !e.AuthFailure() || e.Words() != "Authentication credentials were not provided." {
				t.Errorf("error = %+v", e)
			}
		}},
		{"rule_engine_response.json", func(t *testing.T, b []byte) {
			var r struct {
				Assignment []struct {
					MessageID string `json:"message_id"`
					User      Int    `json:"user"`
				} `json:"assignment"`
			}
			decodeStrict(t, b, &r)
			if len(r.Assignment) != 1 || r.Assignment[0].User != 42 {
				t.Errorf("rule engine = %+v", r)
			}
		}},
		{"rule_engine_response_group.json", func(t *testing.T, b []byte) {
			var r struct {
				Assignment []struct {
					Group  Int    `json:"group"`
					Method string `json:"group_assign_method"`
				} `json:"assignment"`
			}
			decodeStrict(t, b, &r)
			if len(r.Assignment) != 1 || r.Assignment[0].Group != 23 || r.Assignment[0].Method != "let_group_decide" {
				t.Errorf("rule engine = %+v", r)
			}
		}},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.file] = true
		t.Run(tt.file, func(t *testing.T) { tt.check(t, readRef(t, tt.file)) })
	}
	// Every reference example is decoded here or in the event tests.
	events := map[string]bool{
		"webhook_tagged_messages.json": true, "webhook_tagged_chats.json": true,
		"webhook_assigned_messages.json": true, "rule_engine_incoming.json": true,
		"rule_engine_tagged_messages.json": true,
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "reference", "*.json"))
	for _, f := range files {
		if n := filepath.Base(f); !covered[n] && !events[n] {
			t.Errorf("reference example %s is not decoded by any test", n)
		}
	}
}

func TestUnixTime(t *testing.T) {
	sec := time.Unix(1612544982, 0).UTC()
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{`1612544982`, sec, false},
		{`"1612544982"`, sec, false},
		{`" 1612544982 "`, sec, false},
		{`1612544982.5`, sec.Add(500 * time.Millisecond), false},
		{`"1612544982.250"`, sec.Add(250 * time.Millisecond), false},
		{`1.612544982e9`, sec, false},
		{`"2021-02-05T17:09:42Z"`, sec, false},
		{`"2021-02-05T18:09:42+01:00"`, sec, false},
		{`"2021-02-05T17:09:42.000000"`, sec, false},
		{`"2021-02-05 17:09:42"`, sec, false},
		{`0`, time.Time{}, false},
		{`"0"`, time.Time{}, false},
		{`""`, time.Time{}, false},
		{`null`, time.Time{}, false},
		{`-5`, time.Time{}, true},
		{`"yesterday"`, time.Time{}, true},
		{`true`, time.Time{}, true},
		{`{}`, time.Time{}, true},
		{`1e30`, time.Time{}, true},
		{`"NaN"`, time.Time{}, true},
		{`"Inf"`, time.Time{}, true},
	}
	for _, tt := range tests {
		var got UnixTime
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr {
			t.Errorf("%s: err = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !tt.wantErr && !got.Equal(tt.want) {
			t.Errorf("%s: got %v, want %v", tt.in, got.Time, tt.want)
		}
	}
	b, _ := json.Marshal(struct {
		T UnixTime `json:"t"`
		Z UnixTime `json:"z"`
	}{Unix(sec.Add(700 * time.Millisecond)), UnixTime{}})
	if string(b) != `{"t":1612544982,"z":0}` {
		t.Errorf("marshal = %s", b)
	}
}

func TestIntAndID(t *testing.T) {
	ints := []struct {
		in      string
		want    Int
		wantErr bool
	}{
		{`42`, 42, false}, {`"42"`, 42, false}, {`42.0`, 42, false}, {`null`, 0, false}, {`""`, 0, false},
		{`-1`, -1, false}, {`4.5`, 0, true}, {`"x"`, 0, true}, {`true`, 0, true}, {`[]`, 0, true},
		{`1e300`, 0, true},
	}
	for _, tt := range ints {
		var got Int
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("Int %s = %d, %v", tt.in, got, err)
		}
	}
	ids := []struct {
		in      string
		want    ID
		wantErr bool
	}{
		{`"gBGG"`, "gBGG", false}, {`17`, "17", false}, {`null`, "", false}, {`{}`, "", true}, {`true`, "", true},
	}
	for _, tt := range ids {
		var got ID
		err := json.Unmarshal([]byte(tt.in), &got)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("ID %s = %q, %v", tt.in, got, err)
		}
	}
}

func TestRefsDecodeFromBareIDs(t *testing.T) {
	var c Chat
	decodeStrict(t, []byte(`{"wa_id":"1","assigned_to_user":7,"assigned_group":"23","tags":[5,{"id":6,"name":"VIP","tagging_id":91,"web_inbox_color":null}]}`), &c)
	if c.AssignedToUser.ID != 7 || c.AssignedGroup.ID != 23 || len(c.Tags) != 2 || c.Tags[0].ID != 5 || c.Tags[1].TaggingID != 91 {
		t.Errorf("chat = %+v", c)
	}
	decodeStrict(t, []byte(`{"wa_id":"1","assigned_to_user":null,"assigned_group":null}`), &c)
	if c.AssignedToUser != nil || c.AssignedGroup != nil {
		t.Errorf("nulls = %+v %+v", c.AssignedToUser, c.AssignedGroup)
	}
	var sr SavedResponse
	decodeStrict(t, []byte(`{"id":"3","text":"Thanks!","created_by":2,"timestamp":"1767000000"}`), &sr)
	if sr.ID != 3 || sr.CreatedBy != "2" || sr.Timestamp.Unix() != 1767000000 {
		t.Errorf("saved response = %+v", sr)
	}
}

func TestLanguage(t *testing.T) {
	var a, b Template
	decodeStrict(t, []byte(`{"name":"x","language":"en_US","status":"APPROVED"}`), &a)
	decodeStrict(t, []byte(`{"name":"x","language":{"code":"en_US","policy":"deterministic"},"status":"approved"}`), &b)
	if a.Language.Code != "en_US" || b.Language.Code != "en_US" || !a.Approved() || !b.Approved() {
		t.Errorf("languages %+v %+v", a, b)
	}
	out, _ := json.Marshal(TemplateSend{Name: "order_update", Language: Language{Code: "en_US", Policy: "deterministic"}})
	if string(out) != `{"name":"order_update","language":{"code":"en_US","policy":"deterministic"}}` {
		t.Errorf("marshal = %s", out)
	}
	out, _ = json.Marshal(a.Language)
	if string(out) != `"en_US"` {
		t.Errorf("marshal code = %s", out)
	}
}

func TestTemplateSendBody(t *testing.T) {
	one := 0
	m := NewMessage{WaID: "48123123123", Type: TypeTemplate, Template: &TemplateSend{
		Namespace: "ns", Name: "order_update", Language: Language{Code: "en", Policy: "deterministic"},
		Components: []TemplateSendComponent{
			{Type: "header", Parameters: []TemplateParameter{{Type: "image", Image: &Media{Link: "https://x/api/v1/media/1/"}}}},
			{Type: "body", Parameters: []TemplateParameter{{Type: "text", Text: "Ana"}, {Type: "text", ParameterName: "order_id", Text: "A-17"}}},
			{Type: "button", SubType: "url", Index: &one, Parameters: []TemplateParameter{{Type: "text", Text: "A-17"}}},
		},
	}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"wa_id":"48123123123","type":"template","template":{"namespace":"ns","name":"order_update","language":{"code":"en","policy":"deterministic"},"components":[` +
		`{"type":"header","parameters":[{"type":"image","image":{"link":"https://x/api/v1/media/1/"}}]},` +
		`{"type":"body","parameters":[{"type":"text","text":"Ana"},{"type":"text","parameter_name":"order_id","text":"A-17"}]},` +
		`{"type":"button","sub_type":"url","index":0,"parameters":[{"type":"text","text":"A-17"}]}]}}`
	if string(b) != want {
		t.Errorf("body\n got %s\nwant %s", b, want)
	}
}

func TestAssignmentUpdate(t *testing.T) {
	tests := []struct {
		u      AssignmentUpdate
		method string
		body   string
	}{
		{AssignmentUpdate{WaID: "1", User: AssignTo(7), Group: AssignTo(23)}, "PUT", `{"assigned_group":23,"assigned_to_user":7,"wa_id":"1"}`},
		{AssignmentUpdate{WaID: "1", User: AssignTo(7), Group: Nobody()}, "PUT", `{"assigned_group":null,"assigned_to_user":7,"wa_id":"1"}`},
		{AssignmentUpdate{WaID: "1", User: Nobody(), Group: Nobody()}, "PUT", `{"assigned_group":null,"assigned_to_user":null,"wa_id":"1"}`},
		{AssignmentUpdate{WaID: "1", User: AssignTo(7)}, "PATCH", `{"assigned_to_user":7,"wa_id":"1"}`},
		{AssignmentUpdate{WaID: "1", Group: AssignTo(23)}, "PATCH", `{"assigned_group":23,"wa_id":"1"}`},
		{AssignmentUpdate{WaID: "1", User: Nobody(), Group: Keep()}, "PATCH", `{"assigned_to_user":null,"wa_id":"1"}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.u)
		if err != nil || string(b) != tt.body || tt.u.Method() != tt.method {
			t.Errorf("%+v: %s %s (%v), want %s %s", tt.u, tt.u.Method(), b, err, tt.method, tt.body)
		}
	}
	if !(AssignmentUpdate{WaID: "1"}).Empty() {
		t.Error("an update of nothing is not Empty")
	}
}

func TestMessageStatus(t *testing.T) {
	tests := []struct {
		json string
		want string
	}{
		{`{"waba_statuses":{"sent":0,"delivered":0,"read":0}}`, StatusPending},
		{`{"waba_statuses":{"sent":1612372698,"delivered":0,"read":0}}`, StatusSent},
		{`{"waba_statuses":{"sent":"1612372698","delivered":"1612372699"}}`, StatusDelivered},
		{`{"waba_statuses":{"sent":1,"delivered":2,"read":3}}`, StatusRead},
		{`{"waba_statuses":{"read":3},"is_failed":true}`, StatusFailed},
		{`{"waba_payload":{"id":"x","errors":[{"code":131047}]}}`, StatusFailed},
	}
	for _, tt := range tests {
		var m Message
		decodeStrict(t, []byte(tt.json), &m)
		if got := m.Status(); got != tt.want {
			t.Errorf("%s: status %s, want %s", tt.json, got, tt.want)
		}
	}
}

func TestMessageKeysAndChat(t *testing.T) {
	var queued Message
	decodeStrict(t, []byte(`{"id":"9c1d","waba_payload":{"to":"481","type":"text"},"from_us":true}`), &queued)
	if queued.Key() != "getchat:9c1d" || queued.ChatID() != "481" {
		t.Errorf("queued: key %q chat %q", queued.Key(), queued.ChatID())
	}
	var in Message
	decodeStrict(t, []byte(`{"waba_payload":null,"contact":{"wa_id":"482"}}`), &in)
	if in.Key() != "" || in.ChatID() != "482" {
		t.Errorf("in: key %q chat %q", in.Key(), in.ChatID())
	}
}

func TestSendResult(t *testing.T) {
	var a, b SendResult
	decodeStrict(t, []byte(`{"id":"9c1d","reason":"Message is stored"}`), &a)
	decodeStrict(t, []byte(`{"waba_response":{"messages":[{"id":"gBGG1"}]}}`), &b)
	if a.MessageID() != "9c1d" || b.MessageID() != "gBGG1" || (SendResult{}).MessageID() != "" {
		t.Errorf("ids %q %q", a.MessageID(), b.MessageID())
	}
}

func TestWindow(t *testing.T) {
	last := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	p := Person{LastMessageTimestamp: Unix(last)}
	if !p.WindowOpen(last.Add(23*time.Hour+59*time.Minute)) || p.WindowOpen(last.Add(24*time.Hour)) {
		t.Error("window must close exactly 24 h after the contact's last message")
	}
	if (Person{}).WindowOpen(last) {
		t.Error("a contact who never wrote has no window")
	}
}

func TestPermissions(t *testing.T) {
	admin := User{ID: 1, Profile: UserProfile{Role: RoleAdmin}}
	agent := User{ID: 2, Profile: UserProfile{Role: RoleUser}, Groups: []Group{{ID: 23}}}
	grouped := agent
	grouped.Permissions = &Permissions{CanWriteToChats: ScopeGroup}
	muted := admin
	muted.Permissions = &Permissions{CanWriteToChats: ScopeNone}
	mine := Chat{WaID: "1", AssignedToUser: &User{ID: 2}}
	theirs := Chat{WaID: "2", AssignedToUser: &User{ID: 3}, AssignedGroup: &Group{ID: 23}}
	free := Chat{WaID: "3"}
	tests := []struct {
		name string
		u    User
		c    Chat
		want bool
	}{
		{"admin writes anywhere", admin, theirs, true},
		{"user writes to own chat", agent, mine, true},
		{"user not to another's", agent, theirs, false},
		{"user not to unassigned", agent, free, false},
		{"group scope: group's chat", grouped, theirs, true},
		{"group scope: unassigned", grouped, free, false},
		{"none scope beats admin", muted, mine, false},
	}
	for _, tt := range tests {
		if got := CanWrite(tt.u, tt.c); got != tt.want {
			t.Errorf("%s: CanWrite = %v", tt.name, got)
		}
	}
	if !CanAssignUser(agent, free) || CanAssignUser(agent, theirs) || !CanAssignUser(admin, theirs) {
		t.Error("CanAssignUser")
	}
	if !CanUnassign(agent, mine) || CanUnassign(agent, theirs) || !CanUnassign(admin, theirs) {
		t.Error("CanUnassign")
	}
}

func TestErrorBody(t *testing.T) {
	tests := []struct {
		body  string
		words string
		auth  bool
	}{
		{`{"detail":"Authentication credentials were not provided."}`, "Authentication credentials were not provided.", true},
		{`{"detail":"Invalid token."}`, "Invalid token.", true},
		{`{"detail":"You do not have permission to perform this action."}`, "You do not have permission to perform this action.", false},
		{`{"non_field_errors":["Unable to log in with provided credentials."]}`, "Unable to log in with provided credentials.", false},
		{`{"reason":"Template management is not available."}`, "Template management is not available.", false},
		{`{"waba_response":{"errors":[{"code":470,"title":"Message failed to send because more than 24 hours have passed"}]}}`, "Message failed to send because more than 24 hours have passed", false},
		{`{"wa_id":["This field is required."],"type":["\"x\" is not a valid choice."]}`, `type: "x" is not a valid choice.`, false},
		{`<html>502 Bad Gateway</html>`, "<html>502 Bad Gateway</html>", false},
		{``, "", false},
		{`{"detail":{"nested":true}}`, "", false},
	}
	for _, tt := range tests {
		e := ParseErrorBody([]byte(tt.body))
		if e.Words() != tt.words || e.AuthFailure() != tt.auth {
			t.Errorf("%s: words %q auth %v", tt.body, e.Words(), e.AuthFailure())
		}
	}
}

func TestDecodePage(t *testing.T) {
	p, err := DecodePage[Chat]([]byte(`{"count":"3","next":null,"previous":null,"results":[{"wa_id":"1"},42,{"wa_id":"3","new_messages":"x"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Count != 3 || len(p.Results) != 1 || len(p.Skipped) != 2 || p.Skipped[0].Path != "results[1]" {
		t.Errorf("page = %+v", p)
	}
	p, err = DecodePage[Chat]([]byte(`{"results":null}`))
	if err != nil || p.HasCount || len(p.Results) != 0 {
		t.Errorf("null results: %+v %v", p, err)
	}
	for _, bad := range []string{``, `"x"`, `{"results":{}}`, `[1,`, `null`} {
		if _, err := DecodePage[Chat]([]byte(bad)); err == nil {
			t.Errorf("%q decoded", bad)
		}
	}
}

func TestSecretsDoNotPrint(t *testing.T) {
	tok := Token("8aeb44f5a318542d32bb13019d68198467ee21f0")
	req := LoginRequest{Username: "peter", Password: "secret"}
	for _, s := range []string{
		fmt.Sprint(tok), fmt.Sprintf("%s %v %#v", tok, tok, tok), fmt.Sprintf("%v %+v %#v", req, req, req),
		fmt.Sprintf("%+v", LoginResponse{Token: tok}), fmt.Sprintf("%#v", TokenFrame{Token: tok}),
	} {
		if strings.Contains(s, "8aeb44") || strings.Contains(s, "secret") {
			t.Errorf("secret printed: %s", s)
		}
	}
	b, _ := json.Marshal(TokenFrame{Token: tok})
	if string(b) != `{"token":"8aeb44f5a318542d32bb13019d68198467ee21f0"}` {
		t.Errorf("token frame = %s", b)
	}
}

func TestItemErrorUnwraps(t *testing.T) {
	base := errors.New("boom")
	if !errors.Is(ItemError{Path: "x", Err: base}, base) {
		t.Error("ItemError does not unwrap")
	}
}
