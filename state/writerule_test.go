package state

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWriteRule(t *testing.T) {
	mine := Conversation{ID: "c1", UserID: "me"}
	other := Conversation{ID: "c2", UserID: "u2"}
	team := Conversation{ID: "c3", TeamID: "t1"}
	otherTeam := Conversation{ID: "c4", TeamID: "t9"}
	nobody := Conversation{ID: "c5"}
	started := Conversation{ID: NewConversationID("a1", "k1")}
	tests := []struct {
		name  string
		rule  writeRule
		conv  Conversation
		ro    bool
		words string
	}{
		{"all", writeRule{me: "me"}, other, false, ""},
		{"assigned: mine", writeRule{me: "me", scope: WriteAssigned}, mine, false, ""},
		{"assigned: someone else's", writeRule{me: "me", scope: WriteAssigned}, other, true, whyAssignedOther},
		{"assigned: nobody's", writeRule{me: "me", scope: WriteAssigned}, nobody, true, whyAssignYourself},
		{"assigned: a team's", writeRule{me: "me", scope: WriteAssigned}, team, true, whyAssignYourself},
		{"assigned: started here", writeRule{me: "me", scope: WriteAssigned}, started, false, ""},
		{"assigned: user unknown", writeRule{scope: WriteAssigned}, other, false, ""},
		{"team: my team's", writeRule{me: "me", scope: WriteTeam, teams: []string{"t1"}}, team, false, ""},
		{"team: another team's", writeRule{me: "me", scope: WriteTeam, teams: []string{"t1"}}, otherTeam, true, whyTeam},
		{"team: mine", writeRule{me: "me", scope: WriteTeam}, mine, false, ""},
		{"none", writeRule{me: "me", scope: WriteNone}, mine, true, whyNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ro, why := tt.rule.readOnly(tt.conv)
			if ro != tt.ro || why != tt.words {
				t.Errorf("readOnly = %v %q, want %v %q", ro, why, tt.ro, tt.words)
			}
		})
	}
}

// TestReadOnlySend: the store judges conversations by the recorded user
// and scope, in every read; Send and SendTemplate refuse a read-only one
// before any request, in words.
func TestReadOnlySend(t *testing.T) {
	clock := &testClock{now: t0}
	be := newCore(clock.Now)
	be.add(coreMsg("m1", "k1", t0.Add(-time.Hour)))
	be.add(coreMsg("m2", "k2", t0.Add(-time.Hour)))
	s, e := coreEngine(t, be, clock)
	e.SetMe("me")
	must(t, s.SetWriteScope(WriteAssigned))
	if _, err := s.SetConversationMeta("c-k1", FolderInbox, "me", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetConversationMeta("c-k2", FolderInbox, "", ""); err != nil {
		t.Fatal(err)
	}
	list, err := s.ListConversations(View{}, 0, 10)
	if err != nil || len(list) != 2 {
		t.Fatal(list, err)
	}
	for _, c := range list {
		if want := c.ID == "c-k2"; c.ReadOnly != want {
			t.Errorf("%s: ReadOnly %v (%q)", c.ID, c.ReadOnly, c.ReadOnlyWhy)
		}
	}
	sends := len(be.sends)
	var ie *InputError
	if _, err := e.Send("c-k2", "hello"); !errors.As(err, &ie) || ie.Error() != whyAssignYourself {
		t.Errorf("Send to a read-only conversation: %v", err)
	}
	conv := getConv(t, s, "c-k2")
	conv.ReadOnly = false // as a caller saw it before
	tpls, _ := s.Templates("a1")
	if _, err := e.SendTemplate(conv, tpls[0], map[int]string{1: "Ana", 2: "rent"}); !errors.As(err, &ie) {
		t.Errorf("SendTemplate to a read-only conversation: %v", err)
	}
	if _, err := e.Send("c-k1", "hello"); err != nil {
		t.Errorf("Send to my conversation: %v", err)
	}
	e.SendPending(context.Background())
	if len(be.sends) != sends+1 {
		t.Errorf("%d sends, want 1", len(be.sends)-sends)
	}
	// Everything again: the scope is back to all.
	must(t, s.SetWriteScope(WriteAll))
	if c := getConv(t, s, "c-k2"); c.ReadOnly {
		t.Errorf("after WriteAll: %+v", c)
	}
}
