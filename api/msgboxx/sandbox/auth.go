package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

type tokenClaims struct {
	Name string `json:"name"`
	// UID is the user id under the "sub-username" layout.
	UID string `json:"uid,omitempty"`
	jwt.RegisteredClaims
}

// The token claim layouts of Config.Claims. The reference says nothing of
// the token's claims, so the sandbox can take each reading a server
// following the same docs might.
const (
	ClaimsSubID       = "sub-id"       // sub: the user id (the default)
	ClaimsSubUsername = "sub-username" // sub: the username; uid: the user id
	ClaimsNoID        = "no-id"        // sub: the username; no claim holds the id
)

// ClaimLayouts are the values Config.Claims takes ("" is ClaimsSubID).
var ClaimLayouts = []string{ClaimsSubID, ClaimsSubUsername, ClaimsNoID}

// ValidClaims reports whether layout is one of ClaimLayouts ("" is the
// default).
func ValidClaims(layout string) bool { return layout == "" || slices.Contains(ClaimLayouts, layout) }

// claimsFor lays out a token's claims for u as the configured layout says.
func (s *Server) claimsFor(id uuid, username string) (sub, uid string) {
	switch s.cfg.Claims {
	case ClaimsSubUsername:
		return username, id.String()
	case ClaimsNoID:
		return username, ""
	}
	return id.String(), ""
}

// handleLogin is POST /oauth/token.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if strings.TrimSpace(r.Header.Get("X-Calling-Application")) == "" {
		badRequest(w, "the X-Calling-Application header is required: set it to your application's name, e.g. X-Calling-Application: my-app")
		return
	}
	var body struct {
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if !decodeJSON(w, r, &body) {
		return
	}
	name := strings.ToLower(strings.TrimSpace(body.Username))
	s.st.mu.RLock()
	u := s.st.userByName[name]
	var ok bool
	if u != nil && body.Password != "" {
		ok = subtle.ConstantTimeCompare([]byte(u.password), []byte(body.Password)) == 1
	}
	var userID uuid
	var fullName, username string
	if ok {
		userID, fullName, username = u.id, u.first+" "+u.last, u.username
	}
	s.st.mu.RUnlock()
	if !ok {
		badRequest(w, "please supply valid username and password")
		return
	}

	now := s.now()
	exp := now.Add(s.cfg.TokenLifetime).Truncate(time.Second)
	sub, uid := s.claimsFor(userID, username)
	claims := tokenClaims{
		Name: fullName,
		UID:  uid,
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   sub,
			IssuedAt:  jwt.NewNumericDate(now.Truncate(time.Second)),
			ExpiresAt: jwt.NewNumericDate(exp),
			ID:        randomToken(12),
		},
	}
	s.keyMu.RLock()
	signed, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(s.key)
	s.keyMu.RUnlock()
	if err != nil {
		writeError(w, http.StatusInternalServerError, "server_error", "the sandbox could not sign a token: "+err.Error())
		return
	}
	s.statsMu.Lock()
	s.logins++
	s.statsMu.Unlock()
	http.SetCookie(w, &http.Cookie{
		Name:     "refreshToken",
		Value:    randomToken(32),
		Path:     "/",
		Expires:  now.Add(7 * 24 * time.Hour),
		HttpOnly: true,
		Secure:   true,
		SameSite: http.SameSiteStrictMode,
	})
	writeJSON(w, http.StatusOK, wireToken{
		AccessToken: signed,
		TokenType:   "Bearer",
		Scope:       "api",
		ExpiresAt:   exp.UTC().Format(time.RFC3339),
	})
}

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// authenticate returns the user of the request's bearer token, or a
// sentence explaining why there is none.
func (s *Server) authenticate(r *http.Request) (*user, string) {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if h == "" {
		if r.Header.Get("Authorisation") != "" {
			return nil, "the Authorization header is missing (the documentation's 'Authorisation' spelling is not an HTTP header the API reads): send Authorization: Bearer <access_token>"
		}
		return nil, "the Authorization header is missing: get a token from POST /oauth/token and send Authorization: Bearer <access_token>"
	}
	scheme, raw, found := strings.Cut(h, " ")
	raw = strings.TrimSpace(raw)
	if !found || !strings.EqualFold(scheme, "Bearer") || raw == "" {
		return nil, "the Authorization header must be 'Bearer <access_token>'"
	}
	s.keyMu.RLock()
	key := s.key
	s.keyMu.RUnlock()
	var claims tokenClaims
	_, err := jwt.ParseWithClaims(raw, &claims,
		func(*jwt.Token) (any, error) { return key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithTimeFunc(s.now),
		jwt.WithExpirationRequired(),
	)
	if err != nil {
		switch {
		case errors.Is(err, jwt.ErrTokenExpired):
			return nil, "the access token has expired: get a new one from POST /oauth/token"
		case errors.Is(err, jwt.ErrTokenSignatureInvalid):
			return nil, "the access token is invalid or has been revoked: get a new one from POST /oauth/token"
		default:
			return nil, "the access token is malformed or invalid: get a new one from POST /oauth/token"
		}
	}
	// The user is the id in uid or sub, else the username in sub,
	// whichever layout issued the token.
	var u *user
	s.st.mu.RLock()
	if id, ok := parseUUID(claims.UID); ok {
		u = s.st.userByID[id]
	} else if id, ok := parseUUID(claims.Subject); ok {
		u = s.st.userByID[id]
	} else if claims.Subject != "" {
		u = s.st.userByName[strings.ToLower(claims.Subject)]
	} else {
		s.st.mu.RUnlock()
		return nil, "the access token does not name a user: get a new one from POST /oauth/token"
	}
	s.st.mu.RUnlock()
	if u == nil {
		return nil, "the access token's user no longer exists"
	}
	return u, ""
}

type authedFunc func(w http.ResponseWriter, r *http.Request, u *user)

// authed guards a handler with bearer-token authentication and queues any
// broadcast whose delay has passed before the handler looks at the data.
func (s *Server) authed(h authedFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, why := s.authenticate(r)
		if u == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="msgboxx"`)
			writeError(w, http.StatusUnauthorized, "unauthorized", why)
			return
		}
		s.materialize()
		// Handlers write into a buffer while they hold the store lock; the
		// response reaches the network only after they return, so a slow
		// client never holds the lock.
		buf := newBufferedWriter()
		h(buf, r, u)
		buf.flushTo(w)
	}
}

func (s *Server) materialize() {
	if s.st.pending.Load() == 0 {
		return
	}
	s.st.mu.Lock()
	s.st.materialize(s.now())
	s.st.mu.Unlock()
}

// RevokeTokens rotates the signing key: every token issued so far stops
// working; new logins work.
func (s *Server) RevokeTokens() {
	k := newKey()
	s.keyMu.Lock()
	s.key = k
	s.keyMu.Unlock()
}

// SetPassword changes a seeded user's password (tokens already issued stay
// valid). An unknown username is ignored.
func (s *Server) SetPassword(username, password string) {
	s.st.mu.Lock()
	defer s.st.mu.Unlock()
	if u := s.st.userByName[strings.ToLower(strings.TrimSpace(username))]; u != nil {
		u.password = password
	}
}
