package state

import (
	"reflect"
	"testing"
)

func TestUndoOf(t *testing.T) {
	folders := Capabilities{Folders: true}
	resolve := Capabilities{Resolve: true, Unassign: true, UserAndTeam: true}
	conv := func(id string, f Folder, user, team string) Conversation {
		return Conversation{ID: id, Folder: f, UserID: user, TeamID: team}
	}
	tests := []struct {
		name    string
		before  []Conversation
		ch      Change
		caps    Capabilities
		want    []UndoStep
		wantErr bool
	}{
		{"archive goes back to each folder", []Conversation{conv("c1", FolderInbox, "", ""), conv("c2", FolderSpam, "", ""), conv("c3", FolderInbox, "", "")},
			Change{Folder: FolderArchive}, folders,
			[]UndoStep{{IDs: []string{"c1", "c3"}, Change: Change{Folder: FolderInbox}}, {IDs: []string{"c2"}, Change: Change{Folder: FolderSpam}}}, false},
		{"already there: nothing", []Conversation{conv("c1", FolderArchive, "", "")}, Change{Folder: FolderArchive}, folders, nil, false},
		{"resolve is undone by reopening", []Conversation{conv("c1", FolderInbox, "", "")}, Change{Folder: FolderArchive}, resolve,
			[]UndoStep{{IDs: []string{"c1"}, Change: Change{Folder: FolderInbox}}}, false},
		{"no folders: cannot", []Conversation{conv("c1", FolderInbox, "", "")}, Change{Folder: FolderArchive}, Capabilities{}, nil, true},
		{"back to the previous user", []Conversation{conv("c1", FolderInbox, "u1", ""), conv("c2", FolderInbox, "", "t1")},
			Change{UserID: "u2"}, folders,
			[]UndoStep{{IDs: []string{"c1"}, Change: Change{UserID: "u1"}}, {IDs: []string{"c2"}, Change: Change{TeamID: "t1"}}}, false},
		{"unassigned before, no unassign: cannot", []Conversation{conv("c1", FolderInbox, "", "")}, Change{UserID: "u2"}, folders, nil, true},
		{"unassigned before: unassign", []Conversation{conv("c1", FolderInbox, "", "")}, Change{UserID: "u2"}, resolve,
			[]UndoStep{{IDs: []string{"c1"}, Change: Change{Unassign: true}}}, false},
		{"same assignee: nothing", []Conversation{conv("c1", FolderInbox, "u2", "")}, Change{UserID: "u2"}, folders, nil, false},
		{"both before: both back", []Conversation{conv("c1", FolderInbox, "u1", "t1")}, Change{TeamID: "t2"}, resolve,
			[]UndoStep{{IDs: []string{"c1"}, Change: Change{UserID: "u1", TeamID: "t1"}}}, false},
		{"a team added to a person: unassign, then the person", []Conversation{conv("c1", FolderInbox, "u1", "")}, Change{TeamID: "t2"}, resolve,
			[]UndoStep{{IDs: []string{"c1"}, Change: Change{Unassign: true}}, {IDs: []string{"c1"}, Change: Change{UserID: "u1"}}}, false},
		{"a person replaced on a person-and-team platform", []Conversation{conv("c1", FolderInbox, "u1", "")}, Change{UserID: "u2"}, resolve,
			[]UndoStep{{IDs: []string{"c1"}, Change: Change{UserID: "u1"}}}, false},
		{"unassign undone", []Conversation{conv("c1", FolderInbox, "u1", "t1"), conv("c2", FolderInbox, "", "")}, Change{Unassign: true}, resolve,
			[]UndoStep{{IDs: []string{"c1"}, Change: Change{UserID: "u1", TeamID: "t1"}}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := UndoOf(tt.before, tt.ch, tt.caps)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want an error: %t", err, tt.wantErr)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("steps = %+v, want %+v", got, tt.want)
			}
		})
	}
}
