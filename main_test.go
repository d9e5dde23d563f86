package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestSandboxWalkthrough runs `mbx sandbox --addr 127.0.0.1:0` and follows
// ../shared/docs/msgboxx-send-message-walkthrough.md over plain HTTP, as
// README's curl commands do: token, api account, contact by number (no +),
// and a message that the 24-hour rule lets through once the customer wrote.
func TestSandboxWalkthrough(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"sandbox", "--addr", "127.0.0.1:0", "--seed", "3"}, pw, &stderr)
		pw.Close()
	}()
	defer func() {
		cancel()
		go io.Copy(io.Discard, pr)
		if code := <-done; code != 0 {
			t.Errorf("sandbox exited %d: %s", code, stderr.String())
		}
	}()

	lines := bufio.NewScanner(pr)
	var got []string
	for len(got) < 2 && lines.Scan() {
		got = append(got, lines.Text())
	}
	if len(got) != 2 {
		t.Fatalf("want two lines, got %q (stderr %s)", got, stderr.String())
	}
	m := regexp.MustCompile(`^listening (http://127\.0\.0\.1:\d+)$`).FindStringSubmatch(got[0])
	if m == nil {
		t.Fatalf("first line %q", got[0])
	}
	base := m[1]
	cred := strings.Fields(got[1])
	if len(cred) != 3 || cred[0] != "login" {
		t.Fatalf("second line %q", got[1])
	}

	do := func(method, path string, body any, token string, want int, out any) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			b, _ := json.Marshal(body)
			rd = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(method, base+path, rd)
		req.Header.Set("content-type", "application/json")
		req.Header.Set("X-Calling-Application", "walkthrough")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %d %s, want %d", method, path, resp.StatusCode, data, want)
		}
		if out != nil {
			if err := json.Unmarshal(data, out); err != nil {
				t.Fatalf("%s %s: %v in %s", method, path, err, data)
			}
		}
	}

	var tok struct {
		AccessToken string `json:"access_token"`
		ExpiresAt   string `json:"expires_at"`
	}
	do("POST", "/oauth/token", map[string]string{"username": cred[1], "password": cred[2]}, "", 200, &tok)
	if tok.AccessToken == "" || tok.ExpiresAt == "" {
		t.Fatalf("token %+v", tok)
	}
	var accounts struct {
		Items []struct {
			APIAccountID string `json:"apiAccountId"`
			PhoneNumber  string `json:"phoneNumber"`
		} `json:"items"`
		Paging struct{ RecordCount int } `json:"paging"`
	}
	do("GET", "/apiaccount", nil, tok.AccessToken, 200, &accounts)
	if len(accounts.Items) == 0 || accounts.Paging.RecordCount != len(accounts.Items) {
		t.Fatalf("accounts %+v", accounts)
	}
	acc := accounts.Items[0].APIAccountID

	var contacts struct {
		Items []struct {
			ContactID    string `json:"contactId"`
			MobileNumber string `json:"mobileNumber"`
		} `json:"items"`
	}
	do("GET", "/contact?apiAccountId="+acc, nil, tok.AccessToken, 200, &contacts)
	if len(contacts.Items) == 0 {
		t.Fatal("no contacts")
	}
	number := strings.TrimPrefix(contacts.Items[0].MobileNumber, "+")
	do("GET", "/contact?apiAccountId="+acc+"&mobileNumber="+url.QueryEscape(number), nil, tok.AccessToken, 200, &contacts)
	if len(contacts.Items) != 1 {
		t.Fatalf("contact by number %s: %+v", number, contacts)
	}

	// Find a contact whose window is open: one who wrote in the last 24h.
	var recent struct {
		Items []struct {
			MessageDirection string `json:"messageDirection"`
			APIAccountID     string `json:"apiAccountId"`
			DateTime         string `json:"dateTime"`
			Contact          struct {
				ContactID string `json:"contactId"`
			} `json:"contact"`
		} `json:"items"`
	}
	do("GET", "/message?fromDate="+url.QueryEscape(time.Now().Add(-20*time.Hour).UTC().Format(time.RFC3339)), nil, tok.AccessToken, 200, &recent)
	var open struct{ acc, contact string }
	for _, m := range recent.Items {
		if m.MessageDirection != "outgoing" {
			open.acc, open.contact = m.APIAccountID, m.Contact.ContactID
		}
	}
	if open.contact == "" {
		t.Fatal("demo data has no customer message in the last 20 hours")
	}
	var sent struct {
		MessageID string `json:"messageId"`
		Status    string `json:"status"`
	}
	do("POST", "/message", map[string]string{"apiAccountId": open.acc, "contactId": open.contact,
		"message": "Hi John, that sounds good progress, keep me informed please."}, tok.AccessToken, 201, &sent)
	if sent.MessageID == "" {
		t.Fatalf("sent %+v", sent)
	}
	do("GET", "/message/"+sent.MessageID, nil, tok.AccessToken, 200, &sent)
	if sent.Status == "" {
		t.Fatal("the message has no status")
	}
	do("GET", "/apiaccount", nil, "", 401, nil)
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, 0, "mbx "},
		{[]string{"help"}, 0, "mbx sandbox"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"sandbox", "--addr", "0.0.0.0:0"}, 2, "not a loopback address"},
		{[]string{"sandbox", "--addr", "10.1.2.3:8088"}, 2, "not a loopback address"},
		{[]string{"sandbox", "--addr", "8088"}, 2, "not host:port"},
		{[]string{"sandbox", "extra"}, 2, "unexpected argument"},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		code := run(context.Background(), tt.args, &out, &out)
		if code != tt.code || !strings.Contains(out.String(), tt.out) {
			t.Errorf("mbx %v: exit %d, output %q; want %d and %q", tt.args, code, out.String(), tt.code, tt.out)
		}
	}
}
