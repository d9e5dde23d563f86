package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// ErrNotFound is returned (wrapped) by writes that name a row the store
// does not have, such as UpdateOutbox of an unknown item.
var ErrNotFound = errors.New("not found")

// Store is mbx's durable local copy of what it knows: conversations,
// messages, reference data, drafts and the outbox, in one SQLite file.
//
// Reads may run concurrently with each other and with a write (WAL). Writes
// are serialized by a mutex: one writer at a time, each multi-row write in
// one transaction.
type Store struct {
	db   *sql.DB
	path string
	mu   sync.Mutex // held by every write

	// The current user's write rule (writerule.go), read once and again
	// after a change of the user, their scope or the teams.
	ruleMu sync.Mutex
	wrule  writeRule
	ruleOK bool
}

// Open opens the store at path, creating the file (mode 0600) and its
// directory (mode 0700) when they are missing, and brings the schema up to
// date.
func Open(path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("store: open: empty path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := prepareFile(abs); err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	// A handful of connections: one writer and a few concurrent readers,
	// each with its own page cache.
	db.SetMaxOpenConns(8)
	db.SetMaxIdleConns(4)
	s := &Store{db: db, path: abs}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	return s, nil
}

// prepareFile creates the directory (0700) and an empty database file
// (0600) before SQLite sees them, so that the file, and the -wal and -shm
// files SQLite derives from its mode, are private from the first byte.
// Existing directories and files are used as they are.
func prepareFile(path string) error {
	dir := filepath.Dir(path)
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
		if err := os.Chmod(dir, 0o700); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case errors.Is(err, fs.ErrExist):
		return nil
	case err != nil:
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Chmod(path, 0o600)
}

// dsn is the driver's connection string: a file: URI (so any path works)
// with the pragmas every connection runs. Writes begin IMMEDIATE so that a
// write transaction never has to upgrade a read lock. Each connection
// caches up to 32 MiB of pages (SQLite's default is 2 MiB), filled as
// they are read: a query's free words read conversations by rowid, and at
// 100k conversations the table no longer fits the default (a section's
// count of a common word: 22 ms with 16 MiB, 13 ms with 32 MiB).
func dsn(path string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "cache_size(-32768)")
	q.Set("_txlock", "immediate")
	u.RawQuery = q.Encode()
	return u.String()
}

// migrate applies the migrations the database has not seen, each in its
// own transaction with the user_version that records it. The version is
// read inside each write transaction (IMMEDIATE: the write lock), so that
// two processes opening an older store at once (the inbox and mbx send)
// apply each step once: the second waits (busy_timeout) and finds it done.
func (s *Store) migrate() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		done, err := s.migrateStep()
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next migration the database has not seen;
// done when there is none.
func (s *Store) migrateStep() (done bool, err error) {
	var version int
	if err := s.db.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	if version == len(migrations) {
		return true, nil // the common case, without the write lock
	}
	tx, err := s.db.Begin()
	if err != nil {
		return false, fmt.Errorf("migration %d: %w", version+1, err)
	}
	defer tx.Rollback()
	if err := tx.QueryRow("PRAGMA user_version").Scan(&version); err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case version > len(migrations):
		return false, fmt.Errorf("schema version %d is newer than this program knows (%d): upgrade mbx", version, len(migrations))
	case version == len(migrations):
		return true, nil
	}
	step := version + 1
	if _, err := tx.Exec(migrations[version]); err != nil {
		return false, fmt.Errorf("migration %d: %w", step, err)
	}
	if fill := migrationFills[step]; fill != nil {
		if err := fill(tx); err != nil {
			return false, fmt.Errorf("migration %d: %w", step, err)
		}
	}
	if _, err := tx.Exec("PRAGMA user_version = " + strconv.Itoa(step)); err != nil {
		return false, fmt.Errorf("migration %d: set version: %w", step, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %d: commit: %w", step, err)
	}
	return false, nil
}

// Close closes the database. The store must not be used afterwards.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// write runs fn in one write transaction, holding the writer mutex. An
// error from fn rolls everything back; the error is wrapped with what.
func (s *Store) write(what string, fn func(tx *sql.Tx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	tx, err := s.db.Begin()
	if err != nil {
		return fmt.Errorf("store: %s: begin: %w", what, err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return fmt.Errorf("store: %s: %w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: %s: commit: %w", what, err)
	}
	return nil
}

// read runs fn in a read-only transaction, for reads that take more than
// one statement and must see one snapshot.
func (s *Store) read(what string, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(context.Background(), &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: %s: begin: %w", what, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return fmt.Errorf("store: %s: %w", what, err)
	}
	return nil
}

// GetMeta returns the value stored under key, "" if there is none.
func (s *Store) GetMeta(key string) (string, error) {
	var v string
	err := s.db.QueryRow("SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("store: get meta %q: %w", key, err)
	}
	return v, nil
}

// SetMeta stores value under key (sync cursors, settings).
func (s *Store) SetMeta(key, value string) error {
	err := s.write("set meta "+strconv.Quote(key), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO meta(key, value) VALUES (?, ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
		return err
	})
	if key == metaMe || key == metaWriteScope {
		s.forgetRule()
	}
	return err
}

// toNanos is how times are stored: Unix nanoseconds, 0 for the zero time.
// (Times must lie between the years 1678 and 2262.)
func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos reads a stored time, in UTC.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	b := make([]byte, 0, 3*n)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}

// idList collects ids once each, in first-seen order.
type idList struct {
	ids  []string
	seen map[string]bool
}

func (l *idList) add(id string) {
	if id == "" || l.seen[id] {
		return
	}
	if l.seen == nil {
		l.seen = map[string]bool{}
	}
	l.seen[id] = true
	l.ids = append(l.ids, id)
}
