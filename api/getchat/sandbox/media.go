package sandbox

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// MaxMediaBytes is the upload limit; above it media/ answers 413.
const MaxMediaBytes = 16 << 20

func (s *Server) uploadMedia(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxMediaBytes+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		fieldError(w, "file_encoded", "Send multipart/form-data with the file in the field \"file_encoded\".")
		return
	}
	for {
		part, err := mr.NextPart()
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeJSON(w, http.StatusRequestEntityTooLarge, detail("File too large: the limit is 16 MB."))
				return
			}
			fieldError(w, "file_encoded", "No file was submitted.")
			return
		}
		if part.FormName() != "file_encoded" {
			continue
		}
		data, err := io.ReadAll(io.LimitReader(part, MaxMediaBytes+1))
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) || len(data) > MaxMediaBytes {
			writeJSON(w, http.StatusRequestEntityTooLarge, detail("File too large: the limit is 16 MB."))
			return
		}
		if err != nil {
			fieldError(w, "file_encoded", "The upload was cut short.")
			return
		}
		if len(data) == 0 {
			fieldError(w, "file_encoded", "The submitted file is empty.")
			return
		}
		mt := part.Header.Get("Content-Type")
		if mt == "" || mt == "application/octet-stream" {
			mt = http.DetectContentType(data)
		}
		s.mu.Lock()
		md := s.st.addMedia(mt, part.FileName(), data)
		s.mu.Unlock()
		writeJSON(w, http.StatusCreated, map[string]any{"file": mediaLink(c.base, md.id), "id": md.id})
		return
	}
}

func (s *Server) getMedia(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.mu.Lock()
	md := s.st.media[c.params[0]]
	s.mu.Unlock()
	if md == nil {
		writeJSON(w, http.StatusNotFound, detail("Not found."))
		return
	}
	w.Header().Set("Content-Type", md.mime)
	if md.filename != "" {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": md.filename}))
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(md.data))
}

func (st *store) addMedia(mimeType, filename string, data []byte) *media {
	sum := sha256.Sum256(data)
	md := &media{id: st.uuid(), mime: strings.TrimSpace(mimeType), filename: filename, data: data, sha256: hex.EncodeToString(sum[:])}
	st.media[md.id] = md
	return md
}

// demoPNG draws a small picture (a receipt-like card) so the demo has a
// real image to show and download.
func demoPNG() []byte {
	const w, h = 48, 32
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{R: uint8(200 + x), G: uint8(220 + y), B: 255, A: 255}
			if y%6 == 3 && x > 6 && x < w-6 {
				c = color.RGBA{R: 40, G: 40, B: 80, A: 255}
			}
			if x == 0 || y == 0 || x == w-1 || y == h-1 {
				c = color.RGBA{R: 20, G: 110, B: 90, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// profilePhoto serves the business's profile photo, which the web client
// asks for (settings/profile/photo/, not in the references): a PNG.
func (s *Server) profilePhoto(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	w.Header().Set("Content-Type", "image/png")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(demoPNG()))
}
