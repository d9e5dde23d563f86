package ui

// Benchmarks of what a key press costs the UI: one frame of the
// conversation list at 1k, 100k and 1M conversations, one list step, one
// thread scroll step in a 5,000-message thread, and the same work done by
// stock bubbles (list, soft-wrapped viewport) for comparison
// (ARCHITECTURE.md, house style 10). They only run with -bench:
//
//	go test -run '^$' -bench . -benchmem ./ui/
//
// Every benchmark records its time and bytes per operation, so that the
// ratios reported (1M/1k, stock/ours) come from one run. A ratio whose
// other side was filtered out with -bench is measured on the spot.

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/viewport"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

var benchNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// benchSink keeps the compiler from dropping a rendered frame.
var benchSink string

// benchResult is one benchmark's cost per operation.
type benchResult struct{ ns, bytes float64 }

var benchResults = map[string]benchResult{}

// measureLoop runs step in b.Loop and records its cost under key.
func measureLoop(b *testing.B, key string, step func()) {
	b.Helper()
	b.ReportAllocs()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	for b.Loop() {
		step()
	}
	runtime.ReadMemStats(&ms)
	n := float64(b.N)
	benchResults[key] = benchResult{
		ns:    float64(b.Elapsed().Nanoseconds()) / n,
		bytes: float64(ms.TotalAlloc-before) / n,
	}
}

// result is key's recorded cost. When that benchmark did not run (left
// out by -bench), it is measured here: setup builds the step, which runs
// for about half a second. (testing.Benchmark cannot be used from inside
// a benchmark: it waits for the lock the running benchmark holds.)
func result(tb testing.TB, key string, setup func(testing.TB) func()) benchResult {
	tb.Helper()
	if r, ok := benchResults[key]; ok {
		return r
	}
	step := setup(tb)
	step() // warm
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	n, start := 0, time.Now()
	for n < 3 || time.Since(start) < 500*time.Millisecond {
		step()
		n++
	}
	elapsed := time.Since(start)
	runtime.ReadMemStats(&ms)
	r := benchResult{ns: float64(elapsed.Nanoseconds()) / float64(n), bytes: float64(ms.TotalAlloc-before) / float64(n)}
	benchResults[key] = r
	return r
}

// reportRatio reports a/b for time and bytes as metrics of b.
func reportRatio(b *testing.B, name string, num, den benchResult) {
	b.Helper()
	if den.ns > 0 {
		b.ReportMetric(num.ns/den.ns, "x_time_"+name)
	}
	if den.bytes > 0 {
		b.ReportMetric(num.bytes/den.bytes, "x_bytes_"+name)
	}
}

// benchSizes are the real pane sizes at a terminal size, from layout().
func benchSizes(w, h int) (listW, listH, threadW, threadH int) {
	a := &App{list: newConvList(), thread: newThreadView(), comp: newComposer(KeyMap{}), bar: newStatusBar("")}
	a.width, a.height, a.ready = w, h, true
	a.layout()
	return a.list.width, a.list.height, a.thread.width, a.thread.height
}

// ---- synthetic data ----

var benchNames = []string{
	"Ana Lima", "山本 美咲 👩‍👩‍👧", "Chloé Martin", "Олександр Коваленко", "Björn Ångström",
	"李小龙", "Zoë 🐝 O'Neill", "", "Priya Raghunathan-Subramanian", "Kwame Mensah 🇬🇭",
	"محمد العلي", "Dr. Jean-Baptiste Poquelin de la Fontaine", "김민준", "Sam", "José 🚲 Álvarez",
}

var benchPreviews = []string{
	"Hi, is the *2 bedroom* flat on King St still available?",
	"明日の面接は大丈夫です 👍🏽",
	"Thanks!",
	"Can I still apply? I sent the forms yesterday but heard nothing back from anyone at the office",
	"Merci, à demain !",
	"📷 Photo",
	"The courier says the parcel was delivered to the wrong address again, can you check the tracking number",
	"ok 👌",
	"Можна перенести зустріч на п'ятницю?",
	"_Invoice 2026-1142_ attached — please confirm receipt",
	"我们下周二可以见面吗？🙂",
	"Yes it is! When would you like to view it?",
}

// benchConv is conversation i of a synthetic inbox. Its fields depend on
// i modulo small numbers only, so a window deep in 1M conversations draws
// the same kind of rows as one in 1k.
func benchConv(i int) state.Conversation {
	c := state.Conversation{
		ID:            fmt.Sprintf("c%07d", i),
		AccountID:     "a1",
		ContactID:     fmt.Sprintf("k%07d", i),
		ContactName:   benchNames[i%len(benchNames)],
		ContactNumber: fmt.Sprintf("+4479%08d", i),
		Folder:        state.FolderInbox,
		Preview:       benchPreviews[i%len(benchPreviews)],
		PreviewOut:    i%5 == 2,
		MetaKnown:     true,
	}
	if i%3 == 0 {
		c.Unread = i%7 + 1
	}
	switch i % 4 {
	case 0:
		c.UserID = "u1"
	case 1:
		c.TeamID = "t1"
	case 3:
		c.UserID = "u2"
	}
	// Activity from minutes to weeks ago: today's times, weekdays, dates.
	c.LastActivity = benchNow.Add(-time.Duration(i%500) * 41 * time.Minute)
	switch i % 6 {
	case 0, 1, 2: // open
		c.LastInbound = benchNow.Add(-time.Duration(i%20) * time.Hour)
	case 3: // closing soon
		c.LastInbound = benchNow.Add(-23 * time.Hour)
	case 4: // closed
		c.LastInbound = benchNow.Add(-time.Duration(25+i%200) * time.Hour)
	} // 5: never wrote: closed
	if c.LastInbound.After(c.LastActivity) {
		c.LastActivity = c.LastInbound
	}
	return c
}

// benchList is the list the app would hold at the size with total
// conversations and the cursor in the middle: the window of rows around
// the visible ones as the store would load them (listLoadedMsg).
func benchList(tb testing.TB, total, w, h int) convList {
	tb.Helper()
	l := newConvList()
	l.SetSize(w, h)
	l.focused = true
	l.users["u1"], l.users["u2"] = "Helen Smith", "Alex Agent"
	l.teams["t1"] = "Head Office"
	// The agent moved deep into the list: cursor on the middle row of the
	// total, the screen scrolled to follow it; then the store answered
	// with the window around it.
	l.total, l.loaded = total, true
	l.cursor = total / 2
	l.scrollToCursor()
	off, limit := l.window()
	rows := make([]state.Conversation, 0, limit)
	for i := off; i < min(total, off+limit); i++ {
		rows = append(rows, benchConv(i))
	}
	l.SetRows(listLoadedMsg{view: state.View{Folder: state.FolderInbox}, total: total, offset: off, rows: rows, focus: -1})
	for i := l.top; i < l.top+l.visibleRows(); i += 5 {
		l.marked[benchConv(i).ID] = markEntry{seq: i + 1}
	}
	if l.needsLoad() || l.cursor != total/2 {
		tb.Fatalf("bench list: window [%d,%d) does not cover top %d, cursor %d", l.offset, l.offset+len(l.rows), l.top, l.cursor)
	}
	checkFrame(tb, l.View(newStyles(true), benchNow), w, h)
	return l
}

// checkFrame fails unless the frame is h lines of at most w cells with no
// row placeholder (a row outside the loaded window). A line narrower than
// w is logged: the pane's border pads it, but it means a row was cut
// short (fit after ansi.Truncate stops before a wide character).
func checkFrame(tb testing.TB, frame string, w, h int) {
	tb.Helper()
	lines := strings.Split(frame, "\n")
	if len(lines) != h {
		tb.Fatalf("frame has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		switch n := ansi.StringWidth(l); {
		case n > w:
			tb.Fatalf("line %d is %d cells, over %d: %q", i, n, w, ansi.Strip(l))
		case n < w:
			note(tb, fmt.Sprintf("note: a line is %d cells, not %d: %q", n, w, ansi.Strip(l)))
		}
		if strings.TrimSpace(ansi.Strip(l)) == "…" {
			tb.Fatalf("line %d is a placeholder: the window is not loaded", i)
		}
	}
}

var noted = map[string]bool{}

// note logs a finding once per run, not once per benchmark.
func note(tb testing.TB, msg string) {
	tb.Helper()
	if !noted[msg] {
		noted[msg] = true
		tb.Log(msg)
	}
}

var benchSentences = []string{
	"Hi, is the *2 bedroom* flat on King St still available?",
	"Thursday after 5 would be great 🙂",
	"明日の面接は大丈夫です 👍🏽 よろしくお願いします。",
	"The courier left the parcel with a neighbour at number 14, but nobody is home there until the weekend.",
	"Please find the _updated_ contract attached; clause 7 changed, the rest is ~the same~ unchanged.",
	"Run ```make deploy``` again after the `config.toml` fix and tell me what it prints.",
	"我们下周二下午三点在办公室见面，可以吗？",
	"👩‍👩‍👧 family of three, 🐕 one small dog, 🚲 two bikes — is there storage?",
	"Можна перенести зустріч на п'ятницю? Дякую!",
	"See https://example.com/listings/king-st_2_bed?ref=wa for the photos.",
}

// benchBody is a message body: mostly short, one in seven long (500 to
// 2,000 characters), with markup, emoji and CJK.
func benchBody(i int) string {
	switch {
	case i%7 == 3:
		target := 500 + (i*389)%1501
		var b strings.Builder
		for j := 0; b.Len() < target; j++ {
			if j > 0 {
				b.WriteString(" ")
			}
			if j%9 == 8 {
				b.WriteString("\n")
			}
			b.WriteString(benchSentences[(i+j)%len(benchSentences)])
		}
		return b.String()
	case i%4 == 0:
		return []string{"ok 👍", "Thanks!", "👍🏽", "Yes", "見ました", "On my way 🚗"}[i%6]
	}
	s := benchSentences[i%len(benchSentences)]
	if i%3 == 0 {
		s += " " + benchSentences[(i+1)%len(benchSentences)]
	}
	return s
}

// benchMessages is a thread of n messages over about 60 days, oldest first.
func benchMessages(n int) []state.Message {
	msgs := make([]state.Message, n)
	start := benchNow.Add(-60 * 24 * time.Hour)
	step := 60 * 24 * time.Hour / time.Duration(n)
	for i := range msgs {
		m := state.Message{
			ID: fmt.Sprintf("m%05d", i), ConversationID: "c1", AccountID: "a1", ContactID: "k1",
			Body: benchBody(i), Time: start.Add(time.Duration(i) * step),
		}
		if i%5 < 2 || i%11 == 0 {
			m.Direction = state.Outbound
			m.Sender = []string{"Alex Agent", "Helen Smith", ""}[i%3]
			m.Status = state.StatusRead
			switch i % 13 {
			case 1:
				m.Status = state.StatusDelivered
			case 2:
				m.Status = state.StatusSent
			case 3:
				m.Status, m.Reason = state.StatusFailed, "refused by the platform: the number is not on WhatsApp"
			}
			m.Template = i%17 == 0
		}
		if i >= n-3 && m.Direction == state.Outbound {
			m.Status = state.StatusPending
		}
		msgs[i] = m
	}
	return msgs
}

// benchThread is an open thread of n messages at the size, scrolled up
// from the bottom by scrollFrac of its height, every message rendered
// (a warm cache).
func benchThread(tb testing.TB, n, w, h int, st styles) (threadView, int) {
	tb.Helper()
	t := newThreadView()
	t.SetSize(w, h)
	conv := state.Conversation{ID: "c1", AccountID: "a1", ContactID: "k1", ContactName: "Ana Lima",
		ContactNumber: "+447902111123", LastInbound: benchNow.Add(-2 * time.Hour), LastActivity: benchNow}
	t.Open(conv)
	t.Set(threadLoadedMsg{conv: conv, msgs: benchMessages(n)})
	all := t.layout(st, benchNow).total() // renders and caches every message
	return t, all
}

// ---- conversation list ----

var listCases = []struct {
	name  string
	total int
}{{"1k", 1_000}, {"100k", 100_000}, {"1M", 1_000_000}}

// listViewStep is one frame of the list pane at 120x40 holding total
// conversations.
func listViewStep(total int) func(testing.TB) func() {
	return func(tb testing.TB) func() {
		lw, lh, _, _ := benchSizes(120, 40)
		l := benchList(tb, total, lw, lh)
		st := newStyles(true)
		return func() { benchSink = l.View(st, benchNow) }
	}
}

// BenchmarkListView is one frame of the list pane at 120x40, deep in a
// view of 1k, 100k and 1M conversations (goal: at most 0.5 ms). The last,
// 1M, also reports its ratio to 1k (goal: at most 1.5) as x_time_1M/1k.
func BenchmarkListView(b *testing.B) {
	for _, c := range listCases {
		b.Run(c.name, func(b *testing.B) {
			key := "ListView/" + c.name
			measureLoop(b, key, listViewStep(c.total)(b))
			if c.total == 1_000_000 {
				small := result(b, "ListView/1k", listViewStep(1_000))
				large := benchResults[key]
				reportRatio(b, "1M/1k", large, small)
				b.Logf("ListView 1M %.0f ns/op, 1k %.0f ns/op: 1M/1k = %.3f", large.ns, small.ns, large.ns/small.ns)
			}
		})
	}
}

// BenchmarkListScrollStep is one j press in the list: Move(1) and a frame,
// deep in 100k conversations. When the cursor leaves the loaded window the
// store would load the next one (off the UI's path); the benchmark puts
// the list back where it started instead.
func BenchmarkListScrollStep(b *testing.B) {
	lw, lh, _, _ := benchSizes(120, 40)
	start := benchList(b, 100_000, lw, lh)
	st := newStyles(true)
	l := start
	measureLoop(b, "ListScrollStep", func() {
		l.Move(1)
		benchSink = l.View(st, benchNow)
		if l.needsLoad() {
			l = start
		}
	})
}

// benchItem is a conversation as a stock list item.
type benchItem struct{ title, desc string }

func (i benchItem) Title() string       { return i.title }
func (i benchItem) Description() string { return i.desc }
func (i benchItem) FilterValue() string { return i.title }

// BenchmarkStockBubblesList100k is one View of a stock bubbles list
// holding the same 100,000 conversations at the same size, the cursor in
// the middle; it reports the ratio to BenchmarkListView/100k.
func BenchmarkStockBubblesList100k(b *testing.B) {
	lw, lh, _, _ := benchSizes(120, 40)
	const total = 100_000
	items := make([]list.Item, total)
	for i := range items {
		c := benchConv(i)
		win := state.WindowAt(c.WindowExpiry(), benchNow)
		items[i] = benchItem{
			title: line(c.Label()) + "  " + shortWindow(win) + " " + relTime(c.LastActivity, benchNow),
			desc:  line(c.Preview),
		}
	}
	m := list.New(items, list.NewDefaultDelegate(), lw, lh)
	m.Title = "Inbox"
	m.Select(total / 2)
	measureLoop(b, "StockBubblesList100k", func() { benchSink = m.View() })
	ours := result(b, "ListView/100k", listViewStep(total))
	stock := benchResults["StockBubblesList100k"]
	reportRatio(b, "stock/ours", stock, ours)
	b.Logf("stock list %.0f ns/op %.0f B/op, ours %.0f ns/op %.0f B/op", stock.ns, stock.bytes, ours.ns, ours.bytes)
}

// ---- thread ----

// BenchmarkThreadScroll5000 is one scroll step in a thread of 5,000
// messages at 120x40 (Scroll and a frame, the cache warm), near the
// bottom and in the middle. Steps alternate up and down so that every
// iteration costs the same.
func BenchmarkThreadScroll5000(b *testing.B) {
	for _, pos := range []string{"bottom", "middle"} {
		b.Run(pos, func(b *testing.B) {
			measureLoop(b, "ThreadScroll5000/"+pos, threadScrollStep(pos)(b))
		})
	}
}

// threadScrollStep is one scroll step of a 5,000-message thread at
// 120x40, near the bottom or in the middle, alternately up and down.
func threadScrollStep(pos string) func(testing.TB) func() {
	return func(tb testing.TB) func() {
		_, _, tw, th := benchSizes(120, 40)
		st := newStyles(true)
		t, all := benchThread(tb, 5000, tw, th, st)
		if pos == "middle" {
			t.scroll = all / 2
		}
		checkFrame(tb, t.View(st, benchNow), tw, th)
		d := 1
		return func() {
			t.Scroll(d, st, benchNow)
			benchSink = t.View(st, benchNow)
			d = -d
		}
	}
}

// benchThreadText is the thread as one text for a viewport: each message
// rendered once (styles, markup, ticks), bodies unwrapped.
func benchThreadText(msgs []state.Message, st styles) string {
	var b strings.Builder
	for i, m := range msgs {
		if i == 0 || !sameDay(msgs[i-1].Time, m.Time) {
			b.WriteString(st.daySep.Render("── "+dayLabel(m.Time, benchNow)+" ──") + "\n")
		}
		when := m.Time.Format("15:04")
		if m.Direction == state.Inbound {
			b.WriteString(st.meta.Render(when) + "\n")
		} else {
			sender := m.Sender
			if sender == "" {
				sender = "You"
			}
			b.WriteString(st.meta.Render(sender+" · "+when) + " " + st.tick(m.Status) + "\n")
		}
		for _, l := range strings.Split(state.Sanitize(m.Body), "\n") {
			b.WriteString(RenderMarkup(l, st.markup) + "\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}

// BenchmarkStockViewport5000 is one scroll step of a stock soft-wrapped
// viewport holding the same 5,000 messages rendered to text once, near
// the bottom and in the middle; it reports the ratio to
// BenchmarkThreadScroll5000.
func BenchmarkStockViewport5000(b *testing.B) {
	for _, pos := range []string{"bottom", "middle"} {
		b.Run(pos, func(b *testing.B) {
			_, _, tw, th := benchSizes(120, 40)
			st := newStyles(true)
			vp := viewport.New(viewport.WithWidth(tw), viewport.WithHeight(th-2)) // as our thread: a header and a rule above
			vp.SoftWrap = true
			vp.SetContent(benchThreadText(benchMessages(5000), st))
			vp.GotoBottom()
			if !vp.AtBottom() || vp.YOffset() == 0 {
				b.Fatalf("viewport: not at the bottom of a long text (offset %d of %d lines)", vp.YOffset(), vp.TotalLineCount())
			}
			d := -1 // near the bottom: up, then down
			if pos == "middle" {
				vp.SetYOffset(vp.YOffset() / 2)
				d = 1
			}
			benchSink = vp.View()
			key := "StockViewport5000/" + pos
			measureLoop(b, key, func() {
				if d > 0 {
					vp.ScrollDown(1)
				} else {
					vp.ScrollUp(1)
				}
				benchSink = vp.View()
				d = -d
			})
			ours := result(b, "ThreadScroll5000/"+pos, threadScrollStep(pos))
			stock := benchResults[key]
			reportRatio(b, "stock/ours", stock, ours)
			b.Logf("stock viewport %.0f ns/op %.0f B/op, ours %.0f ns/op %.0f B/op", stock.ns, stock.bytes, ours.ns, ours.bytes)
		})
	}
}
