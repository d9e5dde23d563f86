package main

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/mbx-inbox/mbx/ui"
)

// TestDefaultKeysDoNotCollide checks that every binding of ui.KeyMap has
// a default and a [keys] name, help text, no key doing two things in the
// same place, and no Alt+letter outside the composer (AltGr layouts type
// those).
func TestDefaultKeysDoNotCollide(t *testing.T) {
	km := defaultKeyMap()
	actions := keyActions(&km)
	named := map[*key.Binding]string{}
	owner := map[keyPlace]map[string]string{}
	for _, a := range actions {
		if prev, ok := named[a.binding]; ok {
			t.Errorf("%s and %s name the same binding", prev, a.name)
		}
		named[a.binding] = a.name
		h := a.binding.Help()
		if h.Key == "" || h.Desc == "" || len(a.binding.Keys()) == 0 {
			t.Errorf("%s lacks keys or help", a.name)
		}
		if owner[a.place] == nil {
			owner[a.place] = map[string]string{}
		}
		for _, k := range a.binding.Keys() {
			if strings.HasPrefix(k, "alt+") && a.place != placeComposer {
				t.Errorf("%s: %q: no Alt+key outside the composer", a.name, k)
			}
			if prev, ok := owner[a.place][k]; ok {
				t.Errorf("key %q bound to both %s and %s", k, prev, a.name)
			}
			owner[a.place][k] = a.name
		}
	}
	// Every binding the UI has is in keyActions: a new one needs a default
	// here and a name for the config file.
	v := reflect.ValueOf(&km).Elem()
	for i := 0; i < v.NumField(); i++ {
		f := v.Field(i)
		if b, ok := f.Addr().Interface().(*key.Binding); ok {
			if _, ok := named[b]; !ok {
				t.Errorf("ui.KeyMap.%s has no entry in keyActions (and so maybe no default)", v.Type().Field(i).Name)
			}
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
		{name: "quoted action", file: "[keys]\n\n\"archiv\" = \"E\"\n", err: "config.toml:3: [keys] archiv: no such action"},
		{name: "not a key", file: "[keys]\nquit = \"ctrl+banana\"\n", err: `config.toml:2: [keys] quit: "ctrl+banana" is not a key name`},
		{name: "a blank", file: "[keys]\nmark = \" \"\n", err: `write "space"`},
		{name: "conflict with a default", file: "[keys]\nhelp = \"x\"\n", err: `config.toml:2: [keys] key "x" is bound to both`},
		{name: "wrong type", file: "[keys]\nquit = 5\n", err: "config.toml:2: [keys] quit: give a key or a list of keys"},
		{name: "broken TOML", file: "[keys\nquit = \"q\"\n", err: "config.toml:1:"},
		{name: "picker keys are their own place", file: "[keys]\npicker_down = [\"down\", \"j\"]\n", check: func(t *testing.T, km ui.KeyMap) {
			if !key.Matches(keyString("j"), km.PickerDown) || !key.Matches(keyString("j"), km.Down) {
				t.Error("j should move down in pickers and in the panes")
			}
		}},
		{name: "conflict inside pickers", file: "[keys]\nnew_contact = \"ctrl+t\"\n", err: `config.toml:2: [keys] key "ctrl+t" is bound to both new_contact and edit_tags`},
		{name: "tags and saved responses", file: "[keys]\ntags = \"T\"\nsaved_response = \"ctrl+y\"\n", check: func(t *testing.T, km ui.KeyMap) {
			if !key.Matches(keyString("T"), km.Tags) || !key.Matches(keyString("ctrl+y"), km.SavedResponse) || key.Matches(keyString("ctrl+o"), km.SavedResponse) {
				t.Errorf("tags %v, saved_response %v", km.Tags.Keys(), km.SavedResponse.Keys())
			}
		}},
		{name: "tags may not take the assign key", file: "[keys]\ntags = \"a\"\n", err: `key "a" is bound to both assign and tags`},
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
			for _, k := range a.binding.Keys() {
				at := fmt.Sprint(a.place, k)
				if seen[at] {
					t.Fatalf("key %q accepted twice in place %d", k, a.place)
				}
				seen[at] = true
			}
		}
	})
}
