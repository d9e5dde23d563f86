package state

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// MaxMessageLength is the platform's limit for one message, in characters.
const MaxMessageLength = 4096

// reconcileMargin is how far before an item's local creation time a
// platform message may be dated and still be taken as that item (clock
// skew between this machine and the platform).
const reconcileMargin = 5 * time.Minute

// ErrWindowClosed refuses freeform text to a conversation whose 24-hour
// window is closed.
var ErrWindowClosed = errors.New("the 24-hour window is closed — only an approved template can reach this customer now")

// InputError is input the agent has to change before it can be sent.
type InputError struct{ Msg string }

func (e *InputError) Error() string { return e.Msg }

func newLocalID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// CheckText validates a reply before it is queued.
func CheckText(body string) error {
	if strings.TrimSpace(body) == "" {
		return &InputError{"the message is empty"}
	}
	if !utf8.ValidString(body) {
		return &InputError{"the message is not valid UTF-8"}
	}
	if n := utf8.RuneCountInString(body); n > MaxMessageLength {
		return &InputError{fmt.Sprintf("%d characters: %d over the limit of %d — shorten it", n, n-MaxMessageLength, MaxMessageLength)}
	}
	return nil
}

// Send queues a freeform reply: it is written to the store, shown as
// pending, before any request, and sent by the outbox worker. A closed
// window refuses it here (ErrWindowClosed), before anything is written.
func (e *Engine) Send(conversationID, body string) (OutboxItem, error) {
	if err := CheckText(body); err != nil {
		return OutboxItem{}, err
	}
	conv, ok, err := e.store.Conversation(conversationID)
	if err != nil {
		return OutboxItem{}, err
	}
	if !ok {
		if IsNewConversation(conversationID) { // started here: no customer message yet
			return OutboxItem{}, ErrWindowClosed
		}
		return OutboxItem{}, fmt.Errorf("conversation %s is not in the store", conversationID)
	}
	if conv.ReadOnly {
		return OutboxItem{}, &InputError{conv.ReadOnlyWhy}
	}
	if !WindowAt(conv.WindowExpiry(), e.cfg.Now()).Open() {
		return OutboxItem{}, ErrWindowClosed
	}
	return e.enqueue(OutboxItem{
		ConversationID: conv.ID, AccountID: conv.AccountID, ContactID: conv.ContactID,
		Kind: OutboxMessage, Body: body,
	})
}

// SendTemplate queues a template filled with values (by placeholder
// index). Every placeholder must be filled and valid. conv may be one
// StartConversation made up ("new:"): its row is written with the
// message, and it becomes the platform's conversation when the platform
// places the message (see doc.go); one that already did is sent to in
// the platform's conversation.
func (e *Engine) SendTemplate(conv Conversation, tpl Template, values map[int]string) (OutboxItem, error) {
	it, err := e.prepareTemplate(conv, tpl, values)
	if err != nil {
		return OutboxItem{}, err
	}
	return e.enqueue(it)
}

// prepareTemplate checks a template send and returns its item, not yet
// queued.
func (e *Engine) prepareTemplate(conv Conversation, tpl Template, values map[int]string) (OutboxItem, error) {
	conv, err := e.resolveNew(conv)
	if err != nil {
		return OutboxItem{}, err
	}
	if cur, ok, err := e.store.Conversation(conv.ID); err != nil {
		return OutboxItem{}, err
	} else if ok && cur.ReadOnly { // judged now, not as the caller last saw it
		return OutboxItem{}, &InputError{cur.ReadOnlyWhy}
	}
	if conv.AccountID == "" || conv.ContactID == "" {
		return OutboxItem{}, &InputError{"this conversation is not in mbx yet: wait for the next sync and try again"}
	}
	if !tpl.Approved() {
		return OutboxItem{}, &InputError{fmt.Sprintf("template %q is %s, not approved: it cannot be sent", tpl.Name, strings.ToLower(tpl.Status))}
	}
	if tpl.AccountID != conv.AccountID {
		return OutboxItem{}, &InputError{fmt.Sprintf("template %q belongs to another account", tpl.Name)}
	}
	p := tpl.Parse()
	for _, ph := range p.Placeholders {
		if err := ValidateParam(values[ph.Index]); err != nil {
			return OutboxItem{}, &InputError{fmt.Sprintf("{{%d}}: %v", ph.Index, err)}
		}
	}
	body := p.Fill(values)
	if err := CheckText(body); err != nil {
		return OutboxItem{}, err
	}
	return (OutboxItem{
		ConversationID: conv.ID, AccountID: conv.AccountID, ContactID: conv.ContactID,
		Kind: OutboxTemplate, TemplateID: tpl.ID, TemplateName: tpl.Name, TemplateLanguage: tpl.Language,
		Params: templateParams(p, values), Body: body,
	}), nil
}

// templateParams are the values of a parsed template's placeholders in
// order: element i fills {{i+1}}, "" where the template has no such
// placeholder. Never nil for a template (an empty list is kept as such).
func templateParams(p ParsedTemplate, values map[int]string) []string {
	n := 0
	for _, ph := range p.Placeholders {
		n = max(n, ph.Index)
	}
	params := make([]string, n)
	for _, ph := range p.Placeholders {
		params[ph.Index-1] = values[ph.Index]
	}
	return params
}

func (e *Engine) enqueue(it OutboxItem) (OutboxItem, error) {
	return e.enqueueWith(it, e.store.Enqueue)
}

// enqueueWith is enqueue writing with write (Store.Enqueue or a variant).
func (e *Engine) enqueueWith(it OutboxItem, write func(OutboxItem, Message) error) (OutboxItem, error) {
	it.LocalID = newLocalID()
	it.Created = e.cfg.Now()
	it.State = OutboxQueued
	msg := Message{
		LocalID: it.LocalID, ConversationID: it.ConversationID, AccountID: it.AccountID, ContactID: it.ContactID,
		Direction: Outbound, Body: it.Body, Time: it.Created, Status: StatusPending,
		Template: it.Kind == OutboxTemplate,
	}
	if !it.File.IsZero() {
		msg.Media = it.File.Media()
		msg.Body = MediaLine(msg.Media.Kind, msg.Media.Name, it.Body)
	}
	// A reply is the draft sent: the store clears the draft in the same
	// transaction, and a pending or in-flight draft write must not bring
	// it back. A template is not the draft, which stays.
	enqueue := func() error { return write(it, msg) }
	var err error
	if it.Kind == OutboxMessage {
		err = e.drafts.clear(it.ConversationID, enqueue)
	} else {
		err = enqueue()
	}
	if err != nil {
		return OutboxItem{}, err
	}
	e.touch()
	e.bus.publish(Changes{Conversations: idSet([]string{it.ConversationID}), Threads: idSet([]string{it.ConversationID}), List: true, Outbox: true})
	e.kickOutbox()
	return it, nil
}

// LoggedIn is called after the agent logged in again: replies held back
// while the platform refused the old token are tried now, not after
// their backoff, and a sync runs.
func (e *Engine) LoggedIn() {
	items, err := e.store.Outbox(OutboxQueued)
	if err != nil {
		e.log.Error("outbox: after login", "err", err)
	}
	for _, it := range items {
		if it.NextAttempt.IsZero() {
			continue
		}
		it.NextAttempt = time.Time{}
		if err := e.store.UpdateOutbox(it); err != nil {
			e.log.Error("outbox: after login", "err", err)
		}
	}
	e.SyncNow()
}

// Resend puts a failed reply back in the queue, unchanged.
func (e *Engine) Resend(localID string) error {
	it, ok, err := e.store.OutboxItem(localID)
	if err != nil || !ok {
		return errors.Join(err, fmt.Errorf("no such reply"))
	}
	if it.State != OutboxFailed {
		return &InputError{"only a failed reply can be sent again"}
	}
	if err := e.store.ResendOutbox(localID, e.cfg.Now()); err != nil {
		return err
	}
	e.bus.publish(Changes{Threads: idSet([]string{it.ConversationID}), Outbox: true})
	e.kickOutbox()
	return nil
}

// Retry sends a failed reply again, at most once in all: it is first
// looked for on the platform, as a send whose answer was lost is
// (reconcile), and sent only when nothing there may be it — a copy
// provably the agent's settles it as sent, one nobody can tell is theirs
// asks the agent (Questions). A freeform reply to a conversation whose
// window has closed is refused with ErrWindowClosed, nothing changed:
// only a template can reach the customer (ReplaceWithTemplate).
func (e *Engine) Retry(localID string) error {
	it, ok, err := e.store.OutboxItem(localID)
	if err != nil || !ok {
		return errors.Join(err, fmt.Errorf("no such reply"))
	}
	if it.State != OutboxFailed {
		return &InputError{"this reply is not failed (any more): nothing to retry"}
	}
	if it.Kind == OutboxMessage {
		conv, ok, err := e.store.Conversation(it.ConversationID)
		if err != nil {
			return err
		}
		if ok && conv.ReadOnly {
			return &InputError{conv.ReadOnlyWhy}
		}
		if ok && !WindowAt(conv.WindowExpiry(), e.cfg.Now()).Open() {
			return ErrWindowClosed
		}
	}
	err = e.store.RetryOutbox(localID, e.cfg.Now())
	if errors.Is(err, ErrNotFound) {
		return &InputError{"this reply is not failed (any more): nothing to retry"}
	}
	if err != nil {
		return err
	}
	e.log.Info("outbox: the agent retries a failed reply: looking for it first", "local_id", localID)
	e.bus.publish(Changes{Threads: idSet([]string{it.ConversationID}), Conversations: idSet([]string{it.ConversationID}), Outbox: true})
	e.kickOutbox()
	return nil
}

// FailedReplies are the failed replies of a conversation (convID "" for
// all), newest first: what Retry and ReplaceWithTemplate act on.
func (e *Engine) FailedReplies(convID string) ([]OutboxItem, error) {
	return e.store.FailedReplies(convID)
}

// ReplaceWithTemplate sends a template in place of the failed reply
// localID (a freeform reply whose window closed): the template is queued
// and the failed item settled as replaced in one transaction, so the
// failed text is never sent as well. The draft is left alone.
func (e *Engine) ReplaceWithTemplate(localID string, conv Conversation, tpl Template, values map[int]string) (OutboxItem, error) {
	old, ok, err := e.store.OutboxItem(localID)
	if err != nil || !ok {
		return OutboxItem{}, errors.Join(err, fmt.Errorf("no such reply"))
	}
	if old.State != OutboxFailed {
		return OutboxItem{}, &InputError{"this reply is not failed (any more): nothing to replace"}
	}
	if old.ConversationID != conv.ID {
		return OutboxItem{}, &InputError{"the template is for another conversation than the failed reply"}
	}
	reason := fmt.Sprintf("not sent — replaced by the template %q", tpl.Name)
	it, err := e.prepareTemplate(conv, tpl, values)
	if err != nil {
		return OutboxItem{}, err
	}
	it, err = e.enqueueWith(it, func(it OutboxItem, msg Message) error {
		return e.store.EnqueueReplacing(it, msg, localID, reason)
	})
	if errors.Is(err, ErrNotFound) {
		return OutboxItem{}, &InputError{"this reply is not failed (any more): nothing to replace"}
	}
	return it, err
}

func (e *Engine) kickOutbox() {
	select {
	case e.outboxNudge <- struct{}{}:
	default:
	}
}

// runOutbox sends queued replies, oldest first, until ctx ends.
func (e *Engine) runOutbox(ctx context.Context) {
	for {
		next := e.processOutbox(ctx)
		wait := time.Duration(-1)
		if !next.IsZero() {
			wait = max(0, next.Sub(e.cfg.Now()))
		}
		if !e.wait(ctx, e.outboxNudge, wait) {
			return
		}
	}
}

// processOutbox makes one pass over the unfinished items. It returns when
// the earliest postponed item is due (zero: nothing postponed).
func (e *Engine) processOutbox(ctx context.Context) time.Time {
	items, err := e.store.Outbox(OutboxQueued, OutboxSending, OutboxUncertain)
	if err != nil {
		e.log.Error("outbox: reading", "err", err)
		return e.cfg.Now().Add(5 * time.Second)
	}
	var next time.Time
	blocked := map[string]bool{} // conversations with an earlier unfinished item keep their order
	for _, it := range items {
		if ctx.Err() != nil {
			return time.Time{}
		}
		key := it.AccountID + "/" + it.ContactID
		if blocked[key] {
			continue
		}
		now := e.cfg.Now()
		if it.NextAttempt.After(now) {
			blocked[key] = true
			if next.IsZero() || it.NextAttempt.Before(next) {
				next = it.NextAttempt
			}
			continue
		}
		var after OutboxItem
		switch {
		case it.FollowUp != "" && it.ServerID == "":
			after = e.followUp(ctx, it)
		case it.State == OutboxSending || it.State == OutboxUncertain:
			after = e.reconcile(ctx, it)
		default:
			after = e.sendItem(ctx, it)
		}
		e.bus.publish(Changes{Threads: idSet([]string{it.ConversationID}), Conversations: idSet([]string{it.ConversationID}), Outbox: true})
		if after.State != OutboxSent && after.State != OutboxFailed {
			blocked[key] = true
			if !after.NextAttempt.IsZero() && (next.IsZero() || after.NextAttempt.Before(next)) {
				next = after.NextAttempt
			}
		}
	}
	return next
}

// sendItem makes one attempt. The item is marked sending, durably, before
// the request leaves: a process killed mid-request finds it so at start
// and reconciles instead of sending twice.
func (e *Engine) sendItem(ctx context.Context, it OutboxItem) OutboxItem {
	now := e.cfg.Now()
	if it.Kind == OutboxMessage {
		conv, ok, err := e.store.Conversation(it.ConversationID)
		if err == nil && ok && !WindowAt(conv.WindowExpiry(), now).Open() {
			expiry := conv.WindowExpiry()
			reason := "the 24-hour window closed before this could be sent — only an approved template can reach this customer now"
			if !expiry.IsZero() {
				reason = fmt.Sprintf("the 24-hour window closed at %s before this could be sent — only an approved template can reach this customer now", expiry.Local().Format("Jan 2 15:04"))
			}
			return e.fail(it, reason)
		}
	}
	it.State = OutboxSending
	it.Attempts++
	if err := e.store.UpdateOutbox(it); err != nil {
		e.log.Error("outbox: marking sending", "err", err)
		it.NextAttempt = now.Add(5 * time.Second)
		return it
	}
	sent, err := e.be.Send(ctx, it.Outgoing())
	if err == nil && sent.Message.ID == "" {
		return e.accepted(it, sent.FollowUp)
	}
	if err == nil {
		return e.complete(it, sent.Message)
	}
	return e.failed(it, err)
}

// accepted records a send the platform accepted before it was a message.
// On a TemplateFollower with a token it is followed; otherwise it is
// uncertain, like a send whose answer was lost: looked for among the
// contact's messages before it is ever sent again.
func (e *Engine) accepted(it OutboxItem, token string) OutboxItem {
	now := e.cfg.Now()
	if _, ok := e.be.(TemplateFollower); ok && token != "" {
		it.FollowUp = token
		it.NextAttempt = now.Add(2 * time.Second)
		if err := e.store.UpdateOutbox(it); err != nil {
			e.log.Error("outbox: recording the follow-up", "err", err)
		}
		return it
	}
	it.State = OutboxUncertain
	it.NextAttempt = now.Add(2 * time.Second)
	if err := e.store.UpdateOutbox(it); err != nil {
		e.log.Error("outbox: recording an accepted send", "err", err)
	}
	return it
}

// failed decides what an attempt's error means for the item.
func (e *Engine) failed(it OutboxItem, err error) OutboxItem {
	now := e.cfg.Now()
	switch KindOf(err) {
	case 0: // the app is stopping: the item stays "sending" and is reconciled next start
		return it
	case KindRefused, KindWindowClosed, KindNotFound, KindConflict:
		return e.fail(it, Words(err))
	case KindAmbiguous:
		it.State = OutboxUncertain
		it.NextAttempt = now.Add(2 * time.Second)
	case KindAuth:
		it.State = OutboxQueued // refused before it was acted on
		it.NextAttempt = now.Add(e.cfg.MaxBackoff)
		e.setStatus(func(s *ConnStatus) { s.State, s.LastError = LoginRequired, Words(err) })
	default:
		it.State = OutboxQueued
		it.NextAttempt = now.Add(backoff(it.Attempts, time.Second, e.cfg.MaxBackoff))
	}
	it.Reason = Words(err)
	if uerr := e.store.UpdateOutbox(it); uerr != nil {
		e.log.Error("outbox: recording failure", "err", uerr)
	}
	return it
}

func (e *Engine) fail(it OutboxItem, reason string) OutboxItem {
	if err := e.store.FailOutbox(it.LocalID, reason); err != nil {
		e.log.Error("outbox: failing", "err", err)
	}
	it.State, it.Reason = OutboxFailed, reason
	return it
}

func (e *Engine) complete(it OutboxItem, msg Message) OutboxItem {
	if msg.ConversationID == "" {
		msg.ConversationID = it.ConversationID
	}
	msg.LocalID = it.LocalID
	rehomed, err := e.store.completeOutbox(it.LocalID, msg)
	if err != nil {
		e.log.Error("outbox: completing", "err", err)
		it.NextAttempt = e.cfg.Now().Add(5 * time.Second)
		return it
	}
	e.publishRehomed(rehomed)
	e.forgetFile(it)
	it.State, it.ServerID = OutboxSent, msg.ID
	return it
}

// reconcile looks for an item whose request may have been acted on, and
// claims only a copy that is provably the agent's own (SenderOwnership):
//
//   - The contact's messages since reconcileMargin before the item are
//     read and applied; the store attaches a copy whose sender is the
//     agent as it applies it. A copy stored earlier, when who the agent
//     is was not yet known, is claimed here by the same rule
//     (OutboxCandidates).
//   - For templates on a TemplateFollower, the platform's accepted sends
//     are searched too: FindOwnSend where the platform has it (an
//     OwnSendFinder), else FindSend.
//   - A copy whose sender the platform's records cannot tell (no sender,
//     a name two users share, an unknown agent) is never taken silently:
//     the item stays uncertain and the agent is asked (askAgent) —
//     send again, or it was sent. Copies provably a colleague's do not
//     count.
//   - Nothing that may be the item's: the request did not arrive, and the
//     item is sent again.
func (e *Engine) reconcile(ctx context.Context, it OutboxItem) OutboxItem {
	now := e.cfg.Now()
	from := it.Created.Add(-reconcileMargin)
	for batch, err := range e.be.Messages(ctx, MessageQuery{From: from, AccountID: it.AccountID, ContactID: it.ContactID}) {
		if err != nil {
			return e.postpone(it, err)
		}
		if _, err := e.apply(batch); err != nil {
			return e.postpone(it, err)
		}
	}
	cur, ok, err := e.store.OutboxItem(it.LocalID)
	if err != nil || !ok {
		return e.postpone(it, errors.Join(err, errors.New("outbox item vanished")))
	}
	if cur.State != OutboxSending && cur.State != OutboxUncertain {
		return cur // settled meanwhile: attached by the sync, or the agent answered
	}
	cands, err := e.store.OutboxCandidates(cur, from)
	if err != nil {
		return e.postpone(cur, err)
	}
	unsure := false
	for _, c := range cands {
		switch c.Owner {
		case OwnerMe:
			return e.complete(cur, c.Message)
		case OwnerUnknown:
			unsure = true
		}
	}
	if f, ok := e.be.(TemplateFollower); ok && it.Kind == OutboxTemplate {
		claimed, err := e.claimedTokens()
		if err != nil {
			return e.postpone(cur, err)
		}
		isClaimed := func(token string) bool { return claimed[token] }
		var found Sent
		own := OwnerOther
		if of, ok := e.be.(OwnSendFinder); ok {
			found, own, err = of.FindOwnSend(ctx, it.Outgoing(), from, isClaimed)
		} else {
			var ok bool
			if found, ok, err = f.FindSend(ctx, it.Outgoing(), from, isClaimed); ok {
				own = OwnerMe
			}
		}
		if err != nil {
			return e.postpone(cur, err)
		}
		switch own {
		case OwnerMe:
			cur.FollowUp = found.FollowUp
			if found.Message.ID != "" {
				return e.complete(cur, found.Message)
			}
			cur.NextAttempt = now.Add(2 * time.Second)
			if err := e.store.UpdateOutbox(cur); err != nil {
				e.log.Error("outbox: recording the follow-up", "err", err)
			}
			return cur
		case OwnerUnknown:
			unsure = true
		}
	}
	if unsure {
		return e.askAgent(cur)
	}
	e.log.Info("outbox: not on the platform, sending again", "local_id", it.LocalID)
	cur.State = OutboxQueued
	if err := e.store.UpdateOutbox(cur); err != nil {
		return e.postpone(cur, err)
	}
	return e.sendItem(ctx, cur)
}

// OwnSendFinder is an optional capability of a TemplateFollower: its
// accepted sends say who made them, or not. FindOwnSend looks among the
// contact's sends of out's text since `since` whose token claimed does
// not hold, and answers the first provably the logged-in user's
// (OwnerMe, by SenderOwnership), else OwnerUnknown when one may be
// (its sender not told, or not yet a message), else OwnerOther (none,
// or only other users').
type OwnSendFinder interface {
	FindOwnSend(ctx context.Context, out Outgoing, since time.Time, claimed func(token string) bool) (Sent, Ownership, error)
}

// QuestionNotSure is the reason an item holds while the agent is asked
// whether it was sent (Engine.Questions): the platform has a message
// with its text that may be it, and nothing shows who sent it.
const QuestionNotSure = "Not sure this reply was sent: the platform has a message with the same text, but nothing shows it was yours"

// askAgent keeps an item that only the agent can settle: uncertain, with
// QuestionNotSure as its reason, looked for again less often as it waits
// (a copy proven the agent's later still claims it). The contact's later
// replies wait behind it, in order.
func (e *Engine) askAgent(it OutboxItem) OutboxItem {
	now := e.cfg.Now()
	wait := min(max(now.Sub(it.Created)/4, 30*time.Second), 10*time.Minute)
	asked, err := e.store.AskAgent(it.LocalID, QuestionNotSure, now.Add(wait))
	if err != nil {
		e.log.Error("outbox: asking the agent", "err", err)
		it.NextAttempt = now.Add(5 * time.Second)
		return it
	}
	if !asked { // settled meanwhile
		if cur, ok, err := e.store.OutboxItem(it.LocalID); err == nil && ok {
			return cur
		}
	}
	if it.Reason != QuestionNotSure {
		e.log.Info("outbox: asking the agent whether a reply was sent", "local_id", it.LocalID)
	}
	it.State, it.Reason, it.NextAttempt = OutboxUncertain, QuestionNotSure, now.Add(wait)
	return it
}

// Questions are the replies the agent is asked about (askAgent): whether
// each was sent. convID "" for every conversation; oldest first.
func (e *Engine) Questions(convID string) ([]OutboxItem, error) {
	return e.store.OutboxQuestions(convID, QuestionNotSure)
}

// SendAgain is the agent's answer "it was not sent" to a question about
// a reply: it goes back in the queue and is sent now.
func (e *Engine) SendAgain(localID string) error {
	return e.answer(localID, true)
}

// WasSent is the agent's answer "it was sent" to a question about a
// reply: it claims the oldest copy that may be it (OutboxCandidates, not
// a colleague's), or, with none stored, is shown sent without one.
func (e *Engine) WasSent(localID string) error {
	return e.answer(localID, false)
}

func (e *Engine) answer(localID string, again bool) error {
	it, ok, err := e.store.OutboxItem(localID)
	if err != nil {
		return err
	}
	if !ok || it.State != OutboxUncertain || it.Reason != QuestionNotSure {
		return &InputError{"this reply is settled already: nothing to answer"}
	}
	var claim Message
	if !again {
		cands, err := e.store.OutboxCandidates(it, it.Created.Add(-reconcileMargin))
		if err != nil {
			return err
		}
		for _, c := range cands {
			if c.Owner != OwnerOther {
				claim = c.Message
				break
			}
		}
	}
	err = e.store.AnswerOutbox(localID, QuestionNotSure, again, claim, e.cfg.Now())
	if errors.Is(err, ErrNotFound) {
		return &InputError{"this reply is settled already: nothing to answer"}
	}
	if err != nil {
		return err
	}
	e.bus.publish(Changes{Threads: idSet([]string{it.ConversationID}), Conversations: idSet([]string{it.ConversationID}), Outbox: true})
	if again {
		e.log.Info("outbox: the agent says a reply was not sent: sending again", "local_id", localID)
		e.kickOutbox()
	} else {
		e.log.Info("outbox: the agent says a reply was sent", "local_id", localID, "claimed", claim.ID)
	}
	return nil
}

// claimedTokens are the follow-up tokens outbox items already hold: a
// send found while reconciling must not be one of them.
func (e *Engine) claimedTokens() (map[string]bool, error) {
	all, err := e.store.Outbox()
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for _, o := range all {
		if o.FollowUp != "" {
			out[o.FollowUp] = true
		}
	}
	return out, nil
}

// followUp waits for a send the platform accepted to become a message
// (TemplateFollower), checking less often as attempts grow (up to 30 s).
func (e *Engine) followUp(ctx context.Context, it OutboxItem) OutboxItem {
	f, ok := e.be.(TemplateFollower)
	if !ok { // a token kept from another platform's run: look for the message instead
		it.FollowUp, it.State = "", OutboxUncertain
		return e.reconcile(ctx, it)
	}
	m, err := f.FollowUp(ctx, it.FollowUp)
	if err != nil {
		if KindOf(err) == KindNotFound {
			return e.fail(it, "the platform lost this template send; send it again")
		}
		return e.postpone(it, err)
	}
	if m.ID == "" {
		it.Attempts++
		it.NextAttempt = e.cfg.Now().Add(min(2*time.Second*time.Duration(it.Attempts), 30*time.Second))
		if err := e.store.UpdateOutbox(it); err != nil {
			e.log.Error("outbox: following a send", "err", err)
		}
		return it
	}
	return e.complete(it, m)
}

// postpone keeps the item as it is and tries again after a backoff.
func (e *Engine) postpone(it OutboxItem, err error) OutboxItem {
	if KindOf(err) == 0 {
		return it
	}
	it.NextAttempt = e.cfg.Now().Add(backoff(max(it.Attempts, 1), time.Second, e.cfg.MaxBackoff))
	if it.Reason != QuestionNotSure { // the agent is still asked while the platform cannot be read
		it.Reason = Words(err)
	}
	if uerr := e.store.UpdateOutbox(it); uerr != nil {
		e.log.Error("outbox: postponing", "err", uerr)
	}
	return it
}

// ---- drafts ----

// draftSaver keeps drafts behind the typing in two steps. Each change is
// written to the draft journal at once (a file per conversation beside
// the database, no database lock: durable within a write of the
// keystroke even while a sync holds the database — a kill -9 loses at
// most the last few milliseconds of typing), and to the database behind
// it: the first change at once, changes that come while a write is under
// way together by the next one, DraftDelay after it at the earliest, so
// a paste or a burst of any length costs a few writes, not one per key.
// Once the database holds a version its journal file goes. The journal a
// killed process left is folded into the database before the first
// draft is read or written (fold).
type draftSaver struct {
	e       *Engine
	wmu     sync.Mutex // serialises database writes, so an older text never lands after a newer one
	mu      sync.Mutex // guards pending, at, journal, last, running and journaling
	pending map[string]string
	running bool // a writer goroutine is writing or about to

	at         map[string]time.Time // when each pending text was typed: its version
	last       time.Time            // the latest version given (versions only grow)
	jmu        sync.Mutex           // serialises the journal's files (journaling, forgetting, folding, clearing)
	journal    map[string]Draft     // typed, not yet in the journal
	journaling bool                 // a journal goroutine is writing or about to
	folded     sync.Once
}

// SaveDraft records the composer's text for a conversation: journaled at
// once, stored behind the typing. It never blocks on the store.
func (e *Engine) SaveDraft(conversationID, text string) {
	d := &e.drafts
	d.mu.Lock()
	v := e.cfg.Now()
	if !v.After(d.last) {
		v = d.last.Add(time.Nanosecond)
	}
	d.last = v
	if d.at == nil {
		d.at = map[string]time.Time{}
	}
	if d.journal == nil {
		d.journal = map[string]Draft{}
	}
	d.pending[conversationID] = text
	d.at[conversationID] = v
	d.journal[conversationID] = Draft{ConversationID: conversationID, Text: text, Updated: v}
	start, startJournal := !d.running, !d.journaling
	d.running, d.journaling = true, true
	d.mu.Unlock()
	if startJournal {
		go d.runJournal()
	}
	if start {
		go d.run()
	}
}

// runJournal writes the journal until nothing is left to write. It does
// not wait for the fold (fold).
func (d *draftSaver) runJournal() {
	for {
		d.jmu.Lock()
		d.mu.Lock()
		batch := d.journal
		d.journal = nil
		if len(batch) == 0 {
			d.journaling = false
		}
		d.mu.Unlock()
		for _, dr := range batch {
			if err := d.e.store.JournalDraft(dr); err != nil {
				d.e.log.Error("drafts: journaling", "err", err)
			}
		}
		d.jmu.Unlock()
		if len(batch) == 0 {
			return
		}
	}
}

// run writes what is pending to the database until nothing is,
// DraftDelay apart.
func (d *draftSaver) run() {
	for {
		d.flush()
		d.mu.Lock()
		if len(d.pending) == 0 {
			d.running = false
			d.mu.Unlock()
			return
		}
		d.mu.Unlock()
		time.Sleep(d.e.cfg.DraftDelay) // pacing of writes while typing goes on, not a wait for correctness
	}
}

// fold takes the journal a killed process left into the database, once:
// it is set aside (new drafts journal meanwhile, unhindered) and folded.
func (d *draftSaver) fold() {
	d.folded.Do(func() {
		for range 2 { // one set aside by a fold that was cut short, then this one
			d.jmu.Lock()
			taken, err := d.e.store.TakeDraftJournal()
			d.jmu.Unlock()
			if err == nil && taken {
				var n int
				if n, err = d.e.store.FoldDraftJournal(d.resolve); n > 0 {
					d.e.log.Info("drafts: restored from the journal", "drafts", n)
				}
			}
			if err != nil {
				d.e.log.Error("drafts: restoring the journal", "err", err)
			}
			if err != nil || !taken {
				return
			}
		}
	})
}

// resolve is the conversation a draft of id is stored under: a "new:"
// one may have become the platform's meanwhile.
func (d *draftSaver) resolve(id string) string {
	if IsNewConversation(id) {
		if a, c, ok := parseNewConversationID(id); ok {
			if cur, ok, err := d.e.store.ConversationFor(a, c); err == nil && ok {
				return cur.ID
			}
		}
	}
	return id
}

// FlushDrafts writes pending drafts now (on quit, on switching away).
func (e *Engine) FlushDrafts() { e.drafts.flush() }

// Draft returns the saved draft of a conversation, pending changes and
// the journal included. It never waits for the database's writer: the
// journal a killed process left is read as it is and folded behind.
func (e *Engine) Draft(conversationID string) (string, error) {
	d := &e.drafts
	go d.fold()
	d.mu.Lock()
	text, ok := d.pending[conversationID]
	d.mu.Unlock()
	if ok {
		return text, nil
	}
	dr, _, err := e.store.LatestDraft(conversationID)
	return dr.Text, err
}

// clear drops a pending draft and runs write (which clears the stored
// one) with no draft write in between; its journal file goes after.
func (d *draftSaver) clear(conversationID string, write func() error) error {
	d.fold()
	d.wmu.Lock()
	defer d.wmu.Unlock()
	d.jmu.Lock()
	defer d.jmu.Unlock()
	d.mu.Lock()
	delete(d.pending, conversationID)
	delete(d.at, conversationID)
	delete(d.journal, conversationID)
	d.mu.Unlock()
	if err := write(); err != nil {
		return err
	}
	// Killed before this, the journal file outlives the send: the fold
	// recognises the reply in the outbox and drops it.
	if err := d.e.store.ForgetJournalDraft(conversationID, time.Time{}); err != nil {
		d.e.log.Error("drafts: clearing the journal", "err", err)
	}
	return nil
}

func (d *draftSaver) flush() {
	d.fold()
	d.wmu.Lock()
	defer d.wmu.Unlock()
	d.mu.Lock()
	pending, at := d.pending, d.at
	d.pending, d.at = map[string]string{}, map[string]time.Time{}
	d.mu.Unlock()
	now := d.e.cfg.Now()
	for orig, text := range pending {
		v := at[orig]
		if v.IsZero() {
			v = now
		}
		if err := d.e.store.SaveDraft(Draft{ConversationID: d.resolve(orig), Text: text, Updated: v}); err != nil {
			d.e.log.Error("drafts: saving", "err", err)
			continue
		}
		d.jmu.Lock()
		if err := d.e.store.ForgetJournalDraft(orig, v); err != nil {
			d.e.log.Error("drafts: trimming the journal", "err", err)
		}
		d.jmu.Unlock()
	}
}
