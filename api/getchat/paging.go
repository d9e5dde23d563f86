package getchat

import (
	"context"
	"iter"
	"net/url"
	"strconv"
)

// maxPages stops a pager that a broken server keeps feeding.
const maxPages = 1_000_000

// pageSeq iterates over the pages of a list endpoint: limit/offset in the
// {count, next, previous, results} envelope. The server's next link is
// followed only when CheckLink accepts it (same host and port, https or
// loopback http); otherwise the next page is built from the account URL,
// with the query and the offset reached so far. next is read as "there
// is more" either way; so is a count beyond the offset reached. The pass
// ends at a page without a next link and without more to count, at an
// empty page, at a bare array, or at the first error, which is yielded and
// ends it (the caller retries the pass).
func pageSeq[T any](ctx context.Context, c *Client, path, route string, q url.Values) iter.Seq2[Page[T], error] {
	return func(yield func(Page[T], error) bool) {
		offset := 0
		var link *url.URL
		for range maxPages {
			cl := call{method: "GET", route: route, safe: true}
			if link != nil {
				cl.link = link
			} else {
				qq := url.Values{}
				for k, v := range q {
					qq[k] = v
				}
				qq.Set("limit", strconv.Itoa(c.pageSize))
				qq.Set("offset", strconv.Itoa(offset))
				cl.path, cl.query = path, qq
			}
			var data []byte
			cl.rawOut = &data
			if err := c.do(ctx, cl); err != nil {
				yield(Page[T]{}, err)
				return
			}
			p, err := DecodePage[T](data)
			if err != nil {
				yield(Page[T]{}, &Error{Route: route, Status: 200, Err: err})
				return
			}
			for _, s := range p.Skipped {
				c.log.Debug("getchat: list item skipped", "route", route, "item", s.Path, "err", s.Err)
			}
			if !yield(p, nil) {
				return
			}
			n := len(p.Results) + len(p.Skipped)
			if p.Bare || n == 0 {
				return
			}
			offset += n
			more := p.Next != "" || (p.HasCount && offset < p.Count)
			if !more {
				return
			}
			link = nil
			if p.Next != "" {
				u, err := CheckLink(c.base, p.Next)
				if err != nil {
					c.log.Debug("getchat: next link not followed", "route", route, "why", err)
				} else {
					link = u
					if o, err := strconv.Atoi(u.Query().Get("offset")); err == nil && o >= 0 {
						offset = o
					}
				}
			}
		}
	}
}

// items iterates over every item of every page.
func items[T any](ctx context.Context, c *Client, path, route string, q url.Values) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for p, err := range pageSeq[T](ctx, c, path, route, q) {
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range p.Results {
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// Collect gathers an iterator's items, stopping at the first error.
func Collect[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for it, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, it)
	}
	return out, nil
}
