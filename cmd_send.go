package main

// The scripting commands that act on conversations: mbx send and mbx
// assign. They go through the same state core as the inbox (the store,
// its outbox and Engine.Apply), one account at a time.
//
// Exit codes (usage, README "Scripting"):
//
//	0  done: the reply is on the platform (its message id printed), the
//	   assignment made, the outbox flushed
//	1  failed: the platform refused it, it could not be reached for an
//	   action that cannot wait (assign), or the store failed; not sent
//	2  wrong usage: flags, an unknown conversation or template, a closed
//	   24-hour window for free text, a capability the platform lacks
//	3  queued, not sent yet (the platform could not be reached): it stays
//	   in the account's outbox, and the inbox or the next mbx send sends
//	   it, exactly once

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/adrg/xdg"

	"github.com/mbx-inbox/mbx/state"
)

// Exit codes of the scripting commands.
const (
	exitDone   = 0
	exitFailed = 1
	exitUsage  = 2
	exitQueued = 3
)

// script is one account opened for a scripting command: its session and,
// for the commands that need them, its store and sync engine.
type script struct {
	name     string // "mbx send", for messages
	stderr   io.Writer
	sess     *session
	logger   *slog.Logger
	closeLog func()
	store    *state.Store
	engine   *state.Engine
	dbPath   string
	unlock   func() // nil: another process (the inbox) holds the outbox
}

// openScript resolves the account and its session as the inbox does
// (flags, environment, config file; the stored token; MBX_PASSWORD or
// password_cmd), logging in at once when the token is not usable and a
// password source is there. A refused login ends here (exit 1); no
// connection does not.
func openScript(ctx context.Context, name string, fl accountFlags, debug bool, stderr io.Writer, e env) (*script, int) {
	cfg, err := loadConfig(configPath())
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return nil, exitUsage
	}
	secrets := &secretSet{}
	tokens := newTokenStore(e.keyring, e.keyringTimeout, secrets)
	logger, closeLog := openLog(debug, stderr, secrets)
	sess, code := openSession(cfg, fl, os.Getenv, tokens, e, logger, secrets, stderr)
	if sess == nil {
		closeLog()
		return nil, code
	}
	s := &script{name: name, stderr: stderr, sess: sess, logger: logger, closeLog: closeLog}
	if !sess.stored.tok.usable(time.Now()) && sess.hasPassword() {
		if err := sess.conn().Login(ctx); err != nil {
			if sess.conn().LoginRequired(err) {
				fmt.Fprintf(stderr, "%s: %s (the password came from %s)\n", name, loginWords(sess.acc, err), sess.passwordSource())
				closeLog()
				return nil, exitFailed
			}
			logger.Warn("starting offline", "err", err)
		}
	}
	return s, exitDone
}

// openStore opens the account's store and an engine over it, and tries
// the outbox lock: while the inbox (or another mbx command) has it, that
// process syncs the store and sends its replies, and this one only
// queues them (s.owner false).
func (s *script) openStore() int {
	db, err := xdg.StateFile(storeFile(s.sess.acc.Name))
	if err != nil {
		fmt.Fprintf(s.stderr, "%s: cannot create the data directory: %v\n", s.name, err)
		return exitFailed
	}
	s.dbPath = db
	if !s.owner() {
		s.logger.Info("the outbox is another process's: queueing only", "account", s.sess.acc.Name)
	}
	if s.store, err = state.Open(db); err != nil {
		fmt.Fprintf(s.stderr, "%s: %v\n", s.name, err)
		return exitFailed
	}
	c := s.sess.conn()
	s.engine = state.NewEngine(s.store, c.Backend(), state.Config{Logger: s.logger,
		HistoryDays: s.sess.acc.Sync.HistoryDays, Poll: s.sess.acc.Sync.PollInterval})
	if err := s.engine.SetConfiguredUser(s.sess.acc.UserID); err != nil {
		fmt.Fprintf(s.stderr, "%s: %v\n", s.name, err)
		return exitUsage
	}
	if me := c.UserID(); me != "" {
		s.engine.SetMe(me)
	}
	return exitDone
}

// sync brings the store up to date (one round, at most d); offline is
// said and logged, not fatal: the store's knowledge is used.
func (s *script) sync(ctx context.Context, d time.Duration) (online bool) {
	sctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	if err := s.engine.SyncOnce(sctx); err != nil {
		s.logger.Info("sync failed", "err", err)
		fmt.Fprintf(s.stderr, "%s: offline (%s): using what the local store knows\n", s.name, state.SanitizeLine(state.Cause(err)))
		return false
	}
	return true
}

// openSynced is openScript, then the account's store and engine, brought
// up to date (at most syncFor). nil: it said why; exit with the code.
func openSynced(ctx context.Context, name string, fl accountFlags, debug bool, syncFor time.Duration, stderr io.Writer, e env) (*script, int) {
	s, code := openScript(ctx, name, fl, debug, stderr, e)
	if s == nil {
		return nil, code
	}
	if code := s.openStore(); code != exitDone {
		s.close()
		return nil, code
	}
	if s.owner() {
		s.sync(ctx, syncFor) // else the inbox keeps the store up to date
	}
	return s, exitDone
}

// owner reports whether this process holds the outbox lock, taking it
// if it is free now.
func (s *script) owner() bool {
	if s.unlock != nil {
		return true
	}
	release, ok, err := lockOutbox(s.dbPath, holderCommand)
	if err != nil {
		s.logger.Warn("outbox lock", "err", err)
	}
	if ok {
		s.unlock = release
	}
	return ok
}

// letGo lets the outbox lock go, if this process holds it.
func (s *script) letGo() {
	if s.unlock != nil {
		s.unlock()
		s.unlock = nil
	}
}

// Who holds the outbox lock, as written in its file.
const (
	holderInbox   = "inbox"
	holderCommand = "command"
)

// takeOutbox is the inbox's outbox lock: an mbx command holds it only
// while it syncs or sends, so the inbox waits for it up to d; another
// inbox on the account holds it all along, and the inbox opens all the
// same at once. release is never nil.
func takeOutbox(ctx context.Context, dbPath string, d time.Duration, logger *slog.Logger, stderr io.Writer) (release func()) {
	start := time.Now()
	deadline, said := start.Add(d), false
	for {
		release, ok, err := lockOutbox(dbPath, holderInbox)
		switch {
		case err != nil:
			logger.Warn("outbox lock", "err", err)
			return func() {}
		case ok:
			return release
		case ctx.Err() != nil || time.Now().After(deadline) || outboxHolder(dbPath) == holderInbox:
			logger.Warn("another process holds the outbox (another inbox on this account?): opening all the same")
			return func() {}
		}
		if !said && time.Since(start) > 300*time.Millisecond {
			// Before the inbox draws: a plain line says why it waits.
			fmt.Fprintf(stderr, "mbx: waiting for an mbx command that is sending this account's replies (up to %s)…\n", d.Round(time.Second))
			said = true
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *script) close() {
	if s.engine != nil {
		s.engine.FlushDrafts()
	}
	if s.store != nil {
		s.store.Close()
	}
	s.letGo()
	s.closeLog()
}

// scriptFlagSet is accountFlagSet with the flags every scripting command
// takes besides: --json.
func scriptFlagSet(name string, stderr io.Writer) (*flag.FlagSet, *accountFlags, *bool, *bool) {
	fs, fl, debug := accountFlagSet(name, stderr, true)
	asJSON := fs.Bool("json", false, "print JSON lines instead of words")
	return fs, fl, debug, asJSON
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// runSend is mbx send: a reply or a template to one conversation through
// the account's outbox, or (--flush) the replies queued earlier.
func runSend(ctx context.Context, args []string, stdout, stderr io.Writer, e env) int {
	fs, fl, debug, asJSON := scriptFlagSet("mbx send", stderr)
	to := fs.String("to", "", "the `conversation` id, or the customer's number in E.164 (+4915…)")
	text := fs.String("text", "", "the reply's `text` (free text: only while the 24-hour window is open)")
	tplName := fs.String("template", "", "send the approved template `NAME` instead of text")
	lang := fs.String("lang", "", "the template's `language` (e.g. en_GB) when it has several")
	var params stringList
	fs.Var(&params, "param", "a template placeholder's `value`, in order: {{1}}, {{2}}, … (repeat the flag)")
	wait := fs.Duration("wait", 0, "wait up to this `duration` for the platform to have it (0: return at once; exit 3 if still queued)")
	flush := fs.Bool("flush", false, "send the replies queued earlier (no --to needed)")
	syncFor := fs.Duration("sync-timeout", 20*time.Second, "at most this `duration` to bring the local store up to date first")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	switch {
	case *to == "" && !*flush:
		fmt.Fprintln(stderr, "mbx send: say where: --to CONVERSATION_ID or --to +NUMBER (or --flush to send what is queued)")
		return exitUsage
	case *to != "" && *text == "" && *tplName == "":
		fmt.Fprintln(stderr, "mbx send: say what: --text '…' or --template NAME [--param VALUE …]")
		return exitUsage
	case *text != "" && *tplName != "":
		fmt.Fprintln(stderr, "mbx send: give --text or --template, not both")
		return exitUsage
	case *tplName == "" && (len(params) > 0 || *lang != ""):
		fmt.Fprintln(stderr, "mbx send: --param and --lang go with --template NAME")
		return exitUsage
	case *wait < 0:
		fmt.Fprintln(stderr, "mbx send: --wait takes a duration of 0 or more (e.g. --wait 30s)")
		return exitUsage
	}
	s, code := openSynced(ctx, "mbx send", *fl, *debug, *syncFor, stderr, e)
	if s == nil {
		return code
	}
	defer s.close()
	// A command run is an attempt now: replies held back by an earlier
	// failure's backoff are due at once (they would hold this one back).
	if s.owner() {
		s.engine.LoggedIn()
	}
	if *to == "" {
		return s.flush(ctx, stdout, *wait, *asJSON)
	}

	conv, code := s.target(*to, *tplName != "")
	if code != exitDone {
		return code
	}
	var it state.OutboxItem
	var err error
	if *tplName != "" {
		tpl, values, code := s.template(conv, *tplName, *lang, params)
		if code != exitDone {
			return code
		}
		it, err = s.engine.SendTemplate(conv, tpl, values)
	} else {
		it, err = s.engine.Send(conv.ID, *text)
	}
	var inErr *state.InputError
	switch {
	case errors.Is(err, state.ErrWindowClosed):
		fmt.Fprintf(stderr, "mbx send: not sent: %v: send a template: --template NAME [--param VALUE …]\n", err)
		return exitUsage
	case errors.As(err, &inErr):
		fmt.Fprintf(stderr, "mbx send: not sent: %s\n", state.SanitizeLine(inErr.Msg))
		return exitUsage
	case err != nil:
		fmt.Fprintf(stderr, "mbx send: not sent: %s\n", state.SanitizeLine(err.Error()))
		return exitFailed
	}
	s.logger.Info("mbx send: queued", "local_id", it.LocalID, "conversation", it.ConversationID)
	s.sendPending(ctx, *wait, func() bool {
		cur, ok, err := s.store.OutboxItem(it.LocalID)
		return err != nil || !ok || settled(cur.State)
	})
	cur, _, err := s.store.OutboxItem(it.LocalID)
	if err != nil {
		fmt.Fprintf(stderr, "mbx send: %v\n", err)
		return exitFailed
	}
	return report(stdout, stderr, cur, *asJSON, !s.owner())
}

// settled: the item will not be sent (again) by any outbox pass.
func settled(st state.OutboxState) bool {
	return st == state.OutboxSent || st == state.OutboxFailed || st == state.OutboxReplaced
}

// sendPending makes outbox passes until done says so or wait is over (one
// pass with wait 0), sleeping until the next item is due. While another
// process holds the outbox it only watches the store (that process
// sends), and takes the outbox over if it is let go.
func (s *script) sendPending(ctx context.Context, wait time.Duration, done func() bool) {
	deadline := time.Now().Add(wait)
	for {
		var next time.Time
		owner := s.owner()
		if owner {
			next = s.engine.SendPending(ctx)
		}
		if done() || ctx.Err() != nil {
			return
		}
		now := time.Now()
		if !now.Before(deadline) {
			return
		}
		pause := time.Second
		if !owner {
			pause = 200 * time.Millisecond
		}
		if !next.IsZero() {
			pause = max(10*time.Millisecond, next.Sub(now))
		}
		pause = min(pause, deadline.Sub(now))
		s.letGo() // nothing in flight: an inbox starting meanwhile takes the outbox over
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
	}
}

// sendResult is one --json line of mbx send.
type sendResult struct {
	State          string `json:"state"` // sent, queued, uncertain, failed
	LocalID        string `json:"local_id"`
	ConversationID string `json:"conversation_id"`
	MessageID      string `json:"message_id,omitempty"`
	Reason         string `json:"reason,omitempty"`
}

// report prints where a reply stands and returns its exit code.
// held says another process holds the account's outbox.
func report(stdout, stderr io.Writer, it state.OutboxItem, asJSON, held bool) int {
	r := sendResult{State: string(it.State), LocalID: it.LocalID, ConversationID: state.SanitizeLine(it.ConversationID),
		MessageID: state.SanitizeLine(it.ServerID), Reason: state.SanitizeLine(it.Reason)}
	code := exitQueued
	switch it.State {
	case state.OutboxSent:
		code = exitDone
	case state.OutboxFailed, state.OutboxReplaced:
		code = exitFailed
	case state.OutboxSending:
		r.State = string(state.OutboxUncertain) // a pass ended mid-send: it is looked for before any retry
	case state.OutboxQueued:
		if it.FollowUp != "" {
			r.State = "accepted" // the platform took it; its message is not there yet
		}
	}
	if asJSON {
		b, _ := json.Marshal(r)
		fmt.Fprintf(stdout, "%s\n", b)
	} else {
		switch code {
		case exitDone:
			fmt.Fprintf(stdout, "sent %s\n", r.MessageID)
		case exitFailed:
			fmt.Fprintf(stdout, "failed %s\n", r.LocalID)
		default:
			fmt.Fprintf(stdout, "%s %s\n", r.State, r.LocalID)
		}
	}
	switch code {
	case exitFailed:
		fmt.Fprintf(stderr, "mbx send: not sent: %s\n", r.Reason)
	case exitQueued:
		if r.State == "accepted" {
			fmt.Fprintln(stderr, "mbx send: accepted by the platform, not a message yet; the inbox or the next mbx send follows it (--wait waits for it)")
			break
		}
		why := ""
		if r.Reason != "" {
			why = " (" + r.Reason + ")"
		}
		fmt.Fprintf(stderr, "mbx send: queued, not sent yet%s; the inbox or the next mbx send (mbx send --flush) sends it, exactly once\n", why)
		if held {
			fmt.Fprintln(stderr, "mbx send: the inbox (or another mbx command) is open for this account: it sends it")
		}
	}
	return code
}

// flush is mbx send --flush: outbox passes for the replies queued
// earlier, then one line for each that was unfinished. Exit 0 when none
// is left unfinished, 3 when some are, 1 when one failed.
func (s *script) flush(ctx context.Context, stdout io.Writer, wait time.Duration, asJSON bool) int {
	before, err := s.store.Outbox(state.OutboxQueued, state.OutboxSending, state.OutboxUncertain)
	if err != nil {
		fmt.Fprintf(s.stderr, "mbx send: %v\n", err)
		return exitFailed
	}
	s.sendPending(ctx, wait, func() bool {
		left, err := s.store.Outbox(state.OutboxQueued, state.OutboxSending, state.OutboxUncertain)
		return err != nil || len(left) == 0
	})
	code := exitDone
	for _, old := range before {
		it, ok, err := s.store.OutboxItem(old.LocalID)
		if err != nil || !ok {
			continue
		}
		switch c := report(stdout, s.stderr, it, asJSON, !s.owner()); {
		case c == exitFailed:
			code = exitFailed // failed wins over queued, queued over done
		case c == exitQueued && code == exitDone:
			code = exitQueued
		}
	}
	if len(before) == 0 && !asJSON {
		fmt.Fprintln(stdout, "nothing queued")
	}
	return code
}

// target finds the conversation --to names: its id in the store, or a
// customer's number (E.164). A number whose contact has no conversation
// yet gets a new one for a template.
func (s *script) target(to string, template bool) (state.Conversation, int) {
	if !strings.HasPrefix(strings.TrimSpace(to), "+") {
		conv, ok, err := s.store.Conversation(to)
		switch {
		case err != nil:
			fmt.Fprintf(s.stderr, "%s: %v\n", s.name, err)
			return conv, exitFailed
		case !ok:
			fmt.Fprintf(s.stderr, "%s: no conversation %q in the local store (mbx list shows them; a number starts with +)\n",
				s.name, state.SanitizeLine(to))
			return conv, exitUsage
		}
		return conv, exitDone
	}
	number, err := state.NormalizeNumber(to)
	if err != nil {
		fmt.Fprintf(s.stderr, "%s: --to %s: %v\n", s.name, state.SanitizeLine(to), err)
		return state.Conversation{}, exitUsage
	}
	accounts, err := s.store.Accounts()
	if err != nil {
		fmt.Fprintf(s.stderr, "%s: %v\n", s.name, err)
		return state.Conversation{}, exitFailed
	}
	var found []state.Conversation
	for _, a := range accounts {
		c, ok, err := s.store.ContactByNumber(a.ID, number)
		if err != nil {
			fmt.Fprintf(s.stderr, "%s: %v\n", s.name, err)
			return state.Conversation{}, exitFailed
		}
		if !ok {
			continue
		}
		conv, err := s.engine.StartConversation(c)
		if err != nil {
			fmt.Fprintf(s.stderr, "%s: %v\n", s.name, err)
			return state.Conversation{}, exitFailed
		}
		found = append(found, conv)
	}
	switch {
	case len(found) == 0:
		fmt.Fprintf(s.stderr, "%s: no contact with the number %s in the local store\n", s.name, number)
		return state.Conversation{}, exitUsage
	case len(found) > 1:
		ids := make([]string, len(found))
		for i, c := range found {
			ids[i] = c.ID
		}
		fmt.Fprintf(s.stderr, "%s: %s has conversations in %d accounts: give one of them with --to: %s\n",
			s.name, number, len(found), state.SanitizeLine(strings.Join(ids, " ")))
		return state.Conversation{}, exitUsage
	case state.IsNewConversation(found[0].ID) && !template:
		fmt.Fprintf(s.stderr, "%s: not sent: %s has no conversation yet, so no open window: send a template: --template NAME\n", s.name, number)
		return state.Conversation{}, exitUsage
	}
	return found[0], exitDone
}

// template finds the approved template NAME of the conversation's account
// (in lang, when given) and numbers params as its placeholders' values.
func (s *script) template(conv state.Conversation, name, lang string, params []string) (state.Template, map[int]string, int) {
	tpls, err := s.store.Templates(conv.AccountID)
	if err != nil {
		fmt.Fprintf(s.stderr, "%s: %v\n", s.name, err)
		return state.Template{}, nil, exitFailed
	}
	var match []state.Template
	for _, t := range tpls {
		if strings.EqualFold(t.Name, name) && (lang == "" || strings.EqualFold(t.Language, lang)) {
			match = append(match, t)
		}
	}
	if len(match) > 1 {
		var approved []state.Template
		for _, t := range match {
			if t.Approved() {
				approved = append(approved, t)
			}
		}
		if len(approved) > 0 {
			match = approved
		}
	}
	switch {
	case len(match) == 0:
		fmt.Fprintf(s.stderr, "%s: no template %q for this conversation's account in the local store\n", s.name, state.SanitizeLine(name))
		return state.Template{}, nil, exitUsage
	case len(match) > 1:
		langs := make([]string, len(match))
		for i, t := range match {
			langs[i] = state.SanitizeLine(t.Language)
		}
		fmt.Fprintf(s.stderr, "%s: template %q exists in several languages: add --lang (%s)\n", s.name, state.SanitizeLine(name), strings.Join(langs, ", "))
		return state.Template{}, nil, exitUsage
	}
	tpl := match[0]
	n := 0
	for _, ph := range tpl.Parse().Placeholders {
		n = max(n, ph.Index)
	}
	if len(params) != n {
		fmt.Fprintf(s.stderr, "%s: template %q has %d placeholders: give %d --param (got %d)\n", s.name, state.SanitizeLine(tpl.Name), n, n, len(params))
		return state.Template{}, nil, exitUsage
	}
	values := map[int]string{}
	for i, v := range params {
		values[i+1] = v
	}
	return tpl, values, exitDone
}

// runAssign is mbx assign: one conversation to a user, a team, or nobody,
// through Engine.Apply as the inbox's assign.
func runAssign(ctx context.Context, args []string, stdout, stderr io.Writer, e env) int {
	fs, fl, debug, asJSON := scriptFlagSet("mbx assign", stderr)
	to := fs.String("to", "", "the `conversation` id")
	user := fs.String("user", "", "assign to this user: `NAME` (full or first name), id, or me")
	team := fs.String("team", "", "assign to this team: `NAME` or id")
	none := fs.Bool("none", false, "take the user and the team away (where the platform can)")
	syncFor := fs.Duration("sync-timeout", 20*time.Second, "at most this `duration` to bring the local store up to date first")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	switch {
	case *to == "":
		fmt.Fprintln(stderr, "mbx assign: say which conversation: --to CONVERSATION_ID")
		return exitUsage
	case *none && (*user != "" || *team != ""):
		fmt.Fprintln(stderr, "mbx assign: --none goes alone, without --user or --team")
		return exitUsage
	case !*none && *user == "" && *team == "":
		fmt.Fprintln(stderr, "mbx assign: say to whom: --user NAME|me, --team NAME, or --none")
		return exitUsage
	}
	s, code := openSynced(ctx, "mbx assign", *fl, *debug, *syncFor, stderr, e)
	if s == nil {
		return code
	}
	defer s.close()
	conv, ok, err := s.store.Conversation(*to)
	switch {
	case err != nil:
		fmt.Fprintf(stderr, "mbx assign: %v\n", err)
		return exitFailed
	case !ok:
		fmt.Fprintf(stderr, "mbx assign: no conversation %q in the local store\n", state.SanitizeLine(*to))
		return exitUsage
	}
	caps := s.engine.Capabilities()
	users, teams, err := s.engine.Assignees(conv.AccountID)
	if err != nil {
		fmt.Fprintf(stderr, "mbx assign: %v\n", err)
		return exitFailed
	}
	var ch state.Change
	switch {
	case *none:
		if !caps.Unassign {
			fmt.Fprintf(stderr, "mbx assign: %s cannot unassign a conversation: assign it to someone else instead\n", s.sess.conn().Name())
			return exitUsage
		}
		ch.Unassign = true
	default:
		if *team != "" && *user != "" && !caps.UserAndTeam {
			fmt.Fprintf(stderr, "mbx assign: on %s a conversation has a user or a team, not both: give one of --user and --team\n", s.sess.conn().Name())
			return exitUsage
		}
		if *user != "" {
			if ch.UserID, code = s.findUser(*user, users); code != exitDone {
				return code
			}
		}
		if *team != "" {
			if ch.TeamID, code = s.findTeam(*team, teams); code != exitDone {
				return code
			}
		}
	}
	res := s.engine.Apply(ctx, []string{conv.ID}, ch, nil)[0]
	var inErr *state.InputError
	switch {
	case res.Err == nil:
	case errors.As(res.Err, &inErr):
		fmt.Fprintf(stderr, "mbx assign: not assigned: %s\n", state.SanitizeLine(res.Reason()))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "mbx assign: not assigned: %s\n", state.SanitizeLine(res.Reason()))
		return exitFailed
	}
	now, _, err := s.store.Conversation(conv.ID)
	if err != nil {
		fmt.Fprintf(stderr, "mbx assign: %v\n", err)
		return exitFailed
	}
	if *asJSON {
		b, _ := json.Marshal(struct {
			ConversationID string `json:"conversation_id"`
			UserID         string `json:"user_id"`
			TeamID         string `json:"team_id"`
		}{state.SanitizeLine(now.ID), state.SanitizeLine(now.UserID), state.SanitizeLine(now.TeamID)})
		fmt.Fprintf(stdout, "%s\n", b)
		return exitDone
	}
	userName, teamName := "", ""
	for _, u := range users {
		if u.ID == now.UserID {
			userName = u.Name()
		}
	}
	for _, t := range teams {
		if t.ID == now.TeamID {
			teamName = t.Name
		}
	}
	fmt.Fprintf(stdout, "assigned %s: user %s, team %s\n", state.SanitizeLine(now.ID), orNobody(now.UserID, userName), orNobody(now.TeamID, teamName))
	return exitDone
}

// orNobody is an assignee for the agent: its name and id, or none.
func orNobody(id, name string) string {
	switch {
	case id == "":
		return "none"
	case name == "":
		return state.SanitizeLine(id)
	}
	return state.SanitizeLine(name) + " (" + state.SanitizeLine(id) + ")"
}

// findUser names one of users: me, an id, a full or a first name (case
// folded); several matches are a usage error listing them.
func (s *script) findUser(name string, users []state.User) (string, int) {
	if strings.EqualFold(name, "me") {
		me := s.engine.Me()
		if me == "" {
			fmt.Fprintf(s.stderr, "%s: who you are is not known yet: set user_id under [accounts.%s], or give --user NAME\n", s.name, s.sess.acc.Name)
			return "", exitUsage
		}
		return me, exitDone
	}
	var hits []state.User
	for _, u := range users {
		if u.ID == name {
			return u.ID, exitDone
		}
		if strings.EqualFold(u.Name(), name) || strings.EqualFold(u.FirstName, name) {
			hits = append(hits, u)
		}
	}
	switch len(hits) {
	case 1:
		return hits[0].ID, exitDone
	case 0:
		fmt.Fprintf(s.stderr, "%s: no user %q may take this conversation\n", s.name, state.SanitizeLine(name))
	default:
		var names []string
		for _, u := range hits {
			names = append(names, state.SanitizeLine(u.Name())+" ("+state.SanitizeLine(u.ID)+")")
		}
		fmt.Fprintf(s.stderr, "%s: %q could be %s: give the full name or the id\n", s.name, state.SanitizeLine(name), strings.Join(names, ", "))
	}
	return "", exitUsage
}

// findTeam names one of teams by id or name.
func (s *script) findTeam(name string, teams []state.Team) (string, int) {
	var hits []state.Team
	for _, t := range teams {
		if t.ID == name {
			return t.ID, exitDone
		}
		if strings.EqualFold(t.Name, name) {
			hits = append(hits, t)
		}
	}
	if len(hits) == 1 {
		return hits[0].ID, exitDone
	}
	if len(hits) == 0 {
		fmt.Fprintf(s.stderr, "%s: no team %q may take this conversation\n", s.name, state.SanitizeLine(name))
	} else {
		fmt.Fprintf(s.stderr, "%s: several teams are called %q: give the id\n", s.name, state.SanitizeLine(name))
	}
	return "", exitUsage
}

// watchQueued is the inbox's ear for replies another process queued in
// its store (mbx send while the inbox holds the outbox): every `every` it
// looks at the queued replies and, at the first sight of one due now,
// has the engine sync and send (SyncNow). Its own replies are sent as
// they are queued; seeing one of them costs at most one extra round.
func watchQueued(ctx context.Context, store *state.Store, engine *state.Engine, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	seen := map[string]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		items, err := store.Outbox(state.OutboxQueued)
		if err != nil {
			continue
		}
		kick := false
		now := map[string]bool{}
		for _, it := range items {
			now[it.LocalID] = true
			kick = kick || !seen[it.LocalID] && it.NextAttempt.IsZero() && it.FollowUp == ""
		}
		seen = now
		if kick {
			engine.SyncNow()
		}
	}
}
