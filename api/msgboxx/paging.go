package msgboxx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strconv"

	"github.com/mbx-inbox/mbx/state"
)

// maxPages stops a pager that a broken server keeps feeding.
const maxPages = 1_000_000

// getPage fetches one page of a list endpoint. Its items are decoded one
// by one: an item that does not decode, or that lacks what it must have
// (validItem), is skipped, logged with its route, page and position
// (sanitized), and reported to the engine (state.ReportSkipped); the rest
// of the page stands. A page that is not an {items, paging} object at all
// is an error.
func getPage[T any](ctx context.Context, c *Client, path, route string, q url.Values, page int) (Page[T], error) {
	p, _, err := getPageN[T](ctx, c, path, route, q, page)
	return p, err
}

// getPageN is getPage that also says how many items the page held,
// skipped ones included.
func getPageN[T any](ctx context.Context, c *Client, path, route string, q url.Values, page int) (Page[T], int, error) {
	if page < 1 {
		page = 1
	}
	qq := url.Values{}
	for k, v := range q {
		qq[k] = v
	}
	qq.Set("page", strconv.Itoa(page))
	var raw struct {
		Items  []json.RawMessage `json:"items"`
		Paging Paging            `json:"paging"`
	}
	err := c.do(ctx, call{method: "GET", path: path, route: route, query: qq, out: &raw, safe: true})
	p := Page[T]{Items: make([]T, 0, len(raw.Items)), Paging: raw.Paging}
	if err != nil {
		return p, 0, err
	}
	skipped := 0
	for i, item := range raw.Items {
		v, err := decodeItem[T](item)
		if err != nil {
			skipped++
			c.log.Warn("msgboxx: list item skipped", "route", route, "page", page, "position", i,
				"why", state.SanitizeLine(err.Error()))
			continue
		}
		p.Items = append(p.Items, v)
	}
	if skipped > 0 {
		state.ReportSkipped(ctx, skipped)
	}
	return p, len(raw.Items), nil
}

// decodeItem decodes one list item and checks it (validItem).
func decodeItem[T any](data json.RawMessage) (T, error) {
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		var zero T
		return zero, err
	}
	if c, ok := any(&v).(interface{ validItem() error }); ok {
		if err := c.validItem(); err != nil {
			var zero T
			return zero, err
		}
	}
	return v, nil
}

// validItem: a message must name itself and its conversation.
func (m *Message) validItem() error {
	switch {
	case m.ID == "":
		return errors.New("message without messageId")
	case m.ConversationID == "":
		return fmt.Errorf("message %s without conversationId", m.ID)
	}
	return nil
}

// validItem: a team must name itself.
func (t *Team) validItem() error {
	if t.ID == "" {
		return errors.New("team without teamId")
	}
	return nil
}

// validItem: a user link must name its user.
func (u *UserLink) validItem() error {
	if u.User.ID == "" {
		return errors.New("user without userId")
	}
	return nil
}

// validItem: a contact must name itself.
func (c *Contact) validItem() error {
	if c.ID == "" {
		return errors.New("contact without contactId")
	}
	return nil
}

// pages iterates over every item of every page, in the server's order.
// It stops after the last page (paging.pages; when a server leaves that
// out, as the walkthrough's examples do, it is derived from recordCount and
// the first page's length), at the first empty page, or at the first error,
// which it yields with the zero item.
func pages[T any](ctx context.Context, c *Client, path, route string, q url.Values) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for p, err := range pageSeq[T](ctx, c, path, route, q) {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, item := range p.Items {
				if !yield(item, nil) {
					return
				}
			}
		}
	}
}

// pageSeq iterates over whole pages, with the same stopping rules.
func pageSeq[T any](ctx context.Context, c *Client, path, route string, q url.Values) iter.Seq2[Page[T], error] {
	return func(yield func(Page[T], error) bool) {
		last := 0
		for page := 1; page <= maxPages; page++ {
			p, n, err := getPageN[T](ctx, c, path, route, q, page)
			if err != nil {
				yield(Page[T]{}, err)
				return
			}
			if page == 1 {
				last = lastPageOf(p.Paging, n)
			}
			// A page whose every item was skipped is still a page: the
			// pass goes on (n counts them).
			if len(p.Items) > 0 && !yield(p, nil) {
				return
			}
			if n == 0 || page >= last {
				return
			}
		}
	}
}

// lastPage is the number of pages the first page announces.
func lastPage[T any](p Page[T]) int { return lastPageOf(p.Paging, len(p.Items)) }

// lastPageOf is the number of pages a first page of n items (skipped
// ones included) with paging p announces.
func lastPageOf(p Paging, n int) int {
	switch {
	case p.Pages > 0:
		return p.Pages
	case p.RecordCount > n && n > 0:
		return (p.RecordCount + n - 1) / n
	}
	return 1
}

// Collect gathers an iterator's items, stopping at the first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for item, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, item)
	}
	return out, nil
}

// bareList decodes /user and /team, which the reference shows as bare JSON
// arrays; should the platform wrap them in the usual {items, paging}
// envelope, the first page's items are taken and later pages fetched.
type bareList struct {
	items  []json.RawMessage
	paging Paging
	paged  bool
}

func (b *bareList) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		var p struct {
			Items  []json.RawMessage `json:"items"`
			Paging Paging            `json:"paging"`
		}
		if err := json.Unmarshal(data, &p); err != nil {
			return err
		}
		b.items, b.paging, b.paged = p.Items, p.Paging, true
		return nil
	}
	return json.Unmarshal(data, &b.items)
}

// listAll reads a bare-array list (or an enveloped one, every page). Its
// items are decoded one by one, as getPage's: one that does not decode
// or lacks its id is skipped, logged and reported, and the rest stand.
func listAll[T any](ctx context.Context, c *Client, path, route string) ([]T, error) {
	var first bareList
	if err := c.do(ctx, call{method: "GET", path: path, route: route, out: &first, safe: true}); err != nil {
		return nil, err
	}
	out := make([]T, 0, len(first.items))
	skipped := 0
	for i, item := range first.items {
		v, err := decodeItem[T](item)
		if err != nil {
			skipped++
			c.log.Warn("msgboxx: list item skipped", "route", route, "page", 1, "position", i,
				"why", state.SanitizeLine(err.Error()))
			continue
		}
		out = append(out, v)
	}
	if skipped > 0 {
		state.ReportSkipped(ctx, skipped)
	}
	if first.paged {
		last := lastPage(Page[T]{Items: make([]T, len(first.items)), Paging: first.paging})
		for page := 2; page <= last && page <= maxPages; page++ {
			p, n, err := getPageN[T](ctx, c, path, route, nil, page)
			if err != nil {
				return out, err
			}
			if n == 0 {
				break
			}
			out = append(out, p.Items...)
		}
	}
	return out, nil
}

func escapeID(route, id string) (string, error) {
	if id == "" {
		return "", &Error{Op: route, Err: fmt.Errorf("empty id: %w", ErrInvalid)}
	}
	return url.PathEscape(id), nil
}
