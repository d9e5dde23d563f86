package main

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
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
