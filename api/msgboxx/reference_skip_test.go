package msgboxx_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestSyncSkipsMalformedUsersAndTeams: GET /user and GET /team are bare
// arrays read whole; one entry that does not decode, or has no id, is
// skipped and counted, and the others are stored: the sync goes on
// (finding 5, for the lists that are not paged).
func TestSyncSkipsMalformedUsersAndTeams(t *testing.T) {
	t.Parallel()
	clock := newClock()
	scfg, ecfg := rigConfig(clock.Now, smallHistory("oldest"))
	srv := sandbox.New(scfg)
	t.Cleanup(srv.Close)
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet || (req.URL.Path != "/user" && req.URL.Path != "/team") {
			srv.ServeHTTP(w, req)
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var list []any
		if err := json.Unmarshal(rec.Body.Bytes(), &list); err != nil {
			t.Error(err)
		}
		if req.URL.Path == "/user" {
			list = append(list, map[string]any{"user": map[string]any{"userId": 42}}, map[string]any{"user": map[string]any{"firstName": "Nobody"}})
		} else {
			list = append(list, map[string]any{"name": "no id"})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(list)
	}))
	t.Cleanup(hs.Close)
	user, pass := srv.Credentials()
	c, err := msgboxx.New(msgboxx.Config{BaseURL: hs.URL, Username: user, Password: pass, Application: "mbx/test", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Open(filepath.Join(t.TempDir(), "mbx.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ecfg.Now = clock.Now
	eng := state.NewEngine(st, msgboxx.NewBackend(c), ecfg)
	if err := eng.SyncOnce(context.Background()); err != nil {
		t.Fatalf("a malformed user or team stopped the sync: %v", err)
	}
	if s := eng.Status(); s.Skipped < 3 {
		t.Fatalf("skipped %d, want at least 3 (two users, a team)", s.Skipped)
	}
	users, _ := st.Users()
	teams, _ := st.Teams()
	if len(users) == 0 || len(teams) == 0 {
		t.Fatalf("the well-formed users (%d) and teams (%d) were not stored", len(users), len(teams))
	}
	if eng.Me() == "" {
		t.Fatal("the agent is not known after a list with a bad entry")
	}
}
