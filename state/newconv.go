package state

import (
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// New conversations (see doc.go): the platform creates a conversation only
// when the first message or template to a contact is made, so mbx gives a
// conversation started here an id of its own, "new:" + account + ":" +
// contact, until the platform's copy of its first message names the real
// one; then everything moves there (rehome).

const newConvPrefix = "new:"

// NewConversationID is the id of a conversation started from mbx with a
// contact that has none yet, until the platform names the real one.
func NewConversationID(accountID, contactID string) string {
	return newConvPrefix + accountID + ":" + contactID
}

// IsNewConversation reports whether id is a NewConversationID: a
// conversation the platform does not know by that id.
func IsNewConversation(id string) bool { return strings.HasPrefix(id, newConvPrefix) }

// parseNewConversationID returns the account and contact of a
// NewConversationID. Account ids hold no colon; contact ids may.
func parseNewConversationID(id string) (accountID, contactID string, ok bool) {
	rest, ok := strings.CutPrefix(id, newConvPrefix)
	if !ok {
		return "", "", false
	}
	accountID, contactID, ok = strings.Cut(rest, ":")
	if !ok || accountID == "" || contactID == "" {
		return "", "", false
	}
	return accountID, contactID, true
}

// ConversationFor returns the contact's conversation in the account: the
// platform's one when the store has it, else a "new:" one started here.
func (s *Store) ConversationFor(accountID, contactID string) (Conversation, bool, error) {
	if accountID == "" || contactID == "" {
		return Conversation{}, false, nil
	}
	var c convRow
	err := c.scan(s.db.QueryRow("SELECT "+convCols+` FROM conversations WHERE contact_id = ? AND account_id = ?
		ORDER BY id LIKE 'new:%', last_activity DESC, id LIMIT 1`, contactID, accountID))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Conversation{}, false, nil
	case err != nil:
		return Conversation{}, false, fmt.Errorf("store: conversation for %s/%s: %w", accountID, contactID, err)
	}
	conv := c.conversation()
	s.rule().judge(&conv)
	return conv, true, nil
}

// StartConversation returns the conversation to reach contact c in: the
// one the store has for (c.AccountID, c.ID), or a transient one with a
// NewConversationID — inbox, unassigned, window closed — that is not
// written anywhere: it becomes a row when a template is sent in it
// (SendTemplate), and an abandoned start leaves nothing behind.
func (e *Engine) StartConversation(c Contact) (Conversation, error) {
	if c.ID == "" || c.AccountID == "" {
		return Conversation{}, &InputError{"this contact is not in mbx yet: wait for the next sync and try again"}
	}
	conv, ok, err := e.store.ConversationFor(c.AccountID, c.ID)
	if err != nil || ok {
		return conv, err
	}
	return Conversation{
		ID:            NewConversationID(c.AccountID, c.ID),
		AccountID:     c.AccountID,
		ContactID:     c.ID,
		ContactName:   c.Name,
		ContactNumber: c.Number,
		Folder:        FolderInbox,
		MetaKnown:     true,
	}, nil
}

// resolveNew returns the conversation a template for conv goes to: conv
// itself, unless it is a "new:" one the store already knows a successor
// of (the platform's conversation, once its first message was seen).
func (e *Engine) resolveNew(conv Conversation) (Conversation, error) {
	if !IsNewConversation(conv.ID) {
		return conv, nil
	}
	if conv.ID != NewConversationID(conv.AccountID, conv.ContactID) {
		return Conversation{}, fmt.Errorf("conversation %s does not match its account and contact", conv.ID)
	}
	cur, ok, err := e.store.ConversationFor(conv.AccountID, conv.ContactID)
	if err != nil || !ok {
		return conv, err
	}
	return cur, nil
}

// adoptNew rehomes the "new:" conversations of the contacts whose
// platform conversation this write creates: the platform has one
// conversation per account and contact, so that is the one the "new:"
// conversation would become.
func (t *convTracker) adoptNew() error {
	var any bool
	if err := t.queryRow(`SELECT EXISTS(SELECT 1 FROM conversations WHERE id >= 'new:' AND id < 'new;')`).Scan(&any); err != nil {
		return fmt.Errorf("new conversations: %w", err)
	}
	if !any {
		return nil
	}
	for _, id := range slices.Clone(t.order) {
		tc := t.rows[id]
		if tc == nil || !tc.created || IsNewConversation(id) || tc.cur.accountID == "" || tc.cur.contactID == "" {
			continue
		}
		from := NewConversationID(tc.cur.accountID, tc.cur.contactID)
		var exists bool
		if err := t.queryRow(`SELECT EXISTS(SELECT 1 FROM conversations WHERE id = ?)`, from).Scan(&exists); err != nil {
			return fmt.Errorf("new conversation %s: %w", from, err)
		}
		if exists {
			if err := t.rehome(from, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// rehome moves everything of the "new:" conversation from — messages,
// outbox items, its draft — into the platform's conversation to, and
// deletes from's row (the count triggers follow). to is created when
// missing (folder inbox, meta unknown: the next sync reads folder and
// assignee from the platform) and its aggregates are recomputed. from is
// dropped from the tracker: nothing may get() it in this write afterwards.
func (t *convTracker) rehome(from, to string) error {
	if from == to || !IsNewConversation(from) || to == "" || IsNewConversation(to) {
		return nil
	}
	accountID, contactID, _ := parseNewConversationID(from)
	if tc := t.rows[from]; tc != nil {
		accountID, contactID = orStr(tc.cur.accountID, accountID), orStr(tc.cur.contactID, contactID)
		delete(t.rows, from)
		t.order = slices.DeleteFunc(t.order, func(id string) bool { return id == from })
	}
	// The row goes, and its entry in conversations_fts with it.
	var old convText
	err := t.queryRow(`SELECT contact_name, contact_number, preview FROM conversations WHERE id = ?`, from).
		Scan(&old.name, &old.number, &old.preview)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("rehome %s to %s: %w", from, to, err)
	}
	if err := reindexConversations(t, []convReindex{{id: from, old: old}}); err != nil {
		return err
	}
	for _, st := range []struct {
		q    string
		args []any
	}{
		{`UPDATE messages SET conversation_id = ? WHERE conversation_id = ?`, []any{to, from}},
		{`UPDATE outbox SET conversation_id = ? WHERE conversation_id = ?`, []any{to, from}},
		// The newer draft wins.
		{`DELETE FROM drafts WHERE conversation_id = ?
			AND updated <= coalesce((SELECT updated FROM drafts WHERE conversation_id = ?), -1)`, []any{to, from}},
		{`UPDATE OR IGNORE drafts SET conversation_id = ? WHERE conversation_id = ?`, []any{to, from}},
		{`DELETE FROM drafts WHERE conversation_id = ?`, []any{from}},
		{`DELETE FROM conversations WHERE id = ?`, []any{from}},
	} {
		if _, err := t.exec(st.q, st.args...); err != nil {
			return fmt.Errorf("rehome %s to %s: %w", from, to, err)
		}
	}
	tc, err := t.get(to, accountID, contactID)
	if err != nil {
		return err
	}
	tc.recompute = true
	if t.rehomed == nil {
		t.rehomed = map[string]string{}
	}
	t.rehomed[from] = to
	return nil
}
