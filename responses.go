package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/adrg/xdg"
	"github.com/pelletier/go-toml/v2"

	"github.com/mbx-inbox/mbx/state"
)

// maxResponsesFile bounds a saved responses file: a few hundred replies
// are a few tens of KB.
const maxResponsesFile = 1 << 20

// responsesPath is an account's own saved responses file,
// $XDG_CONFIG_HOME/mbx/responses/<account>.toml (account names are
// letters, digits, '-' and '_': config.go validName).
func responsesPath(account string) string {
	return filepath.Join(xdg.ConfigHome, "mbx", "responses", account+".toml")
}

// savedResponses are the account's own saved responses, read from its
// file each time the composer asks (an edit shows at once):
//
//	[[response]]
//	name = "Payslip"
//	text = "Hi {first_name}, your payslip is on its way. {agent}"
func savedResponses(account string) *state.LocalResponses {
	return localResponses(responsesPath(account))
}

// localResponses reads saved responses from the file at path.
func localResponses(path string) *state.LocalResponses {
	shown := path
	if home, err := os.UserHomeDir(); err == nil && home != "" && strings.HasPrefix(path, home+string(filepath.Separator)) {
		shown = "~" + path[len(home):]
	}
	return &state.LocalResponses{Path: shown, Read: func() ([]state.SavedResponse, error) {
		f, err := os.Open(path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", path, err)
		}
		defer f.Close()
		data, err := readAllLimit(f, maxResponsesFile)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", path, err)
		}
		return parseResponses(filepath.Base(path), data) // the status bar's width: the name says enough beside the full path in the picker's other messages
	}}
}

func readAllLimit(f *os.File, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("over %d KiB: keep saved responses short", limit>>10)
	}
	return data, nil
}

// parseResponses decodes a saved responses file; every problem names the
// line and says what to write.
func parseResponses(path string, data []byte) ([]state.SavedResponse, error) {
	var file struct {
		Response []struct {
			Name *string `toml:"name"`
			Text *string `toml:"text"`
		} `toml:"response"`
	}
	if err := toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(&file); err != nil {
		probs := decodeProblems(data, err)
		for i := range probs {
			if strings.HasPrefix(probs[i].msg, "unknown") {
				probs[i].msg = `unknown setting; the file has [[response]] tables, each with name = "…" and text = "…"`
			}
		}
		return nil, &configError{path: path, problems: probs}
	}
	lines := responseLines(data)
	var out []state.SavedResponse
	var probs []problem
	for i, r := range file.Response {
		at := 0
		if i < len(lines) {
			at = lines[i]
		}
		name, text := "", ""
		if r.Name != nil {
			name = strings.TrimSpace(*r.Name)
		}
		if r.Text != nil {
			text = strings.TrimSpace(*r.Text)
		}
		switch {
		case name == "":
			probs = append(probs, problem{line: at, key: fmt.Sprintf("response %d", i+1), msg: `no name: give it one, e.g. name = "Payslip"`})
		case text == "":
			probs = append(probs, problem{line: at, key: fmt.Sprintf("response %d (%s)", i+1, name), msg: `no text: write the reply, e.g. text = "Hi {first_name}, …"`})
		default:
			out = append(out, state.SavedResponse{ID: fmt.Sprintf("file:%d", i+1), Name: name, Text: text})
		}
	}
	if len(probs) > 0 {
		return nil, &configError{path: path, problems: probs}
	}
	return out, nil
}

// responseLines are the lines where each [[response]] table starts.
func responseLines(data []byte) []int {
	var at []int
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "[[response]]") {
			at = append(at, i+1)
		}
	}
	return at
}
