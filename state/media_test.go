package state

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestSafeFileName(t *testing.T) {
	long := strings.Repeat("a", 300) + ".pdf"
	for _, c := range []struct{ in, want string }{
		{"photo.jpg", "photo.jpg"},
		{"../../etc/passwd", "passwd"},
		{`..\..\win.ini`, "win.ini"},
		{".bashrc", "bashrc"},
		{"\x1b]0;pwned\x07x.png", "]0;pwnedx.png"},
		{"in\u202Egnp.exe", "ingnp.exe"},
		{"a:b*c?.txt", "a_b_c_.txt"},
		{"  \t ", "file"},
		{"", "file"},
		{"two\nlines.txt", "two lines.txt"},
		{long, strings.Repeat("a", 96) + ".pdf"},
	} {
		if got := SafeFileName(c.in, "file"); got != c.want {
			t.Errorf("SafeFileName(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestWriteNewNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	var paths []string
	for i := range 3 {
		p, err := writeNew(dir, "photo.jpg", []byte{byte(i)})
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, filepath.Base(p))
		if fi, _ := os.Stat(p); fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", p, fi.Mode().Perm())
		}
	}
	want := []string{"photo.jpg", "photo (2).jpg", "photo (3).jpg"}
	for i := range want {
		if paths[i] != want[i] {
			t.Fatalf("names %v, want %v", paths, want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "photo.jpg")); len(b) != 1 || b[0] != 0 {
		t.Fatalf("first file overwritten: %v", b)
	}
}

func TestOpenableAndKinds(t *testing.T) {
	for _, c := range []struct {
		ct       string
		openable bool
		kind     string
	}{
		{"image/jpeg", true, "image"},
		{"image/svg+xml", false, "document"},
		{"image/gif", true, "document"},
		{"video/mp4", true, "video"},
		{"video/webm", true, "document"},
		{"audio/ogg; codecs=opus", true, "audio"},
		{"application/pdf", true, "document"},
		{"text/plain; charset=utf-8", true, "document"},
		{"application/x-desktop", false, "document"},
		{"application/x-sh", false, "document"},
		{"text/html", false, "document"},
		{"", false, "document"},
	} {
		if got := Openable(c.ct); got != c.openable {
			t.Errorf("Openable(%q) = %v", c.ct, got)
		}
		if got := MediaKindOf(c.ct); got != c.kind {
			t.Errorf("MediaKindOf(%q) = %q, want %q", c.ct, got, c.kind)
		}
	}
}

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1 KB", 120_400: "120 KB", 3_400_000: "3.4 MB", 42_000_000: "42 MB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestMediaColumnRoundTrip(t *testing.T) {
	for _, m := range []Media{{}, {Kind: "image", Ref: "id:7", Name: "a.jpg", MIME: "image/jpeg", Size: 12}} {
		if got := decodeMedia(encodeMedia(m)); got != m {
			t.Errorf("round trip %+v = %+v", m, got)
		}
	}
	if got := decodeMedia("{broken"); !got.IsZero() {
		t.Errorf("damaged column read as %+v", got)
	}
	old := Media{Kind: "image", Ref: "id:7", Name: "a.jpg", Size: 12}
	if got := mergeMedia(old, Media{Kind: "image", Ref: "id:7"}); got.Size != 12 || got.Name != "a.jpg" {
		t.Errorf("merge lost what was known: %+v", got)
	}
	if got := mergeMedia(old, Media{}); got != old {
		t.Errorf("merge with none = %+v", got)
	}
}

// Kept copies whose replies were settled other than by sending are swept
// at the next start; those of waiting or failed replies stay.
func TestSweepFiles(t *testing.T) {
	st, err := Open(filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := st.filesDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	waiting, orphan := filepath.Join(dir, "out-1"), filepath.Join(dir, "out-2")
	for _, p := range []string{waiting, orphan} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	item := OutboxItem{LocalID: "l1", ConversationID: "c1", AccountID: "a1", ContactID: "k1", Body: "cap",
		Created: time.Now(), File: OutgoingFile{Path: waiting, Name: "a.pdf", MIME: "application/pdf", Size: 1}}
	if err := st.Enqueue(item, Message{}); err != nil {
		t.Fatal(err)
	}
	e := NewEngine(st, nil, Config{})
	e.sweepFiles()
	if _, err := os.Stat(waiting); err != nil {
		t.Fatalf("a waiting reply's file was swept: %v", err)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Fatalf("an orphan copy stayed: %v", err)
	}
}
