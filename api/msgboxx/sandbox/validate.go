package sandbox

import (
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

const (
	maxNameRunes    = 255
	maxTagRunes     = 50
	maxTags         = 20
	maxMessageRunes = 4096
	maxURLBytes     = 2048
)

// validateMobile checks that s is a valid phone number written in E.164.
func validateMobile(s string) error {
	const hint = "mobileNumber must be in E.164 format: a '+', the country code and the number, digits only, e.g. +447902111123"
	if s == "" {
		return fmt.Errorf("mobileNumber is required: %s", hint)
	}
	if s[0] != '+' || len(s) < 8 || len(s) > 16 {
		return fmt.Errorf("mobileNumber %q is not valid: %s", s, hint)
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return fmt.Errorf("mobileNumber %q is not valid: %s", s, hint)
		}
	}
	num, err := phonenumbers.Parse(s, "")
	if err != nil || !phonenumbers.IsValidNumber(num) {
		return fmt.Errorf("mobileNumber %q is not a valid phone number (wrong length or unallocated range for its country): %s", s, hint)
	}
	if e := phonenumbers.Format(num, phonenumbers.E164); e != s {
		return fmt.Errorf("mobileNumber %q is not in canonical E.164 form: write it as %s", s, e)
	}
	return nil
}

// digitsOnly keeps the digits of a mobile number search term, so that
// "447902111123", "+447902111123" and "+44 7902 111123" all match.
func digitsOnly(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

func canonicalContactStatus(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, c := range contactStatuses {
		if strings.EqualFold(c, s) {
			return c, true
		}
	}
	return "", false
}

// validateEmail is deliberately loose: local@domain.tld, no spaces.
func validateEmail(s string) error {
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n") {
		return fmt.Errorf("email %q is not a valid email address (e.g. customer@somewhere.com)", s)
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at == len(s)-1 || strings.Count(s, "@") != 1 {
		return fmt.Errorf("email %q is not a valid email address (e.g. customer@somewhere.com)", s)
	}
	domain := s[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return fmt.Errorf("email %q is not a valid email address: the domain needs a dot, e.g. customer@somewhere.com", s)
	}
	return nil
}

// normaliseTags trims, rejects empty and over-long tags, removes exact
// duplicates (first spelling kept) and caps the count.
func normaliseTags(in []string) ([]string, error) {
	out := []string{}
	seen := map[string]bool{}
	for i, t := range in {
		t = strings.TrimSpace(t)
		if t == "" {
			return nil, fmt.Errorf("tags[%d] is empty: every tag must be a non-empty string", i)
		}
		if n := utf8.RuneCountInString(t); n > maxTagRunes {
			return nil, fmt.Errorf("tags[%d] is %d characters long: a tag may have at most %d", i, n, maxTagRunes)
		}
		if seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
	}
	if len(out) > maxTags {
		return nil, fmt.Errorf("a contact may have at most %d tags, not %d", maxTags, len(out))
	}
	return out, nil
}

var webhookTypes = []string{"message", "contact", "inbox", "apiaccount", "broadcast", "template"}

func canonicalWebhookType(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, t := range webhookTypes {
		if strings.EqualFold(t, s) {
			return t, true
		}
	}
	return "", false
}

// validateTargetURL accepts absolute https URLs, and http for loopback
// hosts only.
func validateTargetURL(s string) error {
	const hint = "targetUrl must be an absolute https URL (http is accepted only for localhost/127.0.0.1/::1)"
	if s == "" {
		return fmt.Errorf("targetUrl is required: %s", hint)
	}
	if len(s) > maxURLBytes {
		return fmt.Errorf("targetUrl is longer than %d bytes", maxURLBytes)
	}
	u, err := url.Parse(s)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" {
		return fmt.Errorf("targetUrl %q is not valid: %s", s, hint)
	}
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("targetUrl %q uses http with a non-loopback host: %s", s, hint)
	}
	return fmt.Errorf("targetUrl %q has scheme %q: %s", s, u.Scheme, hint)
}

func isLoopbackHost(h string) bool {
	h = strings.ToLower(h)
	return h == "localhost" || strings.HasSuffix(h, ".localhost") || h == "::1" || strings.HasPrefix(h, "127.")
}
