package state

import (
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// SaveDraft stores the conversation's draft, replacing the previous one.
// A draft of only whitespace deletes it.
func (s *Store) SaveDraft(d Draft) error {
	if d.ConversationID == "" {
		return errors.New("store: save draft: empty conversation id")
	}
	return s.write("save draft "+d.ConversationID, func(tx *sql.Tx) error {
		if strings.TrimSpace(d.Text) == "" {
			_, err := tx.Exec("DELETE FROM drafts WHERE conversation_id = ?", d.ConversationID)
			return err
		}
		_, err := tx.Exec(`INSERT INTO drafts(conversation_id, text, updated) VALUES (?, ?, ?)
			ON CONFLICT(conversation_id) DO UPDATE SET text = excluded.text, updated = excluded.updated`,
			d.ConversationID, d.Text, toNanos(d.Updated))
		return err
	})
}

// Draft returns the conversation's draft.
func (s *Store) Draft(conversationID string) (Draft, bool, error) {
	d := Draft{ConversationID: conversationID}
	var updated int64
	err := s.db.QueryRow("SELECT text, updated FROM drafts WHERE conversation_id = ?", conversationID).Scan(&d.Text, &updated)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Draft{}, false, nil
	case err != nil:
		return Draft{}, false, fmt.Errorf("store: draft %s: %w", conversationID, err)
	}
	d.Updated = fromNanos(updated)
	return d, true, nil
}

// Drafts returns every draft, most recently updated first.
func (s *Store) Drafts() ([]Draft, error) {
	rows, err := s.db.Query("SELECT conversation_id, text, updated FROM drafts ORDER BY updated DESC, conversation_id")
	if err != nil {
		return nil, fmt.Errorf("store: drafts: %w", err)
	}
	return collect(rows, "drafts", func(r *sql.Rows) (Draft, error) {
		var d Draft
		var updated int64
		err := r.Scan(&d.ConversationID, &d.Text, &updated)
		d.Updated = fromNanos(updated)
		return d, err
	})
}

// ---- the draft journal ----
//
// Typed text must outlive a kill -9 within a moment of the keystroke, but
// a draft's row waits for the database's writer, which a sync may hold
// for a while. So a draft is first written to the journal: a directory
// beside the database (its path + "-drafts", 0700) with one file per
// conversation whose draft is not yet in the database for sure — the
// draft as last typed and when (0600, written under a temporary name and
// renamed over: never half a draft). No lock of the database is taken.
// The row follows; the file goes once the row holds that version or a
// later one. FoldDraftJournal takes what a killed process left into the
// drafts table.

func (s *Store) journalDir() string { return s.path + "-drafts" }

func (s *Store) journalFile(convID string) string {
	return filepath.Join(s.journalDir(), hex.EncodeToString([]byte(convID)))
}

// JournalDraft writes d to the journal (d.Updated orders versions).
func (s *Store) JournalDraft(d Draft) error {
	if d.ConversationID == "" {
		return errors.New("store: journal draft: empty conversation id")
	}
	if err := os.MkdirAll(s.journalDir(), 0o700); err != nil {
		return fmt.Errorf("store: journal draft: %w", err)
	}
	name := s.journalFile(d.ConversationID)
	data := strconv.FormatInt(toNanos(d.Updated), 10) + "\n" + d.Text
	if err := os.WriteFile(name+".tmp", []byte(data), 0o600); err != nil {
		return fmt.Errorf("store: journal draft: %w", err)
	}
	if err := os.Rename(name+".tmp", name); err != nil {
		return fmt.Errorf("store: journal draft: %w", err)
	}
	return nil
}

// readJournal reads one journal file.
func readJournal(name string) (Draft, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return Draft{}, err
	}
	head, text, ok := strings.Cut(string(b), "\n")
	nanos, perr := strconv.ParseInt(head, 10, 64)
	if !ok || perr != nil {
		return Draft{}, fmt.Errorf("store: draft journal %s: unreadable", filepath.Base(name))
	}
	id, err := hex.DecodeString(filepath.Base(name))
	if err != nil {
		return Draft{}, fmt.Errorf("store: draft journal %s: %w", filepath.Base(name), err)
	}
	return Draft{ConversationID: string(id), Text: text, Updated: fromNanos(nanos)}, nil
}

// ForgetJournalDraft removes the conversation's journal file when its
// version is no later than upTo (the version the database now holds);
// upTo zero removes it whatever it holds.
func (s *Store) ForgetJournalDraft(convID string, upTo time.Time) error {
	name := s.journalFile(convID)
	if !upTo.IsZero() {
		d, err := readJournal(name)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err == nil && d.Updated.After(upTo) {
			return nil
		}
	}
	if err := os.Remove(name); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("store: forget journal draft: %w", err)
	}
	return nil
}

// foldingDir holds a journal taken for folding (TakeDraftJournal).
func (s *Store) foldingDir() string { return s.journalDir() + ".folding" }

// TakeDraftJournal sets the journal aside for FoldDraftJournal: the
// journal directory is renamed (new drafts start a new one, so journaling
// never waits for the fold), unless one set aside before is still there,
// which is folded first. It reports whether there is one to fold. Call
// it where no journal file is being written.
func (s *Store) TakeDraftJournal() (bool, error) {
	if _, err := os.Stat(s.foldingDir()); err == nil {
		return true, nil
	}
	err := os.Rename(s.journalDir(), s.foldingDir())
	switch {
	case errors.Is(err, os.ErrNotExist):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("store: take the draft journal: %w", err)
	}
	return true, nil
}

// FoldDraftJournal moves the journal set aside by TakeDraftJournal into
// the drafts table, then removes it: a journal draft later than the
// stored one replaces it, unless it is the text of a reply queued since
// (the journal file outlived the send that cleared the draft). resolve
// maps a conversation id to the one to store under ("new:" conversations
// the platform has named since); nil keeps it. It returns how many
// drafts it restored; on an error the rest stays for the next fold.
func (s *Store) FoldDraftJournal(resolve func(string) string) (int, error) {
	dir := s.foldingDir()
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("store: fold draft journal: %w", err)
	}
	n := 0
	for _, e := range entries {
		name := filepath.Join(dir, e.Name())
		if strings.HasSuffix(e.Name(), ".tmp") { // a write cut short: the file before it stands
			continue
		}
		jd, err := readJournal(name)
		if err != nil {
			return n, err
		}
		id := jd.ConversationID
		if resolve != nil {
			id = resolve(id)
		}
		cur, ok, err := s.Draft(id)
		if err != nil {
			return n, err
		}
		var sent bool
		if err := s.db.QueryRow(`SELECT EXISTS(SELECT 1 FROM outbox WHERE conversation_id IN (?, ?) AND body = ? AND created >= ?)`,
			id, jd.ConversationID, jd.Text, toNanos(jd.Updated)).Scan(&sent); err != nil {
			return n, fmt.Errorf("store: fold draft journal: %w", err)
		}
		if !sent && (!ok || jd.Updated.After(cur.Updated)) && (ok || strings.TrimSpace(jd.Text) != "") {
			jd.ConversationID = id
			if err := s.SaveDraft(jd); err != nil {
				return n, err
			}
			n++
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return n, fmt.Errorf("store: fold draft journal: %w", err)
	}
	return n, nil
}

// LatestDraft is the conversation's draft as last typed: the stored one,
// or a later version in the journal (set aside for a fold or not) that is
// not the text of a reply queued since. It writes nothing, so it never
// waits for the database's writer. A fold may run meanwhile: it moves a
// version from the journal to the set-aside journal to the row, so they
// are read in that order and none is missed.
func (s *Store) LatestDraft(convID string) (Draft, bool, error) {
	base := filepath.Base(s.journalFile(convID))
	var journaled []Draft
	for _, dir := range []string{s.journalDir(), s.foldingDir()} {
		if jd, err := readJournal(filepath.Join(dir, base)); err == nil { // none, or unreadable: the fold's to report
			journaled = append(journaled, jd)
		}
	}
	best, ok, err := s.Draft(convID)
	if err != nil {
		return Draft{}, false, err
	}
	for _, jd := range journaled {
		if ok && !jd.Updated.After(best.Updated) {
			continue
		}
		var sent bool
		if err := s.db.QueryRow(`SELECT EXISTS(SELECT 1 FROM outbox WHERE conversation_id = ? AND body = ? AND created >= ?)`,
			convID, jd.Text, toNanos(jd.Updated)).Scan(&sent); err != nil {
			return Draft{}, false, fmt.Errorf("store: latest draft: %w", err)
		}
		if !sent {
			best, ok = jd, true
		}
	}
	if !ok || strings.TrimSpace(best.Text) == "" {
		return Draft{}, false, nil
	}
	return best, true, nil
}
