package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestE2ESearchNumber: / and a customer's phone number, written as
// people write it (spaces, no country code, a national 0), opens that
// customer's conversation. The number is read from a search by name, so
// the test holds whatever numbers the demo gives.
func TestE2ESearchNumber(t *testing.T) {
	skipE2E(t)
	term := startTmux(t, 120, 40, "demo", "--seed", "3", "--simulate-every", "0")
	term.waitFor("the first sync done", synced, e2eFirstFrame)

	term.keys("/")
	term.waitScreen("a name, a phone number or words", e2eStep)
	term.typeText("wilson")
	row := regexp.MustCompile(`(James Wilson)\s+\S+\s+\+44(\d{4})(\d{6})`)
	screen := term.waitFor("customers named Wilson", row.MatchString, e2eStep)
	m := row.FindStringSubmatch(screen)
	typed := "0" + m[2] + " " + m[3] // "07715 240476"
	term.keys("C-u")
	term.typeText(typed)
	term.waitFor("the customer found by "+typed, func(s string) bool {
		return strings.Contains(s, "1 match — enter opens") && strings.Contains(s, "+44"+m[2]+m[3])
	}, e2eStep)
	term.keys("Enter")
	term.waitFor("James Wilson's conversation", func(s string) bool {
		return strings.Contains(s, "━ James Wilson") && !strings.Contains(s, "1 match")
	}, e2eStep)
}
