package ui

import (
	"encoding/json"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// Restart where you were: the folder or view, the conversation under the
// cursor and the open one are kept in the account's store (Core.SetUIPlace,
// at most once a second while they change, and at quit) and restored at
// the next start — unless the agent has pressed a key by then: the inbox
// never moves under keys typed at the start.

// place is where the agent was.
type place struct {
	View     string `json:"view"`               // the sidebar entry's key
	Selected string `json:"selected,omitempty"` // the conversation under the cursor, when the agent chose it
	Open     string `json:"open,omitempty"`     // the open conversation
}

// placeLoadedMsg: the place kept by the last run.
type placeLoadedMsg struct{ p place }

// placeConvMsg: the conversation to reopen, as stored now.
type placeConvMsg struct{ conv state.Conversation }

// placeSaveMsg: time to keep the place (placeEvery after it changed).
type placeSaveMsg struct{}

// placeEvery is how often, at most, the place is written while it changes.
const placeEvery = time.Second

func loadPlaceCmd(core Core) tea.Cmd {
	return func() tea.Msg {
		s, err := core.UIPlace()
		var p place
		if err != nil || s == "" || json.Unmarshal([]byte(s), &p) != nil {
			return nil // nothing kept, or unreadable: start at the inbox
		}
		return placeLoadedMsg{p}
	}
}

// currentPlace is where the agent is now.
func (a *App) currentPlace() place {
	p := place{View: a.side.active, Selected: a.list.Following(), Open: a.thread.conv.ID}
	if state.IsNewConversation(p.Open) || a.previewing { // a preview was not opened
		p.Open = ""
	}
	return p
}

// keepPlace writes the place when it changed: at once without a ticker
// (tests), else once placeEvery has passed.
func (a *App) keepPlace() tea.Cmd {
	if a.restoring != nil || !a.sideLoaded {
		return nil // not before the kept one was taken (or given up)
	}
	p := a.currentPlace()
	if p == a.keptPlace || a.placeDue {
		return nil
	}
	if cmd := a.d.Tick(placeEvery, func(time.Time) tea.Msg { return placeSaveMsg{} }); cmd != nil {
		a.placeDue = true
		return cmd
	}
	return a.writePlace()
}

// writePlace writes the current place now.
func (a *App) writePlace() tea.Cmd {
	a.placeDue = false
	p := a.currentPlace()
	if p == a.keptPlace {
		return nil
	}
	a.keptPlace = p
	core := a.core
	b, _ := json.Marshal(p)
	return func() tea.Msg {
		_ = core.SetUIPlace(string(b)) // a place not kept is a start at the inbox, nothing lost
		return nil
	}
}

// handlePlaceLoaded takes the kept place once the sidebar has its entries.
func (a *App) handlePlaceLoaded(m placeLoadedMsg) tea.Cmd {
	if a.touched {
		return nil
	}
	a.restoring = &m.p
	return a.restorePlace()
}

// restorePlace goes to the kept place if it still exists and the agent
// has not started elsewhere.
func (a *App) restorePlace() tea.Cmd {
	p := a.restoring
	if p == nil || !a.sideLoaded {
		return nil
	}
	a.restoring = nil
	a.keptPlace = *p
	if a.touched {
		return nil
	}
	var cmds []tea.Cmd
	for _, e := range a.side.entries {
		if e.key == p.View && e.key != a.side.active {
			a.side.Activate(e.key)
			a.list.Reset(e.view)
			break
		}
	}
	if p.Selected != "" {
		a.list.pinned = true
	}
	cmds = append(cmds, a.reloadList(p.Selected))
	if p.Open != "" {
		core, id := a.core, p.Open
		cmds = append(cmds, func() tea.Msg {
			c, ok, err := core.Conversation(id)
			if err != nil || !ok {
				return nil
			}
			return placeConvMsg{c}
		})
	}
	return tea.Batch(cmds...)
}

func (a *App) handlePlaceConv(m placeConvMsg) tea.Cmd {
	if a.touched || a.thread.conv.ID != "" && !a.previewing { // a preview gives way to the kept conversation
		return nil
	}
	return a.openConversation(m.conv, focusThread)
}
