package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mbx-inbox/mbx/state"
)

// [[sections]]: checked at load, each problem at its line; a query that
// does not parse says the parser's words and column.
func TestConfigSections(t *testing.T) {
	good := `[ui]
preview = true

[[sections]]
name = "Closing, taken"
query = "window:closing -assignee:none"
sort = "window"

[[sections]]
name = "Night"
query = 'team:"Night Shift" waiting:>30m'
`
	c, err := parseConfig("config.toml", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.sections) != 2 || c.sections[0].Name != "Closing, taken" || c.sections[0].Query.Sort() != state.SortWindow ||
		c.sections[1].Query.String() != `team:"Night Shift" waiting:>30m` || c.sections[1].Query.Sort() != state.SortActivity {
		t.Errorf("sections = %+v", c.sections)
	}
	tests := []struct {
		name, file string
		want       []string // each problem, in order
	}{
		{"bad query", `[[sections]]
name = "A"
query = "folder:inbox windw:open"

[[sections]]
name = "B"
query = "window:soon"
`, []string{
			`config.toml:3: sections[1].query: query: "windw:open" at column 14: unknown key windw:`,
			`config.toml:7: sections[2].query: query: "window:soon" at column 1: window: is open, closing or closed`}},
		{"no name, bad sort, empty query", `[[sections]]
query = "unread:yes"

[[sections]]
name = "S"
query = "unread:yes"
sort = "alphabet"

[[sections]]
name = "E"
query = "  "
`, []string{
			`config.toml:1: sections[1].name: give the section a name`,
			`config.toml:7: sections[2].sort: "alphabet": give "window", "waiting" or "activity"`,
			`config.toml:11: sections[3].query: give a query`}},
		{"same name twice", "[[sections]]\nname = \"A\"\nquery = \"unread:yes\"\n[[sections]]\nname = \"a\"\nquery = \"unread:no\"\n",
			[]string{`config.toml:5: sections[2].name: "a": another section has this name`}},
		{"unknown field", "[[sections]]\nname = \"A\"\nquery = \"x\"\ncolour = \"red\"\n", []string{"colour"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseConfig("config.toml", []byte(tt.file))
			if err == nil {
				t.Fatal("no error")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tt.want) {
				t.Fatalf("%d problems, want %d:\n%v", len(lines), len(tt.want), err)
			}
			for i, w := range tt.want {
				if !strings.Contains(lines[i], w) {
					t.Errorf("problem %d: %q, want …%s…", i+1, lines[i], w)
				}
			}
		})
	}
}

// mbx config shows the sections as loaded.
func TestConfigPrintsSections(t *testing.T) {
	configHome, _ := setXDG(t)
	path := filepath.Join(configHome, "mbx", "config.toml")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	file := "[[sections]]\nname = \"Closing, taken\"\nquery = \"window:closing -assignee:none\"\nsort = \"window\"\n"
	if err := os.WriteFile(path, []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := mbx(t, testEnv(newFakeKeyring()), "config")
	want := "[[sections]]\n  name  = \"Closing, taken\"\n  query = \"window:closing -assignee:none\"\n  sort  = \"window\"\n"
	if code != 0 || !strings.Contains(out, want) {
		t.Errorf("exit %d (%s):\n%s", code, errOut, out)
	}
}
