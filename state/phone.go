package state

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Phone numbers: the one rule (see doc.go, "Contacts"). A number is
// checked for its shape only — E.164: "+", the country code and the
// number, MinNumberDigits to MaxNumberDigits digits, the first not 0 —
// and never for whether it exists: the platform decides that (its own
// reference's example, +4479051337665, is one digit longer than a UK
// mobile). Every place a person types a number (the new-contact form, a
// new conversation, the platform clients' contact requests) goes
// through NormalizeNumber or IsE164.

const (
	// MinNumberDigits is the fewest digits of an E.164 number, country
	// code included (Niue's and Saint Helena's numbers have 7).
	MinNumberDigits = 7
	// MaxNumberDigits is the most digits E.164 allows.
	MaxNumberDigits = 15
	// maxNumberInput is the longest phone number input looked at, in
	// characters.
	maxNumberInput = 64
)

// numberExample ends every hint about writing a number.
const numberExample = "e.g. +44 7902 111123"

// IsE164 reports whether s is a number as NormalizeNumber gives it: "+"
// and MinNumberDigits to MaxNumberDigits ASCII digits, the first not 0.
// It says nothing of whether the number exists.
func IsE164(s string) bool {
	if len(s) < 1+MinNumberDigits || len(s) > 1+MaxNumberDigits || s[0] != '+' || s[1] == '0' {
		return false
	}
	for i := 1; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// NormalizeNumber turns a phone number as people write it — "+44 7902
// 111123", "+44 (0)7902-111123", "0044 7902 111123" — into E.164
// ("+447902111123"). The country code is required (a leading + or 00:
// the number alone does not say which country it is in). Spaces (any
// kind) and - ( ) . / separate digits; anything else — a letter, a
// control character such as a line break or an escape, an invisible or
// bidirectional formatting character — is refused, named in the error.
// The digits are checked for E.164's shape only (IsE164); whether the
// number exists is the platform's call. libphonenumber is used to drop a
// national trunk prefix written after the country code ("+44 (0)7902…"),
// never to refuse. Errors are *InputError saying what to change.
func NormalizeNumber(s string) (string, error) {
	s = strings.TrimFunc(s, func(r rune) bool { return r == ' ' || unicode.Is(unicode.Zs, r) })
	if s == "" {
		return "", &InputError{"type the number with its country code, " + numberExample}
	}
	if !utf8.ValidString(s) || utf8.RuneCountInString(s) > maxNumberInput {
		return "", &InputError{"this is not a phone number: write it with its country code, " + numberExample}
	}
	var spaced strings.Builder // digits and + with spaces where the separators were, for libphonenumber
	var digits strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
			spaced.WriteRune(r)
		case r == '+' && i == 0:
			spaced.WriteRune(r)
		case unicode.Is(unicode.Zs, r) || strings.ContainsRune("-()./", r):
			spaced.WriteByte(' ')
		default:
			return "", &InputError{numberCharProblem(r)}
		}
	}
	n := strings.TrimSpace(spaced.String())
	d := digits.String()
	switch {
	case strings.HasPrefix(n, "+"):
	case strings.HasPrefix(n, "00"):
		d = strings.TrimPrefix(d, "00")
		n = "+" + strings.TrimPrefix(n, "00")
	default:
		return "", &InputError{"start the number with + and its country code (or 00), " + numberExample}
	}
	switch {
	case d == "":
		return "", &InputError{"the number is too short: write it in full with its country code, " + numberExample}
	case d[0] == '0':
		return "", &InputError{"no country code starts with 0: write + and the country code first (+44 for the UK), " + numberExample}
	}
	e164 := "+" + d
	if f, ok := dropTrunkPrefix(n, e164); ok {
		e164 = f
	}
	switch nd := len(e164) - 1; {
	case nd < MinNumberDigits:
		return "", &InputError{fmt.Sprintf("the number has %d digits, too short for a number with its country code (at least %d): write it in full, %s", nd, MinNumberDigits, numberExample)}
	case nd > MaxNumberDigits:
		return "", &InputError{fmt.Sprintf("the number has %d digits, too long (at most %d with the country code): check the digits, %s", nd, MaxNumberDigits, numberExample)}
	}
	return e164, nil
}

// dropTrunkPrefix is the number libphonenumber formats from n when that is
// the same number with a national trunk prefix ("0" in "+44 (0)7902…")
// removed; only then. libphonenumber formats here and never refuses: a
// number it cannot parse or would change otherwise is kept as typed.
func dropTrunkPrefix(n, e164 string) (string, bool) {
	num, err := phonenumbers.Parse(n, "")
	if err != nil {
		return "", false
	}
	f := phonenumbers.Format(num, phonenumbers.E164)
	if f == e164 || !IsE164(f) || len(f) != len(e164)-1 {
		return "", false
	}
	for i := 1; i < len(e164); i++ {
		if e164[i] == '0' && e164[:i]+e164[i+1:] == f {
			return f, true
		}
	}
	return "", false
}

// NumberCharError is NormalizeNumber's refusal of the first character of
// s no typed number may hold — a letter, a control character such as a
// line break, an invisible or bidirectional one — naming it; nil when
// every character may be part of a number (a + anywhere: where it stands
// is NormalizeNumber's business). A form checks pasted text with it
// before the text goes in, so the field keeps what it had.
func NumberCharError(s string) error {
	if !utf8.ValidString(s) {
		return &InputError{"this is not a phone number: write it with its country code, " + numberExample}
	}
	for _, r := range s {
		if !(r >= '0' && r <= '9' || r == '+' || unicode.Is(unicode.Zs, r) || strings.ContainsRune("-()./", r)) {
			return &InputError{numberCharProblem(r)}
		}
	}
	return nil
}

// numberCharProblem says which character of a typed number is not part
// of one, and what to do.
func numberCharProblem(r rune) string {
	const fix = "a phone number has only digits, spaces and + - ( ) . /: write it with its country code, " + numberExample
	switch {
	case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085':
		return "the number has a line break (" + runeName(r) + "): type it on one line; " + fix
	case r == '+':
		return "a + may only start the number: " + fix
	case unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r):
		return "the number has an invisible character (" + runeName(r) + "): " + fix
	}
	return fmt.Sprintf("%q is not part of a phone number: %s", string(r), fix)
}
