package state

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// replaceSet deletes every row of the tables (children first) and runs fn
// to insert the new set, all in one transaction.
func (s *Store) replaceSet(what string, tables []string, fn func(tx *sql.Tx) error) error {
	return s.write(what, func(tx *sql.Tx) error {
		for _, t := range tables {
			if _, err := tx.Exec("DELETE FROM " + t); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}

// ReplaceAccounts replaces the stored accounts with as.
func (s *Store) ReplaceAccounts(as []Account) error {
	return s.replaceSet("replace accounts", []string{"accounts"}, func(tx *sql.Tx) error {
		st, err := tx.Prepare(`INSERT INTO accounts(id, name, phone) VALUES (?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET name = excluded.name, phone = excluded.phone`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, a := range as {
			if _, err := st.Exec(a.ID, a.Name, a.Phone); err != nil {
				return fmt.Errorf("account %s: %w", a.ID, err)
			}
		}
		return nil
	})
}

// Accounts returns the accounts by name.
func (s *Store) Accounts() ([]Account, error) {
	rows, err := s.db.Query("SELECT id, name, phone FROM accounts ORDER BY name COLLATE NOCASE, name, id")
	if err != nil {
		return nil, fmt.Errorf("store: accounts: %w", err)
	}
	return collect(rows, "accounts", func(r *sql.Rows) (Account, error) {
		var a Account
		return a, r.Scan(&a.ID, &a.Name, &a.Phone)
	})
}

// ReplaceInboxes replaces the stored inboxes with is.
func (s *Store) ReplaceInboxes(is []Inbox) error {
	return s.replaceSet("replace inboxes", []string{"inboxes"}, func(tx *sql.Tx) error {
		st, err := tx.Prepare(`INSERT INTO inboxes(id, account_id, name) VALUES (?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET account_id = excluded.account_id, name = excluded.name`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, in := range is {
			if _, err := st.Exec(in.ID, in.AccountID, in.Name); err != nil {
				return fmt.Errorf("inbox %s: %w", in.ID, err)
			}
		}
		return nil
	})
}

// Inboxes returns the inboxes by account, then name.
func (s *Store) Inboxes() ([]Inbox, error) {
	rows, err := s.db.Query("SELECT id, account_id, name FROM inboxes ORDER BY account_id, name COLLATE NOCASE, name, id")
	if err != nil {
		return nil, fmt.Errorf("store: inboxes: %w", err)
	}
	return collect(rows, "inboxes", func(r *sql.Rows) (Inbox, error) {
		var in Inbox
		return in, r.Scan(&in.ID, &in.AccountID, &in.Name)
	})
}

// ReplaceUsers replaces the stored users, with the accounts each works in.
func (s *Store) ReplaceUsers(us []User) error {
	return s.replaceSet("replace users", []string{"user_accounts", "users"}, func(tx *sql.Tx) error {
		st, err := tx.Prepare(`INSERT INTO users(id, first_name, last_name) VALUES (?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name`)
		if err != nil {
			return err
		}
		defer st.Close()
		link, err := tx.Prepare("INSERT OR IGNORE INTO user_accounts(user_id, account_id, pos) VALUES (?, ?, ?)")
		if err != nil {
			return err
		}
		defer link.Close()
		for _, u := range us {
			if _, err := st.Exec(u.ID, u.FirstName, u.LastName); err != nil {
				return fmt.Errorf("user %s: %w", u.ID, err)
			}
			for i, a := range u.AccountIDs {
				if _, err := link.Exec(u.ID, a, i); err != nil {
					return fmt.Errorf("user %s: account %s: %w", u.ID, a, err)
				}
			}
		}
		return nil
	})
}

// Users returns the users by first name, then last name, each with the
// accounts they work in (in the order they were given).
func (s *Store) Users() ([]User, error) {
	var users []User
	err := s.read("users", func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT id, first_name, last_name FROM users
			ORDER BY first_name COLLATE NOCASE, last_name COLLATE NOCASE, first_name, last_name, id`)
		if err != nil {
			return err
		}
		users, err = scanAll(rows, func(r *sql.Rows) (User, error) {
			var u User
			return u, r.Scan(&u.ID, &u.FirstName, &u.LastName)
		})
		if err != nil {
			return err
		}
		accounts, err := links(tx, "SELECT user_id, account_id FROM user_accounts ORDER BY user_id, pos")
		for i := range users {
			users[i].AccountIDs = accounts[users[i].ID]
		}
		return err
	})
	return users, err
}

// links reads (owner, value) pairs into a map of ordered lists.
func links(tx *sql.Tx, query string) (map[string][]string, error) {
	rows, err := tx.Query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string][]string{}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, err
		}
		m[k] = append(m[k], v)
	}
	return m, rows.Err()
}

// ReplaceTeams replaces the stored teams, with their accounts and members.
func (s *Store) ReplaceTeams(ts []Team) error {
	defer s.forgetRule() // the user's teams may have changed
	return s.replaceSet("replace teams", []string{"team_accounts", "team_users", "teams"}, func(tx *sql.Tx) error {
		st, err := tx.Prepare(`INSERT INTO teams(id, name, description) VALUES (?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET name = excluded.name, description = excluded.description`)
		if err != nil {
			return err
		}
		defer st.Close()
		acc, err := tx.Prepare("INSERT OR IGNORE INTO team_accounts(team_id, account_id, pos) VALUES (?, ?, ?)")
		if err != nil {
			return err
		}
		defer acc.Close()
		mem, err := tx.Prepare("INSERT OR IGNORE INTO team_users(team_id, user_id, pos) VALUES (?, ?, ?)")
		if err != nil {
			return err
		}
		defer mem.Close()
		for _, t := range ts {
			if _, err := st.Exec(t.ID, t.Name, t.Description); err != nil {
				return fmt.Errorf("team %s: %w", t.ID, err)
			}
			for i, a := range t.AccountIDs {
				if _, err := acc.Exec(t.ID, a, i); err != nil {
					return fmt.Errorf("team %s: account %s: %w", t.ID, a, err)
				}
			}
			for i, u := range t.UserIDs {
				if _, err := mem.Exec(t.ID, u, i); err != nil {
					return fmt.Errorf("team %s: user %s: %w", t.ID, u, err)
				}
			}
		}
		return nil
	})
}

// Teams returns the teams by name, each with its accounts and members (in
// the order they were given).
func (s *Store) Teams() ([]Team, error) {
	var teams []Team
	err := s.read("teams", func(tx *sql.Tx) error {
		rows, err := tx.Query("SELECT id, name, description FROM teams ORDER BY name COLLATE NOCASE, name, id")
		if err != nil {
			return err
		}
		teams, err = scanAll(rows, func(r *sql.Rows) (Team, error) {
			var t Team
			return t, r.Scan(&t.ID, &t.Name, &t.Description)
		})
		if err != nil {
			return err
		}
		accounts, err := links(tx, "SELECT team_id, account_id FROM team_accounts ORDER BY team_id, pos")
		if err != nil {
			return err
		}
		members, err := links(tx, "SELECT team_id, user_id FROM team_users ORDER BY team_id, pos")
		for i := range teams {
			teams[i].AccountIDs = accounts[teams[i].ID]
			teams[i].UserIDs = members[teams[i].ID]
		}
		return err
	})
	return teams, err
}

// ReplaceTemplates replaces the stored templates (of every account) with ts.
func (s *Store) ReplaceTemplates(ts []Template) error {
	return s.replaceSet("replace templates", []string{"templates"}, func(tx *sql.Tx) error {
		st, err := tx.Prepare(`INSERT INTO templates(id, account_id, name, status, text, example, language)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET account_id = excluded.account_id, name = excluded.name,
			status = excluded.status, text = excluded.text, example = excluded.example, language = excluded.language`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, t := range ts {
			if _, err := st.Exec(t.ID, t.AccountID, t.Name, t.Status, t.Text, t.Example, t.Language); err != nil {
				return fmt.Errorf("template %s: %w", t.ID, err)
			}
		}
		return nil
	})
}

// Templates returns the templates of the account ("" for all accounts):
// approved ones first, then by name.
func (s *Store) Templates(accountID string) ([]Template, error) {
	const order = ` ORDER BY lower(trim(status)) = 'approved' DESC, name COLLATE NOCASE, name, id`
	const cols = "SELECT id, account_id, name, status, text, example, language FROM templates"
	var rows *sql.Rows
	var err error
	if accountID == "" {
		rows, err = s.db.Query(cols + order)
	} else {
		rows, err = s.db.Query(cols+" WHERE account_id = ?"+order, accountID)
	}
	if err != nil {
		return nil, fmt.Errorf("store: templates: %w", err)
	}
	return collect(rows, "templates", func(r *sql.Rows) (Template, error) {
		var t Template
		return t, r.Scan(&t.ID, &t.AccountID, &t.Name, &t.Status, &t.Text, &t.Example, &t.Language)
	})
}

// scanAll scans every row with scan and closes rows.
func scanAll[T any](rows *sql.Rows, scan func(*sql.Rows) (T, error)) ([]T, error) {
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// collect is scanAll with the error wrapped for a public method.
func collect[T any](rows *sql.Rows, what string, scan func(*sql.Rows) (T, error)) ([]T, error) {
	out, err := scanAll(rows, scan)
	if err != nil {
		return nil, fmt.Errorf("store: %s: %w", what, err)
	}
	return out, nil
}

// contactCols are the contacts columns scanContact reads.
const contactCols = "c.id, c.account_id, c.name, c.number, c.status, c.email, c.tags, c.created"

// scanContact reads contactCols, plus any extra destinations after them.
func scanContact(r scanner, extra ...any) (Contact, error) {
	var c Contact
	var tags string
	var created int64
	dest := append([]any{&c.ID, &c.AccountID, &c.Name, &c.Number, &c.Status, &c.Email, &tags, &created}, extra...)
	if err := r.Scan(dest...); err != nil {
		return Contact{}, err
	}
	c.Created = fromNanos(created)
	if tags != "" && tags != "[]" && tags != "null" {
		if err := json.Unmarshal([]byte(tags), &c.Tags); err != nil {
			return Contact{}, fmt.Errorf("contact %s: tags: %w", c.ID, err)
		}
	}
	return c, nil
}

// searchDigits is what the contacts index holds for a number: its digits
// and every suffix of them, as separate tokens. A prefix query on the
// digits a person types then finds any run of digits in the number:
// "7902111" matches the suffix "7902111123" of "447902111123".
func searchDigits(number string) string {
	d := onlyDigits(number)
	var b strings.Builder
	for i := range d {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(d[i:])
	}
	return b.String()
}

// UpsertContacts inserts the contacts, or replaces the stored ones with
// the same id, and refreshes the contact name and number shown on their
// conversations.
func (s *Store) UpsertContacts(cs []Contact) error {
	_, err := s.upsertFullContacts(cs)
	return err
}

// upsertFullContacts is UpsertContacts; it returns the conversations whose
// contact name or number changed.
func (s *Store) upsertFullContacts(cs []Contact) (renamed []string, err error) {
	err = s.write("upsert contacts", func(tx *sql.Tx) error {
		var err error
		renamed, err = upsertContacts(tx, cs, false)
		return err
	})
	if err != nil {
		return nil, err
	}
	return renamed, nil
}

// upsertContacts is UpsertContacts inside tx; it returns the conversations
// whose contact name or number changed.
// upsertContacts writes contacts. partial marks contacts known only from
// the messages that name them (name, number and status): an existing
// contact then keeps its email, tags and creation time.
func upsertContacts(tx *sql.Tx, cs []Contact, partial bool) ([]string, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	var st struct{ sel, ins, upd, ftsIns, ftsDel, ren, renSel *sql.Stmt }
	var err error
	prep := func(dst **sql.Stmt, q string) {
		if err == nil {
			*dst, err = tx.Prepare(q)
		}
	}
	prep(&st.sel, "SELECT seq, name, digits FROM contacts WHERE id = ?")
	prep(&st.ins, `INSERT INTO contacts(account_id, name, number, status, email, tags, created, digits, id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if partial {
		prep(&st.upd, `UPDATE contacts SET account_id = ?1, name = ?2, number = ?3, status = ?4, digits = ?8 WHERE id = ?9`)
	} else {
		prep(&st.upd, `UPDATE contacts SET account_id = ?, name = ?, number = ?, status = ?, email = ?, tags = ?,
		created = ?, digits = ? WHERE id = ?`)
	}
	prep(&st.ftsIns, ftsContactInsert)
	prep(&st.ftsDel, ftsContactDelete)
	prep(&st.ren, `UPDATE conversations SET contact_name = ?2, contact_number = ?3
		WHERE contact_id = ?1 AND (contact_name <> ?2 OR contact_number <> ?3)`)
	prep(&st.renSel, `SELECT id, contact_name, contact_number, preview FROM conversations
		WHERE contact_id = ?1 AND (contact_name <> ?2 OR contact_number <> ?3)`)
	defer func() {
		for _, s := range []*sql.Stmt{st.sel, st.ins, st.upd, st.ftsIns, st.ftsDel, st.ren, st.renSel} {
			if s != nil {
				s.Close()
			}
		}
	}()
	if err != nil {
		return nil, err
	}
	var changed idList
	var reindex []convReindex // conversations_fts, after the rows (store_search.go)
	for _, c := range cs {
		if c.ID == "" {
			return nil, errors.New("contact without an id")
		}
		tags := "[]"
		if len(c.Tags) > 0 {
			b, err := json.Marshal(c.Tags)
			if err != nil {
				return nil, fmt.Errorf("contact %s: tags: %w", c.ID, err)
			}
			tags = string(b)
		}
		digits := searchDigits(c.Number)
		args := []any{c.AccountID, c.Name, c.Number, c.Status, c.Email, tags, toNanos(c.Created), digits, c.ID}
		var seq int64
		var oldName, oldDigits string
		switch err := st.sel.QueryRow(c.ID).Scan(&seq, &oldName, &oldDigits); {
		case errors.Is(err, sql.ErrNoRows):
			res, err := st.ins.Exec(args...)
			if err != nil {
				return nil, fmt.Errorf("contact %s: %w", c.ID, err)
			}
			if seq, err = res.LastInsertId(); err != nil {
				return nil, fmt.Errorf("contact %s: %w", c.ID, err)
			}
			if _, err := st.ftsIns.Exec(seq, c.Name, digits); err != nil {
				return nil, fmt.Errorf("contact %s: index: %w", c.ID, err)
			}
			// A new contact may name conversations stored before it.
		case err != nil:
			return nil, fmt.Errorf("contact %s: %w", c.ID, err)
		default:
			if _, err := st.upd.Exec(args...); err != nil {
				return nil, fmt.Errorf("contact %s: %w", c.ID, err)
			}
			if oldName != c.Name || oldDigits != digits {
				if _, err := st.ftsDel.Exec(seq, oldName, oldDigits); err != nil {
					return nil, fmt.Errorf("contact %s: index: %w", c.ID, err)
				}
				if _, err := st.ftsIns.Exec(seq, c.Name, digits); err != nil {
					return nil, fmt.Errorf("contact %s: index: %w", c.ID, err)
				}
			}
		}
		// The conversations showing the contact, renamed, and their
		// entries in conversations_fts (store_search.go) with them.
		rows, err := st.renSel.Query(c.ID, c.Name, c.Number)
		if err != nil {
			return nil, fmt.Errorf("contact %s: conversations: %w", c.ID, err)
		}
		type renamed struct {
			id  string
			old convText
		}
		ren, err := scanAll(rows, func(r *sql.Rows) (renamed, error) {
			var x renamed
			err := r.Scan(&x.id, &x.old.name, &x.old.number, &x.old.preview)
			return x, err
		})
		if err != nil {
			return nil, fmt.Errorf("contact %s: conversations: %w", c.ID, err)
		}
		if len(ren) > 0 {
			if _, err := st.ren.Exec(c.ID, c.Name, c.Number); err != nil {
				return nil, fmt.Errorf("contact %s: conversations: %w", c.ID, err)
			}
		}
		for _, r := range ren {
			reindex = append(reindex, convReindex{id: r.id, old: r.old, cur: convText{c.Name, c.Number, r.old.preview}})
			changed.add(r.id)
		}
	}
	if err := reindexConversations(txExec{tx}, reindex); err != nil {
		return nil, fmt.Errorf("contacts: %w", err)
	}
	return changed.ids, nil
}

// Contact returns the contact with that id.
func (s *Store) Contact(id string) (Contact, bool, error) {
	c, err := scanContact(s.db.QueryRow("SELECT "+contactCols+" FROM contacts c WHERE c.id = ?", id))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Contact{}, false, nil
	case err != nil:
		return Contact{}, false, fmt.Errorf("store: contact %s: %w", id, err)
	}
	return c, true, nil
}

// ContactByNumber returns the account's contact with that number (as
// stored: E.164), the oldest when there are several.
func (s *Store) ContactByNumber(accountID, number string) (Contact, bool, error) {
	if accountID == "" || number == "" {
		return Contact{}, false, nil
	}
	c, err := scanContact(s.db.QueryRow("SELECT "+contactCols+` FROM contacts c
		WHERE c.account_id = ? AND c.number = ? ORDER BY c.seq LIMIT 1`, accountID, number))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Contact{}, false, nil
	case err != nil:
		return Contact{}, false, fmt.Errorf("store: contact by number: %w", err)
	}
	return c, true, nil
}

// RecentContacts returns up to limit contacts for the contacts panel before
// anything is typed: those with a conversation, most recent activity
// first, then those without one, by name.
func (s *Store) RecentContacts(limit int) ([]Contact, error) {
	if limit <= 0 {
		return nil, nil
	}
	var out []Contact
	err := s.read("recent contacts", func(tx *sql.Tx) error {
		var total int // conversations in the store
		if err := tx.QueryRow(`SELECT coalesce(sum(n), 0) FROM conversation_counts`).Scan(&total); err != nil {
			return err
		}
		// Each folder's index gives its conversations newest first; the
		// newest limit contacts are among the first rows of the three. A
		// contact may have more than one conversation (a "new:" one beside
		// the platform's): read more rows until enough distinct ones came.
		for per := limit + 8; ; per *= 2 {
			rows, err := tx.Query(`SELECT `+contactCols+`, v.last_activity FROM (
				SELECT * FROM (SELECT contact_id, last_activity, id FROM conversations WHERE folder = 'inbox'
					ORDER BY last_activity DESC, id LIMIT ?1)
				UNION ALL SELECT * FROM (SELECT contact_id, last_activity, id FROM conversations WHERE folder = 'archive'
					ORDER BY last_activity DESC, id LIMIT ?1)
				UNION ALL SELECT * FROM (SELECT contact_id, last_activity, id FROM conversations WHERE folder = 'spam'
					ORDER BY last_activity DESC, id LIMIT ?1)
			) v JOIN contacts c ON c.id = v.contact_id
			ORDER BY v.last_activity DESC, v.id`, per)
			if err != nil {
				return err
			}
			out = out[:0]
			seen := map[string]bool{}
			for rows.Next() {
				var act int64
				c, err := scanContact(rows, &act)
				if err != nil {
					rows.Close()
					return err
				}
				if !seen[c.ID] && len(out) < limit {
					seen[c.ID] = true
					out = append(out, c)
				}
			}
			if err := rows.Close(); err != nil {
				return err
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if len(out) == limit || per >= total {
				break
			}
		}
		if len(out) == limit {
			return nil
		}
		// Every contact with a conversation is in: the others, by name.
		rows, err := tx.Query(`SELECT `+contactCols+` FROM contacts c
			WHERE NOT EXISTS (SELECT 1 FROM conversations v WHERE v.contact_id = c.id)
			ORDER BY c.name COLLATE NOCASE, c.name, c.id LIMIT ?`, limit-len(out))
		if err != nil {
			return err
		}
		rest, err := scanAll(rows, func(r *sql.Rows) (Contact, error) { return scanContact(r) })
		out = append(out, rest...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
