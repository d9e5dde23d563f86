package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
)

// readingFlags are the msgboxx sandbox's switches for what the reference
// leaves open, shared by mbx sandbox and mbx demo: each takes the other
// reading, and the client is tested under each (api/msgboxx/doc.go).
func readingFlags(fs *flag.FlagSet, cfg *sandbox.Config) {
	fs.StringVar(&cfg.Order, "order", "oldest", "`order` of GET /message pages, which the reference leaves open: oldest or newest first")
	fs.StringVar(&cfg.Claims, "claims", sandbox.ClaimsSubID, "token claim `layout`, which the reference leaves open: "+strings.Join(sandbox.ClaimLayouts, ", "))
	fs.StringVar(&cfg.ReadReceipts, "read-receipts", "some", "who sends read receipts, which the reference leaves open: `some` (a few customers never read) or all")
	fs.DurationVar(&cfg.BroadcastQueueDelay, "broadcast-delay", 0, "a template send's messageId and status come only after this `delay` (0: at once)")
}

// checkReadings refuses a value readingFlags does not know, saying which
// it takes.
func checkReadings(cfg sandbox.Config) error {
	switch {
	case cfg.Order != "oldest" && cfg.Order != "newest":
		return fmt.Errorf("--order %q: use oldest or newest", cfg.Order)
	case !sandbox.ValidClaims(cfg.Claims):
		return fmt.Errorf("--claims %q: use one of %s", cfg.Claims, strings.Join(sandbox.ClaimLayouts, ", "))
	case !slices.Contains([]string{"some", "all"}, cfg.ReadReceipts):
		return fmt.Errorf("--read-receipts %q: use some or all", cfg.ReadReceipts)
	case cfg.BroadcastQueueDelay < 0:
		return fmt.Errorf("--broadcast-delay %v: use 0 or more", cfg.BroadcastQueueDelay)
	}
	return nil
}
