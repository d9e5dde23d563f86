package main

import (
	"strings"
	"testing"
)

// user_id in an [accounts.NAME] table says who the agent is on the
// platform; an empty or multi-line one points at its line.
func TestConfigUserID(t *testing.T) {
	tests := []struct {
		name, file, want, err string
	}{
		{"set", "[accounts.work]\nbase_url = \"https://api.msgboxx.io\"\nusername = \"me@example.com\"\nuser_id = \" 6d73d10d-ada8-4de2-a9a6-f441ab344287 \"\n",
			"6d73d10d-ada8-4de2-a9a6-f441ab344287", ""},
		{"absent", "[accounts.work]\nbase_url = \"https://api.msgboxx.io\"\nusername = \"me@example.com\"\n", "", ""},
		{"empty", "[accounts.work]\nbase_url = \"https://api.msgboxx.io\"\nuser_id = \"\"\n", "", "config.toml:3: accounts.work.user_id: give your user id"},
		{"a line break", "[accounts.work]\nbase_url = \"https://api.msgboxx.io\"\nuser_id = \"a\\nb\"\n", "", "accounts.work.user_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig("config.toml", []byte(tt.file))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			acc, err := c.resolve(accountFlags{}, func(string) string { return "" })
			if err != nil {
				t.Fatal(err)
			}
			if acc.UserID != tt.want {
				t.Errorf("UserID = %q, want %q", acc.UserID, tt.want)
			}
		})
	}
}

// mbx sandbox --claims takes the layouts the sandbox has and refuses
// others with the list.
func TestSandboxClaimsFlag(t *testing.T) {
	var out, errs strings.Builder
	if code := runSandbox(t.Context(), []string{"--claims", "sub-email"}, &out, &errs); code != 2 ||
		!strings.Contains(errs.String(), "--claims \"sub-email\": use one of sub-id, sub-username, no-id") {
		t.Errorf("exit %d, stderr %q", code, errs.String())
	}
}
