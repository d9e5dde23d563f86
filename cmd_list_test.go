package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adrg/xdg"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// listClock is the fixed clock of the mbx list tests: the sandbox's demo
// data, the sync and the listing all read it.
var listClock = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// demoStoreFile is the msgboxx demo synced into a store once per test
// binary: the database file, after a checkpoint.
var demoStoreFile struct {
	once sync.Once
	data []byte
	err  error
}

func syncedDemoStore(t *testing.T) []byte {
	t.Helper()
	demoStoreFile.once.Do(func() {
		now := func() time.Time { return listClock }
		srv := sandbox.New(sandbox.Config{Seed: 1, Now: now})
		defer srv.Close()
		hs := httptest.NewServer(srv)
		defer hs.Close()
		user, pass := srv.Credentials()
		c, err := msgboxx.New(msgboxx.Config{BaseURL: hs.URL, Username: user, Password: pass, Application: "mbx/test", Now: now})
		if err != nil {
			demoStoreFile.err = err
			return
		}
		path := filepath.Join(t.TempDir(), "demo.db")
		st, err := state.Open(path)
		if err != nil {
			demoStoreFile.err = err
			return
		}
		eng := state.NewEngine(st, msgboxx.NewBackend(c), state.Config{Now: now, HistoryDays: 7})
		demoStoreFile.err = eng.SyncOnce(context.Background())
		if err := st.Close(); err != nil && demoStoreFile.err == nil {
			demoStoreFile.err = err
		}
		if demoStoreFile.err == nil {
			demoStoreFile.data, demoStoreFile.err = os.ReadFile(path)
		}
	})
	if demoStoreFile.err != nil {
		t.Fatal(demoStoreFile.err)
	}
	return demoStoreFile.data
}

// listRig puts the synced demo store where mbx finds the default
// account's, with the clock pinned; it returns the store's path.
func listRig(t *testing.T) string {
	t.Helper()
	data := syncedDemoStore(t)
	_, stateHome := setXDG(t)
	path := filepath.Join(stateHome, "mbx", "default.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	was := listNow
	listNow = func() time.Time { return listClock }
	t.Cleanup(func() { listNow = was })
	return path
}

func listCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = runWith(context.Background(), append([]string{"list"}, args...), &out, &errOut, testEnv(newFakeKeyring()))
	return code, out.String(), errOut.String()
}

// TestListClosingSoonJSON is issue 14's acceptance: mbx list --query
// 'window:closing' --json over a synced demo store prints valid JSON
// lines, as many as the Closing soon view holds.
func TestListClosingSoonJSON(t *testing.T) {
	path := listRig(t)
	st, err := state.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	want, err := st.CountConversations(state.View{Folder: state.FolderInbox, ClosingSoon: true, Now: listClock})
	if err != nil {
		t.Fatal(err)
	}
	inbox, err := st.CountConversations(state.View{Folder: state.FolderInbox})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if want == 0 || want == inbox {
		t.Fatalf("the demo has %d closing of %d: the test would prove nothing", want, inbox)
	}
	t.Logf("the synced demo: %d conversations in the inbox, %d closing soon", inbox, want)
	code, out, errOut := listCmd(t, "--query", "window:closing", "--json")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != want {
		t.Fatalf("%d lines, the Closing soon view holds %d:\n%s", len(lines), want, out)
	}
	for i, l := range lines {
		var r map[string]any
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, l)
		}
		for _, k := range []string{"id", "contact", "number", "assignee", "window", "window_left_seconds", "window_left", "unread", "last_message"} {
			if _, ok := r[k]; !ok {
				t.Errorf("line %d has no %s: %s", i+1, k, l)
			}
		}
		if r["window"] != "closing" {
			t.Errorf("line %d: window %v", i+1, r["window"])
		}
		left := int64(r["window_left_seconds"].(float64))
		if left <= 0 || left > int64(state.ClosingSoon/time.Second) || !strings.HasSuffix(r["window_left"].(string), " left") {
			t.Errorf("line %d: left %d %q", i+1, left, r["window_left"])
		}
		if _, err := time.Parse(time.RFC3339, r["last_message"].(string)); err != nil {
			t.Errorf("line %d: last_message: %v", i+1, err)
		}
		if strings.ContainsAny(l, "\x1b\x07") {
			t.Errorf("line %d carries escapes: %q", i+1, l)
		}
	}
	// -q: the same ids; --csv: a header and the same rows.
	code, ids, _ := listCmd(t, "--query", "window:closing", "-q")
	if code != 0 || strings.Count(ids, "\n") != want {
		t.Errorf("-q: exit %d, %d ids", code, strings.Count(ids, "\n"))
	}
	code, csvOut, _ := listCmd(t, "--query", "window:closing", "--csv", "--sort", "window")
	recs, err := csv.NewReader(strings.NewReader(csvOut)).ReadAll()
	if code != 0 || err != nil || len(recs) != want+1 || recs[0][0] != "id" {
		t.Errorf("--csv: exit %d, %v, %d records", code, err, len(recs))
	}
	// The window order: seconds left never fall.
	for i := 2; i < len(recs); i++ {
		a, _ := strconv.Atoi(recs[i-1][8])
		b, _ := strconv.Atoi(recs[i][8])
		if b < a {
			t.Errorf("--sort window: row %d (%s s) before row %d (%s s)", i-1, recs[i-1][8], i, recs[i][8])
		}
	}
	// The table: a header and a line per conversation.
	code, table, _ := listCmd(t, "--query", "window:closing")
	if code != 0 || strings.Count(table, "\n") != want+1 || !strings.HasPrefix(table, "CONTACT") {
		t.Errorf("table: exit %d:\n%s", code, table)
	}
}

func TestListExitCodes(t *testing.T) {
	listRig(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // part of
	}{
		{"no rows", []string{"--query", "folder:spam waiting:>3650d"}, 0, ""},
		{"bad query", []string{"--query", "folder:inbox windw:open"}, 2, "column 14: unknown key windw:"},
		{"caret", []string{"--query", "folder:inbox windw:open"}, 2, "  folder:inbox windw:open\n               ^\n"},
		{"unknown agent", []string{"--query", "assignee:@nobody"}, 2, `no agent is called "nobody"`},
		{"two formats", []string{"--json", "--csv"}, 2, "pick one"},
		{"bad sort", []string{"--sort", "name"}, 2, "window, waiting or activity"},
		{"stray argument", []string{"window:closing"}, 2, "unexpected argument"},
		{"unknown flag", []string{"--jsonl"}, 2, ""},
		{"no store", []string{"--account", "other"}, 1, "no local store"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := listCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and …%q", code, errOut, tt.code, tt.stderr)
			}
		})
	}
	// A store that is not a database: 1.
	path := filepath.Join(xdg.StateHome, "mbx", "broken.db")
	if err := os.WriteFile(path, []byte("not a database, not at all, no"), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := listCmd(t, "--account", "broken"); code != 1 {
		t.Errorf("broken store: exit %d: %s", code, errOut)
	}
}

// A CSV cell a spreadsheet would run as a formula is quoted; numbers and
// plain text are kept.
func TestCSVCell(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Ana Silva", "Ana Silva"},
		{"", ""},
		{"+44 7902 111123", "+44 7902 111123"},
		{"+1 (555) 010-0100", "'+1 (555) 010-0100"},
		{"+1-1", "'+1-1"},
		{"+", "'+"},
		{`=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`},
		{"+SUM(A1:A9)", "'+SUM(A1:A9)"},
		{"-2+3", "'-2+3"},
		{"@cmd", "'@cmd"},
		{"\tfoo", "'\tfoo"},
		{"\r=1", "'\r=1"},
		{"a=1", "a=1"},
	} {
		if got := csvCell(tt.in); got != tt.want {
			t.Errorf("csvCell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
