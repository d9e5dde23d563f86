package ui

import (
	"strings"
	"testing"
)

// The footer shows the keys of where the agent is: the inbox's in the
// panes, the composer's while writing (where letters, ? and q type text).
func TestFooterFollowsTheComposer(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	footer := func() string {
		lines := strings.Split(ti.frame(), "\n")
		return lines[len(lines)-1]
	}
	if f := footer(); !strings.Contains(f, "r reply") || strings.Contains(f, "send") {
		t.Fatalf("the inbox footer: %q", f)
	}
	ti.selectRow("Ana Lima")
	ti.keys("enter", "r")
	f := footer()
	for _, want := range []string{"enter", "ctrl+j", "ctrl+o", "ctrl+f attach file"} {
		if !strings.Contains(f, want) {
			t.Errorf("the composer's footer %q lacks %q", f, want)
		}
	}
	if strings.Contains(f, "r reply") || strings.Contains(f, "q q") {
		t.Errorf("the composer's footer shows inbox keys: %q", f)
	}
	ti.keys("esc")
	if f := footer(); !strings.Contains(f, "r reply") {
		t.Errorf("back in the thread, the footer %q", f)
	}
}
