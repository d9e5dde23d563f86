package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// helpSection is a titled group of keys on the help screen.
type helpSection struct {
	title string
	keys  []key.Binding
}

// helpSections is the help for where the focus is first, then the rest:
// the composer's keys lead when help was opened from it.
func helpSections(k KeyMap, f focus) []helpSection {
	move := helpSection{"Moving", []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.HalfPageUp, k.HalfPageDown, k.Open, k.Back, k.NextPane, k.PrevPane}}
	act := helpSection{"On the conversation (or the marked ones)", []key.Binding{k.Reply, k.Template, k.Assign, k.AssignToMe, k.Tags, k.Files, k.MoveArchive, k.MoveSpam, k.MoveBack, k.Mark,
		k.Undo, k.Retry, k.RescueSend, k.Snooze, k.Unsnooze}}
	goTo := helpSection{"Folders and views", []key.Binding{k.Inbox, k.Archive, k.Spam, k.Mine, k.Unassigned, k.ClosingSoon, k.Failed, k.Rescue, k.Snoozed}}
	// Unread (unread.go): the filter with the views, the jump with the moves,
	// the mark with the actions.
	goTo.keys = append(goTo.keys, k.UnreadOnly)
	move.keys = append(move.keys, k.NextUnread)
	act.keys = append(act.keys, k.MarkUnread)
	global := helpSection{"Anywhere", []key.Binding{k.Search, k.NextResult, k.PrevResult, k.Contacts, k.Sync, k.SwitchAccount, k.Help, k.Quit}}
	comp := helpSection{"Writing a reply", []key.Binding{k.Send, k.Newline, k.Editor, k.SavedResponse, k.Attach, k.ComposerHelp, k.LeaveComposer}}
	dialogs := helpSection{"In pickers and forms (letters type text)", []key.Binding{k.Choose, k.Close, k.PickerUp, k.PickerDown, k.NextField, k.PrevField, k.PrevOption, k.NextOption, k.NewContact, k.EditTags, k.OpenFile}}
	// Bulk work (bulk.go).
	act.keys = append(act.keys, k.MarkAll, k.ClearMarks, k.BulkResults)
	global.keys = append(global.keys, k.MessageLog)
	dialogs.keys = append(dialogs.keys, k.MarkMatches)
	goTo.keys = append(goTo.keys, k.Board) // the supervisor board (board.go)
	switch f {
	case focusComposer:
		return []helpSection{comp, dialogs, act, move, goTo, global}
	case focusSidebar:
		return []helpSection{goTo, move, global, act, comp, dialogs}
	}
	return []helpSection{move, act, goTo, global, comp, dialogs}
}

// helpDialog is the help screen for where the focus was when it opened:
// every key, in as many columns as fit, scrolled with the movement keys
// when it is taller than the terminal.
type helpDialog struct {
	km     KeyMap
	focus  focus
	scroll int
	h      int // rows of keys shown at the last size
	lines  int // rows of keys in all
}

func (d *helpDialog) Waiting() (bool, bool) { return false, true }
func (d *helpDialog) Bounds() (int, int)    { return 100, 1 << 16 }

func (d *helpDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil, nil
	}
	km := d.km
	switch {
	case key.Matches(k, km.Help, km.ComposerHelp, km.Back, km.Close, km.Quit):
		return nil, closeDialog{}
	case key.Matches(k, km.Down, km.PickerDown):
		d.scroll++
	case key.Matches(k, km.Up, km.PickerUp):
		d.scroll--
	case key.Matches(k, km.HalfPageDown):
		d.scroll += max(1, d.h/2)
	case key.Matches(k, km.HalfPageUp):
		d.scroll -= max(1, d.h/2)
	case key.Matches(k, km.Top):
		d.scroll = 0
	case key.Matches(k, km.Bottom):
		d.scroll = d.lines
	}
	d.scroll = max(0, min(d.scroll, d.lines-d.h))
	return nil, nil
}

func (d *helpDialog) View(v viewCtx) string {
	title := map[focus]string{focusComposer: "Composer", focusThread: "Thread", focusSidebar: "Folders and views"}[d.focus]
	if title == "" {
		title = "Conversations"
	}
	w := max(10, v.w-4)
	body := helpLines(v.st, helpSections(d.km, d.focus), w)
	foot := v.st.muted.Render(hint(d.km.Help, "closes") + " · keys change in config.toml's [keys] (README)")
	d.h = max(1, v.h-2-3) // the border, the title and its gap, the foot
	d.lines = len(body)
	d.scroll = max(0, min(d.scroll, d.lines-d.h))
	shown := body[d.scroll:min(len(body), d.scroll+d.h)]
	head := v.st.title.Render("Keys — " + title)
	if d.lines > d.h {
		more := fmt.Sprintf("%d–%d of %d · %s/%s scroll", d.scroll+1, d.scroll+len(shown), d.lines, keyName(d.km.Down), keyName(d.km.Up))
		head = spread(head, v.st.muted.Render(more), w)
	}
	lines := append([]string{head, ""}, shown...)
	for len(lines) < d.h+2 && d.lines > d.h {
		lines = append(lines, "")
	}
	lines = append(lines, wrap(foot, w)[0])
	return v.st.paneFocused.Render(fitBlock(lines, v.w-2, min(v.h-2, len(lines))))
}

// helpLines lays the sections out: a title, then the enabled keys in as
// many columns as the width takes, top to bottom.
func helpLines(st styles, secs []helpSection, w int) []string {
	var out []string
	for _, s := range secs {
		var ks []key.Binding
		kw, dw := 0, 0
		for _, b := range s.keys {
			if !b.Enabled() || b.Help().Key == "" {
				continue
			}
			ks = append(ks, b)
			kw = max(kw, lipWidth(b.Help().Key))
			dw = max(dw, lipWidth(b.Help().Desc))
		}
		if len(ks) == 0 {
			continue
		}
		if len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, st.title.Render(s.title))
		colW := kw + 1 + dw + 3
		cols := max(1, min(3, (w+3)/colW))
		rows := (len(ks) + cols - 1) / cols
		for r := 0; r < rows; r++ {
			var b strings.Builder
			for c := 0; c < cols; c++ {
				i := c*rows + r
				if i >= len(ks) {
					break
				}
				h := ks[i].Help()
				cell := st.key.Render(fmt.Sprintf("%-*s", kw, h.Key)) + " " + st.keyDesc.Render(h.Desc)
				if c < cols-1 {
					cell = fit(cell, colW)
				}
				b.WriteString(cell)
			}
			out = append(out, fit(b.String(), w))
		}
	}
	return out
}
