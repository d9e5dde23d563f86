//go:build unix

package main

import (
	"errors"
	"os"
	"syscall"
)

// lockOutbox takes the account's outbox lock (a file beside its store,
// flock): the process holding it is the one that sends the store's queued
// replies. ok false: another process holds it. release lets it go.
func lockOutbox(dbPath string) (release func(), ok bool, err error) {
	f, err := os.OpenFile(dbPath+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return func() { f.Close() }, true, nil // closing the file drops the lock
}
