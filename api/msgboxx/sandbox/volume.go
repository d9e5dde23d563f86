package sandbox

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The most volume seedVolume generates. The sandbox holds everything in
// memory — about 0.6 KB a conversation with its contact and 0.13 KB a
// message once indexed — and generates it all before it serves, so these
// bound it to about 300 MB and a few seconds. mbx sandbox refuses more
// with words (CheckVolume); a library caller asking for more gets these.
const (
	MaxVolumeConversations = 250_000
	MaxVolumeMessages      = 1_000_000
)

// CheckVolume says, in words for the command line, what is wrong with
// asking for this many extra conversations and messages; nil when they
// can be generated.
func CheckVolume(conversations, messages int) error {
	switch {
	case conversations < 0 || messages < 0:
		return fmt.Errorf("--conversations and --messages count what to add: use 0 or more")
	case conversations > MaxVolumeConversations:
		return fmt.Errorf("--conversations %d is over the sandbox's limit of %d: it keeps everything in memory and would take about %d MB before it listens; use %d or fewer",
			conversations, MaxVolumeConversations, volumeMB(conversations, max(messages, conversations)), MaxVolumeConversations)
	case messages > MaxVolumeMessages:
		return fmt.Errorf("--messages %d is over the sandbox's limit of %d: it keeps everything in memory and would take about %d MB before it listens; use %d or fewer",
			messages, MaxVolumeMessages, volumeMB(conversations, messages), MaxVolumeMessages)
	}
	return nil
}

// volumeMB estimates the memory a volume takes, in MB (measured: 100,000
// conversations with 1,000,000 messages take about 190 MB of RSS).
func volumeMB(conversations, messages int) int {
	return 40 + (conversations*600+messages*130)>>20
}

// seedVolume adds Config.Conversations conversations (each with its own
// contact, in the api accounts the demo agent sees) and Config.Messages
// messages spread over them within HistoryDays, at most
// MaxVolumeConversations and MaxVolumeMessages. It is built for size:
// timestamps are drawn and sorted once, bodies come from a small pool and
// the store's indexes are built in one pass by reindex afterwards.
func seedVolume(st *store, now time.Time, cfg Config) {
	nConv := min(max(cfg.Conversations, 0), MaxVolumeConversations)
	nMsg := min(max(cfg.Messages, 0), MaxVolumeMessages)
	if nConv == 0 && nMsg == 0 {
		return
	}
	r := st.rng
	var visible []int // the demo agent's accounts
	for _, a := range st.accounts {
		if st.userByName[AgentUsername].sees(a.idx) {
			visible = append(visible, a.idx)
		}
	}
	histStart := now.Add(-time.Duration(cfg.HistoryDays) * day)

	var targets []*conversation
	if nConv == 0 {
		// Messages only: spread them over the existing conversations of the
		// visible accounts, or create some if there are none.
		for _, cv := range st.convs {
			if slices.Contains(visible, cv.account) {
				targets = append(targets, cv)
			}
		}
		if len(targets) == 0 {
			nConv = max(1, nMsg/10)
		}
	}
	if nConv > 0 {
		if nMsg < nConv {
			nMsg = nConv // every conversation starts with a message
		}
		targets = make([]*conversation, 0, nConv)
		st.contacts = slices.Grow(st.contacts, nConv)
		st.convs = slices.Grow(st.convs, nConv)
		teams := make([][]int, len(st.accounts))
		users := make([][]int, len(st.accounts))
		for _, a := range visible {
			teams[a] = st.teamsFor(a)
			users[a] = st.usersOf(a)
		}
		buf := make([]byte, 0, 16)
		for i := 0; i < nConv; i++ {
			acct := visible[i%len(visible)]
			buf = append(buf[:0], "+4474"...)
			buf = appendPadded(buf, i%100_000_000, 8)
			name := volumeFirst[i%len(volumeFirst)] + " " + volumeLast[(i/len(volumeFirst))%len(volumeLast)]
			c := &contact{
				id:      st.newID(),
				account: acct,
				mobile:  string(buf),
				name:    name,
				status:  "Subscribed",
				created: histStart.Add(-time.Duration(r.Int64N(int64(30 * day)))).Truncate(time.Microsecond),
			}
			st.putContact(c, false)
			a := st.accounts[acct]
			cv := st.newConversation(st.newID(), c, a.inboxes[i%len(a.inboxes)], time.Time{})
			switch n := r.IntN(100); {
			case n < 85:
			case n < 95:
				cv.folder = folderArchive
			default:
				cv.folder = folderSpam
			}
			switch n := r.IntN(10); {
			case n < 4:
				cv.user = users[acct][r.IntN(len(users[acct]))]
			case n < 7:
				cv.team = teams[acct][r.IntN(len(teams[acct]))]
			}
			targets = append(targets, cv)
		}
	}
	if nMsg == 0 || len(targets) == 0 {
		return
	}

	// Timestamps: uniform over the history, sorted once.
	span := now.Add(-time.Minute).Sub(histStart).Microseconds()
	base := toMicros(histStart)
	times := make([]int64, nMsg)
	for i := range times {
		times[i] = base + r.Int64N(span)
	}
	slices.Sort(times)
	// Conversations: each target gets at least one message (when there are
	// enough), the rest at random; shuffled over time.
	convOf := make([]int32, nMsg)
	for i := range convOf {
		if i < len(targets) {
			convOf[i] = int32(i)
		} else {
			convOf[i] = int32(r.IntN(len(targets)))
		}
	}
	r.Shuffle(len(convOf), func(i, j int) { convOf[i], convOf[j] = convOf[j], convOf[i] })

	pool := volumeBodies(r)
	senders := make([][]int16, len(st.accounts))
	for _, a := range st.accounts {
		for _, u := range st.usersOf(a.idx) {
			senders[a.idx] = append(senders[a.idx], int16(u))
		}
	}
	st.msgs = slices.Grow(st.msgs, nMsg)
	for i, at := range times {
		cv := targets[convOf[i]]
		m := message{
			id:      newUUID(r),
			at:      at,
			body:    pool[r.IntN(len(pool))],
			conv:    cv.idx,
			sender:  -1,
			account: uint16(cv.account),
			inbox:   uint16(cv.inbox),
		}
		if r.IntN(2) == 0 {
			m.flags = flagOutgoing
			ss := senders[cv.account]
			m.sender = ss[r.IntN(len(ss))]
			if r.IntN(100) == 0 {
				m.flags |= flagFailed
			}
		}
		st.msgs = append(st.msgs, m)
	}
}

func appendPadded(b []byte, n, width int) []byte {
	s := strconv.Itoa(n)
	for i := len(s); i < width; i++ {
		b = append(b, '0')
	}
	return append(b, s...)
}

// volumeBodies builds a small pool of message bodies from a word list.
func volumeBodies(r *rand.Rand) []string {
	pool := make([]string, 512)
	for i := range pool {
		n := 3 + r.IntN(10)
		words := make([]string, n)
		for j := range words {
			words[j] = volumeWords[r.IntN(len(volumeWords))]
		}
		s := strings.Join(words, " ")
		pool[i] = strings.ToUpper(s[:1]) + s[1:] + "."
	}
	return pool
}

var volumeFirst = []string{
	"Alice", "Ben", "Chloe", "Dev", "Erin", "Farah", "Gareth", "Hana", "Ian", "Jade", "Kofi", "Leah",
	"Marek", "Nia", "Owen", "Pia", "Quinn", "Raj", "Sian", "Tariq", "Uma", "Vik", "Wren", "Yusuf", "Zoe",
}

var volumeLast = []string{
	"Adams", "Baker", "Chen", "Dlamini", "Evans", "Flores", "Gallagher", "Hassan", "Ito", "Jensen",
	"Kaur", "Lopez", "Murphy", "Nowak", "Okoro", "Price", "Quigley", "Rossi", "Silva", "Tran",
	"Usman", "Varga", "Walsh", "Xu", "Young", "Zielinski",
}
