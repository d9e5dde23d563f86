package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

// The whole-frame fuzzer (issue 12): the inbox list and an open thread
// rendered with a fuzzed contact name, message bodies, a conversation
// tag and a platform error text; no escape, C0 (but "\n"), DEL, C1 or
// bidi control from the data may reach the frame. The renderer's own
// styling is select graphic rendition only (ESC [ … m), which is
// removed first (renderStyling); anything control-like left came from
// the data. TestFrameCheckCatchesBypass shows the check catches data that
// skipped the sanitizer.

// renderStyling is the styling the renderer writes itself: SGR sequences.
var renderStyling = regexp.MustCompile("\x1b\\[[0-9;:]*m")

// frameControl is the first control character of a frame that is not the
// renderer's styling, with its byte offset; ok false when there is none.
func frameControl(frame string) (at int, r rune, ok bool) {
	rest := renderStyling.ReplaceAllString(frame, "")
	for i, r := range rest {
		switch {
		case r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
			return i, r, true
		case r == utf8.RuneError && !strings.HasPrefix(rest[i:], "\uFFFD"): // an invalid byte
			return i, r, true
		}
	}
	return 0, 0, false
}

// taggingPlatform is a platform with folders and conversation tags whose
// every conversation update fails with the platform's words errText.
type taggingPlatform struct {
	msgboxxLike
	errText string
}

func (p taggingPlatform) UpdateConversation(context.Context, string, state.ConversationMeta) error {
	return errors.New(p.errText)
}
func (taggingPlatform) SetConversationTags(context.Context, string, []string) error { return nil }

// frameStore is a store for fuzzFrames: one per fuzz worker, each input
// written beside the earlier ones as a conversation of its own, newest of
// all (so it is the list's first row). A store per input spent the
// fuzzer's time opening SQLite.
type frameStore struct {
	st *state.Store
	n  int
}

func newFrameStore(t testing.TB) *frameStore {
	st, err := state.Open(filepath.Join(t.TempDir(), "fuzz.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.ReplaceAccounts([]state.Account{{ID: "a1", Name: "Head Office", Phone: "+447777123156"}}); err != nil {
		t.Fatal(err)
	}
	if err := st.ReplaceUsers([]state.User{{ID: "u-me", FirstName: "Alex", LastName: "Agent", AccountIDs: []string{"a1"}}}); err != nil {
		t.Fatal(err)
	}
	return &frameStore{st: st}
}

// frames renders the list, the open thread and a platform error with the
// data given, and returns the frames.
func (fs *frameStore) frames(t testing.TB, name, body, tag, errText string) []string {
	t.Helper()
	fs.n++
	conv, contact, other := fmt.Sprintf("c%d", fs.n), fmt.Sprintf("k%d", fs.n), fmt.Sprintf("o%d", fs.n)
	at := func(d time.Duration) time.Time {
		return fixedNow.Add(-2*time.Hour + time.Duration(fs.n)*time.Millisecond - d)
	}
	msg := func(id string, dir state.Direction, body string, ago time.Duration) state.Message {
		return state.Message{ID: fmt.Sprintf("%s-%d", id, fs.n), ConversationID: conv, AccountID: "a1", ContactID: contact,
			Direction: dir, Body: body, Time: at(ago)}
	}
	failed := msg("m2", state.Outbound, body+"\n"+name, 30*time.Minute)
	failed.Status, failed.Sender, failed.Reason = state.StatusFailed, name, errText
	_, err := fs.st.ApplyMessages(state.Batch{
		Contacts: []state.Contact{{ID: contact, AccountID: "a1", Name: name, Number: "+447902111123", Tags: []string{tag}},
			{ID: other, AccountID: "a1", Name: "Ben Okafor", Number: "+447902111124"}},
		Messages: []state.Message{
			msg("m1", state.Inbound, body, time.Hour), failed, msg("m3", state.Inbound, tag, 0),
			{ID: fmt.Sprintf("m4-%d", fs.n), ConversationID: "b" + conv, AccountID: "a1", ContactID: other, Direction: state.Inbound,
				Body: "Hello", Time: at(2 * time.Hour)},
		},
		Tags: map[string][]string{conv: {tag, "vip"}},
	}, fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fs.st.SetConversationMeta(conv, state.FolderInbox, "u-me", ""); err != nil {
		t.Fatal(err)
	}
	// Each input is a first start: nothing kept of the last one's place.
	if err := fs.st.SetMeta("ui.place", ""); err != nil {
		t.Fatal(err)
	}
	eng := state.NewEngine(fs.st, taggingPlatform{errText: errText}, state.Config{Now: func() time.Time { return fixedNow }})
	eng.SetMe("u-me")
	app := ui.New(ui.Deps{Core: state.NewService(fs.st, eng), Tick: noTick, Account: "Head Office · Alex Agent",
		Now: func() time.Time { return fixedNow }}, defaultKeyMap())
	defer app.Close()
	h := &harness{t: t, app: app}
	h.run(app.Init())
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	var frames []string
	frames = append(frames, app.View().Content) // the list, this input's conversation on top
	h.keys("enter")
	frames = append(frames, app.View().Content) // its thread
	h.keys("e")
	frames = append(frames, app.View().Content) // archiving it failed with the platform's words
	return frames
}

func checkFrames(t *testing.T, frames []string) {
	t.Helper()
	for i, f := range frames {
		if at, r, ok := frameControl(f); ok {
			t.Fatalf("frame %d has U+%04X from the data at byte %d: %q", i, r, at, f[max(0, at-40):min(len(f), at+40)])
		}
	}
}

// hostile is what the seed corpus and TestFrameCheckCatchesBypass draw.
var hostile = []string{
	"\x1b[31mEVIL\x1b[0m",
	"\x1b]8;;http://evil.example\x07click\x1b]8;;\x07",
	"\x1bP+q544e\x1b\\",              // DCS terminal query
	"\x9b31m C1 CSI \x9d0;title\x9c", // 8-bit controls
	"\u202egnp.exe \u2066isolate\u2069 \u200e\u200f\u061c",
	"NUL\x00 BEL\x07 BS\x08 CR\r DEL\x7f NEL\u0085",
	"\xe2\x1b]8;;x\x07", // an invalid lead byte before ESC
	"line\u2028separator\u2029para",
	"tab\there",
}

func FuzzFrame(f *testing.F) {
	f.Add("Ana Lima", "Hi, is the flat still available?", "vip", "the platform is down")
	f.Add("山本 美咲 👩‍👩‍👧", "multi\nline\nbody", "spanish", "")
	for i, s := range hostile {
		f.Add(s, hostile[(i+1)%len(hostile)], hostile[(i+2)%len(hostile)], hostile[(i+3)%len(hostile)])
	}
	fs := newFrameStore(f)
	f.Fuzz(func(t *testing.T, name, body, tag, errText string) {
		if len(name)+len(body)+len(tag)+len(errText) > 4096 {
			t.Skip() // long inputs only slow the fuzzer down
		}
		checkFrames(t, fs.frames(t, name, body, tag, errText))
	})
}

// The check is meaningful: the data reaches the frames (sanitized), and
// were it drawn raw — the sanitizer bypassed — the check would say so.
func TestFrameCheckCatchesBypass(t *testing.T) {
	fs := newFrameStore(t)
	for i, raw := range hostile {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			marker := fmt.Sprintf("Zed%dQ", i)
			frames := fs.frames(t, marker+" "+raw, marker+" "+raw, "t"+marker, marker+" "+raw)
			checkFrames(t, frames)
			for j, f := range frames {
				k := strings.Index(f, marker)
				if k < 0 {
					t.Fatalf("frame %d does not show the data %q:\n%s", j, marker, renderStyling.ReplaceAllString(f, ""))
				}
				// The data put back raw where it is drawn: what a renderer
				// without the sanitizer would have written.
				bypassed := f[:k] + marker + " " + raw + f[k+len(marker):]
				if _, _, forbidden := frameControl(raw); forbidden {
					if _, _, ok := frameControl(bypassed); !ok {
						t.Errorf("frame %d with the raw data put back passes the check", j)
					}
				}
			}
		})
	}
	if _, _, ok := frameControl("plain \x1b[1mbold\x1b[0m text\nnext line"); ok {
		t.Error("the renderer's own styling is taken for data")
	}
	for _, c := range []string{"\x1b", "\x1b[31m\x1b]8;;x\x07", "\u009b", "\u202e", "\u2067", "\x00", "\r", "\x7f", "\xff"} {
		if _, _, ok := frameControl("row " + c + " row"); !ok {
			t.Errorf("frameControl misses %q", c)
		}
	}
}
