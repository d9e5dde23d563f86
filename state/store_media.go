package state

import (
	"database/sql"
	"fmt"
)

// filesDir is where the store keeps copies of files queued to be sent:
// beside the database, readable by the user only.
func (s *Store) filesDir() string { return s.path + ".files" }

// SetMessageMedia replaces the media of the message with that key
// (Message.Key) and reports whether it changed.
func (s *Store) SetMessageMedia(key string, m Media) (bool, error) {
	cur, ok, err := s.Message(key)
	if err != nil || !ok || cur.Media == m {
		return false, err
	}
	err = s.write("media of "+key, func(tx *sql.Tx) error {
		col, val := "id", key
		if cur.ID == "" {
			col, val = "local_id", cur.LocalID
		}
		_, err := tx.Exec("UPDATE messages SET media = ? WHERE "+col+" = ?", encodeMedia(m), val)
		return err
	})
	if err != nil {
		return false, fmt.Errorf("store: %w", err)
	}
	return true, nil
}
