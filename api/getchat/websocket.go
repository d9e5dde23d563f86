package getchat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"time"

	"github.com/coder/websocket"
)

const routeWebsocket = "websocket"

// Websocket timing: how long the handshake and the token's answer may
// take, and how often a quiet connection is pinged (a dead one is found
// within pingEvery+pingTimeout).
var (
	wsDialTimeout = 20 * time.Second
	pingEvery     = 30 * time.Second
	pingTimeout   = 15 * time.Second
)

// ErrStreamEnded is wrapped by the error Events yields when the server
// closed the websocket (even cleanly): the caller reconnects and catches
// up by since_time.
var ErrStreamEnded = errors.New("websocket closed by the server")

// Events connects to the websocket (WebsocketAddress), sends {"token": …}
// as the first frame, and yields the events of each frame as DecodeEvent
// reads them, both payload shapes (flat and Cloud API). Once the token is
// sent it yields an empty slice, meaning "connected"; after that a frame
// without events (the token's "success", a user_availability) yields
// nothing.
//
// It runs until ctx ends (then it returns without an error) or the
// connection breaks, which it yields as an error and returns: a frame cut
// off mid-way is never yielded in part. The caller reconnects (with a
// backoff) and catches up with Messages since the last message it holds;
// since the websocket does not replay, anything that happened while it
// was down comes from that catch-up, and the store's dedupe by message id
// absorbs what both report. A refused token ({"type": "token", "status":
// "failed"}) is an error for which IsUnauthorized is true.
func (c *Client) Events(ctx context.Context) iter.Seq2[[]Event, error] {
	return func(yield func([]Event, error) bool) {
		conn, token, err := c.dialEvents(ctx)
		if err != nil {
			if ctx.Err() == nil {
				yield(nil, err)
			}
			return
		}
		defer conn.CloseNow()
		stop := make(chan struct{})
		defer close(stop)
		go c.keepAlive(ctx, conn, stop)
		// An empty slice first says "connected": the caller knows the
		// stream is up before anything happens on it.
		if !yield([]Event{}, nil) {
			return
		}
		for {
			_, data, err := conn.Read(ctx)
			if err != nil {
				if ctx.Err() != nil {
					return
				}
				yield(nil, c.streamError(err))
				return
			}
			d, err := DecodeEvent(data)
			if err != nil {
				c.log.Debug("getchat: websocket frame not understood", "err", err)
				continue
			}
			for _, p := range d.Problems {
				c.log.Debug("getchat: websocket item skipped", "item", p.Path, "err", p.Err)
			}
			if d.Control != nil {
				if err := controlError(d.Control); err != nil {
					if IsUnauthorized(err) && c.pass != "" {
						c.dropToken(token) // the next connection logs in again
					}
					yield(nil, err)
					return
				}
				continue
			}
			if len(d.Events) > 0 && !yield(d.Events, nil) {
				return
			}
		}
	}
}

// dialEvents opens the websocket and sends the token.
func (c *Client) dialEvents(ctx context.Context) (*websocket.Conn, Token, error) {
	token, err := c.accessToken(ctx, routeWebsocket)
	if err != nil {
		return nil, "", err
	}
	dctx, cancel := context.WithTimeout(ctx, wsDialTimeout)
	defer cancel()
	hc := *c.hc
	hc.Timeout = 0
	conn, resp, err := websocket.Dial(dctx, c.wsURL, &websocket.DialOptions{
		HTTPClient: &hc,
		HTTPHeader: http.Header{"User-Agent": {c.app}},
	})
	if err != nil {
		e := &Error{Route: routeWebsocket, Err: netError(ctx, err)}
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			e.Status = resp.StatusCode
		}
		return nil, "", e
	}
	conn.SetReadLimit(c.maxBody)
	frame, _ := json.Marshal(struct {
		Token string `json:"token"`
	}{string(token)})
	if err := conn.Write(dctx, websocket.MessageText, frame); err != nil {
		conn.CloseNow()
		return nil, "", &Error{Route: routeWebsocket, Err: fmt.Errorf("sending the token: %w", netError(ctx, err))}
	}
	c.log.Debug("getchat: websocket connected")
	return conn, token, nil
}

// keepAlive pings the server while the stream is read; a ping without an
// answer closes the connection, which ends the read with an error.
func (c *Client) keepAlive(ctx context.Context, conn *websocket.Conn, stop <-chan struct{}) {
	t := time.NewTicker(pingEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-stop:
			return
		case <-t.C:
			pctx, cancel := context.WithTimeout(ctx, pingTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil && ctx.Err() == nil {
				c.log.Debug("getchat: websocket ping failed", "err", err)
				conn.CloseNow()
				return
			}
		}
	}
}

func (c *Client) streamError(err error) error {
	if st := websocket.CloseStatus(err); st != -1 {
		return &Error{Route: routeWebsocket, Err: fmt.Errorf("%w (%d)", ErrStreamEnded, st)}
	}
	return &Error{Route: routeWebsocket, Err: fmt.Errorf("connection lost: %w", err)}
}

// controlError is the error a control frame reports, nil for a success.
func controlError(cf *ControlFrame) error {
	switch {
	case cf.OK():
		return nil
	case cf.Type == FrameToken:
		return &Error{Route: routeWebsocket, Status: http.StatusUnauthorized, Words: truncate(cf.Message, 200),
			Err: errors.New("the websocket refused the token")}
	default:
		return &Error{Route: routeWebsocket, Status: http.StatusBadRequest, Words: truncate(cf.Message, 200),
			Err: fmt.Errorf("the websocket answered %q", truncate(cf.Status, 40))}
	}
}
