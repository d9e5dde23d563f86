package msgboxx

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mbx-inbox/mbx/state"
)

func TestDecodeSpellingVariants(t *testing.T) {
	// The reference spells the same keys differently across endpoints;
	// encoding/json's case-insensitive matching must absorb both.
	for _, doc := range []string{
		`{"apiAccountId":"a1","phoneNumber":"+44","name":"n","datetime":"2023-06-27T10:22:24.427Z"}`,
		`{"apiAccountId":"a1","phoneNumber":"+44","name":"n","dateTime":"2023-06-27T10:22:24.427Z"}`,
		`{"apiAccountid":"a1","phoneNumber":"+44","name":"n","DateTime":"2023-06-27T10:22:24.427Z"}`,
	} {
		var a APIAccount
		if err := json.Unmarshal([]byte(doc), &a); err != nil {
			t.Fatalf("%s: %v", doc, err)
		}
		want := time.Date(2023, 6, 27, 10, 22, 24, 427e6, time.UTC)
		if a.ID != "a1" || !a.Created.Equal(want) {
			t.Errorf("%s: got %+v", doc, a)
		}
	}
	var links []UserLink
	err := json.Unmarshal([]byte(`[{"user":{"firstName":"john","lastName":"smith","userId":"u1"},
		"apiAccount":{"name":"Head Office","apiAccountid":"acc"}}]`), &links)
	if err != nil || len(links) != 1 || links[0].APIAccount.ID != "acc" || links[0].User.Name() != "john smith" {
		t.Fatalf("user link: %+v %v", links, err)
	}
}

func TestDecodeMessageShapes(t *testing.T) {
	tests := []struct {
		name, doc  string
		body, cid  string
		status     state.MessageStatus
		outgoing   bool
		wantSender string
	}{
		{
			name: "reference shape, delivered",
			doc: `{"messageId":"m1","bodyText":"anything","apiAccountId":"a","dateTime":"2024-04-30T14:03:25.06359+00:00",
				"conversationId":"c","messageDirection":"outgoing","isSent":true,"isDelivered":true,"isRead":false,
				"contact":{"contactId":"k","mobileNumber":"+447902111123","name":"Test Customer"},
				"senderFirstName":"firstname","senderLastName":"lastname"}`,
			body: "anything", cid: "k", status: state.StatusDelivered, outgoing: true, wantSender: "firstname lastname",
		},
		{
			name: "walkthrough shape",
			doc: `{"apiAccountId":"a","contactId":"k","messageId":"m2","message":"Hi John","status":"Sent",
				"dateTime":"2022-07-05T20:13:22.263Z"}`,
			body: "Hi John", cid: "k", status: state.StatusSent,
		},
		{
			name: "flags and string disagree: the later wins",
			doc:  `{"messageId":"m3","bodyText":"x","messageDirection":"outgoing","isSent":true,"isRead":true,"status":"Delivered"}`,
			body: "x", status: state.StatusRead, outgoing: true,
		},
		{
			name: "failed wins over flags",
			doc:  `{"messageId":"m4","bodyText":"x","messageDirection":"OUTGOING","isSent":true,"status":"Failed"}`,
			body: "x", status: state.StatusFailed, outgoing: true,
		},
		{
			name: "fresh outgoing message is pending",
			doc:  `{"messageId":"m5","bodyText":"x","messageDirection":"outgoing","isSent":false,"isDelivered":false,"isRead":false}`,
			body: "x", status: state.StatusPending, outgoing: true,
		},
		{
			name: "undocumented direction is inbound",
			doc:  `{"messageId":"m6","bodyText":"hello","messageDirection":"incoming"}`,
			body: "hello", status: state.StatusUnknown,
		},
		{
			name: "missing direction is inbound",
			doc:  `{"messageId":"m7","bodyText":"hello"}`,
			body: "hello", status: state.StatusUnknown,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			if err := json.Unmarshal([]byte(tt.doc), &m); err != nil {
				t.Fatal(err)
			}
			if m.Body != tt.body || m.Contact.ID != tt.cid || m.Status() != tt.status || m.Outgoing() != tt.outgoing || m.SenderName() != tt.wantSender {
				t.Errorf("got body=%q contact=%q status=%v outgoing=%v sender=%q", m.Body, m.Contact.ID, m.Status(), m.Outgoing(), m.SenderName())
			}
		})
	}
}

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want time.Time
		bad  bool
	}{
		{in: "2024-04-30T14:03:25.06359+00:00", want: time.Date(2024, 4, 30, 14, 3, 25, 63590000, time.UTC)},
		{in: "2023-06-27T10:22:24.427Z", want: time.Date(2023, 6, 27, 10, 22, 24, 427e6, time.UTC)},
		{in: "2023-06-27T12:22:24+02:00", want: time.Date(2023, 6, 27, 10, 22, 24, 0, time.UTC)},
		{in: "2023-06-27T10:22:24.1234567", want: time.Date(2023, 6, 27, 10, 22, 24, 123456700, time.UTC)},
		{in: "2023-06-27", want: time.Date(2023, 6, 27, 0, 0, 0, 0, time.UTC)},
		{in: "", want: time.Time{}},
		{in: "yesterday", bad: true},
		{in: "2023-13-45T00:00:00Z", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseTime(tt.in)
		if (err != nil) != tt.bad || !got.Equal(tt.want) {
			t.Errorf("ParseTime(%q) = %v, %v", tt.in, got, err)
		}
	}
	var m Message
	if err := json.Unmarshal([]byte(`{"dateTime":null}`), &m); err != nil || !m.Sent.IsZero() {
		t.Errorf("null date: %v %v", m.Sent, err)
	}
	if err := json.Unmarshal([]byte(`{"dateTime":12}`), &m); err == nil {
		t.Error("a number for a date must be an error")
	}
}

func jwtWith(claims string) string {
	enc := base64.RawURLEncoding.EncodeToString
	return enc([]byte(`{"alg":"HS256","typ":"JWT"}`)) + "." + enc([]byte(claims)) + ".sig"
}

func TestJWTExpiry(t *testing.T) {
	tests := []struct {
		tok  string
		want int64
		ok   bool
	}{
		{jwtWith(`{"exp":1700000000,"sub":"u"}`), 1700000000, true},
		{jwtWith(`{"exp":1700000000.5}`), 1700000000, true},
		{jwtWith(`{"sub":"u"}`), 0, false},
		{jwtWith(`{"exp":"soon"}`), 0, false},
		{jwtWith(`{"exp":-5}`), 0, false},
		{"not-a-jwt", 0, false},
		{"a.%%%.c", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := JWTExpiry(tt.tok)
		if ok != tt.ok || (ok && got.Unix() != tt.want) {
			t.Errorf("JWTExpiry(%q) = %v, %v", tt.tok, got, ok)
		}
	}
	// The earliest known expiry wins.
	exp := tokenExpiry(jwtWith(`{"exp":1700000000}`), "2023-11-14T23:00:00Z", time.Time{})
	if exp.Unix() != 1700000000 {
		t.Errorf("earliest of exp and expires_at: %v", exp)
	}
	if got := parseExpiresAt("1700000100"); got.Unix() != 1700000100 {
		t.Errorf("expires_at as unix seconds: %v", got)
	}
}

func TestServerError(t *testing.T) {
	tests := []struct {
		name, body   string
		status       int
		code, msg    string
		op           string
		windowClosed bool
	}{
		{name: "sandbox shape", status: 400, op: opSendMessage,
			body: `{"status":400,"error":"window_closed","message":"The 24-hour window closed 3h ago: send a template."}`,
			code: "window_closed", msg: "The 24-hour window closed 3h ago: send a template.", windowClosed: true},
		{name: "problem details", status: 400, op: opSendMessage,
			body: `{"type":"x","title":"Bad Request","status":400,"detail":"Session window expired, use a template message"}`,
			msg:  "Session window expired, use a template message", windowClosed: true},
		{name: "plain text", status: 503, op: "GET /message", body: "  down for maintenance \n", msg: "down for maintenance"},
		{name: "html is dropped", status: 502, op: "GET /message", body: "<html><body>Bad gateway</body></html>"},
		{name: "error as a sentence", status: 401, op: "GET /message", body: `{"error":"token expired"}`, msg: "token expired"},
		{name: "oauth style", status: 400, op: opLogin, body: `{"error":"invalid_grant","error_description":"bad password"}`,
			code: "invalid_grant", msg: "bad password"},
		{name: "other 400 on message is not the window", status: 400, op: opSendMessage,
			body: `{"error":"bad_request","message":"message is required"}`, code: "bad_request", msg: "message is required"},
		{name: "window words elsewhere do not count", status: 400, op: "POST /contact",
			body: `{"message":"window"}`, msg: "window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := serverError(tt.op, tt.status, []byte(tt.body), http.Header{})
			if e.Code != tt.code || e.Message != tt.msg {
				t.Errorf("code=%q msg=%q", e.Code, e.Message)
			}
			if IsWindowClosed(e) != tt.windowClosed {
				t.Errorf("IsWindowClosed = %v", !tt.windowClosed)
			}
		})
	}
	e := serverError("GET /message", 429, nil, http.Header{"Retry-After": {"7"}})
	if d, ok := IsRateLimited(e); !ok || d != 7*time.Second {
		t.Errorf("rate limited: %v %v", d, ok)
	}
	long := serverError("GET /x", 500, []byte(strings.Repeat("é", 2000)), http.Header{})
	if len(long.Message) > 510 {
		t.Errorf("server message not truncated: %d bytes", len(long.Message))
	}
}

func TestErrorHelpers(t *testing.T) {
	wrapped := func(e *Error) error { return errors.Join(errors.New("context"), e) }
	cases := []struct {
		err  error
		pred func(error) bool
		name string
	}{
		{wrapped(&Error{Status: 401}), IsUnauthorized, "unauthorized"},
		{wrapped(&Error{Status: 403}), IsForbidden, "forbidden"},
		{wrapped(&Error{Status: 404}), IsNotFound, "not found"},
		{wrapped(&Error{Status: 409}), IsConflict, "conflict"},
		{wrapped(&Error{Status: 503}), IsServerError, "server error"},
		{wrapped(&Error{Status: 503}), IsTemporary, "temporary 503"},
		{wrapped(&Error{Err: errors.New("reset")}), IsTemporary, "temporary network"},
		{wrapped(&Error{Op: opLogin, Status: 400}), IsBadCredentials, "bad credentials"},
		{wrapped(&Error{Op: opLogin, Status: 400}), IsLoginRequired, "login required after refusal"},
		{wrapped(&Error{Op: opLogin, Err: ErrLoginRequired}), IsLoginRequired, "login required"},
		{wrapped(&Error{MaybeDelivered: true}), MaybeDelivered, "maybe delivered"},
		{wrapped(&Error{Err: ErrInvalid}), IsInvalid, "invalid"},
	}
	for _, c := range cases {
		if !c.pred(c.err) {
			t.Errorf("%s: predicate false for %v", c.name, c.err)
		}
	}
	if IsTemporary(&Error{Err: ErrInvalid}) || IsTemporary(&Error{Status: 400}) || IsTemporary(errors.New("x")) {
		t.Error("IsTemporary true for a permanent error")
	}
}

func TestValidateBaseURL(t *testing.T) {
	tests := []struct {
		in, want string
		bad      string // a word the error must contain
	}{
		{in: "https://api.msgboxx.io", want: "https://api.msgboxx.io"},
		{in: "https://api.msgboxx.io/", want: "https://api.msgboxx.io"},
		{in: "https://example.com/api/v1/", want: "https://example.com/api/v1"},
		{in: "http://127.0.0.1:8088", want: "http://127.0.0.1:8088"},
		{in: "http://127.9.9.9:1", want: "http://127.9.9.9:1"},
		{in: "http://[::1]:8088", want: "http://[::1]:8088"},
		{in: "http://localhost:8088", want: "http://localhost:8088"},
		{in: "http://api.msgboxx.io", bad: "use https://api.msgboxx.io"},
		{in: "http://10.0.0.5:8080", bad: "only allowed for loopback"},
		{in: "http://127.0.0.1.evil.com", bad: "only allowed for loopback"},
		{in: "https://user:secret@api.msgboxx.io", bad: "must not carry"},
		{in: "ftp://api.msgboxx.io", bad: "not an absolute http(s) URL"},
		{in: "api.msgboxx.io", bad: "not an absolute http(s) URL"},
		{in: "", bad: "MBX_BASE_URL"},
		{in: "https://api.msgboxx.io/?x=1", bad: "query"},
	}
	for _, tt := range tests {
		u, err := ValidateBaseURL(tt.in)
		if tt.bad != "" {
			if err == nil || !strings.Contains(err.Error(), tt.bad) || !errors.Is(err, ErrInvalid) {
				t.Errorf("ValidateBaseURL(%q) = %v, want an error saying %q", tt.in, err, tt.bad)
			}
			if err != nil && strings.Contains(err.Error(), "secret") {
				t.Errorf("error reveals the password: %v", err)
			}
			continue
		}
		if err != nil || u.String() != tt.want {
			t.Errorf("ValidateBaseURL(%q) = %v, %v; want %s", tt.in, u, err, tt.want)
		}
	}
}

func TestConversationUpdateChanges(t *testing.T) {
	cur := Conversation{User: &UserRef{ID: "u1"}, Folder: FolderInbox}
	tests := []struct {
		in, want ConversationUpdate
	}{
		{ConversationUpdate{UserID: "u1", Folder: FolderInbox}, ConversationUpdate{}},
		{ConversationUpdate{UserID: "u2", Folder: FolderInbox}, ConversationUpdate{UserID: "u2"}},
		{ConversationUpdate{TeamID: "t1"}, ConversationUpdate{TeamID: "t1"}},
		{ConversationUpdate{Folder: FolderArchive}, ConversationUpdate{Folder: FolderArchive}},
	}
	for _, tt := range tests {
		if got := tt.in.Changes(cur); got != tt.want {
			t.Errorf("%+v.Changes = %+v, want %+v", tt.in, got, tt.want)
		}
	}
	var c Conversation
	if err := json.Unmarshal([]byte(`{"user":{},"team":{"teamId":"t","name":"Head Office"},"folder":"Archive"}`), &c); err != nil {
		t.Fatal(err)
	}
	if c.User != nil || c.Team == nil || c.Folder != FolderArchive {
		t.Errorf("conversation decode: %+v", c)
	}
}

func TestTokenNeverPrinted(t *testing.T) {
	tok := Token{AccessToken: "secret-token-value"}
	for _, s := range []string{tok.String(), tok.GoString()} {
		if strings.Contains(s, "secret") {
			t.Errorf("token printed: %s", s)
		}
	}
}

func TestLooksE164(t *testing.T) {
	for in, want := range map[string]bool{
		"+447902111123": true, "+4479051337665": true, "+12025550143": true,
		"447902111123": false, "+44 7902 111123": false, "+0447902111123": false,
		"+44": false, "+1234567890123456": false, "": false, "+44790211112a": false,
	} {
		if LooksE164(in) != want {
			t.Errorf("LooksE164(%q) = %v", in, !want)
		}
	}
}
