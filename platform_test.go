package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// mbx sandbox --platform getchat prints exactly three lines first, for
// scripts, and serves get.chat's API at the first one.
func TestGetchatSandboxCommand(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	var stderr bytes.Buffer
	go func() {
		done <- run(ctx, []string{"sandbox", "--platform", "getchat", "--addr", "127.0.0.1:0", "--seed", "2"}, pw, &stderr)
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
	for len(got) < 3 && lines.Scan() {
		got = append(got, lines.Text())
	}
	if len(got) != 3 {
		t.Fatalf("want three lines, got %q (stderr %s)", got, stderr.String())
	}
	m := regexp.MustCompile(`^listening (http://127\.0\.0\.1:(\d+))$`).FindStringSubmatch(got[0])
	if m == nil {
		t.Fatalf("first line %q", got[0])
	}
	cred := strings.Fields(got[1])
	if len(cred) != 3 || cred[0] != "login" {
		t.Fatalf("second line %q", got[1])
	}
	if want := "websocket ws://127.0.0.1:" + m[2] + "/"; got[2] != want {
		t.Fatalf("third line %q, want %q", got[2], want)
	}
	body, _ := json.Marshal(map[string]string{"username": cred[1], "password": cred[2]})
	resp, err := http.Post(m[1]+"/api/v1/auth/token/", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 || tok.Token == "" {
		t.Fatalf("login with the printed credentials: %d %v %+v", resp.StatusCode, err, tok)
	}
}

func TestPlatformFlag(t *testing.T) {
	tests := []struct {
		args []string
		want string
		err  bool
	}{
		{nil, platformMsgboxx, false},
		{[]string{"--seed", "3"}, platformMsgboxx, false},
		{[]string{"--platform", "getchat"}, platformGetchat, false},
		{[]string{"--platform=GetChat"}, platformGetchat, false},
		{[]string{"-platform", "msgboxx"}, platformMsgboxx, false},
		{[]string{"--platform"}, "", true},
		{[]string{"--platform", "whatsapp"}, "", true},
		{[]string{"--", "--platform", "getchat"}, platformMsgboxx, false},
	}
	for _, tt := range tests {
		got, err := platformOf(tt.args)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("platformOf(%q) = %q, %v; want %q (error %v)", tt.args, got, err, tt.want, tt.err)
		}
	}
}
