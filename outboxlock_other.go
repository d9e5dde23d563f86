//go:build !unix

package main

// lockOutbox is a no-op where flock is not available: one process at a
// time per account is then the user's to keep.
func lockOutbox(string, string) (release func(), ok bool, err error) { return func() {}, true, nil }

func outboxHolder(string) string { return "" }
