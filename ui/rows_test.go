package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/mbx-inbox/mbx/state"
)

// The list's rows as a WhatsApp user reads them, and the unread keys.

// newRowsInbox is the team inbox with replies in three conversations
// (the agent's, Robin's, and one whose sender the platform does not
// name), a saved draft on Ana's, a second account's conversation, and
// the unread keys bound.
func newRowsInbox(t *testing.T, w, h int) *teamInbox {
	t.Helper()
	ti := newTeamInbox(t, w, h, decorated{})
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	out := func(id, conv, contact, body, sender string, st state.MessageStatus, ago time.Duration) state.Message {
		return state.Message{ID: id, ConversationID: conv, AccountID: "a1", ContactID: contact, Direction: state.Outbound,
			Body: body, Sender: sender, Status: st, Time: teamNow.Add(-ago)}
	}
	must(ti.st.ReplaceAccounts([]state.Account{{ID: "a1", Name: "Shop", Phone: "+447777123156"}, {ID: "a2", Name: "Outlet North", Phone: "+447777123157"}}))
	_, err := ti.st.ApplyMessages(state.Batch{
		Contacts: []state.Contact{{ID: "k5", AccountID: "a2", Name: "Dora North", Number: "+447902111127"}},
		Messages: []state.Message{
			out("o2", "c2", "k2", "See you at nine", "Alex Agent", state.StatusDelivered, 90*time.Minute),
			out("o3", "c3", "k3", "Bien reçu \x1b[31m!", "Robin Regular", state.StatusRead, 150*time.Minute),
			out("o4", "c4", "k4", "Noted", "", state.StatusSent, 210*time.Minute),
			{ID: "m5", ConversationID: "c5", AccountID: "a2", ContactID: "k5", Direction: state.Inbound, Body: "Open on Sunday?", Time: teamNow.Add(-5 * time.Hour)},
		},
	}, teamNow)
	must(err)
	_, err = ti.st.SetConversationMeta("c5", state.FolderInbox, "", "")
	must(err)
	must(ti.st.SaveDraft(state.Draft{ConversationID: "c1", Text: "half a thought\nand more", Updated: teamNow}))
	ti.app.keys.UnreadOnly = bind("U", "unread only", "U")
	ti.app.keys.NextUnread = bind("]", "next unread", "]")
	ti.app.keys.MarkUnread = bind("M", "mark unread", "M")
	ti.drive(ti.app.reloadSidebar())
	ti.drive(ti.app.reloadList(""))
	return ti
}

// rowText is the two lines of the row of the conversation named label.
func (ti *teamInbox) rowText(label string) string {
	ti.t.Helper()
	lines := strings.Split(ti.frame(), "\n")
	for i, l := range lines {
		if i > 0 && strings.Contains(l, label) && i+1 < len(lines) { // below the titles
			return l + "\n" + lines[i+1]
		}
	}
	ti.t.Fatalf("no row %q in\n%s", label, ti.frame())
	return ""
}

func TestRowsShowTickSenderDraftAndAccount(t *testing.T) {
	ti := newRowsInbox(t, 200, 40)
	tests := []struct {
		label   string
		want    []string
		notWant []string
	}{
		{"Ana Lima", []string{"Draft: half a thought", "Shop"}, []string{"and more", "kitchen"}},
		{"Ben Okafor", []string{"✓✓ You: See you at nine"}, nil},
		{"Chloé Martin", []string{"✓✓ Robin: Bien reçu ␛[31m!"}, []string{"You:"}},
		{"+447902111126", []string{"✓ Noted"}, []string{"You:", ": Noted"}},
		{"Dora North", []string{"Outlet", "Open on Sunday?"}, []string{"✓"}},
	}
	for _, tt := range tests {
		t.Run(tt.label, func(t *testing.T) {
			row := ti.rowText(tt.label)
			for _, w := range tt.want {
				if !strings.Contains(row, w) {
					t.Errorf("row lacks %q:\n%s", w, row)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(row, w) {
					t.Errorf("row has %q:\n%s", w, row)
				}
			}
		})
	}
}

// The second line of a row, table-driven over what the store says of
// the last message.
func TestRowPreview(t *testing.T) {
	st := newStyles(true)
	l := newConvList()
	tests := []struct {
		name string
		c    state.Conversation
		want string
	}{
		{"customer's", state.Conversation{Preview: "hello"}, "hello"},
		{"mine pending", state.Conversation{Preview: "on it", PreviewOut: true, PreviewMine: true, PreviewStatus: state.StatusPending}, "◷ You: on it"},
		{"mine sent", state.Conversation{Preview: "on it", PreviewOut: true, PreviewMine: true, PreviewStatus: state.StatusSent}, "✓ You: on it"},
		{"mine read", state.Conversation{Preview: "on it", PreviewOut: true, PreviewMine: true, PreviewStatus: state.StatusRead}, "✓✓ You: on it"},
		{"another agent's, failed", state.Conversation{Preview: "hi", PreviewOut: true, PreviewBy: "Sam", PreviewStatus: state.StatusFailed}, "✗ Sam: hi"},
		{"nobody named, status unknown", state.Conversation{Preview: "hi", PreviewOut: true}, "hi"},
		{"a name with escapes", state.Conversation{Preview: "hi", PreviewOut: true, PreviewBy: "Sa\x1b[2Jm", PreviewStatus: state.StatusSent}, "✓ Sa␛[2Jm: hi"},
		{"a draft wins", state.Conversation{Preview: "hi", PreviewOut: true, PreviewMine: true, PreviewStatus: state.StatusSent, Draft: "more \x07soon"}, "Draft: more ␇soon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ansi.Strip(l.preview(st, tt.c)); got != tt.want {
				t.Errorf("preview = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestAccountShortNames(t *testing.T) {
	tests := []struct {
		name string
		in   []state.Account
		want map[string]string
	}{
		{"one account: none", []state.Account{{ID: "a", Name: "Head Office"}}, map[string]string{}},
		{"distinct words", []state.Account{{ID: "a", Name: "Head Office"}, {ID: "b", Name: "Stitch Recruit Contract"}, {ID: "c", Name: "Stitch Recruit Permanent"}},
			map[string]string{"a": "Head", "b": "Contract", "c": "Permane…"}},
		{"no distinct word: the name", []state.Account{{ID: "a", Name: "Shop"}, {ID: "b", Name: "shop"}}, map[string]string{"a": "Shop", "b": "shop"}},
		{"no name: the number", []state.Account{{ID: "a", Phone: "+4477"}, {ID: "b", Name: "B"}}, map[string]string{"a": "+4477", "b": "B"}},
		{"escapes shown", []state.Account{{ID: "a", Name: "\x1b[31mRed"}, {ID: "b", Name: "Blue"}}, map[string]string{"a": "␛[31mRed", "b": "Blue"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := accountShortNames(tt.in)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// sidebarLine is the sidebar's line of the entry named label.
func (ti *teamInbox) sidebarLine(label string) string {
	for _, l := range strings.Split(ti.frame(), "\n") {
		if i := strings.Index(l, label); i >= 0 && i < 8 { // after the border and the glyph
			seg := l[i:]
			return seg[:strings.Index(seg, "│")]
		}
	}
	ti.t.Fatalf("no sidebar entry %q in\n%s", label, ti.frame())
	return ""
}

// Folders and views count unread/total; opening reads, M marks unread
// again until the conversation is opened.
func TestCountsAndMarkUnread(t *testing.T) {
	ti := newRowsInbox(t, 120, 40)
	for label, want := range map[string]string{"Open": "5/5", "Unassigned": "3/3", "Sales": "1/1", "Resolved": "0"} {
		if l := ti.sidebarLine(label); !strings.HasSuffix(strings.TrimSpace(l), want) {
			t.Errorf("%s: %q, want it to end in %s", label, l, want)
		}
	}
	ti.keys("enter", "esc") // Ana read
	if c := ti.conv("c1"); c.IsUnread() {
		t.Fatalf("Ana still unread after opening: %+v", c)
	}
	if l := ti.sidebarLine("Open"); !strings.HasSuffix(strings.TrimSpace(l), "4/5") {
		t.Errorf("after opening Ana: %q", l)
	}
	if row := ti.rowText("Ana Lima"); strings.Contains(row, "●") {
		t.Errorf("Ana's row shows unread after opening:\n%s", row)
	}
	ti.keys("M")
	if c := ti.conv("c1"); !c.MarkedUnread {
		t.Fatal("M did not mark Ana unread in the store")
	}
	if row := ti.rowText("Ana Lima"); !strings.Contains(row, "●") {
		t.Errorf("Ana's row does not show unread after M:\n%s", row)
	}
	if l := ti.sidebarLine("Open"); !strings.HasSuffix(strings.TrimSpace(l), "5/5") {
		t.Errorf("after M: %q", l)
	}
	if !strings.Contains(ti.frame(), "Marked unread") {
		t.Errorf("M says nothing:\n%s", ti.frame())
	}
	// From the thread, M goes back to the list, which keeps it unread.
	ti.keys("enter")
	if c := ti.conv("c1"); c.IsUnread() {
		t.Fatal("opening did not clear the mark")
	}
	ti.keys("M")
	if c := ti.conv("c1"); !c.MarkedUnread || ti.app.focus != focusList {
		t.Errorf("M from the thread: marked %v, focus %v", c.MarkedUnread, ti.app.focus)
	}
}

func (ti *teamInbox) selected() string {
	c, _ := ti.app.list.Selected()
	return c.Label()
}

// U shows the view's unread only, said in the title; ] goes to the next
// unread conversation, wrapping to the top and saying so, and says when
// there is none.
func TestUnreadOnlyAndNextUnread(t *testing.T) {
	ti := newRowsInbox(t, 120, 40)
	// Read Ben and Zed: Ana, Chloé and Dora stay unread.
	for _, label := range []string{"Ben Okafor", "+447902111126"} {
		ti.selectRow(label)
		ti.keys("enter", "esc")
	}
	ti.keys("g")
	if got := ti.selected(); got != "Ana Lima" {
		t.Fatalf("g: on %s", got)
	}
	for _, want := range []string{"Chloé Martin", "Dora North"} {
		ti.keys("]")
		if got := ti.selected(); got != want {
			t.Fatalf("] went to %s, want %s", got, want)
		}
	}
	ti.keys("]")
	if got := ti.selected(); got != "Ana Lima" {
		t.Fatalf("] from the last unread went to %s, want Ana Lima (wrapped)", got)
	}
	if !strings.Contains(ti.frame(), "back at the top") {
		t.Errorf("wrapping is not said:\n%s", ti.frame())
	}

	ti.keys("U")
	if title := ti.listTitle(); !strings.Contains(title, "Open · unread · 3") {
		t.Fatalf("title with U: %q", title)
	}
	var listed []string
	for _, c := range ti.app.list.rows {
		listed = append(listed, c.Label())
	}
	if got := strings.Join(listed, ", "); got != "Ana Lima, Chloé Martin, Dora North" {
		t.Errorf("unread only lists %s", got)
	}
	ti.keys("U")
	if title := ti.listTitle(); !strings.Contains(title, "Open · 5") || strings.Contains(title, "unread") {
		t.Fatalf("title after U again: %q", title)
	}

	// Nothing unread: ] says so and stays.
	for _, label := range []string{"Ana Lima", "Chloé Martin", "Dora North"} {
		ti.selectRow(label)
		ti.keys("enter", "esc")
	}
	before := ti.selected()
	ti.keys("]")
	if got := ti.selected(); got != before {
		t.Errorf("] with nothing unread moved to %s", got)
	}
	if !strings.Contains(ti.frame(), "No unread conversation in Open") {
		t.Errorf("] with nothing unread says nothing:\n%s", ti.frame())
	}
	ti.keys("U")
	if !strings.Contains(ti.frame(), "Nothing unread here.") {
		t.Errorf("an empty unread view:\n%s", ti.frame())
	}
}

// A draft typed in the composer shows on its row once the agent leaves.
func TestDraftShowsOnRowAfterLeaving(t *testing.T) {
	ti := newRowsInbox(t, 200, 40)
	ti.selectRow("Ben Okafor")
	ti.keys("enter", "r", "back at ten", "esc", "esc")
	if row := ti.rowText("Ben Okafor"); !strings.Contains(row, "Draft: back at ten") {
		t.Errorf("no draft on the row:\n%s", row)
	}
}

func TestGoldenRows(t *testing.T) {
	for _, sz := range []struct {
		name string
		w, h int
	}{{"80x24", 80, 24}, {"120x40", 120, 40}, {"60x15", 60, 15}} {
		for _, sc := range []struct {
			name string
			run  func(ti *teamInbox)
		}{
			{"rows", func(ti *teamInbox) {}},
			{"unread_only", func(ti *teamInbox) {
				ti.selectRow("Ben Okafor")
				ti.keys("enter", "esc", "M", "j", "enter", "esc", "U")
			}},
		} {
			t.Run(sc.name+"_"+sz.name, func(t *testing.T) {
				ti := newRowsInbox(t, sz.w, sz.h)
				sc.run(ti)
				golden.RequireEqual(t, ti.frame())
			})
		}
	}
}

// A tick that moves shows on the row: the engine reports a status as a
// thread change, which the row follows when its last message is ours.
func TestRowTickFollowsStatus(t *testing.T) {
	ti := newRowsInbox(t, 200, 40)
	if row := ti.rowText("+447902111126"); !strings.Contains(row, "✓ Noted") || strings.Contains(row, "✓✓ Noted") {
		t.Fatalf("before: %s", row)
	}
	_, err := ti.st.ApplyMessages(state.Batch{Messages: []state.Message{{ID: "o4", ConversationID: "c4", AccountID: "a1", ContactID: "k4",
		Direction: state.Outbound, Body: "Noted", Status: state.StatusRead, Time: teamNow.Add(-210 * time.Minute)}}}, teamNow)
	if err != nil {
		t.Fatal(err)
	}
	ti.send(changesMsg{changes: state.Changes{Threads: map[string]struct{}{"c4": {}}}, ok: true})
	if row := ti.rowText("+447902111126"); !strings.Contains(row, "✓✓ Noted") {
		t.Errorf("after the status moved: %s", row)
	}
}
