package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/mbx-inbox/mbx/state"
)

// ---- the conversation's files: save or open one ----

// filesPicker lists the open conversation's files, newest first, filtered
// as the agent types. Choose saves the highlighted one to the download
// directory; OpenFile saves it and hands it to the desktop's opener (only
// pictures, sound, video, PDF and text: state.Openable).
type filesPicker struct {
	km      KeyMap
	files   []state.Message
	list    pickList
	loading bool
}

// filesLoadedMsg: the conversation's messages were read for their files.
type filesLoadedMsg struct {
	msgs []state.Message
	err  error
}

// filesScan is how many of a conversation's newest messages the files
// list looks through.
const filesScan = 5000

// saveFile: download this message's file (and open it).
type saveFile struct {
	key  string
	open bool
}

// fileSavedMsg: a file was saved, or could not be.
type fileSavedMsg struct {
	saved state.SavedMedia
	open  bool
	err   error
}

// fileOpenedMsg: the desktop's opener was started, or failed to.
type fileOpenedMsg struct {
	path string
	err  error
}

func newFilesPicker(km KeyMap) *filesPicker {
	p := &filesPicker{km: km, list: newPickList("File: ", "type to filter"), loading: true}
	p.list.input.Focus()
	return p
}

// set lists the files among msgs (oldest first), newest on top.
func (p *filesPicker) set(msgs []state.Message) {
	p.loading, p.files = false, nil
	for _, m := range slices.Backward(msgs) {
		if !m.Media.IsZero() {
			p.files = append(p.files, m)
		}
	}
	items := make([]pickItem, len(p.files))
	for i, m := range p.files {
		who := "customer"
		if m.Direction == state.Outbound {
			who = "you"
			if m.Sender != "" {
				who = m.Sender
			}
		}
		items[i] = pickItem{title: mediaTitle(m), detail: who + " · " + m.Time.Local().Format("Jan 2 15:04")}
		if m.Media.Ref == "" {
			items[i].status = "not sent yet"
			items[i].disabled = true
		}
	}
	p.list.SetItems(items)
}

// mediaTitle is a file as a row: "[image 120 KB] caption".
func mediaTitle(m state.Message) string {
	return withSize(firstLine(m.Body, 60), m.Media)
}

// withSize puts a known size inside a media line's badge:
// "[image] hi" → "[image 120 KB] hi".
func withSize(body string, md state.Media) string {
	if md.Size <= 0 || !strings.HasPrefix(body, "[") {
		return body
	}
	end := strings.IndexByte(body, ']')
	if end < 0 {
		return body
	}
	return body[:end] + " " + state.FormatSize(md.Size) + body[end:]
}

func (p *filesPicker) Waiting() (bool, bool) { return p.loading, true }
func (p *filesPicker) Bounds() (int, int)    { return formW, 16 }

func (p *filesPicker) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case filesLoadedMsg:
		if m.err != nil {
			return nil, closeDialog{flash: "cannot read the conversation: " + state.Words(m.err), isErr: true}
		}
		p.set(m.msgs)
		if len(p.files) == 0 {
			return nil, closeDialog{flash: "No files in this conversation: " + hint(p.km.Attach, "attaches one to a reply")}
		}
	case tea.PasteMsg:
		p.list.Paste(m.Content)
	case tea.KeyPressMsg:
		if key.Matches(m, p.km.OpenFile) {
			if i, ok := p.list.Selected(); ok {
				return nil, saveFile{key: p.files[i].Key(), open: true}
			}
			return nil, nil
		}
		return p.list.Key(m, p.km, func(i int) action { return saveFile{key: p.files[i].Key()} })
	}
	return nil, nil
}

func (p *filesPicker) View(v viewCtx) string {
	st, w, h := v.st, v.w, v.h
	inner := w - 4
	lines := []string{st.title.Render("Files in this conversation")}
	footer := st.muted.Render(hint([]key.Binding{p.km.PickerUp, p.km.PickerDown}, "choose", p.km.Choose, "save", p.km.OpenFile, "open", p.km.Close, "close"))
	if p.loading {
		lines = append(lines, "")
		lines = append(lines, loadingLines(st, "the conversation's files")...)
		lines = append(lines, "", footer)
		return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
	}
	listH := max(2, min(len(p.files)+1, h-2-len(lines)-2))
	lines = append(lines, p.list.Lines(st, inner, listH)...)
	lines = append(lines[:min(len(lines), h-4)], "", footer)
	return st.dialog.Render(fitBlock(lines, inner, min(h-2, len(lines))))
}

// openFiles lists the files of the open conversation (or the selected
// one): the dialog opens at once and reads them from the store, so a key
// typed before the thread has loaded still finds them.
func (a *App) openFiles() tea.Cmd {
	conv, ok := a.target()
	if !ok {
		return a.flash("Open or select a conversation first", true)
	}
	core := a.core
	return a.push(newFilesPicker(a.keys), func(id int) tea.Cmd {
		return to(id, func() tea.Msg {
			msgs, err := core.Thread(conv.ID, time.Time{}, filesScan)
			return filesLoadedMsg{msgs: msgs, err: err}
		})
	})
}

// saveFileCmd downloads a file in the background; the status bar says
// where it went.
func (a *App) saveFileCmd(s saveFile) tea.Cmd {
	core, ctx := a.core, a.ctx
	a.bar.busy = "saving the file…"
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
		defer cancel()
		saved, err := core.SaveMedia(ctx, s.key)
		return fileSavedMsg{saved: saved, open: s.open, err: err}
	}
}

func (a *App) handleFileSaved(m fileSavedMsg) tea.Cmd {
	a.bar.busy = ""
	switch {
	case m.err != nil:
		return a.flash("cannot save the file: "+state.Words(m.err), true)
	case !m.open:
		return a.flash("Saved to "+line(m.saved.Path)+" ("+state.FormatSize(m.saved.Size)+")", false)
	case a.d.Open == nil:
		return a.flash("Saved to "+line(m.saved.Path)+": nothing here opens files", false)
	case !state.Openable(m.saved.MIME):
		return a.flash("Saved to "+line(m.saved.Path)+": mbx opens only pictures, sound, video, PDF and text", false)
	}
	open, path := a.d.Open, m.saved.Path
	return func() tea.Msg { return fileOpenedMsg{path: path, err: open(path)} }
}

func (a *App) handleFileOpened(m fileOpenedMsg) tea.Cmd {
	if m.err != nil {
		return a.flash("Saved to "+line(m.path)+", but it could not be opened: "+line(m.err.Error()), true)
	}
	return a.flash("Opened "+line(m.path), false)
}

// ---- a file attached to a reply ----

// attachDialog asks for the path of a file to send, the composer's text
// as its caption. Tab completes the path. Enter queues it (the dialog
// waits for the outbox); a refusal (no such file, too large, the window
// closed) is shown in the dialog with the path kept.
type attachDialog struct {
	km      KeyMap
	convID  string
	caption string
	input   textinput.Model
	err     string
	note    string // what completion found
	sending bool
}

// queueFile: queue the file at path as a reply.
type queueFile struct {
	convID, path, caption string
}

// fileQueuedMsg: the outbox has the file, or refused it.
type fileQueuedMsg struct {
	convID string
	err    error
}

// fileQueued: close the dialog, the reply is in the outbox.
type fileQueued struct{ convID string }

func newAttachDialog(km KeyMap, convID, caption string) *attachDialog {
	in := newInput()
	in.Prompt = "File: "
	in.Placeholder = "path, e.g. ~/Documents/price list.pdf"
	in.CharLimit = 4096
	in.Focus()
	return &attachDialog{km: km, convID: convID, caption: caption, input: in}
}

func (d *attachDialog) Waiting() (bool, bool) { return d.sending, false }
func (d *attachDialog) Bounds() (int, int)    { return formW, 12 }
func (d *attachDialog) SetSize(w int) {
	d.input.SetWidth(max(1, w-4-lipWidth(d.input.Prompt)-1))
}

func (d *attachDialog) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case fileQueuedMsg:
		d.sending = false
		if m.err != nil {
			d.err = state.Words(m.err)
			return nil, nil
		}
		return nil, fileQueued{convID: m.convID}
	case tea.PasteMsg:
		d.input.SetValue(d.input.Value() + strings.TrimSpace(line(m.Content)))
		d.input.CursorEnd()
	case tea.KeyPressMsg:
		switch {
		case key.Matches(m, d.km.Close):
			return nil, closeDialog{}
		case key.Matches(m, d.km.Choose):
			path := strings.TrimSpace(d.input.Value())
			if path == "" {
				d.err = "type the path of the file to send"
				return nil, nil
			}
			d.sending, d.err = true, ""
			return nil, queueFile{convID: d.convID, path: path, caption: d.caption}
		case key.Matches(m, d.km.NextField):
			v, note := completePath(d.input.Value())
			d.input.SetValue(v)
			d.input.CursorEnd()
			d.note, d.err = note, ""
			return nil, nil
		}
		d.err, d.note = "", ""
		var cmd tea.Cmd
		d.input, cmd = d.input.Update(m)
		return cmd, nil
	}
	return nil, nil
}

func (d *attachDialog) View(v viewCtx) string {
	st, w := v.st, v.w
	inner := w - 4
	lines := []string{st.title.Render("Attach a file"), "", d.input.View(), ""}
	caption := "no caption (type one in the reply first)"
	if strings.TrimSpace(d.caption) != "" {
		caption = "caption: " + firstLine(line(d.caption), inner-10)
	}
	lines = append(lines, st.muted.Render(caption))
	switch {
	case d.sending:
		lines = append(lines, st.muted.Render("queueing…"))
	case d.err != "":
		for _, l := range wrap(line(d.err), inner) {
			lines = append(lines, st.failed.Render(l))
		}
	case d.note != "":
		lines = append(lines, st.muted.Render(firstLine(d.note, inner)))
	}
	lines = append(lines, "", st.muted.Render(hint(d.km.NextField, "completes", d.km.Choose, "sends", d.km.Close, "cancels")))
	return st.dialog.Render(fitBlock(lines, inner, min(v.h-2, len(lines))))
}

// completePath completes a typed path as far as it is unambiguous, like a
// shell: a single match gets its "/" (a folder) or the whole name; several
// are named in the note.
func completePath(typed string) (string, string) {
	dir, prefix := filepath.Split(typed)
	look := dir
	if look == "" {
		look = "."
	}
	look = state.ExpandHome(look)
	entries, err := os.ReadDir(look)
	if err != nil {
		return typed, "no folder " + look
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, prefix) && (strings.HasPrefix(prefix, ".") || !strings.HasPrefix(n, ".")) {
			if e.IsDir() {
				n += "/"
			}
			names = append(names, n)
		}
	}
	switch len(names) {
	case 0:
		return typed, "nothing matches"
	case 1:
		return dir + names[0], ""
	}
	common := names[0]
	for _, n := range names[1:] {
		for !strings.HasPrefix(n, common) {
			_, size := utf8.DecodeLastRuneInString(common)
			common = common[:len(common)-size] // never half a character
		}
	}
	shown := names
	if len(shown) > 6 {
		shown = append(shown[:6:6], "…")
	}
	return dir + common, strings.Join(shown, "  ")
}

// openAttach opens the attach dialog from the composer.
func (a *App) openAttach() tea.Cmd {
	conv := a.thread.conv
	switch {
	case conv.ID == "":
		return a.flash("Open a conversation first", true)
	case a.comp.readOnly != "":
		return a.flash(a.readOnlyNote(conv)+" (nothing was sent)", true)
	case a.comp.closed:
		return a.flash(state.ErrWindowClosed.Error(), true)
	}
	cmd := a.push(newAttachDialog(a.keys, conv.ID, a.comp.Value()), nil)
	a.sizeDialogs()
	return cmd
}

// queueFileCmd hands the file to the outbox; the result goes back to the
// dialog that asked.
func (a *App) queueFileCmd(id int, q queueFile) tea.Cmd {
	core := a.core
	return to(id, func() tea.Msg {
		_, err := core.SendFile(q.convID, q.path, q.caption)
		return fileQueuedMsg{convID: q.convID, err: err}
	})
}

// fileSent clears the composer whose text went as the caption.
func (a *App) fileSent(convID string) tea.Cmd {
	if a.comp.convID == convID {
		a.comp.Load(convID, "") // the caption went with the file; its draft was cleared with it
	}
	a.thread.scroll = 0
	return tea.Batch(a.reloadThread(), a.flash("File queued", false))
}
