// Package state is mbx's domain: the model, the store on disk, the sync
// engine, drafts and the outbox. It knows no platform and no UI: it talks
// to a platform through Backend (api/msgboxx implements it) and tells the
// UI what changed through Subscriptions. It imports the standard library
// and the SQLite driver only.
//
// # The core and the capabilities
//
// Backend is the small core every platform provides:
//
//   - Me: the logged-in user, from documented data only, or a zero User
//     when the platform cannot tell (identity.go). The engine asks after
//     each reference refresh and records the id, so "assign to me" and
//     the Mine view work offline at the next start too. The config file's
//     user_id wins over it; when neither says, the agent is asked once
//     ("Which of these is you?", ChooseMe) and the answer is remembered
//     per account.
//   - Reference data: Accounts, Users, Teams, Templates, Contacts.
//   - Messages: the messages since a point (narrowed to an account, a
//     contact or a conversation), page by page in any order. A page may
//     carry the metadata of its conversations (Batch.Conversations), which
//     a platform with a conversation list has; otherwise the engine reads
//     it with ConversationMeta.
//   - History: one page of a conversation's history before a time.
//   - Message: one message again, to follow its status.
//   - Send: an Outgoing, either text or a TemplateRef {ID or Name,
//     Language, Params in order} with the rendered text beside it for
//     local display and for recognising the platform's copy. The answer
//     is the platform's message, or an accepted send with no message yet.
//   - Assign: an optional user plus an optional team.
//
// Anything else is an optional capability: a small interface the backend
// implements or not, detected by type assertion. Engine.Capabilities
// (CapabilitiesOf) sums them up for the UI, which shows only what the
// platform can do; the engine refuses the rest before any request, with
// an *InputError in words ("The platform cannot …").
//
//   - FolderMover (Capabilities.Folders; msgboxx): inbox, archive and
//     spam. UpdateConversation moves and assigns in one request, and the
//     engine sends every conversation change through it.
//   - Resolver (Resolve; get.chat): resolve and reopen. The store files a
//     resolved conversation in FolderArchive, so the views, counts and
//     Change{Folder} work unchanged: archive resolves, inbox reopens,
//     spam is refused.
//   - ConversationTagger (Tags): Engine.SetConversationTags, which stores
//     the tags once the platform accepted them (and publishes the
//     change). The store keeps each conversation's tags
//     (Conversation.Tags, migration 4), filled from Batch.Tags in the
//     same transaction as the batch's messages and metadata; a platform
//     without conversation tags never sets it and they stay empty.
//   - SavedResponder (SavedResponses): Engine.SavedResponses. The agent's
//     own file (Config.Responses, a LocalResponses) adds to them and gives
//     the capability to a platform without any (msgboxx); with none in
//     either the error is a NoSavedResponsesError saying where to write them.
//   - ContactEditor (ContactEditing; msgboxx): CreateContact,
//     UpdateContact, ContactByNumber, behind Engine.CreateContact (which
//     needs only the first and the last) and Engine.SetContactTags (the
//     last two). The flag is set when either part is there.
//   - Unassigner (Unassign): Change{Unassign: true}, on its own.
//   - UserAndTeamAssigner (UserAndTeam; get.chat): a conversation has a
//     user and a team at once; assigning one keeps the other. Without it
//     assigning a user clears the team and the other way round, and a
//     Change naming both is refused.
//   - EventStreamer (PushedEvents; get.chat's websocket): while Run runs,
//     pushed batches are applied as they come. The stream says it is up
//     with a Batch.Connected; the engine then polls once to catch up by
//     since-time and, once that succeeded (ConnStatus.Streaming), makes
//     no periodic message polls and no status follow-ups (both are
//     pushed; pushed messages move the cursor): only conversations left
//     without metadata and reference data every RefreshEvery, besides
//     the outbox. SyncNow still polls. After a break it polls again at
//     the usual pace at once, reconnects with a backoff, and catches up
//     after the next Connected (following every unfinished status once).
//   - TemplateFollower (TemplateFollowUp; msgboxx broadcasts): a send
//     accepted before it is a message comes with a token (Sent.FollowUp,
//     kept in the outbox) that the outbox follows; FindSend finds such a
//     send when reconciling an uncertain one. The platform's own words
//     for it (a broadcast) stay in its package.
//   - ReadMarker (ServerUnread; get.chat): the platform keeps unread
//     counts. Its batches carry them (Batch.Unread), which replace the
//     stored count after the batch's messages (later customer messages
//     count on locally). Service.MarkRead clears the count in the store
//     at once and the engine tells the platform in the background
//     (MarkRead up to the last customer message; never blocking the
//     caller; a failure is logged); a count that arrives while that mark
//     is on its way is not taken, as it may predate it.
//   - MediaFetcher (Media; get.chat): messages' files (Message.Media: a
//     kind, the platform's opaque reference, name, type, size once
//     known). SaveMedia writes one into the download directory under a
//     safe new name (SafeFileName; never overwriting; 0600) and keeps
//     its size. Only pictures, sound, video, PDF and text may be handed
//     to the desktop's opener (Openable): never what a desktop might run.
//   - FileSender (Attachments; get.chat): Outgoing.File, a reply with a
//     file and the text as caption. SendFile checks it (a regular,
//     non-empty file within the platform's MaxFileSize) and copies it
//     beside the store (<store>.files/) before queueing, so moving the
//     original, a crash or a retry loses nothing; the copy goes once
//     the reply is sent. Bodies of media messages are MediaLine on every
//     platform, so a sent file and the platform's copy read alike.
//   - InboxLister (msgboxx) and PlatformNamer ("msgboxx" instead of "the
//     platform" in the few messages that name it) are minor ones the UI
//     needs no flag for.
//
// Who may write to a conversation: Backend.Me's answer carries the
// user's WriteScope (all, assigned to them, assigned to them or their
// team, none; get.chat: a regular user writes only to chats assigned to
// them). The engine records it beside the user's id (session meta, so it
// holds offline at the next start) and publishes a list change when it
// moves; every read of the store judges each conversation by it and the
// conversation's assignee (writerule.go): Conversation.ReadOnly with
// ReadOnlyWhy in words ("Only the assignee can write here: assign it to
// yourself first"). A conversation started here ("new:") is never
// read-only, nor is any while the user is unknown: the platform decides.
// Send and SendTemplate refuse a read-only conversation before any
// request with an *InputError carrying those words; assigning it to
// oneself makes it writable at once.
//
// Who may take a conversation is the platform's data, read with a neutral
// rule: a user works in User.AccountIDs, a team serves Team.AccountIDs
// (all accounts when it lists none); each adapter fills them as its
// platform links users and teams to accounts (Engine.Assignees).
//
// Taking a change back (undo.go): UndoOf works out, from the
// conversations as they were before a move or an assignment, the changes
// that put each one back — its folder; its person and team, or nobody —
// as Apply steps, an unassign first where a platform that keeps a person
// and a team at once needs one cleared. Where the platform cannot go back
// (no Unassigner for a conversation nobody had, no spam folder on a
// Resolver) it says so and nothing is offered.
//
// # The UI's façade
//
// Service (service.go) is what the UI works through, as ui.Core: the
// store's reads and the engine's writes for one account. Every write it
// serves is published as a change (MarkRead included, so a conversation
// opened shows read in every list and count; a read that changes nothing
// publishes nothing, so a list that reloads on a change cannot loop).
// Subscription.Poll takes what was published without waiting, for tests
// that drive the UI step by step.
//
// Marks for bulk work (marks.go) are MarkRefs: an id with the assignee and
// the last reply of ours when marked, never a whole row, so a view of
// 100k conversations is marked with one read (ViewMarkRefs) and the UI
// keeps a set of ids. MarkRefs reads them again before a bulk
// reassignment, and MarkRef.Changed tells which were reassigned or
// answered since. Tally and Outcome word a bulk action's results for a
// status bar and for a list of every conversation with its reason.
//
// # Store
//
// One SQLite database per account (modernc.org/sqlite, pure Go), at a path
// main resolves under the XDG state directory: WAL, a busy timeout,
// migrations numbered by PRAGMA user_version, full-text search with FTS5
// (unicode61, remove_diacritics 2: "cafe" finds "café") over message
// bodies, contact names and numbers, and each conversation's name, number
// and last message (conversations_fts, for a query's free words). Reads
// for the UI are pages ordered in SQL. Each connection caches up to
// 32 MiB of pages. The directory is 0700 and the file 0600: it holds customer data.
//
// # The list's rows
//
// ListConversations reads, with each page of a view, what a WhatsApp user
// expects of a row: the last message's status when it is ours (the tick,
// Conversation.PreviewStatus), who sent it (PreviewMine when the
// logged-in agent did: sent from here, or the platform's sender name
// proves it by SenderOwnership; otherwise PreviewBy, the sending agent's
// first name), and the first line of the saved draft (Draft). The last
// message and the draft are found by unique indexes (preview_key, the
// drafts' key), a few lookups per row of the page only.
//
// Unread: a conversation shows unread while Unread > 0 or the agent
// marked it unread (MarkUnread, Conversation.MarkedUnread). Neither
// platform has a "mark as unread" call, so the mark is kept only in the
// store (conversations.marked_unread, migration 7) and nobody else sees
// it; opening the conversation (MarkRead) clears it, and a platform's
// unread count (ReadMarker) never touches it. View.Unread narrows any
// view to unread conversations: those lists walk a partial index of the
// unread rows (conversations_unread); their counts (the sidebar's
// "3/193") add up a few rows of conversation_counts, whose u column
// triggers keep as rows become unread, read or move. NextUnread finds
// the next unread row after the cursor's in the view's order.
//
// # Sync
//
// The sync assumes the least a platform gives: messages (which name their
// conversation) and a per-conversation lookup of folder and assignee
// (msgboxx has no conversation list; a platform that has one puts the
// metadata in its pages and skips the lookups). So:
//
//   - First start, newest first: accounts, inboxes, users, teams,
//     templates and the current user, then the last hour of messages and
//     the folder and assignee of the conversations they name
//     (MetaConcurrency at a time): the inbox is usable (online, at 100,000
//     conversations in about a second) and polls start from the cursor.
//     The history then fills in behind, one step a round with a poll in
//     between when due: conversations still without metadata (500 at a
//     time, newest first), else the next older window (the rest of the
//     last day, then a day at a time back to HistoryDays), else the
//     contacts, which end it. The store keeps a floor (sync.floor) below
//     the cursor: every message from the floor up to the cursor is
//     stored. A window moves the floor to its start only once all its
//     pages are stored, so a failure at any page of any window reads that
//     window again and loses nothing, in any page order; the history's
//     customer messages are not news (no Changes.Inbound). The status
//     bar reads "loading history: N of 7 days" meanwhile (ConnStatus.Progress
//     beside Online). SyncOnce makes every step at once.
//   - The cursor (the newest message seen) moves only when a whole pass
//     has succeeded, since pages may come in any order: a pass that fails
//     half-way is read again from where it started (messages already
//     stored are skipped). A platform that pages oldest first may promise
//     it (Batch.Through), and then an interrupted pass keeps what it
//     finished.
//   - A malformed item never stops a sync: a message without a platform
//     id is skipped by the engine, and an item the platform package
//     cannot decode or validate is skipped there (ReportSkipped); each is
//     logged with its page and position (sanitized) and counted in
//     ConnStatus.Skipped, which the status bar shows ("1 item skipped
//     (see log)"). The rest of the page and the sync go on.
//   - Then (unless an EventStreamer's stream is live: see above) a poll
//     every Poll (5 s; IdlePoll, 10 s, after IdleAfter without news, so a
//     customer's reply shows within 10 s at 6 polls a minute;
//     exponential backoff with jitter up to MaxBackoff while offline)
//     for messages since the newest seen minus Overlap (2 min, for clock
//     skew and late writes), de-duplicated by message id. An idle poll is one
//     request.
//   - Folder and assignee are fetched only for conversations that are new
//     or just got a customer message (the platform moves an archived
//     conversation back to the inbox when the customer writes), and for any
//     left unknown by an interrupted run. An assignment made elsewhere shows
//     when the conversation next changes or is looked up.
//   - Outgoing messages that are neither read nor failed are re-read until
//     final or StatusMaxAge (24 h) old, each less often as it ages
//     (every max(StatusEvery, age/8)): a customer who never reads costs a
//     few requests a day, not one per poll. When each was last asked is
//     kept in the store (messages.status_checked, migration 6), so a
//     restart asks only for those due. At most StatusBudget (60) a minute
//     in any minute, 6 while idle (an idle inbox stays within 12 requests
//     a minute); half of a round's share goes to the newest due, half to
//     those waiting longest, so a message just sent is never behind a day
//     of older ones and every message gets its turn (2,000 unfinished:
//     60 reads at a start instead of 500).
//   - Reference data is re-read every RefreshEvery (5 min).
//   - Every change is published as ids (Changes), coalesced while the UI is
//     busy; the connection status (online, syncing, offline until T, login
//     required; the last error in words) is read with Engine.Status.
//
// # The 24-hour window
//
// WhatsApp allows freeform replies until 24 hours after the customer's last
// message; afterwards only approved templates. Expiry = last inbound
// message time + 24 h, recomputed as messages arrive. A conversation with no
// customer message in the synced history counts as closed. Open with under
// ClosingSoon (2 h) left is "closing"; the Closing soon view lists those
// whose last message is the customer's, most urgent first. Time is always
// passed in (WindowAt(expiry, now)).
//
// # Rescue
//
// View.Rescue lists the folder's conversations whose window closed while
// the customer waited: last_inbound > last_outbound and now − last_inbound
// ≥ WindowLength, most recently lost first (a walk of the closing index
// backwards). RescuePlan is the dry run of a bulk template send: for each
// conversation the template of the chosen name in its own account, the
// values with {name} and {first_name} filled from the contact (sanitized),
// and the message as it will be sent — or why it is skipped: answered
// since, the window open again, a contact without a number, no approved
// template of that name in the account, a name placeholder with no name,
// a value that fails ValidateParam, read-only, or an outbox item created
// after the customer's last message. That last rule makes it exactly
// once: RescueSend judges each conversation again as it comes, one run at
// a time, and queues through SendTemplate, so the queued outbox item is
// the record — a rerun after a crash (or a second run) finds it and skips
// the conversation; and its local message makes our message the last,
// which takes the conversation out of the view.
//
// # Snooze
//
// A snoozed conversation (conversations.snoozed_until ≠ 0) leaves every
// view and count but Snoozed until it wakes. The count triggers file it
// under the folder key 'snoozed' in conversation_counts, so counts stay
// equal to the lists; the list indexes carry snoozed_until after their
// equality columns and every view reads "snoozed_until = 0". PlanSnooze
// caps the wake time: while the window is open and the last message is the
// customer's, it wakes SnoozeMargin (30 min) before the window closes, so
// the agent can still answer with free text; inside the margin it refuses.
// "Until the customer writes" (snooze_reply) stores that cap, or a time
// beyond any clock (SnoozeForever) when nothing caps it. It wakes: when a
// newer customer message is applied (in the same write as the message),
// when WakeDue(now) finds it due (the UI's minute tick), or by Unsnooze.
//
// # Message statuses
//
// Pending → Sent → Delivered → Read, or → Failed with a reason. A status
// never moves backwards, whatever order the platform's answers arrive in;
// Failed outranks everything. Inbound messages carry no status.
//
// # Outbox: exactly once, from the agent's point of view
//
// States: queued → sending → sent; sending → uncertain → (found: sent |
// not found: queued); any → failed (text kept, Resend puts it back);
// failed → uncertain (Retry); failed → replaced (ReplaceWithTemplate).
//
//   - Send writes the outbox item and a pending local message in one
//     transaction, before any request, and clears the draft.
//   - Before the request the item is marked sending, durably. A process
//     killed mid-request finds it so at start and reconciles.
//   - Success: the local message takes the platform's id (if the sync saw
//     the platform's copy first, the two rows become one).
//   - A definite refusal (4xx, the window closed) fails the item with the
//     platform's words.
//   - No connection, a 429, or a 401 (nothing was done): queued again with
//     backoff.
//   - An ambiguous failure (timeout or reset after the request left, a 5xx
//     to the POST, an unreadable success): uncertain. Reconciling reads the
//     contact's messages since the item's creation minus 5 minutes (clock
//     skew) and claims only a copy that is provably the agent's own: a
//     platform message with the same body, outbound, in the same
//     conversation, not already claimed, whose sender is the logged-in
//     user (SenderOwnership: the platform's sender name is the name of
//     the user SetMe recorded and of no other user). The same rule runs on
//     every sync (ApplyMessages attaches such a copy as it applies it), so
//     a reply whose answer was lost is recognised as soon as it is seen.
//     On a TemplateFollower, templates are also looked for among the
//     platform's accepted sends (FindOwnSend, else FindSend; msgboxx: the
//     contact's broadcasts, other items' tokens excluded, judged by their
//     message's sender).
//   - Decision — never a silent ✓✓: a copy whose sender the platform's
//     records cannot tell (no sender given, a name two users share, a name
//     no known user has, the agent's own id or name unknown) is not taken.
//     The item stays uncertain with the reason QuestionNotSure, its local
//     message pending, and the agent answers (Engine.Questions, SendAgain,
//     WasSent; the UI asks "Not sure this reply was sent"). Meanwhile it is
//     looked for again every 30 s to 10 min (a copy proven the agent's
//     later still claims it) and the contact's later replies wait behind
//     it, in order. "It was sent" claims the oldest copy that may be it
//     (never one provably a colleague's) or, with none stored, shows the
//     reply sent without a platform id. Copies provably a colleague's do
//     not count: with only those, the request did not arrive.
//   - Only when nothing that may be the item's is found is it sent again.
//     (The platform has no idempotency key: a request the platform acts on
//     after we concluded it had not arrived would still give two copies;
//     reconciling after the connection is gone makes that window as small
//     as the API allows.)
//   - Items of one contact go in order: a later reply waits for an earlier
//     unfinished one.
//   - A queued reply whose window closed meanwhile (offline for hours)
//     fails with that reason instead of being refused by the platform; its
//     text is kept.
//   - Failed replies are the agent's to settle: FailedReplies lists them
//     (View.Failed lists their conversations, in every folder). Retry puts
//     one back as uncertain, due now, its message pending: the outbox
//     reconciles it first, exactly as a send whose answer was lost — a
//     copy provably the agent's settles it sent, one nobody can tell is
//     theirs asks the agent, and only when nothing may be it is it sent
//     again (a refusal the platform acted on anyway never becomes two
//     copies). Retry refuses a freeform reply whose window has closed
//     (ErrWindowClosed, nothing changed) and a read-only conversation.
//   - ReplaceWithTemplate sends a template in place of a failed reply (its
//     window closed): the template item is queued and the failed one
//     becomes replaced in one transaction — settled, never sent, its
//     message kept, failed, with the reason "not sent — replaced by the
//     template …". A replaced item is never retried or replaced again.
//   - Templates: the item keeps the template's reference — id, name,
//     language — and its placeholder values in order (Params[i] fills
//     {{i+1}}), as well as the filled text, and the backend gets an
//     Outgoing built from them (OutboxItem.Outgoing; items queued before
//     migration 3 have only the id and the text). A TemplateFollower may
//     accept a send before it has a message: the item keeps the token
//     (OutboxItem.FollowUp) and follows it, less often as it waits. On a
//     platform without that capability a send answered without a message
//     is treated as uncertain and looked for before any repeat.
//
// # Collision guard
//
// The UI keeps a Glimpse of a conversation when the agent opens it (its
// newest message and assignee: GlimpseOf) and, before a reply is queued,
// asks CollisionSince what the store — kept current by the sync engine —
// holds now: outbound messages after the glimpse that are not provably
// the agent's (SenderOwnership; the agent's own outbox replies never
// count), and whether the assignee changed. Any of them and the send
// waits for the agent's word (send anyway, or look first with the draft
// kept). The store knows who is assigned, not who assigned: the words
// say to whom, not by whom.
//
// # New conversations
//
// This part is neutral: any platform that creates a conversation only
// with the first message to a contact and names it itself fits it (on
// msgboxx that first message is always a template; a platform whose
// conversation ids are known in advance simply never sees a "new:" id
// outlive its first sync). The platform creates a conversation only with
// the first message or template to a contact. StartConversation gives a contact without one a
// conversation of mbx's own, id "new:" + account + ":" + contact
// (NewConversationID): inbox, unassigned, window closed, meta known (the
// platform is never asked about it), and not stored until SendTemplate
// writes its first template, which then shows, ticks and fails like any
// other. When the platform's copy of that message names the real
// conversation — the send's answer (CompleteOutbox) or a sync that saw it
// first (ApplyMessages) — everything of the "new:" conversation (messages,
// outbox items, the draft) moves there and the "new:" row is deleted
// (Changes.Rehomed names both ids); the real row is created if need be
// with its folder and assignee unknown, so the next sync reads them from
// the platform. The platform has one conversation per account and
// contact, so a real one always wins over a "new:" one (ConversationFor)
// and takes it in as soon as the store learns of it, even through a
// customer message. Assigning or moving a "new:" conversation is refused
// until then; a refused template stays in it, failed, with its reason.
//
// # Contacts
//
// Everything the agent types is checked before any request. Numbers
// follow one rule (phone.go), wherever they are typed — the new-contact
// form, a conversation started from it, the platform clients' contact
// requests (msgboxx's LooksE164 is IsE164): NormalizeNumber takes "+44
// 7902 111123", "+44 (0)7902-111123" or "0044 7902 111123" and gives
// E.164 ("+447902111123"). The country code is required (+ or 00); spaces
// and - ( ) . / separate digits; a letter, a line break, any other control
// character or an invisible or bidirectional one is refused, named in the
// error. The shape is all that is checked: MinNumberDigits (7) to
// MaxNumberDigits (15) digits, the first not 0. Whether the number exists
// is the platform's call (its reference's own example, +4479051337665, is
// a digit long for a UK mobile): libphonenumber only drops a trunk prefix
// ("(0)") and never refuses. Names: trimmed, one line, no control or
// bidirectional characters, at most 255 characters. Tags: trimmed, empty
// ones dropped, duplicates in any letter case dropped (first spelling
// kept), at most 50 characters each and 20 in all (the platform's limits).
// A number the account already has is a ContactExistsError carrying that
// contact (from the store, else looked up on the platform) to open
// instead. SetContactTags reads the contact from the platform just before
// replacing it, since the store may not know every field.
//
// Searching contacts (SearchContactsContext, one search per key in the
// contacts panel, each cancelled by the next through its context) is
// bounded to a frame at 100,000 contacts (BenchmarkSearchContactsPerKey):
// a run of under five digits is a substring test on the newest contacts'
// numbers before the full-text index is asked (whose number tokens make
// such a prefix expand to tens of thousands), and more than 300 matches
// are listed newest first instead of ranked (contacts.go).
//
// The agent's / (Search, store_search.go) is over the local store, the
// same on every platform: first the conversations of the contacts whose
// name or number matches (the contacts search above, at most 20; a query
// that is only a phone number, written with spaces, dashes, dots,
// parentheses, + or 00, is one run of digits, the numbers ending with it
// first), then the messages holding every word, newest first. Each
// message hit says whether the logged-in agent sent it (Mine: from here,
// or by SenderOwnership), so the UI says "you" for them only.
//
// # Drafts
//
// One per conversation, written behind the typing in two steps. Each
// change goes at once to the draft journal: a file per conversation
// beside the database (its path + "-drafts"), written under a temporary
// name and renamed over, with no database lock — so a draft is durable
// within a file write of the keystroke even while a sync holds the
// database (a kill -9 loses at most the last few milliseconds of typing;
// the journal is not fsynced: it guards against a killed process, not a
// lost machine). Then the database: the first change at once, the changes
// made during a write together by the next one, at least DraftDelay
// (20 ms) later, so a paste of any length costs a few writes; at once on
// FlushDrafts and at shutdown. A journal file goes once the database
// holds its version (versions are the times of the changes, strictly
// increasing). Before the first draft is read or written, the journal a
// killed process left is folded into the database (a version later than
// the row's wins; a "new:" conversation's goes to the platform's if it
// has one). Sending clears the draft in the same transaction as the
// outbox item and then its journal file; no pending draft write can bring
// it back, and a journal file that outlived the send (a kill in between)
// is recognised by the reply's text in the outbox and dropped.
//
// # Templates
//
// Placeholders are {{1}}, {{2}}, …; spaces inside ({{ 1 }}) are tolerated;
// {{0}}, leading zeros, words and an unclosed {{ stay literal text and are
// reported as problems; a placeholder used twice is one value; gaps are
// reported but the present values are still asked for. Hints come from the
// example's [bracketed] values in occurrence order; a hint after a greeting,
// or of one or two capitalised words, suggests the contact's name. Values
// (ValidateParam): not empty; no line break of any kind (\n, \r, U+2028,
// U+2029, NEL), no tab, no other control character (NUL, ESC, C0, DEL,
// C1) and no bidirectional control (ParamCharError names the character;
// the template form checks typed and pasted text with it before it goes
// in, and keeps what was there); no "{{" or "}}" (the platform would take
// it for a placeholder); no run of more than four spaces; at most
// MaxParamLength characters; the filled text at most MaxMessageLength.
//
// # Queries
//
// One language chooses a set of conversations everywhere: the config's
// [[sections]], mbx list --query and the / prompt. ParseQuery makes the
// tree (Query: QueryTerms in the order written) and checks every value;
// a View with Query set compiles it, at each read, to a WHERE clause over
// the conversations table with every value a parameter (query.go), so
// ListConversations, CountConversations, IndexOf, NextUnread and
// ViewMarkRefs take it as they take a built-in view. No migration: the
// terms are conditions on existing columns.
//
// Words are separated by spaces and all must hold; a leading '-' negates
// one. A value with spaces is quoted whole: team:"Night Shift",
// assignee:@"Ana Lima". Keys and the fixed values are case-insensitive.
//
//	folder:inbox|archive|spam|any   the folder ("any": every folder)
//	status:open|resolved            get.chat's words: open is the inbox, resolved Archive
//	assignee:me|none|@name          me: View.Me (the engine's Me); none: no agent;
//	                                @name: an agent by full name, first name or id
//	team:name|none                  a team by name or id; none: no team
//	tag:name                        a conversation tag (get.chat), any case
//	window:open|closing|closed      open: the window is open (closing ones too);
//	                                closing: the Closing soon view exactly (under
//	                                2 h left and the last message the customer's);
//	                                closed: no freeform reply possible
//	unread:yes|no                   unread or marked unread, as the counts read it
//	waiting:yes|no|>D|<D            the customer's last message is unanswered
//	                                (last_inbound > last_outbound), for longer (>)
//	                                or shorter (<) than D: 30m, 2h, 1h30m, 2d
//	account:name                    an account by name, id or phone number
//	snoozed:yes|no|any              snoozed conversations (snooze.go) are in no
//	                                query unless it has this term: yes only them,
//	                                any both (counted over the table, not
//	                                conversation_counts)
//	word                            starts a word of the contact's name or of the
//	                                last message's preview, any case and accents
//	                                ("joao" finds "João", "refund" "Refunded");
//	                                a word of one letter matches only itself; a
//	                                word of digits and phone punctuation is a run
//	                                of the number's digits, leading zeros left out
//	                                ("111-123", "07902" and "+44" find
//	                                "+447902111123"), or the word as typed in
//	                                the preview ("2024-05-01"); a quoted "ana silva" needs
//	                                both words; a word with no letter or digit
//	                                ("%", "?") is looked for as written
//
// A query without folder: or status: looks in the inbox, as the views do
// (folder:any for all). Names are resolved in the SQL, so a team synced
// later is found without parsing again; unknown agent, team or account
// names select nothing, and Query.UnknownName (Store.CheckQueryNames)
// says which word names nobody, with names it knows — once the store
// knows some of that kind (before the first sync it cannot tell). Errors are *QueryError: the word, its column and what
// would be valid there ("window:soon" at column 1: window: is open,
// closing or closed).
//
// The built-in views are queries: Inbox folder:inbox, Archive
// folder:archive, Spam folder:spam (get.chat: Open status:open, Resolved
// status:resolved), Mine folder:inbox assignee:me, Unassigned folder:inbox
// assignee:none team:none, a team's view folder:inbox team:NAME, Closing
// soon folder:inbox window:closing sorted by window (TestBuiltinViewsAsQueries
// checks the same rows, order and counts).
//
// A Query's order (Query.Sorted): activity (the views' order, the
// default), window (open windows closing first, then the closed by
// activity) or waiting (the longest-waiting customer first, then the rest
// by activity); ties by id. window: and waiting: are measured from
// View.Now at each read, so counts follow the clock.
//
// Cost at 100k conversations (BenchmarkSectionCount, BenchmarkQueryPage):
// a query of folder, assignee and team terms (and unread:yes) is counted
// from conversation_counts, as the views are; waiting terms repeat the
// WHERE of the partial index conversations_closing so that it is walked;
// a window or waiting sort over rows that all have an open window or all
// wait is last_inbound itself, read in index order.
//
// Free words go through conversations_fts (migration 9: the contact's
// name, the number's digits and every suffix of them, the preview;
// contentless, kept in step by the store's code, not triggers: see
// reindexConversations). Store.plan first counts the conversations
// matching the positive words (one index read, capped): when they are
// few (12,000 for a count or a position, 1,000 for a page) the rows are
// read through them (FROM conversations NOT INDEXED: rowid lookups of
// the matches only); else the view's index is walked in order and each
// row tested against the words, which finds a common word's first page
// early. A negated word is always such a test.
//
// # The supervisor board
//
// Store.Board (board.go) sums the open conversations (folder inbox, which
// is get.chat's open) by agent, by team and for nobody, in one scan of
// the conversations table: open; waiting (last_inbound > 0 and
// last_inbound >= last_outbound, as Closing soon reads "the customer's is
// the last message") with the oldest such last_inbound; closing (the
// window's end, last_inbound + 24h, in (now, now+2h) for a waiting
// customer); lost today (that end in [local midnight, now] for a waiting
// customer); and the hour of each conversation's latest customer message
// over the last BoardHours hours. A conversation with an agent and a team
// is in both rows, once in Board.Total. No index serves it without a
// lookup of every row: the scan in table order with the sums in Go is
// the fastest read the schema allows (BenchmarkBoard, 100k
// conversations). BoardIDs are a row's open conversations, the longest
// waiting first: what the board reassigns.
package state
