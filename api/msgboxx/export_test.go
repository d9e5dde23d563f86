package msgboxx

import (
	"context"
	"time"
)

// SetSleep replaces the retry loop's wait, so tests can record the waits
// it asks for instead of timing them.
func SetSleep(c *Client, f func(context.Context, time.Duration) error) { c.sleep = f }
