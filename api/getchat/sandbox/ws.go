package sandbox

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// The websocket at "/": the first client frame is {"token": "…"}; the
// server answers a "token" frame (success or failed) or a "response"
// bad_request frame, then pushes events. Each client has a bounded queue;
// one that does not keep up is dropped, never waited for.

type wsClient struct {
	base     string
	user     int
	send     chan []byte
	killed   chan struct{}
	killOnce sync.Once
	abrupt   bool // set before killed closes: close without a close frame
	conn     *websocket.Conn
}

// kill ends the client: abruptly (the connection cut at once, which also
// ends a write blocked on a client that does not read) or with a close
// frame.
func (c *wsClient) kill(abrupt bool) {
	c.killOnce.Do(func() {
		c.abrupt = abrupt
		close(c.killed)
		if abrupt {
			go c.conn.CloseNow()
		}
	})
}

type hub struct {
	mu      sync.Mutex
	buf     int
	clients map[*wsClient]struct{}
	dropped int
}

func newHub(buf int) *hub { return &hub{buf: buf, clients: map[*wsClient]struct{}{}} }

func (h *hub) add(c *wsClient) {
	h.mu.Lock()
	h.clients[c] = struct{}{}
	h.mu.Unlock()
}

func (h *hub) remove(c *wsClient) {
	h.mu.Lock()
	delete(h.clients, c)
	h.mu.Unlock()
}

// bases lists the distinct base URLs of the connected clients.
func (h *hub) bases() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	seen := map[string]bool{}
	var out []string
	for c := range h.clients {
		if !seen[c.base] {
			seen[c.base] = true
			out = append(out, c.base)
		}
	}
	return out
}

// send queues a frame for every client without ever blocking: a client
// whose queue is full is dropped.
func (h *hub) send(frames map[string][]byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		b, ok := frames[c.base]
		if !ok {
			continue
		}
		select {
		case c.send <- b:
		default:
			delete(h.clients, c)
			h.dropped++
			c.kill(true)
		}
	}
}

func (h *hub) closeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.clients {
		delete(h.clients, c)
		c.kill(false)
	}
}

// WebsocketClients is the number of authenticated websocket clients.
func (s *Server) WebsocketClients() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return len(s.hub.clients)
}

// WebsocketDropped counts clients dropped for not keeping up.
func (s *Server) WebsocketDropped() int {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.hub.dropped
}

// DropWebsockets cuts every websocket connection without a close frame (a
// network failure, for reconnect tests).
func (s *Server) DropWebsockets() {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	for c := range s.hub.clients {
		delete(s.hub.clients, c)
		c.kill(true)
	}
}

type controlFrame struct {
	Type    string `json:"type"`
	Status  string `json:"status"`
	Message string `json:"message"`
}

const authTimeout = 30 * time.Second

func (s *Server) serveWebsocket(w http.ResponseWriter, r *http.Request) {
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			writeJSON(w, http.StatusMethodNotAllowed, detail(`Method "`+r.Method+`" not allowed.`))
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("get.chat sandbox: the REST API is under /api/v1/; connect a websocket here and send {\"token\": \"…\"} first.\n"))
		return
	}
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return
	}
	defer conn.CloseNow()
	conn.SetReadLimit(64 << 10)

	ctx, cancel := context.WithTimeout(r.Context(), authTimeout)
	_, data, err := conn.Read(ctx)
	cancel()
	if err != nil {
		return
	}
	write := func(f controlFrame) {
		b, _ := json.Marshal(f)
		wctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
		defer cancel()
		_ = conn.Write(wctx, websocket.MessageText, b)
	}
	var first struct {
		Token *string `json:"token"`
	}
	if json.Unmarshal(data, &first) != nil || first.Token == nil {
		write(controlFrame{"response", "bad_request", `The first message must be a JSON object {"token": "…"}.`})
		conn.Close(websocket.StatusPolicyViolation, "bad request")
		return
	}
	u := s.userByToken(*first.Token)
	if u == nil || *first.Token == "" {
		write(controlFrame{"token", "failed", "Invalid token."})
		conn.Close(websocket.StatusPolicyViolation, "invalid token")
		return
	}
	cl := &wsClient{base: baseURL(r), user: u.id, send: make(chan []byte, s.hub.buf), killed: make(chan struct{}), conn: conn}
	// Registered before the success frame, so that nothing that happens
	// after the client reads "success" is missed.
	s.hub.add(cl)
	defer s.hub.remove(cl)
	write(controlFrame{"token", "success", "Token authentication successful."})

	readCtx := conn.CloseRead(context.Background())
	for {
		select {
		case b := <-cl.send:
			wctx, cancel := context.WithTimeout(readCtx, 10*time.Second)
			err := conn.Write(wctx, websocket.MessageText, b)
			cancel()
			if err != nil {
				return
			}
		case <-cl.killed:
			if !cl.abrupt {
				conn.Close(websocket.StatusGoingAway, "server shutting down")
			}
			return
		case <-readCtx.Done():
			return
		}
	}
}

// --- events ---

// publish renders one frame per connected base URL and queues it. Called
// with s.mu held (the renderers read the store).
func (s *Server) publish(frameType string, build func(base string) any) {
	bases := s.hub.bases()
	if len(bases) == 0 {
		return
	}
	frames := make(map[string][]byte, len(bases))
	for _, b := range bases {
		v := map[string]any{"type": frameType, "waba_payload": build(b)}
		data, err := json.Marshal(v)
		if err != nil {
			continue
		}
		frames[b] = data
	}
	s.hub.send(frames)
}

// getchatType is the frame type of get.chat's own events: waba_webhook in
// the flat format (the reference's only frame type), getchat_webhook in
// the cloud format.
func (s *Server) getchatType() string {
	if s.cfg.EventFormat == "cloud" {
		return "getchat_webhook"
	}
	return "waba_webhook"
}

const (
	sandboxWABAID      = "102290129340398"
	sandboxPhoneNumber = "447700900000"
	sandboxPhoneID     = "106540352242922"
)

func cloudEnvelope(value map[string]any) map[string]any {
	value["messaging_product"] = "whatsapp"
	value["metadata"] = map[string]any{"display_phone_number": sandboxPhoneNumber, "phone_number_id": sandboxPhoneID}
	return map[string]any{
		"object": "whatsapp_business_account",
		"entry": []any{map[string]any{
			"id":      sandboxWABAID,
			"changes": []any{map[string]any{"field": "messages", "value": value}},
		}},
	}
}

func contactsOf(c *chat) []any {
	return []any{wContactPayload{Profile: wProfileName{Name: c.name}, WaID: c.waID}}
}

func (s *Server) pushInbound(m *message) {
	now := s.nowUnix()
	if s.cfg.EventFormat == "cloud" {
		s.publish("waba_webhook", func(base string) any {
			return cloudEnvelope(map[string]any{"contacts": contactsOf(m.chat), "messages": []any{payload(base, m)}})
		})
		return
	}
	s.publish("waba_webhook", func(base string) any {
		return map[string]any{
			"contacts":          contactsOf(m.chat),
			"messages":          []any{payload(base, m)},
			"incoming_messages": []any{s.renderMessage(base, nil, m, now)},
		}
	})
}

func (s *Server) pushOutgoing(m *message) {
	now := s.nowUnix()
	s.publish(s.getchatType(), func(base string) any {
		return map[string]any{"outgoing_messages": []any{s.renderMessage(base, nil, m, now)}}
	})
}

var levelNames = [...]string{"accepted", "sent", "delivered", "read", "failed"}

func (s *Server) pushStatus(m *message, lvl int, at int64) {
	st := map[string]any{
		"id":           m.wamid,
		"getchat_id":   m.gid,
		"recipient_id": m.chat.waID,
		"status":       levelNames[lvl],
		"timestamp":    strconv.FormatInt(at, 10),
	}
	if lvl == lvlFailed {
		st["errors"] = []any{map[string]any{"code": 131026, "title": "Message undeliverable",
			"details": "The recipient's phone number is not a WhatsApp account."}}
	}
	if s.cfg.EventFormat == "cloud" {
		s.publish("waba_webhook", func(string) any { return cloudEnvelope(map[string]any{"statuses": []any{st}}) })
		return
	}
	s.publish("waba_webhook", func(string) any { return map[string]any{"statuses": []any{st}} })
}

// pushAssignment records a change of c's assignment and pushes it.
func (s *Server) pushAssignment(c *chat, oldUser *user, oldGroup *group, by *user) {
	ev := &assignEvent{ts: s.nowUnix(), chat: c, userSet: c.user, groupSet: c.group,
		userCleared: oldUser != nil && c.user == nil, groupCleared: oldGroup != nil && c.group == nil, by: by}
	s.st.assignEvents = append(s.st.assignEvents, ev)
	s.publish(s.getchatType(), func(base string) any {
		return map[string]any{"chat_assignment": renderAssignEvent(base, ev)}
	})
}

// pushTagging records a tag added to or removed from c and pushes it.
func (s *Server) pushTagging(c *chat, t *tag, action string, by *user) {
	ev := &tagEvent{ts: s.nowUnix(), chat: c, tag: t, action: action, by: by}
	s.st.tagEvents = append(s.st.tagEvents, ev)
	s.publish(s.getchatType(), func(base string) any {
		return map[string]any{"chat_tagging": renderTagEvent(base, ev)}
	})
}

func (s *Server) pushResolved(c *chat) {
	resolved := c.resolved
	s.publish(s.getchatType(), func(string) any {
		return map[string]any{"chat_resolved": map[string]any{"wa_id": c.waID, "resolved": resolved}}
	})
}

// Tick pushes the statuses that the clock has reached since the last tick.
// Every request ticks first; Run ticks twice a second; tests with a fake
// clock move it and call Tick.
func (s *Server) Tick() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tickLocked()
}

func (s *Server) tickLocked() {
	now := s.nowUnix()
	keep := s.st.pending[:0]
	for _, m := range s.st.pending {
		lvl := m.level(now)
		for l := m.announced + 1; l <= lvl; l++ {
			var at int64
			switch l {
			case lvlSent:
				at = m.sentAt
			case lvlDelivered:
				at = m.deliveredAt
			case lvlRead:
				at = m.readAt
			case lvlFailed:
				at = m.failedAt
			}
			if at == 0 {
				continue
			}
			s.pushStatus(m, l, at)
		}
		if lvl > m.announced {
			m.announced = lvl
		}
		if m.announced < m.finalLevel() {
			keep = append(keep, m)
		}
	}
	clear(s.st.pending[len(keep):])
	s.st.pending = keep
}
