package state

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/adrg/xdg"
)

// MediaFile is a message's file as the platform returned it.
type MediaFile struct {
	Name string // the platform's file name, if any (untrusted)
	MIME string
	Data []byte
}

// encodeMedia is the media column: Media as JSON, "" for none.
func encodeMedia(m Media) string {
	if m.IsZero() {
		return ""
	}
	b, err := json.Marshal(m)
	if err != nil { // strings and an int: cannot fail
		return ""
	}
	return string(b)
}

// decodeMedia reads the media column; a damaged value reads as none.
func decodeMedia(s string) Media {
	var m Media
	if s == "" || json.Unmarshal([]byte(s), &m) != nil {
		return Media{}
	}
	return m
}

// mergeMedia is what a message's media becomes when the platform reports
// it again: the new reference where there is one, and a size once known.
func mergeMedia(old, n Media) Media {
	if n.IsZero() {
		return old
	}
	if n.Size == 0 {
		n.Size = old.Size
	}
	n.Name = orStr(n.Name, old.Name)
	n.MIME = orStr(n.MIME, old.MIME)
	return n
}

// MediaKindOf names a content type as WhatsApp sends it: image, video
// and audio for the types it shows inline (JPEG and PNG; MP4 and 3GPP;
// AAC, MP4, MPEG, AMR and Ogg sound), document for every other file.
func MediaKindOf(contentType string) string {
	t, _, _ := mime.ParseMediaType(contentType)
	switch t {
	case "image/jpeg", "image/png":
		return "image"
	case "video/mp4", "video/3gpp":
		return "video"
	case "audio/aac", "audio/mp4", "audio/mpeg", "audio/amr", "audio/ogg":
		return "audio"
	}
	return "document"
}

// MediaLine is a media message as one line of text, the same on every
// platform, so that a file sent from here and the platform's copy of it
// read alike: "[image] caption", "[document price list.pdf] caption".
// Only documents show their name (WhatsApp shows a picture's, a video's
// or a voice note's name to no one).
func MediaLine(kind, name, caption string) string {
	if kind == "" {
		kind = "file"
	}
	s := "[" + kind
	if name != "" && (kind == "document" || kind == "file") {
		s += " " + name
	}
	s += "]"
	if caption != "" {
		s += " " + caption
	}
	return s
}

// FormatSize is a byte count as the thread shows it: "812 B", "120 KB",
// "3.4 MB".
func FormatSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%d KB", (n+500)/1000)
	case n < 10*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%d MB", (n+500_000)/1_000_000)
}

// SafeFileName turns an untrusted file name into one that is safe to
// create: its base name only, without controls, bidi or invisible
// characters, path separators or a leading dot, at most 100 characters,
// keeping its extension. An empty result becomes fallback.
func SafeFileName(name, fallback string) string {
	name = strings.ReplaceAll(name, "\\", "/")
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	var b strings.Builder
	for _, r := range name {
		switch {
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case r == utf8.RuneError, unicode.IsControl(r), bidiControl(r), isDefaultIgnorable(r):
		case r == ':' || r == '*' || r == '?' || r == '"' || r == '<' || r == '>' || r == '|':
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	name = strings.TrimLeft(strings.TrimSpace(b.String()), ".")
	if name == "" {
		name = fallback
	}
	if utf8.RuneCountInString(name) > 100 {
		ext := filepath.Ext(name)
		if utf8.RuneCountInString(ext) > 10 {
			ext = ""
		}
		r := []rune(strings.TrimSuffix(name, ext))
		name = string(r[:100-utf8.RuneCountInString(ext)]) + ext
	}
	return name
}

// bidiControl reports the characters that reorder text on screen.
func bidiControl(r rune) bool {
	return r == 0x061C || r == 0x200E || r == 0x200F || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069)
}

// DefaultDownloadDir is where SaveMedia puts files when the caller names
// no directory: the user's download directory, in an "mbx" folder.
func DefaultDownloadDir() string { return filepath.Join(xdg.UserDirs.Download, "mbx") }

// SavedMedia is a message's file written to disk.
type SavedMedia struct {
	Path string
	MIME string
	Size int64
}

// SaveMedia downloads the file of the message with that key (MediaFetcher)
// into dir (DefaultDownloadDir when ""), under a safe, new name: an
// existing file is never overwritten ("photo (2).jpg"). The file is
// readable by the user only. The message's size is stored, so the thread
// shows it from then on.
func (e *Engine) SaveMedia(ctx context.Context, key, dir string) (SavedMedia, error) {
	mf, ok := e.be.(MediaFetcher)
	if !ok {
		return SavedMedia{}, e.errNoCapability("keep files")
	}
	msg, found, err := e.store.Message(key)
	if err != nil {
		return SavedMedia{}, err
	}
	if !found || msg.Media.IsZero() {
		return SavedMedia{}, &InputError{"this message has no file"}
	}
	if msg.Media.Ref == "" {
		return SavedMedia{}, &InputError{"this file is not on " + e.platformName() + " yet: wait until it is sent"}
	}
	f, err := mf.FetchMedia(ctx, msg.Media)
	if err != nil {
		return SavedMedia{}, err
	}
	if dir == "" {
		dir = DefaultDownloadDir()
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return SavedMedia{}, fmt.Errorf("cannot create %s: %w", dir, err)
	}
	ct := orStr(f.MIME, msg.Media.MIME)
	name := SafeFileName(orStr(f.Name, msg.Media.Name), defaultFileName(msg.Media.Kind, ct))
	path, err := writeNew(dir, name, f.Data)
	if err != nil {
		return SavedMedia{}, err
	}
	size := int64(len(f.Data))
	if msg.Media.Size != size {
		m := msg.Media
		m.Size, m.MIME = size, ct
		if changed, err := e.store.SetMessageMedia(key, m); err != nil {
			e.log.Error("media: size", "err", err)
		} else if changed {
			e.bus.publish(Changes{Threads: idSet([]string{msg.ConversationID})})
		}
	}
	return SavedMedia{Path: path, MIME: ct, Size: size}, nil
}

// defaultFileName names a file the platform gave no name: "image.jpg".
func defaultFileName(kind, contentType string) string {
	if kind == "" {
		kind = "file"
	}
	if exts, _ := mime.ExtensionsByType(contentType); len(exts) > 0 {
		return kind + exts[0]
	}
	return kind
}

// writeNew creates name in dir, or "name (2).ext" and so on when it
// exists, and writes data to it.
func writeNew(dir, name string, data []byte) (string, error) {
	ext := filepath.Ext(name)
	stem := strings.TrimSuffix(name, ext)
	for i := 1; i < 1000; i++ {
		n := name
		if i > 1 {
			n = fmt.Sprintf("%s (%d)%s", stem, i, ext)
		}
		path := filepath.Join(dir, n)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("cannot save the file: %w", err)
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			os.Remove(path)
			return "", fmt.Errorf("cannot save the file %s: %w", path, werr)
		}
		return path, nil
	}
	return "", fmt.Errorf("cannot save the file: %s and 998 more like it exist in %s", name, dir)
}

// Openable reports whether a saved file may be handed to the desktop's
// opener: pictures, sound, video, PDF and plain text only — never a file
// a customer sent that the desktop might run (a script, a .desktop file,
// an installer).
func Openable(contentType string) bool {
	t, _, _ := mime.ParseMediaType(contentType)
	switch {
	case strings.HasPrefix(t, "image/") && t != "image/svg+xml",
		strings.HasPrefix(t, "audio/"), strings.HasPrefix(t, "video/"),
		t == "application/pdf", t == "text/plain":
		return true
	}
	return false
}

// SendFile queues a file as a reply with caption (which may be empty), as
// Send queues text: the window must be open and the conversation writable.
// The file must be a regular file of at most the platform's limit; mbx
// keeps a copy beside the store until it is sent, so the original may be
// moved or changed meanwhile, and nothing is lost to a crash.
func (e *Engine) SendFile(conversationID, path, caption string) (OutboxItem, error) {
	fsnd, ok := e.be.(FileSender)
	if !ok {
		return OutboxItem{}, e.errNoCapability("send files")
	}
	if caption != "" {
		if err := CheckText(caption); err != nil {
			return OutboxItem{}, err
		}
	}
	conv, ok, err := e.store.Conversation(conversationID)
	if err != nil {
		return OutboxItem{}, err
	}
	if !ok {
		if IsNewConversation(conversationID) {
			return OutboxItem{}, ErrWindowClosed
		}
		return OutboxItem{}, fmt.Errorf("conversation %s is not in the store", conversationID)
	}
	if conv.ReadOnly {
		return OutboxItem{}, &InputError{conv.ReadOnlyWhy}
	}
	if !WindowAt(conv.WindowExpiry(), e.cfg.Now()).Open() {
		return OutboxItem{}, ErrWindowClosed
	}
	file, err := e.keepFile(path, fsnd)
	if err != nil {
		return OutboxItem{}, err
	}
	it, err := e.enqueue(OutboxItem{
		ConversationID: conv.ID, AccountID: conv.AccountID, ContactID: conv.ContactID,
		Kind: OutboxMessage, Body: caption, File: file,
	})
	if err != nil {
		os.Remove(file.Path)
	}
	return it, err
}

// keepFile checks the file at path and copies it beside the store.
func (e *Engine) keepFile(path string, fsnd FileSender) (OutgoingFile, error) {
	path = ExpandHome(strings.TrimSpace(path))
	if path == "" {
		return OutgoingFile{}, &InputError{"type the path of the file to send"}
	}
	src, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return OutgoingFile{}, &InputError{"no file at " + SanitizeLine(path) + ": check the path"}
		}
		return OutgoingFile{}, &InputError{"cannot read " + SanitizeLine(path) + ": " + SanitizeLine(errors.Unwrap(err).Error())}
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return OutgoingFile{}, err
	}
	if !fi.Mode().IsRegular() {
		return OutgoingFile{}, &InputError{SanitizeLine(path) + " is not a regular file: choose a file, not a folder or device"}
	}
	if fi.Size() == 0 {
		return OutgoingFile{}, &InputError{SanitizeLine(path) + " is empty"}
	}
	// The type is the extension's (state sniffs no content: a file
	// without a known extension goes as a document, as a mail client
	// would send it).
	ct := mime.TypeByExtension(strings.ToLower(filepath.Ext(path)))
	if ct == "" {
		ct = "application/octet-stream"
	}
	if limit := fsnd.MaxFileSize(ct); limit > 0 && fi.Size() > limit {
		return OutgoingFile{}, &InputError{fmt.Sprintf("%s is %s: %s takes files of at most %s",
			SanitizeLine(filepath.Base(path)), FormatSize(fi.Size()), e.platformName(), FormatSize(limit))}
	}
	dir := e.store.filesDir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return OutgoingFile{}, fmt.Errorf("cannot keep a copy of the file: %w", err)
	}
	dst, err := os.CreateTemp(dir, "out-*")
	if err != nil {
		return OutgoingFile{}, fmt.Errorf("cannot keep a copy of the file: %w", err)
	}
	size, err := io.Copy(dst, src)
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(dst.Name())
		return OutgoingFile{}, fmt.Errorf("cannot keep a copy of the file: %w", err)
	}
	return OutgoingFile{Path: dst.Name(), Name: SafeFileName(filepath.Base(path), "file"), MIME: ct, Size: size}, nil
}

// ExpandHome reads "~" and a leading "~/" as the home directory.
func ExpandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, strings.TrimPrefix(p[1:], "/"))
		}
	}
	return p
}

// forgetFile removes the kept copy of a sent item's file.
func (e *Engine) forgetFile(it OutboxItem) {
	if it.File.IsZero() {
		return
	}
	if filepath.Dir(it.File.Path) != e.store.filesDir() { // only ever our own copies
		return
	}
	if err := os.Remove(it.File.Path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		e.log.Error("outbox: removing a sent file's copy", "err", err)
	}
}

// sweepFiles removes the kept copies of files no waiting reply needs: a
// reply can be settled other than by sending (the sync attaching the
// platform's copy, the agent saying it was sent), and a copy is removed
// at once only when it is sent. Failed replies keep theirs (they may be
// sent again).
func (e *Engine) sweepFiles() {
	dir := e.store.filesDir()
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) == 0 {
		return
	}
	items, err := e.store.Outbox(OutboxQueued, OutboxSending, OutboxUncertain, OutboxFailed)
	if err != nil {
		e.log.Error("outbox: sweeping kept files", "err", err)
		return
	}
	keep := map[string]bool{}
	for _, it := range items {
		keep[it.File.Path] = true
	}
	for _, en := range entries {
		if p := filepath.Join(dir, en.Name()); !keep[p] && en.Type().IsRegular() {
			if err := os.Remove(p); err != nil {
				e.log.Error("outbox: sweeping kept files", "err", err)
			}
		}
	}
}
