package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// Finding 11 of issue 12: mbx sandbox and mbx demo refuse, at once and in
// words, a simulator interval that would be a busy loop and more volume
// than the sandbox can hold before it listens. (The context is already
// cancelled, so a command that did not refuse would generate, start and
// return 0 rather than serve.)
func TestSandboxRefusesLoads(t *testing.T) {
	tests := []struct {
		args []string
		err  string
	}{
		{[]string{"sandbox", "--simulate-every", "1ns"}, "mbx sandbox: --simulate-every 1ns is too fast: use 10ms or more"},
		{[]string{"sandbox", "--simulate", "--simulate-every", "0s"}, "--simulate-every 0s is too fast"},
		{[]string{"sandbox", "--conversations", "2000000"}, "mbx sandbox: --conversations 2000000 is over the sandbox's limit of 250000"},
		{[]string{"sandbox", "--messages", "5000000"}, "--messages 5000000 is over the sandbox's limit of 1000000"},
		{[]string{"sandbox", "--conversations", "-3"}, "use 0 or more"},
		{[]string{"demo", "--simulate-every", "1ns"}, "mbx demo: --simulate-every 1ns is too fast"},
		{[]string{"demo", "--conversations", "2000000"}, "mbx demo: --conversations 2000000 is over"},
		{[]string{"sandbox", "--platform", "getchat", "--conversations", "2000000"}, "mbx sandbox: --conversations 2000000 --messages 0: use 0 to 250000 chats"},
		{[]string{"sandbox", "--platform", "getchat", "--messages", "-1"}, "use 0 to 250000 chats and 0 to 1000000 messages"},
		{[]string{"demo", "--order", "sideways"}, `mbx demo: --order "sideways": use oldest or newest`},
		{[]string{"sandbox", "--read-receipts", "none"}, `--read-receipts "none": use some or all`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			setXDG(t)
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var stdout, stderr bytes.Buffer
			args := tt.args
			if args[0] == "sandbox" {
				args = append(args, "--addr", "127.0.0.1:0") // should it start after all
			}
			code := runWith(ctx, args, &stdout, &stderr, testEnv(newFakeKeyring()))
			if code != 2 || !strings.Contains(stderr.String(), tt.err) || stdout.Len() != 0 {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout.String(), stderr.String(), tt.err)
			}
		})
	}
}
