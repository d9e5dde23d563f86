//go:build unix

package main

import (
	"errors"
	"os"
	"syscall"
)

// lockOutbox takes the account's outbox lock (a file beside its store,
// flock): the process holding it is the one that sends the store's queued
// replies. who (the inbox or a command) is written in the file for the
// others to read (outboxHolder). ok false: another process holds it.
// release lets it go.
func lockOutbox(dbPath, who string) (release func(), ok bool, err error) {
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
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(who), 0)
	}
	return func() { f.Close() }, true, nil // closing the file drops the lock
}

// outboxHolder is who the holder of the outbox lock said it is ("" when
// unknown).
func outboxHolder(dbPath string) string {
	b, err := os.ReadFile(dbPath + ".lock")
	if err != nil {
		return ""
	}
	return string(b)
}
