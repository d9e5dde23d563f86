package getchat

import (
	"context"
	"os"
	"slices"
	"strings"

	"github.com/mbx-inbox/mbx/state"
)

var mediaKinds = []string{"image", "video", "audio", "voice", "document", "sticker"}

// mediaKind is a payload type as the core names media: one of mediaKinds,
// or "file".
func mediaKind(typ string) string {
	if slices.Contains(mediaKinds, typ) {
		return typ
	}
	return "file"
}

// mediaOf is a payload's file for the core: the reference is "id:" and
// the media id, or "link:" and the URL when only a link is given (it is
// checked against the account's host again when fetched).
func mediaOf(p MessagePayload) state.Media {
	m := p.Media()
	if m == nil {
		return state.Media{}
	}
	out := state.Media{Kind: mediaKind(p.Type), Name: m.Filename, MIME: m.MimeType}
	switch {
	case m.ID != "":
		out.Ref = "id:" + string(m.ID)
	case m.Link != "":
		out.Ref = "link:" + m.Link
	}
	return out
}

// FetchMedia downloads a message's file (state.MediaFetcher).
func (b *Backend) FetchMedia(ctx context.Context, m state.Media) (state.MediaFile, error) {
	var gm Media
	switch kind, v, _ := strings.Cut(m.Ref, ":"); kind {
	case "id":
		gm.ID = ID(v)
	case "link":
		gm.Link = v
	default:
		return state.MediaFile{}, refused(routeDownload, "this file has no reference get.chat knows")
	}
	gm.MimeType, gm.Filename = m.MIME, m.Name
	d, err := b.c.DownloadMedia(ctx, gm)
	if err != nil {
		return state.MediaFile{}, wrap(err)
	}
	return state.MediaFile{Name: d.Filename, MIME: d.ContentType, Data: d.Data}, nil
}

// MaxFileSize is WhatsApp's limit for a file of that type (state.FileSender):
// the get.chat reference gives none, so the Cloud API's apply (doc.go):
// 5 MB for pictures, 16 MB for video and sound, 100 MB for documents.
func (b *Backend) MaxFileSize(contentType string) int64 {
	limit := int64(100 << 20)
	switch state.MediaKindOf(contentType) {
	case "image":
		limit = 5 << 20
	case "video", "audio":
		limit = 16 << 20
	}
	return min(limit, b.c.maxMedia)
}

// sendFile uploads the kept copy of an attached file and sends it with the
// caption: as an image, video or audio where WhatsApp shows that type
// inline (state.MediaKindOf), otherwise as a document under its name.
func (b *Backend) sendFile(ctx context.Context, waID string, out state.Outgoing) (Sent, error) {
	f := out.File
	file, err := os.Open(f.Path)
	if err != nil {
		return Sent{}, refused(routeUpload, "the file kept for this reply is gone ("+err.Error()+"): attach it again")
	}
	defer file.Close()
	up, err := b.c.UploadMedia(ctx, f.Name, f.MIME, file)
	if err != nil {
		return Sent{}, err
	}
	kind := state.MediaKindOf(f.MIME)        // image, video and audio where WhatsApp shows them inline
	m := Media{ID: up.ID, Caption: out.Text} // WhatsApp takes an id or a link, not both
	if m.ID == "" {
		m.Link = up.File
	}
	if kind == TypeDocument {
		m.Filename = f.Name
	}
	return b.c.SendMedia(ctx, waID, kind, m)
}
