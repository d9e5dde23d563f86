package main

import (
	"bytes"
	"regexp"
	"testing"
	"time"
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
