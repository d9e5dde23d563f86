package main

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/mbx-inbox/mbx/ui"
)

// TestDefaultKeysDoNotCollide checks that no key does two things in the
// same context, every binding has help text, and no Alt+letter is bound
// outside the composer (AltGr layouts type those).
func TestDefaultKeysDoNotCollide(t *testing.T) {
	km := defaultKeyMap()
	groups := km.FullHelp()
	composer := groups[len(groups)-1]
	global := map[string]string{}
	for _, g := range groups[:len(groups)-1] {
		for _, b := range g {
			h := b.Help()
			if h.Key == "" || h.Desc == "" || len(b.Keys()) == 0 {
				t.Errorf("binding %v lacks keys or help", b.Keys())
			}
			for _, k := range b.Keys() {
				if strings.HasPrefix(k, "alt+") {
					t.Errorf("%q: no Alt+key outside the composer", k)
				}
				if prev, ok := global[k]; ok {
					t.Errorf("key %q bound to both %q and %q", k, prev, h.Desc)
				}
				global[k] = h.Desc
			}
		}
	}
	seen := map[string]bool{}
	for _, b := range composer {
		for _, k := range b.Keys() {
			if seen[k] {
				t.Errorf("composer key %q bound twice", k)
			}
			seen[k] = true
		}
	}
	// A fresh copy each call: changing one never changes the defaults.
	km.Quit.SetKeys("Q")
	if key.Matches(keyString("Q"), defaultKeyMap().Quit) {
		t.Error("defaultKeyMap returned shared state")
	}
}

type keyString string

func (k keyString) String() string { return string(k) }

func TestKeyOverrides(t *testing.T) {
	tests := []struct {
		name, file string
		err        string // substring; "" for success
		check      func(t *testing.T, km ui.KeyMap)
	}{
		{name: "override one action", file: "[keys]\nmove_archive = \"E\"\n", check: func(t *testing.T, km ui.KeyMap) {
			if !key.Matches(keyString("E"), km.MoveArchive) || key.Matches(keyString("e"), km.MoveArchive) || km.MoveArchive.Help().Key != "E" {
				t.Errorf("archive keys %v", km.MoveArchive.Keys())
			}
		}},
		{name: "a list of keys", file: "title = \"x\"\n[accounts.work]\nbase_url = \"https://a\"\n[keys]\nquit = [\"q\", \"ctrl+q\"]\n", check: func(t *testing.T, km ui.KeyMap) {
			if len(km.Quit.Keys()) != 2 {
				t.Errorf("quit keys %v", km.Quit.Keys())
			}
		}},
		{name: "unknown action", file: "[keys]\n\narchiv = \"E\"\n", err: "config.toml:3: [keys] archiv: no such action"},
		{name: "not a key", file: "[keys]\nquit = \"ctrl+banana\"\n", err: `config.toml:2: [keys] quit: "ctrl+banana" is not a key name`},
		{name: "a blank", file: "[keys]\nmark = \" \"\n", err: `write "space"`},
		{name: "conflict with a default", file: "[keys]\nhelp = \"x\"\n", err: `config.toml:2: [keys] key "x" is bound to both`},
		{name: "wrong type", file: "[keys]\nquit = 5\n", err: "config.toml:2: [keys] quit: give a key or a list of keys"},
		{name: "broken TOML", file: "[keys\nquit = \"q\"\n", err: "config.toml:1:"},
		{name: "composer keys are their own place", file: "[keys]\nsend = \"ctrl+s\"\nnewline = \"enter\"\n", check: func(t *testing.T, km ui.KeyMap) {
			if !key.Matches(keyString("enter"), km.Newline) || !key.Matches(keyString("enter"), km.Open) {
				t.Error("enter should insert a newline in the composer and still open elsewhere")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			km, err := parseKeyMap("/home/a/.config/mbx/config.toml", []byte(tt.file))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, km)
		})
	}
	if _, err := loadKeyMap(t.TempDir() + "/missing.toml"); err != nil {
		t.Errorf("a missing file is not an error: %v", err)
	}
}

func FuzzParseKeyMap(f *testing.F) {
	for _, s := range []string{"[keys]\nquit = \"q\"\n", "[keys]\nmark = [\"x\", \"space\"]\n", "[keys\n", "[keys]\nhelp = \"j\"\n", "a = 1\n[keys]\nup = [1]\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		km, err := parseKeyMap("config.toml", data)
		if err != nil {
			return
		}
		// Whatever it accepted has no key doing two things in one place.
		seen := map[string]bool{}
		for _, a := range keyActions(&km) {
			if a.composer {
				continue
			}
			for _, k := range a.binding.Keys() {
				if seen[k] {
					t.Fatalf("key %q accepted twice", k)
				}
				seen[k] = true
			}
		}
	})
}
