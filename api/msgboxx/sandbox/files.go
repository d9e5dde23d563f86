package sandbox

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"path"
	"strings"
)

// filesPath is where the sandbox serves the files customers sent. The
// reference shows fileLocation only empty; the sandbox's reading (doc.go,
// "Files") is an absolute URL on the API's own host that takes the same
// bearer token, so that the demo's files open and a client that sends its
// token elsewhere is caught.
const filesPath = "/files/"

// located makes a message's stored file path an absolute URL on the host
// and scheme the request came to.
func located(r *http.Request, w wireMessage) wireMessage {
	if strings.HasPrefix(w.FileLocation, "/") {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		w.FileLocation = scheme + "://" + r.Host + w.FileLocation
	}
	return w
}

// getFile serves the file of a message the user may see: a small PDF or
// JPEG made from the message, the same bytes each time.
func (s *Server) getFile(w http.ResponseWriter, r *http.Request, u *user) {
	id, ok := pathID(w, r, "message")
	if !ok {
		return
	}
	name := r.PathValue("name")
	s.st.mu.RLock()
	idx, found := s.st.msgByID[id]
	var stored, body string
	if found && u.sees(int(s.st.msgs[idx].account)) {
		stored, body = s.st.files[id], s.st.msgs[idx].body
	}
	s.st.mu.RUnlock()
	if stored == "" || path.Base(stored) != name {
		notFound(w, "file", id.String()+"/"+name)
		return
	}
	var data []byte
	ctype := "application/pdf"
	if strings.HasSuffix(name, ".jpg") {
		data, ctype = demoJPEG(id), "image/jpeg"
	} else {
		data = demoPDF(body)
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Length", fmt.Sprint(len(data)))
	_, _ = w.Write(data)
}

// demoPDF is a one-page PDF that says text.
func demoPDF(text string) []byte {
	text = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(text)
	stream := "BT /F1 18 Tf 72 720 Td (" + text + ") Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offs := make([]int, len(objs))
	for i, o := range objs {
		offs[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// demoJPEG is a small picture of a ruled sheet, its tint from id.
func demoJPEG(id uuid) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 240, 320))
	paper := color.RGBA{250, 248, 240 - id[1]%16, 255}
	ink := color.RGBA{60, 70, 140, 255}
	for y := 0; y < 320; y++ {
		for x := 0; x < 240; x++ {
			c := paper
			if y%24 == 0 || x == 40 {
				c = ink
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}) // a bytes.Buffer does not fail
	return b.Bytes()
}
