package state

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		name, text, example string
		indices             []int
		hints               []string
		nameHint            []bool
		problems            int
		fill                map[int]string
		filled              string
	}{
		{
			name:    "reference follow_up",
			text:    "Hi {{1}}, thanks for the conversation earlier about {{2}} lets catch up soon.",
			example: "Hi [John], thanks for the conversation earlier about [the 2 bedroom house you are interested in,] lets catch up soon.",
			indices: []int{1, 2}, hints: []string{"John", "the 2 bedroom house you are interested in,"}, nameHint: []bool{true, false},
			fill:   map[int]string{1: "Jack", 2: "the flat"},
			filled: "Hi Jack, thanks for the conversation earlier about the flat lets catch up soon.",
		},
		{
			name:    "repeat is one value",
			text:    "{{1}}, your code is {{2}}. Thanks {{1}}!",
			example: "[Ana], your code is [4411]. Thanks [Ana]!",
			indices: []int{1, 2}, hints: []string{"Ana", "4411"}, nameHint: []bool{true, false},
			fill:   map[int]string{1: "Bo", 2: "77"},
			filled: "Bo, your code is 77. Thanks Bo!",
		},
		{
			name: "out of order", text: "Order {{2}} for {{1}}", example: "Order [A-1] for [Kim]",
			indices: []int{1, 2}, hints: []string{"Kim", "A-1"}, nameHint: []bool{false, false},
		},
		{name: "spaces inside are tolerated", text: "Hi {{ 1 }}!", indices: []int{1}, hints: []string{""}, nameHint: []bool{false},
			fill: map[int]string{1: "Zoe"}, filled: "Hi Zoe!"},
		{name: "unclosed", text: "Hi {{1}} and {{", indices: []int{1}, problems: 1,
			fill: map[int]string{1: "x"}, filled: "Hi x and {{"},
		{name: "zero is literal", text: "Code {{0}} {{1}}", indices: []int{1}, problems: 1,
			fill: map[int]string{1: "y"}, filled: "Code {{0}} y"},
		{name: "leading zero is literal", text: "{{01}}", problems: 1, filled: "{{01}}"},
		{name: "words are literal", text: "{{name}} {{1}}", indices: []int{1}, problems: 1},
		{name: "gap", text: "{{1}} and {{3}}", indices: []int{1, 3}, problems: 1,
			fill: map[int]string{1: "a"}, filled: "a and {{3}}"},
		{name: "no placeholders", text: "Our office is closed today.", filled: "Our office is closed today."},
		{name: "empty braces", text: "{{}}", problems: 1, filled: "{{}}"},
		{name: "hint count mismatch gives no hints", text: "Hi {{1}} {{2}}", example: "Hi [A]", indices: []int{1, 2}, hints: []string{"", ""}, nameHint: []bool{false, false}},
		{name: "emoji and CJK around", text: "🎉 {{1}} 你好", indices: []int{1}, fill: map[int]string{1: "李"}, filled: "🎉 李 你好"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := ParseTemplate(tt.text, tt.example)
			var idx []int
			var hints []string
			var names []bool
			for _, ph := range p.Placeholders {
				idx, hints, names = append(idx, ph.Index), append(hints, ph.Hint), append(names, ph.Name)
			}
			if !reflect.DeepEqual(idx, tt.indices) {
				t.Errorf("indices %v, want %v", idx, tt.indices)
			}
			if tt.hints != nil && !reflect.DeepEqual(hints, tt.hints) {
				t.Errorf("hints %q, want %q", hints, tt.hints)
			}
			if tt.nameHint != nil && !reflect.DeepEqual(names, tt.nameHint) {
				t.Errorf("name hints %v, want %v", names, tt.nameHint)
			}
			if len(p.Problems) != tt.problems {
				t.Errorf("problems %q, want %d", p.Problems, tt.problems)
			}
			if tt.filled != "" {
				if got := p.Fill(tt.fill); got != tt.filled {
					t.Errorf("Fill = %q, want %q", got, tt.filled)
				}
			}
		})
	}
}

func TestValidateParam(t *testing.T) {
	tests := []struct {
		in   string
		want string // substring of the error; "" for valid
	}{
		{"John", ""},
		{"the 2 bedroom house, 4 spaces    ok", ""},
		{"", "fill this in"},
		{"   ", "fill this in"},
		{"two\nlines", "line breaks"},
		{"cr\rhere", "line breaks"},
		{"tab\there", "tabs"},
		{"five     spaces", "four spaces"},
		{strings.Repeat("é", MaxParamLength), ""},
		{strings.Repeat("é", MaxParamLength+3), "3 over the limit"},
		// Finding 11 of issue 12: what the platform refuses is refused
		// here, the character named.
		{"{{1}}", "no {{ or }}"},
		{"Flat {{2", "no {{ or }}"},
		{"x}}", "no {{ or }}"},
		{"{braces} are fine", ""},
		{"👩\u200d👩\u200d👧 family", ""},
		{"a\u2028b", "U+2028 LINE SEPARATOR"},
		{"a\u2029b", "U+2029 PARAGRAPH SEPARATOR"},
		{"a\u0085b", "U+0085 NEXT LINE (NEL)"},
		{"a\x00b", "U+0000 NUL"},
		{"a\x1b[31mb", "U+001B ESCAPE, a control character"},
		{"a\x07", "U+0007 BELL"},
		{"a\x7f", "U+007F DELETE"},
		{"a\x01", "U+0001, a control character"},
		{"a\u009bb", "U+009B CONTROL SEQUENCE INTRODUCER"},
		{"a\u0090b", "U+0090 DEVICE CONTROL STRING"},
		{"\u202eevil", "U+202E RIGHT-TO-LEFT OVERRIDE, an invisible bidirectional control"},
		{"a\u2066b", "U+2066 LEFT-TO-RIGHT ISOLATE"},
		{"a\u200fb", "U+200F RIGHT-TO-LEFT MARK"},
		{"a\u061cb", "U+061C ARABIC LETTER MARK"},
		{"a\xffb", "not valid text"},
	}
	for _, tt := range tests {
		err := ValidateParam(tt.in)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("ValidateParam(%q) = %v, want %q", truncateRunes(tt.in, 20), err, tt.want)
		}
	}
}

func FuzzParseTemplate(f *testing.F) {
	for _, s := range []string{
		"Hi {{1}}, about {{2}}", "{{", "{{0}}", "{{ 1 }}", "{{1}} {{3}}", "{{1}}{{1}}", "}}{{", "{{99999999999}}", "\xff{{1}}",
	} {
		f.Add(s, "Hi [John] about [x]")
	}
	f.Fuzz(func(t *testing.T, text, example string) {
		p := ParseTemplate(text, example)
		values := map[int]string{}
		for i, ph := range p.Placeholders {
			if ph.Index < 1 {
				t.Fatalf("placeholder index %d", ph.Index)
			}
			if i > 0 && p.Placeholders[i-1].Index >= ph.Index {
				t.Fatalf("placeholders not distinct and sorted: %+v", p.Placeholders)
			}
			values[ph.Index] = "v"
		}
		// Filling every placeholder with "v" gives the literal text plus one
		// "v" per occurrence: nothing lost, nothing left unfilled.
		want := 0
		for _, s := range p.Segments {
			if s.Placeholder == 0 {
				want += len(s.Text)
			} else {
				want++
			}
		}
		if out := p.Fill(values); len(out) != want {
			t.Fatalf("Fill(%q) = %q, %d bytes, want %d", text, out, len(out), want)
		}
	})
}

func TestWindow(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		lastInbound time.Time
		state       WindowState
		text        string
	}{
		{time.Time{}, WindowClosed, "closed — template only"},
		{now.Add(-48 * time.Minute), WindowOpen, "23h 12m left"},
		{now.Add(-23 * time.Hour), WindowClosing, "1h 00m left"},
		{now.Add(-24*time.Hour + 30*time.Second), WindowClosing, "under 1m left"},
		{now.Add(-24 * time.Hour), WindowClosed, "closed under 1m ago — template only"},
		{now.Add(-27 * time.Hour), WindowClosed, "closed 3h 00m ago — template only"},
		{now.Add(-75 * time.Hour), WindowClosed, "closed 2d 3h ago — template only"},
	}
	for _, tt := range tests {
		w := WindowAt(WindowExpiry(tt.lastInbound), now)
		if w.State != tt.state || w.String() != tt.text {
			t.Errorf("last inbound %v: %v %q, want %v %q", tt.lastInbound, w.State, w.String(), tt.state, tt.text)
		}
	}
}

func TestMessageStatus(t *testing.T) {
	for in, want := range map[string]MessageStatus{
		"Pending": StatusPending, " sent ": StatusSent, "DELIVERED": StatusDelivered, "Read": StatusRead,
		"Failed": StatusFailed, "": StatusUnknown, "bogus": StatusUnknown,
	} {
		if got := ParseMessageStatus(in); got != want {
			t.Errorf("ParseMessageStatus(%q) = %v", in, got)
		}
	}
	if Later(StatusRead, StatusFailed) != StatusFailed || Later(StatusSent, StatusDelivered) != StatusDelivered {
		t.Error("Later")
	}
	if !StatusRead.Final() || StatusDelivered.Final() || MessageStatus(42).String() != "unknown" {
		t.Error("Final/String")
	}
}
