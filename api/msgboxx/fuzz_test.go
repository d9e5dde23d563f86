package msgboxx

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// The seeds below run in every plain `go test`; `go test -fuzz=FuzzX`
// explores from them.

var pageSeeds = []string{
	`{"items":[{"messageId":"m","bodyText":"hi","dateTime":"2024-04-30T14:03:25.06359+00:00","messageDirection":"outgoing","isSent":true}],"paging":{"recordCount":1,"pages":1}}`,
	`{"items":[{"apiAccountId":"a","message":"walk","status":"Sent","contactId":"k","dateTime":"2022-07-05T20:13:22.263Z"}],"paging":{"recordCount":1}}`,
	`{"items":[],"paging":{"recordCount":0,"pages":0}}`,
	`{"items":null}`,
	`{"items":[{"messageId":"m","dateTime":"garbage"}]}`,
	`{"items":[{"messageId":"m","bodyText":"\u001b]8;;http://evil\u0007x\u001b]8;;\u0007"}]}`,
	`{"items":[{"messageId":"m","bodyText":"trunc`,
	`{"items":[{"contact":[]}]}`,
	`[1,2,3]`,
	`null`,
	``,
}

func FuzzDecodeMessagePage(f *testing.F) {
	for _, s := range pageSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Page[Message]
		if json.Unmarshal(data, &p) != nil {
			return
		}
		for _, m := range p.Items {
			_ = m.Status()
			_ = m.Outgoing()
			_ = m.SenderName()
		}
		_ = lastPage(p)
	})
}

func FuzzDecodeLists(f *testing.F) {
	for _, s := range []string{
		`[{"name":"Head Office","teamId":"t","apiAccounts":[{"name":"HO","apiAccountid":"a"}],"users":[{"firstName":"j","userId":"u"}]}]`,
		`{"items":[{"teamId":"t"}],"paging":{"recordCount":250,"pages":3}}`,
		`[{"user":{"userId":"u"},"apiAccount":{"apiAccountid":"a"}}]`,
		`[`, `{}`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var list bareList
		if json.Unmarshal(data, &list) == nil {
			for _, item := range list.items {
				if tm, err := decodeItem[Team](item); err == nil {
					_ = tm.Serves("a")
				}
				_, _ = decodeItem[UserLink](item)
			}
		}
		var conv Conversation
		_ = json.Unmarshal(data, &conv)
		var tok Token
		if json.Unmarshal(data, &tok) == nil {
			_ = tokenExpiry(tok.AccessToken, tok.ExpiresAt, time.Time{})
		}
	})
}

func FuzzServerError(f *testing.F) {
	for _, s := range []string{
		`{"status":400,"error":"window_closed","message":"template needed"}`,
		`{"title":"Bad","detail":"x"}`, `{"error":{"nested":true}}`, `<html>`, "plain", ``,
	} {
		f.Add([]byte(s), 400, "7")
	}
	f.Fuzz(func(t *testing.T, body []byte, status int, retryAfter string) {
		e := serverError(opSendMessage, status, body, http.Header{"Retry-After": {retryAfter}})
		if len(e.Message) > 520 {
			t.Fatalf("message not bounded: %d bytes", len(e.Message))
		}
		_ = e.Error()
		_ = IsWindowClosed(e)
		if d, ok := IsRateLimited(e); ok && d < 0 {
			t.Fatalf("negative Retry-After %v", d)
		}
	})
}

func FuzzJWTExpiry(f *testing.F) {
	for _, s := range []string{jwtWith(`{"exp":1700000000}`), jwtWith(`{"exp":1e308}`), "a.b.c", "..", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, tok string) {
		if exp, ok := JWTExpiry(tok); ok && exp.Before(time.Unix(0, 0)) {
			t.Fatalf("expiry before the epoch: %v", exp)
		}
	})
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2024-04-30T14:03:25.06359+00:00", "2023-06-27", "2023-06-27T10:22:24", "", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseTime(s)
		if err == nil && !got.IsZero() && got.Location() != time.UTC {
			t.Fatalf("ParseTime(%q) not in UTC", s)
		}
	})
}
