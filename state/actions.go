package state

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Conversation actions: move to a folder (FolderMover) or resolve and
// reopen (Resolver), assign to a user and/or a team, unassign
// (Unassigner).
//
// They are optimistic. The change is written to the store before any
// request, so the list, the views and their counts move at once; then the
// platform is asked, MetaConcurrency conversations at a time, with only
// the fields that differ from what the store holds. When the platform
// says no, the row is put back as it was — unless something changed it
// meanwhile, in which case it is left alone. Whenever the outcome cannot
// be known from here (a request that may have acted although it failed, a
// sync that wrote the row while the request was in flight), the row's
// metadata is marked unknown instead, so that the next sync reads folder
// and assignee from the platform again: the store always converges on the
// platform's truth.

// Change is what to do to conversations: move to a folder and/or assign
// to a user or a team (both only on a UserAndTeamAssigner), or unassign.
// Empty fields are left as they are. On a Resolver, FolderArchive
// resolves and FolderInbox reopens.
type Change struct {
	Folder Folder
	UserID string
	TeamID string
	// Unassign takes the user and the team away (Unassigner). It goes on
	// its own: with nothing else in the Change.
	Unassign bool
}

// ActionResult is the outcome of a Change for one conversation.
type ActionResult struct {
	ConversationID string
	Label          string // the contact's name or number, for messages
	// Err is nil on success (including when there was nothing to change);
	// otherwise a *BackendError, an *InputError (the change is not allowed
	// for this conversation), or, rarely, a store or context error.
	Err error
}

// Reason says in words why the action failed ("" when it did not).
func (r ActionResult) Reason() string {
	if r.Err == nil {
		return ""
	}
	return actionWords(r.Err)
}

// Progress reports how far a bulk action is: done of total. Apply calls it
// once per conversation as each one is settled, one call at a time (from
// Apply's goroutines), the last with done == total; it must not block.
type Progress func(done, total int)

// metaMe is the store's meta key of the current user's id.
const metaMe = "session.me"

// SetMe records who the current user is (the platform has no "me"
// endpoint: main takes it from the login token). It is kept in the
// store's meta table, which serialises access, so that it is also known
// at the next start before any login.
func (e *Engine) SetMe(userID string) {
	if err := e.store.SetMeta(metaMe, userID); err != nil {
		e.log.Error("actions: recording the current user", "err", err)
	}
	e.mu.Lock()
	e.me, e.meRead = userID, true
	e.mu.Unlock()
}

// Me returns the current user's id, "" when unknown. "Assign to me" and
// the Mine view use it; callers must treat "" as "no Mine view" (an
// empty View.UserID selects everyone's conversations). The store is read
// once; after that it is a field (the UI asks on every key).
func (e *Engine) Me() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.meRead {
		id, err := e.store.GetMeta(metaMe)
		if err != nil {
			e.log.Error("actions: reading the current user", "err", err)
			return ""
		}
		e.me, e.meRead = id, true
	}
	return e.me
}

// Assignees returns who may take a conversation of the account: the
// users who work in it (User.WorksIn) and the teams serving it
// (Team.Serves: its own and the global ones), each sorted by name, for
// the assignment picker. The rule is the platform's data: each adapter
// fills User.AccountIDs and Team.AccountIDs as its platform links them.
func (e *Engine) Assignees(accountID string) ([]User, []Team, error) {
	users, err := e.store.Users()
	if err != nil {
		return nil, nil, err
	}
	teams, err := e.store.Teams()
	if err != nil {
		return nil, nil, err
	}
	users = slices.DeleteFunc(users, func(u User) bool { return !u.WorksIn(accountID) })
	teams = slices.DeleteFunc(teams, func(t Team) bool { return !t.Serves(accountID) })
	slices.SortStableFunc(users, func(a, b User) int { return compareNames(a.Name(), b.Name()) })
	slices.SortStableFunc(teams, func(a, b Team) int { return compareNames(a.Name, b.Name) })
	return users, teams, nil
}

func compareNames(a, b string) int {
	return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
}

// Apply changes conversations. For each id, in order: the change is
// checked against the conversation's account (a user must work in it, a
// team must serve it), written to the store at once and published; then,
// at most MetaConcurrency at a time, the platform is sent what differs
// from the stored state (nothing at all when nothing differs). A failure
// puts that conversation back as it was and is reported in its result;
// it never stops or undoes the others. Apply returns one result per id,
// in the order given (a repeated id shares its first result). When ctx
// ends, conversations not yet sent are put back with ctx's error.
func (e *Engine) Apply(ctx context.Context, ids []string, ch Change, progress Progress) []ActionResult {
	results := make([]ActionResult, len(ids))
	for i, id := range ids {
		results[i].ConversationID = id
	}
	if len(ids) == 0 {
		return results
	}
	e.touch()
	first := map[string]int{} // id → index of its first occurrence
	var todo []int
	for i, id := range ids {
		if _, dup := first[id]; !dup {
			first[id] = i
			todo = append(todo, i)
		}
	}

	var pmu sync.Mutex
	done := 0
	settled := func(n int) {
		if progress == nil {
			return
		}
		pmu.Lock()
		defer pmu.Unlock()
		done += n
		progress(min(done, len(ids)), len(ids))
	}
	finish := func() []ActionResult {
		for i, id := range ids {
			if j := first[id]; j != i {
				results[i] = results[j]
				settled(1)
			}
		}
		return results
	}

	err := e.checkChange(ch)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		for _, i := range todo {
			results[i].Err = err
			results[i].Label = e.label(ids[i])
		}
		settled(len(todo))
		return finish()
	}
	ref, err := e.loadRefs()
	if err != nil { // the store failed: nothing was written
		for _, i := range todo {
			results[i].Err = err
			results[i].Label = e.label(ids[i])
		}
		settled(len(todo))
		return finish()
	}

	// Optimistic writes, all before the first request.
	var sends []*pendingAction
	var written []string
	for _, i := range todo {
		p, err := e.prepare(ids[i], ch, ref)
		results[i].Label = p.label
		switch {
		case err != nil:
			results[i].Err = err
			settled(1)
		case !p.sends():
			settled(1) // already so: nothing to send
		default:
			p.index = i
			sends = append(sends, p)
			written = append(written, p.id)
		}
	}
	if len(written) > 0 {
		e.bus.publish(Changes{Conversations: idSet(written), List: true})
	}

	// The requests.
	sem := make(chan struct{}, e.cfg.MetaConcurrency)
	var wg sync.WaitGroup
	var fmu sync.Mutex
	forgot := false
	for _, p := range sends {
		acquired := false
		if ctx.Err() == nil {
			select {
			case sem <- struct{}{}:
				acquired = true
			case <-ctx.Done():
			}
		}
		if err := ctx.Err(); err != nil {
			// Never sent: nothing happened on the platform.
			if acquired {
				<-sem
			}
			results[p.index].Err = err
			e.settle(p, err, false)
			settled(1)
			continue
		}
		wg.Go(func() {
			defer func() { <-sem }()
			err := e.push(ctx, p)
			results[p.index].Err = err
			if e.settle(p, err, true) {
				fmu.Lock()
				forgot = true
				fmu.Unlock()
			}
			settled(1)
		})
	}
	wg.Wait()
	if forgot {
		select { // let a running sync read the forgotten metadata soon
		case e.nudge <- struct{}{}:
		default:
		}
	}
	return finish()
}

// pendingAction is one conversation's change between its optimistic write
// and the platform's answer.
type pendingAction struct {
	id, label     string
	index         int              // in the results
	before, after ConversationMeta // the row's folder and assignee before and after the optimistic write
	knownBefore   bool             // MetaKnown before it
	update        ConversationMeta // what the platform is sent
	unassign      bool             // the platform is asked to unassign
	partial       bool             // a first request (Assign) succeeded before a later one failed
}

// sends reports whether the platform has to be asked anything.
func (p *pendingAction) sends() bool { return p.unassign || p.update != (ConversationMeta{}) }

// push asks the platform for one conversation's change: in one request
// on a FolderMover; otherwise the assignee (Assign), then the folder as
// resolve or reopen (Resolver). Unassigning is a request of its own.
func (e *Engine) push(ctx context.Context, p *pendingAction) error {
	if p.unassign {
		u, ok := e.be.(Unassigner)
		if !ok {
			return e.errNoCapability("take a conversation's assignee away")
		}
		return u.Unassign(ctx, p.id)
	}
	if fm, ok := e.be.(FolderMover); ok {
		return fm.UpdateConversation(ctx, p.id, p.update)
	}
	if p.update.UserID != "" || p.update.TeamID != "" {
		if err := e.be.Assign(ctx, p.id, Assignment{UserID: p.update.UserID, TeamID: p.update.TeamID}); err != nil {
			return err
		}
		p.partial = p.update.Folder != "" // a failure from here on leaves the assignment made
	}
	switch r, ok := e.be.(Resolver); {
	case p.update.Folder == "":
	case !ok:
		return e.errNoCapability("file conversations in folders")
	case p.update.Folder == FolderArchive:
		return r.Resolve(ctx, p.id)
	case p.update.Folder == FolderInbox:
		return r.Reopen(ctx, p.id)
	default:
		return e.errNoCapability("mark conversations as spam")
	}
	return nil
}

// actionRefs is the reference data a change is checked against.
type actionRefs struct {
	users    map[string]User
	teams    map[string]Team
	accounts map[string]string // id → name
}

func (e *Engine) loadRefs() (actionRefs, error) {
	r := actionRefs{users: map[string]User{}, teams: map[string]Team{}, accounts: map[string]string{}}
	users, err := e.store.Users()
	if err != nil {
		return r, err
	}
	teams, err := e.store.Teams()
	if err != nil {
		return r, err
	}
	accounts, err := e.store.Accounts()
	if err != nil {
		return r, err
	}
	for _, u := range users {
		r.users[u.ID] = u
	}
	for _, t := range teams {
		r.teams[t.ID] = t
	}
	for _, a := range accounts {
		r.accounts[a.ID] = a.Name
	}
	return r, nil
}

func (r actionRefs) account(id string) string {
	if name := strings.TrimSpace(r.accounts[id]); name != "" {
		return name
	}
	return "this conversation's account"
}

// checkChange refuses a change that is wrong whatever the conversation,
// or that the platform cannot make.
func (e *Engine) checkChange(ch Change) error {
	caps := e.Capabilities()
	switch {
	case ch.Unassign && (ch.UserID != "" || ch.TeamID != ""):
		return &InputError{"assign or unassign, not both: choose one"}
	case ch.Unassign && ch.Folder != "":
		return &InputError{"unassign on its own, then move the conversation"}
	case ch.Unassign && !caps.Unassign:
		return e.errNoCapability("take a conversation's assignee away: assign it to someone else")
	case ch.UserID != "" && ch.TeamID != "" && !caps.UserAndTeam:
		return &InputError{"a conversation is assigned to a person or to a team, not both: choose one"}
	case ch.Folder != "" && !ch.Folder.Valid():
		return &InputError{fmt.Sprintf("%q is not a folder: choose inbox, archive or spam", truncateRunes(string(ch.Folder), 19))}
	case ch == Change{}:
		return &InputError{"nothing to change: choose a folder or someone to assign to"}
	case ch.Folder == "" || caps.Folders:
	case !caps.Resolve:
		return e.errNoCapability("file conversations in folders")
	case ch.Folder == FolderSpam:
		return e.errNoCapability("mark conversations as spam")
	}
	return nil
}

// checkAssignee refuses an assignee the platform would refuse for this
// conversation's account.
func (r actionRefs) checkAssignee(conv Conversation, ch Change) error {
	if ch.UserID != "" {
		u, ok := r.users[ch.UserID]
		if !ok {
			return &InputError{"this person is not in mbx's list of users yet: wait for the next sync and try again"}
		}
		if !u.WorksIn(conv.AccountID) {
			return &InputError{fmt.Sprintf("%s does not work in %s", userName(u), r.account(conv.AccountID))}
		}
	}
	if ch.TeamID != "" {
		t, ok := r.teams[ch.TeamID]
		if !ok {
			return &InputError{"this team is not in mbx's list of teams yet: wait for the next sync and try again"}
		}
		if !t.Serves(conv.AccountID) {
			return &InputError{fmt.Sprintf("team %s does not work in %s", t.Name, r.account(conv.AccountID))}
		}
	}
	return nil
}

func userName(u User) string {
	if n := u.Name(); n != "" {
		return n
	}
	return "this person"
}

func (e *Engine) label(id string) string {
	if c, ok, err := e.store.Conversation(id); err == nil && ok {
		return convLabel(c)
	}
	if _, contactID, ok := parseNewConversationID(id); ok {
		if c, ok, err := e.store.Contact(contactID); err == nil && ok && strings.TrimSpace(c.Label()) != "" {
			return c.Label()
		}
	}
	return id
}

func convLabel(c Conversation) string {
	if l := strings.TrimSpace(c.Label()); l != "" {
		return l
	}
	return c.ID
}

func metaOf(c Conversation) ConversationMeta {
	return ConversationMeta{Folder: c.Folder, UserID: c.UserID, TeamID: c.TeamID}
}

// prepare checks the change against one conversation and writes it to the
// store. A zero update means there is nothing to send (and nothing was
// written).
func (e *Engine) prepare(id string, ch Change, ref actionRefs) (*pendingAction, error) {
	p := &pendingAction{id: id, label: id}
	keepsBoth := e.Capabilities().UserAndTeam
	if IsNewConversation(id) {
		p.label = e.label(id)
		return p, &InputError{"this conversation starts when " + e.platformName() + " accepts its first template; assign or move it after that"}
	}
	// Compare-and-swap: a sync writing the row between the read and the
	// write makes the swap fail, and the change is worked out again.
	for range 5 {
		conv, ok, err := e.store.Conversation(id)
		if err != nil {
			return p, err
		}
		if !ok {
			return p, &InputError{"this conversation is not in mbx yet: wait for the next sync and try again"}
		}
		p.label = convLabel(conv)
		if err := ref.checkAssignee(conv, ch); err != nil {
			return p, err
		}
		p.before, p.knownBefore = metaOf(conv), conv.MetaKnown
		p.after, p.update, p.unassign = p.before, ConversationMeta{}, false
		if ch.Folder != "" {
			p.after.Folder = ch.Folder
		}
		switch {
		case ch.Unassign:
			p.after.UserID, p.after.TeamID = "", ""
			// Unknown metadata may hide an assignee: ask anyway.
			p.unassign = !conv.MetaKnown || conv.UserID != "" || conv.TeamID != ""
		case ch.UserID != "" && ch.TeamID != "":
			p.after.UserID, p.after.TeamID = ch.UserID, ch.TeamID
		case ch.UserID != "" && keepsBoth:
			p.after.UserID = ch.UserID
		case ch.TeamID != "" && keepsBoth:
			p.after.TeamID = ch.TeamID
		case ch.UserID != "":
			p.after.UserID, p.after.TeamID = ch.UserID, ""
		case ch.TeamID != "":
			p.after.UserID, p.after.TeamID = "", ch.TeamID
		}
		if ch.Unassign {
			// nothing else in the change (checkChange)
		} else if !conv.MetaKnown {
			// What the store holds is a guess (folder inbox, unassigned):
			// send the whole change, not a difference from the guess.
			p.update = ConversationMeta{Folder: ch.Folder, UserID: ch.UserID, TeamID: ch.TeamID}
		} else {
			if ch.Folder != "" && ch.Folder != conv.Folder {
				p.update.Folder = ch.Folder
			}
			if ch.UserID != "" && ch.UserID != conv.UserID {
				p.update.UserID = ch.UserID
			}
			if ch.TeamID != "" && ch.TeamID != conv.TeamID {
				p.update.TeamID = ch.TeamID
			}
		}
		if !p.sends() {
			return p, nil
		}
		swapped, err := e.store.SwapConversationMeta(id, p.before, p.after, false)
		if err != nil || swapped {
			return p, err
		}
	}
	return p, errors.New("the conversation kept changing while being updated; try again")
}

// settle takes the platform's answer for one conversation (sent: the
// request left). On a definite failure the row is put back exactly as it
// was, if it still holds the optimistic write. Where the outcome cannot
// be known from here — the request may have acted, or something wrote
// the row while it was in flight — the metadata is marked unknown so that
// the next sync reads it from the platform. It reports whether it did so.
func (e *Engine) settle(p *pendingAction, err error, sent bool) (forgot bool) {
	changes := Changes{Conversations: idSet([]string{p.id})}
	defer func() { e.bus.publish(changes) }()
	if err == nil {
		c, ok, serr := e.store.Conversation(p.id)
		if serr != nil {
			e.log.Error("actions: reading a conversation", "id", p.id, "err", serr)
		}
		if ok && metaOf(c) == p.after {
			changes = Changes{} // the store holds what the platform now has
			return false
		}
	} else {
		// Put back what the agent saw before; if the request may have
		// acted, also have it read again.
		uncertain := sent && (mayHaveActed(err) || p.partial)
		swapped, serr := e.store.SwapConversationMeta(p.id, p.after, p.before, uncertain || !p.knownBefore)
		if serr != nil {
			e.log.Error("actions: putting a conversation back", "id", p.id, "err", serr)
		}
		if swapped {
			changes.List = true
			return uncertain
		}
	}
	// The row was written by someone else while the request was in
	// flight (a sync, another action): which is newer cannot be told.
	if ferr := e.store.ForgetConversationMeta(p.id); ferr != nil {
		e.log.Error("actions: marking a conversation for a re-read", "id", p.id, "err", ferr)
	}
	return true
}

// mayHaveActed reports whether a failed request may still have changed
// the conversation on the platform. A PUT is repeatable, so the client
// reports a server error or a lost answer as temporary; for an optimistic
// write that is still a request whose effect is unknown.
func mayHaveActed(err error) bool {
	switch KindOf(err) {
	case KindRefused, KindNotFound, KindAuth, KindConflict, KindWindowClosed:
		return false
	}
	return true
}

// actionWords is why an action failed, in words: unlike Words, which
// speaks of syncing and sending, it tells the agent to try again.
func actionWords(err error) string {
	var ie *InputError
	if errors.As(err, &ie) {
		return ie.Msg
	}
	var be *BackendError
	if !errors.As(err, &be) {
		switch {
		case errors.Is(err, context.Canceled):
			return "cancelled"
		case errors.Is(err, context.DeadlineExceeded):
			return "the platform did not answer in time; try again"
		}
		return err.Error()
	}
	switch be.Kind {
	case KindTemporary:
		if be.RetryAfter > 0 {
			return "the platform asked us to slow down; try again in " + FormatDuration(be.RetryAfter)
		}
		if be.Message != "" { // it answered, with an error
			return "the platform had a problem; try again"
		}
		return "could not reach the platform; try again"
	case KindAmbiguous:
		return "no answer from the platform; try again"
	case KindNotFound:
		return "the platform has no such conversation for you"
	case KindRefused:
		msg := strings.TrimSpace(be.Message)
		if msg == "" && be.Err != nil {
			msg = be.Err.Error()
		}
		return "refused by the platform: " + truncateRunes(msg, 119)
	}
	return Words(err)
}

// maxListed is how many failures Summary names.
const maxListed = 3

// Summary turns the results of a Change into one sentence for a flash
// message: "41 assigned to team Head Office, 2 failed: Ana Lima (team
// Head Office does not work in Contract), +447700900123 (…)", or with one
// reason for all "…, 2 failed: Ana Lima, Bo (reason)"; "Archived
// Ana Lima"; "Could not mark Ana Lima as spam: …". assignee is the name
// of the user or team assigned to, as the agent knows them ("me" reads
// well too). At most three failures are named, then "and N more"; when
// they all failed for one reason it is given once.
func Summary(results []ActionResult, ch Change, assignee string) string {
	return SummaryAs(results, ch, assignee, false)
}

// SummaryAs is Summary with a move worded as a Resolver makes it when
// resolve is set: "Resolved Ana Lima", "Undone: reopened Ana Lima".
func SummaryAs(results []ActionResult, ch Change, assignee string, resolve bool) string {
	if len(results) == 0 {
		return "Nothing to change"
	}
	ph := phrasesFor(ch, assignee, resolve)
	var failed []ActionResult
	for _, r := range results {
		if r.Err != nil {
			failed = append(failed, r)
		}
	}
	ok := len(results) - len(failed)
	if len(results) == 1 {
		label := resultLabel(results[0])
		if ok == 1 {
			return upperFirst(ph.sentence(true, label))
		}
		return "Could not " + ph.sentence(false, label) + ": " + failed[0].Reason()
	}
	var b strings.Builder
	if ok > 0 {
		fmt.Fprintf(&b, "%d %s", ok, ph.bare(true))
		if len(failed) == 0 {
			return b.String()
		}
		fmt.Fprintf(&b, ", %d failed", len(failed))
	} else {
		b.WriteString("Could not " + ph.sentence(false, fmt.Sprintf("%d conversations", len(failed))))
	}
	reason := failed[0].Reason()
	shared := true
	for _, f := range failed[1:] {
		shared = shared && f.Reason() == reason
	}
	// Names first: a status bar may cut the end of the sentence.
	b.WriteString(": ")
	for i, f := range failed[:min(len(failed), maxListed)] {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(resultLabel(f))
		if !shared {
			b.WriteString(" (" + f.Reason() + ")")
		}
	}
	if n := len(failed) - maxListed; n > 0 {
		fmt.Fprintf(&b, " and %d more", n)
	}
	if shared {
		b.WriteString(" (" + reason + ")")
	}
	return b.String()
}

// maxLabel is the longest label Summary writes, in characters.
const maxLabel = 32

func resultLabel(r ActionResult) string {
	l := strings.TrimSpace(r.Label)
	if l == "" {
		l = r.ConversationID
	}
	return truncateRunes(l, maxLabel-1)
}

// changePhrase is one part of a change in words: "archived", or "assigned" …
// "to team Head Office".
type changePhrase struct{ past, verb, tail string }

type changePhrases []changePhrase

func phrasesOf(ch Change, assignee string) changePhrases {
	var ps changePhrases
	switch ch.Folder {
	case FolderArchive:
		ps = append(ps, changePhrase{"archived", "archive", ""})
	case FolderSpam:
		ps = append(ps, changePhrase{"marked", "mark", "as spam"})
	case FolderInbox:
		ps = append(ps, changePhrase{"moved", "move", "to inbox"})
	case "":
	default:
		ps = append(ps, changePhrase{"moved", "move", "to " + string(ch.Folder)})
	}
	name := strings.TrimSpace(assignee)
	switch {
	case ch.Unassign:
		ps = append(ps, changePhrase{"unassigned", "unassign", ""})
	case ch.UserID != "" && ch.TeamID != "":
		if name == "" {
			name = ch.UserID
		}
		ps = append(ps, changePhrase{"assigned", "assign", "to " + name})
	case ch.UserID != "":
		if name == "" {
			name = ch.UserID
		}
		ps = append(ps, changePhrase{"assigned", "assign", "to " + name})
	case ch.TeamID != "":
		if name == "" {
			name = ch.TeamID
		}
		ps = append(ps, changePhrase{"assigned", "assign", "to team " + name})
	}
	if len(ps) == 0 {
		ps = append(ps, changePhrase{"changed", "change", ""})
	}
	return ps
}

// bare is the change without an object: "archived and assigned to Ana".
func (ps changePhrases) bare(past bool) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = joinWords(p.form(past), p.tail)
	}
	return strings.Join(parts, " and ")
}

// sentence is the change with its object after the first verb: "archived
// Ana Lima and assigned to team Head Office".
func (ps changePhrases) sentence(past bool, object string) string {
	s := joinWords(ps[0].form(past), object, ps[0].tail)
	if len(ps) > 1 {
		s += " and " + ps[1:].bare(past)
	}
	return s
}

func (p changePhrase) form(past bool) string {
	if past {
		return p.past
	}
	return p.verb
}

func joinWords(words ...string) string {
	return strings.Join(slices.DeleteFunc(words, func(w string) bool { return w == "" }), " ")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
