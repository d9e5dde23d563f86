package state

import (
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

func TestDrafts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mbx.db")
	s, err := Open(path)
	must(t, err)
	tests := []struct {
		name string
		save Draft
		want map[string]string // conversation → text after the save
	}{
		{"first", Draft{ConversationID: "c1", Text: "Hello, I'll check", Updated: at(0)}, map[string]string{"c1": "Hello, I'll check"}},
		{"second conversation", Draft{ConversationID: "c2", Text: "multi\nline  ", Updated: at(time.Minute)}, map[string]string{"c1": "Hello, I'll check", "c2": "multi\nline  "}},
		{"replace", Draft{ConversationID: "c1", Text: "Hello, I checked", Updated: at(2 * time.Minute)}, map[string]string{"c1": "Hello, I checked", "c2": "multi\nline  "}},
		{"empty deletes", Draft{ConversationID: "c2", Text: "", Updated: at(3 * time.Minute)}, map[string]string{"c1": "Hello, I checked"}},
		{"whitespace deletes", Draft{ConversationID: "c1", Text: " \n\t", Updated: at(4 * time.Minute)}, map[string]string{}},
		{"deleting nothing", Draft{ConversationID: "c3"}, map[string]string{}},
		{"again", Draft{ConversationID: "c3", Text: "kept", Updated: at(5 * time.Minute)}, map[string]string{"c3": "kept"}},
	}
	for _, tt := range tests {
		must(t, s.SaveDraft(tt.save))
		ds, err := s.Drafts()
		must(t, err)
		got := map[string]string{}
		for _, d := range ds {
			got[d.ConversationID] = d.Text
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: drafts = %v, want %v", tt.name, got, tt.want)
		}
	}
	if err := s.SaveDraft(Draft{Text: "no conversation"}); err == nil {
		t.Error("draft without conversation accepted")
	}
	must(t, s.SaveDraft(Draft{ConversationID: "c4", Text: "newer", Updated: at(time.Hour)}))
	must(t, s.Close())

	// Drafts survive a restart.
	s, err = Open(path)
	must(t, err)
	defer s.Close()
	d, ok, err := s.Draft("c3")
	if err != nil || !ok || d != (Draft{ConversationID: "c3", Text: "kept", Updated: at(5 * time.Minute)}) {
		t.Errorf("Draft(c3) after reopen = %+v, %v, %v", d, ok, err)
	}
	if _, ok, err := s.Draft("c1"); ok || err != nil {
		t.Errorf("Draft(c1) = %v, %v", ok, err)
	}
	ds, err := s.Drafts()
	must(t, err)
	if len(ds) != 2 || ds[0].ConversationID != "c4" || ds[1].ConversationID != "c3" {
		t.Errorf("Drafts = %+v, want newest first", ds)
	}
}

// A template sent to a conversation is not its draft: the draft stays
// (a reply clears it).
func TestTemplateKeepsDraft(t *testing.T) {
	st := openTest(t)
	if err := st.SaveDraft(Draft{ConversationID: "c1", Text: "half a reply", Updated: time.Now()}); err != nil {
		t.Fatal(err)
	}
	item := OutboxItem{LocalID: "l1", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Kind: OutboxTemplate,
		TemplateID: "t1", Body: "Hi Ana", Created: time.Now(), State: OutboxQueued}
	if err := st.Enqueue(item, Message{LocalID: "l1", Direction: Outbound, Template: true}); err != nil {
		t.Fatal(err)
	}
	if d, ok, err := st.Draft("c1"); err != nil || !ok || d.Text != "half a reply" {
		t.Fatalf("draft after a template = %+v %v %v, want it kept", d, ok, err)
	}
	item.LocalID, item.Kind = "l2", OutboxMessage
	if err := st.Enqueue(item, Message{LocalID: "l2", Direction: Outbound}); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := st.Draft("c1"); ok {
		t.Fatal("a reply left the draft")
	}
}
