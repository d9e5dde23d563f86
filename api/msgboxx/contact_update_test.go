package msgboxx_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// Finding 11 of issue 12: PUT /contact never sends "datetime": "" (no
// date-time at all); the contact's creation time goes when it is known,
// as the reference's example sends it, and is left out otherwise.
func TestUpdateContactNeverSendsEmptyDatetime(t *testing.T) {
	clock := newClock()
	srv := sandbox.New(sandbox.Config{Seed: 7, Now: clock.Now, TokenLifetime: time.Hour})
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	var bodies []map[string]json.RawMessage
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method == http.MethodPut && strings.HasPrefix(req.URL.Path, "/contact/") {
			b, _ := io.ReadAll(req.Body)
			var body map[string]json.RawMessage
			if err := json.Unmarshal(b, &body); err != nil {
				t.Errorf("PUT body %s: %v", b, err)
			}
			mu.Lock()
			bodies = append(bodies, body)
			mu.Unlock()
			req.Body = io.NopCloser(bytes.NewReader(b))
		}
		srv.ServeHTTP(w, req)
	}))
	t.Cleanup(hs.Close)
	user, pass := srv.Credentials()
	c, err := msgboxx.New(msgboxx.Config{BaseURL: hs.URL, Username: user, Password: pass, Application: "mbx/test", Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var known msgboxx.Contact
	for ct, err := range c.Contacts(ctx, msgboxx.ContactFilter{}) {
		if err != nil {
			t.Fatal(err)
		}
		known = ct
		break
	}
	if known.ID == "" || known.Created.IsZero() {
		t.Fatalf("no contact with a creation time to update: %+v", known)
	}
	unknown := known
	unknown.Created = msgboxx.Time{}
	be := msgboxx.NewBackend(c)
	tests := []struct {
		name   string
		update func() error
		want   string // the datetime sent; "" for none
	}{
		{"client, time known", func() error { _, err := c.UpdateContact(ctx, known); return err },
			`"` + known.Created.UTC().Format(time.RFC3339Nano) + `"`},
		{"client, time unknown", func() error { _, err := c.UpdateContact(ctx, unknown); return err }, ""},
		{"backend (state has no creation time to give)", func() error {
			_, err := be.UpdateContact(ctx, state.Contact{ID: known.ID, AccountID: known.APIAccountID, Name: known.Name,
				Number: known.MobileNumber, Tags: []string{"vip"}})
			return err
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu.Lock()
			bodies = nil
			mu.Unlock()
			if err := tt.update(); err != nil {
				t.Fatalf("update: %v", err)
			}
			mu.Lock()
			defer mu.Unlock()
			if len(bodies) != 1 {
				t.Fatalf("%d PUT bodies, want 1", len(bodies))
			}
			got, sent := bodies[0]["datetime"]
			switch {
			case tt.want == "" && sent:
				t.Errorf(`"datetime" sent as %s, want it left out`, got)
			case tt.want != "" && string(got) != tt.want:
				t.Errorf(`"datetime" = %s, want %s`, got, tt.want)
			}
			if string(bodies[0]["tags"]) == "null" {
				t.Error(`"tags" sent as null`)
			}
		})
	}
}
