package ui

// WhatsApp formatting
//
// WhatsApp formats *bold*, _italic_, ~strikethrough~, `code` and ```code```
// (monospace). It is not Markdown, and this is not a Markdown parser. The
// rules, as WhatsApp applies them as far as we know, and where it is unclear
// the choice made here:
//
//   - A marker opens at the start of the line or after a character that is
//     not a letter, number or mark (a space, punctuation, a symbol, an
//     emoji), and must be followed by a character that is not white space:
//     "*bold*" is bold, "* not bold *" and "2*3*4" are literal, and so is
//     "snake_case_name".
//   - It closes at the nearest marker of the same kind that follows a
//     character that is not white space and is followed by the end of the
//     line or a character that is not a letter, number or mark. Formatted
//     text is never empty ("**" is literal). An opener without a closer is
//     literal text.
//   - Different markers nest and combine: "*_both_*" is bold and italic.
//     The same marker cannot nest (the nearest closer wins), and spans do
//     not overlap: in "*a _b* c_" the bold span is "a _b" and the last "_"
//     is literal.
//   - Code comes first: inside `code` and ```code``` nothing else is
//     parsed, and a code span inside bold or italic text keeps that
//     formatting too. ```…``` needs no hugging (it may begin or end with a
//     space) but must hold something other than spaces; `…` follows the
//     rules of the other markers.
//   - Links are text: a run starting with http://, https:// or www. (after
//     a non-word character) up to the next white space is never parsed, so
//     "http://a.b/_x_" stays literal; markers at its very end are not part
//     of it, so "*https://a.b*" is a bold link.
//   - A line is the unit: formatting never crosses a line break. Text with
//     breaks is parsed line by line; ``` blocks spanning lines are not
//     joined (WhatsApp may show such a block as one).
//   - Markers do not split a grapheme cluster: a marker next to a joiner, a
//     combining mark, a variation selector, an emoji modifier, a tag or
//     between two regional indicators does not open or close, so removing
//     markers and styling spans keeps the width of the text (a cheap
//     approximation of UAX #29, checked by FuzzParseMarkup on sanitized
//     text).
//
// The input is text that has already passed state.Sanitize or
// state.SanitizeLine; nothing here makes text safe.

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
)

// MarkupStyles are the styles applied to WhatsApp formatting. Only their
// text attributes and colours are used: width, height, padding, margins,
// borders, alignment, transforms and hyperlinks are ignored, so styling
// never changes the width of a line.
type MarkupStyles struct{ Bold, Italic, Strike, Code lipgloss.Style }

// Span is a run of text with its formatting.
type Span struct {
	Text                       string
	Bold, Italic, Strike, Code bool
}

// ParseMarkup splits one line of (sanitized) text into spans; markers are
// removed from formatted spans. Adjacent spans differ in formatting; an
// empty line has no spans. Text with line breaks is parsed line by line
// (formatting never crosses a break; the breaks stay in unformatted spans).
func ParseMarkup(line string) []Span {
	pieces := parsePieces(line)
	spans := make([]Span, 0, len(pieces))
	// The last span is line[start:end] when start >= 0, so that runs of
	// unformatted lines join without copying.
	pos, start, end := 0, -1, -1
	for _, p := range pieces {
		at := pos
		pos += len(p.text)
		if p.marker || p.text == "" {
			continue
		}
		n := len(spans)
		switch {
		case n > 0 && spans[n-1].markupFlags() == p.f && start >= 0 && at == end:
			spans[n-1].Text = line[start:pos]
		case n > 0 && spans[n-1].markupFlags() == p.f: // "*a**b*": markers between
			spans[n-1].Text += p.text
			start = -1
		default:
			spans = append(spans, p.f.span(p.text))
			start = at
		}
		end = pos
	}
	if len(spans) == 0 {
		return nil
	}
	return spans
}

// RenderMarkup renders a line with the styles (markers removed).
func RenderMarkup(line string, st MarkupStyles) string {
	if !strings.ContainsAny(line, markerChars) {
		return line
	}
	var (
		b      strings.Builder
		styles [markupFlagCount]sgrPair
		have   [markupFlagCount]bool
	)
	b.Grow(len(line) + 32)
	for _, sp := range ParseMarkup(line) {
		f := sp.markupFlags()
		if f == 0 {
			b.WriteString(sp.Text)
			continue
		}
		if !have[f] {
			styles[f], have[f] = st.wrap(f), true
		}
		b.WriteString(styles[f].pre)
		b.WriteString(sp.Text)
		b.WriteString(styles[f].post)
	}
	return b.String()
}

const markerChars = "*_~`"

type markupFlags uint8

const (
	markBold markupFlags = 1 << iota
	markItalic
	markStrike
	markCode
	markupFlagCount = 1 << iota
)

func (sp Span) markupFlags() markupFlags {
	var f markupFlags
	if sp.Bold {
		f |= markBold
	}
	if sp.Italic {
		f |= markItalic
	}
	if sp.Strike {
		f |= markStrike
	}
	if sp.Code {
		f |= markCode
	}
	return f
}

func (f markupFlags) span(text string) Span {
	return Span{Text: text, Bold: f&markBold != 0, Italic: f&markItalic != 0, Strike: f&markStrike != 0, Code: f&markCode != 0}
}

func markerFlag(c byte) markupFlags {
	switch c {
	case '*':
		return markBold
	case '_':
		return markItalic
	case '~':
		return markStrike
	}
	return 0
}

// sgrPair is the escape sequences a style puts before and after a text.
type sgrPair struct{ pre, post string }

// wrap combines the styles of f and returns what they put around a text.
// lipgloss renders strikethrough (and underline) rune by rune, which would
// put escape sequences inside emoji ZWJ sequences and change their width,
// so the style is rendered once around a sentinel and the text is placed
// between the two halves instead.
func (st MarkupStyles) wrap(f markupFlags) sgrPair {
	s := lipgloss.NewStyle()
	if f&markCode != 0 {
		s = s.Inherit(st.Code)
	}
	if f&markBold != 0 {
		s = s.Inherit(st.Bold)
	}
	if f&markItalic != 0 {
		s = s.Inherit(st.Italic)
	}
	if f&markStrike != 0 {
		s = s.Inherit(st.Strike)
	}
	s = s.Inline(true).UnsetWidth().UnsetHeight().UnsetMaxWidth().UnsetMaxHeight().
		UnsetAlign().UnsetTransform().UnsetHyperlink().UnsetString()
	const sentinel = "x"
	r := s.Render(sentinel)
	if strings.Count(r, sentinel) != 1 {
		return sgrPair{} // not expected; plain text is the safe fallback
	}
	pre, post, _ := strings.Cut(r, sentinel)
	return sgrPair{pre, post}
}

// markupPiece is a parsed run of the line: text with its formatting, or a marker
// that was removed. The pieces of a line concatenate to the line.
type markupPiece struct {
	text   string
	marker bool
	f      markupFlags
}

// parsePieces parses one line into pieces; see the rules at the top. Given
// several lines, it parses each on its own.
func parsePieces(line string) []markupPiece {
	if line == "" {
		return nil
	}
	if !strings.ContainsAny(line, markerChars) {
		return []markupPiece{{text: line}}
	}
	if strings.Contains(line, "\n") {
		var pieces []markupPiece
		for i, l := range strings.Split(line, "\n") {
			if i > 0 {
				pieces = append(pieces, markupPiece{text: "\n"})
			}
			pieces = append(pieces, parsePieces(l)...)
		}
		return pieces
	}
	p := &markupParser{line: line, atomEnd: map[int]markupAtom{}, blocked: make([]bool, len(line))}
	p.findLinks()
	p.findCode()
	p.findClosers()
	p.parse(0, len(line), 0)
	return p.pieces
}

// markupAtom is a run that is not parsed for emphasis: a link or a code span.
type markupAtom struct {
	end    int // exclusive
	marker int // length of the code marker (1 or 3); 0 for a link
}

type markupParser struct {
	line    string
	links   []int              // start, end pairs of links
	atomEnd map[int]markupAtom // atoms by start
	blocked []bool             // positions inside an markupAtom
	closers [3][]int           // valid closers of * _ ~ outside atoms, ascending
	pieces  []markupPiece
}

func (p *markupParser) text(i, j int, f markupFlags) {
	if i < j {
		p.pieces = append(p.pieces, markupPiece{text: p.line[i:j], f: f})
	}
}

func (p *markupParser) marker(i, j int) {
	p.pieces = append(p.pieces, markupPiece{text: p.line[i:j], marker: true})
}

// parse emits the pieces of line[lo:hi], which has the formatting f.
func (p *markupParser) parse(lo, hi int, f markupFlags) {
	line := p.line
	start := lo
	for k := lo; k < hi; {
		if a, ok := p.atomEnd[k]; ok {
			if a.marker > 0 { // code span
				p.text(start, k, f)
				p.marker(k, k+a.marker)
				p.text(k+a.marker, a.end-a.marker, f|markCode)
				p.marker(a.end-a.marker, a.end)
				start = a.end
			}
			k = a.end
			continue
		}
		if fl := markerFlag(line[k]); fl != 0 && markerOpens(line, k, 1) {
			if j := p.closer(fl, k+1); j >= 0 && j < hi {
				p.text(start, k, f)
				p.marker(k, k+1)
				p.parse(k+1, j, f|fl)
				p.marker(j, j+1)
				k = j + 1
				start = k
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(line[k:])
		k += size
	}
	p.text(start, hi, f)
}

// closer returns the first valid closer of fl at or after from, or -1.
func (p *markupParser) closer(fl markupFlags, from int) int {
	var cs []int
	switch fl {
	case markBold:
		cs = p.closers[0]
	case markItalic:
		cs = p.closers[1]
	default:
		cs = p.closers[2]
	}
	if i := sort.SearchInts(cs, from); i < len(cs) {
		return cs[i]
	}
	return -1
}

// findLinks records the links of the line.
func (p *markupParser) findLinks() {
	line := p.line
	for i := 0; i < len(line); {
		if n := markupLinkPrefix(line[i:]); n > 0 && !markerAfterWord(line, i) {
			j := i + n
			for j < len(line) {
				r, size := utf8.DecodeRuneInString(line[j:])
				if unicode.IsSpace(r) {
					break
				}
				j += size
			}
			for j > i+n && strings.IndexByte(markerChars, line[j-1]) >= 0 {
				j--
			}
			p.links = append(p.links, i, j)
			i = j
			continue
		}
		_, size := utf8.DecodeRuneInString(line[i:])
		i += size
	}
}

func markupLinkPrefix(s string) int {
	for _, prefix := range [...]string{"https://", "http://", "www."} {
		if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
			return len(prefix)
		}
	}
	return 0
}

// findCode records the code spans of the line, left to right, outside
// links; links outside code spans become atoms too.
func (p *markupParser) findCode() {
	line := p.line
	inLink := make([]bool, len(line))
	for n := 0; n < len(p.links); n += 2 {
		for i := p.links[n]; i < p.links[n+1]; i++ {
			inLink[i] = true
		}
	}
	var singles, triples []int
	for j := 0; j < len(line); j++ {
		if line[j] != '`' || inLink[j] {
			continue
		}
		if markerCloses(line, j, 1) {
			singles = append(singles, j)
		}
		if strings.HasPrefix(line[j:], "```") && !inLink[j+2] && markerCloses(line, j, 3) {
			triples = append(triples, j)
		}
	}
	next := func(cs []int, from int) int {
		if i := sort.SearchInts(cs, from); i < len(cs) {
			return cs[i]
		}
		return -1
	}
	link := 0 // index into p.links of the next link
	for i := 0; i < len(line); {
		for link < len(p.links) && p.links[link+1] <= i {
			link += 2
		}
		if link < len(p.links) && p.links[link] <= i {
			p.addAtom(p.links[link], p.links[link+1], 0)
			i = p.links[link+1]
			continue
		}
		if line[i] == '`' {
			if strings.HasPrefix(line[i:], "```") && markerOpens(line, i, 3) {
				if j := next(triples, i+4); j >= 0 && strings.TrimSpace(line[i+3:j]) != "" {
					p.addAtom(i, j+3, 3)
					i = j + 3
					continue
				}
			}
			if markerOpens(line, i, 1) {
				if j := next(singles, i+2); j >= 0 {
					p.addAtom(i, j+1, 1)
					i = j + 1
					continue
				}
			}
		}
		i++
	}
}

func (p *markupParser) addAtom(i, j, marker int) {
	p.atomEnd[i] = markupAtom{end: j, marker: marker}
	for k := i; k < j; k++ {
		p.blocked[k] = true
	}
}

// findClosers records the valid closers of * _ ~ outside atoms.
func (p *markupParser) findClosers() {
	line := p.line
	for k := 0; k < len(line); k++ {
		if p.blocked[k] {
			continue
		}
		var n int
		switch line[k] {
		case '*':
			n = 0
		case '_':
			n = 1
		case '~':
			n = 2
		default:
			continue
		}
		if markerCloses(line, k, 1) {
			p.closers[n] = append(p.closers[n], k)
		}
	}
}

// markerOpens reports whether the marker of width w at line[i] can open a span.
// Code blocks (w == 3) need not hug their text.
func markerOpens(line string, i, w int) bool {
	if markerAfterWord(line, i) {
		return false
	}
	if i+w >= len(line) {
		return false
	}
	c := rune(line[i])
	next, _ := utf8.DecodeRuneInString(line[i+w:])
	prev := markupRuneBefore(line, i)
	if next == c || extendsCluster(next) || (isRegionalIndicator(prev) && isRegionalIndicator(next)) {
		return false
	}
	return w == 3 || !unicode.IsSpace(next)
}

// markerCloses reports whether the marker of width w at line[i] can close a
// span.
func markerCloses(line string, i, w int) bool {
	if i == 0 {
		return false
	}
	c := rune(line[i])
	prev := markupRuneBefore(line, i)
	if prev == c || prev == '\u200D' || (w == 1 && unicode.IsSpace(prev)) {
		return false
	}
	if i+w >= len(line) {
		return true
	}
	next, _ := utf8.DecodeRuneInString(line[i+w:])
	return !isWordRune(next) && !extendsCluster(next) && !(isRegionalIndicator(prev) && isRegionalIndicator(next))
}

// markupRuneBefore returns the rune before line[i], or -1 at the start.
func markupRuneBefore(line string, i int) rune {
	if i == 0 {
		return -1
	}
	r, _ := utf8.DecodeLastRuneInString(line[:i])
	return r
}

// markerAfterWord reports whether line[i] follows a letter, number or mark (or
// a joiner), so that a marker there would be inside a word.
func markerAfterWord(line string, i int) bool {
	r := markupRuneBefore(line, i)
	return r >= 0 && (isWordRune(r) || r == '\u200D')
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)
}

// extendsCluster reports whether r joins the character before it into one
// grapheme cluster: marks (including variation selectors and the keycap),
// joiners, emoji modifiers, tags and Hangul vowel and final jamo.
func extendsCluster(r rune) bool {
	return unicode.IsMark(r) || r == '\u200D' || r == '\u200C' ||
		(r >= 0x1F3FB && r <= 0x1F3FF) || (r >= 0xE0020 && r <= 0xE007F) ||
		(r >= 0x1160 && r <= 0x11FF) || (r >= 0xD7B0 && r <= 0xD7FF)
}

func isRegionalIndicator(r rune) bool { return r >= 0x1F1E6 && r <= 0x1F1FF }
