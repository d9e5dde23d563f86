// Sanitizing untrusted text
//
// Every string that comes from a customer or from the server (message
// bodies, names, previews, template text, error messages) passes Sanitize or
// SanitizeLine before it is drawn, logged, notified or copied. This is the
// one sanitizer of mbx (ARCHITECTURE.md, house rule 12).
//
// It is an allow-list written by hand on purpose. ansi.Strip copies a whole
// OSC sequence intact when an invalid UTF-8 lead byte precedes the ESC, and
// Bubble Tea's renderer passes OSC 8 hyperlinks, DECRQSS/XTGETTCAP queries,
// C1 controls and bidi overrides through to the terminal. Instead of looking
// for what is dangerous, the sanitizer keeps what is known to be printable
// text and makes everything else either visible and inert, or removes it.
//
// The policy, rune by rune, in this order:
//
//  1. Invalid UTF-8 is replaced first: every byte that does not start a
//     valid encoding becomes U+FFFD on its own. The decoder never lets a
//     lead byte consume a following ESC or other ASCII byte, so "\xe2\x1b]8;;"
//     becomes "�␛]8;;" and no later rule sees a hidden sequence.
//
//  2. Kept as is: printable ASCII, and every rune Go's unicode tables call
//     graphic (letters, marks, numbers, punctuation, symbols including
//     emoji, and space separators such as U+00A0 and U+3000, which have a
//     width and hide nothing) unless rule 4 removes it. Sanitize keeps "\n"; CRLF becomes "\n".
//     A lone "\r" is not a line break: it is made visible (rule 3), so that
//     "pay 100\rpay 999" cannot draw as "pay 999". A tab becomes four
//     spaces, in both functions: the sanitizer does not know the column the
//     text is drawn at, so aligning to tab stops would be a guess, and
//     fixed spaces keep the output idempotent.
//
//  3. Made visible: C0 controls U+0000–U+001F (except "\n" and "\t") become
//     their Control Pictures U+2400+c (ESC → ␛, CR → ␍, BS → ␈, BEL → ␇,
//     NUL → ␀), DEL becomes ␡. An escape sequence therefore shows as inert
//     text such as "␛[31m" or "␛]8;;http://evil␇click". C1 controls
//     U+0080–U+009F (8-bit CSI, OSC, DCS, ST, NEL…) have no pictures and
//     become U+FFFD: they must never reach the terminal.
//
//  4. Removed: characters that are invisible and can hide, reorder or spoof
//     text. That is every Default_Ignorable_Code_Point of Unicode (soft
//     hyphen, U+034F, bidi marks and embeddings/overrides/isolates U+061C,
//     U+200E–U+200F, U+202A–U+202E, U+2066–U+2069, zero-width space and
//     joiners U+200B–U+200D, word joiner and invisible operators
//     U+2060–U+206F, U+FEFF, Hangul fillers U+115F, U+1160, U+3164, U+FFA0,
//     Khmer U+17B4–U+17B5, Mongolian U+180B–U+180F, variation selectors,
//     tag characters U+E0000–U+E0FFF…) and every other format (Cf)
//     character. Exceptions, where real text needs them:
//
//     - U+200D ZWJ between an emoji (a pictograph, an emoji modifier or
//     U+FE0F) and a following pictograph: family 👨+ZWJ+👩+ZWJ+👧, rainbow
//     flag 🏳+U+FE0F+ZWJ+🌈, technologist 👩+🏽+ZWJ+💻.
//     - U+200C ZWNJ and U+200D ZWJ between a letter or mark of a script
//     that shapes with them (Arabic, Syriac, Thaana, N'Ko, Mongolian, the
//     Indic scripts, Sinhala, Tibetan, Myanmar, Khmer, Balinese, Javanese)
//     and a following letter or mark of such a script: Persian
//     "می\u200cخواهم", Sinhala "ශ්\u200dරී" (Sri). ZWJ is kept there as well
//     as in emoji because Sinhala and Malayalam are misspelled without it,
//     and it cannot hide anything in Latin text. Between Latin letters both
//     are removed: "pay\u200cpal" becomes "paypal".
//     - One variation selector directly after a base that can take it:
//     U+FE0E/U+FE0F after an emoji-capable character (#, *, 0–9, and
//     non-ASCII symbols, punctuation and pictographs: ❤+U+FE0F,
//     1+U+FE0F+U+20E3); U+FE00–U+FE0D after a non-ASCII letter, number,
//     symbol or punctuation (standardized variants); U+E0100–U+E01EF after
//     a Han ideograph (ideographic variation sequences); U+180B–U+180D,
//     U+180F after a Mongolian letter. A second selector in a row is
//     removed, so data cannot be smuggled as a run of selectors after one
//     emoji.
//     - Tag characters only inside an emoji tag sequence: U+1F3F4 (black
//     flag), then 3–7 tag digits or lowercase tag letters (a subdivision
//     id such as "gbsct" for Scotland), then U+E007F CANCEL TAG. Tags
//     anywhere else are removed, so "hi\U000E0041\U000E0042" is "hi".
//
//     U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR are line breaks:
//     "\n" in Sanitize, like every break in SanitizeLine.
//
//  5. Replaced by U+FFFD: private-use characters (they have no agreed
//     meaning between the sender's phone and this terminal's font, and icon
//     fonts draw them at widths no width table knows), noncharacters
//     (U+FFFE, U+FFFF, U+nFFFE, U+FDD0–U+FDEF) and code points unassigned in
//     Go's Unicode tables — except unassigned code points in the ranges
//     Unicode reserves for future emoji (Extended_Pictographic, e.g.
//     U+1FAE9), which are kept: phones get new emoji before Go's tables do.
//
// SanitizeLine is for one-line places (names, previews, list rows, status
// and error lines). It applies the same rules, and every line break ("\n",
// CRLF, U+2028, U+2029) becomes one visible ⏎ (U+23CE) and nothing else, so
// a name or an error can never take two rows, and a preview still shows
// where the lines were. A lone "\r" stays ␍, as in Sanitize. Line breaks
// are the only difference, so SanitizeLine(Sanitize(s)) == SanitizeLine(s):
// a preview made from a stored, sanitized body is the same as one made from
// the raw text.
//
// Consequences the tests pin down: valid printable text (emoji with ZWJ
// sequences, flags, skin tones and keycaps, CJK, Arabic, Hebrew, Persian,
// combining accents) is returned unchanged, so its display width is
// unchanged; a string that is all printable ASCII is returned without
// allocating (and so is any string that needs no change); the output is
// valid UTF-8 with no C0 control (but "\n" in Sanitize), no DEL, no C1
// control and no bidi control; Sanitize and SanitizeLine are idempotent.
//
// Known limits: right-to-left letters are kept, so a terminal that
// implements bidi may still reorder the text next to them (without the
// overrides it cannot be forced); homoglyphs (Cyrillic "а" for Latin "a")
// are text and are kept; runs of combining marks are kept as is.

package state

import (
	"unicode"
	"unicode/utf8"
)

// Sanitize makes untrusted text safe for the terminal, keeping line breaks
// (for message bodies). See the policy at the top of sanitize.go.
func Sanitize(s string) string { return sanitize(s, false) }

// SanitizeLine does the same for one-line places (names, previews, list
// rows, errors): every line break ("\n", CRLF, U+2028, U+2029) becomes a
// visible ⏎ (U+23CE) and nothing else.
func SanitizeLine(s string) string { return sanitize(s, true) }

const (
	zeroWidthJoiner    = '\u200D'
	zeroWidthNonJoiner = '\u200C'
	blackFlagEmoji     = '\U0001F3F4'
	cancelTagRune      = '\U000E007F'
	lineBreakSym       = "\u23CE" // ⏎
	replacementChar    = "\uFFFD"
	tabSpaces          = "    " // a tab
)

// sanitizeBuf builds the result lazily: while buf is nil, everything so far was
// kept, and the output is s[:i] for the current input position i.
type sanitizeBuf struct {
	s   string
	buf []byte
}

// change records that the input from position i on is not copied: repl
// stands for whatever is consumed there (possibly nothing).
func (o *sanitizeBuf) change(i int, repl string) {
	if o.buf == nil {
		o.buf = make([]byte, 0, len(o.s)+len(repl)+8)
		o.buf = append(o.buf, o.s[:i]...)
	}
	o.buf = append(o.buf, repl...)
}

// keep copies s[i:j] to the output.
func (o *sanitizeBuf) keep(i, j int) {
	if o.buf != nil {
		o.buf = append(o.buf, o.s[i:j]...)
	}
}

func (o *sanitizeBuf) result() string {
	if o.buf == nil {
		return o.s
	}
	return string(o.buf)
}

func sanitize(s string, oneLine bool) string {
	// Fast path: all printable ASCII.
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] < 0x7f {
		i++
	}
	if i == len(s) {
		return s
	}

	o := sanitizeBuf{s: s}
	var prev rune = -1 // the last rune written to the output
	if i > 0 {
		prev = rune(s[i-1])
	}
	lineBreak := "\n"
	if oneLine {
		lineBreak = lineBreakSym
	}

	for i < len(s) {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			j := i + 1
			for j < len(s) && s[j] >= 0x20 && s[j] < 0x7f {
				j++
			}
			o.keep(i, j)
			prev = rune(s[j-1])
			i = j
			continue
		}
		if c < 0x80 { // C0 or DEL
			switch {
			case c == '\n':
				if oneLine {
					o.change(i, lineBreak)
				} else {
					o.keep(i, i+1)
				}
				prev = '\n'
			case c == '\r' && i+1 < len(s) && s[i+1] == '\n':
				o.change(i, lineBreak)
				prev = '\n'
				i += 2
				continue
			case c == '\t':
				o.change(i, tabSpaces)
				prev = ' '
			case c == 0x7f:
				o.change(i, "\u2421")
				prev = '\u2421'
			default:
				prev = 0x2400 + rune(c)
				o.change(i, string(prev))
			}
			i++
			continue
		}

		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 { // one invalid byte
			o.change(i, replacementChar)
			prev = utf8.RuneError
			i++
			continue
		}
		keep := false
		switch {
		case r <= 0x9f: // C1 controls
			o.change(i, replacementChar)
			prev = utf8.RuneError
			i += size
			continue
		case r == '\u2028' || r == '\u2029':
			o.change(i, lineBreak)
			prev = '\n'
			i += size
			continue
		case r == zeroWidthJoiner:
			n := firstRune(s[i+size:])
			keep = (emojiBeforeJoiner(prev) && isPictographic(n)) ||
				(joinsBefore(prev) && joinsAfter(n))
		case r == zeroWidthNonJoiner:
			keep = joinsBefore(prev) && joinsAfter(firstRune(s[i+size:]))
		case isVariationSelector(r):
			keep = takesSelector(prev, r)
		case r == blackFlagEmoji:
			o.keep(i, i+size)
			i += size
			prev = r
			if n := tagSequence(s[i:]); n > 0 {
				o.keep(i, i+n)
				i += n
				prev = cancelTagRune
			}
			continue
		case isDefaultIgnorable(r) || unicode.Is(unicode.Cf, r):
			// removed: keep stays false
		case unicode.Is(unicode.Co, r):
			o.change(i, replacementChar)
			prev = utf8.RuneError
			i += size
			continue
		case unicode.IsGraphic(r) || isPictographic(r):
			keep = true
		default: // unassigned or noncharacter
			o.change(i, replacementChar)
			prev = utf8.RuneError
			i += size
			continue
		}
		if keep {
			o.keep(i, i+size)
			prev = r
		} else {
			o.change(i, "")
		}
		i += size
	}
	return o.result()
}

// firstRune returns the first rune of s, RuneError if s is empty or starts
// with invalid UTF-8 (neither joins anything).
func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

// emojiBeforeJoiner reports whether r, just written, can be the left side
// of an emoji ZWJ sequence.
func emojiBeforeJoiner(r rune) bool {
	return isPictographic(r) || isEmojiModifier(r) || r == '\uFE0F'
}

func isEmojiModifier(r rune) bool { return r >= 0x1F3FB && r <= 0x1F3FF }

// joinsBefore reports whether r, just written, is a letter or mark after
// which ZWNJ/ZWJ shape text (see joiningScripts).
func joinsBefore(r rune) bool {
	if r < 0 || !(unicode.IsLetter(r) || unicode.IsMark(r)) || isDefaultIgnorable(r) {
		return false
	}
	return unicode.IsOneOf(joiningScripts, r) ||
		(unicode.IsMark(r) && unicode.Is(unicode.Inherited, r))
}

// joinsAfter reports whether r, the next input rune, is a letter or mark
// of a joining script that the sanitizer always keeps as is.
func joinsAfter(r rune) bool {
	return (unicode.IsLetter(r) || unicode.IsMark(r)) && !isDefaultIgnorable(r) &&
		unicode.IsOneOf(joiningScripts, r)
}

// joiningScripts are the scripts whose spelling uses ZWNJ or ZWJ.
var joiningScripts = []*unicode.RangeTable{
	unicode.Arabic, unicode.Syriac, unicode.Thaana, unicode.Nko,
	unicode.Mongolian, unicode.Devanagari, unicode.Bengali,
	unicode.Gurmukhi, unicode.Gujarati, unicode.Oriya, unicode.Tamil,
	unicode.Telugu, unicode.Kannada, unicode.Malayalam, unicode.Sinhala,
	unicode.Tibetan, unicode.Myanmar, unicode.Khmer, unicode.Balinese,
	unicode.Javanese,
}

func isVariationSelector(r rune) bool {
	return (r >= 0xFE00 && r <= 0xFE0F) || (r >= 0xE0100 && r <= 0xE01EF) ||
		(r >= 0x180B && r <= 0x180D) || r == 0x180F
}

// takesSelector reports whether the variation selector vs may follow base,
// the last rune written. A selector is never a base, so at most one
// selector follows a character.
func takesSelector(base, vs rune) bool {
	switch {
	case base < 0:
		return false
	case vs == 0xFE0E || vs == 0xFE0F:
		if base == '#' || base == '*' || (base >= '0' && base <= '9') {
			return true
		}
		return base >= 0xA0 && (unicode.IsSymbol(base) || unicode.IsPunct(base) || isPictographic(base))
	case vs >= 0xFE00 && vs <= 0xFE0D:
		return base >= 0xA0 && !isDefaultIgnorable(base) &&
			(unicode.IsLetter(base) || unicode.IsNumber(base) || unicode.IsSymbol(base) || unicode.IsPunct(base))
	case vs >= 0xE0100:
		return unicode.Is(unicode.Han, base)
	default: // Mongolian free variation selectors
		return unicode.IsLetter(base) && unicode.Is(unicode.Mongolian, base)
	}
}

// tagSequence returns the length in bytes of the tags of an emoji tag
// sequence at the start of s (just after U+1F3F4): 3–7 tag digits or
// lowercase tag letters and CANCEL TAG; 0 if there is none.
func tagSequence(s string) int {
	n, i := 0, 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case (r >= 0xE0030 && r <= 0xE0039) || (r >= 0xE0061 && r <= 0xE007A):
			n++
			i += size
			if n > 7 {
				return 0
			}
			continue
		case r == cancelTagRune && n >= 3:
			return i + size
		}
		return 0
	}
	return 0
}

// isDefaultIgnorable reports the Default_Ignorable_Code_Point property
// (Unicode 15, DerivedCoreProperties.txt).
func isDefaultIgnorable(r rune) bool { return unicode.Is(defaultIgnorable, r) }

var defaultIgnorable = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x00AD, 0x00AD, 1},
		{0x034F, 0x034F, 1},
		{0x061C, 0x061C, 1},
		{0x115F, 0x1160, 1},
		{0x17B4, 0x17B5, 1},
		{0x180B, 0x180F, 1},
		{0x200B, 0x200F, 1},
		{0x202A, 0x202E, 1},
		{0x2060, 0x206F, 1},
		{0x3164, 0x3164, 1},
		{0xFE00, 0xFE0F, 1},
		{0xFEFF, 0xFEFF, 1},
		{0xFFA0, 0xFFA0, 1},
		{0xFFF0, 0xFFF8, 1},
	},
	R32: []unicode.Range32{
		{0x1BCA0, 0x1BCA3, 1},
		{0x1D173, 0x1D17A, 1},
		{0xE0000, 0xE0FFF, 1},
	},
	LatinOffset: 1,
}

// isPictographic reports the Extended_Pictographic property (Unicode 15,
// emoji-data.txt), which includes the code points reserved for future
// emoji.
func isPictographic(r rune) bool { return r >= 0xA9 && unicode.Is(pictographic, r) }

var pictographic = &unicode.RangeTable{
	R16: []unicode.Range16{
		{0x00A9, 0x00A9, 1}, {0x00AE, 0x00AE, 1}, {0x203C, 0x203C, 1},
		{0x2049, 0x2049, 1}, {0x2122, 0x2122, 1}, {0x2139, 0x2139, 1},
		{0x2194, 0x2199, 1}, {0x21A9, 0x21AA, 1}, {0x231A, 0x231B, 1},
		{0x2328, 0x2328, 1}, {0x2388, 0x2388, 1}, {0x23CF, 0x23CF, 1},
		{0x23E9, 0x23F3, 1}, {0x23F8, 0x23FA, 1}, {0x24C2, 0x24C2, 1},
		{0x25AA, 0x25AB, 1}, {0x25B6, 0x25B6, 1}, {0x25C0, 0x25C0, 1},
		{0x25FB, 0x25FE, 1}, {0x2600, 0x2605, 1}, {0x2607, 0x2612, 1},
		{0x2614, 0x2685, 1}, {0x2690, 0x2705, 1}, {0x2708, 0x2712, 1},
		{0x2714, 0x2714, 1}, {0x2716, 0x2716, 1}, {0x271D, 0x271D, 1},
		{0x2721, 0x2721, 1}, {0x2728, 0x2728, 1}, {0x2733, 0x2734, 1},
		{0x2744, 0x2744, 1}, {0x2747, 0x2747, 1}, {0x274C, 0x274C, 1},
		{0x274E, 0x274E, 1}, {0x2753, 0x2755, 1}, {0x2757, 0x2757, 1},
		{0x2763, 0x2767, 1}, {0x2795, 0x2797, 1}, {0x27A1, 0x27A1, 1},
		{0x27B0, 0x27B0, 1}, {0x27BF, 0x27BF, 1}, {0x2934, 0x2935, 1},
		{0x2B05, 0x2B07, 1}, {0x2B1B, 0x2B1C, 1}, {0x2B50, 0x2B50, 1},
		{0x2B55, 0x2B55, 1}, {0x3030, 0x3030, 1}, {0x303D, 0x303D, 1},
		{0x3297, 0x3297, 1}, {0x3299, 0x3299, 1},
	},
	R32: []unicode.Range32{
		{0x1F000, 0x1F0FF, 1}, {0x1F10D, 0x1F10F, 1}, {0x1F12F, 0x1F12F, 1},
		{0x1F16C, 0x1F171, 1}, {0x1F17E, 0x1F17F, 1}, {0x1F18E, 0x1F18E, 1},
		{0x1F191, 0x1F19A, 1}, {0x1F1AD, 0x1F1E5, 1}, {0x1F201, 0x1F20F, 1},
		{0x1F21A, 0x1F21A, 1}, {0x1F22F, 0x1F22F, 1}, {0x1F232, 0x1F23A, 1},
		{0x1F23C, 0x1F23F, 1}, {0x1F249, 0x1F3FA, 1}, {0x1F400, 0x1F53D, 1},
		{0x1F546, 0x1F64F, 1}, {0x1F680, 0x1F6FF, 1}, {0x1F774, 0x1F77F, 1},
		{0x1F7D5, 0x1F7FF, 1}, {0x1F80C, 0x1F80F, 1}, {0x1F848, 0x1F84F, 1},
		{0x1F85A, 0x1F85F, 1}, {0x1F888, 0x1F88F, 1}, {0x1F8AE, 0x1F8FF, 1},
		{0x1F90C, 0x1F93A, 1}, {0x1F93C, 0x1F945, 1}, {0x1F947, 0x1FAFF, 1},
		{0x1FC00, 0x1FFFD, 1},
	},
	LatinOffset: 2,
}
