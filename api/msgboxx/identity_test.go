package msgboxx_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// The reference documents no token claim, so the sandbox takes each
// layout a server might: under every one, Mine is the demo agent's after
// the first sync, or — where the token names no user — the agent is
// asked, once: the answer survives a restart, and the config file's
// user_id wins over it.
func TestMineUnderEachClaimLayout(t *testing.T) {
	tests := []struct {
		claims string
		ask    bool // the token names no user: the agent is asked
	}{
		{sandbox.ClaimsSubID, false},
		{"", false}, // the default
		{sandbox.ClaimsSubUsername, false},
		{sandbox.ClaimsNoID, true},
	}
	for _, tt := range tests {
		t.Run("claims="+tt.claims, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, true, func(s *sandbox.Config, _ *state.Config) { s.Empty, s.Claims = true, tt.claims })
			agent, other := agentAndOther(t, r.srv)
			r.syncUntil(t, 5)
			id, err := r.engine.Identity()
			if err != nil {
				t.Fatal(err)
			}
			if !tt.ask {
				if r.engine.Me() != agent || id.Source != state.IdentityPlatform || id.Ask {
					t.Fatalf("Me() = %q (%+v), want the demo agent %q from the token", r.engine.Me(), id, agent)
				}
				return
			}
			if r.engine.Me() != "" || !id.Ask {
				t.Fatalf("Me() = %q (%+v): a token naming no user must ask the agent, not guess", r.engine.Me(), id)
			}
			if err := r.engine.ChooseMe(agent); err != nil {
				t.Fatal(err)
			}
			// A restart: a new engine (and client) on the same store.
			r.store.Close()
			r.open(t, state.Config{})
			if got := r.engine.Me(); got != agent {
				t.Fatalf("after a restart Me() = %q, want the answer %q", got, agent)
			}
			r.syncUntil(t, 5)
			if id, _ := r.engine.Identity(); r.engine.Me() != agent || id.Source != state.IdentityChosen || id.Ask {
				t.Fatalf("after a restart and a sync: Me() = %q (%+v), want the answer %q", r.engine.Me(), id, agent)
			}
			// user_id in the config file wins.
			if err := r.engine.SetConfiguredUser(other); err != nil {
				t.Fatal(err)
			}
			r.syncUntil(t, 5)
			if id, _ := r.engine.Identity(); r.engine.Me() != other || id.Source != state.IdentityConfig {
				t.Fatalf("with user_id: Me() = %q (%+v), want %q", r.engine.Me(), id, other)
			}
		})
	}
}

// Under every layout, "assign to me" assigns to the demo agent on the
// platform (the ask path once answered).
func TestAssignToMeUnderEachClaimLayout(t *testing.T) {
	for _, claims := range sandbox.ClaimLayouts {
		t.Run(claims, func(t *testing.T) {
			t.Parallel()
			r := newRig(t, true, func(s *sandbox.Config, _ *state.Config) { s.Claims = claims })
			agent, _ := agentAndOther(t, r.srv)
			r.syncUntil(t, 20)
			if r.engine.Me() == "" {
				if err := r.engine.ChooseMe(agent); err != nil {
					t.Fatal(err)
				}
			}
			conv := r.openConversation(t)
			res := r.engine.Apply(context.Background(), []string{conv.ID}, state.Change{UserID: r.engine.Me()}, nil)
			if res[0].Err != nil {
				t.Fatal(res[0].Err)
			}
			mine, err := r.store.ListConversations(state.View{UserID: agent}, 0, 1000)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, c := range mine {
				found = found || c.ID == conv.ID
			}
			if !found {
				t.Errorf("the conversation assigned to me is not in Mine (%d conversations)", len(mine))
			}
		})
	}
}

// agentAndOther are the demo agent's user id and another user's.
func agentAndOther(t *testing.T, srv *sandbox.Server) (agent, other string) {
	t.Helper()
	name, _ := srv.Credentials()
	for _, l := range srv.Users() {
		if l.Username == name {
			agent = l.UserID
		} else if other == "" {
			other = l.UserID
		}
	}
	if agent == "" || other == "" {
		t.Fatal("the sandbox has no demo agent or no other user")
	}
	return agent, other
}

// IdentifyUser takes the one id some claim holds, whichever claim; it
// never guesses from none or from several.
func TestIdentifyUser(t *testing.T) {
	ids := []string{"6D73D10D-ADA8-4DE2-A9A6-F441AB344287", "8492a9d3-af16-4375-ba7c-9f67325a6a3d", "42"}
	tests := []struct {
		name, claims, want string
	}{
		{"sub", `{"sub":"8492a9d3-af16-4375-ba7c-9f67325a6a3d","exp":1}`, "8492a9d3-af16-4375-ba7c-9f67325a6a3d"},
		{"username in sub, id in uid", `{"sub":"agent@demo.mbx","uid":"8492a9d3-af16-4375-ba7c-9f67325a6a3d"}`, "8492a9d3-af16-4375-ba7c-9f67325a6a3d"},
		{"ASP.NET claim, other letter case", `{"http://schemas.xmlsoap.org/ws/2005/05/identity/claims/nameidentifier":"6d73d10d-ada8-4de2-a9a6-f441ab344287"}`, "6D73D10D-ADA8-4DE2-A9A6-F441AB344287"},
		{"a number", `{"user":42}`, "42"},
		{"the same id twice", `{"sub":"42","uid":"42"}`, "42"},
		{"no id", `{"sub":"agent@demo.mbx","name":"Alex Agent"}`, ""},
		{"two users: ambiguous", `{"sub":"42","act":"8492a9d3-af16-4375-ba7c-9f67325a6a3d"}`, ""},
		{"no claims", `{}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var claims map[string]any
			dec := json.NewDecoder(strings.NewReader(tt.claims))
			dec.UseNumber()
			if err := dec.Decode(&claims); err != nil {
				t.Fatal(err)
			}
			got, why := msgboxx.IdentifyUser(claims, ids)
			if got != tt.want || (got == "") != (why != "") {
				t.Errorf("IdentifyUser = %q, %q; want %q (and words when none)", got, why, tt.want)
			}
		})
	}
}
