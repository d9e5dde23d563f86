//go:build unix

package main

// End-to-end tests of the template and triage workflows: the real binary
// in tmux against the demo's sandbox, keys in, screen out.
//
//   - template: a conversation whose 24-hour window is closed; r offers the
//     template picker; a template is chosen, its placeholders filled, sent,
//     and its ticks advance in the thread.
//   - reassign: five conversations marked with x are assigned to a team in
//     one action; the summary names the team and the team's view counts them.
//   - contact: a contact is created from the contacts panel and a
//     conversation started with them through the template picker.

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestE2ETriage(t *testing.T) {
	skipE2E(t)
	t.Run("template", func(t *testing.T) { t.Parallel(); testE2ETemplate(t) })
	t.Run("reassign", func(t *testing.T) { t.Parallel(); testE2EReassign(t) })
	t.Run("contact", func(t *testing.T) { t.Parallel(); testE2EContact(t) })
}

func waitInbox(term *tmuxTerm) string {
	return term.waitFor("the inbox online with conversation rows", func(s string) bool {
		return strings.Contains(s, "Inbox") && synced(s) && len(listRows(s)) > 0
	}, e2eFirstFrame)
}

// tickNear is the tick of the message whose body holds text: the nearest
// tick glyph on the thread's lines at or above its last appearance, within
// the message's block.
func tickNear(screen, text string) string {
	lines := strings.Split(screen, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if !strings.Contains(lines[i], text) {
			continue
		}
		for j := i; j >= 0 && j >= i-6; j-- {
			_, _, th, ok := panes(lines[j])
			if !ok {
				th = lines[j]
			}
			for _, g := range []string{"◷", "✓✓", "✓", "✗"} {
				if strings.Contains(th, g) {
					return g
				}
			}
		}
		return ""
	}
	return ""
}

func testE2ETemplate(t *testing.T) {
	term := startTmux(t, 120, 40, "demo", "--seed", "3", "--simulate-every", "0")
	screen := waitInbox(term)

	// The first conversation whose window is closed.
	term.keys("G") // the oldest rows are at the bottom
	screen = term.waitFor("closed windows in view", func(s string) bool {
		return slices.ContainsFunc(listRows(s), func(r shownRow) bool { return r.badge == "closed" })
	}, e2eStep)
	rows := listRows(screen)
	pick := slices.IndexFunc(rows, func(r shownRow) bool { return r.badge == "closed" })
	for range len(rows) - 1 - pick {
		term.keys("k")
	}

	// r on a closed window offers the template picker.
	// It opens at once and lists the templates once they are read.
	term.keys("r")
	screen = term.waitFor("the template picker with its templates", func(s string) bool {
		return strings.Contains(s, "Send a template to") && strings.Contains(s, "job_alert")
	}, e2eStep)
	for _, want := range []string{"only an approved template", "job_alert", "Pending", "payment_claim", "Rejected"} {
		if !strings.Contains(screen, want) {
			t.Errorf("the picker lacks %q:\n%s", want, screen)
		}
	}
	term.typeText("follow")
	term.waitFor("follow_up highlighted and previewed", func(s string) bool {
		return strings.Contains(s, "follow_up") && strings.Contains(s, "lets catch up soon")
	}, e2eStep)
	term.keys("Enter")
	screen = term.waitScreen("Template follow_up", e2eStep)
	if !strings.Contains(screen, "{{1}}") || !strings.Contains(screen, "{{2}}") {
		t.Fatalf("the form lacks its two fields:\n%s", screen)
	}

	// Sending with {{2}} empty is refused next to the field.
	term.keys("Tab")
	term.keys("Enter")
	term.waitScreen("fill this in", e2eStep)
	term.typeText("the zebra enclosure")
	term.waitFor("the preview filled", func(s string) bool { return strings.Contains(s, "the zebra") }, e2eStep)
	term.keys("Enter")

	term.waitScreen("Template queued", e2eStep)
	term.waitFor("the template in the thread, ticking ✓ or ✓✓", func(s string) bool {
		tk := tickNear(s, "zebra")
		return tk == "✓" || tk == "✓✓"
	}, 30*time.Second)

	term.keys("q")
	if code := term.waitExit(e2eExit); code != 0 {
		t.Fatalf("mbx exited %d, want 0", code)
	}
}

var nightShiftCount = regexp.MustCompile(`[│┃][ ▸›]Night Shift +(?:\d+/)?(\d+)[│┃]`) // unread/total: the total

func testE2EReassign(t *testing.T) {
	term := startTmux(t, 120, 40, "demo", "--seed", "3", "--simulate-every", "0")
	waitInbox(term)

	// ? tells the keys: mark and assign are there.
	term.keys("?")
	screen := term.waitScreen("Keys — Conversations", e2eStep)
	for _, want := range []string{"mark", "assign…", "template", "contacts"} {
		if !strings.Contains(screen, want) {
			t.Errorf("help lacks %q:\n%s", want, screen)
		}
	}
	term.keys("?")
	term.waitFor("help closed", func(s string) bool { return !strings.Contains(s, "Keys —") }, e2eStep)

	for range 5 {
		term.keys("x")
	}
	term.waitScreen("5 marked", e2eStep)
	term.keys("a")
	screen = term.waitFor("the assignment picker with its choices", func(s string) bool {
		return strings.Contains(s, "Assign 5 conversations") && !strings.Contains(s, "Reading who may take it")
	}, e2eStep)
	if !strings.Contains(screen, "Night Shift") {
		t.Fatalf("the picker does not offer the global team Night Shift:\n%s", screen)
	}
	term.typeText("night")
	term.keys("Enter")
	screen = term.waitScreen("5 assigned to team Night Shift", e2eStep)
	m := nightShiftCount.FindStringSubmatch(screen)
	if m == nil {
		t.Fatalf("no Night Shift view in the sidebar:\n%s", screen)
	}
	if n, _ := strconv.Atoi(m[1]); n < 5 {
		t.Errorf("the Night Shift view counts %d, want at least the 5 assigned:\n%s", n, screen)
	}

	term.keys("q")
	if code := term.waitExit(e2eExit); code != 0 {
		t.Fatalf("mbx exited %d, want 0", code)
	}
}

func testE2EContact(t *testing.T) {
	term := startTmux(t, 120, 40, "demo", "--seed", "3", "--simulate-every", "0")
	waitInbox(term)

	term.keys("c")
	term.waitScreen("Contacts", e2eStep)
	term.keys("C-n")
	term.waitScreen("New contact", e2eStep)
	term.typeText("Zara Quinn")
	term.keys("Tab")
	// A number without its country code is refused before any request.
	term.typeText("07902 555")
	term.keys("Tab", "Enter")
	term.waitScreen("country code", e2eStep)
	term.keys("C-u")
	term.typeText(fmt.Sprintf("+44 7902 555%03d", time.Now().UnixNano()%1000))
	term.keys("Tab", "Enter")

	// Created: a new conversation starts at the template picker.
	term.waitScreen("Send a template to Zara Quinn", e2eStep)
	term.typeText("office")
	term.keys("Enter")
	term.waitScreen("nothing to fill in", e2eStep)
	term.keys("Enter")
	term.waitScreen("Template queued for Zara Quinn", e2eStep)
	term.waitFor("the template in Zara Quinn's thread, ticking ✓ or ✓✓", func(s string) bool {
		tk := tickNear(s, "Our office is open")
		return tk == "✓" || tk == "✓✓"
	}, 30*time.Second)

	term.keys("q")
	if code := term.waitExit(e2eExit); code != 0 {
		t.Fatalf("mbx exited %d, want 0", code)
	}
}
