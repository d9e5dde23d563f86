package main

// Triage on a platform with folders and no unassign (msgboxx's
// capabilities), through the root model with the real key map: e on the
// open conversation moves on; u takes a move back, and an assignment
// back to the previous person; an assignment of a conversation nobody
// had cannot be taken back here, and is not offered.

import (
	"strings"
	"testing"

	"github.com/mbx-inbox/mbx/state"
)

func TestTriageUndoFolders(t *testing.T) {
	h, st := triageHarness(t, &triageBackend{})
	h.keys("enter", "e") // Ana Lima, archived from her thread
	if c := folderOf(t, st, "c1"); c.Folder != state.FolderArchive {
		t.Fatalf("Ana is in %q", c.Folder)
	}
	f := h.frame(120)
	if !strings.Contains(f, "Archived Ana Lima · u undo") {
		t.Errorf("no undo offer:\n%s", f)
	}
	if first := strings.Split(f, "\n")[0]; !strings.Contains(first, "山本 美咲") {
		t.Errorf("the thread did not move on to the next conversation: %q", first)
	}
	h.keys("u")
	if c := folderOf(t, st, "c1"); c.Folder != state.FolderInbox {
		t.Errorf("after u Ana is in %q", c.Folder)
	}
	if f := h.frame(120); !strings.Contains(f, "Undone: moved Ana Lima to inbox") || !strings.Contains(strings.Split(f, "\n")[0], "Ana Lima") {
		t.Errorf("after u:\n%s", f)
	}

	// Helen's conversation to me, from the list, and back to Helen.
	h.keys("esc", "j", "j", "A")
	if c := folderOf(t, st, "c4"); c.UserID != "u-me" {
		t.Fatalf("c4 assigned to %q", c.UserID)
	}
	if !strings.Contains(h.frame(120), "· u undo") {
		t.Errorf("no undo offer for the assignment:\n%s", h.frame(120))
	}
	h.keys("u")
	if c := folderOf(t, st, "c4"); c.UserID != "u-2" {
		t.Errorf("after u c4 is %q's, want Helen's", c.UserID)
	}

	// Chloé had nobody: msgboxx cannot take an assignee away.
	h.keys("j", "A")
	if c := folderOf(t, st, "c3"); c.UserID != "u-me" {
		t.Fatalf("c3 assigned to %q", c.UserID)
	}
	if f := h.frame(120); strings.Contains(f, "u undo") {
		t.Errorf("an undo msgboxx cannot do is offered:\n%s", f)
	}
}
