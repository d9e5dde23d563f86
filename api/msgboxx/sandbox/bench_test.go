package sandbox

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// BenchmarkNewVolume builds the benchmark-size sandbox: 100,000
// conversations and 1,000,000 messages on top of the demo data.
func BenchmarkNewVolume(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s := New(Config{Conversations: 100_000, Messages: 1_000_000})
		if len(s.st.msgs) < 1_000_000 {
			b.Fatal("too few messages")
		}
	}
}

// BenchmarkListMessagesPage measures one GET /message page over a
// million messages (the full history, so the range is the whole store).
func BenchmarkListMessagesPage(b *testing.B) {
	s := New(Config{Conversations: 100_000, Messages: 1_000_000})
	token := func(user, pass string) string {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest("POST", "/oauth/token", stringsReader(`{"username":"`+user+`","password":"`+pass+`"}`))
		req.Header.Set("X-Calling-Application", "bench")
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("login: %d %s", rec.Code, rec.Body)
		}
		return jsonField(rec.Body.Bytes(), "access_token")
	}
	agent := token(AgentUsername, AgentPassword)
	super := token(SupervisorUsername, SupervisorPassword)
	total := len(s.st.msgs)
	cases := []struct {
		name, token, query string
	}{
		{"agent/page1", agent, "fromDate=2000-01-01&page=1"},
		{"agent/middle", agent, "fromDate=2000-01-01&page=" + strconv.Itoa(total/200)},
		{"agent/last24h", agent, "page=2"},
		{"supervisor/page1", super, "fromDate=2000-01-01&page=1"},
		{"supervisor/middle", super, "fromDate=2000-01-01&page=" + strconv.Itoa(total/200)},
		{"agent/inbox", agent, "fromDate=2000-01-01&page=50&inboxId=" + s.st.inboxes[0].id.String()},
		{"agent/conversation", agent, "fromDate=2000-01-01&conversationId=" + s.st.convs[len(s.st.convs)-1].id.String()},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", "/message?"+c.query, nil)
				req.Header.Set("Authorization", "Bearer "+c.token)
				s.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
		})
	}
}
