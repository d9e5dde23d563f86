package sandbox

import (
	"strings"
	"testing"
	"time"
)

// Finding 11 of issue 12: the volume the sandbox generates before it
// listens is bounded, and asking for more says so in words.
func TestCheckVolume(t *testing.T) {
	tests := []struct {
		conv, msgs int
		err        string // "" for fine
	}{
		{0, 0, ""},
		{100_000, 1_000_000, ""},
		{MaxVolumeConversations, MaxVolumeMessages, ""},
		{2_000_000, 0, "--conversations 2000000 is over the sandbox's limit of 250000: it keeps everything in memory and would take about "},
		{0, 5_000_000, "--messages 5000000 is over the sandbox's limit of 1000000"},
		{-1, 0, "use 0 or more"},
		{0, -5, "use 0 or more"},
	}
	for _, tt := range tests {
		err := CheckVolume(tt.conv, tt.msgs)
		if (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("CheckVolume(%d, %d) = %v, want %q", tt.conv, tt.msgs, err, tt.err)
		}
	}
}

// The simulator never runs faster than MinSimulateEvery, whatever it is
// given: 1ns would be a busy loop holding the store's lock.
func TestSimulateEveryHasAFloor(t *testing.T) {
	for _, tt := range []struct{ in, want time.Duration }{
		{time.Nanosecond, MinSimulateEvery},
		{-time.Second, MinSimulateEvery},
		{MinSimulateEvery, MinSimulateEvery},
		{4 * time.Second, 4 * time.Second},
	} {
		if got := (Config{SimulateEvery: tt.in}).simulateEvery(); got != tt.want {
			t.Errorf("simulateEvery(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
