package getchat

import "github.com/mbx-inbox/mbx/api/internal/httpkit"

// RetryPolicy bounds the retry loop (the same policy as api/msgboxx):
// exponential waits with full jitter, a server's Retry-After in place of
// the draw but capped at MaxRetryAfter, and no retry that would start
// after MaxElapsed. Only requests that cannot act twice are retried
// after an answer or a broken connection (GET, PUT, PATCH, DELETE and the
// login); a POST is retried only when it never left (the connection was
// not made) or the server refused it without acting (429).
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
