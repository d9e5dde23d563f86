package state_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

// savingBackend is a platform with saved responses of its own.
type savingBackend struct {
	state.Backend
	saved []state.SavedResponse
}

func (b savingBackend) SavedResponses(context.Context) ([]state.SavedResponse, error) {
	return b.saved, nil
}

// TestLocalSavedResponses: the agent's file adds to the platform's, and
// gives the capability to a platform without any.
func TestLocalSavedResponses(t *testing.T) {
	st, err := state.Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := func() time.Time { return time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC) }
	mine := []state.SavedResponse{{ID: "file:1", Name: "Payslip", Text: "Hi {first_name}"}}
	file := func(list []state.SavedResponse, err error) *state.LocalResponses {
		return &state.LocalResponses{Path: "~/r.toml", Read: func() ([]state.SavedResponse, error) { return list, err }}
	}
	platform := savingBackend{saved: []state.SavedResponse{{ID: "p1", Name: "Hours", Text: "9–5"}}}
	broken := errors.New("r.toml:3: no text")
	tests := []struct {
		name    string
		be      state.Backend
		local   *state.LocalResponses
		cap     bool
		want    int
		none    string // the NoSavedResponsesError's File, when none
		wantErr error
	}{
		{name: "neither", be: nil, local: nil},
		{name: "file only", local: file(mine, nil), cap: true, want: 1},
		{name: "file not written yet", local: file(nil, nil), cap: true, none: "~/r.toml"},
		{name: "broken file", local: file(nil, broken), cap: true, wantErr: broken},
		{name: "platform and file", be: platform, local: file(mine, nil), cap: true, want: 2},
		{name: "platform only", be: platform, cap: true, want: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			be := tt.be
			if be == nil {
				be = savingBackendless{}
			}
			e := state.NewEngine(st, be, state.Config{Now: now, Responses: tt.local})
			if got := e.Capabilities().SavedResponses; got != tt.cap {
				t.Errorf("capability %v, want %v", got, tt.cap)
			}
			got, err := e.SavedResponses(context.Background())
			var none *state.NoSavedResponsesError
			switch {
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Errorf("error %v, want %v", err, tt.wantErr)
				}
			case tt.none != "":
				if !errors.As(err, &none) || none.File != tt.none {
					t.Errorf("error %v, want none with the file %s", err, tt.none)
				}
			case !tt.cap:
				if err == nil {
					t.Error("no error without the capability")
				}
			case err != nil || len(got) != tt.want:
				t.Errorf("%d responses (%v), want %d", len(got), err, tt.want)
			}
		})
	}
}

// savingBackendless is a platform without saved responses.
type savingBackendless struct{ state.Backend }
