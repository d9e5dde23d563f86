package sandbox

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

func TestDeterminism(t *testing.T) {
	clock := newFakeClock()
	a := New(Config{Seed: 7, Now: clock.Now, Conversations: 50, Messages: 400})
	b := New(Config{Seed: 7, Now: clock.Now, Conversations: 50, Messages: 400})
	c := New(Config{Seed: 8, Now: clock.Now, Conversations: 50, Messages: 400})
	sa, sb, sc := a.Snapshot(), b.Snapshot(), c.Snapshot()
	if !reflect.DeepEqual(sa, sb) {
		t.Fatal("two sandboxes with the same seed differ")
	}
	if reflect.DeepEqual(sa.Messages, sc.Messages) {
		t.Fatal("different seeds gave the same messages")
	}
	// Seed 0 is seed 1.
	if !reflect.DeepEqual(New(Config{Now: clock.Now}).Snapshot(), New(Config{Seed: 1, Now: clock.Now}).Snapshot()) {
		t.Fatal("seed 0 is not seed 1")
	}
	// Snapshot is a deep copy.
	sa.Contacts[0].Tags = append(sa.Contacts[0].Tags, "mutated")
	sa.Contacts[0].Name = "mutated"
	if reflect.DeepEqual(sa.Contacts[0], a.Snapshot().Contacts[0]) {
		t.Fatal("Snapshot shares memory with the store")
	}
}

func TestDemoData(t *testing.T) {
	clock := newFakeClock()
	s := New(Config{Now: clock.Now})
	snap := s.Snapshot()
	now := clock.Now()

	if len(snap.Contacts) < 200 || len(snap.Conversations) < 300 {
		t.Fatalf("%d contacts, %d conversations", len(snap.Contacts), len(snap.Conversations))
	}
	regions := map[string]bool{}
	numbers := map[string]bool{}
	for _, c := range snap.Contacts {
		num, err := phonenumbers.Parse(c.MobileNumber, "")
		if err != nil || !phonenumbers.IsValidNumber(num) || phonenumbers.Format(num, phonenumbers.E164) != c.MobileNumber {
			t.Errorf("invalid demo number %s (%q)", c.MobileNumber, c.Name)
		}
		regions[phonenumbers.GetRegionCodeForNumber(num)] = true
		key := c.APIAccountID + c.MobileNumber
		if numbers[key] {
			t.Errorf("duplicate number %s", key)
		}
		numbers[key] = true
		if c.Tags == nil {
			t.Errorf("nil tags on %s", c.ContactID)
		}
	}
	for _, r := range []string{"GB", "IE", "DE", "US", "ES", "IN", "JP", "SA"} {
		if !regions[r] {
			t.Errorf("no %s numbers", r)
		}
	}
	folders := map[string]int{}
	assign := map[string]int{}
	windows := map[string]int{}
	for _, cv := range snap.Conversations {
		folders[cv.Folder]++
		switch {
		case cv.UserID != "" && cv.TeamID != "":
			t.Errorf("conversation %s has a user and a team", cv.ConversationID)
		case cv.UserID != "":
			assign["user"]++
		case cv.TeamID != "":
			assign["team"]++
		default:
			assign["none"]++
		}
		switch age := now.Sub(cv.LastInbound); {
		case cv.LastInbound.IsZero():
			windows["never"]++
		case age < 23*time.Hour:
			windows["open"]++
		case age < 24*time.Hour:
			windows["closing"]++
		default:
			windows["closed"]++
		}
		if cv.MessageCount == 0 {
			t.Errorf("conversation %s has no messages", cv.ConversationID)
		}
	}
	if folders["inbox"] < folders["archive"]+folders["spam"] || folders["archive"] == 0 || folders["spam"] == 0 {
		t.Errorf("folders %v", folders)
	}
	if assign["user"] == 0 || assign["team"] == 0 || assign["none"] == 0 {
		t.Errorf("assignments %v", assign)
	}
	if windows["open"] == 0 || windows["closing"] < 3 || windows["closed"] == 0 || windows["never"] == 0 {
		t.Errorf("windows %v", windows)
	}
	oldest := now.Add(-7*24*time.Hour - time.Minute)
	for _, m := range snap.Messages {
		if m.DateTime.Before(oldest) || m.DateTime.After(now) {
			t.Fatalf("message %s at %v outside the history", m.MessageID, m.DateTime)
		}
	}
	statuses := map[string]map[string]bool{}
	for _, tp := range snap.Templates {
		if statuses[tp.APIAccountID] == nil {
			statuses[tp.APIAccountID] = map[string]bool{}
		}
		statuses[tp.APIAccountID][tp.Status] = true
	}
	for acct, st := range statuses {
		if len(st) != 3 {
			t.Errorf("account %s template statuses %v", acct, st)
		}
	}
	if len(snap.Broadcasts) == 0 || len(snap.Webhooks) != 2 || len(snap.Teams) != 4 || len(snap.Users) != 7 {
		t.Errorf("%d broadcasts, %d webhooks, %d teams, %d users", len(snap.Broadcasts), len(snap.Webhooks), len(snap.Teams), len(snap.Users))
	}
	// User ids are distinct (the reference gives two users the same id).
	ids := map[string]bool{}
	for _, u := range snap.Users {
		if ids[u.UserID] {
			t.Errorf("duplicate user id %s", u.UserID)
		}
		ids[u.UserID] = true
	}
	// Some customers never read.
	never := 0
	for _, c := range snap.Contacts {
		if c.NeverReads {
			never++
		}
	}
	if f := float64(never) / float64(len(snap.Contacts)); f < 0.15 || f > 0.35 {
		t.Errorf("%.2f of contacts never read", f)
	}
}

func TestHostileDataOnTheWire(t *testing.T) {
	h := newHarness(t, Config{})
	want := []string{
		"\x1b[31mRED ALERT\x1b[0m please call me back",
		"\x1b]8;;http://evil\x07click\x1b]8;;\x07 for your payslip",
		"\x1b]52;c;cm0gLXJmIH4vKg==\x07copied to your clipboard!",
		"\u009b31mred via a C1 CSI\u009b0m",
		"please open invoice\u202efdp.exe",
		"log in at pay\u200bpal.com/verify",
		"pay 100\rpay 999",
		"abc\b\b\bxyz",
		"On my way 🚗💨 👍🏽 🇬🇧🇮🇪🇩🇪🇯🇵",
		"明日の面接は何時からですか？",
		"مرحبا، هل الوظيفة ما زالت متاحة؟",
		"שלום, אני מעוניין במשרה",
		"\ufffd\x1b[31mbad bytes then colour", // invalid UTF-8 becomes U+FFFD in JSON
	}
	got := map[string]bool{}
	names := map[string]bool{}
	long := false
	for page := 1; ; page++ {
		items, _ := h.get("/message?fromDate=2000-01-01&page=" + strconv.Itoa(page)).items()
		if len(items) == 0 {
			break
		}
		for _, m := range items {
			body := m["bodyText"].(string)
			got[body] = true
			names[m["contact"].(map[string]any)["name"].(string)] = true
			if utf8.RuneCountInString(body) == 5000 {
				long = true
			}
		}
	}
	for _, w := range want {
		if !got[w] {
			t.Errorf("hostile body %q not served", w)
		}
	}
	if !long {
		t.Error("no 5,000-character message")
	}
	for _, n := range []string{"\x1b[1;31mURGENT\x1b[0m Dave", "Eve \u202egnp.exe", "👩‍👩‍👧‍👦 Family Ops 🏳️‍🌈", "Zero\u200bWidth\u200dJoe\ufeff"} {
		if !names[n] {
			t.Errorf("hostile name %q not served", n)
		}
	}
	// Control characters are escaped in the raw JSON.
	raw := string(h.get("/message?fromDate=2000-01-01&page=1").body)
	for p := 2; !strings.Contains(raw, `\u001b`) && p < 40; p++ {
		raw = string(h.get("/message?fromDate=2000-01-01&page=" + strconv.Itoa(p)).body)
	}
	if !strings.Contains(raw, `\u001b`) {
		t.Error(`no \u001b escape found in raw JSON`)
	}
	if strings.ContainsRune(raw, 0x1b) {
		t.Error("raw ESC byte in JSON")
	}
}

func TestVolume(t *testing.T) {
	clock := newFakeClock()
	s := New(Config{Empty: true, Now: clock.Now, Conversations: 300, Messages: 4000, HistoryDays: 3})
	snap := s.Snapshot()
	if len(snap.Conversations) != 300 || len(snap.Messages) != 4000 || len(snap.Contacts) != 300 {
		t.Fatalf("%d conversations, %d messages, %d contacts", len(snap.Conversations), len(snap.Messages), len(snap.Contacts))
	}
	for i, c := range snap.Contacts {
		if c.APIAccountID == idPermanent {
			t.Fatal("volume contact in an account the agent cannot see")
		}
		if i%37 == 0 {
			num, err := phonenumbers.Parse(c.MobileNumber, "")
			if err != nil || !phonenumbers.IsValidNumber(num) {
				t.Errorf("invalid volume number %s", c.MobileNumber)
			}
		}
	}
	start := clock.Now().Add(-3 * 24 * time.Hour)
	for i, m := range snap.Messages {
		if m.DateTime.Before(start) || m.DateTime.After(clock.Now()) {
			t.Fatalf("message at %v outside the history", m.DateTime)
		}
		if i > 0 && m.DateTime.Before(snap.Messages[i-1].DateTime) {
			t.Fatal("snapshot messages out of order")
		}
	}
	for _, cv := range snap.Conversations {
		if cv.MessageCount == 0 {
			t.Fatalf("conversation %s without messages", cv.ConversationID)
		}
	}
	// Paging through the API sees every message exactly once.
	ts := httptest.NewServer(s)
	defer ts.Close()
	h := &harness{t: t, s: s, ts: ts, clock: clock}
	h.token = h.login(AgentUsername, AgentPassword)
	var paged []string
	for page := 1; ; page++ {
		items, p := h.get("/message?fromDate=2000-01-01&page=" + strconv.Itoa(page)).items()
		if int(p["recordCount"].(float64)) != 4000 || int(p["pages"].(float64)) != 40 {
			t.Fatalf("paging %v", p)
		}
		if len(items) == 0 {
			break
		}
		for _, m := range items {
			paged = append(paged, m["messageId"].(string))
		}
	}
	if len(paged) != 4000 {
		t.Fatalf("paged through %d messages", len(paged))
	}
	for i, m := range snap.Messages {
		if paged[i] != m.MessageID {
			t.Fatalf("message %d: paged %s, snapshot %s", i, paged[i], m.MessageID)
		}
	}

	// Messages only: spread over the demo's visible conversations.
	d := New(Config{Now: clock.Now, Messages: 1000})
	base := New(Config{Now: clock.Now})
	if got, want := len(d.Snapshot().Messages), len(base.Snapshot().Messages)+1000; got != want {
		t.Errorf("messages-only volume: %d messages, want %d", got, want)
	}
	// Fewer messages than conversations: every conversation still gets one.
	e := New(Config{Empty: true, Now: clock.Now, Conversations: 20, Messages: 5})
	if n := len(e.Snapshot().Messages); n != 20 {
		t.Errorf("%d messages for 20 conversations", n)
	}
}

func TestSimulator(t *testing.T) {
	s := New(Config{Seed: 3, Simulate: true, SimulateEvery: 2 * time.Millisecond})
	before := len(s.Snapshot().Messages)
	contacts := len(s.Snapshot().Contacts)
	s.Start(context.Background())
	s.Start(context.Background()) // only the first call counts
	deadline := time.Now().Add(10 * time.Second)
	for len(s.Snapshot().Messages) < before+30 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	s.Close()
	s.Close()
	snap := s.Snapshot()
	after := len(snap.Messages)
	if after < before+30 {
		t.Fatalf("simulator wrote %d messages", after-before)
	}
	for _, m := range snap.Messages[before:] {
		if m.MessageDirection != "incoming" {
			t.Fatalf("simulated message is %s", m.MessageDirection)
		}
	}
	if len(snap.Contacts) == contacts {
		t.Error("simulator created no new contacts")
	}
	time.Sleep(20 * time.Millisecond)
	if n := len(s.Snapshot().Messages); n != after {
		t.Fatalf("simulator still running after Close: %d → %d", after, n)
	}

	// Context cancellation stops it too; without Simulate, Start does nothing.
	ctx, cancel := context.WithCancel(context.Background())
	s2 := New(Config{Empty: true, Simulate: true, SimulateEvery: time.Millisecond})
	s2.Start(ctx)
	cancel()
	s2.Close()
	s3 := New(Config{Empty: true, SimulateEvery: time.Millisecond})
	s3.Start(context.Background())
	time.Sleep(20 * time.Millisecond)
	if n := len(s3.Snapshot().Messages); n != 0 {
		t.Errorf("simulator ran without Simulate: %d messages", n)
	}
	s3.Close()
	// Requests keep working concurrently with the simulator (run with -race).
	s4 := New(Config{Simulate: true, SimulateEvery: time.Millisecond})
	s4.Start(context.Background())
	defer s4.Close()
	ts := httptest.NewServer(s4)
	defer ts.Close()
	h := &harness{t: t, s: s4, ts: ts, clock: nil}
	h.token = h.login(AgentUsername, AgentPassword)
	for i := 0; i < 20; i++ {
		expectStatus(t, h.get("/message"), http.StatusOK)
	}
}
