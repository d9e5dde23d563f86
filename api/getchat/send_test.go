package getchat

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mbx-inbox/mbx/state"
)

func tmpl(name, lang, header, body, footer, example string) Template {
	t := Template{Name: name, Language: Language{Code: lang}, Status: "APPROVED", Namespace: "ns1"}
	if header != "" {
		t.Components = append(t.Components, TemplateComponent{Type: "HEADER", Format: "TEXT", Text: header})
	}
	t.Components = append(t.Components, TemplateComponent{Type: "BODY", Text: body, Example: RawJSON(example)})
	if footer != "" {
		t.Components = append(t.Components, TemplateComponent{Type: "FOOTER", Text: footer})
	}
	return t
}

func TestTemplateRender(t *testing.T) {
	for _, tc := range []struct {
		name    string
		t       Template
		text    string
		example string
		slots   string
	}{
		{"numbered with header and footer",
			tmpl("order", "en", "Order {{1}}", "Hi {{1}}, your order {{2}} ships {{2}}.", "Reply STOP to opt out", `{"body_text":[["Ada","#42"]]}`),
			"Order {{1}}\nHi {{2}}, your order {{3}} ships {{3}}.\nReply STOP to opt out",
			"Order []\nHi [Ada], your order [#42] ships [#42].\nReply STOP to opt out",
			"[{header  1 } {body  1 Ada} {body  2 #42}]"},
		{"named",
			tmpl("named", "de", "", "Hallo {{first_name}}, Bestellung {{order_id}} für {{first_name}}", "", `{"body_text_named_params":[{"param_name":"first_name","example":"Jo"},{"param_name":"order_id","example":"7"}]}`),
			"Hallo {{1}}, Bestellung {{2}} für {{1}}",
			"Hallo [Jo], Bestellung [7] für [Jo]",
			"[{body first_name 0 Jo} {body order_id 0 7}]"},
		{"numbers out of order", tmpl("x", "en", "", "{{2}} then {{1}}", "", ""), "{{2}} then {{1}}", "", "[{body  1 } {body  2 }]"},
		{"no placeholders", tmpl("y", "en", "", "Hello", "", ""), "Hello", "", "[]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.t.Render()
			if r.Text != tc.text || r.Example != tc.example || fmt.Sprint(r.Slots) != tc.slots {
				t.Fatalf("got %q / %q / %v", r.Text, r.Example, r.Slots)
			}
			// state parses and fills it, and Fill of the sent payload
			// gives back the same text.
			p := state.ParseTemplate(r.Text, r.Example)
			if len(p.Problems) > 0 {
				t.Fatalf("state sees problems: %v", p.Problems)
			}
			values := map[int]string{}
			params := make([]string, len(r.Slots))
			for i := range r.Slots {
				params[i] = fmt.Sprintf("v%d", i+1)
				values[i+1] = params[i]
			}
			payload := tc.t.Message(params).Payload()
			if filled, ok := tc.t.Fill(&payload); !ok || filled != p.Fill(values) {
				t.Fatalf("fill %q (%v), state %q", filled, ok, p.Fill(values))
			}
		})
	}
}

func TestSendTemplateBody(t *testing.T) {
	f := newFake(t)
	f.tmpls = []Template{
		tmpl("order", "en_US", "Order {{1}}", "Hi {{1}}, order {{2}}", "footer", ""),
		tmpl("named", "de", "", "Hallo {{first_name}}, Nr. {{order_id}}", "", ""),
	}
	f.sendID = "wamid.T1"
	c := f.client(t, Config{})
	b := NewBackend(c)
	ctx := context.Background()
	for _, tc := range []struct {
		ref  state.TemplateRef
		want string
	}{
		{state.TemplateRef{Name: "order", Language: "en_US", Params: []string{"#9", "Ada", "42"}},
			`{"language":{"code":"en_US","policy":"deterministic"},"name":"order","namespace":"ns1","components":[` +
				`{"type":"header","parameters":[{"type":"text","text":"#9"}]},` +
				`{"type":"body","parameters":[{"type":"text","text":"Ada"},{"type":"text","text":"42"}]}]}`},
		{state.TemplateRef{ID: TemplateID("named", "de"), Params: []string{"Jo", "7"}},
			`{"language":{"code":"de","policy":"deterministic"},"name":"named","namespace":"ns1","components":[` +
				`{"type":"body","parameters":[{"type":"text","parameter_name":"first_name","text":"Jo"},{"type":"text","parameter_name":"order_id","text":"7"}]}]}`},
	} {
		sent, err := b.Send(ctx, state.Outgoing{ConversationID: "4911111", ContactID: "4911111", Text: "filled", Template: &tc.ref})
		if err != nil {
			t.Fatal(err)
		}
		if sent.Message.ID != "wamid.T1" || !sent.Message.Template || sent.Message.Direction != state.Outbound {
			t.Fatalf("sent %+v", sent.Message)
		}
		last := f.sends[len(f.sends)-1]
		if last["wa_id"] != "4911111" || last["type"] != "template" {
			t.Fatalf("body %v", last)
		}
		if !jsonEqual(t, last["template"], tc.want) {
			got, _ := json.Marshal(last["template"])
			t.Fatalf("template\n got %s\nwant %s", got, tc.want)
		}
	}
}

func jsonEqual(t *testing.T, got any, want string) bool {
	t.Helper()
	var w any
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	g, _ := json.Marshal(got)
	wb, _ := json.Marshal(w)
	return string(g) == string(wb)
}

func TestSendTextIDs(t *testing.T) {
	for _, tc := range []struct {
		code   int
		id     string
		wantID string
	}{
		{200, "wamid.HBgM", "wamid.HBgM"},
		{202, "d9d2244d-1f2b-4c3a-9e4d-0123456789ab", "getchat:d9d2244d-1f2b-4c3a-9e4d-0123456789ab"},
		{201, "", ""}, // no id: the engine looks for it by its text
	} {
		f := newFake(t)
		f.sendCode, f.sendID = tc.code, tc.id
		b := NewBackend(f.client(t, Config{}))
		sent, err := b.Send(context.Background(), state.Outgoing{ConversationID: "4911111", Text: "hello"})
		if err != nil || sent.Message.ID != tc.wantID {
			t.Fatalf("%d %q: %+v, %v", tc.code, tc.id, sent.Message, err)
		}
		if got := f.sends[0]; got["type"] != "text" || fmt.Sprint(got["text"]) != "map[body:hello]" {
			t.Fatalf("body %v", got)
		}
	}
}

func TestAssignmentBodies(t *testing.T) {
	f := newFake(t)
	b := NewBackend(f.client(t, Config{}))
	ctx := context.Background()
	steps := []struct {
		do   func() error
		want string
	}{
		{func() error { return b.Assign(ctx, "4911111", state.Assignment{UserID: "5"}) }, `PATCH {"assigned_to_user":5,"wa_id":"4911111"}`},
		{func() error { return b.Assign(ctx, "4911111", state.Assignment{TeamID: "3"}) }, `PATCH {"assigned_group":3,"wa_id":"4911111"}`},
		{func() error { return b.Assign(ctx, "4911111", state.Assignment{UserID: "5", TeamID: "3"}) }, `PUT {"assigned_group":3,"assigned_to_user":5,"wa_id":"4911111"}`},
		{func() error { return b.Unassign(ctx, "4911111") }, `PUT {"assigned_group":null,"assigned_to_user":null,"wa_id":"4911111"}`},
		{func() error {
			_, err := b.c.Assign(ctx, AssignmentUpdate{WaID: "4911111", User: Nobody()})
			return err
		}, `PATCH {"assigned_to_user":null,"wa_id":"4911111"}`},
	}
	for i, s := range steps {
		if err := s.do(); err != nil {
			t.Fatal(err)
		}
		if got := f.assigns[i]; got != s.want {
			t.Fatalf("step %d: %s, want %s", i, got, s.want)
		}
	}
	if err := b.Assign(ctx, "4911111", state.Assignment{UserID: "bob"}); state.KindOf(err) != state.KindRefused {
		t.Fatalf("non-numeric user: %v", err)
	}
	if err := b.Resolve(ctx, "4911111"); err != nil {
		t.Fatal(err)
	}
	if err := b.Reopen(ctx, "4911111"); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(f.resolves) != `[{"resolved":true} {"resolved":false}]` {
		t.Fatalf("resolves %v", f.resolves)
	}
}

func TestSetConversationTags(t *testing.T) {
	f := newFake(t)
	seed(f, 3) // each chat has "vip" (tagging 500+i)
	f.tags = []Tag{{ID: 1, Name: "vip"}, {ID: 2, Name: "Billing"}}
	b := NewBackend(f.client(t, Config{}))
	ctx := context.Background()
	if err := b.SetConversationTags(ctx, "4911111", []string{"billing"}); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(f.tagged, f.untagged) != "[4911111:2] [500]" {
		t.Fatalf("tagged %v, untagged %v", f.tagged, f.untagged)
	}
	err := b.SetConversationTags(ctx, "4911111", []string{"vip", "nope"})
	if state.KindOf(err) != state.KindRefused || len(f.tagged) != 1 {
		t.Fatalf("unknown tag: %v", err)
	}
}
