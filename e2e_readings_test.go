package main

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestE2EOtherReadings drives the real binary against the msgboxx demo
// taking the other reading of everything the reference leaves open at
// once: message pages newest first, the username in the token's sub (the
// user id in another claim), a template send's message known only one
// step late, and read receipts from every customer. The inbox fills, Mine
// is the agent's, a reply reaches ✓✓ and a template to a closed window
// is sent.
func TestE2EOtherReadings(t *testing.T) {
	skipE2E(t)
	t.Parallel()
	term := startTmux(t, 120, 40, "demo", "--seed", "3", "--simulate-every", "0",
		"--order", "newest", "--claims", "sub-username", "--broadcast-delay", "3s", "--read-receipts", "all")
	screen := term.waitFor("the inbox online with rows", func(s string) bool {
		return strings.Contains(s, "Inbox") && synced(s) && len(listRows(s)) > 0
	}, e2eFirstFrame)

	// A reply to an open window: read by the customer, ✓✓.
	rows := listRows(screen)
	pick := slices.IndexFunc(rows, func(r shownRow) bool { return r.badge != "closed" })
	if pick < 0 {
		t.Fatalf("no open window in view:\n%s", screen)
	}
	for range pick {
		term.keys("j")
	}
	name := rows[pick].name
	term.keys("Enter")
	term.waitFor("the thread of "+name, func(s string) bool {
		return !strings.Contains(s, "Select a conversation and press enter.")
	}, e2eStep)
	term.keys("r")
	const reply = "e2e readings: your parcel is on its way"
	term.typeText(reply)
	term.keys("Enter")
	term.waitFor("the reply read (✓✓)", func(s string) bool { return tickOf(s, reply) == "✓✓" }, 60*time.Second)
	term.typeText(escKey)
	term.typeText(escKey)

	// A template to a closed window: queued, its message known a step later.
	term.keys("G")
	screen = term.waitFor("closed windows in view", func(s string) bool {
		return slices.ContainsFunc(listRows(s), func(r shownRow) bool { return r.badge == "closed" })
	}, e2eStep)
	rows = listRows(screen)
	pick = slices.IndexFunc(rows, func(r shownRow) bool { return r.badge == "closed" })
	for range len(rows) - 1 - pick {
		term.keys("k")
	}
	closed := rows[pick].name
	term.keys("r")
	term.waitScreen("Send a template to", e2eStep)
	term.keys("Enter")
	screen = term.waitFor("the template form or the send", func(s string) bool {
		return strings.Contains(s, "Template ") || strings.Contains(s, "queued")
	}, e2eStep)
	for range 4 { // fill whatever placeholders it has; enter on the last sends
		if strings.Contains(screen, "queued for") {
			break
		}
		term.typeText("Sam")
		term.keys("Enter")
		screen = term.screen()
	}
	term.waitScreen("Template queued for "+closed, e2eStep)

	// Mine: the token names the user only through a claim matched to /user.
	term.typeText(escKey)
	term.keys("4")
	term.waitFor("Mine with the agent's conversations", func(s string) bool {
		return strings.Contains(s, "Mine") && len(listRows(s)) > 0 && !strings.Contains(s, "does not know which user you are")
	}, e2eStep)
}
