package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
	"github.com/mbx-inbox/mbx/ui"
)

func TestParseResponses(t *testing.T) {
	tests := []struct {
		name, file string
		want       []string // names
		err        string   // in the error, with the file's path
	}{
		{name: "empty file", file: ""},
		{name: "two", file: "[[response]]\nname = \"Payslip\"\ntext = \"Hi {first_name}, your payslip is on its way.\"\n\n[[response]]\nname = \"Address\"\ntext = \"Unit 4, Riverside Park\"\n",
			want: []string{"Payslip", "Address"}},
		{name: "multi-line text", file: "[[response]]\nname = \"Hours\"\ntext = \"\"\"\nMon–Fri 9–5\nSat 10–2\"\"\"\n", want: []string{"Hours"}},
		{name: "no name", file: "[[response]]\nname = \"A\"\ntext = \"x\"\n[[response]]\ntext = \"y\"\n", err: "r.toml:4: response 2: no name"},
		{name: "no text", file: "[[response]]\nname = \"A\"\ntext = \"  \"\n", err: "r.toml:1: response 1 (A): no text"},
		{name: "unknown key", file: "[[response]]\nname = \"A\"\nbody = \"x\"\n", err: "r.toml:3: response.body: unknown setting; the file has [[response]] tables"},
		{name: "wrong type", file: "[[response]]\nname = 3\n", err: "r.toml:2"},
		{name: "not TOML", file: "[[response]\n", err: "r.toml:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseResponses("r.toml", []byte(tt.file))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one with %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, r := range got {
				names = append(names, r.Name)
				if r.Text == "" || r.ID == "" {
					t.Errorf("%+v", r)
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.want, ",") {
				t.Errorf("names %q, want %q", names, tt.want)
			}
		})
	}
}

// responsesHarness is the fixture inbox on a platform without saved
// responses, with the agent's own file at path.
func responsesHarness(t *testing.T, path string, w, h int) *harness {
	st, _ := fixture(t)
	eng := state.NewEngine(st, &fakeBackend{}, state.Config{Now: func() time.Time { return fixedNow }, Responses: localResponses(path)})
	eng.SetMe("u-me")
	app := ui.New(ui.Deps{Core: state.NewService(st, eng), Tick: noTick, Account: "Head Office · Alex Agent", Now: func() time.Time { return fixedNow }}, defaultKeyMap())
	return startHarness(t, app, w, h)
}

// TestSavedResponsesFile: the composer's saved responses come from the
// account's file on a platform that keeps none, their placeholders
// filled; without the file the picker says where to write it.
func TestSavedResponsesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "responses", "work.toml")

	h := responsesHarness(t, path, 120, 40)
	h.keys("enter", "r", "ctrl+o")
	if f := h.frame(120); !strings.Contains(f, "There are no saved responses yet: write them in "+path[:20]) {
		t.Fatalf("without the file:\n%s", f)
	}

	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	file := "[[response]]\nname = \"Payslip\"\ntext = \"Hi {first_name}, your payslip is on its way. {agent}\"\n\n[[response]]\nname = \"Address\"\ntext = \"Unit 4, Riverside Park, SN1 2AB\"\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	h.keys("ctrl+o") // read again: the file written meanwhile shows
	if f := h.frame(120); !strings.Contains(f, "Payslip") || !strings.Contains(f, "Address") {
		t.Fatalf("the picker does not list the file's responses:\n%s", f)
	}
	h.typ("payslip")
	h.keys("enter")
	if f := h.frame(120); !strings.Contains(f, "Hi Ana, your payslip is on its way. Alex") {
		t.Fatalf("the chosen response is not in the composer, filled in:\n%s", f)
	}

	// A broken file says where and what, and nothing is inserted.
	if err := os.WriteFile(path, []byte("[[response]]\nname = \"A\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.keys("ctrl+o")
	if f := h.frame(120); !strings.Contains(f, "no text") {
		t.Fatalf("a broken file:\n%s", f)
	}

	for _, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
				t.Fatal(err)
			}
			h := responsesHarness(t, path, sz.w, sz.h)
			h.keys("enter", "r", "ctrl+o")
			golden.RequireEqual(t, h.frame(sz.w))
		})
	}
}
