package ui

import (
	"slices"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/mbx-inbox/mbx/state"
)

func TestQueryWords(t *testing.T) {
	tests := []struct {
		q    string
		want []string
	}{
		{"Wilson", []string{"wilson"}},
		{"harold WILSON", []string{"harold", "wilson"}},
		{"+44 7838 788897", []string{"447838788897"}},
		{"(07838) 788-897", []string{"7838788897"}},
		{"ana 079", []string{"ana", "79"}},
		{`"late" delivery!`, []string{"late", "delivery"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := queryWords(tt.q); !slices.Equal(got, tt.want) {
			t.Errorf("queryWords(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}

// markedStyles draw the highlight as [..] so that tests can see it.
var (
	plainBase = lipgloss.NewStyle()
	bracketHL = lipgloss.NewStyle().Transform(func(s string) string { return "[" + s + "]" })
)

func TestHighlight(t *testing.T) {
	tests := []struct {
		s     string
		words []string
		w     int
		want  string
	}{
		{"Harold Wilson", []string{"wilson"}, 20, "Harold [Wilson]       "},
		{"+447838788897", []string{"7838788897"}, 15, "+44[7838788897]  "},
		{"Un café, por favor", []string{"café", "por"}, 30, "Un [café], [por] favor            "},
		{"no match here", []string{"zzz"}, 8, "no matc…"},
		// The first match is kept in view: the start is cut.
		{"a long story about many things before the needle is here", []string{"needle"}, 24, "…ore the [needle] is here "},
		{"", []string{"x"}, 3, "   "},
	}
	for _, tt := range tests {
		got := highlight(tt.s, tt.words, tt.w, plainBase, bracketHL)
		if got != tt.want {
			t.Errorf("highlight(%q, %q, %d) = %q, want %q", tt.s, tt.words, tt.w, got, tt.want)
		}
		if n := ansi.StringWidth(strings.NewReplacer("[", "", "]", "").Replace(got)); n != tt.w {
			t.Errorf("highlight(%q) is %d cells, want %d", tt.s, n, tt.w)
		}
	}
}

func TestHitWriter(t *testing.T) {
	tests := []struct {
		hit  state.SearchHit
		want string
	}{
		{state.SearchHit{Message: state.Message{Direction: state.Inbound, Sender: "Ana"}}, "customer"},
		{state.SearchHit{Message: state.Message{Direction: state.Outbound, Sender: "Alex Agent"}, Mine: true}, "you"},
		{state.SearchHit{Message: state.Message{Direction: state.Outbound, Sender: "Helen Smith"}}, "Helen"},
		{state.SearchHit{Message: state.Message{Direction: state.Outbound, Sender: "\x1b[31mEve\x1b[0m Evil"}}, "␛[31mEve␛[0m"},
		{state.SearchHit{Message: state.Message{Direction: state.Outbound}}, "agent"},
	}
	for _, tt := range tests {
		if got := hitWriter(tt.hit); got != tt.want {
			t.Errorf("hitWriter(%+v) = %q, want %q", tt.hit.Message, got, tt.want)
		}
	}
}
