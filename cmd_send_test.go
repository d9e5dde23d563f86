package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/adrg/xdg"

	gcsandbox "github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/api/msgboxx/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// scriptRig is a demo sandbox on a loopback address that can go down and
// come back on the same address, and an account "work" logged in to it
// through MBX_PASSWORD.
type scriptRig struct {
	t    *testing.T
	srv  *sandbox.Server
	addr string
	hs   *httptest.Server
	e    env
}

func newScriptRig(t *testing.T) *scriptRig {
	t.Helper()
	setXDG(t)
	r := &scriptRig{t: t, srv: sandbox.New(sandbox.Config{Seed: 1}), e: testEnv(newFakeKeyring())}
	r.up()
	r.addr = r.hs.Listener.Addr().String()
	t.Cleanup(func() { r.down(); r.srv.Close() })
	user, pass := r.srv.Credentials()
	writeConfig(t, "[accounts.work]\nbase_url = \"http://"+r.addr+"\"\nusername = \""+user+"\"\n")
	t.Setenv("MBX_PASSWORD", pass)
	return r
}

// up serves the sandbox (again, on the same address).
func (r *scriptRig) up() {
	r.t.Helper()
	hs := httptest.NewUnstartedServer(r.srv)
	if r.addr != "" {
		ln, err := net.Listen("tcp", r.addr)
		if err != nil {
			r.t.Fatalf("listen again on %s: %v", r.addr, err)
		}
		hs.Listener.Close()
		hs.Listener = ln
	}
	hs.Start()
	r.hs = hs
}

// down stops serving: connections are refused.
func (r *scriptRig) down() {
	if r.hs != nil {
		r.hs.Close()
		r.hs = nil
	}
}

func (r *scriptRig) mbx(args ...string) (int, string, string) {
	r.t.Helper()
	return mbx(r.t, r.e, args...)
}

// conversations picks, from the sandbox's data, a conversation whose
// customer has just written (window open) and one whose window is closed
// with an approved template of its account without placeholders.
func (r *scriptRig) conversations() (open, closed sandbox.SnapshotConversation, tpl sandbox.SnapshotTemplate) {
	r.t.Helper()
	snap := r.srv.Snapshot()
	approved := map[string]sandbox.SnapshotTemplate{}
	for _, tp := range snap.Templates {
		if strings.EqualFold(tp.Status, "approved") && len(state.ParseTemplate(tp.TemplateText, tp.TemplateExample).Placeholders) == 0 {
			approved[tp.APIAccountID] = tp
		}
	}
	for _, c := range snap.Conversations {
		switch {
		case open.ConversationID == "" && c.Folder == "inbox":
			open = c
		case closed.ConversationID == "" && c.LastInbound.Before(snap.Taken.Add(-25*time.Hour)) && approved[c.APIAccountID].TemplateID != "":
			closed, tpl = c, approved[c.APIAccountID]
		}
	}
	if open.ConversationID == "" || closed.ConversationID == "" {
		r.t.Fatal("the demo data has no conversation to write to, or none with a closed window and a template")
	}
	if _, err := r.srv.Receive(open.ContactID, "is my order on its way?"); err != nil {
		r.t.Fatal(err)
	}
	return open, closed, tpl
}

// TestSendScript: mbx send through the account's outbox — sent at once
// when the platform is there (exit 0), queued while it is down (exit 3)
// and sent exactly once by the next mbx send --flush when it is back;
// free text to a closed window is refused (exit 2), a template goes.
func TestSendScript(t *testing.T) {
	r := newScriptRig(t)
	open, closed, tpl := r.conversations()
	number, all := "", ""
	for _, c := range r.srv.Snapshot().Contacts {
		if c.ContactID == open.ContactID {
			number = c.MobileNumber
		}
	}

	type step struct {
		name   string
		down   bool // the server is down for this step
		args   []string
		code   int
		stdout string // a prefix of stdout
		stderr string // in stderr
		body   string // this text on the platform, …
		count  int    // … this many times after the step
	}
	steps := []step{
		{name: "no target", args: []string{"send", "--text", "hi"}, code: 2, stderr: "--to CONVERSATION_ID"},
		{name: "text and template", args: []string{"send", "--to", open.ConversationID, "--text", "a", "--template", "b"}, code: 2, stderr: "not both"},
		{name: "nothing queued syncs the store", args: []string{"send", "--flush"}, code: 0, stdout: "nothing queued"},
		{name: "unknown conversation", args: []string{"send", "--to", "c0ffee", "--text", "hi"}, code: 2, stderr: "no conversation"},
		{name: "closed window refuses text", args: []string{"send", "--to", closed.ConversationID, "--text", "are you there?"},
			code: 2, stderr: "send a template: --template NAME", body: "are you there?", count: 0},
		{name: "sent at once", args: []string{"send", "--to", open.ConversationID, "--text", "Yes, it left today."},
			code: 0, stdout: "sent ", body: "Yes, it left today.", count: 1},
		{name: "by number", args: []string{"send", "--to", number, "--text", "Tracking follows."},
			code: 0, stdout: "sent ", body: "Tracking follows.", count: 1},
		{name: "server down: queued", down: true, args: []string{"send", "--to", open.ConversationID, "--text", "Sorry for the wait!"},
			code: 3, stdout: "queued ", stderr: "mbx send --flush", body: "Sorry for the wait!", count: 0},
		{name: "still down: flush keeps it queued", down: true, args: []string{"send", "--flush"},
			code: 3, stdout: "queued ", body: "Sorry for the wait!", count: 0},
		{name: "back: flush sends it once", args: []string{"send", "--flush"},
			code: 0, stdout: "sent ", body: "Sorry for the wait!", count: 1},
		{name: "flush again sends nothing", args: []string{"send", "--flush"},
			code: 0, stdout: "nothing queued", body: "Sorry for the wait!", count: 1},
		{name: "template params counted", args: []string{"send", "--to", closed.ConversationID, "--template", tpl.Name, "--param", "x"},
			code: 2, stderr: "placeholders"},
		{name: "template to a closed window", args: []string{"send", "--to", closed.ConversationID, "--template", tpl.Name, "--wait", "60s", "--json"},
			code: 0, stdout: `{"state":"sent"`, body: tpl.TemplateText, count: 1},
	}
	for _, s := range steps {
		if s.down {
			r.down()
		} else if r.hs == nil {
			r.up()
		}
		start := time.Now()
		code, out, errOut := r.mbx(s.args...)
		t.Logf("%s: %v", s.name, time.Since(start).Round(time.Millisecond))
		if code != s.code || !strings.HasPrefix(out, s.stdout) || !strings.Contains(errOut, s.stderr) {
			t.Fatalf("%s: mbx %v: exit %d, stdout %q, stderr %q; want exit %d, stdout %q…, stderr with %q",
				s.name, s.args, code, out, errOut, s.code, s.stdout, s.stderr)
		}
		conv := open.ConversationID
		if len(s.args) > 2 && s.args[2] == closed.ConversationID {
			conv = closed.ConversationID
		}
		if s.body != "" {
			if n := r.srv.CountMessages(conv, s.body); n != s.count {
				t.Fatalf("%s: %q is on the platform %d times, want %d", s.name, s.body, n, s.count)
			}
		}
		all += out + errOut
	}
	if tok := storedTokenIn(t, r.e.keyring.(*fakeKeyring), "work"); strings.Contains(all, tok) {
		t.Error("the output holds the stored token")
	}
}

// TestSendScriptJSON: --json prints one line per reply, with the
// platform's message id once sent.
func TestSendScriptJSON(t *testing.T) {
	r := newScriptRig(t)
	open, _, _ := r.conversations()
	code, out, errOut := r.mbx("send", "--to", open.ConversationID, "--text", "On it.", "--json")
	var got sendResult
	if code != 0 || json.Unmarshal([]byte(out), &got) != nil || got.State != "sent" || got.MessageID == "" || got.ConversationID != open.ConversationID {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// TestSendScriptLocked: while the inbox holds the account's outbox, mbx
// send only queues (exit 3) and the open inbox sends it, exactly once,
// without anyone touching a key (watchQueued: its outbox worker had
// nothing to do and waits); the next mbx send finds nothing.
func TestSendScriptLocked(t *testing.T) {
	r := newScriptRig(t)
	open, _, _ := r.conversations()
	if code, _, errOut := r.mbx("send", "--flush"); code != 0 { // the store, synced
		t.Fatalf("flush: exit %d, %q", code, errOut)
	}
	db, err := xdg.StateFile(filepath.Join("mbx", "work.db"))
	if err != nil {
		t.Fatal(err)
	}

	// The inbox: the outbox lock, its engine running and idle, its ear on
	// the store.
	release, ok, err := lockOutbox(db, holderInbox)
	if err != nil || !ok {
		t.Fatalf("lock: %v %v", ok, err)
	}
	user, pass := r.srv.Credentials()
	client, err := msgboxx.New(msgboxx.Config{BaseURL: "http://" + r.addr, Username: user, Password: pass, Application: "mbx/test"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	engine := state.NewEngine(st, msgboxx.NewBackend(client), state.Config{})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = engine.Run(ctx) }()
	deadline := time.Now().Add(30 * time.Second) // ceilings, not measures
	for engine.Status().State != state.Online && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	go watchQueued(ctx, st, engine, 10*time.Millisecond)

	const body = "Queued beside the open inbox."
	code, out, errOut := r.mbx("send", "--to", open.ConversationID, "--text", body)
	if code != 3 || !strings.HasPrefix(out, "queued ") || !strings.Contains(errOut, "is open for this account: it sends it") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	for r.srv.CountMessages(open.ConversationID, body) == 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	st.Close()
	release()
	if n := r.srv.CountMessages(open.ConversationID, body); n != 1 {
		t.Fatalf("the inbox sent it %d times, want 1", n)
	}
	if code, out, errOut := r.mbx("send", "--flush"); code != 0 || out != "nothing queued\n" {
		t.Fatalf("flush after the inbox: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if n := r.srv.CountMessages(open.ConversationID, body); n != 1 {
		t.Fatalf("on the platform %d times, want 1", n)
	}
}

// TestAssignScript: mbx assign through Engine.Apply; msgboxx cannot
// unassign.
func TestAssignScript(t *testing.T) {
	r := newScriptRig(t)
	open, _, _ := r.conversations()
	snap := r.srv.Snapshot()
	var team sandbox.SnapshotTeam
	for _, tm := range snap.Teams {
		if len(tm.APIAccountIDs) == 0 || tm.APIAccountIDs[0] == open.APIAccountID {
			team = tm
		}
	}
	tests := []struct {
		args         []string
		code         int
		stdout       string
		stderr       string
		user, teamID func() string
	}{
		{args: []string{"assign", "--to", open.ConversationID}, code: 2, stderr: "--user NAME|me"},
		{args: []string{"assign", "--to", open.ConversationID, "--none", "--user", "me"}, code: 2, stderr: "--none goes alone"},
		{args: []string{"assign", "--to", open.ConversationID, "--user", "me"}, code: 0, stdout: "assigned " + open.ConversationID},
		{args: []string{"assign", "--to", open.ConversationID, "--team", team.Name}, code: 0,
			stdout: "assigned " + open.ConversationID + ": user none, team " + team.Name + " (" + team.TeamID + ")"},
		{args: []string{"assign", "--to", open.ConversationID, "--team", "No Such Team"}, code: 2, stderr: "no team"},
		{args: []string{"assign", "--to", open.ConversationID, "--none"}, code: 2, stderr: "msgboxx cannot unassign"},
	}
	for _, tt := range tests {
		code, out, errOut := r.mbx(tt.args...)
		if code != tt.code || !strings.HasPrefix(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
			t.Fatalf("mbx %v: exit %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out, errOut, tt.code, tt.stdout, tt.stderr)
		}
	}
	r.down()
	if code, out, errOut := r.mbx("assign", "--to", open.ConversationID, "--user", "me"); code != 1 || out != "" || !strings.Contains(errOut, "not assigned") {
		t.Fatalf("server down: exit %d, stdout %q, stderr %q; want 1, not assigned", code, out, errOut)
	}
	for _, c := range r.srv.Snapshot().Conversations {
		if c.ConversationID == open.ConversationID && c.TeamID != team.TeamID {
			t.Fatalf("on the platform the conversation has team %q, want %q", c.TeamID, team.TeamID)
		}
	}
}

// TestAdminScript: webhooks and broadcasts on msgboxx, as a table and as
// JSON lines, secrets in target URLs never printed; get.chat says it has
// none (exit 2).
func TestAdminScript(t *testing.T) {
	r := newScriptRig(t)
	code, out, errOut := r.mbx("webhooks", "add", "--url", "https://hooks.example.com/in?key=s3cret", "--event", "message", "--event", "template")
	if code != 0 || strings.Count(out, "hooks.example.com/in?…") != 2 || strings.Contains(out+errOut, "s3cret") {
		t.Fatalf("add: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	code, out, errOut = r.mbx("webhooks", "list", "--json")
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var w webhookLine
		if err := json.Unmarshal([]byte(line), &w); err != nil {
			t.Fatalf("list --json: %q: %v", line, err)
		}
		if w.URL == "https://hooks.example.com/in?…" {
			ids = append(ids, w.ID)
		}
	}
	if code != 0 || len(ids) != 2 {
		t.Fatalf("list: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{args: []string{"webhooks", "rm", ids[0]}, code: 0, stdout: "removed " + ids[0]},
		{args: []string{"webhooks", "add", "--url", "http://hooks.example.com/in"}, code: 2, stderr: "must be https"},
		{args: []string{"webhooks", "add", "--url", "https://h.example.com/", "--event", "everything"}, code: 2, stderr: "not one of"},
		{args: []string{"webhooks"}, code: 2, stderr: "list, add or rm"},
		{args: []string{"webhooks", "list"}, code: 0, stdout: "ID "},
		{args: []string{"broadcasts", "rm", "x"}, code: 2, stderr: "unknown action"},
		{args: []string{"webhooks", "d", "x"}, code: 2, stderr: "unknown action \"d\""},
		{args: []string{"broadcasts", "list"}, code: 0},
	}
	for _, tt := range tests {
		code, out, errOut := r.mbx(tt.args...)
		if code != tt.code || !strings.HasPrefix(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
			t.Fatalf("mbx %v: exit %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out, errOut, tt.code, tt.stdout, tt.stderr)
		}
	}
	if code, out, _ := r.mbx("webhooks", "list"); code != 0 || strings.Contains(out, ids[0]) || !strings.Contains(out, ids[1]) {
		t.Fatalf("after rm: exit %d, %q", code, out)
	}

	// get.chat: not there.
	_, gurl, stop, err := gcsandbox.Start(gcsandbox.Config{Seed: 1, Empty: true}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	writeConfig(t, "[accounts.gc]\nplatform = \"getchat\"\nbase_url = \""+gurl+"\"\nusername = \""+gcsandbox.DemoUsername+"\"\n")
	t.Setenv("MBX_PASSWORD", gcsandbox.DemoPassword)
	for _, noun := range []string{"webhooks", "broadcasts"} {
		code, _, errOut := r.mbx(noun, "list")
		if code != 2 || !strings.Contains(errOut, "get.chat accounts have no "+noun) {
			t.Fatalf("get.chat %s: exit %d, stderr %q", noun, code, errOut)
		}
	}
}

// TestScriptGetchat: the same commands on get.chat, through its
// capabilities: a reply to a customer who just wrote, found by number,
// then assigned to me and unassigned (get.chat can).
func TestScriptGetchat(t *testing.T) {
	setXDG(t)
	gs, gurl, stop, err := gcsandbox.Start(gcsandbox.Config{Seed: 1, Empty: true}, "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	if _, err := gs.Receive("4915112345678", "Ada Example", "Hello, is the shop open?"); err != nil {
		t.Fatal(err)
	}
	writeConfig(t, "[accounts.gc]\nplatform = \"getchat\"\nbase_url = \""+gurl+"\"\nusername = \""+gcsandbox.DemoUsername+"\"\n")
	t.Setenv("MBX_PASSWORD", gcsandbox.DemoPassword)
	e := testEnv(newFakeKeyring())

	code, out, errOut := mbx(t, e, "send", "--to", "+49 151 12345678", "--text", "Yes, until 6.", "--json")
	var sent sendResult
	if code != 0 || json.Unmarshal([]byte(out), &sent) != nil || sent.State != "sent" || sent.MessageID == "" {
		t.Fatalf("send: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	tests := []struct {
		args   []string
		code   int
		stdout string
		stderr string
		not    string // not in stdout
	}{
		{args: []string{"assign", "--to", sent.ConversationID, "--user", "me", "--json"}, code: 0,
			stdout: `{"conversation_id":"` + sent.ConversationID + `","user_id":"`, not: `"user_id":""`},
		{args: []string{"assign", "--to", sent.ConversationID, "--none"}, code: 0, stdout: "assigned " + sent.ConversationID + ": user none, team none"},
		{args: []string{"send", "--flush"}, code: 0, stdout: "nothing queued"},
	}
	for _, tt := range tests {
		code, out, errOut := mbx(t, e, tt.args...)
		if code != tt.code || !strings.HasPrefix(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) || tt.not != "" && strings.Contains(out, tt.not) {
			t.Fatalf("mbx %v: exit %d, stdout %q, stderr %q; want %d, %q, %q", tt.args, code, out, errOut, tt.code, tt.stdout, tt.stderr)
		}
	}
}

// TestAdminLinesSanitized: what the platform says of a webhook or a
// broadcast is printed through the sanitizer, and a target's query (a
// secret, often) never.
func TestAdminLinesSanitized(t *testing.T) {
	tests := []struct {
		name string
		hook msgboxx.Webhook
		bc   msgboxx.Broadcast
	}{
		{name: "escapes", hook: msgboxx.Webhook{ID: "w1\x1b[2J", Type: "message\u009b", TargetURL: "https://h.example/\x1b]8;;https://evil\x07x?key=s3cret"},
			bc: msgboxx.Broadcast{ID: "b1\x1b[31m", Status: "Sent\u202e", Message: "Hi\x1b]52;c;cGF5\x07 there"}},
		{name: "user in the url", hook: msgboxx.Webhook{ID: "w2", Type: "template", TargetURL: "https://user:s3cret@h.example/in"}},
	}
	for _, tt := range tests {
		var out, errOut strings.Builder
		a := admin{name: "mbx webhooks list", stdout: &out, stderr: &errOut}
		a.printWebhooks([]msgboxx.Webhook{tt.hook})
		a.json = true
		a.printWebhooks([]msgboxx.Webhook{tt.hook})
		b, _ := json.Marshal(toBroadcastLine(tt.bc))
		all := out.String() + string(b)
		for _, bad := range []string{"\x1b", "\x07", "\u009b", "\u202e", "s3cret"} {
			if strings.Contains(all, bad) {
				t.Errorf("%s: %q in %q", tt.name, bad, all)
			}
		}
	}
}

// TestTakeOutbox: the inbox takes a free outbox lock; it does not wait
// for another inbox (which holds it all along); it waits for a command
// only up to its limit.
func TestTakeOutbox(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	tests := []struct {
		name   string
		holder string // "" for a free lock
		wait   time.Duration
		got    bool // the inbox holds the lock afterwards
	}{
		{name: "free", got: true, wait: time.Hour},
		{name: "another inbox: no wait", holder: holderInbox, wait: time.Hour},
		{name: "a command past the limit", holder: holderCommand, wait: 0},
	}
	for _, tt := range tests {
		db := filepath.Join(t.TempDir(), "a.db")
		other := func() {}
		if tt.holder != "" {
			rel, ok, err := lockOutbox(db, tt.holder)
			if err != nil || !ok {
				t.Fatalf("%s: %v %v", tt.name, ok, err)
			}
			other = rel
		}
		release := takeOutbox(context.Background(), db, tt.wait, logger, io.Discard)
		if tt.got && outboxHolder(db) != holderInbox {
			t.Errorf("%s: the lock file says %q", tt.name, outboxHolder(db))
		}
		other()
		rel, free, err := lockOutbox(db, holderCommand) // a command's try, while the inbox is open
		if err != nil || free == tt.got {
			t.Errorf("%s: a command could take the lock: %v (%v); the inbox should hold it: %v", tt.name, free, err, tt.got)
		}
		if free {
			rel()
		}
		release()
	}
	// A command that finishes meanwhile: the inbox says why it waits,
	// then takes the lock.
	db := filepath.Join(t.TempDir(), "a.db")
	rel, ok, err := lockOutbox(db, holderCommand)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	go func() {
		time.Sleep(500 * time.Millisecond)
		rel()
	}()
	var said strings.Builder
	release := takeOutbox(context.Background(), db, time.Minute, logger, &said)
	defer release()
	if outboxHolder(db) != holderInbox || !strings.Contains(said.String(), "waiting for an mbx command that is sending this account's replies (up to 1m0s)") {
		t.Errorf("holder %q; said %q", outboxHolder(db), said.String())
	}
}
