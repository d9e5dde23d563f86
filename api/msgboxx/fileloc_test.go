package msgboxx_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/state"
)

// TestFileLocationRule: which file locations are fetched, and which get
// the API's token (only its own scheme and host).
func TestFileLocationRule(t *testing.T) {
	t.Parallel()
	c, err := msgboxx.New(msgboxx.Config{BaseURL: "https://api.msgboxx.io", Username: "u", Password: "p"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		loc        string
		ok, sameOK bool
	}{
		{"https://api.msgboxx.io/files/1/cv.pdf", true, true},
		{"https://API.msgboxx.io/files/1/cv.pdf", true, true},
		{"https://cdn.msgboxx.io/a/cv.pdf", true, false},
		{"https://api.msgboxx.io:8443/files/1/cv.pdf", true, false},
		{"http://api.msgboxx.io/files/1/cv.pdf", false, false}, // plain http off loopback
		{"http://127.0.0.1:9/f/cv.pdf", true, false},
		{"http://localhost/f/cv.pdf", true, false},
		{"https://user:pw@api.msgboxx.io/f", false, false},
		{"ftp://api.msgboxx.io/f", false, false},
		{"/files/1/cv.pdf", false, false},
		{"", false, false},
	}
	for _, tt := range tests {
		_, same, err := c.CheckFileLocation(tt.loc)
		if (err == nil) != tt.ok || same != tt.sameOK {
			t.Errorf("%q: same host %v, err %v; want ok %v, same %v", tt.loc, same, err, tt.ok, tt.sameOK)
		}
		if err != nil && !errors.Is(err, msgboxx.ErrInvalid) {
			t.Errorf("%q: %v is not ErrInvalid", tt.loc, err)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("%q: the error shows the password: %v", tt.loc, err)
		}
	}
}

// TestFetchMedia: a file a customer sent is read from its fileLocation on
// the sandbox, with the token; a location on another host gets none.
func TestFetchMedia(t *testing.T) {
	t.Parallel()
	r := newSyncedRig(t, true)
	be := newBackend(t, r.srv, r.url, r.now)
	ctx := context.Background()
	kinds := map[string]bool{}
	for _, m := range r.srv.Snapshot().Messages {
		if m.FileLocation == "" || kinds[m.FileLocation[strings.LastIndexByte(m.FileLocation, '.'):]] {
			continue
		}
		got, ok, err := r.store.Message(m.MessageID)
		if err != nil || !ok {
			continue // older than the history synced
		}
		kinds[m.FileLocation[strings.LastIndexByte(m.FileLocation, '.'):]] = true
		// The store was synced from another sandbox run (another port):
		// the location as this one gives it.
		md := got.Media
		md.Ref = r.url + m.FileLocation
		f, err := be.FetchMedia(ctx, md)
		if err != nil {
			t.Fatalf("FetchMedia %+v: %v", got.Media, err)
		}
		switch got.Media.Kind {
		case "document":
			if !bytes.HasPrefix(f.Data, []byte("%PDF-")) || f.MIME != "application/pdf" || f.Name != "cv.pdf" {
				t.Errorf("the CV: %q %q %.10q", f.Name, f.MIME, f.Data)
			}
		case "image":
			if !bytes.HasPrefix(f.Data, []byte{0xff, 0xd8}) || f.MIME != "image/jpeg" || !strings.HasPrefix(got.Body, "[image] ") {
				t.Errorf("the timesheet: %q %q %q", f.Name, f.MIME, got.Body)
			}
		default:
			t.Errorf("media kind %q for %s", got.Media.Kind, m.FileLocation)
		}
	}
	if len(kinds) != 2 {
		t.Fatalf("the demo's synced files are of kinds %v, want .pdf and .jpg", kinds)
	}

	// Another host (loopback, another port): fetched without the token.
	var mu sync.Mutex
	var auth []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		mu.Lock()
		auth = append(auth, req.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("hello"))
	}))
	defer other.Close()
	f, err := be.FetchMedia(ctx, state.Media{Kind: "document", Ref: other.URL + "/x/notes.txt", Name: "notes.txt"})
	if err != nil || string(f.Data) != "hello" || f.Name != "notes.txt" {
		t.Fatalf("the other host's file: %+v, %v", f, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(auth) != 1 || auth[0] != "" {
		t.Errorf("Authorization sent to another host: %q", auth)
	}

	// A location that breaks the transport rule is not requested at all.
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := be.FetchMedia(ctx, state.Media{Kind: "document", Ref: "http://files.example.com/cv.pdf"}); err == nil || !strings.Contains(err.Error(), "https") {
		t.Errorf("plain http off loopback: %v", err)
	}
}
