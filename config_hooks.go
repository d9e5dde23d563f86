package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/mbx-inbox/mbx/ui"
)

// fileHooks is the [hooks] table as written: each event's command is an
// argv array (the program, then its arguments), run without a shell.
type fileHooks struct {
	OnInbound            []string `toml:"on_inbound"`
	OnAssigned           []string `toml:"on_assigned"`
	WindowClosing        []string `toml:"window_closing"`
	WindowClosingMinutes *int     `toml:"window_closing_minutes"`
	SendFailed           []string `toml:"send_failed"`
	Timeout              *string  `toml:"timeout"`
}

// desktopSettings are [notifications] desktop and tmux.
type desktopSettings struct {
	Desktop string // "", ui.DesktopOSC9 or ui.DesktopOSC777
	Tmux    bool   // wrap for tmux's passthrough when inside tmux
}

// parseHooks checks [hooks] and the desktop notifications of
// [notifications]; bad records each problem at its line.
func parseHooks(fc *fileConfig, bad func(key, format string, args ...any)) (hookSettings, desktopSettings) {
	hs := hookSettings{commands: map[string][]string{}, timeout: defaultHookTimeout, closing: defaultHookClosing}
	for _, h := range []struct {
		event string
		argv  []string
	}{
		{ui.HookInbound, fc.Hooks.OnInbound}, {ui.HookAssigned, fc.Hooks.OnAssigned},
		{ui.HookWindowClosing, fc.Hooks.WindowClosing}, {ui.HookSendFailed, fc.Hooks.SendFailed},
	} {
		if h.argv == nil {
			continue
		}
		if len(h.argv) == 0 || strings.TrimSpace(h.argv[0]) == "" {
			bad("hooks."+h.event, "empty: give the program and its arguments, e.g. %s = [\"notify-send\", \"mbx\"], or remove the line", h.event)
			continue
		}
		if i := indexControl(h.argv); i >= 0 {
			bad("hooks."+h.event, "argument %d has a control character; write each argument on one line", i+1)
			continue
		}
		hs.commands[h.event] = h.argv
	}
	if p := fc.Hooks.Timeout; p != nil {
		d, err := time.ParseDuration(strings.TrimSpace(*p))
		switch {
		case err != nil:
			bad("hooks.timeout", "%q is not a duration: write e.g. \"10s\" or \"1m\"", *p)
		case d < 100*time.Millisecond || d > maxHookTimeout:
			bad("hooks.timeout", "%q: give from \"100ms\" to \"10m\"", *p)
		default:
			hs.timeout = d
		}
	}
	if p := fc.Hooks.WindowClosingMinutes; p != nil {
		if *p < 1 || *p > maxHookClosingLeads {
			bad("hooks.window_closing_minutes", "%d: give the minutes before the window closes, from 1 to %d", *p, maxHookClosingLeads)
		} else {
			hs.closing = time.Duration(*p) * time.Minute
		}
	}
	ds := desktopSettings{Tmux: true}
	if p := fc.Notifications.Desktop; p != nil {
		switch m := strings.ToLower(strings.TrimSpace(*p)); m {
		case "off", "":
		case ui.DesktopOSC9, ui.DesktopOSC777:
			ds.Desktop = m
		default:
			bad("notifications.desktop", "%q: give \"off\" (the default), \"osc9\" or \"osc777\"", *p)
		}
	}
	if p := fc.Notifications.Tmux; p != nil {
		ds.Tmux = *p
	}
	return hs, ds
}

func indexControl(argv []string) int {
	for i, a := range argv {
		if strings.ContainsFunc(a, unicode.IsControl) {
			return i
		}
	}
	return -1
}

// printHooks writes [hooks] and the desktop settings for mbx config.
func printHooks(w interface{ Write([]byte) (int, error) }, hs hookSettings, ds desktopSettings) {
	desktop := ds.Desktop
	if desktop == "" {
		desktop = "off"
	}
	fmt.Fprintf(w, "  desktop = %q\n  tmux    = %t\n", desktop, ds.Tmux)
	fmt.Fprintf(w, "\n[hooks]\n")
	for _, ev := range []string{ui.HookInbound, ui.HookAssigned, ui.HookWindowClosing, ui.HookSendFailed} {
		if argv, ok := hs.commands[ev]; ok {
			q := make([]string, len(argv))
			for i, a := range argv {
				q[i] = strconv.Quote(a)
			}
			fmt.Fprintf(w, "  %s = [%s]\n", ev, strings.Join(q, ", "))
		}
	}
	fmt.Fprintf(w, "  window_closing_minutes = %d\n  timeout = %q\n", int(hs.closing/time.Minute), hs.timeout.String())
}
