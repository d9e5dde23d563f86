package state

import "fmt"

// Undo: a move or an assignment the agent takes back a moment later. It
// is worked out from the conversations as they were before the change
// (folder, user, team) and is itself a change, or two, made with Apply
// like any other: a move goes back to the folder each conversation came
// from, an assignment back to the previous user and team, or to nobody
// where the platform can take an assignee away (Unassigner). Where the
// platform cannot go back, UndoOf says why and the UI does not offer it.

// UndoStep is one Apply that takes a change back for some conversations.
// Steps run in order.
type UndoStep struct {
	IDs    []string
	Change Change
}

// UndoOf returns the steps that take ch back for the conversations it
// changed, as they were before it (before). Conversations ch left as
// they were need nothing. It returns an error in words when the platform
// cannot put one of them back; then nothing is to be offered.
func UndoOf(before []Conversation, ch Change, caps Capabilities) ([]UndoStep, error) {
	var first, then []UndoStep // unassigning goes first: an assignment after it must stay
	add := func(steps *[]UndoStep, id string, c Change) {
		for i := range *steps {
			if (*steps)[i].Change == c {
				(*steps)[i].IDs = append((*steps)[i].IDs, id)
				return
			}
		}
		*steps = append(*steps, UndoStep{IDs: []string{id}, Change: c})
	}
	for _, c := range before {
		if ch.Folder != "" && c.Folder != ch.Folder {
			if err := canFile(c.Folder, caps); err != nil {
				return nil, err
			}
			add(&then, c.ID, Change{Folder: c.Folder})
		}
		if ch.UserID == "" && ch.TeamID == "" && !ch.Unassign {
			continue
		}
		user, team := assignedAfter(c, ch, caps)
		if user == c.UserID && team == c.TeamID {
			continue
		}
		switch {
		case c.UserID == "" && c.TeamID == "":
			if !caps.Unassign {
				return nil, fmt.Errorf("the platform cannot take an assignee away")
			}
			add(&first, c.ID, Change{Unassign: true})
		case c.UserID != "" && c.TeamID != "":
			add(&then, c.ID, Change{UserID: c.UserID, TeamID: c.TeamID})
		case caps.UserAndTeam && (c.UserID == "" && user != "" || c.TeamID == "" && team != ""):
			// Assigning keeps the other one on this platform: it has to be
			// taken away first.
			if !caps.Unassign {
				return nil, fmt.Errorf("the platform cannot take an assignee away")
			}
			add(&first, c.ID, Change{Unassign: true})
			add(&then, c.ID, Change{UserID: c.UserID, TeamID: c.TeamID})
		default:
			add(&then, c.ID, Change{UserID: c.UserID, TeamID: c.TeamID})
		}
	}
	return append(first, then...), nil
}

// assignedAfter is the user and team c has after ch (Apply's rules: on a
// platform with both at once, a person keeps the team and a team keeps
// the person; elsewhere one replaces the other).
func assignedAfter(c Conversation, ch Change, caps Capabilities) (user, team string) {
	switch {
	case ch.Unassign:
		return "", ""
	case ch.UserID != "" && ch.TeamID != "":
		return ch.UserID, ch.TeamID
	case ch.UserID != "" && caps.UserAndTeam:
		return ch.UserID, c.TeamID
	case ch.TeamID != "" && caps.UserAndTeam:
		return c.UserID, ch.TeamID
	case ch.UserID != "":
		return ch.UserID, ""
	case ch.TeamID != "":
		return "", ch.TeamID
	}
	return c.UserID, c.TeamID
}

// canFile reports whether the platform can put a conversation back in f.
func canFile(f Folder, caps Capabilities) error {
	switch {
	case caps.Folders:
		return nil
	case caps.Resolve && f != FolderSpam:
		return nil
	}
	return fmt.Errorf("the platform cannot put a conversation back in %s", f)
}
