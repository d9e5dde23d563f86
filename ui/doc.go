// Package ui is mbx's terminal interface (Bubble Tea v2): one flat
// package, one file per model. Only App is a tea.Model; its children are
// plain types that do no IO.
//
// # What the UI depends on
//
// Core (core.go), an interface the UI declares with exactly the reads and
// writes it needs; state.Service serves it. The UI never holds a store or
// an engine, never imports a platform package (CI checks it) and never
// names a platform: it asks state.Capabilities what the account's platform
// can do and shows only that (no Archive or Spam without folders, no new
// contact without contact editing; Unassign and a user and a team at
// once in the assignment picker, tags, saved responses only where the
// platform has them); a key for something the platform cannot do says so
// in words. A conversation the agent may not write to (read-only) says
// why in the composer and on the reply key, before they type. Every Core call runs in a command, never in
// Update: no SQLite read or write happens inside Update (drafts are
// flushed by a command after the update that left the composer).
//
// Commands get the App's context, cancelled at quit and at an account
// switch, so a bulk action or a read in flight stops with the inbox. The
// engine's changes reach the program through App.Listen, a relay main
// runs beside the program (tests call App.PendingChanges instead); Close
// ends both. Timers go through Deps.Tick, so tests fire none.
//
// Triage (triage.go): the thread follows the list's cursor once it rests
// (a preview, dropped when the cursor moved on; not opened, so not marked
// read, until the agent goes into it); an action on the open conversation
// moves on to the next row; u takes back the last move or assignment for
// undoWindow (state.UndoOf works out how, where the platform can). The
// mouse (mouse.go) focuses, selects, opens and scrolls the pane under it.
//
// The supervisor board (board.go) is a dialog the size of the screen
// over state.Board: read when it opens, on the changes and the minute, a
// read at a time. It does no IO: its row actions (reassign, mark, list,
// undo) are actions the root carries out with the inbox's own machinery
// — the assign picker, applyTo, the marks, the views — so closing it
// leaves the inbox exactly as it was; mbx board starts on it (Deps.Board;
// under a login prompt already open).
//
// Rescue (rescue.go): the Rescue view lists windows lost while the
// customer waited; its bulk send reuses the template picker and form (a
// rescue's: the name fields take {name} or {first_name}, filled per
// conversation by state), then a dialog shows the dry run
// (Core.RescuePlan, which sends nothing) and, confirmed, the real run's
// results (Core.RescueSend, exactly once through the outbox), its
// progress in the status bar. Snooze (snooze.go): a small dialog of
// presets and a typed time or duration, which says when the conversation
// will wake (state.PlanSnooze, capped by the window); the Snoozed view
// shows each row's wake time in place of its window badge; the minute
// tick wakes those due. Rescue and Snoozed show in the sidebar while they
// hold conversations, as Failed does.
//
// Where the agent was (view, cursor, open conversation) is kept through
// Core.SetUIPlace, at most once a second and at quit, and restored at the
// next start unless a key came first (place.go).
//
// # Failed replies and collisions
//
// The retry key acts on the newest failed reply of the conversation in
// reach (the open one from the thread, else the one under the cursor),
// and the thread says so under that reply; the Failed view (a state.View
// over the outbox, in the sidebar while it has rows) lists each
// conversation with a failed reply and why. A retry is looked for on the
// platform before it is sent again (Core.Retry); a freeform reply whose
// window closed opens the template picker instead, in its place, the
// failed text offered as the first free value (failed.go). A reply is
// checked against what the agent saw when they opened the conversation
// (threadView.seen): another agent's reply or a reassignment since, and
// the send waits for one key, send anyway or look first, the text kept
// (sendguard.go; keys typed before the prompt showed never answer it).
//
// # Sections and queries
//
// Deps.Sections are the config's [[sections]]: a name and a parsed
// state.Query with its order. The sidebar lists them under the views
// (folders.go, entrySection, keyed by name so the place kept comes back
// to them) with the same unread/total counts; chosen, the list shows
// state.View{Query, Me} like any view, reloaded each minute since
// window: and waiting: follow the clock. The sidebar scrolls to keep its
// cursor in sight when the entries outgrow it. The / box takes a query
// when the text starts with a key (state.LooksLikeQuery): its first
// conversations are the hits, so enter opens one and the mark-matches key
// marks them all; a bad query shows the parser's words (commands.go).
//
// # The list's rows
//
// A row reads as in WhatsApp (convlist.go): the name, the window and the
// time; then the saved draft ("Draft: …", warning style) or the last
// message — ours with its tick and "You:" only when the logged-in agent
// sent it, another agent by first name, nobody when the platform does not
// say (state decides, by SenderOwnership) — and the tags and assignee. A
// list that mixes several accounts (WhatsApp numbers) names each row's in
// a few letters. The sidebar counts unread/total. The unread keys live in
// unread.go: a view's unread only (said in the list's title), the next
// unread (wrapping, said), mark unread (kept by the store until opened).
// Under NO_COLOR the cursor row is the one with › on both lines, unread
// rows have ●, the active folder ▸ and the focused pane a heavy border.
//
// # Routing
//
// Update is a type switch that routes: keys and pastes to the top dialog
// or else the panes (handlePaneInput: composer, then global keys, then
// the focused pane), results of dialog commands to the dialog that asked
// (dialogMsg), facts (lists, threads, changes) to their handlers.
//
// # Dialogs on a stack
//
// Help, search, the template picker and form, the assignment picker,
// the conversation's tags, the saved responses and the attach-a-file
// prompt (from the composer), the conversation's files, contacts, login,
// the account picker, "Which of these is you?" (whoami.go) and the
// question about a reply whose send was lost (uncertain.go), the
// collision prompt before a reply is sent (sendguard.go), and bulk
// work's results panel, message log and question before a reassignment
// of conversations changed since they were marked (bulk.go) implement
// dialog (dialog.go). Search (search.go) has one mode: each key refines
// the query (a search per key, the next cancelling it) or moves through
// the hits; enter opens the highlighted hit, waiting for the hits of what
// was typed if they have not come, and the thread is read back to the
// message found, scrolled there and marked (threadmark.go), keys for it
// waiting meanwhile. After an empty result letters keep typing; the next
// / starts from the last query, selected. A
// dialog is pushed the moment its key is pressed and reads its data
// meanwhile, showing "Reading …". While a dialog waits (for its data or
// for an answer to what it asked), keys and pastes are kept in order and
// replayed when the wait ends, to whatever is on top then: `a` `sam`
// `enter` `j` assigns to Sam and moves the list, whatever the order in
// which the terminal and the store answer. A dialog returns an action
// (chooseAssignee, submitTemplate, closeDialog, …) that the root carries
// out synchronously, so the next key already goes to the right place.
// The close key abandons a wait that can be abandoned (a load); one that
// cannot (a template or a password on its way) keeps the keys.
//
// # Keys
//
// KeyMap (keys.go) groups every binding by context: panes, global,
// dialogs (close, choose, move, fields, options), contacts, composer.
// main fills it (keymap.go: defaults and [keys] overrides). No update or
// view code matches a literal key, and every hint is drawn from the
// bindings (hint, keyName), so a rebound key is rebound in its hints too.
//
// # Hooks and desktop notifications
//
// hooks.go turns the engine's changes and the minute tick into hook
// events (a customer message, an assignment to the agent, a window about
// to close while the customer waits, a failed reply), each once: what was
// true when the engine first came online (every inbox conversation and
// whose it is, those whose assignee is not known yet, the failed
// replies) is read first and is not news; a conversation that comes
// later with the history, or whose assignee the store learns for the
// first time, is no assignment, nor is one the agent makes to
// themselves; a window is told of once per conversation and window end. Each event's command runs through
// Deps.Hooks in a command of its own (main's hooks.go: argv, JSON on
// stdin, timeout, four at once and a bounded queue), never in Update; a failure
// flashes. desktop.go writes OSC 9 or OSC 777 through tea.Raw (wrapped
// for tmux), rate-limited, its text sanitized and stripped of ';'.
//
// # Text
//
// Every string from a customer or the server is drawn through state's
// sanitizer (line, and state.Sanitize for blocks). Inputs have a steady
// cursor: a blinking one would redraw twice a second over SSH.
package ui
