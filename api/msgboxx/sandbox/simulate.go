package sandbox

import (
	"context"
	"math/rand/v2"
	"time"
)

var simulatedReplies = []string{
	"Thanks!", "Can we move it to Thursday?", "Yes that works for me", "On my way", "Running 5 mins late sorry",
	"What time do I start?", "Ok great", "👍", "Is the job still available?", "Can you call me?",
	"I've sent the documents", "See you tomorrow", "Perfect, thank you!", "Sorry, who is this?",
}

var simulatedOpeners = []string{
	"Hi, I saw your advert for warehouse staff, is it still open?",
	"Hello, a friend gave me this number about driving jobs",
	"Hi, do you have any weekend shifts?",
}

var simulatedHostile = []string{
	"\x1b[31mhello?\x1b[0m",
	"\x1b]8;;http://evil\x07click\x1b]8;;\x07",
	"pay 100\rpay 999",
	"👩‍👩‍👧‍👦🇬🇧 see you soon",
	"\u202eevil text",
}

// MinSimulateEvery is the shortest mean interval the simulator keeps: a
// shorter one (1ns) would make it a busy loop that holds the store's lock
// most of the time. mbx sandbox refuses under 10ms with words.
const MinSimulateEvery = time.Millisecond

// simulateEvery is the simulator's mean interval: SimulateEvery, at least
// MinSimulateEvery.
func (c Config) simulateEvery() time.Duration { return max(c.SimulateEvery, MinSimulateEvery) }

// simulate makes customers write in every ~SimulateEvery (jittered; at
// least MinSimulateEvery) until ctx is done. Outgoing statuses need no
// work: they are derived lazily.
func (s *Server) simulate(ctx context.Context) {
	r := newRand(s.cfg.Seed, 2)
	every := s.cfg.simulateEvery()
	for {
		d := every/2 + time.Duration(r.Int64N(int64(every)+1))
		t := time.NewTimer(d)
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
	now := s.now()
	text := simulatedReplies[r.IntN(len(simulatedReplies))]
	if r.IntN(20) == 0 {
		text = simulatedHostile[r.IntN(len(simulatedHostile))]
	}
	contactID := ""
	if r.IntN(100) >= 15 {
		contactID = s.recentContact(r, now)
	}
	if contactID == "" {
		contactID = s.newSimulatedContact(r, now)
		text = simulatedOpeners[r.IntN(len(simulatedOpeners))]
	}
	if contactID != "" {
		_, _ = s.Receive(contactID, text)
	}
}

// recentContact picks a contact whose conversation saw activity in the
// last two days.
func (s *Server) recentContact(r *rand.Rand, now time.Time) string {
	cutoff := toMicros(now.Add(-48 * time.Hour))
	s.st.mu.RLock()
	defer s.st.mu.RUnlock()
	var cands []*conversation
	for _, cv := range s.st.convs {
		if n := len(cv.msgs); n > 0 && s.st.msgs[cv.msgs[n-1]].at >= cutoff {
			cands = append(cands, cv)
		}
	}
	if len(cands) == 0 {
		return ""
	}
	return cands[r.IntN(len(cands))].contact.id.String()
}

// newSimulatedContact creates a brand-new contact (mostly in an account the
// demo agent sees) who is about to write in.
func (s *Server) newSimulatedContact(r *rand.Rand, now time.Time) string {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if len(s.st.accounts) == 0 {
		return ""
	}
	acct := 0
	if r.IntN(5) == 0 {
		acct = r.IntN(len(s.st.accounts))
	} else if s.agent != nil && len(s.agent.accounts) > 0 {
		acct = s.agent.accounts[r.IntN(len(s.agent.accounts))]
	}
	g := &demoGen{st: s.st, r: r, now: now, numbers: map[string]bool{}}
	ctry := g.country()
	var mobile string
	for {
		mobile = g.mobile(*ctry)
		if s.st.contactByNumber[numberKey{acct, mobile}] == nil {
			break
		}
	}
	c := &contact{
		id:      s.st.newID(),
		account: acct,
		mobile:  mobile,
		name:    ctry.names[r.IntN(len(ctry.names))],
		status:  "Presubscribed",
		created: now,
	}
	s.st.putContact(c, true)
	return c.id.String()
}
