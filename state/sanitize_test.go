package state

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

const scotlandFlag = "🏴\U000E0067\U000E0062\U000E0073\U000E0063\U000E0074\U000E007F"

// longMessage is a 5,000-character message of ordinary text.
var longMessage = func() string {
	const para = "Hello! Your order #1234 is on its way 🚚, ETA 3–5 days. 你好，谢谢。\n"
	var b strings.Builder
	for utf8.RuneCountInString(b.String()) < 5000 {
		b.WriteString(para)
	}
	r := []rune(b.String())
	return string(r[:5000])
}()

type sanitizeCase struct {
	name string
	in   string
	body string // Sanitize
	line string // SanitizeLine
	// width: the input is valid printable text whose display width must
	// survive (emoji, CJK).
	width bool
}

func unchanged(name, s string) sanitizeCase {
	return sanitizeCase{name: name, in: s, body: s, line: s}
}

func unchangedWidth(name, s string) sanitizeCase {
	c := unchanged(name, s)
	c.width = true
	return c
}

var sanitizeCases = []sanitizeCase{
	// Escape sequences become inert, visible text.
	{name: "CSI colours", in: "\x1b[31mred\x1b[0m", body: "␛[31mred␛[0m", line: "␛[31mred␛[0m"},
	{name: "CSI 256 colour", in: "\x1b[38;5;196mX", body: "␛[38;5;196mX", line: "␛[38;5;196mX"},
	{name: "cursor movement", in: "ok\x1b[2A\x1b[10;5Hfake", body: "ok␛[2A␛[10;5Hfake", line: "ok␛[2A␛[10;5Hfake"},
	{name: "screen clear", in: "\x1b[2J\x1b[H", body: "␛[2J␛[H", line: "␛[2J␛[H"},
	{name: "OSC 8 hyperlink", in: "\x1b]8;;http://evil\x07click\x1b]8;;\x07", body: "␛]8;;http://evil␇click␛]8;;␇", line: "␛]8;;http://evil␇click␛]8;;␇"},
	{name: "OSC 52 clipboard", in: "\x1b]52;c;ZXZpbA==\x07", body: "␛]52;c;ZXZpbA==␇", line: "␛]52;c;ZXZpbA==␇"},
	{name: "OSC title BEL", in: "\x1b]0;pwned\x07", body: "␛]0;pwned␇", line: "␛]0;pwned␇"},
	{name: "OSC title ST", in: "\x1b]2;pwned\x1b\\", body: "␛]2;pwned␛\\", line: "␛]2;pwned␛\\"},
	{name: "DECRQSS", in: "\x1bP$q m\x1b\\", body: "␛P$q m␛\\", line: "␛P$q m␛\\"},
	{name: "XTGETTCAP", in: "\x1bP+q544e\x1b\\", body: "␛P+q544e␛\\", line: "␛P+q544e␛\\"},
	{name: "C1 CSI", in: "\u009b31mred", body: "\uFFFD31mred", line: "\uFFFD31mred"},
	{name: "C1 OSC", in: "\u009d8;;http://evil\u009cclick", body: "\uFFFD8;;http://evil\uFFFDclick", line: "\uFFFD8;;http://evil\uFFFDclick"},
	{name: "C1 NEL", in: "a\u0085b", body: "a\uFFFDb", line: "a\uFFFDb"},
	{name: "8-bit C1 raw bytes", in: "\x9b31m", body: "\uFFFD31m", line: "\uFFFD31m"},
	{name: "lead byte before ESC", in: "\xe2\x1b]8;;x\x07", body: "\uFFFD␛]8;;x␇", line: "\uFFFD␛]8;;x␇"},
	{name: "two lead bytes before ESC", in: "\xe2\x80\x1b[2J", body: "\uFFFD\uFFFD␛[2J", line: "\uFFFD\uFFFD␛[2J"},
	{name: "4-byte lead before ESC", in: "\xf0\x9f\x1b[2J", body: "\uFFFD\uFFFD␛[2J", line: "\uFFFD\uFFFD␛[2J"},
	{name: "encoded surrogate", in: "\xed\xa0\x80", body: "\uFFFD\uFFFD\uFFFD", line: "\uFFFD\uFFFD\uFFFD"},
	{name: "overlong ESC", in: "\xc0\x9b", body: "\uFFFD\uFFFD", line: "\uFFFD\uFFFD"},

	// Controls that overwrite what is on screen.
	{name: "lone CR", in: "pay 100\rpay 999", body: "pay 100␍pay 999", line: "pay 100␍pay 999"},
	{name: "backspace overwrite", in: "paid\b\b\b\bunpaid", body: "paid␈␈␈␈unpaid", line: "paid␈␈␈␈unpaid"},
	{name: "NUL", in: "a\x00b", body: "a␀b", line: "a␀b"},
	{name: "DEL", in: "a\x7fb", body: "a␡b", line: "a␡b"},
	{name: "BEL VT FF", in: "\x07\x0b\x0c", body: "␇␋␌", line: "␇␋␌"},
	{name: "tab", in: "a\tb\t", body: "a    b    ", line: "a    b    "},

	// Line breaks.
	{name: "LF", in: "a\nb", body: "a\nb", line: "a⏎b"},
	{name: "CRLF", in: "a\r\nb\r\n", body: "a\nb\n", line: "a⏎b⏎"},
	{name: "CR CRLF", in: "a\r\r\nb", body: "a␍\nb", line: "a␍⏎b"},
	{name: "U+2028", in: "a\u2028b", body: "a\nb", line: "a⏎b"},
	{name: "U+2029", in: "a\u2029b", body: "a\nb", line: "a⏎b"},
	{name: "blank lines", in: "a\n\nb", body: "a\n\nb", line: "a⏎⏎b"},

	// Invisible characters that hide, reorder or spoof text.
	{name: "RLO", in: "invoice\u202Efdp.exe", body: "invoicefdp.exe", line: "invoicefdp.exe"},
	{name: "bidi isolates and marks", in: "\u2066a\u2069\u200Eb\u200F\u061Cc\u202A\u202B\u202C\u202D", body: "abc", line: "abc"},
	{name: "zero-width spaces in a word", in: "pa\u200Bss\u200Bw\u2060or\uFEFFd", body: "password", line: "password"},
	{name: "ZWJ and ZWNJ in Latin", in: "pay\u200Dpal\u200Cx", body: "paypalx", line: "paypalx"},
	{name: "soft hyphen", in: "in\u00ADvisible", body: "invisible", line: "invisible"},
	{name: "Hangul fillers", in: "\u115F\u1160\u3164\uFFA0name", body: "name", line: "name"},
	{name: "Mongolian vowel separator", in: "a\u180Eb", body: "ab", line: "ab"},
	{name: "invisible operators", in: "1\u20622\u2063", body: "12", line: "12"},
	{name: "tags smuggling text", in: "hi\U000E0041\U000E0042", body: "hi", line: "hi"},
	{name: "language tag", in: "\U000E0001\U000E0065\U000E006Ehi", body: "hi", line: "hi"},
	{name: "tags after a black flag without cancel", in: "🏴\U000E0067\U000E0062\U000E0073x", body: "🏴x", line: "🏴x"},
	{name: "too many tags after a black flag", in: "🏴\U000E0061\U000E0061\U000E0061\U000E0061\U000E0061\U000E0061\U000E0061\U000E0061\U000E007F", body: "🏴", line: "🏴"},
	{name: "upper-case tags after a black flag", in: "🏴\U000E0047\U000E0042\U000E0053\U000E007F", body: "🏴", line: "🏴"},
	{name: "selectors smuggling data", in: "😀\uFE0F\uFE0E\uFE01\U000E0100\U000E0101", body: "😀\uFE0F", line: "😀\uFE0F"},
	{name: "selector after a Latin letter", in: "a\uFE0Fb\uFE00", body: "ab", line: "ab"},
	{name: "selector at the start", in: "\uFE0Fa", body: "a", line: "a"},
	{name: "ZWJ not between emoji", in: "\u200D😀\u200Da😀\u200D", body: "😀a😀", line: "😀a😀"},
	{name: "ZWJ before invisible", in: "👨\u200D\u200B👩", body: "👨👩", line: "👨👩"},
	{name: "interlinear annotation", in: "\uFFF9a\uFFFAb\uFFFB", body: "ab", line: "ab"},

	// Unassigned, noncharacters, private use.
	{name: "noncharacters", in: "\uFFFE\uFFFF\uFDD0\U0001FFFE\U0010FFFF", body: "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD", line: "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD"},
	{name: "unassigned", in: "a\u0378b\U000E0FFF", body: "a\uFFFDb", line: "a\uFFFDb"},
	{name: "private use", in: "\uE000\uF8FF\U000F0000", body: "\uFFFD\uFFFD\uFFFD", line: "\uFFFD\uFFFD\uFFFD"},
	{name: "U+FFFD itself", in: "\uFFFD", body: "\uFFFD", line: "\uFFFD"},

	// A mix: everything at once.
	{name: "mixed", in: "👍\x1b[31m\u202Eok\r\n\U000E0041你好\x9d\x00",
		body: "👍␛[31mok\n你好\uFFFD␀", line: "👍␛[31mok⏎你好\uFFFD␀"},

	// Valid printable text is left exactly as it is.
	unchangedWidth("emoji ZWJ family", "👨\u200D👩\u200D👧"),
	unchangedWidth("rainbow flag", "🏳\uFE0F\u200D🌈"),
	unchangedWidth("technologist medium skin", "👩🏽\u200D💻"),
	unchangedWidth("heart on fire", "❤\uFE0F\u200D🔥"),
	unchangedWidth("pirate flag", "🏴\u200D☠\uFE0F"),
	unchangedWidth("flag GB", "🇬🇧"),
	unchangedWidth("Scotland flag", scotlandFlag),
	unchangedWidth("skin tone", "👍🏽"),
	unchangedWidth("keycap", "1\uFE0F\u20E3"),
	unchangedWidth("text-style selector", "☺\uFE0E"),
	unchangedWidth("emoji in text", "ok 👍🏽 thanks 🙏 see you 🇬🇧 "+scotlandFlag+" 1\uFE0F\u20E3"),
	unchangedWidth("CJK", "你好"),
	unchangedWidth("CJK sentence", "你好，世界！こんにちは 안녕하세요"),
	unchangedWidth("ideographic space", "你好\u3000世界"),
	unchangedWidth("ideographic variation", "葛\U000E0100"),
	unchanged("Arabic", "مرحبا بك"),
	unchanged("Hebrew", "שלום עולם"),
	unchanged("Persian with ZWNJ", "می\u200Cخواهم کتاب\u200Cها"),
	unchanged("Sinhala with ZWJ", "ශ්\u200Dරී ලංකා"),
	unchanged("Devanagari", "नमस्ते क्\u200Dष"),
	unchanged("combining accents", "e\u0301le\u0300ve Ångström"),
	unchanged("Vietnamese", "Tiếng Việt"),
	unchanged("NBSP", "10\u00A0€"),
	unchanged("future emoji", "\U0001FAE9"),
	unchanged("punctuation", "«quoted» — ‘x’ … ¿qué?"),
	unchanged("ASCII", "Hello, world! #42 ~ `code` *bold* _it_"),
	unchanged("empty", ""),
	{name: "5,000 characters", in: longMessage, body: longMessage, line: strings.ReplaceAll(longMessage, "\n", "⏎")},
}

func TestSanitizeCatalogue(t *testing.T) {
	for _, c := range sanitizeCases {
		t.Run(c.name, func(t *testing.T) {
			if got := Sanitize(c.in); got != c.body {
				t.Errorf("Sanitize(%+q)\n got %+q\nwant %+q", shortForLog(c.in), shortForLog(got), shortForLog(c.body))
			}
			if got := SanitizeLine(c.in); got != c.line {
				t.Errorf("SanitizeLine(%+q)\n got %+q\nwant %+q", shortForLog(c.in), shortForLog(got), shortForLog(c.line))
			}
			checkSanitized(t, c.in, false)
			checkSanitized(t, c.in, true)
			if c.width {
				want := ansi.StringWidth(c.in)
				if got := ansi.StringWidth(Sanitize(c.in)); got != want {
					t.Errorf("width of Sanitize(%+q) = %d, want %d", c.in, got, want)
				}
				if got := ansi.StringWidth(SanitizeLine(c.in)); got != want {
					t.Errorf("width of SanitizeLine(%+q) = %d, want %d", c.in, got, want)
				}
			}
		})
	}
}

// shortForLog cuts s for error messages.
func shortForLog(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// checkSanitized asserts the invariants every output must satisfy.
func checkSanitized(t *testing.T, in string, oneLine bool) {
	t.Helper()
	f, name := Sanitize, "Sanitize"
	if oneLine {
		f, name = SanitizeLine, "SanitizeLine"
	}
	got := f(in)
	if !utf8.ValidString(got) {
		t.Fatalf("%s(%+q) = %+q: invalid UTF-8", name, in, got)
	}
	for i := 0; i < len(got); i++ {
		c := got[i]
		if (c < 0x20 && (c != '\n' || oneLine)) || c == 0x7f {
			t.Fatalf("%s(%+q) = %+q: control byte %#x at %d", name, shortForLog(in), shortForLog(got), c, i)
		}
	}
	flag := false // inside an emoji tag sequence
	for i, r := range got {
		switch {
		case r >= 0x80 && r <= 0x9f:
			t.Fatalf("%s(%+q) = %+q: C1 control %U at %d", name, shortForLog(in), shortForLog(got), r, i)
		case isBidiControl(r):
			t.Fatalf("%s(%+q) = %+q: bidi control %U at %d", name, shortForLog(in), shortForLog(got), r, i)
		case r == '\u2028' || r == '\u2029' || r == '\u200B' || r == '\uFEFF' || r == '\u00AD':
			t.Fatalf("%s(%+q) = %+q: invisible %U at %d", name, shortForLog(in), shortForLog(got), r, i)
		case unicode.Is(unicode.Co, r):
			t.Fatalf("%s(%+q) = %+q: private use %U at %d", name, shortForLog(in), shortForLog(got), r, i)
		case r == blackFlagEmoji:
			flag = true
			continue
		case r >= 0xE0000 && r <= 0xE007F:
			if !flag {
				t.Fatalf("%s(%+q) = %+q: tag %U outside a flag at %d", name, shortForLog(in), shortForLog(got), r, i)
			}
			if r == cancelTagRune {
				flag = false
			}
			continue
		case unicode.Is(unicode.Cf, r) && r != zeroWidthJoiner && r != zeroWidthNonJoiner:
			t.Fatalf("%s(%+q) = %+q: format character %U at %d", name, shortForLog(in), shortForLog(got), r, i)
		}
		flag = false
	}
	if s := ansi.Strip(got); s != got {
		t.Fatalf("%s(%+q) = %+q: holds an escape sequence (stripped: %+q)", name, shortForLog(in), shortForLog(got), s)
	}
	if again := f(got); again != got {
		t.Fatalf("%s not idempotent on %+q:\n once %+q\ntwice %+q", name, shortForLog(in), shortForLog(got), shortForLog(again))
	}
	// Line breaks are the only difference between the two.
	if oneLine {
		if via := SanitizeLine(Sanitize(in)); via != got {
			t.Fatalf("SanitizeLine(Sanitize(%+q)) = %+q, want %+q", shortForLog(in), shortForLog(via), shortForLog(got))
		}
		if body := Sanitize(got); body != got {
			t.Fatalf("Sanitize(SanitizeLine(%+q)) = %+q, want %+q", shortForLog(in), shortForLog(body), shortForLog(got))
		}
	}
}

func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) ||
		r == 0x200E || r == 0x200F || r == 0x061C
}

// TestSanitizeWidthAmongControls checks that emoji and CJK next to hostile
// bytes keep their width: the output is the visible controls plus the text.
func TestSanitizeWidthAmongControls(t *testing.T) {
	for _, text := range []string{"👨\u200D👩\u200D👧", "🇬🇧", scotlandFlag, "👍🏽", "1\uFE0F\u20E3", "你好"} {
		in := "\x1b[31m" + text + "\u202E\x07" + text + "\xe2"
		want := ansi.StringWidth("␛[31m") + 2*ansi.StringWidth(text) + 2
		for _, f := range []func(string) string{Sanitize, SanitizeLine} {
			if got := ansi.StringWidth(f(in)); got != want {
				t.Errorf("width of %+q = %d, want %d", f(in), got, want)
			}
		}
	}
}

func TestSanitizeNoAlloc(t *testing.T) {
	clean := []string{
		"Hello, world! Your order #1234 has shipped.",
		"ok 👍🏽 你好 👨\u200D👩\u200D👧 " + scotlandFlag + " مرحبا می\u200Cخواهم",
	}
	for _, s := range clean {
		for _, f := range []func(string) string{Sanitize, SanitizeLine} {
			if n := testing.AllocsPerRun(100, func() { sanitizeSink = f(s) }); n != 0 {
				t.Errorf("%v allocations for clean %q", n, s)
			}
		}
	}
	if n := testing.AllocsPerRun(100, func() { sanitizeSink = Sanitize(longMessage) }); n != 0 {
		t.Errorf("Sanitize: %v allocations for a clean 5,000-character message", n)
	}
}

func FuzzSanitize(f *testing.F) {
	for _, c := range sanitizeCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSanitized(t, s, false)
		if isPrintableASCII(s) && Sanitize(s) != s {
			t.Fatalf("Sanitize changed printable ASCII %+q", s)
		}
	})
}

func FuzzSanitizeLine(f *testing.F) {
	for _, c := range sanitizeCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSanitized(t, s, true)
		if isPrintableASCII(s) && SanitizeLine(s) != s {
			t.Fatalf("SanitizeLine changed printable ASCII %+q", s)
		}
	})
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

var sanitizeSink string

func BenchmarkSanitize(b *testing.B) {
	for _, bc := range []struct{ name, in string }{
		{"ascii", "Hi Maria, your order #1234 has shipped and will arrive on Tuesday. Thanks!"},
		{"emoji-cjk", "Hi 👋🏽 your order 📦 has shipped 🇬🇧 — 你好，谢谢 👨\u200D👩\u200D👧 see you soon ❤\uFE0F"},
		{"hostile", "\x1b]8;;http://evil\x07click\x1b]8;;\x07 pay 100\rpay 999 \u202Efdp.exe\xe2\x1b[2J\u009b31m\U000E0041"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.in)))
			for b.Loop() {
				sanitizeSink = Sanitize(bc.in)
			}
		})
	}
}
