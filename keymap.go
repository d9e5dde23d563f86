package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"github.com/pelletier/go-toml/v2"

	"github.com/mbx-inbox/mbx/ui"
)

// defaultKeyMap returns a fresh copy of every default binding with its help
// text (../shared/ARCHITECTURE.md, "Default keys"). No Alt+letter outside
// the composer: those collide with AltGr layouts.
func defaultKeyMap() ui.KeyMap {
	b := func(help, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return ui.KeyMap{
		Up:           b("k/↑", "up", "k", "up"),
		Down:         b("j/↓", "down", "j", "down"),
		Top:          b("g", "top", "g", "home"),
		Bottom:       b("G", "bottom", "G", "end"),
		HalfPageDown: b("ctrl+d", "half page down", "ctrl+d", "pgdown"),
		HalfPageUp:   b("ctrl+u", "half page up", "ctrl+u", "pgup"),
		Open:         b("enter/l", "open", "enter", "l"),
		Back:         b("esc/h", "back", "esc", "h"),
		NextPane:     b("tab", "next pane", "tab"),
		PrevPane:     b("shift+tab", "previous pane", "shift+tab"),

		Inbox:       b("1", "inbox", "1"),
		Archive:     b("2", "archive", "2"),
		Spam:        b("3", "spam", "3"),
		Mine:        b("4", "mine", "4"),
		Unassigned:  b("5", "unassigned", "5"),
		ClosingSoon: b("6", "closing soon", "6"),
		Reply:       b("r", "reply", "r"),
		Template:    b("t", "template", "t"),
		Assign:      b("a", "assign…", "a"),
		AssignToMe:  b("A", "assign to me", "A"),
		Tags:        b("#", "tags…", "#"),
		Files:       b("o", "files…", "o"),
		MoveArchive: b("e", "archive", "e"),
		MoveSpam:    b("!", "spam", "!"),
		MoveBack:    b("I", "back to inbox", "I"),
		Mark:        b("x/space", "mark", "x", "space"),
		// Triage: the last move or assignment taken back, for a few seconds.
		Undo: b("u", "undo", "u"),

		Search:     b("/", "search", "/"),
		NextResult: b("n", "next result", "n"),
		PrevResult: b("N", "previous result", "N"),
		Contacts:   b("c", "contacts", "c"),
		Sync:       b("ctrl+r", "sync now", "ctrl+r"),
		// Another configured account (the inbox hides it with fewer than two).
		SwitchAccount: b("S", "switch account", "S"),
		Help:          b("?/f1", "help", "?", "f1"),
		Quit:          b("q", "quit", "q", "ctrl+c"),

		// Unread, as in WhatsApp: only the unread of the view, the next
		// unread conversation, and mark one unread again.
		UnreadOnly: b("U", "unread only", "U"),
		NextUnread: b("]", "next unread", "]"),
		MarkUnread: b("M", "mark unread", "M"),

		// In dialogs letters type text: enter, esc, tab, arrows and ctrl+keys.
		Close:      b("esc", "close", "esc"),
		Choose:     b("enter", "choose", "enter"),
		NextField:  b("tab", "next field", "tab"),
		PrevField:  b("shift+tab", "previous field", "shift+tab"),
		PrevOption: b("←", "previous option", "left"),
		NextOption: b("→/space", "next option", "right", "space"),
		PickerUp:   b("↑/ctrl+k", "up", "up", "ctrl+k"),
		PickerDown: b("↓/ctrl+j", "down", "down", "ctrl+j"),
		NewContact: b("ctrl+n", "new contact", "ctrl+n"),
		EditTags:   b("ctrl+t", "edit tags", "ctrl+t"),
		OpenFile:   b("ctrl+o", "open file", "ctrl+o"),
		// The question "not sure this reply was sent", which has no text to type.
		SendAgain: b("s", "send again", "s"),
		WasSent:   b("k", "it was sent", "k"),

		Send:          b("enter", "send", "enter"),
		Newline:       b("alt+enter/ctrl+j", "new line", "alt+enter", "ctrl+j"),
		Editor:        b("ctrl+e", "edit in $EDITOR", "ctrl+e"),
		SavedResponse: b("ctrl+o", "saved response…", "ctrl+o"),
		Attach:        b("ctrl+f", "attach file…", "ctrl+f"),
		ComposerHelp:  b("f1", "keys", "f1"),
		LeaveComposer: b("esc", "leave (draft kept)", "esc"),

		// Bulk work: marking many at once, and reading what a bulk action did.
		MarkAll:     b("V", "mark all in view", "V"),
		ClearMarks:  b("X", "clear marks", "X"),
		BulkResults: b("B", "last bulk results", "B"),
		MessageLog:  b("f2", "message log", "f2"),
		MarkMatches: b("ctrl+x", "mark all matches", "ctrl+x"), // in the search dialog
		// Failed replies: the Failed view, and retrying the newest failed
		// reply of the conversation (looked for on the platform first).
		Failed: b("7", "failed", "7"),
		Retry:  b("R", "retry failed", "R"),
		// Rescue and snooze (ui/rescue.go, ui/snooze.go): the Rescue view
		// and its bulk template send; snooze, the Snoozed view, wake.
		Rescue:     b("8", "rescue", "8"),
		RescueSend: b("W", "rescue templates…", "W"),
		Snooze:     b("z", "snooze…", "z"),
		Snoozed:    b("9", "snoozed", "9"),
		Unsnooze:   b("Z", "wake (unsnooze)", "Z"),
		// The supervisor board: every agent's and team's open conversations.
		Board: b("b", "supervisor board", "b"),
	}
}

// keyPlace is where a binding acts; one key may do one thing per place.
type keyPlace int

const (
	placeGlobal   keyPlace = iota // the panes
	placePicker                   // pickers and forms, where letters type text
	placeComposer                 // the composer, where other keys type text
)

// keyAction names a binding for the config file's [keys] table.
type keyAction struct {
	name    string
	binding *key.Binding
	place   keyPlace
}

func keyActions(km *ui.KeyMap) []keyAction {
	at := func(place keyPlace) func(string, *key.Binding) keyAction {
		return func(name string, b *key.Binding) keyAction { return keyAction{name: name, binding: b, place: place} }
	}
	g, p, c := at(placeGlobal), at(placePicker), at(placeComposer)
	return []keyAction{
		g("up", &km.Up), g("down", &km.Down), g("top", &km.Top), g("bottom", &km.Bottom),
		g("half_page_down", &km.HalfPageDown), g("half_page_up", &km.HalfPageUp),
		g("open", &km.Open), g("back", &km.Back), g("next_pane", &km.NextPane), g("prev_pane", &km.PrevPane),
		g("inbox", &km.Inbox), g("archive", &km.Archive), g("spam", &km.Spam),
		g("mine", &km.Mine), g("unassigned", &km.Unassigned), g("closing_soon", &km.ClosingSoon),
		g("reply", &km.Reply), g("template", &km.Template), g("assign", &km.Assign), g("assign_to_me", &km.AssignToMe), g("tags", &km.Tags), g("files", &km.Files),
		g("move_archive", &km.MoveArchive), g("move_spam", &km.MoveSpam), g("move_inbox", &km.MoveBack), g("mark", &km.Mark),
		g("search", &km.Search), g("next_result", &km.NextResult), g("prev_result", &km.PrevResult),
		g("contacts", &km.Contacts), g("sync", &km.Sync), g("switch_account", &km.SwitchAccount), g("help", &km.Help), g("quit", &km.Quit),
		g("unread_only", &km.UnreadOnly), g("next_unread", &km.NextUnread), g("mark_unread", &km.MarkUnread),
		p("dialog_close", &km.Close), p("dialog_choose", &km.Choose), p("next_field", &km.NextField), p("prev_field", &km.PrevField),
		p("prev_option", &km.PrevOption), p("next_option", &km.NextOption),
		p("picker_up", &km.PickerUp), p("picker_down", &km.PickerDown), p("new_contact", &km.NewContact), p("edit_tags", &km.EditTags),
		p("send_again", &km.SendAgain), p("was_sent", &km.WasSent), p("open_file", &km.OpenFile),
		// Bulk work.
		g("mark_all", &km.MarkAll), g("clear_marks", &km.ClearMarks), g("bulk_results", &km.BulkResults), g("log", &km.MessageLog),
		p("mark_matches", &km.MarkMatches),
		g("undo", &km.Undo),
		c("send", &km.Send), c("newline", &km.Newline), c("editor", &km.Editor), c("saved_response", &km.SavedResponse), c("attach", &km.Attach), c("composer_help", &km.ComposerHelp), c("leave_composer", &km.LeaveComposer),
		g("failed", &km.Failed), g("retry", &km.Retry), // failed replies
		g("rescue", &km.Rescue), g("rescue_send", &km.RescueSend), // rescue
		g("snooze", &km.Snooze), g("snoozed", &km.Snoozed), g("unsnooze", &km.Unsnooze),
		g("board", &km.Board), // the supervisor board
	}
}

// loadKeyMap returns the default keys with the overrides of the config
// file's [keys] table (see applyKeys). A missing file is no error. It
// reads the whole config: commands that need more use loadConfig.
func loadKeyMap(path string) (ui.KeyMap, error) {
	c, err := loadConfig(path)
	if err != nil {
		return defaultKeyMap(), err
	}
	return c.keys, nil
}

// parseKeyMap applies the [keys] table of a config file's contents,
// ignoring the rest of the file (loadConfig checks all of it).
func parseKeyMap(path string, data []byte) (ui.KeyMap, error) {
	var cfg struct {
		Keys map[string]any `toml:"keys"`
	}
	if err := toml.Unmarshal(data, &cfg); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return defaultKeyMap(), fmt.Errorf("%s:%d: %v", path, row, de)
		}
		return defaultKeyMap(), fmt.Errorf("%s: %v", path, err)
	}
	return applyKeys(path, cfg.Keys, keyLines(data))
}

// applyKeys returns the default keys with the overrides of a [keys] table,
// e.g.
//
//	[keys]
//	move_archive = "E"
//	quit = ["q", "ctrl+q"]
//
// An unknown action, a key name that is not a key, or a key bound to two
// actions is an error naming the file and line (lines from keyLines).
func applyKeys(path string, table map[string]any, lines map[string]int) (ui.KeyMap, error) {
	km := defaultKeyMap()
	cfg := struct{ Keys map[string]any }{table}
	actions := keyActions(&km)
	byName := map[string]keyAction{}
	for _, a := range actions {
		byName[a.name] = a
	}
	names := make([]string, 0, len(cfg.Keys))
	for name := range cfg.Keys {
		names = append(names, name)
	}
	sort.Strings(names)
	where := func(name string) string { return fmt.Sprintf("%s:%d", path, lines["keys."+keyPart(name)]) }
	for _, name := range names {
		a, ok := byName[name]
		if !ok {
			return km, fmt.Errorf("%s: [keys] %s: no such action; the actions are %s", where(name), name, actionNames(actions))
		}
		var keys []string
		switch v := cfg.Keys[name].(type) {
		case string:
			keys = []string{v}
		case []any:
			for _, k := range v {
				s, ok := k.(string)
				if !ok {
					return km, fmt.Errorf("%s: [keys] %s: keys are strings, e.g. %s = [\"x\", \"ctrl+x\"]", where(name), name, name)
				}
				keys = append(keys, s)
			}
		default:
			return km, fmt.Errorf("%s: [keys] %s: give a key or a list of keys, e.g. %s = \"x\"", where(name), name, name)
		}
		if len(keys) == 0 {
			return km, fmt.Errorf("%s: [keys] %s: no key given", where(name), name)
		}
		for _, k := range keys {
			if err := checkKeyName(k); err != nil {
				return km, fmt.Errorf("%s: [keys] %s: %v", where(name), name, err)
			}
		}
		a.binding.SetKeys(keys...)
		a.binding.SetHelp(strings.Join(keys, "/"), a.binding.Help().Desc)
	}
	// The same key may not do two things in one place.
	for _, place := range []keyPlace{placeGlobal, placePicker, placeComposer} {
		owner := map[string]string{}
		for _, a := range actions {
			if a.place != place {
				continue
			}
			for _, k := range a.binding.Keys() {
				if prev, ok := owner[k]; ok {
					line := where(a.name)
					if _, set := cfg.Keys[a.name]; !set {
						line = where(prev)
					}
					return km, fmt.Errorf("%s: [keys] key %q is bound to both %s and %s; change one of them", line, k, prev, a.name)
				}
				owner[k] = a.name
			}
		}
	}
	return km, nil
}

func actionNames(actions []keyAction) string {
	names := make([]string, len(actions))
	for i, a := range actions {
		names[i] = a.name
	}
	return strings.Join(names, ", ")
}

var namedKeys = map[string]bool{
	"enter": true, "esc": true, "tab": true, "space": true, "backspace": true, "delete": true, "insert": true,
	"up": true, "down": true, "left": true, "right": true, "home": true, "end": true, "pgup": true, "pgdown": true,
	"f1": true, "f2": true, "f3": true, "f4": true, "f5": true, "f6": true, "f7": true, "f8": true, "f9": true,
	"f10": true, "f11": true, "f12": true,
}

// checkKeyName accepts what key bindings match: a printable character, or
// a named key, each with ctrl+, alt+ or shift+ in front.
func checkKeyName(k string) error {
	if k == " " {
		return fmt.Errorf(`write "space", not a blank`)
	}
	base := k
	for {
		mod, rest, ok := strings.Cut(base, "+")
		if !ok || rest == "" || (mod != "ctrl" && mod != "alt" && mod != "shift" && mod != "super") {
			break
		}
		base = rest
	}
	if namedKeys[base] || (utf8.RuneCountInString(base) == 1 && unicode.IsPrint([]rune(base)[0]) && base != " ") {
		return nil
	}
	return fmt.Errorf("%q is not a key name (use a character like \"x\", or enter, esc, tab, space, up, down, pgup, f1…, with ctrl+, alt+ or shift+)", k)
}
