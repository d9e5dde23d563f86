package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	gcsandbox "github.com/mbx-inbox/mbx/api/getchat/sandbox"
)

// The get.chat demo's hostile names, tags, group names and bodies never
// reach the terminal: the same byte-level check as msgboxx's, over the
// list and the threads of the conversations with hostile customers.
func TestE2EGetchatNoEscapeFromData(t *testing.T) {
	skipE2E(t)
	t.Parallel()
	p := startPTY(t, 120, 40, "demo", "--platform", "getchat", "--seed", "3", "--simulate-every", "0")
	p.waitText(0, "online", e2eFirstFrame)
	// Open the first conversations one after the other: the hostile
	// customers wrote within the last day, so they are among them.
	for i := 0; i < 24; i++ {
		from := p.len()
		p.write("\r") // open the row under the cursor
		// The renderer writes only what changed: any output says the
		// other thread was drawn.
		if _, err := p.awaitOutput(from, regexp.MustCompile(`(?s).`), e2eStep); err != nil {
			t.Errorf("row %d: its thread: %v", i, err)
			break
		}
		// Let the thread's page arrive and be drawn before leaving it (for
		// coverage only: the check below holds whatever was drawn).
		p.waitQuiet(150*time.Millisecond, e2eStep)
		p.write(escKey + "j") // back to the list, next row
	}
	if err := p.quit(e2eExit); err != nil {
		t.Error(err)
	}
	out := p.bytes()
	t.Logf("mbx wrote %d bytes", len(out))
	for _, h := range []struct{ what, seq string }{
		{"an SGR colour from a name", "\x1b[1;31m"},
		{"an OSC 8 link", "\x1b]8;;http://evil"},
		{"an OSC 52 clipboard write", "\x1b]52;"},
		{"a C1 CSI", "\u009b"},
		{"a bidi override", "\u202e"},
		{"a zero-width space", "\u200b"},
		{"a blink from a group name", "\x1b[5m"},
	} {
		if i := bytes.Index(out, []byte(h.seq)); i >= 0 {
			t.Errorf("data reached the terminal: %s %q at byte %d: …%q…", h.what, h.seq, i, around(out, i))
		}
	}
	checkControls(t, out)
	// No customer wrote during the run (no simulator): the first sync's
	// history is not news, so the title never counts new messages.
	if i := bytes.Index(out, []byte(" new) — demo")); i >= 0 {
		t.Errorf("the first sync's history was announced as new: …%q…", around(out, i))
	}
}

// The get.chat inbox end to end, the real binary in tmux against the
// get.chat demo: a reply whose ticks come over the websocket, a saved
// response, assignment to a user, then a group (the user kept), unassign,
// a tag, resolve and reopen, and a closed window steered to a template.
func TestE2EGetchatFlows(t *testing.T) {
	skipE2E(t)
	t.Parallel()
	term := startTmux(t, 120, 40, "demo", "--platform", "getchat", "--seed", "3", "--simulate-every", "0")
	term.waitFor("the get.chat inbox online with rows", func(s string) bool {
		return strings.Contains(s, "Open") && strings.Contains(s, "Resolved") && synced(s) && len(listRows(s)) > 0
	}, e2eFirstFrame)
	// toList focuses the list from anywhere: back to the folders (esc
	// from the composer, the thread, the list), then the next pane.
	toList := func() { term.keys(escKey, escKey, escKey, escKey, "Tab") }
	// selectRow moves the list cursor (from the top) to the named row.
	selectRow := func(name string) {
		t.Helper()
		toList()
		term.keys("g")
		screen := term.waitFor("the list at its top", func(s string) bool { return len(listRows(s)) > 0 }, e2eStep)
		i := slices.IndexFunc(listRows(screen), func(r shownRow) bool { return strings.HasPrefix(r.name, name) })
		if i < 0 {
			t.Fatalf("no row %q:\n%s", name, screen)
		}
		for range i { // keys are taken in order: the next one acts on this row
			term.keys("j")
		}
	}
	rowOf := func(s, name string) string { // the row's two lines, list pane only
		lines := strings.Split(s, "\n")
		for i, l := range lines {
			if _, list, _, ok := panes(l); ok && strings.Contains(list, name) && i+1 < len(lines) {
				_, second, _, _ := panes(lines[i+1])
				return list + "\n" + second
			}
		}
		return ""
	}

	// A reply: queued, sent, delivered, pushed over the websocket.
	selectRow("Priya Patel")
	term.keys("Enter", "r")
	term.waitScreen("Write a reply", e2eStep)
	term.typeText("Your parcel left today")
	term.keys("Enter")
	term.waitFor("the reply ticking ✓✓ (pushed over the websocket)", func(s string) bool {
		return tickOf(s, "Your parcel left today") == "✓✓"
	}, e2eStep)

	// A saved response, its placeholders filled, sent.
	term.keys("C-o")
	term.waitFor("the saved responses", func(s string) bool {
		return strings.Contains(s, "Saved response") || strings.Contains(s, "saved response")
	}, e2eStep)
	term.keys("Enter")
	term.waitFor("the saved response in the composer", func(s string) bool {
		return !strings.Contains(s, "Write a reply") && strings.Contains(s, "Priya")
	}, e2eStep)
	term.keys("Enter")
	// To the list, the cursor on Priya: from the thread an assignment
	// moves on to the next conversation (the list's cursor stays).
	term.keys(escKey, escKey)

	// Assign to a user, then a group: the user stays; then unassign.
	term.keys("a")
	term.typeText("robin")
	term.keys("Enter")
	term.waitFor("Priya assigned to Robin", func(s string) bool { return strings.Contains(rowOf(s, "Priya Patel"), "@Robin") }, e2eStep)
	term.keys("a")
	term.typeText("sales")
	term.keys("Enter")
	term.waitFor("the group Sales beside Robin", func(s string) bool {
		r := rowOf(s, "Priya Patel")
		return strings.Contains(r, "@Robin") && strings.Contains(r, "#Sales")
	}, e2eStep)
	term.keys("a")
	term.typeText("unassign")
	term.keys("Enter")
	term.waitFor("Priya unassigned", func(s string) bool {
		r := rowOf(s, "Priya Patel")
		return r != "" && !strings.Contains(r, "@Robin") && !strings.Contains(r, "#Sales")
	}, e2eStep)

	// A tag the account has.
	term.keys("#")
	term.waitFor("the tag dialog", func(s string) bool { return strings.Contains(s, "Tags") }, e2eStep)
	term.keys("C-u")
	term.typeText("VIP")
	term.keys("Enter")
	term.waitFor("the tag in the row", func(s string) bool { return strings.Contains(rowOf(s, "Priya Patel"), "VIP") }, e2eStep)
	// And untag: the tags cleared, saved, gone from the row.
	term.keys("#")
	term.waitFor("the tag dialog with VIP", func(s string) bool { return strings.Contains(s, "Tags: VIP") }, e2eStep)
	term.keys("C-u", "Enter")
	term.waitFor("the tag gone from the row", func(s string) bool {
		r := rowOf(s, "Priya Patel")
		return r != "" && !strings.Contains(r, "VIP")
	}, e2eStep)
	term.keys("#")
	term.typeText("VIP")
	term.keys("Enter")
	term.waitFor("the tag back in the row", func(s string) bool { return strings.Contains(rowOf(s, "Priya Patel"), "VIP") }, e2eStep)

	// Resolve: gone from Open; reopen from Resolved.
	term.keys("e")
	term.waitFor("Priya resolved (not in Open)", func(s string) bool { return rowOf(s, "Priya Patel") == "" }, e2eStep)
	term.keys("2")
	term.waitFor("Priya among the resolved", func(s string) bool { return rowOf(s, "Priya Patel") != "" }, e2eStep)
	selectRow("Priya Patel")
	term.keys("I")
	term.waitFor("Priya reopened (not in Resolved)", func(s string) bool { return rowOf(s, "Priya Patel") == "" }, e2eStep)
	term.keys("1")
	term.waitFor("Priya back in Open", func(s string) bool { return rowOf(s, "Priya Patel") != "" }, e2eStep)

	// Files: the customer's picture saved; a file attached to a reply,
	// its caption the composer's text, sent and ticking.
	label := filepath.Join(t.TempDir(), "label.png")
	if err := os.WriteFile(label, tinyPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}
	selectRow("Ian Image")
	term.keys("Enter", escKey, "o") // opened in the composer: esc to the thread
	term.waitFor("the files of the chat", func(s string) bool {
		return strings.Contains(s, "Files in this conversation") && strings.Contains(s, "[image")
	}, e2eStep)
	term.keys("Enter")
	term.waitFor("the picture saved", func(s string) bool {
		return strings.Contains(s, "Saved to") && strings.Contains(s, "receipt.png")
	}, e2eStep)
	term.keys("r")
	term.waitScreen("Write a reply", e2eStep)
	term.typeText("Your return label")
	term.keys("C-f")
	term.waitScreen("Attach a file", e2eStep)
	term.typeText(label)
	term.keys("Enter")
	term.waitFor("the file sent with its caption, ticking ✓✓", func(s string) bool {
		return tickOf(s, "Your return label") == "✓✓" && strings.Contains(s, "[image") && strings.Contains(s, "Write a reply")
	}, e2eStep)
	term.keys(escKey)

	// A closed window: r offers the templates; one with a parameter.
	toList()
	term.keys("G") // the oldest rows, closed windows among them, are at the bottom
	screen := term.waitFor("closed windows in view", func(s string) bool {
		return slices.ContainsFunc(listRows(s), func(r shownRow) bool { return r.badge == "closed" })
	}, e2eStep)
	rows := listRows(screen)
	pick := slices.IndexFunc(rows, func(r shownRow) bool { return r.badge == "closed" })
	for range len(rows) - 1 - pick {
		term.keys("k")
	}
	closed := rows[pick].name
	term.keys("r")
	term.waitFor("the template picker with its templates", func(s string) bool {
		return strings.Contains(s, "Send a template to") && strings.Contains(s, "order_update")
	}, e2eStep)
	term.typeText("order_up")
	term.keys("Enter")
	term.waitScreen("Template order_update", e2eStep)
	for _, v := range []string{"Omar", "48213", "Friday"} {
		term.typeText(v)
		term.keys("Enter") // the next field; on the last one, send
	}
	term.waitScreen("Template queued for "+closed, e2eStep)
}

// A regular get.chat user: no stored login, so the inbox asks for the
// password in its login prompt; a chat assigned to someone else says
// before any typing that only its assignee may write, and A (assign to
// me) makes it writable.
func TestE2EGetchatRegularUser(t *testing.T) {
	skipE2E(t)
	t.Parallel()
	_, url, stop, err := gcsandbox.Start(gcsandbox.Config{Seed: 3}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	term := startTmux(t, 120, 40, "--platform", "getchat", "--base-url", url, "--username", gcsandbox.RegularUsername)
	term.waitFor("the login prompt", func(s string) bool {
		return strings.Contains(s, "Log in") && strings.Contains(s, "get.chat wants your password")
	}, e2eFirstFrame)
	term.typeText("demo-" + gcsandbox.RegularUsername + "-pass")
	term.keys("Enter")
	screen := term.waitFor("the inbox online with rows", func(s string) bool {
		return synced(s) && slices.ContainsFunc(listRows(s), func(r shownRow) bool { return strings.HasPrefix(r.name, "Priya Patel") })
	}, e2eFirstFrame)
	rowIndex := func(s, name string) int {
		return slices.IndexFunc(listRows(s), func(r shownRow) bool { return strings.HasPrefix(r.name, name) })
	}
	// Priya Patel's chat is Alex's: Robin may not write there, and says so
	// before typing.
	for range rowIndex(screen, "Priya Patel") {
		term.keys("j")
	}
	term.keys("r")
	term.waitScreen("it is assigned to someone else", e2eStep)
	// Uma's chat is nobody's: Robin may take it (A) and then write.
	term.keys(escKey, escKey, escKey, escKey, "Tab", "g") // the list, from its top
	for range rowIndex(screen, "Uma Unassigned") {
		term.keys("j")
	}
	term.keys("r")
	term.waitFor("r refused before typing, with assign-to-me offered", func(s string) bool {
		return strings.Contains(s, "assign it to yourself first")
	}, e2eStep)
	term.keys("A")
	term.waitFor("Uma's chat assigned to Robin", func(s string) bool {
		return strings.Contains(lineWith(s, "Great service"), "@Robin") || strings.Contains(s, "Assigned Uma Unassigned to you")
	}, e2eStep)
	term.keys("r")
	term.waitScreen("Write a reply", e2eStep)
	term.typeText("Robin here, on it")
	term.keys("Enter")
	term.waitFor("Robin's reply ticking", func(s string) bool {
		tk := tickOf(s, "Robin here, on it")
		return tk == "✓" || tk == "✓✓"
	}, e2eStep)
}

// tinyPNG is a 2×2 picture.
func tinyPNG(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
