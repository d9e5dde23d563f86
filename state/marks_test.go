package state

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestTallyAndOutcome(t *testing.T) {
	refused := &BackendError{Kind: KindRefused, Message: "locked"}
	ok := func(id string) ActionResult { return ActionResult{ConversationID: id, Label: id} }
	bad := func(id string) ActionResult { return ActionResult{ConversationID: id, Label: id, Err: refused} }
	tests := []struct {
		results  []ActionResult
		ch       Change
		assignee string
		resolve  bool
		want     string
	}{
		{nil, Change{Folder: FolderArchive}, "", false, "Nothing to change"},
		{[]ActionResult{ok("a"), ok("b")}, Change{Folder: FolderArchive}, "", false, "2 archived"},
		{[]ActionResult{ok("a"), ok("b")}, Change{Folder: FolderArchive}, "", true, "2 resolved"},
		{[]ActionResult{bad("a"), bad("b")}, Change{Folder: FolderInbox}, "", true, "Could not reopen 2 conversations"},
		{[]ActionResult{ok("a"), bad("b"), ok("c")}, Change{Folder: FolderArchive}, "", false, "2 archived, 1 failed"},
		{[]ActionResult{bad("a"), bad("b")}, Change{Folder: FolderSpam}, "", false, "Could not mark 2 conversations as spam"},
		{[]ActionResult{ok("a"), ok("b"), bad("c")}, Change{TeamID: "t1"}, "Head Office", true, "2 assigned to team Head Office, 1 failed"},
		{[]ActionResult{bad("a")}, Change{UserID: "u1"}, "Sam", false, "Could not assign 1 conversation to Sam"},
	}
	for _, tt := range tests {
		if got := Tally(tt.results, tt.ch, tt.assignee, tt.resolve); got != tt.want {
			t.Errorf("Tally(%v) = %q, want %q", tt.results, got, tt.want)
		}
	}
	for _, tt := range []struct {
		r       ActionResult
		ch      Change
		resolve bool
		want    string
	}{
		{ok("a"), Change{Folder: FolderArchive}, false, "archived"},
		{ok("a"), Change{Folder: FolderArchive}, true, "resolved"},
		{ok("a"), Change{Folder: FolderInbox, UserID: "u"}, false, "moved to inbox and assigned to Sam"},
		{ok("a"), Change{Folder: FolderInbox, UserID: "u"}, true, "reopened and assigned to Sam"},
		{bad("a"), Change{Folder: FolderArchive}, true, "refused by the platform: locked"},
		{ActionResult{Err: context.Canceled}, Change{Folder: FolderArchive}, false, "cancelled"},
	} {
		if got := Outcome(tt.r, tt.ch, "Sam", tt.resolve); got != tt.want {
			t.Errorf("Outcome(%v) = %q, want %q", tt.r, got, tt.want)
		}
	}
}

func TestMarkRefChanged(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	was := MarkRef{ID: "c", UserID: "u1", LastOutbound: at}
	for _, tt := range []struct {
		now                 MarkRef
		reassigned, replied bool
	}{
		{was, false, false},
		{MarkRef{ID: "c", UserID: "u2", LastOutbound: at}, true, false},
		{MarkRef{ID: "c", UserID: "u1", TeamID: "t", LastOutbound: at}, true, false},
		{MarkRef{ID: "c", UserID: "u1", LastOutbound: at.Add(time.Second)}, false, true},
		{MarkRef{ID: "c", LastOutbound: at.Add(time.Second)}, true, true},
	} {
		r, p := was.Changed(tt.now)
		if r != tt.reassigned || p != tt.replied {
			t.Errorf("Changed(%+v) = %v, %v; want %v, %v", tt.now, r, p, tt.reassigned, tt.replied)
		}
	}
}

// fillConversations inserts n conversations straight into the table:
// every tenth archived, every third assigned to u1, the rest unassigned.
func fillConversations(t testing.TB, s *Store, n int, now time.Time) {
	t.Helper()
	tx, err := s.db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	st, err := tx.Prepare(`INSERT INTO conversations (id, account_id, contact_name, folder, user_id, last_outbound, last_activity)
		VALUES (?, 'a1', ?, ?, ?, ?, ?)`)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		folder, user := "inbox", ""
		if i%10 == 9 {
			folder = "archive"
		}
		if i%3 == 0 {
			user = "u1"
		}
		if _, err := st.Exec(fmt.Sprintf("c%06d", i), fmt.Sprintf("Customer %d", i), folder, user,
			toNanos(now.Add(-time.Duration(i)*time.Minute)), toNanos(now.Add(-time.Duration(i)*time.Second))); err != nil {
			t.Fatal(err)
		}
	}
	if err := errors.Join(st.Close(), tx.Commit()); err != nil {
		t.Fatal(err)
	}
}

// Marking every conversation of a view reads ids and marks only, in the
// view's order (the time at 100k: BenchmarkViewMarkRefs).
func TestViewMarkRefs(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "marks.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	now := time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC)
	n := 5_000
	fillConversations(t, s, n, now)

	refs, err := s.ViewMarkRefs(View{Folder: FolderInbox})
	if err != nil {
		t.Fatal(err)
	}
	if len(refs) != n-n/10 {
		t.Fatalf("marked %d, want %d", len(refs), n-n/10)
	}
	if refs[0].ID != "c000000" || refs[1].ID != "c000001" || refs[0].UserID != "u1" || !refs[1].LastOutbound.Equal(now.Add(-time.Minute)) {
		t.Errorf("first marks: %+v", refs[:2])
	}
	count, _ := s.CountConversations(View{Folder: FolderInbox, Unassigned: true})
	un, err := s.ViewMarkRefs(View{Folder: FolderInbox, Unassigned: true})
	if err != nil || len(un) != count || slices.ContainsFunc(un, func(m MarkRef) bool { return m.UserID != "" }) {
		t.Errorf("unassigned: %d marks (count %d), err %v", len(un), count, err)
	}

	// MarkRefs reads them again by id, across its chunks; unknown ids
	// are left out.
	ids := []string{"nope"}
	for i := range 1203 {
		ids = append(ids, fmt.Sprintf("c%06d", i*4)) // all within the 5,000
	}
	again, err := s.MarkRefs(ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != 1203 {
		t.Errorf("MarkRefs: %d, want 1203", len(again))
	}
}

// BenchmarkViewMarkRefs: V (mark all in view) on the Inbox of a store of
// 100k conversations (90k in the Inbox).
func BenchmarkViewMarkRefs(b *testing.B) {
	s, err := Open(filepath.Join(b.TempDir(), "marks.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	fillConversations(b, s, 100_000, time.Date(2026, 1, 2, 12, 0, 0, 0, time.UTC))
	b.ResetTimer()
	for b.Loop() {
		if refs, err := s.ViewMarkRefs(View{Folder: FolderInbox}); err != nil || len(refs) != 90_000 {
			b.Fatalf("%d marks, %v", len(refs), err)
		}
	}
}
