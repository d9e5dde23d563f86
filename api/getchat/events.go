package getchat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// EventKind says what an Event reports.
type EventKind int

const (
	// EventInbound is a message from the customer.
	EventInbound EventKind = iota + 1
	// EventOutbound is a message sent from the inbox (by any user or app).
	EventOutbound
	// EventStatus is a delivery status of an outgoing message.
	EventStatus
	// EventAssignment is a change of a chat's user and/or group.
	EventAssignment
	// EventTagging is a tag added to or removed from a chat or a message.
	EventTagging
	// EventResolve is a chat resolved (Resolved true) or reopened (false).
	EventResolve
)

func (k EventKind) String() string {
	switch k {
	case EventInbound:
		return "inbound"
	case EventOutbound:
		return "outbound"
	case EventStatus:
		return "status"
	case EventAssignment:
		return "assignment"
	case EventTagging:
		return "tagging"
	case EventResolve:
		return "resolve"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Event is one normalized fact from a websocket frame or a webhook body,
// whatever shape it came in.
type Event struct {
	Kind EventKind
	// Source is where in the payload the event was found, e.g.
	// "incoming_messages[0]" or "entry[0].changes[0].value.statuses[1]".
	Source string
	// WaID is the chat (the customer's WhatsApp id); it may be empty only
	// for a message tagging event, which names just the message.
	WaID string
	// MessageID is WhatsApp's message id (messages, statuses, message
	// taggings); GetchatID get.chat's own, when the payload has it.
	MessageID string
	GetchatID string
	// Time is when it happened, zero if the payload does not say.
	Time time.Time

	// Message is set for EventInbound and EventOutbound. A raw WABA
	// message (Cloud API or the flat "messages" field) is wrapped in a
	// Message with CustomerWaID and FromUs filled in.
	Message *Message
	// ContactName is the customer's profile name, when the payload has it.
	ContactName string

	// Status and Errors are set for EventStatus.
	Status string
	Errors []WABAError

	// Assignment is set for EventAssignment.
	Assignment *ChatAssignmentEvent

	// Tagging is set for EventTagging (Action "added" or "removed").
	Tagging *TaggingEvent

	// Resolved is the new state for EventResolve.
	Resolved bool
}

// Payload shapes DecodeEvent recognises.
const (
	// ShapeFlat is the published reference's waba_webhook payload (WABA
	// on-premise fields plus get.chat's own) and get.chat's
	// getchat_webhook payload.
	ShapeFlat = "flat"
	// ShapeCloud is the Cloud API's {object, entry[].changes[].value}.
	ShapeCloud = "cloud"
)

// Decoded is what one frame or webhook body held.
type Decoded struct {
	// FrameType is the frame's "type" ("" for a webhook body without one).
	FrameType string
	// Shape is ShapeFlat or ShapeCloud for a payload, "" for a control
	// frame or an empty payload.
	Shape string
	// Control is set for a "token" or "response" frame.
	Control *ControlFrame
	// Events are in payload order: get.chat's message lists first, then raw
	// WABA messages not already among them, statuses, then the chat events.
	Events []Event
	// Problems are the items skipped (and unknown frame types); the rest of
	// the payload is decoded regardless.
	Problems []ItemError
}

// maxEvents bounds what one payload can yield.
const maxEvents = 10000

// errTooMany is reported once when a payload holds more than maxEvents.
var errTooMany = errors.New("too many items in one payload; the rest were dropped")

// DecodeEvent decodes a websocket frame ({"type", "waba_payload"}), a
// control frame ({"type": "token"|"response", "status", "message"}), or a
// webhook body (the payload itself). It accepts both payload shapes,
// whatever the frame type says: the published reference's flat fields
// (contacts, messages, statuses, incoming_messages, outgoing_messages,
// assigned_messages, chat_assignment, chat_tagging, message_tagging,
// tagged_chats, tagged_messages) plus the web client's chat_resolved, and
// the Cloud API's entry[].changes[].value{contacts, messages, statuses}.
//
// It fails only when data is not a JSON object (or waba_payload is present
// but neither an object nor null). A malformed item is skipped and named in
// Problems; the others are still returned.
func DecodeEvent(data []byte) (Decoded, error) {
	var d Decoded
	var top map[string]json.RawMessage
	if err := unmarshalObject(data, &top); err != nil {
		return d, fmt.Errorf("event: %w", err)
	}
	payload := top
	if rawType, ok := top["type"]; ok {
		if err := json.Unmarshal(rawType, &d.FrameType); err != nil {
			return d, fmt.Errorf("event: type is not a string")
		}
	}
	switch d.FrameType {
	case FrameToken, FrameResponse:
		var c ControlFrame
		if err := json.Unmarshal(data, &c); err != nil {
			return d, fmt.Errorf("event: %s frame: %w", d.FrameType, err)
		}
		d.Control = &c
		return d, nil
	case "", FrameWabaWebhook, FrameGetchatWebhook:
	default:
		d.Problems = append(d.Problems, ItemError{Path: "type", Err: fmt.Errorf("unknown frame type %q", truncate(d.FrameType, 40))})
	}
	if raw, ok := top["waba_payload"]; ok {
		if isNull(raw) {
			return d, nil
		}
		payload = nil
		if err := unmarshalObject(raw, &payload); err != nil {
			return d, fmt.Errorf("event: waba_payload: %w", err)
		}
	} else if d.FrameType != "" {
		// A frame without a payload carries nothing.
		return d, nil
	}
	dec := decoder{d: &d, seen: map[string]bool{}}
	if rawEntries, ok := payload["entry"]; ok {
		d.Shape = ShapeCloud
		dec.cloud(rawEntries)
	}
	if dec.flat("", payload) && d.Shape == "" {
		d.Shape = ShapeFlat
	}
	return d, nil
}

type decoder struct {
	d *Decoded
	// seen holds the WhatsApp ids of messages already emitted, so the same
	// message in incoming_messages and messages yields one event.
	seen  map[string]bool
	names map[string]string // wa_id → profile name, from contacts
	full  bool
}

func (x *decoder) problem(path string, err error) {
	if len(x.d.Problems) < maxEvents {
		x.d.Problems = append(x.d.Problems, ItemError{Path: path, Err: err})
	}
}

func (x *decoder) emit(e Event) {
	if len(x.d.Events) >= maxEvents {
		if !x.full {
			x.full = true
			x.problem(e.Source, errTooMany)
		}
		return
	}
	x.d.Events = append(x.d.Events, e)
}

// cloud walks entry[].changes[].value, each value read as a flat payload.
func (x *decoder) cloud(raw json.RawMessage) {
	var entries []json.RawMessage
	if err := json.Unmarshal(raw, &entries); err != nil {
		x.problem("entry", errors.New("not an array"))
		return
	}
	for i, rawEntry := range entries {
		path := fmt.Sprintf("entry[%d]", i)
		var entry struct {
			Changes []json.RawMessage `json:"changes"`
		}
		if err := json.Unmarshal(rawEntry, &entry); err != nil {
			x.problem(path, errors.New("not an object with a changes array"))
			continue
		}
		for j, rawChange := range entry.Changes {
			cpath := fmt.Sprintf("%s.changes[%d]", path, j)
			var change struct {
				Value json.RawMessage `json:"value"`
			}
			if err := json.Unmarshal(rawChange, &change); err != nil {
				x.problem(cpath, errors.New("not an object"))
				continue
			}
			if len(change.Value) == 0 || isNull(change.Value) {
				continue
			}
			var value map[string]json.RawMessage
			if err := unmarshalObject(change.Value, &value); err != nil {
				x.problem(cpath+".value", err)
				continue
			}
			x.flat(cpath+".value.", value)
		}
	}
}

// flat decodes the fields of a flat payload (or of a Cloud API value) and
// reports whether any known field was present.
func (x *decoder) flat(prefix string, p map[string]json.RawMessage) bool {
	known := false
	has := func(k string) (json.RawMessage, bool) {
		v, ok := p[k]
		if ok {
			known = true
		}
		return v, ok && !isNull(v)
	}
	if raw, ok := has("contacts"); ok {
		x.contacts(prefix+"contacts", raw)
	}
	for _, f := range []string{"incoming_messages", "assigned_messages", "outgoing_messages"} {
		if raw, ok := has(f); ok {
			x.messages(prefix+f, raw, f == "outgoing_messages")
		}
	}
	if raw, ok := has("messages"); ok {
		x.wabaMessages(prefix+"messages", raw)
	}
	if raw, ok := has("statuses"); ok {
		x.statuses(prefix+"statuses", raw)
	}
	if raw, ok := has("chat_assignment"); ok {
		eachObject(x, prefix+"chat_assignment", raw, x.assignment)
	}
	for _, f := range []string{"chat_tagging", "message_tagging"} {
		if raw, ok := has(f); ok {
			eachObject(x, prefix+f, raw, func(path string, r json.RawMessage) {
				x.tagging(path, r, f == "message_tagging")
			})
		}
	}
	for _, f := range []string{"tagged_chats", "tagged_messages"} {
		if raw, ok := has(f); ok {
			eachObject(x, prefix+f, raw, func(path string, r json.RawMessage) {
				x.tagged(path, r, f == "tagged_messages")
			})
		}
	}
	if raw, ok := has("chat_resolved"); ok {
		eachObject(x, prefix+"chat_resolved", raw, x.resolved)
	}
	for _, f := range []string{"object", "metadata", "messaging_product", "user_availability"} {
		if _, ok := p[f]; ok {
			known = true
		}
	}
	return known
}

// eachObject calls fn for raw if it is an object, or for each element if it
// is an array (the reference documents these fields as one object; an
// array is accepted too).
func eachObject(x *decoder, path string, raw json.RawMessage, fn func(string, json.RawMessage)) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		var items []json.RawMessage
		if err := json.Unmarshal(raw, &items); err != nil {
			x.problem(path, err)
			return
		}
		for i, it := range items {
			fn(fmt.Sprintf("%s[%d]", path, i), it)
		}
		return
	}
	fn(path, raw)
}

// array splits raw into its elements, reporting a non-array.
func (x *decoder) array(path string, raw json.RawMessage) []json.RawMessage {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		x.problem(path, errors.New("not an array"))
		return nil
	}
	return items
}

func (x *decoder) contacts(path string, raw json.RawMessage) {
	for i, it := range x.array(path, raw) {
		var c ContactPayload
		if err := json.Unmarshal(it, &c); err != nil {
			x.problem(fmt.Sprintf("%s[%d]", path, i), err)
			continue
		}
		if c.WaID != "" && c.Profile.Name != "" {
			if x.names == nil {
				x.names = map[string]string{}
			}
			x.names[c.WaID] = c.Profile.Name
		}
	}
}

// messages decodes get.chat's message lists.
func (x *decoder) messages(path string, raw json.RawMessage, outgoing bool) {
	for i, it := range x.array(path, raw) {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		var m Message
		if err := unmarshalObject(it, &m); err != nil {
			x.problem(ipath, err)
			continue
		}
		if outgoing {
			m.FromUs = true
		}
		x.message(ipath, m)
	}
}

// wabaMessages decodes raw WABA messages (always inbound: WhatsApp reports
// only the customer's messages there).
func (x *decoder) wabaMessages(path string, raw json.RawMessage) {
	for i, it := range x.array(path, raw) {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		var p MessagePayload
		if err := unmarshalObject(it, &p); err != nil {
			x.problem(ipath, err)
			continue
		}
		m := Message{WabaPayload: p, CustomerWaID: p.From}
		if m.CustomerWaID == "" {
			m.CustomerWaID = p.WaID
		}
		x.message(ipath, m)
	}
}

func (x *decoder) message(path string, m Message) {
	waID := m.ChatID()
	key := m.Key()
	if waID == "" || key == "" {
		x.problem(path, errors.New("message without a chat or a message id"))
		return
	}
	if m.WabaPayload.ID != "" {
		if x.seen[key] {
			return
		}
		x.seen[key] = true
	}
	e := Event{
		Kind:      EventInbound,
		Source:    path,
		WaID:      waID,
		MessageID: string(m.WabaPayload.ID),
		GetchatID: string(m.ID),
		Time:      m.Time(),
		Message:   &m,
	}
	if m.FromUs {
		e.Kind = EventOutbound
	}
	if m.Contact != nil {
		e.ContactName = m.Contact.Name()
	}
	if e.ContactName == "" {
		e.ContactName = x.names[waID]
	}
	x.emit(e)
}

func (x *decoder) statuses(path string, raw json.RawMessage) {
	for i, it := range x.array(path, raw) {
		ipath := fmt.Sprintf("%s[%d]", path, i)
		var s StatusUpdate
		if err := unmarshalObject(it, &s); err != nil {
			x.problem(ipath, err)
			continue
		}
		if (s.ID == "" && s.GetchatID == "") || s.Status == "" {
			x.problem(ipath, errors.New("status without a message id or a status"))
			continue
		}
		x.emit(Event{
			Kind:      EventStatus,
			Source:    ipath,
			WaID:      s.RecipientID,
			MessageID: string(s.ID),
			GetchatID: string(s.GetchatID),
			Time:      s.Timestamp.Time,
			Status:    strings.ToLower(s.Status),
			Errors:    s.Errors,
		})
	}
}

func (x *decoder) assignment(path string, raw json.RawMessage) {
	var a ChatAssignmentEvent
	if err := unmarshalObject(raw, &a); err != nil {
		x.problem(path, err)
		return
	}
	if a.WaID == "" {
		x.problem(path, errors.New("assignment without wa_id"))
		return
	}
	x.emit(Event{Kind: EventAssignment, Source: path, WaID: a.WaID, Time: a.Timestamp.Time, Assignment: &a})
}

func (x *decoder) tagging(path string, raw json.RawMessage, message bool) {
	var t TaggingEvent
	if err := unmarshalObject(raw, &t); err != nil {
		x.problem(path, err)
		return
	}
	x.emitTagging(path, t, message)
}

func (x *decoder) emitTagging(path string, t TaggingEvent, message bool) {
	t.Action = strings.ToLower(t.Action)
	if t.Action != TagAdded && t.Action != TagRemoved {
		x.problem(path, fmt.Errorf("tagging action %q", truncate(t.Action, 20)))
		return
	}
	e := Event{Kind: EventTagging, Source: path, WaID: t.Chat, Time: t.Timestamp.Time, Tagging: &t}
	if message {
		e.MessageID = t.Message
		if t.Message == "" {
			x.problem(path, errors.New("message tagging without a message"))
			return
		}
	} else if t.Chat == "" {
		x.problem(path, errors.New("chat tagging without a chat"))
		return
	}
	x.emit(e)
}

// tagged decodes the deprecated tagged_chats / tagged_messages items:
// {new_tag (or tag), chat | message}, always an addition.
func (x *decoder) tagged(path string, raw json.RawMessage, message bool) {
	var it struct {
		NewTag  *Tag     `json:"new_tag"`
		Tag     *Tag     `json:"tag"`
		Chat    *Chat    `json:"chat"`
		Message *Message `json:"message"`
	}
	if err := unmarshalObject(raw, &it); err != nil {
		x.problem(path, err)
		return
	}
	t := TaggingEvent{Action: TagAdded}
	switch {
	case it.NewTag != nil:
		t.Tag = *it.NewTag
	case it.Tag != nil:
		t.Tag = *it.Tag
	default:
		x.problem(path, errors.New("tagging without a tag"))
		return
	}
	t.Extra = t.Tag.Extra
	if message {
		if it.Message == nil {
			x.problem(path, errors.New("tagged message without a message"))
			return
		}
		t.Message = string(it.Message.WabaPayload.ID)
		if t.Message == "" {
			t.Message = string(it.Message.ID)
		}
		t.Chat = it.Message.ChatID()
		t.Timestamp = it.Message.WabaPayload.Timestamp
	} else {
		if it.Chat == nil {
			x.problem(path, errors.New("tagged chat without a chat"))
			return
		}
		t.Chat = it.Chat.ID()
	}
	x.emitTagging(path, t, message)
}

func (x *decoder) resolved(path string, raw json.RawMessage) {
	var r ChatResolved
	if err := unmarshalObject(raw, &r); err != nil {
		x.problem(path, err)
		return
	}
	if r.WaID == "" {
		x.problem(path, errors.New("chat_resolved without wa_id"))
		return
	}
	x.emit(Event{Kind: EventResolve, Source: path, WaID: r.WaID, Resolved: r.Resolved})
}

// unmarshalObject decodes raw into v only if raw is a JSON object, so that
// an array or a string is reported rather than half-read.
func unmarshalObject(raw []byte, v any) error {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return fmt.Errorf("not a JSON object: %s", truncate(string(raw), 40))
	}
	return json.Unmarshal(raw, v)
}

func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }
