package main

// The admin commands: what a platform offers beyond the inbox, where it
// has it. msgboxx: webhooks (list, add, rm) and broadcasts (its template
// sends, with their status). get.chat: neither is in mbx's client, and
// the commands say so (exit 2). Exit codes as in cmd_send.go.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"text/tabwriter"

	"github.com/mbx-inbox/mbx/api/msgboxx"
	"github.com/mbx-inbox/mbx/state"
)

// runAdmin is mbx webhooks … and mbx broadcasts ….
func runAdmin(ctx context.Context, noun string, args []string, stdout, stderr io.Writer, e env) int {
	name := "mbx " + noun
	verbs, known := "list, add or rm", map[string]bool{"list": true, "add": true, "rm": true}
	if noun == "broadcasts" {
		verbs, known = "list", map[string]bool{"list": true}
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintf(stderr, "%s: say what to do: %s (mbx help)\n", name, verbs)
		return exitUsage
	}
	verb := args[0]
	if !known[verb] {
		fmt.Fprintf(stderr, "%s: unknown action %q: %s\n", name, verb, verbs)
		return exitUsage
	}
	name += " " + verb
	fs, fl, debug, asJSON := scriptFlagSet(name, stderr)
	var events stringList
	target, limit := "", 0
	switch verb {
	case "add":
		fs.StringVar(&target, "url", "", "the webhook's target `URL` (https; http only on this machine)")
		fs.Var(&events, "event", "what it is told of: message, contact, inbox, apiaccount, broadcast or template (repeat for several; default message)")
	case "list":
		if noun == "broadcasts" {
			fs.IntVar(&limit, "limit", 100, "list at most `N` (0: all)")
		}
	}
	rest := args[1:]
	id := ""
	if verb == "rm" {
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			fmt.Fprintf(stderr, "%s: say which: %s ID (mbx webhooks list shows them)\n", name, name)
			return exitUsage
		}
		id, rest = rest[0], rest[1:]
	}
	if code, ok := parseFlags(fs, rest, stderr); !ok {
		return code
	}
	if verb == "add" {
		if code := checkTarget(name, target, stderr); code != exitDone {
			return code
		}
		if len(events) == 0 {
			events = stringList{"message"}
		}
	}
	s, code := openScript(ctx, name, *fl, *debug, stderr, e)
	if s == nil {
		return code
	}
	defer s.close()
	c := s.sess.client
	if c == nil {
		fmt.Fprintf(stderr, "%s: %s accounts have no %s in mbx (its client has no such calls); use the platform's own admin pages\n",
			name, s.sess.conn().Name(), noun)
		return exitUsage
	}
	a := admin{name: name, c: c, stdout: stdout, stderr: stderr, json: *asJSON}
	switch {
	case noun == "broadcasts":
		return a.broadcasts(ctx, limit)
	case verb == "list":
		return a.webhooks(ctx)
	case verb == "add":
		return a.addWebhooks(ctx, target, events)
	default:
		return a.removeWebhook(ctx, id)
	}
}

// checkTarget accepts a webhook target as the client does: an absolute
// https URL, or http on a loopback host. It never repeats the address's
// query or user, which may carry a secret.
func checkTarget(name, target string, stderr io.Writer) int {
	u, err := url.Parse(target)
	switch {
	case target == "":
		fmt.Fprintf(stderr, "%s: give the target: --url https://…\n", name)
	case err != nil || u.Host == "":
		fmt.Fprintf(stderr, "%s: --url %s is not an absolute URL (https://host/path)\n", name, state.SanitizeLine(msgboxx.SafeURL(target)))
	case (u.Scheme == "https" || u.Scheme == "http") && msgboxx.SecureURL(u):
		return exitDone
	default:
		fmt.Fprintf(stderr, "%s: --url %s: a webhook target must be https (http only on this machine)\n", name, state.SanitizeLine(msgboxx.SafeURL(target)))
	}
	return exitUsage
}

// admin prints what the admin commands get from msgboxx.
type admin struct {
	name           string
	c              *msgboxx.Client
	stdout, stderr io.Writer
	json           bool
}

// failed says why a call failed, in words, and returns its exit code:
// input the platform (or the client) refused is 2, the rest 1.
func (a admin) failed(err error) int {
	fmt.Fprintf(a.stderr, "%s: %s\n", a.name, state.SanitizeLine(state.Cause(err)))
	if msgboxx.IsInvalid(err) || msgboxx.IsNotFound(err) {
		return exitUsage
	}
	return exitFailed
}

type webhookLine struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	URL      string `json:"url"`
	Enabled  bool   `json:"enabled"`
	Failures int    `json:"failures"`
}

func toWebhookLine(w msgboxx.Webhook) webhookLine {
	return webhookLine{ID: state.SanitizeLine(w.ID), Type: state.SanitizeLine(w.Type),
		URL: state.SanitizeLine(msgboxx.SafeURL(w.TargetURL)), Enabled: w.IsEnabled, Failures: w.FailureCount}
}

// printWebhooks prints webhooks as a table or JSON lines.
func (a admin) printWebhooks(hooks []msgboxx.Webhook) {
	if a.json {
		for _, w := range hooks {
			b, _ := json.Marshal(toWebhookLine(w))
			fmt.Fprintf(a.stdout, "%s\n", b)
		}
		return
	}
	tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEVENT\tENABLED\tFAILURES\tURL")
	for _, w := range hooks {
		l := toWebhookLine(w)
		enabled := "no"
		if l.Enabled {
			enabled = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", l.ID, l.Type, enabled, l.Failures, l.URL)
	}
	tw.Flush()
}

func (a admin) webhooks(ctx context.Context) int {
	var hooks []msgboxx.Webhook
	for w, err := range a.c.Webhooks(ctx) {
		if err != nil {
			return a.failed(err)
		}
		hooks = append(hooks, w)
	}
	if len(hooks) == 0 && !a.json {
		fmt.Fprintln(a.stdout, "no webhooks")
		return exitDone
	}
	a.printWebhooks(hooks)
	return exitDone
}

// addWebhooks adds one enabled webhook per event (msgboxx's webhooks
// have one type each) and prints those added.
func (a admin) addWebhooks(ctx context.Context, target string, events []string) int {
	var added []msgboxx.Webhook
	code := exitDone
	for _, ev := range events {
		w, err := a.c.CreateWebhook(ctx, msgboxx.WebhookInput{Type: strings.ToLower(strings.TrimSpace(ev)), TargetURL: target, IsEnabled: true})
		if err != nil {
			code = a.failed(err)
			break
		}
		added = append(added, w)
	}
	if len(added) > 0 {
		a.printWebhooks(added)
	}
	return code
}

func (a admin) removeWebhook(ctx context.Context, id string) int {
	if err := a.c.DeleteWebhook(ctx, id); err != nil {
		return a.failed(err)
	}
	if a.json {
		b, _ := json.Marshal(struct {
			Removed string `json:"removed"`
		}{state.SanitizeLine(id)})
		fmt.Fprintf(a.stdout, "%s\n", b)
	} else {
		fmt.Fprintf(a.stdout, "removed %s\n", state.SanitizeLine(id))
	}
	return exitDone
}

type broadcastLine struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Time      string `json:"time"`
	AccountID string `json:"account_id"`
	ContactID string `json:"contact_id"`
	MessageID string `json:"message_id"`
	Message   string `json:"message"`
}

func toBroadcastLine(b msgboxx.Broadcast) broadcastLine {
	l := broadcastLine{ID: state.SanitizeLine(b.ID), Status: state.SanitizeLine(b.Status), AccountID: state.SanitizeLine(b.APIAccountID),
		ContactID: state.SanitizeLine(b.ContactID), MessageID: state.SanitizeLine(b.MessageID), Message: state.SanitizeLine(b.Message)}
	if t := b.Created.Time; !t.IsZero() {
		l.Time = t.UTC().Format("2006-01-02T15:04:05Z")
	}
	return l
}

// broadcasts lists msgboxx's broadcasts (template sends) with their status.
func (a admin) broadcasts(ctx context.Context, limit int) int {
	var tw *tabwriter.Writer
	n := 0
	for b, err := range a.c.Broadcasts(ctx, msgboxx.BroadcastFilter{}) {
		if err != nil {
			if tw != nil {
				tw.Flush()
			}
			return a.failed(err)
		}
		l := toBroadcastLine(b)
		switch {
		case a.json:
			j, _ := json.Marshal(l)
			fmt.Fprintf(a.stdout, "%s\n", j)
		default:
			if tw == nil {
				tw = tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tSTATUS\tTIME\tCONTACT\tMESSAGE")
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", l.ID, l.Status, l.Time, l.ContactID, clip(l.Message, 60))
		}
		n++
		if limit > 0 && n >= limit {
			break
		}
	}
	if tw != nil {
		tw.Flush()
	} else if !a.json {
		fmt.Fprintln(a.stdout, "no broadcasts")
	}
	return exitDone
}

// clip shortens s to n characters, with "…".
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
