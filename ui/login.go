package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// loginPrompt asks for the password again when the platform refused the
// stored token (expired or revoked). It is drawn over the inbox: drafts,
// the outbox and whatever the agent was doing stay as they are.
type loginPrompt struct {
	input   textinput.Model
	user    string
	err     string
	busy    bool
	dismiss bool // closed with esc: not reopened until asked (ctrl+r)
}

func newLoginPrompt(user string) loginPrompt {
	in := textinput.New()
	in.Prompt = "Password: "
	in.EchoMode = textinput.EchoPassword
	in.EchoCharacter = '•'
	in.CharLimit = 1024
	return loginPrompt{input: in, user: user}
}

func (p *loginPrompt) Focus() tea.Cmd { return p.input.Focus() }

// Update handles a key: enter emits loginSubmitMsg, esc dialogClosedMsg.
func (p *loginPrompt) Update(k tea.KeyPressMsg) tea.Cmd {
	if p.busy {
		return nil
	}
	switch k.String() {
	case "esc":
		p.dismiss = true
		return emit(dialogClosedMsg{})
	case "enter":
		if p.input.Value() == "" {
			p.err = "Type your password, or esc to stay offline."
			return nil
		}
		p.busy, p.err = true, ""
		pw := p.input.Value()
		p.input.SetValue("") // not kept in the model longer than needed
		return emit(loginSubmitMsg{password: pw})
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(k)
	return cmd
}

// Paste types a pasted password (password managers paste).
func (p *loginPrompt) Paste(text string) {
	if !p.busy {
		p.input.SetValue(p.input.Value() + text)
		p.input.CursorEnd()
	}
}

// Failed shows why the login did not work.
func (p *loginPrompt) Failed(reason string) {
	p.busy, p.err = false, reason
}

func (p *loginPrompt) View(st styles, w, h int) string {
	inner := w - 4
	lines := []string{st.title.Render("Log in"), ""}
	for _, l := range wrap("msgboxx wants your password: the stored login expired or was revoked, or this account has none yet.", inner) {
		lines = append(lines, st.warning.Render(l))
	}
	lines = append(lines, "", "User "+line(p.user), "")
	p.input.SetWidth(max(4, inner-12))
	lines = append(lines, p.input.View())
	if p.err != "" {
		lines = append(lines, "")
		for _, l := range wrap(line(p.err), inner) {
			lines = append(lines, st.errorS.Render(l))
		}
	}
	hint := "enter log in · esc stay offline (drafts and queued replies are kept)"
	if p.busy {
		hint = "logging in…"
	}
	lines = append(lines, "", st.muted.Render(hint))
	return st.dialog.Render(fitBlock(lines, w-4, min(h-2, len(lines))))
}

// loginCmd logs in with the typed password through main's Login.
func loginCmd(login func(context.Context, string) error, password string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		return loginDoneMsg{err: login(ctx, password)}
	}
}
