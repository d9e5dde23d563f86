package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/ui"
)

// [hooks] and the desktop notifications: checked with the line and the
// key, like the rest of the file.
func TestParseHooksConfig(t *testing.T) {
	const path = "/home/u/.config/mbx/config.toml"
	tests := []struct {
		name  string
		file  string
		err   string
		check func(t *testing.T, c *config)
	}{
		{name: "defaults", file: "", check: func(t *testing.T, c *config) {
			if len(c.notify.hooks.commands) != 0 || c.notify.hooks.timeout != 10*time.Second || c.notify.hooks.closing != 30*time.Minute {
				t.Errorf("hooks %+v", c.notify.hooks)
			}
			if c.notify.Desktop != "" || !c.notify.Tmux {
				t.Errorf("desktop %+v: want off, through tmux when inside it", c.notify.desktopSettings)
			}
			if newHookRunner(c.notify.hooks, nil) != nil {
				t.Error("a runner without hooks")
			}
		}},
		{name: "all set", file: "[notifications]\ndesktop = \"OSC777\"\ntmux = false\n[hooks]\non_inbound = [\"notify-send\", \"mbx\"]\n" +
			"on_assigned = [\"/bin/a\"]\nwindow_closing = [\"/bin/w\", \"--soon\"]\nsend_failed = [\"/bin/f\"]\nwindow_closing_minutes = 45\ntimeout = \"2s\"\n",
			check: func(t *testing.T, c *config) {
				if c.notify.Desktop != ui.DesktopOSC777 || c.notify.Tmux {
					t.Errorf("desktop %+v", c.notify.desktopSettings)
				}
				h := c.notify.hooks
				if !slices.Equal(h.commands[ui.HookInbound], []string{"notify-send", "mbx"}) || !slices.Equal(h.commands[ui.HookWindowClosing], []string{"/bin/w", "--soon"}) ||
					len(h.commands) != 4 || h.timeout != 2*time.Second || h.closing != 45*time.Minute {
					t.Errorf("hooks %+v", h)
				}
				r := newHookRunner(h, nil)
				if !r.Wants(ui.HookSendFailed) || r.WindowClosing() != 45*time.Minute {
					t.Errorf("runner %+v", r)
				}
			}},
		{name: "a string, not an argv", file: "[hooks]\non_inbound = \"notify-send mbx\"\n",
			err: path + `:2: hooks.on_inbound: wrong type: want an array of strings, the program and its arguments: on_inbound = ["notify-send", "mbx"]`},
		{name: "empty argv", file: "[hooks]\n\nsend_failed = []\n", err: path + `:3: hooks.send_failed: empty: give the program and its arguments`},
		{name: "empty program", file: "[hooks]\non_assigned = [\" \", \"x\"]\n", err: path + `:2: hooks.on_assigned: empty`},
		{name: "control in an argument", file: "[hooks]\non_assigned = [\"a\", \"b\\nc\"]\n", err: path + `:2: hooks.on_assigned: argument 2 has a control character`},
		{name: "bad timeout", file: "[hooks]\ntimeout = \"soon\"\n", err: path + `:2: hooks.timeout: "soon" is not a duration`},
		{name: "timeout too long", file: "[hooks]\ntimeout = \"1h\"\n", err: path + `:2: hooks.timeout: "1h": give from "100ms" to "10m"`},
		{name: "minutes out of range", file: "[hooks]\nwindow_closing_minutes = 180\n", err: path + `:2: hooks.window_closing_minutes: 180: give the minutes before the window closes, from 1 to 120`},
		{name: "unknown hook", file: "[hooks]\non_outbound = [\"x\"]\n", err: path + `:2: hooks.on_outbound: unknown setting; [hooks] has on_inbound, on_assigned, window_closing, window_closing_minutes, send_failed and timeout`},
		{name: "unknown desktop", file: "[notifications]\ndesktop = \"growl\"\n", err: path + `:2: notifications.desktop: "growl": give "off" (the default), "osc9" or "osc777"`},
		{name: "hooks given a value", file: "hooks = 1\n", err: path + ":1: hooks: wrong type: want a table: [hooks]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseConfig(path, []byte(tt.file))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v\nwant it to contain %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}
