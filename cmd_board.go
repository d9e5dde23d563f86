package main

import (
	"context"
	"io"
)

// runBoard is mbx board: the inbox, opened on the supervisor board (the
// board key, b by default, opens it from the inbox too; esc goes to the
// inbox). It takes the inbox's flags.
func runBoard(ctx context.Context, args []string, _, stderr io.Writer, e env) int {
	return runInboxWith(ctx, "mbx board", args, stderr, e, inboxOptions{board: true})
}
