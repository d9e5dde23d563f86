package state

import (
	"context"
	"path/filepath"
	"testing"
)

// Who the user is: the config file's user_id, else the platform's
// answer, else the agent's remembered answer; nobody says → ask. Each step
// is a reference refresh by an engine over the same store file; a
// "restart" is a new Store and Engine on it.
func TestIdentitySources(t *testing.T) {
	type step struct {
		restart  bool
		config   string // SetConfiguredUser before the refresh ("-": not called)
		platform string // Backend.Me's id
		choose   string // ChooseMe after the refresh ("" none)
		chooseOK bool
		wantMe   string
		wantSrc  IdentitySource
		wantAsk  bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"the platform says", []step{
			{config: "-", platform: "u-me", wantMe: "u-me", wantSrc: IdentityPlatform},
		}},
		{"nobody says: ask, never silently empty", []step{
			{config: "-", wantAsk: true},
		}},
		{"the answer survives a restart", []step{
			{config: "-", choose: "u-2", chooseOK: true, wantMe: "u-2", wantSrc: IdentityChosen},
			{restart: true, config: "", wantMe: "u-2", wantSrc: IdentityChosen},
		}},
		{"the config file wins over the platform and the answer", []step{
			{config: "-", choose: "u-2", chooseOK: true, wantMe: "u-2", wantSrc: IdentityChosen},
			{restart: true, config: "u-me", choose: "u-2", wantMe: "u-me", wantSrc: IdentityConfig},
			{config: "-", platform: "u-2", wantMe: "u-me", wantSrc: IdentityConfig},
			{restart: true, config: "", wantMe: "u-2", wantSrc: IdentityChosen}, // the line removed: the answer again
		}},
		{"a stale id that is no user is dropped and the agent asked", []step{
			{config: "-", platform: "agent@example.com"}, // what an old mbx took from sub
		}},
		{"an answer that is no user is refused", []step{
			{config: "-", choose: "u-9", wantAsk: true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "mbx.db")
			clock := &testClock{now: t0}
			be := newCore(clock.Now)
			var e *Engine
			open := func() {
				s, err := Open(path)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				e = NewEngine(s, be, Config{Now: clock.Now})
			}
			open()
			for i, st := range tt.steps {
				if st.restart {
					e.store.Close()
					open()
				}
				if st.config != "-" {
					if err := e.SetConfiguredUser(st.config); err != nil {
						t.Fatal(err)
					}
				}
				be.me = User{ID: st.platform}
				if st.platform == "agent@example.com" {
					e.SetMe(st.platform)
					be.me = User{}
				}
				if err := e.refreshReference(context.Background()); err != nil {
					t.Fatal(err)
				}
				if st.choose != "" {
					err := e.ChooseMe(st.choose)
					if (err == nil) != st.chooseOK {
						t.Errorf("step %d: ChooseMe(%q) = %v, want ok %v", i, st.choose, err, st.chooseOK)
					}
				}
				id, err := e.Identity()
				if err != nil {
					t.Fatal(err)
				}
				want := Identity{UserID: st.wantMe, Source: st.wantSrc, Ask: st.wantAsk || st.wantMe == "" && st.wantSrc == IdentityUnknown}
				if id != want {
					t.Errorf("step %d: Identity() = %+v, want %+v", i, id, want)
				}
				if e.Me() != st.wantMe || e.store.rule().me != st.wantMe {
					t.Errorf("step %d: Me() = %q, write rule's %q, want %q", i, e.Me(), e.store.rule().me, st.wantMe)
				}
			}
		})
	}
}

// A user_id that is none of the account's users says so, with what to do.
func TestConfiguredUserNotAmongUsers(t *testing.T) {
	clock := &testClock{now: t0}
	e := NewEngine(openTest(t), newCore(clock.Now), Config{Now: clock.Now})
	if err := e.SetConfiguredUser("nobody"); err != nil {
		t.Fatal(err)
	}
	if err := e.refreshReference(context.Background()); err != nil {
		t.Fatal(err)
	}
	id, err := e.Identity()
	if err != nil {
		t.Fatal(err)
	}
	if id.UserID != "nobody" || id.Problem == "" {
		t.Errorf("Identity() = %+v, want the configured id with a problem in words", id)
	}
}
