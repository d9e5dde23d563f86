package sandbox

import (
	"go/parser"
	gotoken "go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The sandbox is an independent implementation of the documented API: it
// must not share code with the client (api/getchat), nor know state, ui or
// Bubble Tea. Its only dependency outside the standard library is the
// websocket library.
func TestImports(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	fset := gotoken.NewFileSet()
	for _, f := range files {
		af, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range af.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			if strings.Contains(p, ".") && p != "github.com/coder/websocket" {
				t.Errorf("%s imports %s", f, p)
			}
		}
	}
}
