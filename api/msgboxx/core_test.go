package msgboxx_test

import (
	"context"
	"testing"

	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestBackendCore: what msgboxx declares, who the user is, and a template
// it cannot send (no id).
func TestBackendCore(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	be := newBackend(t, r.srv, r.url, r.now)
	want := state.Capabilities{Folders: true, ContactEditing: true, TemplateFollowUp: true, Media: true}
	if got := state.CapabilitiesOf(be); got != want {
		t.Errorf("capabilities %+v, want %+v", got, want)
	}
	if got := r.engine.Capabilities(); got != want {
		t.Errorf("engine capabilities %+v, want %+v", got, want)
	}
	ctx := context.Background()
	me, err := be.Me(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if me.ID == "" || me.ID != be.Client().UserID() || me.Name() == "" || len(me.AccountIDs) == 0 {
		t.Errorf("Me() = %+v (token subject %q)", me, be.Client().UserID())
	}
	if got := r.engine.Me(); got != me.ID {
		t.Errorf("engine.Me() after a sync = %q, want %q", got, me.ID)
	}
	conv := r.openConversation(t)
	_, err = be.Send(ctx, state.Outgoing{AccountID: conv.AccountID, ContactID: conv.ContactID, Text: "Hi",
		Template: &state.TemplateRef{Name: "welcome", Language: "en"}})
	if state.KindOf(err) != state.KindRefused {
		t.Errorf("a template without an id: %v", err)
	}
}

// TestFirstSyncLearnsMe: an engine over a new store learns who the user is
// in its first sync. (A sandbox without demo data: the accounts, users and
// teams are there, and the sync is quick.)
func TestFirstSyncLearnsMe(t *testing.T) {
	t.Parallel()
	r := newRig(t, true, func(s *sandbox.Config, _ *state.Config) { s.Empty = true })
	me, err := newBackend(t, r.srv, r.url, r.now).Me(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := r.engine.Me(); got != "" {
		t.Errorf("engine.Me() before any sync = %q", got)
	}
	r.syncUntil(t, 5)
	if got := r.engine.Me(); got == "" || got != me.ID {
		t.Errorf("engine.Me() after the first sync = %q, want %q", got, me.ID)
	}
}
