package getchat_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/getchat"
	"github.com/mbx-inbox/mbx/api/getchat/sandbox"
	"github.com/mbx-inbox/mbx/state"
)

// TestFilesOnSandbox saves a customer's picture and sends a file with a
// caption through the engine against the sandbox: the picture lands under
// a safe new name with its size kept; the file is copied beside the store,
// uploaded, sent once as an image, and its copy removed once sent.
func TestFilesOnSandbox(t *testing.T) {
	t.Parallel()
	srv, url := startSandbox(t, sandbox.Config{})
	be := getchat.NewBackend(sandboxClient(t, url, sandbox.DemoUsername, sandbox.DemoPassword))
	dbPath := filepath.Join(t.TempDir(), "gc.db")
	st, err := state.Open(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := state.NewEngine(st, be, state.Config{Poll: time.Minute, IdlePoll: time.Minute})
	if caps := e.Capabilities(); !caps.Media || !caps.Attachments {
		t.Fatalf("capabilities %+v: want Media and Attachments", caps)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}

	// The customer's picture.
	msgs, err := st.Thread(sandbox.ChatImage, time.Time{}, 50)
	if err != nil {
		t.Fatal(err)
	}
	var pic state.Message
	for _, m := range msgs {
		if !m.Media.IsZero() {
			pic = m
		}
	}
	if pic.Media.Kind != "image" || pic.Media.Ref == "" || !strings.HasPrefix(pic.Body, "[image]") {
		t.Fatalf("the demo picture as stored: %+v", pic)
	}
	downloads := t.TempDir()
	var paths []string
	for range 2 {
		saved, err := e.SaveMedia(ctx, pic.Key(), downloads)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(saved.Path)
		if err != nil || len(data) == 0 || int64(len(data)) != saved.Size || saved.MIME != "image/png" {
			t.Fatalf("saved %+v: %d bytes, %v", saved, len(data), err)
		}
		if fi, _ := os.Stat(saved.Path); fi.Mode().Perm() != 0o600 {
			t.Fatalf("mode %v", fi.Mode().Perm())
		}
		paths = append(paths, filepath.Base(saved.Path))
	}
	if paths[0] != "receipt.png" || paths[1] != "receipt (2).png" {
		t.Fatalf("saved as %v, want receipt.png then receipt (2).png", paths)
	}
	if m, _, _ := st.Message(pic.Key()); m.Media.Size == 0 {
		t.Fatalf("size not kept: %+v", m.Media)
	}

	// A file sent with a caption.
	src := filepath.Join(t.TempDir(), "label.png")
	var buf bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	item, err := e.SendFile(sandbox.ChatImage, src, "your return label")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(src); err != nil { // the agent may move the original at once
		t.Fatal(err)
	}
	kept := item.File.Path
	if _, err := os.Stat(kept); err != nil || filepath.Dir(kept) != dbPath+".files" {
		t.Fatalf("kept copy %q: %v", kept, err)
	}
	if m, _, _ := st.Message("local:" + item.LocalID); m.Body != "[image] your return label" || m.Media.Kind != "image" {
		t.Fatalf("queued message %+v", m)
	}
	e.SendPending(ctx)
	m, _, _ := st.Message("local:" + item.LocalID)
	if m.ID == "" {
		t.Fatalf("not sent: %+v (requests %v)", m, srv.Stats().Requests)
	}
	if _, err := os.Stat(kept); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the kept copy stays after sending: %v", err)
	}
	if n := srv.Stats().Requests["POST /api/v1/media/"]; n != 1 {
		t.Fatalf("%d uploads, want 1", n)
	}
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	msgs, _ = st.Thread(sandbox.ChatImage, time.Time{}, 50)
	n := 0
	for _, m := range msgs {
		if strings.Contains(m.Body, "your return label") {
			n++
			if m.Media.Ref == "" {
				t.Fatalf("sent file without the platform's reference after sync: %+v", m)
			}
		}
	}
	if n != 1 {
		t.Fatalf("%d copies of the sent file in the thread, want 1", n)
	}
}

// TestSendFileRefusals: what cannot be sent is refused before anything is
// written, in words.
func TestSendFileRefusals(t *testing.T) {
	t.Parallel()
	_, url := startSandbox(t, sandbox.Config{})
	be := getchat.NewBackend(sandboxClient(t, url, sandbox.DemoUsername, sandbox.DemoPassword))
	st, err := state.Open(filepath.Join(t.TempDir(), "gc.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	e := state.NewEngine(st, be, state.Config{Poll: time.Minute, IdlePoll: time.Minute})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.SyncOnce(ctx); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	big := filepath.Join(dir, "big.jpg")
	if err := os.WriteFile(big, bytes.Repeat([]byte{0xff}, 6<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty.pdf")
	os.WriteFile(empty, nil, 0o600)
	ok := filepath.Join(dir, "ok.pdf")
	os.WriteFile(ok, []byte("%PDF-1.4"), 0o600)
	for _, c := range []struct {
		conv, path, want string
	}{
		{sandbox.ChatImage, filepath.Join(dir, "missing.pdf"), "no file at"},
		{sandbox.ChatImage, dir, "not a regular file"},
		{sandbox.ChatImage, empty, "is empty"},
		{sandbox.ChatImage, big, "at most 5.2 MB"},
		{sandbox.ChatClosed, ok, "window"},
	} {
		_, err := e.SendFile(c.conv, c.path, "")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("SendFile(%s): %v, want %q", filepath.Base(c.path), err, c.want)
		}
	}
	if items, _ := st.Outbox(); len(items) != 0 {
		t.Fatalf("refused files reached the outbox: %+v", items)
	}
}
