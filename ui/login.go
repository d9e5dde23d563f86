package ui

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
)

// loginPrompt asks for the password again when the platform refused the
// stored token (expired or revoked). It is drawn over the inbox: drafts,
// the outbox and whatever the agent was doing stay as they are.
type loginPrompt struct {
	km       KeyMap
	input    textinput.Model
	user     string
	platform string
	err      string
	busy     bool
}

// submitLogin: log in with this password.
type submitLogin struct{ password string }

// dismissLogin: the agent stays offline; not asked again until they say.
type dismissLogin struct{}

// loggedIn: the login with a typed password worked.
type loggedIn struct{}

func newLoginPrompt(km KeyMap, user, platform string) *loginPrompt {
	in := newInput()
	in.Prompt = "Password: "
	in.EchoMode = textinput.EchoPassword
	in.EchoCharacter = '•'
	in.CharLimit = 1024
	if platform == "" {
		platform = "The platform"
	}
	p := &loginPrompt{km: km, input: in, user: user, platform: platform}
	p.input.Focus()
	return p
}

func (p *loginPrompt) Waiting() (bool, bool) { return p.busy, false }
func (p *loginPrompt) Bounds() (int, int)    { return 70, 18 }

// Update handles keys: choose submits (submitLogin), close dismisses;
// the answer comes back as loginDoneMsg.
func (p *loginPrompt) Update(msg tea.Msg) (tea.Cmd, action) {
	switch m := msg.(type) {
	case loginDoneMsg:
		if m.err != nil {
			p.Failed(m.err.Error())
			return nil, nil
		}
		p.busy = false
		return nil, loggedIn{}
	case tea.PasteMsg: // password managers paste
		if !p.busy {
			p.input.SetValue(p.input.Value() + m.Content)
			p.input.CursorEnd()
		}
		return nil, nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(m, p.km.Close):
			return nil, dismissLogin{}
		case key.Matches(m, p.km.Choose):
			if p.input.Value() == "" {
				p.err = "Type your password, or " + keyName(p.km.Close) + " to stay offline."
				return nil, nil
			}
			p.busy, p.err = true, ""
			pw := p.input.Value()
			p.input.SetValue("") // not kept in the model longer than needed
			return nil, submitLogin{password: pw}
		}
		var cmd tea.Cmd
		p.input, cmd = p.input.Update(m)
		return cmd, nil
	}
	return nil, nil
}

// Failed shows why the login did not work.
func (p *loginPrompt) Failed(reason string) {
	p.busy, p.err = false, reason
}

func (p *loginPrompt) View(v viewCtx) string {
	st, w, h := v.st, v.w, v.h
	inner := w - 4
	lines := []string{st.title.Render("Log in"), ""}
	for _, l := range wrap(p.platform+" wants your password: the stored login expired or was revoked, or this account has none yet.", inner) {
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
	footer := hint(p.km.Choose, "log in", p.km.Close, "stay offline (drafts and queued replies are kept)")
	if p.busy {
		footer = "logging in…"
	}
	lines = append(lines, "", st.muted.Render(footer))
	return st.dialog.Render(fitBlock(lines, w-4, min(h-2, len(lines))))
}

// loginCmd logs in with the typed password through main's Login.
func loginCmd(ctx context.Context, login func(context.Context, string) error, password string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		return loginDoneMsg{err: login(ctx, password)}
	}
}
