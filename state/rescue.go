package state

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Rescue: conversations whose window closed while the customer waited
// (their last message is the customer's, written WindowLength or more
// ago), and the bulk template send that reopens them, exactly once (see
// doc.go, Rescue).

// rescueView narrows q to the rescue view at now, most recently lost
// first. The literal last_inbound >= last_outbound is the WHERE of the
// partial index conversations_closing.
func rescueView(q *viewQuery, now time.Time) {
	q.rescue, q.closing = true, false
	q.order = "last_inbound DESC, id DESC" // the index walked backwards
	if now.IsZero() {
		q.where += " AND last_inbound >= last_outbound AND 0"
		return
	}
	q.where += " AND last_inbound >= last_outbound AND last_inbound > last_outbound AND last_inbound > 0 AND last_inbound <= ?"
	q.args = append(q.args, toNanos(now.Add(-WindowLength)))
}

// RescueItem is one conversation of a rescue: the template and message it
// gets, or why it is skipped; after a real run, the queued outbox item or
// the error that kept it from the outbox.
type RescueItem struct {
	Conversation Conversation
	Template     Template       // the conversation's account's template of the chosen name
	Values       map[int]string // the placeholders' values, {name} and {first_name} filled
	Body         string         // the message as it will be sent
	Skip         string         // why it is skipped; "" when it is sent
	Item         OutboxItem     // a real run's queued item (LocalID set)
	Err          error          // a real run's failure to queue it
}

// Sent reports whether a real run queued the item.
func (r RescueItem) Sent() bool { return r.Item.LocalID != "" }

// FillContact fills the per-conversation placeholders {name} and
// {first_name} of a value with the contact's name (sanitized); a
// placeholder with no name to give is left as it is.
func FillContact(v string, c Conversation) string {
	name := strings.Join(strings.Fields(Sanitize(c.ContactName)), " ")
	if name == "" {
		return v
	}
	first, _, _ := strings.Cut(name, " ")
	return strings.NewReplacer("{name}", name, "{first_name}", first).Replace(v)
}

// outboxSince returns the newest outbox item of a conversation created
// after t; ok false when there is none.
func (s *Store) outboxSince(convID string, t time.Time) (localID string, st OutboxState, created time.Time, ok bool, err error) {
	var c int64
	err = s.db.QueryRow(`SELECT local_id, state, created FROM outbox WHERE conversation_id = ? AND created > ?
		ORDER BY created DESC LIMIT 1`, convID, toNanos(t)).Scan(&localID, &st, &c)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", time.Time{}, false, nil
	}
	if err != nil {
		return "", "", time.Time{}, false, fmt.Errorf("store: outbox of %s: %w", convID, err)
	}
	return localID, st, fromNanos(c), true, nil
}

// templatesByAccount reads each account's templates once for a run of
// rescueItem (a rescue of hundreds of conversations reads a handful).
type templatesByAccount struct {
	st   *Store
	seen map[string][]Template
}

func (t *templatesByAccount) of(accountID string) ([]Template, error) {
	if ts, ok := t.seen[accountID]; ok {
		return ts, nil
	}
	ts, err := t.st.Templates(accountID)
	if err != nil {
		return nil, err
	}
	if t.seen == nil {
		t.seen = map[string][]Template{}
	}
	t.seen[accountID] = ts
	return ts, nil
}

// rescueItem judges one conversation of a rescue at now.
func (e *Engine) rescueItem(id string, tpl Template, values map[int]string, now time.Time, tplsOf *templatesByAccount) (RescueItem, error) {
	c, ok, err := e.store.Conversation(id)
	if err != nil {
		return RescueItem{}, err
	}
	it := RescueItem{Conversation: c}
	if !ok {
		it.Conversation.ID = id
		it.Skip = "no longer in mbx"
		return it, nil
	}
	switch {
	case c.ReadOnly:
		it.Skip = c.ReadOnlyWhy
	case c.LastInbound.IsZero() || !c.LastInbound.After(c.LastOutbound):
		it.Skip = "answered since: the last message is ours"
	case WindowAt(c.WindowExpiry(), now).Open():
		it.Skip = "the window is open again: answer with text"
	case strings.TrimSpace(c.ContactNumber) == "":
		it.Skip = "the contact has no number"
	}
	if it.Skip != "" {
		return it, nil
	}
	// Exactly once: anything queued since the customer's last message
	// (a rescue before a crash, or any reply) is the record.
	if lid, st, at, ok, err := e.store.outboxSince(id, c.LastInbound); err != nil {
		return it, err
	} else if ok {
		it.Skip = fmt.Sprintf("already has a message from here since the customer wrote (%s at %s, %s)",
			st, at.UTC().Format("15:04"), lid)
		return it, nil
	}
	tpls, err := tplsOf.of(c.AccountID)
	if err != nil {
		return it, err
	}
	found := false
	for _, t := range tpls {
		if t.Approved() && t.Name == tpl.Name && (tpl.Language == "" || t.Language == tpl.Language) {
			it.Template, found = t, true
			break
		}
	}
	if !found {
		it.Skip = fmt.Sprintf("no approved template %q in this conversation's account", tpl.Name)
		return it, nil
	}
	it.Values = map[int]string{}
	for k, v := range values {
		v = FillContact(v, c)
		for _, ph := range []string{"{name}", "{first_name}"} {
			if strings.Contains(v, ph) {
				it.Skip = fmt.Sprintf("{{%d}}: the contact has no name for %s", k, ph)
				return it, nil
			}
		}
		if err := ValidateParam(v); err != nil {
			it.Skip = fmt.Sprintf("{{%d}}: %v", k, err)
			return it, nil
		}
		it.Values[k] = v
	}
	p := it.Template.Parse()
	for _, ph := range p.Placeholders {
		if strings.TrimSpace(it.Values[ph.Index]) == "" {
			it.Skip = fmt.Sprintf("{{%d}} has no value for this contact", ph.Index)
			return it, nil
		}
	}
	it.Body = p.Fill(it.Values)
	return it, nil
}

// RescuePlan is a dry run: for each conversation, the message the rescue
// would send and to whom, or why it would be skipped. It sends nothing.
func (e *Engine) RescuePlan(ids []string, tpl Template, values map[int]string) ([]RescueItem, error) {
	now := e.cfg.Now()
	out := make([]RescueItem, 0, len(ids))
	tplsOf := &templatesByAccount{st: e.store}
	for _, id := range ids {
		it, err := e.rescueItem(id, tpl, values, now, tplsOf)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}

// RescueSend is the real run: each conversation judged again as it comes
// (the dry run's verdict may be stale) and, unless skipped, its template
// queued in the outbox. One run at a time, so two cannot both find a
// conversation without its template; a rerun after a crash skips those
// already queued (their outbox item is the record). It stops when ctx
// ends, reporting progress after each conversation.
func (e *Engine) RescueSend(ctx context.Context, ids []string, tpl Template, values map[int]string, progress Progress) ([]RescueItem, error) {
	e.rescueMu.Lock()
	defer e.rescueMu.Unlock()
	out := make([]RescueItem, 0, len(ids))
	tplsOf := &templatesByAccount{st: e.store}
	for i, id := range ids {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		it, err := e.rescueItem(id, tpl, values, e.cfg.Now(), tplsOf)
		if err != nil {
			return out, err
		}
		if it.Skip == "" {
			it.Item, it.Err = e.SendTemplate(it.Conversation, it.Template, it.Values)
		}
		out = append(out, it)
		if progress != nil {
			progress(i+1, len(ids))
		}
	}
	return out, nil
}

// RescuePlan and RescueSend: see Engine.
func (s *Service) RescuePlan(ids []string, tpl Template, values map[int]string) ([]RescueItem, error) {
	return s.e.RescuePlan(ids, tpl, values)
}
func (s *Service) RescueSend(ctx context.Context, ids []string, tpl Template, values map[int]string, progress Progress) ([]RescueItem, error) {
	return s.e.RescueSend(ctx, ids, tpl, values, progress)
}
