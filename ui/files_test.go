package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// The team platform keeps files and takes them with replies.
func (*teamPlatform) FetchMedia(_ context.Context, m state.Media) (state.MediaFile, error) {
	return state.MediaFile{Name: "../kitchen\x1b[2J.jpg", MIME: "image/jpeg", Data: []byte("JPEGDATA")}, nil
}
func (*teamPlatform) MaxFileSize(string) int64 { return 1 << 20 }

// addPicture gives Ana Lima's conversation a customer's picture.
func (ti *teamInbox) addPicture() {
	ti.t.Helper()
	_, err := ti.st.ApplyMessages(state.Batch{Messages: []state.Message{{
		ID: "m-pic", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Direction: state.Inbound,
		Body: "[image] the kitchen", Time: teamNow.Add(-30 * 60e9),
		Media: state.Media{Kind: "image", Ref: "id:42", MIME: "image/jpeg"},
	}}}, teamNow)
	if err != nil {
		ti.t.Fatal(err)
	}
	ti.drive(nil)
}

// o lists the open conversation's files; enter saves the chosen one under
// a safe name in the download directory, and the thread shows its size
// from then on; ctrl+o saves and hands it to the desktop's opener.
func TestFilesSaveAndOpen(t *testing.T) {
	dl := t.TempDir()
	ti := newTeamInbox(t, 120, 40, decorated{})
	ti.app.d.Core.(decorated).Service.DownloadDir = dl
	var opened []string
	ti.app.d.Open = func(p string) error { opened = append(opened, p); return nil }
	ti.addPicture()
	ti.selectRow("Ana Lima")
	ti.keys("enter", "esc", "o")
	f := ti.frame()
	if !strings.Contains(f, "Files in this conversation") || !strings.Contains(f, "[image] the kitchen") {
		t.Fatalf("no files list:\n%s", f)
	}
	ti.keys("enter")
	want := filepath.Join(dl, "kitchen[2J.jpg")
	if b, err := os.ReadFile(want); err != nil || string(b) != "JPEGDATA" {
		t.Fatalf("saved file %s: %q %v (dir has %v)", want, b, err, ls(dl))
	}
	f = ti.frame()
	if !strings.Contains(f, "Saved to") || !strings.Contains(f, "[image 8 B] the kitchen") {
		t.Fatalf("no word of the saved file, or no size in the thread:\n%s", f)
	}
	ti.keys("o", "ctrl+o")
	if len(opened) != 1 || filepath.Base(opened[0]) != "kitchen[2J (2).jpg" {
		t.Fatalf("opened %v", opened)
	}
}

// ctrl+f in the composer attaches a file with the typed text as its
// caption: a missing file is refused in the dialog with the path kept;
// a real one is queued and the composer cleared.
func TestAttachFile(t *testing.T) {
	ti := newTeamInbox(t, 120, 40, decorated{})
	dir := t.TempDir()
	ti.selectRow("Ana Lima")
	ti.keys("enter", "r", "Here is the form")
	ti.send(tea.KeyPressMsg{Code: 'f', Mod: tea.ModCtrl})
	if f := ti.frame(); !strings.Contains(f, "Attach a file") || !strings.Contains(f, "caption: Here is the form") {
		t.Fatalf("no attach dialog:\n%s", f)
	}
	ti.send(tea.PasteMsg{Content: filepath.Join(dir, "form.pdf")})
	ti.keys("enter")
	if f := ti.frame(); !strings.Contains(f, "no file at") || !strings.Contains(f, "form.pdf") {
		t.Fatalf("a missing file not refused in the dialog:\n%s", f)
	}
	if err := os.WriteFile(filepath.Join(dir, "form.pdf"), []byte("%PDF-1.4 form"), 0o600); err != nil {
		t.Fatal(err)
	}
	ti.keys("enter")
	f := ti.frame()
	if strings.Contains(f, "Attach a file") || !strings.Contains(f, "[document form.pdf 13 B] Here is the form") {
		t.Fatalf("the file not queued with its caption:\n%s", f)
	}
	if ti.app.comp.Value() != "" {
		t.Fatalf("the composer kept %q after the file went with it", ti.app.comp.Value())
	}
	items, err := ti.st.Outbox()
	if err != nil || len(items) != 1 || items[0].Body != "Here is the form" || items[0].File.Name != "form.pdf" {
		t.Fatalf("outbox %+v %v", items, err)
	}
}

// Tab completes a path as a shell does.
func TestCompletePath(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"invoice-1.pdf", "invoice-2.pdf", "photo.jpg", ".hidden"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o600)
	}
	os.Mkdir(filepath.Join(dir, "scans"), 0o700)
	for _, c := range []struct{ in, want, note string }{
		{dir + "/inv", dir + "/invoice-", "invoice-1.pdf  invoice-2.pdf"},
		{dir + "/ph", dir + "/photo.jpg", ""},
		{dir + "/sc", dir + "/scans/", ""},
		{dir + "/zz", dir + "/zz", "nothing matches"},
		{dir + "/.h", dir + "/.hidden", ""},
	} {
		got, note := completePath(c.in)
		if got != c.want || note != c.note {
			t.Errorf("completePath(%q) = %q, %q; want %q, %q", c.in, got, note, c.want, c.note)
		}
	}
}

func ls(dir string) []string {
	es, _ := os.ReadDir(dir)
	var out []string
	for _, e := range es {
		out = append(out, e.Name())
	}
	return out
}
