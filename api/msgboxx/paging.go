package msgboxx

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strconv"
)

// maxPages stops a pager that a broken server keeps feeding.
const maxPages = 1_000_000

// getPage fetches one page of a list endpoint.
func getPage[T any](ctx context.Context, c *Client, path, route string, q url.Values, page int) (Page[T], error) {
	if page < 1 {
		page = 1
	}
	qq := url.Values{}
	for k, v := range q {
		qq[k] = v
	}
	qq.Set("page", strconv.Itoa(page))
	var p Page[T]
	err := c.do(ctx, call{method: "GET", path: path, route: route, query: qq, out: &p, safe: true})
	if p.Items == nil {
		p.Items = []T{}
	}
	return p, err
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
			p, err := getPage[T](ctx, c, path, route, q, page)
			if err != nil {
				yield(Page[T]{}, err)
				return
			}
			if page == 1 {
				last = lastPage(p)
			}
			if len(p.Items) > 0 && !yield(p, nil) {
				return
			}
			if len(p.Items) == 0 || page >= last {
				return
			}
		}
	}
}

// lastPage is the number of pages the first page announces.
func lastPage[T any](p Page[T]) int {
	switch {
	case p.Paging.Pages > 0:
		return p.Paging.Pages
	case p.Paging.RecordCount > len(p.Items) && len(p.Items) > 0:
		return (p.Paging.RecordCount + len(p.Items) - 1) / len(p.Items)
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
type bareList[T any] struct {
	items  []T
	paging Paging
	paged  bool
}

func (b *bareList[T]) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '{' {
		var p Page[T]
		if err := json.Unmarshal(data, &p); err != nil {
			return err
		}
		b.items, b.paging, b.paged = p.Items, p.Paging, true
		return nil
	}
	if err := json.Unmarshal(data, &b.items); err != nil {
		return err
	}
	return nil
}

func listAll[T any](ctx context.Context, c *Client, path, route string) ([]T, error) {
	var first bareList[T]
	if err := c.do(ctx, call{method: "GET", path: path, route: route, out: &first, safe: true}); err != nil {
		return nil, err
	}
	out := first.items
	if first.paged {
		last := lastPage(Page[T]{Items: first.items, Paging: first.paging})
		for page := 2; page <= last && page <= maxPages; page++ {
			p, err := getPage[T](ctx, c, path, route, nil, page)
			if err != nil {
				return out, err
			}
			if len(p.Items) == 0 {
				break
			}
			out = append(out, p.Items...)
		}
	}
	if out == nil {
		out = []T{}
	}
	return out, nil
}

func escapeID(route, id string) (string, error) {
	if id == "" {
		return "", &Error{Op: route, Err: fmt.Errorf("empty id: %w", ErrInvalid)}
	}
	return url.PathEscape(id), nil
}
