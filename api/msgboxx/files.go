package msgboxx

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"strings"
)

// maxFileBytes bounds a downloaded file: WhatsApp's largest (a document).
const maxFileBytes = 100 << 20

// File is a message's file as downloaded from its fileLocation.
type File struct {
	Name        string // the last element of the location's path (untrusted)
	ContentType string // as the server said (untrusted)
	Data        []byte
}

// CheckFileLocation parses a message's fileLocation and applies the
// transport rule to it: https, or plain http on loopback only; no
// credentials in the URL. It says whether the API's token may go with the
// request: only to the API's own scheme and host.
func (c *Client) CheckFileLocation(raw string) (u *url.URL, sameHost bool, err error) {
	u, err = url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, false, fmt.Errorf("the file's location %q is not an http(s) URL: %w", SafeURL(raw), ErrInvalid)
	}
	if u.User != nil {
		return nil, false, fmt.Errorf("the file's location carries a username or password; mbx does not fetch it: %w", ErrInvalid)
	}
	if u.Scheme == "http" && !IsLoopbackHost(u.Hostname()) {
		return nil, false, fmt.Errorf("the file's location %q is plain http on another machine; mbx fetches files over https only: %w", SafeURL(u.Scheme+"://"+u.Host+u.Path), ErrInvalid)
	}
	same := strings.EqualFold(u.Scheme, c.base.Scheme) && strings.EqualFold(u.Host, c.base.Host)
	return u, same, nil
}

// DownloadFile reads the file at a message's fileLocation (see doc.go,
// "Files"): retried like any read, the token sent only to the API's host.
func (c *Client) DownloadFile(ctx context.Context, location string) (File, error) {
	const route = "GET fileLocation"
	u, same, err := c.CheckFileLocation(location)
	if err != nil {
		return File{}, &Error{Op: route, Err: err}
	}
	raw := &rawAnswer{limit: maxFileBytes}
	if err := c.do(ctx, call{method: "GET", route: route, at: u, raw: raw, safe: true, noAuth: !same}); err != nil {
		return File{}, err
	}
	name := path.Base(u.Path)
	if name == "/" || name == "." {
		name = ""
	}
	return File{Name: name, ContentType: raw.contentType, Data: raw.data}, nil
}
