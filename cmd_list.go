package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/adrg/xdg"

	"github.com/mbx-inbox/mbx/state"
)

// listNow is the clock of mbx list (tests pin it).
var listNow = time.Now

// listPage is how many conversations mbx list reads at a time.
const listPage = 500

// listedConv is one conversation as mbx list prints it; every text is
// sanitized.
type listedConv struct {
	ID          string `json:"id"`
	Account     string `json:"account"`
	Contact     string `json:"contact"`
	Number      string `json:"number"`
	Folder      string `json:"folder"`
	Assignee    string `json:"assignee"`
	Team        string `json:"team"`
	Window      string `json:"window"`              // open, closing or closed
	LeftSeconds int64  `json:"window_left_seconds"` // 0 when closed
	Left        string `json:"window_left"`         // "23h 12m left", "closed 3h 00m ago — template only"
	Unread      bool   `json:"unread"`
	UnreadCount int    `json:"unread_count"`
	LastMessage string `json:"last_message"` // RFC 3339, "" when none
}

// runList prints the conversations of the local store that a query
// selects: no network, no terminal. Exit codes: 0 printed (even nothing),
// 2 bad usage or a bad query, 1 the store cannot be read.
func runList(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("mbx list", flag.ContinueOnError)
	fs.SetOutput(stderr)
	src := fs.String("query", "", "the `query` choosing the conversations (mbx help; default: the inbox)")
	asJSON := fs.Bool("json", false, "one JSON object a line")
	asCSV := fs.Bool("csv", false, "CSV with a header line")
	idsOnly := fs.Bool("q", false, "conversation ids only, one a line")
	sortBy := fs.String("sort", "activity", "`order`: activity, window or waiting")
	accountName := fs.String("account", "", "the account `NAME` whose store to read")
	if code, ok := parseFlags(fs, args, stderr); !ok {
		return code
	}
	formats := 0
	for _, b := range []bool{*asJSON, *asCSV, *idsOnly} {
		if b {
			formats++
		}
	}
	if formats > 1 {
		fmt.Fprintln(stderr, "mbx list: pick one of --json, --csv and -q")
		return 2
	}
	sort, err := state.ParseQuerySort(*sortBy)
	if err != nil {
		fmt.Fprintf(stderr, "mbx list: --%v\n", err)
		return 2
	}
	q, err := state.ParseQuery(*src)
	if err != nil {
		fmt.Fprint(stderr, queryProblem("mbx list", *src, err))
		return 2
	}
	cfg, err := loadConfig(configPath())
	if err != nil {
		fmt.Fprintf(stderr, "mbx list: %v\n", err)
		return 2
	}
	acc, err := cfg.resolve(accountFlags{account: *accountName}, os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "mbx list: %v\n", err)
		return 2
	}
	// The inbox's store, looked up, not created.
	path, err := xdg.SearchStateFile(storeFile(acc.Name))
	if err != nil {
		fmt.Fprintf(stderr, "mbx list: account %s has no local store yet: open the inbox once (mbx --account %s) to sync it\n", acc.Name, acc.Name)
		return 1
	}
	st, err := state.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "mbx list: cannot read the store: %v\n", err)
		return 1
	}
	defer st.Close()
	if err := st.CheckQueryNames(q); err != nil {
		var qe *state.QueryError
		if errors.As(err, &qe) {
			fmt.Fprint(stderr, queryProblem("mbx list", *src, err))
			return 2
		}
		fmt.Fprintf(stderr, "mbx list: cannot read the store: %v\n", err)
		return 1
	}
	rows, err := listedConvs(st, q.Sorted(sort), listNow())
	if err != nil {
		fmt.Fprintf(stderr, "mbx list: cannot read the store: %v\n", err)
		return 1
	}
	switch {
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		for _, r := range rows {
			if err := enc.Encode(r); err != nil {
				return 1
			}
		}
	case *asCSV:
		w := csv.NewWriter(stdout)
		_ = w.Write([]string{"id", "account", "contact", "number", "folder", "assignee", "team", "window",
			"window_left_seconds", "window_left", "unread", "unread_count", "last_message"})
		for _, r := range rows {
			_ = w.Write([]string{csvCell(r.ID), csvCell(r.Account), csvCell(r.Contact), csvCell(r.Number), r.Folder,
				csvCell(r.Assignee), csvCell(r.Team), r.Window,
				strconv.FormatInt(r.LeftSeconds, 10), r.Left, strconv.FormatBool(r.Unread), strconv.Itoa(r.UnreadCount), r.LastMessage})
		}
		w.Flush()
		if w.Error() != nil {
			return 1
		}
	case *idsOnly:
		for _, r := range rows {
			fmt.Fprintln(stdout, r.ID)
		}
	default:
		tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CONTACT\tNUMBER\tASSIGNEE\tWINDOW\tUNREAD\tLAST MESSAGE\tID")
		for _, r := range rows {
			unread := ""
			if r.Unread {
				unread = strconv.Itoa(max(r.UnreadCount, 1))
			}
			last := r.LastMessage
			if t, err := time.Parse(time.RFC3339, last); err == nil {
				last = t.Local().Format("2006-01-02 15:04")
			}
			who := r.Assignee
			switch {
			case who == "" && r.Team != "":
				who = "team " + r.Team
			case r.Team != "":
				who += " · " + r.Team
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", tabless(r.Contact), tabless(r.Number), tabless(who),
				r.Left, unread, last, tabless(r.ID))
		}
		tw.Flush()
	}
	return 0
}

// tabless is a sanitized cell without tabs (the table's separator).
func tabless(s string) string { return strings.ReplaceAll(s, "\t", " ") }

// listedConvs reads every conversation q selects, in its order.
func listedConvs(st *state.Store, q *state.Query, now time.Time) ([]listedConv, error) {
	me, err := st.Me()
	if err != nil {
		return nil, err
	}
	users, err := st.Users()
	if err != nil {
		return nil, err
	}
	teams, err := st.Teams()
	if err != nil {
		return nil, err
	}
	accounts, err := st.Accounts()
	if err != nil {
		return nil, err
	}
	userName, teamName, accountName := map[string]string{}, map[string]string{}, map[string]string{}
	for _, u := range users {
		userName[u.ID] = u.Name()
	}
	for _, t := range teams {
		teamName[t.ID] = t.Name
	}
	for _, a := range accounts {
		accountName[a.ID] = a.Name
	}
	named := func(names map[string]string, id string) string {
		if n := names[id]; n != "" {
			return state.SanitizeLine(n)
		}
		return state.SanitizeLine(id)
	}
	v := state.View{Query: q, Now: now, Me: me}
	var out []listedConv
	for off := 0; ; off += listPage {
		page, err := st.ListConversations(v, off, listPage)
		if err != nil {
			return nil, err
		}
		for _, c := range page {
			w := state.WindowAt(c.WindowExpiry(), now)
			r := listedConv{ID: state.SanitizeLine(c.ID), Account: named(accountName, c.AccountID),
				Contact: state.SanitizeLine(c.ContactName), Number: state.SanitizeLine(c.ContactNumber),
				Folder: string(c.Folder), Assignee: named(userName, c.UserID), Team: named(teamName, c.TeamID),
				Window: windowWord(w.State), LeftSeconds: int64(w.Left / time.Second), Left: w.String(),
				Unread: c.IsUnread(), UnreadCount: c.Unread}
			if last := c.LastActivity; !last.IsZero() {
				r.LastMessage = last.UTC().Format(time.RFC3339)
			}
			out = append(out, r)
		}
		if len(page) < listPage {
			return out, nil
		}
	}
}

func windowWord(s state.WindowState) string {
	switch s {
	case state.WindowOpen:
		return "open"
	case state.WindowClosing:
		return "closing"
	}
	return "closed"
}

// queryProblem is what a command says of a query that does not parse:
// the error, then the query with a caret under the word at fault (when
// the query is plain printable ASCII, so the caret lines up).
func queryProblem(cmd, src string, err error) string {
	msg := fmt.Sprintf("%s: %v\n", cmd, err)
	var qe *state.QueryError
	if !errors.As(err, &qe) {
		return msg
	}
	for i := 0; i < len(src); i++ {
		if src[i] < 0x20 || src[i] > 0x7e {
			return msg
		}
	}
	return msg + "  " + src + "\n  " + strings.Repeat(" ", qe.Pos) + "^\n"
}

// csvCell keeps a spreadsheet from running a cell as a formula: text
// that starts with = + - @, a tab or a carriage return (a customer may
// name themselves "=HYPERLINK(…)") is written after a single quote, as
// OWASP advises for CSV exports. A phone number ("+447902111123",
// "+44 7902 111123": a '+' then digits and spaces only, which no
// spreadsheet computes) stays as it is.
func csvCell(s string) string {
	if s == "" || !strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return s
	}
	if s[0] == '+' && len(s) > 1 && strings.Trim(s[1:], "0123456789 ") == "" {
		return s
	}
	return "'" + s
}
