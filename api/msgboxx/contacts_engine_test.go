package msgboxx_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/state"
)

// Contacts created and tagged through state.Engine against the sandbox.

func sandboxContact(t *testing.T, r *rig, id string) msgboxx.Contact {
	t.Helper()
	c, err := newBackend(t, r.srv, r.url, r.now).Client().Contact(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCreateContact(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	ho := accountID(t, r, "Head Office")
	ctx := context.Background()
	sub := r.engine.Subscribe()
	defer sub.Close()

	t.Run("valid", func(t *testing.T) {
		r.srv.ResetStats()
		c, err := r.engine.CreateContact(ctx, state.Contact{AccountID: ho, Name: "  Zoë Ng ", Number: "+44 (0)7902-555 200",
			Email: "zoe@example.com", Tags: []string{"tenant", "Tenant", " "}})
		if err != nil {
			t.Fatal(err)
		}
		if c.ID == "" || c.Name != "Zoë Ng" || c.Number != "+447902555200" || c.AccountID != ho || !slices.Equal(c.Tags, []string{"tenant"}) {
			t.Errorf("created %+v", c)
		}
		stored, ok, _ := r.store.Contact(c.ID)
		if !ok || stored.Number != c.Number || stored.Email != "zoe@example.com" || !slices.Equal(stored.Tags, c.Tags) {
			t.Errorf("stored %+v", stored)
		}
		if hits, _ := r.store.SearchContacts("zoe", 10); !slices.ContainsFunc(hits, func(h state.Contact) bool { return h.ID == c.ID }) {
			t.Error("not found by name")
		}
		if p := sandboxContact(t, r, c.ID); p.MobileNumber != c.Number || p.Name != "Zoë Ng" || !slices.Equal(p.Tags, []string{"tenant"}) {
			t.Errorf("on the platform %+v", p)
		}
		ch, _, err := sub.Next(ctx, 0)
		if err != nil || !ch.Reference {
			t.Errorf("changes %+v %v", ch, err)
		}
	})

	t.Run("refused before any request", func(t *testing.T) {
		r.srv.ResetStats()
		for _, c := range []state.Contact{
			{AccountID: ho, Name: "Ana", Number: "07902 555201"},         // no country code
			{AccountID: ho, Name: "Ana", Number: "+44 790"},              // too short for any number
			{AccountID: ho, Name: "Ana", Number: "+44 7902\n555201"},     // a line break
			{AccountID: ho, Name: "Ana\x1b[2J", Number: "+447902555201"}, // control character
			{AccountID: ho, Name: " ", Number: "+447902555201"},
			{Name: "Ana", Number: "+447902555201"},
		} {
			_, err := r.engine.CreateContact(ctx, c)
			var ie *state.InputError
			if !errors.As(err, &ie) {
				t.Errorf("%+v: %v", c, err)
			}
		}
		if n := r.srv.Stats().Requests["POST /contact"]; n != 0 {
			t.Errorf("%d POSTs", n)
		}
		_, err := r.engine.CreateContact(ctx, state.Contact{AccountID: ho, Name: "Ana", Number: "07902 555201"})
		if want := "start the number with + and its country code (or 00), e.g. +44 7902 111123"; err.Error() != want {
			t.Errorf("words %q, want %q", err, want)
		}
	})

	// The one phone rule checks the shape only: whether a number exists is
	// the platform's call, and its refusal comes back in its words.
	t.Run("validity is the platform's call", func(t *testing.T) {
		r.srv.ResetStats()
		for _, number := range []string{"+44 7902 5552", "+44 7700 900123"} { // too short for the UK; not an allocated range
			_, err := r.engine.CreateContact(ctx, state.Contact{AccountID: ho, Name: "Ana", Number: number})
			var ie *state.InputError
			if err == nil || errors.As(err, &ie) || !strings.Contains(err.Error(), "not a valid phone number") {
				t.Errorf("%s: %v, want the platform's refusal", number, err)
			}
		}
		if n := r.srv.Stats().Requests["POST /contact"]; n != 2 {
			t.Errorf("%d POSTs, want 2", n)
		}
	})

	t.Run("duplicate the store knows", func(t *testing.T) {
		first := newContact(t, r, "Bea First", "+44 7902 555 202")
		r.srv.ResetStats()
		_, err := r.engine.CreateContact(ctx, state.Contact{AccountID: ho, Name: "Bea Again", Number: "0044 7902 555202"})
		var ce *state.ContactExistsError
		if !errors.As(err, &ce) || ce.Existing.ID != first.ID || ce.Existing.Name != "Bea First" {
			t.Fatalf("err %v", err)
		}
		if got := err.Error(); got != "Bea First already has this number in this account: open that contact instead" {
			t.Errorf("words %q", got)
		}
		if st := r.srv.Stats().Requests; st["POST /contact"] != 1 || st["GET /contact"] != 0 {
			t.Errorf("requests %v", st)
		}
	})

	t.Run("duplicate only the platform knows", func(t *testing.T) {
		// Someone else created it; this store has not seen it.
		other, err := newBackend(t, r.srv, r.url, r.now).CreateContact(ctx, state.Contact{AccountID: ho, Name: "Cy Elsewhere", Number: "+447902555203"})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := r.store.Contact(other.ID); ok {
			t.Fatal("the store knows it already")
		}
		_, err = r.engine.CreateContact(ctx, state.Contact{AccountID: ho, Name: "Cy", Number: "+44 7902 555203"})
		var ce *state.ContactExistsError
		if !errors.As(err, &ce) || ce.Existing.ID != other.ID || ce.Existing.Name != "Cy Elsewhere" || ce.Existing.AccountID != ho {
			t.Fatalf("err %v (%+v)", err, ce)
		}
		if stored, ok, _ := r.store.Contact(other.ID); !ok || stored.Number != "+447902555203" {
			t.Errorf("the existing contact is not stored to open: %+v", stored)
		}
		// The same number in another account is another contact.
		perm := accountID(t, r, "Stitch Recruit Contract")
		if _, err := r.engine.CreateContact(ctx, state.Contact{AccountID: perm, Name: "Cy", Number: "+44 7902 555203"}); err != nil {
			t.Errorf("another account: %v", err)
		}
	})
}

func TestSetContactTags(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	ctx := context.Background()
	c, err := r.engine.CreateContact(ctx, state.Contact{AccountID: accountID(t, r, "Head Office"), Name: "Dee Tags",
		Number: "+447902555204", Email: "dee@example.com", Status: "Subscribed"})
	if err != nil {
		t.Fatal(err)
	}
	// The store may know a contact only from its messages, without the
	// email: the tags must not clear it on the platform.
	partial := c
	partial.Email = ""
	if err := r.store.UpsertContacts([]state.Contact{partial}); err != nil {
		t.Fatal(err)
	}
	sub := r.engine.Subscribe()
	defer sub.Close()
	got, err := r.engine.SetContactTags(ctx, c.ID, []string{" VIP ", "vip", "", "Landlord", "VIP"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"VIP", "Landlord"}
	if !slices.Equal(got.Tags, want) || got.ID != c.ID || got.Email != "dee@example.com" {
		t.Errorf("answer %+v", got)
	}
	p := sandboxContact(t, r, c.ID)
	if !slices.Equal(p.Tags, want) || p.Email != "dee@example.com" || p.Name != "Dee Tags" || p.MobileNumber != c.Number || p.Status != "Subscribed" {
		t.Errorf("on the platform %+v", p)
	}
	stored, _, _ := r.store.Contact(c.ID)
	if !slices.Equal(stored.Tags, want) || stored.Email != "dee@example.com" {
		t.Errorf("stored %+v", stored)
	}
	if ch, _, err := sub.Next(ctx, 0); err != nil || !ch.Reference {
		t.Errorf("changes %+v %v", ch, err)
	}
	// Removing every tag.
	if got, err := r.engine.SetContactTags(ctx, c.ID, nil); err != nil || len(got.Tags) != 0 {
		t.Errorf("clearing: %+v %v", got, err)
	}
	if p := sandboxContact(t, r, c.ID); len(p.Tags) != 0 {
		t.Errorf("on the platform after clearing: %v", p.Tags)
	}
	// Refused here.
	r.srv.ResetStats()
	for _, tags := range [][]string{{strings.Repeat("x", state.MaxTagLength+1)}, {"a\tb"}} {
		var ie *state.InputError
		if _, err := r.engine.SetContactTags(ctx, c.ID, tags); !errors.As(err, &ie) {
			t.Errorf("%q: %v", tags, err)
		}
	}
	if _, err := r.engine.SetContactTags(ctx, "no-such-contact", []string{"x"}); err == nil {
		t.Error("an unknown contact")
	}
	if n := len(r.srv.Stats().Requests); n != 0 {
		t.Errorf("requests for refused tags: %v", r.srv.Stats().Requests)
	}
}
