package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

// TestStatusBarSkippedAndHistory: the bar counts the items the platform
// sent that were skipped, and says the history is still filling in
// beside "online".
func TestStatusBarSkippedAndHistory(t *testing.T) {
	tests := []struct {
		name string
		conn state.ConnStatus
		want []string
		not  []string
	}{
		{"online", state.ConnStatus{State: state.Online}, []string{"● online"}, []string{"skipped", "·"}},
		{"one skipped", state.ConnStatus{State: state.Online, Skipped: 1}, []string{"● online", "1 item skipped (see log)"}, nil},
		{"three skipped", state.ConnStatus{State: state.Online, Skipped: 3}, []string{"3 items skipped (see log)"}, nil},
		{"history filling", state.ConnStatus{State: state.Online, Progress: "loading history: 2 of 7 days"},
			[]string{"● online · loading history: 2 of 7 days"}, []string{"skipped"}},
		{"offline", state.ConnStatus{State: state.Offline, LastError: "connection refused", NextAttempt: time.Unix(4, 0)},
			[]string{"○ offline · retrying in 4s — connection refused"}, []string{"dial", "tcp"}},
		{"offline, a minute", state.ConnStatus{State: state.Offline, LastError: "no answer in time", NextAttempt: time.Unix(65, 0)},
			[]string{"○ offline · retrying in 1m 05s — no answer in time"}, nil},
		{"syncing, skipped", state.ConnStatus{State: state.Syncing, Progress: "loading the last hour", Skipped: 2},
			[]string{"syncing loading the last hour", "2 items skipped"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStatusBar("work")
			s.conn = tt.conn
			got := ansi.Strip(s.connText(newStyles(true), testKeys(), time.Unix(0, 0)))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("%q has %q", got, w)
				}
			}
		})
	}
}
