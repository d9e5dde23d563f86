package sandbox

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"
)

var simulatedLines = []string{
	"Hi, any news on my order?", "Thanks!", "Can you call me?", "On my way to the shop now", "Is it in stock?",
	"Perfect, thank you!", "Sorry, who is this?", "👍", "The tracking link doesn't work",
}

var simulatedHostile = []string{
	"\x1b[31mhello?\x1b[0m",
	"\x1b]8;;http://evil\x07click\x1b]8;;\x07",
	"pay 100\rpay 999",
	"\u202eevil text",
	"\u009b2J C1 clear",
}

// ErrBadWaID is Receive's answer to a wa_id that is not 6 to 15 digits.
var ErrBadWaID = errors.New("sandbox: a wa_id is 6 to 15 digits")

// Receive makes the customer waID write text now, as if from WhatsApp: a
// new number starts a chat named name; a resolved chat reopens. The
// message is pushed on the websocket. It returns get.chat's message id.
func (s *Server) Receive(waID, name, text string) (string, error) {
	if !validWaID(waID) {
		return "", ErrBadWaID
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowUnix()
	c := s.st.chatByID[waID]
	if c == nil {
		c = s.st.addChat(&chat{waID: waID, name: name, created: now})
	}
	m := &message{chat: c, ts: now, typ: "text", text: text, gid: s.st.uuid(), wamid: s.st.wamid(true)}
	s.st.addMessage(m)
	s.pushInbound(m)
	if c.resolved {
		c.resolved = false
		s.pushResolved(c)
	}
	return m.gid, nil
}

// simulate makes customers write every ~SimulateEvery (jittered) until ctx
// is done: mostly in chats active in the last two days, sometimes a new
// number, once in a while something hostile.
func (s *Server) simulate(ctx context.Context) {
	r := newRand(s.cfg.Seed, 2)
	every := s.cfg.SimulateEvery
	for {
		t := time.NewTimer(every/2 + time.Duration(r.Int64N(int64(every)+1)))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		s.simulateOnce(r)
	}
}

func (s *Server) simulateOnce(r *rand.Rand) {
	text := simulatedLines[r.IntN(len(simulatedLines))]
	if r.IntN(15) == 0 {
		text = simulatedHostile[r.IntN(len(simulatedHostile))]
	}
	s.mu.Lock()
	cutoff := s.nowUnix() - 2*day
	var cands []*chat
	for _, c := range s.st.chats {
		if c.lastTS() >= cutoff {
			cands = append(cands, c)
		}
	}
	s.mu.Unlock()
	if len(cands) == 0 || r.IntN(8) == 0 {
		waID := "4475" + string(rune('0'+r.IntN(10)))
		for len(waID) < 12 {
			waID += string(rune('0' + r.IntN(10)))
		}
		name := firstNames[r.IntN(len(firstNames))] + " " + lastNames[r.IntN(len(lastNames))]
		_, _ = s.Receive(waID, name, "Hello, I found this number on your website")
		return
	}
	c := cands[r.IntN(len(cands))]
	_, _ = s.Receive(c.waID, c.name, text)
}
