package state

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholder is one value a template needs: {{Index}}.
type Placeholder struct {
	Index int    // 1-based, as written
	Hint  string // the sample value from the template's example, e.g. "John"; may be empty
	Name  bool   // the hint suggests the contact's name
}

// ParsedTemplate is a template's text split into literal text and
// placeholders.
type ParsedTemplate struct {
	Segments     []Segment     // in order; Placeholder 0 means literal text
	Placeholders []Placeholder // distinct, by Index ascending
	Problems     []string      // what is wrong with the template, in words; it may still be fillable
}

// Segment is literal text or a reference to a placeholder.
type Segment struct {
	Text        string
	Placeholder int // 0: literal
}

// ParseTemplate reads a template's text and example.
//
// Syntax decided here (the reference shows only "{{1}}"): a placeholder is
// "{{" digits "}}", with spaces inside tolerated ("{{ 1 }}" is {{1}}).
// "{{0}}", a number with a leading zero, "{{x}}" and an unclosed "{{" are
// literal text and reported as problems. A placeholder used twice is one
// value. Gaps ({{1}} and {{3}} without {{2}}) are reported; the values
// present are still asked for. Hints come from the example's [bracketed]
// values, taken in the order the placeholders occur.
func ParseTemplate(text, example string) ParsedTemplate {
	var p ParsedTemplate
	var lit strings.Builder
	var order []int // placeholder indices in order of occurrence
	seen := map[int]bool{}
	for i := 0; i < len(text); {
		if !strings.HasPrefix(text[i:], "{{") {
			r, size := utf8.DecodeRuneInString(text[i:])
			if r == utf8.RuneError && size == 1 {
				lit.WriteString(string(utf8.RuneError))
			} else {
				lit.WriteString(text[i : i+size])
			}
			i += size
			continue
		}
		end := strings.Index(text[i+2:], "}}")
		if end < 0 {
			p.Problems = append(p.Problems, fmt.Sprintf("unclosed \"{{\" at character %d", utf8.RuneCountInString(text[:i])+1))
			lit.WriteString(text[i:])
			break
		}
		inner := strings.TrimSpace(text[i+2 : i+2+end])
		n, ok := placeholderIndex(inner)
		if !ok {
			p.Problems = append(p.Problems, fmt.Sprintf("\"{{%s}}\" is not a placeholder (they are {{1}}, {{2}}, …)", truncateRunes(inner, 12)))
			lit.WriteString(text[i : i+4+end])
			i += 4 + end
			continue
		}
		if lit.Len() > 0 {
			p.Segments = append(p.Segments, Segment{Text: lit.String()})
			lit.Reset()
		}
		p.Segments = append(p.Segments, Segment{Placeholder: n})
		order = append(order, n)
		if !seen[n] {
			seen[n] = true
			p.Placeholders = append(p.Placeholders, Placeholder{Index: n})
		}
		i += 4 + end
	}
	if lit.Len() > 0 {
		p.Segments = append(p.Segments, Segment{Text: lit.String()})
	}
	sort.Slice(p.Placeholders, func(a, b int) bool { return p.Placeholders[a].Index < p.Placeholders[b].Index })
	for want, ph := range p.Placeholders {
		if ph.Index != want+1 {
			p.Problems = append(p.Problems, fmt.Sprintf("placeholder {{%d}} is missing", want+1))
			break
		}
	}
	p.hints(order, example)
	return p
}

func placeholderIndex(s string) (int, bool) {
	if s == "" || len(s) > 3 || s[0] == '0' {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 1
}

// hints takes the example's [bracketed] values in occurrence order. When
// their count does not match the occurrences, no hints are given rather
// than wrong ones.
func (p *ParsedTemplate) hints(order []int, example string) {
	var vals []string
	for rest := example; ; {
		open := strings.IndexByte(rest, '[')
		if open < 0 {
			break
		}
		end := strings.IndexByte(rest[open:], ']')
		if end < 0 {
			break
		}
		vals = append(vals, strings.TrimSpace(rest[open+1:open+end]))
		rest = rest[open+end+1:]
	}
	if len(vals) != len(order) {
		return
	}
	for k, idx := range order {
		for j := range p.Placeholders {
			ph := &p.Placeholders[j]
			if ph.Index == idx && ph.Hint == "" {
				ph.Hint = vals[k]
				ph.Name = k == 0 && looksLikeName(p.textBefore(k), vals[k])
			}
		}
	}
}

// textBefore is the literal text just before the k-th placeholder occurrence.
func (p *ParsedTemplate) textBefore(k int) string {
	seen := -1
	prev := ""
	for _, s := range p.Segments {
		if s.Placeholder == 0 {
			prev = s.Text
			continue
		}
		seen++
		if seen == k {
			return prev
		}
		prev = ""
	}
	return ""
}

var greetings = []string{"hi", "hello", "hey", "dear", "hiya", "morning", "afternoon", "evening", "thanks", "thank you"}

// looksLikeName: a greeting right before the placeholder, or a hint of one
// or two capitalised words.
func looksLikeName(before, hint string) bool {
	b := strings.ToLower(strings.TrimRight(strings.TrimSpace(before), ",!"))
	for _, g := range greetings {
		if strings.HasSuffix(b, g) {
			return true
		}
	}
	words := strings.Fields(hint)
	if len(words) == 0 || len(words) > 2 {
		return false
	}
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) {
			return false
		}
		for _, c := range w {
			if !unicode.IsLetter(c) && c != '-' && c != '\'' {
				return false
			}
		}
	}
	return true
}

// Fill replaces every placeholder with its value; missing values stay as
// {{n}}.
func (p ParsedTemplate) Fill(values map[int]string) string {
	var b strings.Builder
	for _, s := range p.Segments {
		if s.Placeholder == 0 {
			b.WriteString(s.Text)
		} else if v, ok := values[s.Placeholder]; ok {
			b.WriteString(v)
		} else {
			fmt.Fprintf(&b, "{{%d}}", s.Placeholder)
		}
	}
	return b.String()
}

// MaxParamLength is the longest value one placeholder takes.
const MaxParamLength = 1024

// ValidateParam checks one placeholder value against WhatsApp's rules: not
// empty, valid text, no line break of any kind (\n, \r, U+2028, U+2029,
// NEL U+0085), no tab, no "{{" or "}}" (the platform would read a
// placeholder in it and refuse the send), no other control character (C0,
// DEL, C1: NUL, ESC…) and no bidirectional control (U+202A–U+202E,
// U+2066–U+2069, U+200E, U+200F, U+061C), no run of more than four spaces,
// at most MaxParamLength characters. The error names the character and
// says what to change.
func ValidateParam(v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("fill this in")
	}
	if err := ParamCharError(v); err != nil {
		return err
	}
	switch {
	case strings.Contains(v, "{{") || strings.Contains(v, "}}"):
		return fmt.Errorf("no {{ or }} in a template value (the platform would take it for a placeholder): remove the braces")
	case strings.Contains(v, "     "):
		return fmt.Errorf("no more than four spaces in a row")
	}
	if n := utf8.RuneCountInString(v); n > MaxParamLength {
		return fmt.Errorf("%d characters, %d over the limit of %d", n, n-MaxParamLength, MaxParamLength)
	}
	return nil
}

// ParamCharError is the first character of v no template value may hold
// (ValidateParam: a line break, a tab, another control character, a
// bidirectional control, or invalid UTF-8), named, with what to do; nil
// when there is none. A form checks typed or pasted text with it before
// the text goes in, so what is in a field is always drawable.
func ParamCharError(v string) error {
	if !utf8.ValidString(v) {
		return fmt.Errorf("this is not valid text: type the value again")
	}
	for _, r := range v {
		switch {
		case r == '\n' || r == '\r' || r == '\u2028' || r == '\u2029' || r == '\u0085':
			return fmt.Errorf("no line breaks in a template value: remove the %s", runeName(r))
		case r == '\t':
			return fmt.Errorf("no tabs in a template value: use a space")
		case isControl(r):
			return fmt.Errorf("a template value cannot hold %s, a control character: remove it", runeName(r))
		case unicode.Is(unicode.Bidi_Control, r):
			return fmt.Errorf("a template value cannot hold %s, an invisible bidirectional control: remove it", runeName(r))
		}
	}
	return nil
}

// isControl reports a C0 control, DEL or a C1 control.
func isControl(r rune) bool { return r < 0x20 || r >= 0x7f && r <= 0x9f }

// runeNames are the names of the characters errors name most.
var runeNames = map[rune]string{
	0x00: "NUL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED", 0x0B: "VERTICAL TAB",
	0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE",
	0x85: "NEXT LINE (NEL)", 0x90: "DEVICE CONTROL STRING", 0x9B: "CONTROL SEQUENCE INTRODUCER",
	0x9C: "STRING TERMINATOR", 0x9D: "OPERATING SYSTEM COMMAND",
	0x061C: "ARABIC LETTER MARK", 0x200E: "LEFT-TO-RIGHT MARK", 0x200F: "RIGHT-TO-LEFT MARK",
	0x2028: "LINE SEPARATOR", 0x2029: "PARAGRAPH SEPARATOR",
	0x202A: "LEFT-TO-RIGHT EMBEDDING", 0x202B: "RIGHT-TO-LEFT EMBEDDING", 0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE", 0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x2066: "LEFT-TO-RIGHT ISOLATE", 0x2067: "RIGHT-TO-LEFT ISOLATE", 0x2068: "FIRST STRONG ISOLATE",
	0x2069: "POP DIRECTIONAL ISOLATE", 0xFEFF: "ZERO WIDTH NO-BREAK SPACE",
}

// runeName names a character for an error: "U+001B ESCAPE", or just
// "U+0001" when it has no name here. It never contains the character
// itself, which may be invisible or act on the terminal.
func runeName(r rune) string {
	if n, ok := runeNames[r]; ok {
		return fmt.Sprintf("U+%04X %s", r, n)
	}
	return fmt.Sprintf("U+%04X", r)
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
