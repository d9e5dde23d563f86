package state

import "strings"

// MessageStatus is where an outgoing message stands on its way to the
// customer. Statuses only move forward: Pending → Sent → Delivered → Read,
// or Pending → Failed.
type MessageStatus int

const (
	StatusUnknown   MessageStatus = iota // no information yet
	StatusPending                        // written locally or accepted by the platform, not yet sent
	StatusSent                           // handed to WhatsApp (one tick)
	StatusDelivered                      // on the customer's phone (two ticks)
	StatusRead                           // opened by the customer (two ticks, accent colour)
	StatusFailed                         // refused or undeliverable; the reason travels beside it
)

var statusNames = [...]string{"unknown", "pending", "sent", "delivered", "read", "failed"}

func (s MessageStatus) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return "unknown"
	}
	return statusNames[s]
}

// ParseMessageStatus reads a platform status word ("Pending", "Sent",
// "Delivered", "Read", "Failed", any case, surrounding spaces ignored).
// Anything else is StatusUnknown.
func ParseMessageStatus(s string) MessageStatus {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "pending", "queued", "accepted":
		return StatusPending
	case "sent":
		return StatusSent
	case "delivered":
		return StatusDelivered
	case "read", "seen":
		return StatusRead
	case "failed", "error", "undelivered", "rejected":
		return StatusFailed
	}
	return StatusUnknown
}

// Final reports whether the status can no longer change.
func (s MessageStatus) Final() bool { return s == StatusRead || s == StatusFailed }

// Later returns the more advanced of two statuses. Failed outranks
// everything: a failure reported anywhere is never hidden by a flag.
func Later(a, b MessageStatus) MessageStatus {
	if a == StatusFailed || b == StatusFailed {
		return StatusFailed
	}
	return max(a, b)
}
