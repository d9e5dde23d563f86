package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
)

// The collision guard over the team inbox: the agent (Alex) opens Ben
// Okafor's conversation and writes; meanwhile the sync brings a
// colleague's reply or a reassignment into the store.

// colleagueReplies stores Robin's reply to Ben a minute before now, as a
// sync would (not published: the send reads the store).
func colleagueReplies(ti *teamInbox) {
	ti.t.Helper()
	_, err := ti.st.ApplyMessages(state.Batch{Messages: []state.Message{{ID: "o1", ConversationID: "c2", AccountID: "a1", ContactID: "k2",
		Direction: state.Outbound, Body: "Yes, applications close on Friday", Time: teamNow.Add(-2 * time.Minute), Status: state.StatusSent,
		Sender: "Robin Regular"}}}, teamNow)
	if err != nil {
		ti.t.Fatal(err)
	}
}

func reassignedToRobin(ti *teamInbox) {
	ti.t.Helper()
	if _, err := ti.st.SetConversationMeta("c2", state.FolderInbox, "u-2", ""); err != nil {
		ti.t.Fatal(err)
	}
}

// writeToBen opens Ben Okafor's conversation and types a reply.
func writeToBen(ti *teamInbox) {
	ti.selectRow("Ben Okafor")
	ti.keys("enter", "r", "I will check for you")
}

func TestCollisionPrompt(t *testing.T) {
	tests := []struct {
		name     string
		meantime func(ti *teamInbox)
		answer   string // "" none asked
		want     []string
		sent     bool
	}{
		{"nobody else: sent at once", func(*teamInbox) {}, "", nil, true},
		{"a colleague replied: send anyway", colleagueReplies, "enter", []string{"Robin Regular replied 2m ago", "“Yes, applications close on Friday"}, true},
		{"a colleague replied: look first", colleagueReplies, "esc", []string{"Robin Regular replied 2m ago"}, false},
		{"reassigned: look first", reassignedToRobin, "esc", []string{"reassigned to Robin Regular (was unassigned)"}, false},
		{"both: send anyway", func(ti *teamInbox) { colleagueReplies(ti); reassignedToRobin(ti) }, "enter",
			[]string{"Robin Regular replied 2m ago", "reassigned to Robin Regular (was unassigned)"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti := newTeamInbox(t, 120, 40, decorated{})
			writeToBen(ti)
			tt.meantime(ti)
			ti.keys("enter")
			d, asked := isOpen[*sendGuardDialog](ti.app)
			if asked != (tt.answer != "") {
				t.Fatalf("asked %v, want %v:\n%s", asked, tt.answer != "", ti.frame())
			}
			if asked {
				f := ti.frame()
				for _, w := range append(tt.want, "Since you opened Ben Okafor:", "enter send anyway · esc look first (reply kept)") {
					if !strings.Contains(f, w) {
						t.Errorf("the prompt lacks %q:\n%s", w, f)
					}
				}
				if items, _ := ti.st.Outbox(); len(items) != 0 {
					t.Fatalf("sent before the answer: %+v", items)
				}
				_ = d
				ti.keys(tt.answer)
				if _, open := isOpen[*sendGuardDialog](ti.app); open {
					t.Fatal("the prompt stays open")
				}
			}
			items, _ := ti.st.Outbox()
			if got := len(items) == 1 && items[0].Body == "I will check for you" && items[0].ConversationID == "c2"; got != tt.sent || len(items) > 1 {
				t.Fatalf("outbox %+v, want sent %v", items, tt.sent)
			}
			if tt.sent {
				if ti.app.comp.Value() != "" {
					t.Errorf("the composer still holds %q", ti.app.comp.Value())
				}
				// Seen now: the next reply goes without a question.
				ti.keys("r", "Anything else?", "enter")
				if _, open := isOpen[*sendGuardDialog](ti.app); open {
					t.Error("asked again about what the agent already answered")
				}
				return
			}
			if ti.app.comp.Value() != "I will check for you" || ti.app.focus != focusThread {
				t.Errorf("look first: composer %q, focus %v; want the text kept and the thread", ti.app.comp.Value(), ti.app.focus)
			}
			if d, _ := ti.app.core.Draft("c2"); d != "I will check for you" {
				t.Errorf("the draft is %q", d)
			}
			// Looked: the next enter sends.
			ti.keys("r", "enter")
			if items, _ := ti.st.Outbox(); len(items) != 1 {
				t.Errorf("after looking, enter did not send: %+v", items)
			}
		})
	}
}

// Keys typed between the send key and the prompt are not its answer: a
// reflexive second enter leaves the prompt open.
func TestCollisionPromptIgnoresKeysTypedBefore(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	writeToBen(ti)
	colleagueReplies(ti)
	enter := keyMsgs("enter")[0]
	_, check := ti.app.Update(enter) // the send key: the check is on its way
	_, held := ti.app.Update(enter)  // typed again before it answered
	ti.drive(held)
	ti.drive(check)
	if _, open := isOpen[*sendGuardDialog](ti.app); !open {
		t.Fatal("the second enter answered the prompt")
	}
	if items, _ := ti.st.Outbox(); len(items) != 0 {
		t.Fatalf("sent: %+v", items)
	}
	ti.keys("esc")
	if items, _ := ti.st.Outbox(); len(items) != 0 || ti.app.comp.Value() != "I will check for you" {
		t.Errorf("look first: outbox %+v, composer %q", items, ti.app.comp.Value())
	}
}

// The prompt at three sizes.
func TestGoldenCollisionFrames(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}, {"60x15", 60, 15}} {
		t.Run("collision_"+sz.name, func(t *testing.T) {
			ti := newTeamInbox(t, sz.w, sz.h, decorated{})
			writeToBen(ti)
			colleagueReplies(ti)
			reassignedToRobin(ti)
			ti.keys("enter")
			golden.RequireEqual(t, ti.frame())
		})
	}
}

// A colleague's name and text from the platform are drawn through the
// sanitizer: no escape of theirs reaches the terminal.
func TestCollisionPromptSanitizes(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	writeToBen(ti)
	_, err := ti.st.ApplyMessages(state.Batch{Messages: []state.Message{{ID: "o1", ConversationID: "c2", AccountID: "a1", ContactID: "k2",
		Direction: state.Outbound, Body: "pay here \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 \u202eevil", Time: teamNow.Add(-time.Minute),
		Status: state.StatusSent, Sender: "Mallory\x1b[2J"}}}, teamNow)
	if err != nil {
		t.Fatal(err)
	}
	ti.keys("enter")
	if _, open := isOpen[*sendGuardDialog](ti.app); !open {
		t.Fatal("no prompt")
	}
	raw := ti.app.View().Content
	for _, bad := range []string{"\x1b[2J", "\x1b]8;;https://evil", "\u202e"} {
		if strings.Contains(raw, bad) {
			t.Errorf("the frame carries %q from the platform", bad)
		}
	}
	if f := ti.frame(); !strings.Contains(f, "Mallory") || !strings.Contains(f, "pay here") {
		t.Errorf("the prompt lacks the colleague's name or text:\n%s", f)
	}
}
