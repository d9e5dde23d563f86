package state

import (
	"database/sql"
	"fmt"
	"time"
)

// Snooze hides a conversation from its views until it wakes: at a time,
// or at the customer's next message (SnoozeRequest.UntilReply), and never
// later than SnoozeMargin before its window closes while the customer
// waits on us, so that it wakes in time to answer with free text (see
// doc.go, Snooze).

// SnoozeMargin is how long before the window closes a snoozed
// conversation waiting on us wakes at the latest.
const SnoozeMargin = 30 * time.Minute

// snoozeForever is the stored wake time of a conversation snoozed until
// the customer writes with no window to cap it.
const snoozeForever = int64(1) << 62

// SnoozeForever reports whether t is the wake time of a conversation that
// wakes only when the customer writes.
func SnoozeForever(t time.Time) bool { return !t.IsZero() && t.UnixNano() >= snoozeForever }

// SnoozeRequest is what the agent asked: a wake time, or until the
// customer writes (Until is ignored then).
type SnoozeRequest struct {
	Until      time.Time
	UntilReply bool
}

// SnoozePlan is when a snooze wakes: Wake (the capped time; a time for
// which SnoozeForever holds when only the customer wakes it), whether the
// window capped it and when that window closes.
type SnoozePlan struct {
	Wake        time.Time
	UntilReply  bool
	Capped      bool
	WindowClose time.Time
}

// SnoozeCap is the latest a conversation may sleep at now: SnoozeMargin
// before its window closes when the window is open and the last message
// is the customer's; ok false when nothing caps it.
func SnoozeCap(c Conversation, now time.Time) (time.Time, bool) {
	if c.LastInbound.IsZero() || c.LastOutbound.After(c.LastInbound) {
		return time.Time{}, false
	}
	closes := c.WindowExpiry()
	if !closes.After(now) {
		return time.Time{}, false
	}
	return closes.Add(-SnoozeMargin), true
}

// PlanSnooze judges a snooze of c at now: when it wakes, capped by the
// window. It refuses a wake time not after now, and a snooze of a
// conversation whose window closes within the margin (answer it now).
func PlanSnooze(c Conversation, r SnoozeRequest, now time.Time) (SnoozePlan, error) {
	p := SnoozePlan{UntilReply: r.UntilReply}
	wake := time.Unix(0, snoozeForever).UTC()
	if !r.UntilReply {
		if !r.Until.After(now) {
			return p, &InputError{"that time has passed: choose a later one"}
		}
		wake = r.Until
	}
	if limit, ok := SnoozeCap(c, now); ok {
		if !limit.After(now) {
			return p, &InputError{fmt.Sprintf("the window closes in %s: answer now, snoozing would lose it",
				c.WindowExpiry().Sub(now).Round(time.Minute))}
		}
		if wake.After(limit) {
			wake, p.Capped = limit, true
		}
		p.WindowClose = limit.Add(SnoozeMargin)
	}
	p.Wake = wake
	return p, nil
}

// SetSnooze snoozes (wake non-zero) or wakes (zero) a conversation; it
// reports whether the row changed.
func (s *Store) SetSnooze(id string, wake time.Time, untilReply bool) (changed bool, err error) {
	err = s.write("snooze "+id, func(tx *sql.Tx) error {
		reply := untilReply && !wake.IsZero()
		res, err := tx.Exec(`UPDATE conversations SET snoozed_until = ?, snooze_reply = ?
			WHERE id = ? AND (snoozed_until IS NOT ? OR snooze_reply IS NOT ?)`, toNanos(wake), reply, id, toNanos(wake), reply)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		changed = n > 0
		return err
	})
	return changed, err
}

// WakeDue wakes the conversations whose wake time is at or before now and
// returns their ids.
func (s *Store) WakeDue(now time.Time) (ids []string, err error) {
	err = s.write("wake snoozed", func(tx *sql.Tx) error {
		rows, err := tx.Query(`UPDATE conversations SET snoozed_until = 0, snooze_reply = 0
			WHERE snoozed_until <> 0 AND snoozed_until <= ? RETURNING id`, toNanos(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return rows.Err()
	})
	return ids, err
}

// wakeTx wakes a snoozed conversation in a write (the customer wrote).
func wakeTx(q *stmtCache, id string) (bool, error) {
	res, err := q.exec("UPDATE conversations SET snoozed_until = 0, snooze_reply = 0 WHERE id = ? AND snoozed_until <> 0", id)
	if err != nil {
		return false, fmt.Errorf("wake %s: %w", id, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// snoozedView selects the snoozed conversations of every folder (the
// unread ones only, when unread).
func snoozedView(unread bool) viewQuery {
	q := viewQuery{where: "snoozed_until <> 0", order: "last_activity DESC, id", uncounted: true}
	if unread {
		q.where += " AND " + unreadSQL
	}
	return q
}

// Snooze snoozes a conversation as the agent asked, capped by its window
// (PlanSnooze, judged on the stored row at the engine's now), and
// publishes it: it leaves its views until it wakes.
func (e *Engine) Snooze(convID string, r SnoozeRequest) (SnoozePlan, error) {
	c, ok, err := e.store.Conversation(convID)
	if err != nil {
		return SnoozePlan{}, err
	}
	if !ok {
		return SnoozePlan{}, &InputError{"this conversation is not in mbx yet"}
	}
	p, err := PlanSnooze(c, r, e.cfg.Now())
	if err != nil {
		return p, err
	}
	if _, err := e.store.SetSnooze(convID, p.Wake, p.UntilReply); err != nil {
		return p, err
	}
	e.bus.publish(Changes{Conversations: idSet([]string{convID}), List: true})
	return p, nil
}

// Unsnooze wakes a snoozed conversation now and publishes it.
func (e *Engine) Unsnooze(convID string) error {
	changed, err := e.store.SetSnooze(convID, time.Time{}, false)
	if err != nil || !changed {
		return err
	}
	e.bus.publish(Changes{Conversations: idSet([]string{convID}), List: true})
	return nil
}

// WakeDue wakes the conversations due at now (the UI's minute tick) and
// publishes them; it returns how many woke.
func (e *Engine) WakeDue(now time.Time) (int, error) {
	ids, err := e.store.WakeDue(now)
	if err != nil || len(ids) == 0 {
		return 0, err
	}
	e.bus.publish(Changes{Conversations: idSet(ids), List: true})
	return len(ids), nil
}

// Snooze, Unsnooze and WakeDue: see Engine.
func (s *Service) Snooze(convID string, r SnoozeRequest) (SnoozePlan, error) {
	return s.e.Snooze(convID, r)
}
func (s *Service) Unsnooze(convID string) error       { return s.e.Unsnooze(convID) }
func (s *Service) WakeDue(now time.Time) (int, error) { return s.e.WakeDue(now) }
