package state

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestPhoneQuery(t *testing.T) {
	tests := []struct {
		in     string
		digits string
		phone  bool
	}{
		{"7838788897", "7838788897", true},
		{"+44 7838 788897", "447838788897", true},
		{"0044 7838-788897", "447838788897", true},
		{"(07838) 788897", "7838788897", true},
		{" +1 (415) 555.0100 ", "14155550100", true},
		{"000", "", false},
		{"Wilson", "", false},
		{"call 7838", "", false},
		{"", "", false},
		{"+", "", false},
	}
	for _, tt := range tests {
		d, ok := PhoneQuery(tt.in)
		if d != tt.digits || ok != tt.phone {
			t.Errorf("PhoneQuery(%q) = %q, %v; want %q, %v", tt.in, d, ok, tt.digits, tt.phone)
		}
	}
}

// customersFixture: conversations with customers found by name and
// number, and messages found by words.
func customersFixture(t testing.TB) *Store {
	s := openTest(t)
	msgs := []Message{
		inMsg("w1", "cw", "Hello, is my parcel coming?", at(1*time.Minute)),
		outMsg("w2", "cw", "Your parcel left the depot", at(2*time.Minute), StatusRead),
		inMsg("b1", "cb", "parcel for Mr Wilson next door", at(3*time.Minute)),
		inMsg("h1", "ch", "hi", at(4*time.Minute)),
		inMsg("n1", "cn", "no name here", at(5*time.Minute)),
		inMsg("u1", "cu", "please call", at(6*time.Minute)),
	}
	msgs[1].Sender = "Dana Scully" // another agent
	_, err := s.ApplyMessages(Batch{
		Messages: msgs,
		Contacts: []Contact{
			{ID: "kcw", AccountID: "a1", Name: "Harold Wilson", Number: "+447838788897"},
			{ID: "kcb", AccountID: "a1", Name: "Bea Brown", Number: "+17838788897"},      // the same suffix
			{ID: "kch", AccountID: "a1", Name: "Hal Holder", Number: "+4478387888970"},   // holds it, ends otherwise
			{ID: "kcn", AccountID: "a1", Name: "", Number: "+351911222333"},              // a number only
			{ID: "kcx", AccountID: "a1", Name: "Wilson Nobody", Number: "+447000000001"}, // no conversation
			{ID: "kcu", AccountID: "a1", Name: "\x1b[1;31mURGENT\x1b[0m Ura", Number: "+447000000002"},
		},
	}, t0)
	must(t, err)
	return s
}

func TestSearchFindsCustomers(t *testing.T) {
	s := customersFixture(t)
	// hit ids: "conv:<id>" for a conversation found by its contact, the
	// message id for a message.
	tests := []struct {
		q    string
		want []string
	}{
		{"7838788897", []string{"conv:cb", "conv:cw", "conv:ch"}}, // suffixes first (by name), then holding it
		{"+44 7838 788897", []string{"conv:cw", "conv:ch"}},
		{"+447838788897", []string{"conv:cw", "conv:ch"}},
		{"0044 7838-788897", []string{"conv:cw", "conv:ch"}},
		{"(07838) 788-897", []string{"conv:cb", "conv:cw", "conv:ch"}},
		{"8897", []string{"conv:cb", "conv:cw", "conv:ch"}}, // a short run: suffixes, then inside
		{"911 222 333", []string{"conv:cn"}},
		{"Wilson", []string{"conv:cw", "b1"}}, // the name, then the message naming him
		{"wil", []string{"conv:cw", "b1"}},    // prefixes of the name and of a word
		{"harold wilson", []string{"conv:cw"}},
		{"HAL", []string{"conv:ch"}},           // Harold is not Hal
		{"parcel", []string{"b1", "w2", "w1"}}, // words: messages newest first
		{"bea parcel", nil},
		{"urg", []string{"conv:cu"}}, // a name in terminal escapes, by its word
		{"urgent ura", []string{"conv:cu"}},
		{"ura", []string{"conv:cu"}},
		{"nothing here", nil},
		{"", nil},
	}
	for _, tt := range tests {
		hits, err := s.Search(context.Background(), tt.q, 50)
		if err != nil {
			t.Errorf("Search(%q): %v", tt.q, err)
			continue
		}
		var got []string
		for _, h := range hits {
			if h.ByContact {
				if h.Message.ID != "" || h.Message.LocalID != "" {
					t.Errorf("Search(%q): a conversation hit with a message %+v", tt.q, h.Message)
				}
				got = append(got, "conv:"+h.Conversation.ID)
			} else {
				got = append(got, h.Message.ID)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("Search(%q) = %v, want %v", tt.q, got, tt.want)
		}
	}
	hits, err := s.Search(context.Background(), "Wilson", 50)
	must(t, err)
	if c := hits[0].Conversation; c.ContactName != "Harold Wilson" || c.ContactNumber != "+447838788897" {
		t.Errorf("the conversation hit's contact = %q %q", c.ContactName, c.ContactNumber)
	}
	if hits, _ := s.Search(context.Background(), "7838788897", 2); len(hits) != 2 {
		t.Errorf("limit 2 gave %d hits", len(hits))
	}
	if hits, _ := s.Search(context.Background(), "parcel", 0); hits != nil {
		t.Errorf("limit 0 = %+v", hits)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Search(ctx, "wilson", 10); err == nil {
		t.Error("a cancelled search answered")
	}
}

// Mine marks what the logged-in agent sent: from here, or by their name;
// another agent's reply is not theirs.
func TestSearchMine(t *testing.T) {
	s := openTest(t)
	must(t, s.ReplaceUsers([]User{{ID: "u1", FirstName: "Fox", LastName: "Mulder"}, {ID: "u2", FirstName: "Dana", LastName: "Scully"}}))
	must(t, s.SetMeta(metaMe, "u1"))
	mine, theirs, unknown := outMsg("o1", "c1", "parcel by me", at(1*time.Minute), StatusRead),
		outMsg("o2", "c1", "parcel by dana", at(2*time.Minute), StatusRead),
		outMsg("o3", "c1", "parcel by nobody known", at(3*time.Minute), StatusRead)
	mine.Sender, theirs.Sender = "Fox Mulder", "Dana Scully"
	apply(t, s, mine, theirs, unknown, inMsg("i1", "c1", "parcel from the customer", at(4*time.Minute)))
	enqueueLocal(t, s, "L1", "c1", "parcel from here", at(5*time.Minute), OutboxSending)
	hits, err := s.Search(context.Background(), "parcel", 10)
	must(t, err)
	got := map[string]bool{}
	for _, h := range hits {
		got[h.Message.Key()] = h.Mine
	}
	want := map[string]bool{"o1": true, "o2": false, "o3": false, "i1": false, "local:L1": true}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("hit %s: mine = %v (found %v), want %v", k, g, ok, w)
		}
	}
}
