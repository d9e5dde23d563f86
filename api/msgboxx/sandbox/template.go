package sandbox

import (
	"fmt"
	"regexp"
	"strings"
)

var placeholderRE = regexp.MustCompile(`\{\{(\d+)\}\}`)

// templateShape splits a template text into literal parts and placeholder
// numbers: lits has one more element than nums.
func templateShape(text string) (lits []string, nums []string) {
	last := 0
	for _, m := range placeholderRE.FindAllStringSubmatchIndex(text, -1) {
		lits = append(lits, text[last:m[0]])
		nums = append(nums, text[m[2]:m[3]])
		last = m[1]
	}
	lits = append(lits, text[last:])
	return lits, nums
}

// renderTemplate substitutes values for {{n}} (used by demo data).
func renderTemplate(text string, values map[string]string) string {
	return placeholderRE.ReplaceAllStringFunc(text, func(p string) string {
		return values[p[2:len(p)-2]]
	})
}

const (
	maxDecompositions = 64
	maxMatchSteps     = 200_000
)

// checkTemplateMessage verifies that msg is the template text with every
// placeholder replaced by an acceptable value: non-empty, no newline, no
// tab, no run of more than four spaces, and the same value wherever a
// placeholder number repeats. When the text could be split several ways,
// any valid split is accepted.
func checkTemplateMessage(text, msg string) error {
	lits, nums := templateShape(text)
	if len(nums) == 0 {
		if msg != text {
			return fmt.Errorf("message must be exactly the template text %q (this template has no placeholders)", text)
		}
		return nil
	}
	if !strings.HasPrefix(msg, lits[0]) {
		return fmt.Errorf("message does not match the template: it must start with %q; take the templateText and replace each {{n}} placeholder with a value", lits[0])
	}
	var cands [][]string
	steps := 0
	vals := make([]string, 0, len(nums))
	var rec func(i, pos int)
	rec = func(i, pos int) {
		if len(cands) >= maxDecompositions || steps > maxMatchSteps {
			return
		}
		next := lits[i+1]
		if i == len(nums)-1 {
			steps++
			if e := len(msg) - len(next); e >= pos && strings.HasSuffix(msg, next) {
				cands = append(cands, append(append([]string(nil), vals...), msg[pos:e]))
			}
			return
		}
		for e := pos; e+len(next) <= len(msg); e++ {
			steps++
			if steps > maxMatchSteps {
				return
			}
			if strings.HasPrefix(msg[e:], next) {
				vals = append(vals, msg[pos:e])
				rec(i+1, e+len(next))
				vals = vals[:len(vals)-1]
			}
		}
	}
	rec(0, len(lits[0]))
	if len(cands) == 0 {
		return fmt.Errorf("message does not match the template %q: the text around the placeholders must be kept exactly; only the {{n}} placeholders are replaced", text)
	}
	var firstErr, firstNonEmptyErr error
	for _, c := range cands {
		err := checkValues(nums, c)
		if err == nil {
			return nil
		}
		if firstErr == nil {
			firstErr = err
		}
		if firstNonEmptyErr == nil && !isEmptyValueErr(err) {
			firstNonEmptyErr = err
		}
	}
	if firstNonEmptyErr != nil {
		return firstNonEmptyErr
	}
	return firstErr
}

type emptyValueError struct{ num string }

func (e emptyValueError) Error() string {
	return fmt.Sprintf("placeholder {{%s}} has no value: every placeholder must be replaced by non-empty text", e.num)
}

func isEmptyValueErr(err error) bool { _, ok := err.(emptyValueError); return ok }

// unfilled matches a placeholder left in the text, e.g. "{{1}}".
var unfilled = regexp.MustCompile(`\{\{\s*\d+\s*\}\}`)

func checkValues(nums, vals []string) error {
	seen := map[string]string{}
	for i, n := range nums {
		v := vals[i]
		switch {
		case strings.TrimSpace(v) == "":
			return emptyValueError{n}
		case strings.ContainsAny(v, "\n\r"):
			return fmt.Errorf("the value for placeholder {{%s}} contains a newline: placeholder values must be on one line", n)
		case strings.Contains(v, "\t"):
			return fmt.Errorf("the value for placeholder {{%s}} contains a tab: placeholder values may not contain tabs", n)
		case strings.Contains(v, "     "):
			return fmt.Errorf("the value for placeholder {{%s}} contains more than 4 consecutive spaces", n)
		case unfilled.MatchString(v):
			return fmt.Errorf("placeholder {{%s}} was not filled in: replace every {{n}} with its value", n)
		}
		if prev, ok := seen[n]; ok && prev != v {
			return fmt.Errorf("placeholder {{%s}} appears more than once in the template but was given different values (%q and %q): a repeated placeholder takes the same value everywhere", n, prev, v)
		}
		seen[n] = v
	}
	return nil
}
