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
