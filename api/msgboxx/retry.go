package msgboxx

import "github.com/mbx-inbox/mbx/api/internal/httpkit"

// RetryPolicy bounds the retry loop. It is written here on purpose instead
// of taken from a library: go-retryablehttp retries POSTs blindly and logs
// to stderr, which would send a reply twice and corrupt the TUI.
//
// Waits grow exponentially with full jitter (a uniform draw in
// [0, min(MaxDelay, BaseDelay·2^attempt)]), so that many clients coming
// back together do not retry in lockstep. A Retry-After from the server
// replaces the draw, capped at MaxRetryAfter: a Retry-After of a day must
// not freeze the app, and a wait that would pass MaxElapsed ends the loop
// with the error, which carries RetryAfter for the caller to schedule.
//
// The policy and its waits are shared with the other platform clients
// (api/internal/httpkit); which requests may be retried is this package's.
type RetryPolicy = httpkit.RetryPolicy

// The transport's words and rules, shared with the other clients.
var (
	parseRetryAfter = httpkit.ParseRetryAfter
	neverSent       = httpkit.NeverSent
	netError        = httpkit.NetError
	netCause        = httpkit.NetCause
	jsonProblem     = httpkit.JSONProblem
	sleepCtx        = httpkit.SleepCtx
)
