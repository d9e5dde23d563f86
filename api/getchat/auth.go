package getchat

import (
	"context"
	"errors"
	"fmt"
)

const routeLogin = "POST " + PathLogin

// Login exchanges the username and password for the token (POST
// auth/token/) and keeps it. The token never expires and is the one the
// user's web inbox also holds.
func (c *Client) Login(ctx context.Context) (Token, error) {
	if c.user == "" || c.pass == "" {
		return "", &Error{Route: routeLogin, Err: ErrLoginRequired}
	}
	var resp LoginResponse
	err := c.do(ctx, call{method: "POST", path: PathLogin, route: routeLogin,
		body: LoginRequest{Username: c.user, Password: c.pass}, out: &resp, safe: true, noAuth: true})
	if err != nil {
		return "", err
	}
	if resp.Token == "" {
		return "", &Error{Route: routeLogin, Status: 200, Err: errors.New("the answer holds no token")}
	}
	c.mu.Lock()
	c.token = resp.Token
	c.mu.Unlock()
	if c.onToken != nil {
		c.onToken(resp.Token)
	}
	return resp.Token, nil
}

// Logout forgets the token here. It makes no request: the server's
// auth/logout/ could end the sessions of the user's web inbox, which holds
// the same token.
func (c *Client) Logout() {
	c.mu.Lock()
	c.token = ""
	c.mu.Unlock()
}

// Token is the token the client holds ("" when none), for storage.
func (c *Client) Token() Token {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// SetToken replaces the token (e.g. one read from the keyring).
func (c *Client) SetToken(t Token) {
	c.mu.Lock()
	c.token = t
	c.mu.Unlock()
}

// accessToken returns the token, logging in when there is none.
func (c *Client) accessToken(ctx context.Context, route string) (Token, error) {
	if t := c.Token(); t != "" {
		return t, nil
	}
	if c.pass == "" {
		return "", &Error{Route: route, Err: fmt.Errorf("no token and no password: %w", ErrLoginRequired)}
	}
	c.loginMu.Lock()
	defer c.loginMu.Unlock()
	if t := c.Token(); t != "" { // another caller logged in meanwhile
		return t, nil
	}
	return c.Login(ctx)
}

// dropToken forgets t after the server refused it, unless it was replaced
// meanwhile.
func (c *Client) dropToken(t Token) {
	c.mu.Lock()
	if c.token == t {
		c.token = ""
	}
	c.mu.Unlock()
}
