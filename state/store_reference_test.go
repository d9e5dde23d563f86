package state

import (
	"reflect"
	"testing"
	"time"
)

func TestAccounts(t *testing.T) {
	s := openTest(t)
	if got, err := s.Accounts(); err != nil || len(got) != 0 {
		t.Fatalf("empty Accounts = %v, %v", got, err)
	}
	must(t, s.ReplaceAccounts([]Account{{ID: "a2", Name: "zeta", Phone: "+2"}, {ID: "a1", Name: "Acme", Phone: "+1"}}))
	got, err := s.Accounts()
	must(t, err)
	if want := []Account{{ID: "a1", Name: "Acme", Phone: "+1"}, {ID: "a2", Name: "zeta", Phone: "+2"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Accounts = %v, want %v", got, want)
	}
	// Replace replaces the whole set; a duplicate id keeps the last.
	must(t, s.ReplaceAccounts([]Account{{ID: "a3", Name: "Beta"}, {ID: "a3", Name: "Beta 2"}}))
	got, _ = s.Accounts()
	if want := []Account{{ID: "a3", Name: "Beta 2"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Accounts = %v, want %v", got, want)
	}
	must(t, s.ReplaceAccounts(nil))
	if got, _ := s.Accounts(); len(got) != 0 {
		t.Errorf("Accounts after replacing with nothing = %v", got)
	}
}

func TestInboxes(t *testing.T) {
	s := openTest(t)
	must(t, s.ReplaceInboxes([]Inbox{{ID: "i2", AccountID: "a1", Name: "Sales"}, {ID: "i1", AccountID: "a1", Name: "Billing"},
		{ID: "i3", AccountID: "a0", Name: "Zed"}}))
	got, err := s.Inboxes()
	must(t, err)
	want := []Inbox{{ID: "i3", AccountID: "a0", Name: "Zed"}, {ID: "i1", AccountID: "a1", Name: "Billing"}, {ID: "i2", AccountID: "a1", Name: "Sales"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Inboxes = %v, want %v", got, want)
	}
	must(t, s.ReplaceInboxes([]Inbox{{ID: "i9", AccountID: "a9", Name: "Only"}}))
	if got, _ := s.Inboxes(); len(got) != 1 || got[0].ID != "i9" {
		t.Errorf("Inboxes after replace = %v", got)
	}
}

func TestUsers(t *testing.T) {
	s := openTest(t)
	must(t, s.ReplaceUsers([]User{
		{ID: "u1", FirstName: "Bo", LastName: "Zed", AccountIDs: []string{"a2", "a1", "a2"}},
		{ID: "u2", FirstName: "ana", LastName: "Smith"},
		{ID: "u3", FirstName: "Bo", LastName: "Adams", AccountIDs: []string{"a1"}},
	}))
	got, err := s.Users()
	must(t, err)
	want := []User{
		{ID: "u2", FirstName: "ana", LastName: "Smith"},
		{ID: "u3", FirstName: "Bo", LastName: "Adams", AccountIDs: []string{"a1"}},
		{ID: "u1", FirstName: "Bo", LastName: "Zed", AccountIDs: []string{"a2", "a1"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Users = %+v\nwant %+v", got, want)
	}
	must(t, s.ReplaceUsers([]User{{ID: "u3", FirstName: "Bo", LastName: "Adams"}}))
	got, _ = s.Users()
	if want := []User{{ID: "u3", FirstName: "Bo", LastName: "Adams"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Users after replace = %+v", got)
	}
	if n := rowCount(t, s, "user_accounts"); n != 0 {
		t.Errorf("%d account links left behind", n)
	}
}

func TestTeams(t *testing.T) {
	s := openTest(t)
	must(t, s.ReplaceTeams([]Team{
		{ID: "t2", Name: "Support", Description: "first line", UserIDs: []string{"u2", "u1"}},
		{ID: "t1", Name: "Billing", AccountIDs: []string{"a1"}, UserIDs: []string{"u1"}},
	}))
	got, err := s.Teams()
	must(t, err)
	want := []Team{
		{ID: "t1", Name: "Billing", AccountIDs: []string{"a1"}, UserIDs: []string{"u1"}},
		{ID: "t2", Name: "Support", Description: "first line", UserIDs: []string{"u2", "u1"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Teams = %+v\nwant %+v", got, want)
	}
	if !got[1].Serves("any") || got[0].Serves("a2") {
		t.Error("Serves does not follow the stored accounts")
	}
	must(t, s.ReplaceTeams(nil))
	if got, _ := s.Teams(); len(got) != 0 {
		t.Errorf("Teams after replace = %+v", got)
	}
	if n := rowCount(t, s, "team_users") + rowCount(t, s, "team_accounts"); n != 0 {
		t.Errorf("%d links left behind", n)
	}
}

func TestTemplates(t *testing.T) {
	s := openTest(t)
	must(t, s.ReplaceTemplates([]Template{
		{ID: "t1", AccountID: "a1", Name: "welcome", Status: "Pending", Text: "Hi {{1}}"},
		{ID: "t2", AccountID: "a1", Name: "zz_followup", Status: "Approved", Text: "Still there?"},
		{ID: "t3", AccountID: "a2", Name: "apology", Status: "approved", Text: "Sorry", Example: "Sorry"},
		{ID: "t4", AccountID: "a1", Name: "Appointment", Status: "APPROVED", Text: "See you"},
		{ID: "t5", AccountID: "a1", Name: "bad", Status: "Rejected", Text: "x"},
	}))
	ids := func(ts []Template) []string {
		var out []string
		for _, t := range ts {
			out = append(out, t.ID)
		}
		return out
	}
	tests := []struct {
		account string
		want    []string
	}{
		{"a1", []string{"t4", "t2", "t5", "t1"}},
		{"a2", []string{"t3"}},
		{"", []string{"t3", "t4", "t2", "t5", "t1"}},
		{"none", nil},
	}
	for _, tt := range tests {
		got, err := s.Templates(tt.account)
		must(t, err)
		if !reflect.DeepEqual(ids(got), tt.want) {
			t.Errorf("Templates(%q) = %v, want %v", tt.account, ids(got), tt.want)
		}
	}
	got, _ := s.Templates("a2")
	if want := (Template{ID: "t3", AccountID: "a2", Name: "apology", Status: "approved", Text: "Sorry", Example: "Sorry"}); got[0] != want {
		t.Errorf("template = %+v", got[0])
	}
	must(t, s.ReplaceTemplates([]Template{{ID: "t9", AccountID: "a1", Name: "n", Status: "Approved"}}))
	if got, _ := s.Templates(""); len(got) != 1 {
		t.Errorf("Templates after replace = %v", ids(got))
	}
}

func TestContacts(t *testing.T) {
	s := openTest(t)
	c := Contact{ID: "k1", AccountID: "a1", Name: "Ana Lima", Number: "+447902111123", Status: "Subscribed",
		Email: "ana@example.com", Tags: []string{"vip", "lisbon"}, Created: t0}
	must(t, s.UpsertContacts([]Contact{c}))
	got, ok, err := s.Contact("k1")
	if err != nil || !ok || !reflect.DeepEqual(got, c) {
		t.Errorf("Contact = %+v, %v, %v\nwant %+v", got, ok, err, c)
	}
	if _, ok, err := s.Contact("nope"); ok || err != nil {
		t.Errorf("Contact(nope) = %v, %v", ok, err)
	}
	// Conversations of the contact follow a rename; others do not change.
	apply(t, s, Message{ID: "m1", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Body: "hi", Time: t0},
		Message{ID: "m2", ConversationID: "c2", AccountID: "a1", ContactID: "k2", Body: "hi", Time: t0})
	if conv := getConv(t, s, "c1"); conv.ContactName != "Ana Lima" || conv.ContactNumber != "+447902111123" {
		t.Errorf("c1 = %+v", conv)
	}
	c.Name, c.Number, c.Tags, c.Created = "Ana Lima-Souza", "+351911222333", nil, time.Time{}
	must(t, s.UpsertContacts([]Contact{c}))
	got, _, _ = s.Contact("k1")
	if !reflect.DeepEqual(got, c) {
		t.Errorf("Contact after upsert = %+v\nwant %+v", got, c)
	}
	if conv := getConv(t, s, "c1"); conv.ContactName != "Ana Lima-Souza" || conv.ContactNumber != "+351911222333" {
		t.Errorf("c1 after rename = %+v", conv)
	}
	if conv := getConv(t, s, "c2"); conv.ContactName != "" {
		t.Errorf("c2 = %+v", conv)
	}
	if err := s.UpsertContacts([]Contact{{Name: "no id"}}); err == nil {
		t.Error("contact without id accepted")
	}
	must(t, s.UpsertContacts(nil))
	checkIntegrity(t, s)
}

func TestSearchDigits(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"+44 (7902) 111-123", "447902111123 47902111123 7902111123 902111123 02111123 2111123 111123 11123 1123 123 23 3"},
		{"+1", "1"},
		{"abc", ""},
	}
	for _, tt := range tests {
		if got := searchDigits(tt.in); got != tt.want {
			t.Errorf("searchDigits(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
