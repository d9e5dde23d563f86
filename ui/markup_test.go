package ui

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

func spanPlain(s string) Span  { return Span{Text: s} }
func spanBold(s string) Span   { return Span{Text: s, Bold: true} }
func spanItalic(s string) Span { return Span{Text: s, Italic: true} }
func spanStrike(s string) Span { return Span{Text: s, Strike: true} }
func spanCode(s string) Span   { return Span{Text: s, Code: true} }

const zwjFamily = "👨\u200D👩\u200D👧"

var markupCases = []struct {
	name string
	in   string
	want []Span
}{
	{"empty", "", nil},
	{"plain", "hello there", []Span{spanPlain("hello there")}},

	// The four markers.
	{"bold", "*bold*", []Span{spanBold("bold")}},
	{"italic", "_italic_", []Span{spanItalic("italic")}},
	{"strike", "~strike~", []Span{spanStrike("strike")}},
	{"code", "`code`", []Span{spanCode("code")}},
	{"code block", "```block```", []Span{spanCode("block")}},
	{"code block with spaces", "``` x = 1 ```", []Span{spanCode(" x = 1 ")}},
	{"in a sentence", "a *b* c", []Span{spanPlain("a "), spanBold("b"), spanPlain(" c")}},
	{"several", "*a*_b_~c~`d`", []Span{spanBold("a"), spanItalic("b"), spanStrike("c"), spanCode("d")}},
	{"words apart", "*a* *b*", []Span{spanBold("a"), spanPlain(" "), spanBold("b")}},
	{"punctuation around", "(*bold*), yes.", []Span{spanPlain("("), spanBold("bold"), spanPlain("), yes.")}},
	{"multi-word", "it's *really good* today", []Span{spanPlain("it's "), spanBold("really good"), spanPlain(" today")}},

	// Markers must hug the text.
	{"spaces inside", "* not bold *", []Span{spanPlain("* not bold *")}},
	{"space after opener", "* not bold*", []Span{spanPlain("* not bold*")}},
	{"space before closer", "*not bold *", []Span{spanPlain("*not bold *")}},
	{"arithmetic", "5 * 3 * 2", []Span{spanPlain("5 * 3 * 2")}},
	{"single code hugs", "` x `", []Span{spanPlain("` x `")}},

	// Not inside words.
	{"inside a number", "2*3*4", []Span{spanPlain("2*3*4")}},
	{"snake case", "snake_case_name", []Span{spanPlain("snake_case_name")}},
	{"opener after a letter", "x*bold*", []Span{spanPlain("x*bold*")}},
	{"closer before a letter", "*bold*s", []Span{spanPlain("*bold*s")}},
	{"code before a letter", "`a`b", []Span{spanPlain("`a`b")}},
	{"CJK letters around", "你好*世界*", []Span{spanPlain("你好*世界*")}},

	// Unmatched and empty.
	{"unclosed", "*unclosed", []Span{spanPlain("*unclosed")}},
	{"unopened", "unopened*", []Span{spanPlain("unopened*")}},
	{"empty bold", "**", []Span{spanPlain("**")}},
	{"four stars", "****", []Span{spanPlain("****")}},
	{"doubled", "**bold**", []Span{spanPlain("*"), spanBold("bold"), spanPlain("*")}},
	{"dunder", "__init__", []Span{spanPlain("_"), spanItalic("init"), spanPlain("_")}},
	{"empty code block", "``````", []Span{spanPlain("``````")}},
	{"blank code block", "``` ```", []Span{spanPlain("``` ```")}},
	{"lone backticks", "```", []Span{spanPlain("```")}},

	// Nesting and combining.
	{"bold italic", "*_both_*", []Span{{Text: "both", Bold: true, Italic: true}}},
	{"italic bold", "_*both*_", []Span{{Text: "both", Bold: true, Italic: true}}},
	{"all three", "~*_all_*~", []Span{{Text: "all", Bold: true, Italic: true, Strike: true}}},
	{"nested inside", "*bold _both_ bold*", []Span{spanBold("bold "), {Text: "both", Bold: true, Italic: true}, spanBold(" bold")}},
	{"overlap: first wins", "*a _b* c_", []Span{spanBold("a _b"), spanPlain(" c_")}},
	{"same marker does not nest", "*a *b* c*", []Span{spanBold("a *b"), spanPlain(" c*")}},

	// Code is parsed first and holds nothing else.
	{"markers in code", "`*not bold*`", []Span{spanCode("*not bold*")}},
	{"markers in code block", "```*a* _b_```", []Span{spanCode("*a* _b_")}},
	{"code in bold", "*bold `code` bold*", []Span{spanBold("bold "), {Text: "code", Bold: true, Code: true}, spanBold(" bold")}},
	{"code beats italic", "_a `b_ c`", []Span{spanPlain("_a "), spanCode("b_ c")}},

	// Links.
	{"link with underscores", "http://a.b/_x_", []Span{spanPlain("http://a.b/_x_")}},
	{"link in a sentence", "see https://example.com/a_b_c and _this_", []Span{spanPlain("see https://example.com/a_b_c and "), spanItalic("this")}},
	{"bold link", "*https://a.b/c*", []Span{spanBold("https://a.b/c")}},
	{"www link", "www.x.com/*a*", []Span{spanPlain("www.x.com/*a*")}},
	{"link in code", "`https://a.b/_x_`", []Span{spanCode("https://a.b/_x_")}},

	// Emoji and CJK.
	{"emoji inside", "😀 *🎉 party* 🎉", []Span{spanPlain("😀 "), spanBold("🎉 party"), spanPlain(" 🎉")}},
	{"ZWJ zwjFamily", "_" + zwjFamily + "_", []Span{spanItalic(zwjFamily)}},
	{"ZWJ zwjFamily strike", "~" + zwjFamily + " " + zwjFamily + "~", []Span{spanStrike(zwjFamily + " " + zwjFamily)}},
	{"CJK", "*你好*", []Span{spanBold("你好")}},
	{"flag", "*🇬🇧*", []Span{spanBold("🇬🇧")}},
	{"skin tone", "_👍🏽_", []Span{spanItalic("👍🏽")}},

	// Markers never split a grapheme cluster.
	{"between regional indicators", "🇬*🇧*", []Span{spanPlain("🇬*🇧*")}},
	{"before a skin tone", "👍*🏽*", []Span{spanPlain("👍*🏽*")}},
	{"before a combining mark", "*e*\u0301", []Span{spanPlain("*e*\u0301")}},
	{"after a joiner", "👨\u200D*👩*", []Span{spanPlain("👨\u200D*👩*")}},

	// Line breaks end formatting.
	{"across a break", "*a\nb*", []Span{spanPlain("*a\nb*")}},
	{"each line", "*a*\n_b_", []Span{spanBold("a"), spanPlain("\n"), spanItalic("b")}},
}

func TestParseMarkup(t *testing.T) {
	for _, c := range markupCases {
		t.Run(c.name, func(t *testing.T) {
			got := ParseMarkup(c.in)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("ParseMarkup(%q)\n got %+v\nwant %+v", c.in, got, c.want)
			}
			checkPieces(t, c.in)
		})
	}
}

var markupTestStyles = MarkupStyles{
	Bold:   lipgloss.NewStyle().Bold(true),
	Italic: lipgloss.NewStyle().Italic(true),
	Strike: lipgloss.NewStyle().Strikethrough(true).Foreground(lipgloss.Color("#888888")),
	// Padding, width and borders must be ignored: they would change the
	// width of the line.
	Code: lipgloss.NewStyle().Foreground(lipgloss.Color("#ff8800")).Background(lipgloss.Color("#222222")).
		Padding(0, 1).Width(40).Border(lipgloss.NormalBorder()),
}

func TestRenderMarkup(t *testing.T) {
	for _, c := range markupCases {
		t.Run(c.name, func(t *testing.T) {
			var text strings.Builder
			formatted := false
			for _, sp := range c.want {
				text.WriteString(sp.Text)
				formatted = formatted || sp.Bold || sp.Italic || sp.Strike || sp.Code
			}
			got := RenderMarkup(c.in, markupTestStyles)
			if s := ansi.Strip(got); s != text.String() {
				t.Errorf("RenderMarkup(%q) without ANSI = %q, want %q", c.in, s, text.String())
			}
			if w, want := ansi.StringWidth(got), ansi.StringWidth(text.String()); w != want {
				t.Errorf("width of RenderMarkup(%q) = %d, want %d (%q)", c.in, w, want, got)
			}
			if formatted == (got == text.String()) {
				t.Errorf("RenderMarkup(%q) = %q: formatted %v", c.in, got, formatted)
			}
		})
	}
}

func TestRenderMarkupStyles(t *testing.T) {
	sgrWith := func(param string) *regexp.Regexp {
		return regexp.MustCompile(`\x1b\[([0-9:]*;)*` + param + `(;[0-9:]*)*m`)
	}
	for _, c := range []struct {
		in    string
		param string
	}{
		{"*b*", "1"}, {"_i_", "3"}, {"~s~", "9"}, {"`c`", "38:2::255:136:0|38;2;255;136;0"},
	} {
		if got := RenderMarkup(c.in, markupTestStyles); !sgrWith("(" + c.param + ")").MatchString(got) {
			t.Errorf("RenderMarkup(%q) = %q: no SGR %s", c.in, got, c.param)
		}
	}
	got := RenderMarkup("a *b* _c_ ~d~ `e`", markupTestStyles)
	if strings.Contains(got, "\n") || strings.Contains(got, "─") {
		t.Errorf("RenderMarkup = %q: the code style's border or size leaked", got)
	}
	// A plain line comes back as it is, without allocating.
	line := "no formatting here 你好 " + zwjFamily
	if got := RenderMarkup(line, markupTestStyles); got != line {
		t.Errorf("RenderMarkup(%q) = %q", line, got)
	}
	if n := testing.AllocsPerRun(100, func() { _ = RenderMarkup(line, markupTestStyles) }); n != 0 {
		t.Errorf("RenderMarkup of a plain line: %v allocations", n)
	}
}

// checkPieces asserts what must hold for any input: the pieces rebuild the
// line, markers are markers, ParseMarkup is the pieces without markers,
// and for sanitized text the rendered width is the width of the text.
func checkPieces(t *testing.T, line string) {
	t.Helper()
	var all, text strings.Builder
	for _, p := range parsePieces(line) {
		all.WriteString(p.text)
		if p.marker {
			switch p.text {
			case "*", "_", "~", "`", "```":
			default:
				t.Fatalf("parsePieces(%q): marker %q", line, p.text)
			}
			continue
		}
		text.WriteString(p.text)
	}
	if all.String() != line {
		t.Fatalf("parsePieces(%q) rebuilds %q", line, all.String())
	}
	spans := ParseMarkup(line)
	var fromSpans strings.Builder
	for i, sp := range spans {
		if sp.Text == "" {
			t.Fatalf("ParseMarkup(%q): empty span %d", line, i)
		}
		if i > 0 && sp.markupFlags() == spans[i-1].markupFlags() {
			t.Fatalf("ParseMarkup(%q): spans %d and %d have the same formatting", line, i-1, i)
		}
		if strings.Contains(sp.Text, "\n") && sp.markupFlags() != 0 {
			t.Fatalf("ParseMarkup(%q): formatting crosses a line break in %q", line, sp.Text)
		}
		fromSpans.WriteString(sp.Text)
	}
	if fromSpans.String() != text.String() {
		t.Fatalf("ParseMarkup(%q) texts %q, want %q", line, fromSpans.String(), text.String())
	}
	out := RenderMarkup(line, markupTestStyles)
	if s := ansi.Strip(out); s != text.String() && line == state.Sanitize(line) {
		t.Fatalf("RenderMarkup(%q) without ANSI = %q, want %q", line, s, text.String())
	}
}

func FuzzParseMarkup(f *testing.F) {
	for _, c := range markupCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, line string) {
		checkPieces(t, line)
		// On sanitized one-line text, styling keeps the width.
		l := state.SanitizeLine(line)
		var text strings.Builder
		for _, sp := range ParseMarkup(l) {
			text.WriteString(sp.Text)
		}
		if w, want := ansi.StringWidth(RenderMarkup(l, markupTestStyles)), ansi.StringWidth(text.String()); w != want {
			t.Fatalf("width of RenderMarkup(%q) = %d, want %d", l, w, want)
		}
	})
}

func BenchmarkRenderMarkup(b *testing.B) {
	line := "Hi *Maria*, your order _#1234_ has ~not~ shipped: see https://shop.example/o/1234_a and `ABC-123` 👍🏽"
	b.ReportAllocs()
	for b.Loop() {
		_ = RenderMarkup(line, markupTestStyles)
	}
}
