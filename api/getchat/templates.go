package getchat

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// A template's placeholders as mbx numbers them. get.chat templates number
// ({{1}}) or name ({{order_id}}) their placeholders per component, the
// header's apart from the body's; mbx's core fills one text with {{1}},
// {{2}}, … So the header, body and footer are shown as one text (header
// and footer are part of what the customer sees) in which every distinct
// placeholder gets a global number — the header's first, then the
// body's, each component's numbered ones in their order and named ones
// in order of first use — and a send maps the values back (Slots).

// Slot is one placeholder of a template: its component ("header" or
// "body"), and its name (named) or number within the component.
type Slot struct {
	Component string
	Name      string // named placeholder; "" for a numbered one
	Number    int    // numbered placeholder (1-based)
	Example   string // the template's sample value, when it has one
}

// Rendered is a template as one text with global placeholders.
type Rendered struct {
	Text    string // header, body and footer, one per line, with {{1}}, {{2}}, …
	Example string // the same with each placeholder's sample value in [brackets]
	Slots   []Slot // Slots[i] is {{i+1}}
}

type token struct {
	start, end int
	name       string
	number     int
}

// placeholders finds {{…}} tokens: a number (no leading zero) or a name
// of letters, digits and underscores.
func placeholders(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "{{")
		if j < 0 {
			break
		}
		j += i
		k := strings.Index(s[j+2:], "}}")
		if k < 0 {
			break
		}
		inner := strings.TrimSpace(s[j+2 : j+2+k])
		t := token{start: j, end: j + 4 + k}
		if n, err := strconv.Atoi(inner); err == nil && n > 0 && inner[0] != '0' && inner[0] != '+' {
			t.number = n
		} else if isName(inner) {
			t.name = inner
		} else {
			i = j + 2
			continue
		}
		out = append(out, t)
		i = t.end
	}
	return out
}

func isName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, r := range s {
		if !(r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')) {
			return false
		}
	}
	return true
}

// examples reads a component's sample values: header_text / body_text
// (numbered, in order) and header_text_named_params /
// body_text_named_params ({param_name, example}).
func examples(raw RawJSON) (numbered []string, named map[string]string) {
	if len(raw) == 0 {
		return nil, nil
	}
	var ex struct {
		HeaderText  json.RawMessage `json:"header_text"`
		BodyText    json.RawMessage `json:"body_text"`
		HeaderNamed []struct {
			Name    string `json:"param_name"`
			Example string `json:"example"`
		} `json:"header_text_named_params"`
		BodyNamed []struct {
			Name    string `json:"param_name"`
			Example string `json:"example"`
		} `json:"body_text_named_params"`
	}
	if json.Unmarshal(raw, &ex) != nil {
		return nil, nil
	}
	flat := func(r json.RawMessage) []string {
		var one []string
		if json.Unmarshal(r, &one) == nil {
			return one
		}
		var two [][]string
		if json.Unmarshal(r, &two) == nil && len(two) > 0 {
			return two[0]
		}
		return nil
	}
	numbered = append(flat(ex.HeaderText), flat(ex.BodyText)...)
	for _, p := range append(ex.HeaderNamed, ex.BodyNamed...) {
		if named == nil {
			named = map[string]string{}
		}
		named[p.Name] = p.Example
	}
	return numbered, named
}

// Render shows the template as one text (header, body, footer) with its
// placeholders numbered globally. A header that is not text (an image) is
// left out.
func (t Template) Render() Rendered {
	var r Rendered
	var text, example []string
	for _, kind := range []string{"header", "body"} {
		comp := t.Component(kind)
		if comp == nil || comp.Text == "" || (kind == "header" && comp.Format != "" && !strings.EqualFold(comp.Format, "text")) {
			continue
		}
		toks := placeholders(comp.Text)
		numbered, named := examples(comp.Example)
		// Global numbers: numbered placeholders by their number, then
		// named ones by first use.
		var nums []int
		var names []string
		for _, tk := range toks {
			if tk.name != "" && !slices.Contains(names, tk.name) {
				names = append(names, tk.name)
			} else if tk.name == "" && !slices.Contains(nums, tk.number) {
				nums = append(nums, tk.number)
			}
		}
		slices.Sort(nums)
		global := map[string]int{}
		for _, n := range nums {
			s := Slot{Component: kind, Number: n}
			if n-1 < len(numbered) {
				s.Example = numbered[n-1]
			}
			r.Slots = append(r.Slots, s)
			global["#"+strconv.Itoa(n)] = len(r.Slots)
		}
		for _, name := range names {
			r.Slots = append(r.Slots, Slot{Component: kind, Name: name, Example: named[name]})
			global[name] = len(r.Slots)
		}
		var tb, eb strings.Builder
		last := 0
		for _, tk := range toks {
			key := tk.name
			if key == "" {
				key = "#" + strconv.Itoa(tk.number)
			}
			g := global[key]
			tb.WriteString(comp.Text[last:tk.start])
			eb.WriteString(comp.Text[last:tk.start])
			tb.WriteString("{{" + strconv.Itoa(g) + "}}")
			eb.WriteString("[" + r.Slots[g-1].Example + "]")
			last = tk.end
		}
		tb.WriteString(comp.Text[last:])
		eb.WriteString(comp.Text[last:])
		text = append(text, tb.String())
		example = append(example, eb.String())
	}
	if f := t.Component("footer"); f != nil && f.Text != "" {
		text = append(text, f.Text)
		example = append(example, f.Text)
	}
	r.Text = strings.Join(text, "\n")
	r.Example = strings.Join(example, "\n")
	if !slices.ContainsFunc(r.Slots, func(s Slot) bool { return s.Example != "" }) {
		r.Example = ""
	}
	return r
}

// Message builds the TemplateMessage that fills the template's slots with
// values (values[i] fills {{i+1}} of Render; missing ones are empty).
func (t Template) Message(values []string) TemplateMessage {
	tm := TemplateMessage{Name: t.Name, Language: t.Language.Code, Namespace: t.Namespace}
	for i, s := range t.Render().Slots {
		v := ""
		if i < len(values) {
			v = values[i]
		}
		p := Param{Name: s.Name, Text: v}
		if s.Component == "header" {
			tm.Header = append(tm.Header, p)
		} else {
			tm.Body = append(tm.Body, p)
		}
	}
	return tm
}

// Fill renders the template with the values of a sent template message's
// components: the text the customer sees, as Render numbers it and mbx's
// core fills it. It reports false when a value is missing.
func (t Template) Fill(sent *TemplateSend) (string, bool) {
	r := t.Render()
	values := make([]string, len(r.Slots))
	ok := true
	for i, s := range r.Slots {
		found := false
		if sent != nil {
			for _, comp := range sent.Components {
				if !strings.EqualFold(comp.Type, s.Component) {
					continue
				}
				for j, p := range comp.Parameters {
					if (s.Name != "" && p.ParameterName == s.Name) || (s.Name == "" && p.ParameterName == "" && j == s.Number-1) {
						values[i], found = p.Text, true
					}
				}
			}
		}
		ok = ok && found
	}
	return FillText(r.Text, values), ok
}

// FillText replaces {{n}} in text by values[n-1].
func FillText(text string, values []string) string {
	var b strings.Builder
	last := 0
	for _, tk := range placeholders(text) {
		b.WriteString(text[last:tk.start])
		if tk.name == "" && tk.number <= len(values) {
			b.WriteString(values[tk.number-1])
		} else {
			b.WriteString(text[tk.start:tk.end])
		}
		last = tk.end
	}
	b.WriteString(text[last:])
	return b.String()
}
