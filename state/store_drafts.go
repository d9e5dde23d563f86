package state

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
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
