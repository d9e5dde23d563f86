package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

// arrive stores a customer's message in a new conversation, newer than
// every other, and lets the inbox take the change.
func (ti *teamInbox) arrive(id, name string, ago time.Duration) {
	ti.t.Helper()
	_, err := ti.st.ApplyMessages(state.Batch{
		Contacts: []state.Contact{{ID: "k-" + id, AccountID: "a1", Name: name, Number: "+44790200" + id}},
		Messages: []state.Message{{ID: "m-" + id, ConversationID: id, AccountID: "a1", ContactID: "k-" + id,
			Direction: state.Inbound, Body: "hello from " + name, Time: teamNow.Add(-ago)}},
	}, teamNow)
	if err != nil {
		ti.t.Fatal(err)
	}
	if _, err := ti.st.SetConversationMeta(id, state.FolderInbox, "", ""); err != nil {
		ti.t.Fatal(err)
	}
	ti.drive(ti.app.reloadList(ti.app.list.Following()))
}

func (ti *teamInbox) listTitle() string {
	for _, l := range strings.Split(ti.frame(), "\n")[:3] {
		if strings.Contains(l, "Open · ") {
			return l
		}
	}
	return ""
}

// Nothing arrives unseen: with the cursor on a conversation below the
// top, newer ones arriving above it are counted in the list's title
// ("↑ N new") and g goes there; on the first row the list follows the top.
func TestNewAboveIsShown(t *testing.T) {
	ti := newTeamInbox(t, 120, 10, decorated{}) // three rows in view: the top can scroll away
	ti.keys("j", "j")                           // the third row: the agent chose it
	chosen, _ := ti.app.list.Selected()
	ti.arrive("n1", "Nia New", time.Minute)
	ti.arrive("n2", "Noor New", 30*time.Second)
	if c, _ := ti.app.list.Selected(); c.ID != chosen.ID {
		t.Fatalf("the cursor left %s for %s", chosen.Label(), c.Label())
	}
	if title := ti.listTitle(); !strings.Contains(title, "↑ 2 new") {
		t.Fatalf("the title does not count the new conversations: %q\n%s", title, ti.frame())
	}
	ti.keys("g")
	if title := ti.listTitle(); strings.Contains(title, "new") {
		t.Fatalf("after g the title still says %q", title)
	}
	if c, _ := ti.app.list.Selected(); c.Label() != "Noor New" {
		t.Fatalf("g went to %s, want the newest", c.Label())
	}
	// On the first row: the list follows the top, nothing to count.
	ti.arrive("n3", "Nell Newest", 10*time.Second)
	if c, _ := ti.app.list.Selected(); c.Label() != "Nell Newest" {
		t.Fatalf("on the first row the cursor stayed on %s instead of following the top", c.Label())
	}
	if title := ti.listTitle(); strings.Contains(title, "new") {
		t.Fatalf("on the first row the title says %q", title)
	}
}
