package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Snooze: the conversation leaves its views until it wakes — at a time,
// or when the customer writes — and never later than state.SnoozeMargin
// before its window closes while the customer waits, so the agent can
// still answer with free text (state/snooze.go). The dialog offers
// presets and takes a typed time ("14:30") or duration ("90m"), and says
// when the conversation will wake, and why when the window caps it.

// snoozePresets are the dialog's choices, in order.
var snoozePresets = []string{"1 hour", "3 hours", "Tomorrow 9:00", "Until the customer writes"}

// snoozeRequest is what preset i asks for at now.
func snoozeRequest(i int, now time.Time) state.SnoozeRequest {
	switch i {
	case 0:
		return state.SnoozeRequest{Until: now.Add(time.Hour)}
	case 1:
		return state.SnoozeRequest{Until: now.Add(3 * time.Hour)}
	case 2:
		y, m, d := now.Date()
		return state.SnoozeRequest{Until: time.Date(y, m, d+1, 9, 0, 0, 0, now.Location())}
	}
	return state.SnoozeRequest{UntilReply: true}
}

// parseSnooze reads a typed wake time: a duration ("90m", "2h30m") from
// now, or a clock time ("14:30", today, or tomorrow when it has passed).
func parseSnooze(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return time.Time{}, fmt.Errorf("%q is not ahead: type a time like 14:30 or a duration like 90m", s)
		}
		return now.Add(d), nil
	}
	t, err := time.Parse("15:04", s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither a time like 14:30 nor a duration like 90m", line(s))
	}
	y, m, d := now.Date()
	at := time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, now.Location())
	if !at.After(now) {
		at = at.AddDate(0, 0, 1)
	}
	return at, nil
}

// snoozeClock is a wake time as the dialog says it: "14:30" today, else
// "Tue 09:00".
func snoozeClock(t, now time.Time) string {
	if t = t.In(now.Location()); sameDay(t, now) {
		return t.Format("15:04")
	}
	return t.Format("Mon 15:04")
}

// describeBulkSnooze says when marked conversations wake, before each is
// capped by its window.
func describeBulkSnooze(r state.SnoozeRequest, now time.Time) string {
	if r.UntilReply {
		return "they wake when their customers write"
	}
	return "they wake at " + snoozeClock(r.Until, now) + " or when their customers write"
}

// describeSnooze says when a snooze wakes, in the agent's words.
func describeSnooze(p state.SnoozePlan, now time.Time) string {
	at := func(t time.Time) string { return snoozeClock(t, now) }
	margin := fmt.Sprintf("%d min before the window closes", int(state.SnoozeMargin.Minutes()))
	switch {
	case p.UntilReply && p.Capped:
		return "wakes when the customer writes, or at " + at(p.Wake) + ", " + margin
	case p.UntilReply:
		return "wakes when the customer writes"
	case p.Capped:
		return "wakes at " + at(p.Wake) + ", " + margin
	}
	return "wakes at " + at(p.Wake) + " (or when the customer writes)"
}

// snoozeWindowLine says how the window bounds a snooze of conv at now.
func snoozeWindowLine(conv state.Conversation, now time.Time) string {
	if limit, ok := state.SnoozeCap(conv, now); ok {
		closes := limit.Add(state.SnoozeMargin).In(now.Location())
		return fmt.Sprintf("The customer is waiting and the window closes %s: it wakes by %s at the latest, in time to answer.",
			closes.Format("Mon 15:04"), limit.In(now.Location()).Format("Mon 15:04"))
	}
	if state.WindowAt(conv.WindowExpiry(), now).Open() {
		return "The last message is ours: it sleeps until the time chosen or the customer's next message."
	}
	return "The window is closed: it sleeps until the time chosen or the customer's next message."
}

// snoozeDialog chooses when a conversation wakes, or the marked ones
// (ids: more than one; conv is then zero): each wakes at the time chosen
// or its customer's next message, capped by its own window.
type snoozeDialog struct {
	km      KeyMap
	conv    state.Conversation
	ids     []string
	now     time.Time // when it opened: presets count from here
	cursor  int
	input   textinput.Model
	err     string
	sending bool
}

// snoozeAction: snooze the conversations as asked.
type snoozeAction struct {
	ids []string
	req state.SnoozeRequest
}

// bulkSnoozedMsg: marked conversations were snoozed, some perhaps not.
type bulkSnoozedMsg struct {
	req     state.SnoozeRequest
	plans   map[string]state.SnoozePlan // by id, the snoozed
	failed  []string                    // ids, in the order asked
	reasons map[string]error
	now     time.Time
}

// snoozedMsg: the snooze was written (or refused).
type snoozedMsg struct {
	plan state.SnoozePlan
	err  error
}

func newSnoozeDialog(km KeyMap, conv state.Conversation, now time.Time) *snoozeDialog {
	in := newInput()
	in.Prompt = "Or type: "
	in.Placeholder = "14:30 or 90m"
	in.CharLimit = 20
	in.SetWidth(20)
	in.Focus()
	return &snoozeDialog{km: km, conv: conv, now: now, input: in}
}

// request is what the dialog would ask now: the typed time, else the
// highlighted preset.
func (d *snoozeDialog) request() (state.SnoozeRequest, error) {
	if v := strings.TrimSpace(d.input.Value()); v != "" {
		t, err := parseSnooze(v, d.now)
		return state.SnoozeRequest{Until: t}, err
	}
	return snoozeRequest(d.cursor, d.now), nil
}

func (d *snoozeDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case snoozedMsg:
		d.sending = false
		if m.err != nil {
			d.err = m.err.Error()
			return nil, nil
		}
		return nil, closeDialog{flash: "Snoozed " + line(d.conv.Label()) + ": " + describeSnooze(m.plan, d.now)}
	case tea.KeyPressMsg:
		switch {
		case key.Matches(m, d.km.Close):
			return nil, closeDialog{}
		case key.Matches(m, d.km.PickerUp):
			d.cursor = (d.cursor + len(snoozePresets) - 1) % len(snoozePresets)
			return nil, nil
		case key.Matches(m, d.km.PickerDown):
			d.cursor = (d.cursor + 1) % len(snoozePresets)
			return nil, nil
		case key.Matches(m, d.km.Choose):
			r, err := d.request()
			if err == nil {
				_, err = state.PlanSnooze(d.conv, r, d.now) // several: each is capped when written
			}
			if err != nil {
				d.err = err.Error()
				return nil, nil
			}
			d.sending, d.err = true, ""
			if len(d.ids) > 1 {
				return nil, snoozeAction{ids: d.ids, req: r}
			}
			return nil, snoozeAction{ids: []string{d.conv.ID}, req: r}
		}
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(m)
		d.err = ""
		return cmd, nil
	case tea.PasteMsg:
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(m)
		return cmd, nil
	}
	return nil, nil
}

func (d *snoozeDialog) Bounds() (int, int) { return 64, 14 }

func (d *snoozeDialog) Waiting() (bool, bool) { return d.sending, false }

func (d *snoozeDialog) View(v viewCtx) string {
	st, w, h := v.st, v.w, v.h
	inner := max(10, w-4)
	title, window := "Snooze "+line(d.conv.Label()), snoozeWindowLine(d.conv, d.now)
	if len(d.ids) > 1 {
		title = "Snooze " + plural(len(d.ids), "marked conversation")
		window = fmt.Sprintf("Each sleeps until the time chosen or its customer's next message; one whose customer is waiting wakes %d min before its window closes, if that is sooner.",
			int(state.SnoozeMargin.Minutes()))
	}
	lines := []string{st.title.Render(fit(title, inner))}
	for _, l := range wrap(window, inner) {
		lines = append(lines, st.muted.Render(l))
	}
	typed := strings.TrimSpace(d.input.Value()) != ""
	for i, p := range snoozePresets {
		text := fit("  "+p, inner)
		if i == d.cursor && !typed {
			text = st.itemCursor.Render(fit(glyphCursor+" "+p, inner))
		}
		lines = append(lines, text)
	}
	lines = append(lines, fit(d.input.View(), inner))
	switch r, err := d.request(); {
	case d.err != "":
		lines = append(lines, st.errorS.Render(fit(line(d.err), inner)))
	case err != nil:
		lines = append(lines, st.warning.Render(fit(line(err.Error()), inner)))
	default:
		if p, err := state.PlanSnooze(d.conv, r, d.now); err != nil {
			lines = append(lines, st.warning.Render(fit(line(err.Error()), inner)))
		} else {
			text := describeSnooze(p, d.now)
			if len(d.ids) > 1 {
				text = describeBulkSnooze(r, d.now)
			}
			lines = append(lines, st.accent.Render(fit(text, inner)))
		}
	}
	lines = append(lines, "", st.muted.Render(fit(hint([]key.Binding{d.km.PickerUp, d.km.PickerDown}, "choose", d.km.Choose, "snooze", d.km.Close, "close"), inner)))
	return st.dialog.Render(fitBlock(lines, inner, min(max(1, h-2), len(lines))))
}

// openSnooze opens the snooze dialog for the open conversation, else the
// marked ones, else the selected one.
func (a *App) openSnooze() tea.Cmd {
	if ids := a.targets(); len(ids) > 1 {
		if a.list.view.Snoozed {
			return a.flash("These are snoozed: "+keyName(a.keys.Unsnooze)+" wakes them", false)
		}
		d := newSnoozeDialog(a.keys, state.Conversation{}, a.d.Now())
		d.ids = ids
		return a.push(d, nil)
	}
	conv, ok := a.target()
	if !ok {
		return a.flash("Open or select a conversation first", true)
	}
	if !conv.SnoozedUntil.IsZero() {
		return a.flash(line(conv.Label())+" is snoozed: "+keyName(a.keys.Unsnooze)+" wakes it", false)
	}
	return a.push(newSnoozeDialog(a.keys, conv, a.d.Now()), nil)
}

func (a *App) handleSnoozeAction(e *dialogEntry, act snoozeAction) tea.Cmd {
	core := a.core
	if len(act.ids) == 1 {
		return to(e.id, func() tea.Msg {
			p, err := core.Snooze(act.ids[0], act.req)
			return snoozedMsg{plan: p, err: err}
		})
	}
	// Several: the dialog closes; the list says how it went.
	a.popTo(e.id)
	a.bar.busy = "snoozing " + plural(len(act.ids), "conversation") + "…"
	now := a.d.Now()
	return tea.Batch(func() tea.Msg {
		m := bulkSnoozedMsg{req: act.req, plans: map[string]state.SnoozePlan{}, reasons: map[string]error{}, now: now}
		for _, id := range act.ids {
			p, err := core.Snooze(id, act.req)
			if err != nil {
				m.failed = append(m.failed, id)
				m.reasons[id] = err
				continue
			}
			m.plans[id] = p
		}
		return m
	}, a.afterDialogs())
}

// handleBulkSnoozed unmarks the snoozed conversations (the others stay
// marked) and says how it went.
func (a *App) handleBulkSnoozed(m bulkSnoozedMsg) tea.Cmd {
	a.bar.busy = ""
	capped := 0
	snoozed := make([]string, 0, len(m.plans))
	for id, p := range m.plans {
		snoozed = append(snoozed, id)
		if p.Capped {
			capped++
		}
	}
	a.list.Unmark(snoozed)
	text := ""
	if n := len(m.plans); n > 0 {
		text = "Snoozed " + plural(n, "conversation") + " till their customers write"
		if !m.req.UntilReply {
			text = "Snoozed " + plural(n, "conversation") + " till " + snoozeClock(m.req.Until, m.now) + " or a reply"
		}
		if capped > 0 {
			text += fmt.Sprintf(" (%d capped by their windows)", capped)
		}
	}
	if len(m.failed) > 0 {
		id := m.failed[0]
		label := id
		for _, c := range a.list.rows {
			if c.ID == id {
				label = c.Label()
			}
		}
		who := line(label)
		if n := len(m.failed); n > 1 {
			who += fmt.Sprintf(" and %d more", n-1)
		}
		// What needs the agent first: the status bar may cut the rest
		// (the message log, f2, keeps it whole).
		why := "Not snoozed (still marked): " + who + " — " + line(state.Cause(m.reasons[id]))
		if text != "" {
			why += "; " + text
		}
		return a.flash(why, true)
	}
	return a.flash(text, false)
}

// unsnoozedMsg: conversations were woken by the agent.
type unsnoozedMsg struct {
	n   int
	err error
}

// unsnooze wakes the marked (or selected) conversations of the Snoozed
// view, or of a section that lists snoozed ones (snoozed:yes or any).
func (a *App) unsnooze() tea.Cmd {
	if !a.list.view.Snoozed && (a.list.view.Query == nil || !slices.ContainsFunc(a.list.view.Query.Terms(),
		func(t state.QueryTerm) bool { return t.Key == "snoozed" && t.Value != "no" && !t.Neg })) {
		return a.flash("Snoozed conversations are in the Snoozed view ("+keyName(a.keys.Snoozed)+")", true)
	}
	ids := a.targets()
	if len(ids) == 0 {
		return a.flash("Nothing is snoozed", false)
	}
	core := a.core
	return func() tea.Msg {
		for i, id := range ids {
			if err := core.Unsnooze(id); err != nil {
				return unsnoozedMsg{n: i, err: err}
			}
		}
		return unsnoozedMsg{n: len(ids)}
	}
}

func (a *App) handleUnsnoozed(m unsnoozedMsg) tea.Cmd {
	clear(a.list.marked)
	if m.err != nil {
		return a.flash("cannot wake: "+m.err.Error(), true)
	}
	return a.flash("Woke "+plural(m.n, "conversation")+": back in their views", false)
}

// wakeDueCmd wakes the snoozed conversations due at now (the minute
// tick); the store publishes them, and the views follow.
func wakeDueCmd(core Core, now time.Time) tea.Cmd {
	return func() tea.Msg {
		_, _ = core.WakeDue(now) // a failure is tried again at the next tick
		return nil
	}
}

// snoozeBadge is a snoozed row's badge: when it wakes ("z 14:30", "z Mon
// 09:00"; "z reply" when only the customer wakes it, "z reply·14:30"
// when the customer or the window's cap does).
func snoozeBadge(c state.Conversation, now time.Time) string {
	if state.SnoozeForever(c.SnoozedUntil) {
		return "z reply"
	}
	if c.SnoozeReply {
		return "z reply·" + snoozeClock(c.SnoozedUntil, now)
	}
	return "z " + snoozeClock(c.SnoozedUntil, now)
}
