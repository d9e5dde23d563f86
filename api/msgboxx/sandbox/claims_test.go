package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// Config.Claims lays the token's claims out as each reading of the
// reference would, and every layout's tokens authenticate.
func TestClaimLayouts(t *testing.T) {
	tests := []struct {
		claims  string
		sub     string // "id" or "username"
		uid     bool   // the id in "uid"
		idsSeen int    // claims whose value is the user id
	}{
		{"", "id", false, 1},
		{ClaimsSubID, "id", false, 1},
		{ClaimsSubUsername, "username", true, 1},
		{ClaimsNoID, "username", false, 0},
	}
	for _, tt := range tests {
		t.Run("claims="+tt.claims, func(t *testing.T) {
			h := newHarness(t, Config{Empty: true, Claims: tt.claims})
			name, _ := h.s.Credentials()
			var id string
			for _, l := range h.s.Users() {
				if l.Username == name {
					id = l.UserID
				}
			}
			claims := payload(t, h.token)
			want := id
			if tt.sub == "username" {
				want = name
			}
			if claims["sub"] != want {
				t.Errorf("sub = %v, want %q", claims["sub"], want)
			}
			if _, ok := claims["uid"]; ok != tt.uid || tt.uid && claims["uid"] != id {
				t.Errorf("uid = %v, want it %v (%q)", claims["uid"], tt.uid, id)
			}
			seen := 0
			for _, v := range claims {
				if s, ok := v.(string); ok && strings.EqualFold(s, id) {
					seen++
				}
			}
			if seen != tt.idsSeen {
				t.Errorf("%d claims hold the user id, want %d: %v", seen, tt.idsSeen, claims)
			}
			if r := h.get("/apiaccount"); r.status != http.StatusOK {
				t.Errorf("GET /apiaccount with a %q token: %d %s", tt.claims, r.status, r.body)
			}
		})
	}
	if ValidClaims("sub-email") || !ValidClaims("") || !ValidClaims(ClaimsNoID) {
		t.Error("ValidClaims")
	}
}

func payload(t *testing.T, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("not a JWT: %d parts", len(parts))
	}
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}
