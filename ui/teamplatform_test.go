package ui

import (
	"context"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
)

// The inbox on a platform with a user and a team at once, unassign,
// conversation tags, saved responses, resolve and read-only
// conversations: driven through Update with every command run to its
// end (drive), over a real state.Service on a temporary store.

var teamNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// teamPlatform has every capability the second platform has;
// it records what it was asked.
type teamPlatform struct {
	state.Backend
	mu         sync.Mutex
	assigned   map[string]state.Assignment
	unassigned []string
	tagged     map[string][]string
	saved      []state.SavedResponse
	refuse     map[string]error // conversation → the platform's answer to resolving it (bulk_test.go)
}

func (*teamPlatform) AssignsUserAndTeam()                          {}
func (p *teamPlatform) Resolve(_ context.Context, id string) error { return p.refuse[id] }
func (*teamPlatform) Reopen(context.Context, string) error         { return nil }
func (p *teamPlatform) Assign(_ context.Context, id string, a state.Assignment) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.assigned[id] = a
	return nil
}
func (p *teamPlatform) Unassign(_ context.Context, id string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.unassigned = append(p.unassigned, id)
	return nil
}
func (p *teamPlatform) SetConversationTags(_ context.Context, id string, tags []string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tagged[id] = tags
	return nil
}
func (p *teamPlatform) SavedResponses(context.Context) ([]state.SavedResponse, error) {
	return p.saved, nil
}

// decorated adds what the store does not keep yet (conversation tags,
// read-only) to the conversations the UI reads.
type decorated struct {
	*state.Service
	tags     map[string][]string
	readOnly map[string]string
}

func (d decorated) deco(c state.Conversation) state.Conversation {
	if t, ok := d.tags[c.ID]; ok {
		c.Tags = t
	}
	if why, ok := d.readOnly[c.ID]; ok {
		c.ReadOnly, c.ReadOnlyWhy = true, why
	}
	return c
}

func (d decorated) Conversation(id string) (state.Conversation, bool, error) {
	c, ok, err := d.Service.Conversation(id)
	return d.deco(c), ok, err
}

func (d decorated) ListConversations(v state.View, offset, limit int) ([]state.Conversation, error) {
	cs, err := d.Service.ListConversations(v, offset, limit)
	for i := range cs {
		cs[i] = d.deco(cs[i])
	}
	return cs, err
}

type teamInbox struct {
	t   *testing.T
	app *App
	st  *state.Store
	be  *teamPlatform
}

// newTeamInbox: Ana Lima (newest; Robin and team Sales, an image), Ben
// Okafor (nobody), Chloé Martin (read-only: Robin's), Zed (a number only).
func newTeamInbox(t *testing.T, w, h int, d decorated) *teamInbox {
	t.Helper()
	st, err := state.Open(filepath.Join(t.TempDir(), "team.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(st.ReplaceAccounts([]state.Account{{ID: "a1", Name: "Shop", Phone: "+447777123156"}}))
	must(st.ReplaceUsers([]state.User{{ID: "u-me", FirstName: "Alex", LastName: "Agent", AccountIDs: []string{"a1"}},
		{ID: "u-2", FirstName: "Robin", LastName: "Regular", AccountIDs: []string{"a1"}}}))
	must(st.ReplaceTeams([]state.Team{{ID: "t1", Name: "Sales", AccountIDs: []string{"a1"}}, {ID: "t2", Name: "Support", AccountIDs: []string{"a1"}}}))
	in := func(id, conv, contact, body string, ago time.Duration) state.Message {
		return state.Message{ID: id, ConversationID: conv, AccountID: "a1", ContactID: contact, Direction: state.Inbound, Body: body, Time: teamNow.Add(-ago)}
	}
	_, err = st.ApplyMessages(state.Batch{
		Contacts: []state.Contact{
			{ID: "k1", AccountID: "a1", Name: "Ana Lima", Number: "+447902111123"},
			{ID: "k2", AccountID: "a1", Name: "Ben Okafor", Number: "+447902111124"},
			{ID: "k3", AccountID: "a1", Name: "Chloé Martin", Number: "+33612345678"},
			{ID: "k4", AccountID: "a1", Number: "+447902111126"},
		},
		Messages: []state.Message{
			in("m1", "c1", "k1", "[image] the flat's kitchen", time.Hour),
			in("m2", "c2", "k2", "Can I still apply?", 2*time.Hour),
			in("m3", "c3", "k3", "Merci !", 3*time.Hour),
			in("m4", "c4", "k4", "Hello?", 4*time.Hour),
		},
	}, teamNow)
	must(err)
	for id, m := range map[string]state.ConversationMeta{
		"c1": {Folder: state.FolderInbox, UserID: "u-2", TeamID: "t1"}, "c2": {Folder: state.FolderInbox},
		"c3": {Folder: state.FolderInbox, UserID: "u-2"}, "c4": {Folder: state.FolderInbox},
	} {
		_, err := st.SetConversationMeta(id, m.Folder, m.UserID, m.TeamID)
		must(err)
	}
	be := &teamPlatform{assigned: map[string]state.Assignment{}, tagged: map[string][]string{}, saved: []state.SavedResponse{
		{ID: "s1", Name: "Shipping", Text: "Hi {first_name}, {agent} here: we ship to {name}'s door."},
		{ID: "s2", Name: "Greeting", Text: "Hello \x1b[2J{name}"},
	}}
	if d.tags != nil {
		be.tagged = d.tags // the platform's tags are what the store reads back
	}
	eng := state.NewEngine(st, be, state.Config{Now: func() time.Time { return teamNow }})
	eng.SetMe("u-me")
	d.Service = state.NewService(st, eng)
	a := New(Deps{
		Core: d, Account: "Shop · Alex Agent", Platform: "Acme",
		Tick: func(time.Duration, func(time.Time) tea.Msg) tea.Cmd { return nil },
		Now:  func() time.Time { return teamNow },
	}, teamKeys())
	ti := &teamInbox{t: t, app: a, st: st, be: be}
	t.Cleanup(a.Close)
	ti.drive(a.Init())
	ti.send(tea.WindowSizeMsg{Width: w, Height: h})
	return ti
}

func teamKeys() KeyMap {
	return testKeysWith(func(k *KeyMap) {
		k.AssignToMe = bind("A", "assign to me", "A")
		k.Reply = bind("r", "reply", "r")
		k.Files = bind("o", "files…", "o")
		k.Top = bind("g", "top", "g")
		k.OpenFile = bind("ctrl+o", "open file", "ctrl+o")
		k.Attach = bind("ctrl+f", "attach file…", "ctrl+f")
	})
}

// drive runs a command and every command its messages lead to, in
// order, then the engine's published changes, until nothing is left.
func (ti *teamInbox) drive(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for steps := 0; ; steps++ {
		if steps > 10000 {
			ti.t.Fatal("the inbox never settles")
		}
		if len(queue) == 0 {
			m := ti.app.PendingChanges()
			if m == nil {
				return
			}
			_, next := ti.app.Update(m)
			queue = append(queue, next)
			continue
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch m := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, m...)
		default:
			if reflect.TypeOf(m).PkgPath() == "charm.land/bubbletea/v2" {
				continue
			}
			_, next := ti.app.Update(m)
			queue = append(queue, next)
		}
	}
}

func (ti *teamInbox) send(msg tea.Msg) {
	_, cmd := ti.app.Update(msg)
	ti.drive(cmd)
}

// keys types: "enter", "esc", "ctrl+o", "ctrl+u", or text a rune a key.
func (ti *teamInbox) keys(keys ...string) {
	for _, k := range keys {
		for _, m := range keyMsgs(k) {
			ti.send(m)
		}
	}
}

func keyMsgs(k string) []tea.KeyPressMsg {
	switch k {
	case "enter":
		return []tea.KeyPressMsg{{Code: tea.KeyEnter}}
	case "esc":
		return []tea.KeyPressMsg{{Code: tea.KeyEscape}}
	case "ctrl+o", "ctrl+u":
		return []tea.KeyPressMsg{{Code: rune(k[5]), Mod: tea.ModCtrl}}
	}
	var out []tea.KeyPressMsg
	for _, r := range k {
		out = append(out, tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return out
}

func (ti *teamInbox) frame() string { return ansi.Strip(ti.app.View().Content) }

func (ti *teamInbox) conv(id string) state.Conversation {
	ti.t.Helper()
	c, ok, err := ti.st.Conversation(id)
	if err != nil || !ok {
		ti.t.Fatalf("conversation %s: %v", id, err)
	}
	return c
}

// The row to the first one named.
func (ti *teamInbox) selectRow(label string) {
	ti.t.Helper()
	for range 10 {
		if c, ok := ti.app.list.Selected(); ok && c.Label() == label {
			return
		}
		ti.keys("j")
	}
	ti.t.Fatalf("no row %q", label)
}

// Choosing a person keeps the team and a team keeps the person; both
// current ones are marked and named; Unassign takes both away — for one
// conversation and for marked ones.
func TestAssignUserAndTeam(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	if f := ti.frame(); !strings.Contains(f, "@Robin Regular · #Sales") {
		t.Errorf("the row does not show both assignees:\n%s", f)
	}
	ti.keys("a")
	f := ti.frame()
	for _, want := range []string{"Now: Robin Regular · team Sales", "A person keeps the team", "● Robin Regular", "● Sales", "Unassign"} {
		if !strings.Contains(f, want) {
			t.Errorf("the picker lacks %q:\n%s", want, f)
		}
	}
	ti.keys("alex", "enter")
	if c := ti.conv("c1"); c.UserID != "u-me" || c.TeamID != "t1" {
		t.Errorf("after choosing Alex: user %q team %q, want u-me and the team kept", c.UserID, c.TeamID)
	}
	ti.keys("a", "support", "enter")
	if c := ti.conv("c1"); c.UserID != "u-me" || c.TeamID != "t2" {
		t.Errorf("after choosing Support: user %q team %q, want the person kept", c.UserID, c.TeamID)
	}
	ti.keys("enter") // the thread: its header names both
	if f := ti.frame(); !strings.Contains(f, "· @Alex Agent · #Support") {
		t.Errorf("the thread header does not show both:\n%s", f)
	}
	ti.keys("esc", "a", "unassign", "enter")
	if c := ti.conv("c1"); c.UserID != "" || c.TeamID != "" {
		t.Errorf("after Unassign: user %q team %q", c.UserID, c.TeamID)
	}
	if !slices.Contains(ti.be.unassigned, "c1") {
		t.Errorf("the platform was not asked to unassign: %v", ti.be.unassigned)
	}
	if !strings.Contains(ti.app.bar.flash, "Unassigned Ana Lima") {
		t.Errorf("flash = %q", ti.app.bar.flash)
	}

	// Marked ones: c1 (nobody now) and c2 (nobody) to Robin, then Sales.
	ti.app.list.MoveTo(0)
	ti.keys("x", "x", "a")
	if f := ti.frame(); !strings.Contains(f, "Now: nobody · no team") {
		t.Errorf("the bulk picker does not say both have nobody:\n%s", f)
	}
	ti.keys("robin", "enter")
	ti.app.list.MoveTo(0)
	ti.keys("x", "x", "a", "sales", "enter")
	for _, id := range []string{"c1", "c2"} {
		if c := ti.conv(id); c.UserID != "u-2" || c.TeamID != "t1" {
			t.Errorf("%s: user %q team %q, want Robin and Sales", id, c.UserID, c.TeamID)
		}
	}
	ti.app.list.MoveTo(0)
	ti.keys("x", "x", "a", "unassign", "enter")
	for _, id := range []string{"c1", "c2"} {
		if c := ti.conv(id); c.UserID != "" || c.TeamID != "" {
			t.Errorf("%s after bulk unassign: user %q team %q", id, c.UserID, c.TeamID)
		}
	}
}

// Without Unassign or a user and a team at once, the picker is as it was.
func TestAssignPickerWithoutBoth(t *testing.T) {
	p := newAssignPicker(testKeys(), []string{"c1"}, state.Capabilities{})
	p.Update(assigneesLoadedMsg{what: "Ana", total: 1, serves: map[string]int{"u:u1": 1}, users: []state.User{{ID: "u1", FirstName: "Sam"}}, curUser: "u1", sameUser: true, sameTeam: true})
	f := ansi.Strip(p.View(viewCtx{st: newStyles(true), keys: testKeys(), w: 70, h: 24}))
	if strings.Contains(f, "Unassign") || strings.Contains(f, "Now:") || !strings.Contains(f, "● Sam") {
		t.Errorf("picker:\n%s", f)
	}
}

// Tags show in the row and the header, sanitized and cut to fit; # edits
// them with the current ones filled in; a refusal stays in the dialog in
// words.
func TestConversationTags(t *testing.T) {
	long := strings.Repeat("x", 60)
	ti := newTeamInbox(t, 120, 40, decorated{tags: map[string][]string{"c1": {"vip", "\x1b[31mred", long}}})
	f := ti.frame()
	if !strings.Contains(f, "[vip, ␛[3") || !strings.Contains(f, "…]") || strings.Contains(f, long) {
		t.Errorf("the row's tags are not shown sanitized and cut:\n%s", f)
	}
	if strings.Contains(ti.app.View().Content, "\x1b[31mred") {
		t.Error("a tag's escape reached the terminal")
	}
	ti.keys("enter")
	if h := strings.Split(ti.frame(), "\n")[0]; !strings.Contains(h, "[vip, ␛[31mred") { // the thread's title, in its border
		t.Errorf("the header lacks the tags: %q", h)
	}
	ti.keys("#")
	d, ok := isOpen[*tagDialog](ti.app)
	if !ok {
		t.Fatal("# opened no tag dialog")
	}
	if got := d.input.Value(); got != "vip, ␛[31mred, "+long {
		t.Errorf("prefilled %q", got)
	}
	d.input.SetValue("")
	ti.keys("urgent, billing,, urgent", "enter")
	if got := ti.be.tagged["c1"]; strings.Join(got, "|") != "urgent|billing" {
		t.Errorf("the platform got %q", got)
	}
	if _, ok := isOpen[*tagDialog](ti.app); ok {
		t.Error("the dialog stayed open after saving")
	}
	if !strings.Contains(ti.app.bar.flash, "Tagged Ana Lima: urgent, billing") {
		t.Errorf("flash = %q", ti.app.bar.flash)
	}
	if !strings.Contains(strings.Split(ti.frame(), "\n")[0], "[urgent, billing]") {
		t.Error("the header does not show the new tags")
	}

	ti.keys("#")
	if f := ti.frame(); !strings.Contains(f, "In use in the list: billing, urgent") {
		t.Errorf("the dialog does not name the tags in use:\n%s", f)
	}
	ti.keys("ctrl+u", strings.Repeat("y", 300), "enter")
	if _, ok := isOpen[*tagDialog](ti.app); !ok {
		t.Fatal("a refused tag closed the dialog")
	}
	if f := ti.frame(); !strings.Contains(f, "characters long") {
		t.Errorf("the refusal is not shown in words:\n%s", f)
	}
	ti.keys("esc")

	a := capsApp(t, coreOnly{}, "Acme")
	a.Update(tea.KeyPressMsg{Code: '#', Text: "#"})
	if !strings.Contains(a.bar.flash, "Acme cannot tag conversations") {
		t.Errorf("flash = %q", a.bar.flash)
	}
}

// ctrl+o in the composer opens the saved responses; what the agent types
// while they are read is kept; choosing inserts the text at the cursor
// with the contact's and the agent's names.
func TestSavedResponses(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.keys("enter", "r", "Yes. ")
	if ti.app.focus != focusComposer {
		t.Fatal("r did not focus the composer")
	}
	// Pressed, but its read not yet run: the keys typed are kept.
	_, load := ti.app.Update(tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl})
	if f := ti.frame(); !strings.Contains(f, "Reading the saved responses") {
		t.Errorf("no loading state:\n%s", f)
	}
	for _, m := range keyMsgs("ship") {
		ti.send(m)
	}
	ti.send(tea.KeyPressMsg{Code: tea.KeyEnter})
	ti.drive(load)
	want := "Yes. Hi Ana, Alex Agent here: we ship to Ana Lima's door."
	if got := ti.app.comp.Value(); got != want {
		t.Errorf("composer = %q, want %q", got, want)
	}
	if len(ti.app.dialogs) != 0 || ti.app.focus != focusComposer {
		t.Error("the picker did not hand the keys back to the composer")
	}

	a := capsApp(t, coreOnly{}, "Acme")
	a.setFocus(focusComposer)
	a.Update(tea.KeyPressMsg{Code: 'o', Mod: tea.ModCtrl})
	if !strings.Contains(a.bar.flash, "Acme cannot keep saved responses") {
		t.Errorf("flash = %q", a.bar.flash)
	}
}

func TestFillSaved(t *testing.T) {
	tests := []struct {
		conv  state.Conversation
		agent string
		text  string
		want  string
	}{
		{state.Conversation{ContactName: "Ana Lima"}, "Alex", "Hi {first_name} ({name}), {agent}", "Hi Ana (Ana Lima), Alex"},
		{state.Conversation{ContactNumber: "+44790"}, "", "Hi {name}, {first_name}. {agent}", "Hi {name}, {first_name}. {agent}"},
		{state.Conversation{ContactName: "\x1b[31mEvil"}, "A\x07", "{name}\x1b[2J", "␛[31mEvil␛[2J"},
	}
	for _, tt := range tests {
		if got := fillSaved(tt.text, tt.conv, tt.agent); got != tt.want {
			t.Errorf("fillSaved(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// A conversation the agent may not write to says why before they type,
// in the composer and when r is pressed, and offers A; A takes it.
func TestReadOnlyConversation(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{readOnly: map[string]string{"c3": "Only Robin Regular may write here\x1b[2J."}})
	ti.selectRow("Chloé Martin")
	ti.keys("r")
	if ti.app.focus == focusComposer {
		t.Error("r focused the composer of a read-only conversation")
	}
	if got := ti.app.bar.flash; !strings.Contains(got, "Only Robin Regular may write here␛[2J: A assigns it to you") {
		t.Errorf("flash = %q", got)
	}
	f := ti.frame()
	if !strings.Contains(f, "Only Robin Regular may write here") || !strings.Contains(f, "A assign it to you") {
		t.Errorf("the composer does not say why:\n%s", f)
	}
	if strings.Contains(ti.app.View().Content, "\x1b[2J") {
		t.Error("the reason's escape reached the terminal")
	}
	ti.app.bar.flash = ""
	ti.keys("t")
	if _, ok := isOpen[*templatePicker](ti.app); ok || !strings.Contains(ti.app.bar.flash, "A assigns it to you") {
		t.Errorf("t on a read-only conversation: flash %q", ti.app.bar.flash)
	}
	ti.keys("A")
	if c := ti.conv("c3"); c.UserID != "u-me" {
		t.Errorf("A assigned %q", c.UserID)
	}
}

// A media message's bracket part is drawn as a badge.
func TestMediaBadge(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"[image] kitchen", "[image]"}, {"[document 120 KB] a.pdf", "[document 120 KB]"}, {"[video]", "[video]"},
		{"[audio]x", "[audio]"}, {"[imagine] no", ""}, {"image] no", ""}, {"[image no", ""}, {"", ""},
	} {
		if got := mediaBadge(tt.in); got != tt.want {
			t.Errorf("mediaBadge(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.keys("enter")
	if v := ti.app.View().Content; !strings.Contains(v, ti.app.st.media.Render("[image]")) {
		t.Error("the image badge is not styled")
	}
	if !strings.Contains(ti.frame(), "[image] the flat's kitchen") {
		t.Error("the media line is not shown")
	}
}

// The thread of a conversation with a person, a team and tags, and the
// read-only composer, at three sizes.
func TestGoldenTeamFrames(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}, {"60x15", 60, 15}} {
		for _, sc := range []struct {
			name string
			run  func(ti *teamInbox)
		}{
			{"thread", func(ti *teamInbox) { ti.keys("enter") }},
			{"read_only", func(ti *teamInbox) { ti.selectRow("Chloé Martin"); ti.keys("enter") }},
			{"assign", func(ti *teamInbox) { ti.keys("a") }},
		} {
			t.Run(sc.name+"_"+sz.name, func(t *testing.T) {
				ti := newTeamInbox(t, sz.w, sz.h, decorated{
					tags:     map[string][]string{"c1": {"vip", "lead"}},
					readOnly: map[string]string{"c3": "Robin Regular has this chat: only they may write here."},
				})
				sc.run(ti)
				golden.RequireEqual(t, ti.frame())
			})
		}
	}
}

// Keys typed while the tags are on their way are kept and go, in order,
// where the agent meant: the dialog closes and j moves the list.
func TestTagsTypeAhead(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{tags: map[string][]string{}})
	ti.keys("#", "vip")
	_, save := ti.app.Update(tea.KeyPressMsg{Code: tea.KeyEnter})
	for _, m := range keyMsgs("j") {
		ti.app.Update(m)
	}
	if c, _ := ti.app.list.Selected(); c.ID != "c1" {
		t.Fatalf("j moved the list before the tags were saved (on %s)", c.ID)
	}
	ti.drive(save)
	if got := ti.be.tagged["c1"]; strings.Join(got, ",") != "vip" {
		t.Errorf("tagged %q", got)
	}
	if c, _ := ti.app.list.Selected(); c.ID != "c2" || len(ti.app.dialogs) != 0 {
		t.Errorf("after the save: on %s with %d dialogs, want c2 and none", c.ID, len(ti.app.dialogs))
	}
}
