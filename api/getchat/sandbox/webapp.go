package sandbox

import (
	"net/http"
	"strings"
)

// The vendor's own web inbox (get-chat/web-app) calls a few endpoints an
// inbox like ours does not need; they are served here so it runs against
// the sandbox (see "The vendor's web inbox" in doc.go).

// webappRoutes are the routes only the vendor's web inbox calls.
func (s *Server) webappRoutes() []route {
	return []route{
		{"GET", "/api/v1/", false, s.apiRoot},
		{"GET", "/api/v1/contacts/", false, s.listContacts},
		{"GET", "/api/v1/contacts/{}/", false, s.resolveContact},
	}
}

// listContacts is contacts/: what the connected Contact Providers know.
// The sandbox connects none, so the page is empty; the web inbox loads it
// before it shows anything.
func (s *Server) listContacts(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	writePage(w, r, c, []any{}, func(v any) any { return v })
}

// resolveContact is contacts/{wa_id}/: the person of that number (null when
// nobody wrote from it) and what the providers found (none).
func (s *Server) resolveContact(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	waID := strings.TrimPrefix(c.params[0], "+")
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]any{"person": nil, "contact_provider_results": []any{}}
	if ch := s.st.chatByID[waID]; ch != nil {
		out["person"] = renderPerson(ch)
	}
	writeJSON(w, http.StatusOK, out)
}

// apiRoot is GET /api/v1/, Django REST framework's API root: each list
// endpoint's name and absolute URL, for a signed-in caller only (403 or
// 401 otherwise, as every route). The web inbox calls it to learn whether
// a stored token still works before it skips the login form, and reads a
// 403 as "responding, not signed in".
func (s *Server) apiRoot(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	out := map[string]string{}
	for _, rt := range s.routes {
		name, ok := strings.CutPrefix(rt.path, "/api/v1/")
		if rt.method != "GET" || !ok || strings.Count(name, "/") != 1 || strings.Contains(name, "{}") {
			continue
		}
		name = strings.TrimSuffix(name, "/")
		out[name] = c.base + rt.path
	}
	writeJSON(w, http.StatusOK, out)
}
