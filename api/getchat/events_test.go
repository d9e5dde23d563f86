package getchat

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readEvent(t testing.TB, name string) []byte {
	t.Helper()
	dir := "events"
	if strings.HasPrefix(name, "ref:") {
		dir, name = "reference", strings.TrimPrefix(name, "ref:")
	}
	b, err := os.ReadFile(filepath.Join("testdata", dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// want is the part of an Event a test checks.
type want struct {
	kind      EventKind
	waID      string
	messageID string
	time      int64 // unix seconds, 0 for none
}

func TestDecodeEvent(t *testing.T) {
	tests := []struct {
		file      string
		frameType string
		shape     string
		events    []want
		problems  []string // Paths of the expected problems
		check     func(t *testing.T, d Decoded)
	}{
		{
			file: "flat_incoming_dedupe.json", frameType: FrameWabaWebhook, shape: ShapeFlat,
			events: []want{{EventInbound, "4915112345678", "ABGGFlA5FpafAgo6EhmKr1B0vBmH", 1767000000}},
			check: func(t *testing.T, d Decoded) {
				e := d.Events[0]
				// The get.chat wrapper wins over the raw WABA copy.
				if e.GetchatID != "f3b2c1d0-0000-4000-8000-000000000001" || e.ContactName != "Ana Souza" || e.Message.WabaPayload.Body() != "Hallo, is my order on its way?" {
					t.Errorf("event = %+v", e)
				}
			},
		},
		{
			file: "flat_raw_messages_only.json", shape: ShapeFlat,
			events: []want{{EventInbound, "15550001111", "wamid.raw1", 1767000100}, {EventInbound, "15550001111", "wamid.raw2", 1767000101}},
			check: func(t *testing.T, d Decoded) {
				if d.Events[0].ContactName != "Bo" || d.Events[0].Message.WabaPayload.Media().Caption != "the receipt" {
					t.Errorf("event = %+v", d.Events[0])
				}
				if d.Events[1].Message.WabaPayload.Location.Name != "Office" || d.Events[1].Time.Nanosecond() != 250_000_000 {
					t.Errorf("location event = %+v", d.Events[1])
				}
			},
		},
		{
			file: "flat_statuses.json", frameType: FrameWabaWebhook, shape: ShapeFlat,
			events: []want{
				{EventStatus, "48123123123", "gBGGSFEBeRJ_AgnJK-don123123", 1612372580},
				{EventStatus, "48123123123", "gBGGSFEBeRJ_AgnJK-don123124", 1612372581},
			},
			problems: []string{"statuses[2]"},
			check: func(t *testing.T, d Decoded) {
				if d.Events[0].Status != StatusDelivered || d.Events[0].GetchatID != "7a0c5c8e-2222-4333-8444-955566667777" {
					t.Errorf("status = %+v", d.Events[0])
				}
				if d.Events[1].Status != StatusFailed || len(d.Events[1].Errors) != 1 || d.Events[1].Errors[0].Code != 131047 {
					t.Errorf("failed status = %+v", d.Events[1])
				}
			},
		},
		{
			file: "getchat_outgoing.json", frameType: FrameGetchatWebhook, shape: ShapeFlat,
			events: []want{{EventOutbound, "48123123123", "gBGGSFEBeRJ_AgkKJ1sOUT1", 1767000200}},
			check: func(t *testing.T, d Decoded) {
				m := d.Events[0].Message
				if m.Sender.Username != "peter" || m.Status() != StatusSent {
					t.Errorf("message = %+v", m)
				}
			},
		},
		{
			file: "getchat_assignment.json", frameType: FrameGetchatWebhook, shape: ShapeFlat,
			events: []want{{EventAssignment, "48123123123", "", 1767000300}},
			check: func(t *testing.T, d Decoded) {
				a := d.Events[0].Assignment
				if a.AssignedToUserSet.ID != 2 || a.AssignedGroupSet.Name != "Agents" || a.DoneBy.ID != 1 {
					t.Errorf("assignment = %+v", a)
				}
			},
		},
		{
			file: "getchat_unassign.json", frameType: FrameGetchatWebhook, shape: ShapeFlat,
			events: []want{{EventAssignment, "48123123123", "", 1767000301}},
			check: func(t *testing.T, d Decoded) {
				a := d.Events[0].Assignment
				if a.AssignedToUserSet != nil || !a.AssignedToUserWasCleared || !a.AssignedGroupWasCleared || a.DoneBy.ID != 1 {
					t.Errorf("unassignment = %+v", a)
				}
			},
		},
		{
			file: "getchat_tagging.json", frameType: FrameGetchatWebhook, shape: ShapeFlat,
			events: []want{{EventTagging, "48123123123", "", 1767000400}},
			check: func(t *testing.T, d Decoded) {
				tg := d.Events[0].Tagging
				if tg.Action != TagRemoved || tg.Tag.ID != 5 || tg.Tag.Name != "Agent needed" || tg.Extra != nil {
					t.Errorf("tagging = %+v", tg)
				}
			},
		},
		{
			file: "getchat_message_tagging.json", frameType: FrameGetchatWebhook, shape: ShapeFlat,
			events: []want{{EventTagging, "", "ABGGFlA5FpafAgo6EhmKr1B0vBmH", 1767000401}},
		},
		{
			file: "getchat_resolved.json", frameType: FrameGetchatWebhook, shape: ShapeFlat,
			events: []want{{EventResolve, "48123123123", "", 0}},
			check: func(t *testing.T, d Decoded) {
				if !d.Events[0].Resolved {
					t.Error("not resolved")
				}
			},
		},
		{
			file: "getchat_reopened.json", frameType: FrameGetchatWebhook, shape: ShapeFlat,
			events: []want{{EventResolve, "48123123123", "", 0}},
			check: func(t *testing.T, d Decoded) {
				if d.Events[0].Resolved {
					t.Error("reopen read as resolve")
				}
			},
		},
		{
			file: "cloud_inbound.json", frameType: FrameWabaWebhook, shape: ShapeCloud,
			events: []want{{EventInbound, "16505551234", "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=", 1749416383}},
			check: func(t *testing.T, d Decoded) {
				e := d.Events[0]
				if e.ContactName != "Sheena Nelson" || e.Source != "entry[0].changes[0].value.messages[0]" || e.Message.FromUs {
					t.Errorf("event = %+v", e)
				}
			},
		},
		{
			file: "cloud_statuses.json", frameType: FrameWabaWebhook, shape: ShapeCloud,
			events: []want{
				{EventStatus, "16505551234", "wamid.OUT1", 1750263773},
				{EventStatus, "16505551234", "wamid.OUT2", 1750263774},
			},
			check: func(t *testing.T, d Decoded) {
				if d.Events[0].Status != StatusRead || d.Events[1].Status != StatusSent || d.Events[0].GetchatID == "" {
					t.Errorf("statuses = %+v", d.Events)
				}
			},
		},
		{
			file: "cloud_malformed_items.json", frameType: FrameWabaWebhook, shape: ShapeCloud,
			events: []want{{EventInbound, "16505551234", "wamid.GOOD", 1749416390}},
			problems: []string{
				"entry[0]",
				"entry[1].changes[0].value",
				"entry[1].changes[1].value.messages[0]",
				"entry[1].changes[1].value.messages[2]",
				"entry[1].changes[1].value.messages[3]",
				"entry[1].changes[1].value.statuses",
			},
		},
		{
			file: "ref:webhook_outgoing_messages.json", shape: ShapeFlat,
			events: []want{
				{EventOutbound, "48123123123", "gBGGSFEBeRJ_AglpKKJ1s123123", 1612372697},
				{EventOutbound, "48123123123", "gBGGSFEBeRJ_AgnJK-don123123", 1612372571},
			},
		},
		{
			file: "ref:webhook_assigned_messages.json", shape: ShapeFlat,
			events: []want{{EventInbound, "48123123123", "d9d2244d-3f31-4229-a7e0-ec38ebcc60bd", 0}},
		},
		{
			// "contacts": "..." is the docs' placeholder: reported, the
			// message is still read.
			file: "ref:rule_engine_incoming.json", shape: ShapeFlat,
			events:   []want{{EventInbound, "48123123123", "d9d2244d-3f31-4229-a7e0-ec38ebcc60bd", 0}},
			problems: []string{"contacts"},
		},
		{
			file: "ref:webhook_tagged_messages.json", shape: ShapeFlat,
			events: []want{{EventTagging, "48123123123", "gBGGSFEBeRJ_AglpKKJ1s123123", 1612372697}},
			check: func(t *testing.T, d Decoded) {
				if tg := d.Events[0].Tagging; tg.Action != TagAdded || tg.Tag.ID != 5 || tg.Tag.Name != "Agent needed" {
					t.Errorf("tagging = %+v", tg)
				}
			},
		},
		{
			file: "ref:webhook_tagged_chats.json", shape: ShapeFlat,
			events: []want{{EventTagging, "48123123123", "", 0}},
		},
		{
			// The message has only get.chat's id (no waba_payload): the
			// tagging names that id.
			file: "ref:rule_engine_tagged_messages.json", shape: ShapeFlat,
			events: []want{{EventTagging, "", "d9d2244d-3f31-4229-a7e0-ec38ebcc60be", 0}},
		},
		{
			file: "unknown_type.json", frameType: "typing_indicator", shape: ShapeFlat,
			events:   []want{{EventResolve, "48123123123", "", 0}},
			problems: []string{"type"},
		},
	}
	covered := map[string]bool{
		"control_token_success.json": true, "control_token_failed.json": true, "control_bad_request.json": true,
	}
	for _, tt := range tests {
		covered[tt.file] = true
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	for _, f := range files {
		if !covered[filepath.Base(f)] {
			t.Errorf("event example %s is not tested", filepath.Base(f))
		}
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, err := DecodeEvent(readEvent(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if d.FrameType != tt.frameType || d.Shape != tt.shape || d.Control != nil {
				t.Errorf("frame %q shape %q control %v; want %q %q", d.FrameType, d.Shape, d.Control, tt.frameType, tt.shape)
			}
			var got []want
			for _, e := range d.Events {
				var sec int64
				if !e.Time.IsZero() {
					sec = e.Time.Unix()
				}
				got = append(got, want{e.Kind, e.WaID, e.MessageID, sec})
				if e.Source == "" {
					t.Errorf("event without a source: %+v", e)
				}
			}
			if !equalWants(got, tt.events) {
				t.Errorf("events\n got %+v\nwant %+v", got, tt.events)
			}
			var paths []string
			for _, p := range d.Problems {
				paths = append(paths, p.Path)
			}
			if strings.Join(paths, ",") != strings.Join(tt.problems, ",") {
				t.Errorf("problems %v, want %v (%v)", paths, tt.problems, d.Problems)
			}
			if tt.check != nil && len(d.Events) == len(tt.events) {
				tt.check(t, d)
			}
		})
	}
}

func equalWants(a, b []want) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestDecodeControlFrames(t *testing.T) {
	tests := []struct {
		file   string
		typ    string
		status string
		ok     bool
	}{
		{"control_token_success.json", FrameToken, "success", true},
		{"control_token_failed.json", FrameToken, "failed", false},
		{"control_bad_request.json", FrameResponse, "bad_request", false},
	}
	for _, tt := range tests {
		d, err := DecodeEvent(readEvent(t, tt.file))
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if d.Control == nil || d.Control.Type != tt.typ || d.Control.Status != tt.status || d.Control.OK() != tt.ok || len(d.Events) != 0 {
			t.Errorf("%s: %+v", tt.file, d)
		}
	}
}

func TestDecodeEventEdges(t *testing.T) {
	for _, bad := range []string{``, `[]`, `"x"`, `null`, `{"type":5}`, `{"type":"waba_webhook","waba_payload":[1]}`, `{"type":"waba_webhook","waba_payload":"x"}`, `{`} {
		if d, err := DecodeEvent([]byte(bad)); err == nil {
			t.Errorf("%q: no error (%+v)", bad, d)
		}
	}
	for _, empty := range []string{`{}`, `{"type":"waba_webhook"}`, `{"type":"waba_webhook","waba_payload":null}`, `{"type":"getchat_webhook","waba_payload":{}}`, `{"unrelated":true}`} {
		d, err := DecodeEvent([]byte(empty))
		if err != nil || len(d.Events) != 0 || len(d.Problems) != 0 {
			t.Errorf("%q: %+v %v", empty, d, err)
		}
	}
	// A field documented as one object may come as an array.
	d, err := DecodeEvent([]byte(`{"chat_resolved":[{"wa_id":"1","resolved":true},{"resolved":true},{"wa_id":"2"}]}`))
	if err != nil || len(d.Events) != 2 || len(d.Problems) != 1 || d.Problems[0].Path != "chat_resolved[1]" {
		t.Errorf("array of objects: %+v %v", d, err)
	}
	// A bad tagging action is reported, not guessed.
	d, _ = DecodeEvent([]byte(`{"chat_tagging":{"action":"renamed","chat":"1","tag":{"id":1}}}`))
	if len(d.Events) != 0 || len(d.Problems) != 1 {
		t.Errorf("bad action: %+v", d)
	}
	// Nested and flat fields in one payload are both read.
	d, _ = DecodeEvent([]byte(`{"type":"waba_webhook","waba_payload":{"entry":[{"changes":[{"value":{"statuses":[{"id":"w1","status":"read","timestamp":"1","recipient_id":"9"}]}}]}],"chat_resolved":{"wa_id":"9","resolved":true}}}`))
	if len(d.Events) != 2 || d.Shape != ShapeCloud {
		t.Errorf("mixed: %+v", d)
	}
}

func TestDecodeEventBounded(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"statuses":[`)
	for i := 0; i < maxEvents+5; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"id":"w","status":"sent","recipient_id":"1","timestamp":1}`)
	}
	b.WriteString(`]}`)
	d, err := DecodeEvent([]byte(b.String()))
	if err != nil || len(d.Events) != maxEvents || len(d.Problems) != 1 {
		t.Errorf("events %d problems %d err %v", len(d.Events), len(d.Problems), err)
	}
}

func TestEventKindString(t *testing.T) {
	for k, s := range map[EventKind]string{EventInbound: "inbound", EventOutbound: "outbound", EventStatus: "status", EventAssignment: "assignment", EventTagging: "tagging", EventResolve: "resolve", 0: "EventKind(0)"} {
		if k.String() != s {
			t.Errorf("%d: %q", int(k), k.String())
		}
	}
}
