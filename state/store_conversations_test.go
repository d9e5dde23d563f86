package state

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestSetConversationMeta(t *testing.T) {
	s := openTest(t)
	apply(t, s, inMsg("m1", "c1", "hi", t0))
	tests := []struct {
		name          string
		id            string
		folder        Folder
		user, team    string
		wantChanged   bool
		wantErr       bool
		wantFolder    Folder
		wantMetaKnown bool
	}{
		{"same as default still marks known", "c1", FolderInbox, "", "", false, false, FolderInbox, true},
		{"again: no change", "c1", "", "", "", false, false, FolderInbox, true},
		{"assign", "c1", FolderInbox, "u1", "", true, false, FolderInbox, true},
		{"archive", "c1", FolderArchive, "u1", "", true, false, FolderArchive, true},
		{"to team", "c1", FolderArchive, "", "t1", true, false, FolderArchive, true},
		{"unknown folder", "c1", "trash", "", "", false, true, FolderArchive, true},
		{"new row", "c2", FolderSpam, "", "", true, false, FolderSpam, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed, err := s.SetConversationMeta(tt.id, tt.folder, tt.user, tt.team)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error %v", err, tt.wantErr)
			}
			if changed != tt.wantChanged {
				t.Errorf("changed = %v, want %v", changed, tt.wantChanged)
			}
			c := getConv(t, s, tt.id)
			if c.Folder != tt.wantFolder || c.MetaKnown != tt.wantMetaKnown {
				t.Errorf("conversation = %+v", c)
			}
			if !tt.wantErr && (c.UserID != tt.user || c.TeamID != tt.team) {
				t.Errorf("assignee = %q/%q, want %q/%q", c.UserID, c.TeamID, tt.user, tt.team)
			}
		})
	}
	if c := getConv(t, s, "c1"); c.Preview != "hi" || c.Unread != 1 {
		t.Errorf("meta changed the aggregates: %+v", c)
	}
	if _, err := s.SetConversationMeta("", FolderInbox, "", ""); err == nil {
		t.Error("empty id accepted")
	}
	checkIntegrity(t, s)
}

func TestConversationsWithoutMeta(t *testing.T) {
	s := openTest(t)
	apply(t, s, inMsg("m1", "c1", "a", at(1*time.Minute)), inMsg("m2", "c2", "b", at(3*time.Minute)),
		inMsg("m3", "c3", "c", at(2*time.Minute)), inMsg("m4", "c4", "d", at(3*time.Minute)))
	ids, err := s.ConversationsWithoutMeta(10)
	must(t, err)
	if want := []string{"c2", "c4", "c3", "c1"}; !slices.Equal(ids, want) {
		t.Errorf("without meta = %v, want %v", ids, want)
	}
	_, err = s.SetConversationMeta("c4", FolderInbox, "", "")
	must(t, err)
	ids, _ = s.ConversationsWithoutMeta(2)
	if want := []string{"c2", "c3"}; !slices.Equal(ids, want) {
		t.Errorf("without meta = %v, want %v", ids, want)
	}
	if ids, _ := s.ConversationsWithoutMeta(0); ids != nil {
		t.Errorf("limit 0 = %v", ids)
	}
}

// viewFixture is a store with conversations in every folder and
// assignment, and windows at known distances from t0.
func viewFixture(t *testing.T) *Store {
	t.Helper()
	s := openTest(t)
	type conv struct {
		id         string
		folder     Folder
		user, team string
		lastIn     time.Duration // 0: no customer message
		lastOut    time.Duration // 0: no reply
	}
	convs := []conv{
		{"a", FolderInbox, "", "", -1 * time.Hour, 0},
		{"b", FolderInbox, "u1", "", -23 * time.Hour, 0},                   // closes in 1h: closing soon
		{"c", FolderInbox, "", "", -22*time.Hour - time.Minute, 0},         // closes in 1h59m: closing soon
		{"d", FolderInbox, "", "t1", -22 * time.Hour, 0},                   // closes in exactly 2h: not yet
		{"e", FolderInbox, "u2", "", -24 * time.Hour, 0},                   // closes now: closed
		{"f", FolderInbox, "", "", -23*time.Hour - 59*time.Minute, 0},      // 1 minute left
		{"g", FolderInbox, "u1", "", -23 * time.Hour, -22 * time.Hour},     // we replied last
		{"h", FolderInbox, "", "", -23 * time.Hour, -23 * time.Hour},       // same time: customer's counts
		{"i", FolderArchive, "", "", -23 * time.Hour, 0},                   // closing, but archived
		{"j", FolderSpam, "", "", -2 * time.Hour, 0},                       //
		{"k", FolderInbox, "", "", 0, -time.Minute},                        // never a customer message
		{"l", FolderInbox, "u1", "", -30 * time.Minute, -10 * time.Minute}, //
		{"m", FolderArchive, "u1", "", -3 * time.Hour, 0},                  //
		{"n", FolderInbox, "", "t1", -23*time.Hour - 30*time.Minute, 0},    // closing, team
		{"o", FolderInbox, "", "", -23*time.Hour - 30*time.Minute, 0},      // same urgency as n: by id
	}
	var msgs []Message
	for _, c := range convs {
		if c.lastIn != 0 {
			msgs = append(msgs, inMsg("in-"+c.id, c.id, "from "+c.id, at(c.lastIn)))
		}
		if c.lastOut != 0 {
			msgs = append(msgs, outMsg("out-"+c.id, c.id, "to "+c.id, at(c.lastOut), StatusRead))
		}
	}
	apply(t, s, msgs...)
	for _, c := range convs {
		_, err := s.SetConversationMeta(c.id, c.folder, c.user, c.team)
		must(t, err)
	}
	return s
}

func TestViews(t *testing.T) {
	s := viewFixture(t)
	checkIntegrity(t, s)
	tests := []struct {
		name string
		v    View
		want []string
	}{
		// Most recent activity first.
		{"inbox", View{}, []string{"k", "l", "a", "d", "g", "c", "b", "h", "n", "o", "f", "e"}},
		{"inbox explicit", View{Folder: FolderInbox}, []string{"k", "l", "a", "d", "g", "c", "b", "h", "n", "o", "f", "e"}},
		{"archive", View{Folder: FolderArchive}, []string{"m", "i"}},
		{"spam", View{Folder: FolderSpam}, []string{"j"}},
		{"mine", View{UserID: "u1"}, []string{"l", "g", "b"}},
		{"mine archived", View{Folder: FolderArchive, UserID: "u1"}, []string{"m"}},
		{"team", View{TeamID: "t1"}, []string{"d", "n"}},
		{"unassigned", View{Unassigned: true}, []string{"k", "a", "c", "h", "o", "f"}},
		{"nobody's", View{UserID: "nobody"}, nil},
		// Window open at t0 with under 2h left, customer last; most urgent first.
		{"closing soon", View{ClosingSoon: true, Now: t0}, []string{"f", "n", "o", "b", "h", "c"}},
		{"closing soon, mine", View{ClosingSoon: true, Now: t0, UserID: "u1"}, []string{"b"}},
		{"closing soon, unassigned", View{ClosingSoon: true, Now: t0, Unassigned: true}, []string{"f", "o", "h", "c"}},
		{"closing soon, archive", View{ClosingSoon: true, Now: t0, Folder: FolderArchive}, []string{"i"}},
		{"closing soon an hour later", View{ClosingSoon: true, Now: at(time.Hour)}, []string{"c", "d"}},
		{"closing soon without a clock", View{ClosingSoon: true}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListConversations(tt.v, 0, 100)
			must(t, err)
			var ids []string
			for _, c := range got {
				ids = append(ids, c.ID)
			}
			if !slices.Equal(ids, tt.want) {
				t.Errorf("list = %v, want %v", ids, tt.want)
			}
			n, err := s.CountConversations(tt.v)
			must(t, err)
			if n != len(tt.want) {
				t.Errorf("count = %d, want %d", n, len(tt.want))
			}
			for i, id := range tt.want {
				if idx, err := s.IndexOf(tt.v, id); err != nil || idx != i {
					t.Errorf("IndexOf(%s) = %d, %v; want %d", id, idx, err, i)
				}
			}
			for _, id := range []string{"a", "e", "i", "zz"} {
				if !slices.Contains(tt.want, id) {
					if idx, err := s.IndexOf(tt.v, id); err != nil || idx != -1 {
						t.Errorf("IndexOf(%s) = %d, %v; want -1", id, idx, err)
					}
				}
			}
			// Pages stitch together.
			var paged []string
			for off := 0; ; off += 5 {
				page, err := s.ListConversations(tt.v, off, 5)
				must(t, err)
				for _, c := range page {
					paged = append(paged, c.ID)
				}
				if len(page) < 5 {
					break
				}
			}
			if !slices.Equal(paged, tt.want) {
				t.Errorf("paged = %v, want %v", paged, tt.want)
			}
		})
	}
	// The closing-soon rows are what the window code calls closing.
	list, _ := s.ListConversations(View{ClosingSoon: true, Now: t0}, 0, 100)
	for _, c := range list {
		if w := WindowAt(c.WindowExpiry(), t0); w.State != WindowClosing {
			t.Errorf("%s listed as closing soon but its window is %v", c.ID, w)
		}
	}
	if got, _ := s.ListConversations(View{}, 0, 0); got != nil {
		t.Errorf("limit 0 = %v", got)
	}
	if got, _ := s.ListConversations(View{}, -5, 1); len(got) != 1 || got[0].ID != "k" {
		t.Errorf("negative offset = %v", got)
	}
}

func TestViewTiesAreStable(t *testing.T) {
	s := openTest(t)
	var msgs []Message
	for i := range 30 {
		msgs = append(msgs, inMsg(fmt.Sprint("m", i), fmt.Sprintf("c%02d", 29-i), "same time", t0))
	}
	apply(t, s, msgs...)
	got, err := s.ListConversations(View{}, 0, 100)
	must(t, err)
	for i, c := range got {
		if want := fmt.Sprintf("c%02d", i); c.ID != want {
			t.Fatalf("position %d = %s, want %s (ties by id)", i, c.ID, want)
		}
		if idx, _ := s.IndexOf(View{}, c.ID); idx != i {
			t.Errorf("IndexOf(%s) = %d, want %d", c.ID, idx, i)
		}
	}
}

func TestFolderCounts(t *testing.T) {
	s := openTest(t)
	counts, err := s.FolderCounts()
	must(t, err)
	if want := map[Folder]int{FolderInbox: 0, FolderArchive: 0, FolderSpam: 0}; !mapsEqual(counts, want) {
		t.Errorf("empty store counts = %v", counts)
	}
	s = viewFixture(t)
	counts, err = s.FolderCounts()
	must(t, err)
	if want := map[Folder]int{FolderInbox: 12, FolderArchive: 2, FolderSpam: 1}; !mapsEqual(counts, want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
}

func mapsEqual[K comparable, V comparable](a, b map[K]V) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestMarkReadPersists(t *testing.T) {
	s := openTest(t)
	apply(t, s, inMsg("m1", "c1", "a", at(0)), inMsg("m2", "c1", "b", at(time.Minute)))
	must(t, s.MarkRead("c1", at(time.Minute)))
	// A message at exactly the read time was seen.
	apply(t, s, inMsg("m3", "c1", "c", at(time.Minute)))
	if c := getConv(t, s, "c1"); c.Unread != 0 {
		t.Errorf("unread = %d, want 0", c.Unread)
	}
	apply(t, s, inMsg("m4", "c1", "d", at(time.Minute+time.Nanosecond)))
	if c := getConv(t, s, "c1"); c.Unread != 1 {
		t.Errorf("unread = %d, want 1", c.Unread)
	}
}

// TestConversationTags: a batch's tags replace a conversation's in the
// same write as its messages; conversations it does not name keep theirs;
// unknown ones are skipped; reads fill Conversation.Tags.
func TestConversationTags(t *testing.T) {
	s := openTest(t)
	apply(t, s, inMsg("m1", "c1", "hi", t0), inMsg("m2", "c2", "yo", t0))
	tests := []struct {
		name        string
		batch       Batch
		want        map[string][]string
		wantChanged []string
	}{
		{"with a new message", Batch{Messages: []Message{inMsg("m3", "c1", "again", at(time.Minute))},
			Tags: map[string][]string{"c1": {"VIP", "late payer"}}},
			map[string][]string{"c1": {"VIP", "late payer"}, "c2": nil}, []string{"c1"}},
		{"alone, another conversation", Batch{Tags: map[string][]string{"c2": {"new"}}},
			map[string][]string{"c1": {"VIP", "late payer"}, "c2": {"new"}}, []string{"c2"}},
		{"the same again: no change", Batch{Tags: map[string][]string{"c2": {"new"}}},
			map[string][]string{"c2": {"new"}}, nil},
		{"cleared", Batch{Tags: map[string][]string{"c1": {}}},
			map[string][]string{"c1": nil, "c2": {"new"}}, []string{"c1"}},
		{"unknown conversation skipped", Batch{Tags: map[string][]string{"c9": {"x"}}},
			map[string][]string{"c9": nil}, nil},
		{"with metadata, in order", Batch{Conversations: map[string]ConversationMeta{"c1": {Folder: FolderArchive}},
			Tags: map[string][]string{"c1": {"<b>\x1b[31m"}}},
			map[string][]string{"c1": {"<b>\x1b[31m"}}, []string{"c1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := s.ApplyMessages(tt.batch, t0)
			if err != nil {
				t.Fatal(err)
			}
			for _, id := range tt.wantChanged {
				if !slices.Contains(res.Changed, id) {
					t.Errorf("Changed = %v, want %s in it", res.Changed, id)
				}
			}
			if len(tt.wantChanged) == 0 && len(res.Changed) != 0 {
				t.Errorf("Changed = %v, want none", res.Changed)
			}
			for id, want := range tt.want {
				c, ok, err := s.Conversation(id)
				if err != nil {
					t.Fatal(err)
				}
				if ok && !slices.Equal(c.Tags, want) || !ok && want != nil {
					t.Errorf("%s: tags %q, want %q", id, c.Tags, want)
				}
			}
		})
	}
	list, err := s.ListConversations(View{Folder: FolderInbox}, 0, 10)
	if err != nil || len(list) != 1 || !slices.Equal(list[0].Tags, []string{"new"}) {
		t.Errorf("list: %+v, %v", list, err)
	}
	if ch, err := s.SetConversationTags("c2", []string{"a", "b"}); err != nil || !ch {
		t.Errorf("SetConversationTags: %v, %v", ch, err)
	}
	if ch, err := s.SetConversationTags("c2", []string{"a", "b"}); err != nil || ch {
		t.Errorf("SetConversationTags again: %v, %v", ch, err)
	}
	if c := getConv(t, s, "c2"); !slices.Equal(c.Tags, []string{"a", "b"}) {
		t.Errorf("after SetConversationTags: %q", c.Tags)
	}
	checkIntegrity(t, s)
}
