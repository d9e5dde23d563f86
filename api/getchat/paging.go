package getchat

import (
	"context"
	"fmt"
	"iter"
	"net/url"
	"strconv"

	"github.com/mbx-inbox/mbx/state"
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
	return pager[T]{c: c, path: path, route: route, q: q}.seq(ctx)
}

// prefetchSeq is pageSeq fetching the next page while the caller works on
// the current one: for whole passes (a backfill), where the caller's
// writes and the server's answer then overlap. A caller that stops early
// costs one request more, cancelled.
func prefetchSeq[T any](ctx context.Context, c *Client, path, route string, q url.Values) iter.Seq2[Page[T], error] {
	return pager[T]{c: c, path: path, route: route, q: q, prefetch: true}.seq(ctx)
}

type pager[T any] struct {
	c           *Client
	path, route string
	q           url.Values
	prefetch    bool
	start       int // the first page's offset
}

type fetched[T any] struct {
	p   Page[T]
	err error
}

// fetch reads one page: at link when it is set, else at offset.
func (pg pager[T]) fetch(ctx context.Context, link *url.URL, offset int) (Page[T], error) {
	cl := call{method: "GET", route: pg.route, safe: true}
	if link != nil {
		cl.link = link
	} else {
		qq := url.Values{}
		for k, v := range pg.q {
			qq[k] = v
		}
		qq.Set("limit", strconv.Itoa(pg.c.pageSize))
		qq.Set("offset", strconv.Itoa(offset))
		cl.path, cl.query = pg.path, qq
	}
	var data []byte
	cl.rawOut = &data
	if err := pg.c.do(ctx, cl); err != nil {
		return Page[T]{}, err
	}
	p, err := DecodePage[T](data)
	if err != nil {
		return Page[T]{}, &Error{Route: pg.route, Status: 200, Err: err}
	}
	// A malformed item is skipped, never failing the page: logged with
	// where it was (the page's offset and the item's position, its words
	// sanitized) and counted by the engine (state.ReportSkipped).
	for _, s := range p.Skipped {
		pg.c.log.Warn("getchat: list item skipped", "route", pg.route, "offset", offset, "item", s.Path,
			"why", state.SanitizeLine(fmt.Sprint(s.Err)))
	}
	state.ReportSkipped(ctx, len(p.Skipped))
	return p, nil
}

// after says where the page after p is (link or offset), if there is one.
func (pg pager[T]) after(p Page[T], offset int) (link *url.URL, next int, more bool) {
	n := len(p.Results) + len(p.Skipped)
	if p.Bare || n == 0 {
		return nil, 0, false
	}
	next = offset + n
	if p.Next == "" && !(p.HasCount && next < p.Count) {
		return nil, 0, false
	}
	if p.Next != "" {
		u, err := CheckLink(pg.c.base, p.Next)
		if err != nil {
			pg.c.log.Debug("getchat: next link not followed", "route", pg.route, "why", err)
		} else {
			if o, err := strconv.Atoi(u.Query().Get("offset")); err == nil && o >= 0 && o <= offset {
				// A link back or in place would loop: the computed offset goes on.
				pg.c.log.Debug("getchat: next link not followed", "route", pg.route, "why", "it does not move forward")
			} else {
				link = u
				if err == nil && o >= 0 {
					next = o
				}
			}
		}
	}
	return link, next, true
}

func (pg pager[T]) seq(ctx context.Context) iter.Seq2[Page[T], error] {
	return func(yield func(Page[T], error) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		offset := pg.start
		p, err := pg.fetch(ctx, nil, offset)
		for range maxPages {
			if err != nil {
				yield(Page[T]{}, err)
				return
			}
			link, next, more := pg.after(p, offset)
			var ahead chan fetched[T]
			if more && pg.prefetch {
				ahead = make(chan fetched[T], 1)
				go func() {
					np, nerr := pg.fetch(ctx, link, next)
					ahead <- fetched[T]{np, nerr}
				}()
			}
			if !yield(p, nil) {
				if ahead != nil {
					cancel()
					<-ahead
				}
				return
			}
			if !more {
				return
			}
			offset = next
			if ahead != nil {
				f := <-ahead
				p, err = f.p, f.err
			} else {
				p, err = pg.fetch(ctx, link, next)
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
