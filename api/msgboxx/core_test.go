package msgboxx_test

import (
	"context"
	"testing"

	"github.com/mbx-inbox/mbx/state"
)

// TestBackendCore: what msgboxx declares, who the user is, and a template
// it cannot send (no id).
func TestBackendCore(t *testing.T) {
	r := newRig(t, true)
	be := newBackend(t, r.srv, r.url, r.now)
	want := state.Capabilities{Folders: true, ContactEditing: true, TemplateFollowUp: true}
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
	r.syncUntil(t, 5)
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
