package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
)

// desktopOpener returns what hands a saved file to the desktop's opener
// (xdg-open on Linux and the BSDs, open on macOS), or nil where there is
// none: no display (an SSH session), or no such program. MBX_OPEN names
// another program; "none" turns opening off. The opener is started, not
// waited for, with no terminal attached, so it never draws over the inbox.
func desktopOpener() func(path string) error {
	prog := os.Getenv("MBX_OPEN")
	switch {
	case prog == "none":
		return nil
	case prog != "":
	case runtime.GOOS == "darwin":
		prog = "open"
	case os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "":
		return nil
	default:
		prog = "xdg-open"
	}
	bin, err := exec.LookPath(prog)
	if err != nil {
		return nil
	}
	return func(path string) error {
		if path == "" {
			return errors.New("no file")
		}
		abs, err := filepath.Abs(path) // never read as an option, whatever the file's name
		if err != nil {
			return err
		}
		cmd := exec.Command(bin, abs) // no terminal attached: stdin, stdout and stderr are /dev/null
		if err := cmd.Start(); err != nil {
			return err
		}
		go cmd.Wait() //nolint:errcheck // reaped; its exit is the desktop's business
		return nil
	}
}
