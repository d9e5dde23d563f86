// Package sandbox is an in-process implementation of the msgboxx public REST
// API (https://api.msgboxx.io), built from the msgboxx API reference, the
// "Send Message" walkthrough and the public API overview. It serves the same
// routes and JSON shapes, including the reference's quirks, over plain
// net/http, so that a client can be developed, demonstrated and tested
// without the real service. Data is in memory, deterministic from a seed,
// and relative to the sandbox clock.
//
// The sandbox has its own wire structs on purpose: it does not share types
// with the client, so the client's tolerance of the reference's quirks is
// really exercised.
//
// # Using it
//
//	s := sandbox.New(sandbox.Config{})      // demo data, real clock
//	srv := httptest.NewServer(s)            // or http.ListenAndServe(addr, s)
//	user, pass := s.Credentials()           // agent@demo.mbx / demo-agent-pass
//
// Config.Now makes the clock settable (tests pass a fake clock and move it);
// every time-dependent rule (token expiry, the 24-hour window, the default
// message window, status progression, broadcast queueing) reads it.
// Start starts the customer simulator when Config.Simulate is set; Close
// stops it. SetFaults injects failures; Stats counts requests; Receive,
// RevokeTokens, SetPassword, CountMessages and Snapshot are test hooks that
// do not go through HTTP. The package never logs.
//
// # Wire shapes (reproduced from the reference, quirks included)
//
//   - POST /oauth/token: {"access_token","token_type":"Bearer","scope":"api","expires_at"}
//     with expires_at RFC 3339 UTC in whole seconds (equal to the token's exp),
//     plus a refreshToken cookie (HttpOnly, Secure, SameSite=Strict).
//   - apiaccount: {"apiAccountId","phoneNumber","name","datetime"} — lower-case datetime.
//   - GET /inbox items: {"inboxId","apiAccountId","name","dateTime"}, but
//     GET /inbox/{id}: {"inboxId","name","apiAccountId","datetime"} — the
//     reference really uses dateTime in the list and datetime for one inbox.
//   - contact: {"contactId","mobileNumber","name","status","email","apiAccountId","datetime","tags"};
//     tags is always an array, never null; email is "" when unknown.
//   - message: the reference's shape plus "status" (Pending, Sent, Delivered,
//     Read, Failed), because the walkthrough documents a status string:
//     {"messageId","bodyText","apiAccountId","dateTime","conversationId","fileLocation",
//     "messageDirection","isTemplateMessage","isSent","isDelivered","isRead",
//     "contact":{"contactId","mobileNumber","name","status","apiAccountId"},
//     "senderFirstName","senderLastName","status"}. messageDirection is
//     "outgoing" or "incoming" (only "outgoing" is documented). The embedded
//     contact is the contact as it is now, not as it was when the message
//     was sent.
//   - broadcast: {"broadcastId","apiAccountId","contactId","messageId","message","status","dateTime"}.
//   - template: {"templateId","apiAccountId","status","name","templateText","templateExample","dateTime"}.
//   - GET /team is a bare JSON array of {"name","description","teamId",
//     "apiAccounts":[{"name","apiAccountid"}],"users":[{"firstName","lastName","userId"}]}
//     — note the lower-case "apiAccountid". A team with no apiAccounts is global.
//   - GET /user is a bare JSON array with one element per (user, linked api
//     account): {"user":{"firstName","lastName","userId"},"apiAccount":{"name","apiAccountid"}}.
//   - GET /conversation/{id}: {"user":{...} or null,"team":{"name","description","teamId"} or null,
//     "folder":"inbox"|"archive"|"spam"}; never both user and team.
//   - webhook: {"webhookId","type","targetUrl","isEnabled","failureCount","isZapier"}.
//   - Lists: {"items":[...],"paging":{"recordCount":N,"pages":P}}, 100 items
//     a page, even for api accounts, inboxes and webhooks ("all endpoints
//     support paging"). An empty list has "items":[] and pages 0.
//   - Timestamps: message dateTime looks like the reference's
//     "2024-04-30T14:03:25.06359+00:00": UTC, microsecond precision with
//     trailing zeros dropped (and no fraction at all when it is zero), and a
//     "+00:00" offset. Every other entity's date looks like the reference's
//     "2022-07-05T20:09:58.341Z": UTC, exactly three fractional digits, "Z".
//   - Errors: {"status":N,"error":"code","message":"what is wrong and what to do"},
//     Content-Type application/json. Codes: bad_request, unauthorized,
//     forbidden, not_found, method_not_allowed, conflict, payload_too_large,
//     window_closed, template_not_approved, rate_limited, server_error,
//     bad_gateway, service_unavailable, gateway_timeout.
//   - JSON is written by encoding/json with HTML escaping off: control
//     characters go out as \u001b and the like (correct JSON, decoding gives
//     the stored text back exactly); invalid UTF-8 in stored text becomes
//     U+FFFD, which is what encoding/json does and is accepted here.
//
// # Routes
//
//	POST   /oauth/token
//	GET    /apiaccount                 page
//	GET    /apiaccount/{id}
//	GET    /inbox                      page, apiAccountId
//	GET    /inbox/{id}, /inboxes/{id}  (the reference's example path is /inboxes/{id})
//	GET    /contact                    page, apiAccountId, mobileNumber, fromDate, toDate
//	POST   /contact
//	GET    /contact/{id}
//	PUT    /contact/{id}
//	GET    /conversation/{id}
//	PUT    /conversation/{id}
//	GET    /message                    page, apiAccountId, inboxId, contactId, conversationId, fromDate, toDate
//	POST   /message
//	GET    /message/{id}
//	GET    /broadcast                  page, apiAccountId, inboxId, contactId
//	POST   /broadcast
//	GET    /broadcast/{id}
//	GET    /template                   page, apiAccountId, name
//	GET    /template/{id}
//	GET    /team
//	GET    /user
//	GET    /webhook, /webhooks         page
//	GET    /webhook/{id}
//	POST   /webhook, /organisation     (the reference's example path is /organisation)
//	PUT    /webhook/{id}
//	DELETE /webhook/{id}               204, empty body
//
// A trailing slash is accepted. An unknown route is a 404 JSON error and a
// wrong method on a known route a 405 JSON error with an Allow header (GET
// routes also answer HEAD); both are decided before authentication. GET
// /inboxes (a list under the alias) is not a route. Unknown query
// parameters are ignored.
//
// # Authentication
//
//   - POST /oauth/token takes {"username","password"} and requires a
//     non-empty X-Calling-Application header, checked first (400 saying the
//     header is required). Wrong or missing credentials are a 400 "please
//     supply valid username and password", as the reference says (not 401).
//     Usernames are case-insensitive; passwords are not. Each successful
//     login counts in Stats.Logins.
//   - Tokens are HS256 JWTs with claims sub (the user id), name, iat, exp
//     and a random jti; they expire after Config.TokenLifetime (default 1h)
//     by the sandbox clock, with no leeway.
//   - Every other route needs "Authorization: Bearer <token>" (header name
//     and scheme case-insensitive). Missing, malformed, wrongly signed,
//     "alg: none", revoked or expired tokens are a 401 with a
//     WWW-Authenticate header. The reference lists "400 please supply a
//     valid JWT token" for most endpoints; the sandbox uses 401 for every
//     token problem. The overview's "Authorisation:" spelling is not read
//     (the 401 message says so).
//   - RevokeTokens rotates the signing key: every token issued so far stops
//     working, new logins work. SetPassword changes a password without
//     revoking tokens already issued.
//   - The refreshToken cookie is an opaque random value; the reference
//     documents no refresh endpoint, so the sandbox never reads it.
//
// # Rules
//
// Visibility.
//   - A user sees only the api accounts they are linked to, exactly as GET
//     /user lists them. Filtering a list by an unlinked apiAccountId is a
//     403 — and so is an apiAccountId that does not exist, so that
//     existence is not revealed. Fetching by id any resource (api account,
//     inbox, contact, conversation, message, template, broadcast) of an
//     unlinked account is a 404, exactly like an unknown id. A write naming
//     an unlinked (or unknown) apiAccountId in its body is a 403; a write
//     addressed by id to a resource of an unlinked account (PUT
//     /contact/{id}, PUT /conversation/{id}) is a 404.
//   - inboxId, contactId and conversationId filters that name something
//     unknown or invisible match nothing (200 with an empty list).
//   - GET /team and GET /user list the whole organisation ("all the
//     users/teams in the system"). Webhooks are organisation-wide: any user
//     can list, create, change and delete them (no administrator role is
//     modelled).
//
// Identifiers.
//   - Ids are lower-case UUID strings. Generated ones are version 4, drawn
//     from the seeded PRNG. Ids in paths and filters are matched
//     case-insensitively. A malformed id (not a UUID) in a path, a query
//     filter or a body is a 400; a well-formed unknown one is a 404 (path)
//     or matches nothing (filter).
//
// Paging and ordering.
//   - page is 1-based; missing or 0 means 1; negative or non-numeric is a
//     400. A page past the end has "items":[] with the true paging.
//   - Orders are stable: messages ascending by dateTime then messageId (so
//     paging forward from a fromDate stays stable while new messages
//     arrive), or with Config.Order "newest" (mbx sandbox --order newest)
//     the reverse, page 1 holding the newest: the reference gives no
//     order, and the client must not depend on one; contacts, conversations, templates, broadcasts and webhooks
//     by creation time then id (records created at the same instant are in
//     id order, not creation order); api accounts, inboxes, teams and users
//     in seeding order.
//
// Dates.
//   - fromDate and toDate accept RFC 3339 with or without a fraction, with
//     Z or an offset; a date-time without zone (taken as UTC, "T" or space
//     separated, seconds and fraction optional); or a date 2006-01-02
//     (midnight UTC). A '+' in an offset that arrives as a space (not
//     URL-encoded) is put back. Anything else is a 400 naming the accepted
//     forms, and so is a fromDate later than toDate.
//   - fromDate is inclusive, toDate exclusive.
//   - GET /message without fromDate and toDate returns the last 24 hours
//     only (as documented: from now−24h on); with only fromDate, everything
//     from then on; with only toDate, everything before it (decision: the
//     reference does not say; this lets a client page backwards). GET
//     /contact filters on the contact's creation time and has no default
//     window.
//
// Contacts.
//   - mobileNumber must be E.164: '+', digits only, a valid number per
//     libphonenumber (github.com/nyaruka/phonenumbers) and already in
//     canonical form (e.g. "+4407902111123" is refused with a hint to write
//     +447902111123); otherwise 400 showing the format +447902111123. The
//     reference's own example number +4479051337665 is not a valid UK
//     number (one digit too many) and is rejected.
//   - The mobileNumber filter compares digits only, so "447902111123" (as
//     in the walkthrough), "+447902111123" and "+44 7902 111123" all match.
//   - A mobileNumber is unique per api account: a duplicate is a 409
//     "Duplicate Contact attempted - contact mobileNumber must be unique per
//     apiAccount"; the same number in another api account is fine.
//   - name is required (trimmed, at most 255 characters). status defaults
//     to Presubscribed; Subscribed, Presubscribed and Unsubscribed are
//     accepted in any letter case and stored canonically. email is
//     optional and checked loosely (one '@', a dot in the domain, no
//     spaces). tags: an array of strings, each trimmed, non-empty, at most
//     50 characters; exact duplicates are dropped (first kept); at most 20.
//   - PUT /contact/{id} replaces mobileNumber, name, email and tags with the
//     same validation (and the 409); email and tags left out are cleared. A
//     status left out or empty keeps the current status (decision: opt-in
//     state should not be reset by an omission). contactId and apiAccountId
//     in the body must match the contact or be absent (400 otherwise: a
//     contact cannot move between api accounts); datetime is ignored.
//
// Conversations.
//   - There is exactly one conversation per (api account, contact), created
//     by the first message either way: inbound (Receive, the simulator) or
//     outgoing (a broadcast — created when the broadcast is accepted, even
//     if its message is queued later). New conversations are in the inbox
//     folder and unassigned.
//   - Each api account has one inbox except Head Office, which has two;
//     its conversations are split between them (live ones alternately,
//     demo ones at random).
//   - PUT /conversation/{id} takes {"userId","teamId","folder"}, all
//     optional; absent or "" means unchanged (the reference's example sends
//     "teamId": "" next to a userId). Both userId and teamId non-empty is a
//     400. Setting a user clears the team and vice versa. The user must be
//     linked (per /user) to the conversation's api account, and the team
//     must be linked to that api account or be global; otherwise 400, as is
//     an unknown user or team or a folder other than inbox, archive or spam
//     (any letter case). The answer is 200 with an empty body, as the
//     reference says. There is no documented way to unassign a conversation,
//     so the sandbox offers none.
//   - When the customer writes (Receive or the simulator) into an archived
//     conversation, it moves back to the inbox; a spam conversation stays in
//     spam. Sending (messages, broadcasts) never changes the folder.
//
// The 24-hour session window.
//   - POST /message {apiAccountId, contactId, message} is accepted only while
//     now < (the contact's last inbound message in that api account) + 24h.
//     Otherwise, or if the customer never wrote, it is a 400 window_closed
//     whose message says a template must be sent with POST /broadcast and
//     since when the window has been closed.
//   - message is required (not blank) and at most 4096 characters (runes).
//     apiAccountId is required (403 if unlinked or unknown); contactId is
//     required (404 if unknown or invisible, 400 if it belongs to another
//     api account).
//   - Success is a 201 with the message shape: outgoing, not a template,
//     status Pending, isSent/isDelivered/isRead false, sender = the
//     logged-in user. (The walkthrough shows a broadcast-like reply for
//     this call; the sandbox follows the reference's message shape.)
//   - Only inbound messages open or extend the window; broadcasts do not.
//
// Message status.
//   - Outgoing statuses are computed from the clock when read (no goroutine
//     per message, nothing stored): Pending until Config.StatusStep has
//     passed, then Sent, Delivered after 2 steps, Read after 3 — except for
//     the quarter of contacts who never read (FNV-1a of the contact id
//     modulo 4, hence deterministic from the seed; Snapshot shows it as
//     NeverReads), whose messages stay Delivered; Config.ReadReceipts
//     "all" (mbx sandbox --read-receipts all) makes every customer read,
//     the other reading of what the reference leaves open. isSent, isDelivered and
//     isRead always agree with status. Failed (all three flags false) only
//     occurs in seeded history (about 2% of older demo session messages, 1%
//     of volume outgoing messages); live messages never fail.
//   - Inbound messages report status Delivered with isSent and isDelivered
//     true and isRead false (decision: the reference does not describe them;
//     agent read-state is not modelled). They have empty sender names.
//
// Broadcasts and templates.
//   - POST /broadcast {apiAccountId, contactId, templateId, message} checks,
//     in order: the api account (403), the contact (as for /message), the
//     templateId (400 if missing, 404 if unknown or invisible, 400 if it
//     belongs to another api account), the template's status (400
//     template_not_approved naming the status unless Approved), then the
//     message: at most 4096 characters, and equal to the template text with
//     every {{n}} replaced by a value that is not blank, has no newline, no
//     tab and no run of more than 4 spaces; a placeholder used twice (e.g.
//     {{1}} in "welcome") must get the same value both times. A 400 says
//     which rule failed. When the text can be split several ways, any valid
//     split is accepted. No session window is needed.
//   - A broadcast creates a template message (isTemplateMessage true,
//     outgoing, sender = the caller) in the contact's conversation, with the
//     same status progression. It is answered 201 with broadcastId,
//     apiAccountId, contactId and dateTime; messageId, message and status
//     are absent (omitted from the JSON) until Config.BroadcastQueueDelay has
//     passed, as the reference warns; with the default 0 they are present at
//     once (mbx sandbox --broadcast-delay 3s takes the other reading). The message's dateTime is the moment it was queued; the
//     broadcast's dateTime is when it was accepted. Queueing happens lazily
//     at the next authenticated request, Snapshot or CountMessages.
//   - GET /broadcast's inboxId filter uses the inbox of the contact's
//     conversation. GET /template's name filter is an exact, case-insensitive
//     match.
//
// Webhooks.
//   - type is one of message, contact, inbox, apiaccount, broadcast,
//     template (any letter case; the reference's table lists the first four,
//     its introduction also names broadcast and template triggers).
//     targetUrl must be an absolute https URL, or http on a loopback host
//     (localhost, 127.x.x.x, ::1); otherwise 400. isZapier and failureCount
//     are read-only (created webhooks have false and 0); webhookId in a body
//     is ignored. On POST, type and targetUrl are required and isEnabled
//     defaults to false (a missing JSON boolean binds to false). PUT changes
//     only the fields sent (type, targetUrl, isEnabled) with the same
//     validation. DELETE answers 204 with an empty body.
//   - Webhooks are stored but never called: tests must never leave
//     loopback, and the demo webhooks point at non-loopback URLs.
//
// Request bodies.
//   - JSON objects of at most 1 MiB (413 payload_too_large beyond).
//     Malformed JSON is a 400 naming the problem and its byte offset; a
//     field of the wrong JSON type is a 400 naming the field; a body that
//     is not an object, or is empty, is a 400. Unknown fields are ignored.
//     Content-Type is not checked.
//
// # Decisions about the reference's gaps and inconsistencies
//
//   - Two different users share userId 6d73d10d-ada8-4de2-a9a6-f441ab344287
//     in the reference (contract recruiter and john jones): contract
//     recruiter keeps it and john jones gets a generated id.
//   - rory mcilroy has userId cd30d620-9a0e-428d-86a6-acaa54be9b72 in the
//     /team example and 5aff12a0-9e91-43a6-8e68-8cce3a76f749 in the /user
//     example: the sandbox uses cd30d620-… everywhere.
//   - The examples' api account 3fa85f64-5717-4562-b3fc-2c963f66afa6 is a
//     Swagger placeholder; the reference's contacts Test Customer
//     (17b5c90a-7465-1097-b2db-66afa62c963f, not a version 4 UUID but kept)
//     and Miss Customer (a38f0fc8-cb26-4266-bbd9-35eb8dbd6947) live in Head
//     Office (3aa9eb0c-7e55-4e98-9ce7-bd6d241d0ad4), the account of the
//     /team and /user examples.
//   - The reference uses 84ca7cae-b7aa-47da-bafa-b9bb4acd2c7e both as an
//     inboxId and as a broadcastId, and gives the broadcast example the
//     messageId ce2400ec-… of the message example, which belongs to another
//     contact. The sandbox uses 84ca7cae-… for the broadcast (to Miss
//     Customer, with the example's text), ce2400ec-… for the session message
//     to Test Customer in conversation 6bea4b13-e818-4544-8c43-e28a5c6cb67f,
//     and generated ids for the inboxes and the broadcast's message.
//   - The 409 "Duplicate Contact attempted" listed under POST /message,
//     POST /broadcast and POST /webhook is a copy-paste in the reference;
//     only contact writes return 409.
//   - The reference's Create Message sample posts to /contact; the route is
//     POST /message. The /team example has trailing commas (invalid JSON);
//     the sandbox emits valid JSON.
//   - The walkthrough's paging blocks lack "pages" and its contact lacks
//     "tags": the sandbox always sends both.
//   - "status (should be Presubscribed)" on contact creation is taken as the
//     default; the other two statuses are accepted too.
//
// # Demo data
//
// Unless Config.Empty is set, New seeds deterministic demo data (from
// Config.Seed, default 1; seed 0 means 1) relative to the clock at New:
//   - Organisation "Stitch Recruit": api accounts Head Office
//     (3aa9eb0c-…, +447777123156, inboxes "Head Office" and "Head Office
//     Accounts"), Stitch Recruit Contract (7f2280ed-…, +447723400111, inbox
//     "Contract Desk") and Stitch Recruit Permanent (cbe2b1f5-…,
//     +447723400222, inbox "Permanent Desk").
//   - Users and logins (password "demo-<first>-<last>-pass"):
//     contract.recruiter@demo.mbx (Contract), john.smith@demo.mbx (Head
//     Office), rory.mcilroy@demo.mbx (Head Office), john.jones@demo.mbx
//     (Permanent), helen.smith@demo.mbx (Permanent); the demo agent
//     agent@demo.mbx / demo-agent-pass ("Alex Agent", Head Office and
//     Contract but NOT Permanent, member of teams Head Office and Contract
//     Recruitment; returned by Credentials); the supervisor
//     supervisor@demo.mbx / demo-supervisor-pass ("Sam Supervisor", all
//     three). Users returns them all.
//   - Teams: Contract Recruitment (Contract), Head Office (Head Office),
//     Permie Recruitment (Permanent) with the reference's ids and members,
//     plus the global team Night Shift (no api accounts).
//   - Templates in every api account: follow_up (Approved; the reference's
//     text and example; id 0bbadd13-… in Head Office), interview_reminder
//     (Approved, three placeholders), welcome (Approved, {{1}} twice),
//     office_hours (Approved, no placeholder), job_alert (Pending),
//     payment_claim (Rejected).
//   - The two reference webhooks (dab932d2-… Zapier contact hook, enabled;
//     a1a39245-… message hook, disabled).
//   - 340 contacts with varied names and valid numbers from GB, IE, DE, US,
//     ES, IN, JP and SA, statuses and tags; 312 conversations (about 80%
//     inbox, 12% archive, 8% spam; assigned to linked users, to teams, or
//     unassigned) over HistoryDays (default 7) of back-and-forth messages;
//     windows open, closing within the hour (last inbound 23–24 h ago),
//     closed, and never opened (broadcast only). Outgoing messages sent
//     while no window was open are template messages with a broadcast
//     record. Old outgoing messages are final (Read or Delivered, a few
//     Failed); a few recent ones are still Pending or Sent; a few inbound
//     messages carry a fileLocation (a CV as cv.pdf or a timesheet photo
//     as timesheet.jpg), an absolute URL on the host the request came to,
//     GET /files/{messageId}/{name}, served behind the same bearer token
//     as the API (a one-page PDF or a small JPEG, the same bytes each time).
//   - Hostile contacts and messages (tagged "test", in the agent's
//     accounts): ANSI CSI colour and screen-clearing codes, OSC 8 hyperlinks,
//     OSC 52 clipboard writes, a bare C1 CSI (U+009B), U+202E right-to-left
//     override, zero-width characters, "pay 100\rpay 999", backspaces, BEL,
//     an invalid UTF-8 byte before an ESC, emoji with ZWJ sequences, skin
//     tones and flags, CJK, Arabic and Hebrew, and a 5,000-character message.
//
// With Config.Empty only the skeleton is created: api accounts, inboxes,
// users, teams, templates and the two webhooks; no contacts, conversations,
// messages or broadcasts.
//
// # Volume mode
//
// Config.Conversations adds that many conversations, each with its own
// contact (numbers +4474…, alternating between the two api accounts the
// demo agent sees), and Config.Messages adds that many messages spread
// uniformly over HistoryDays with random direction and sender (they ignore
// the 24-hour rule: this is load data). If Messages is smaller than
// Conversations it is raised to it, so that every conversation has a first
// message. With Conversations 0, the messages are spread over the existing
// conversations of the agent's accounts, or over max(1, Messages/10) new
// ones if there are none. 100,000 conversations and 1,000,000 messages take
// well under two seconds to build; messages are compact records kept sorted
// by (dateTime, messageId) with per-account, per-inbox and per-conversation
// index slices, so any GET /message page is found by binary search (no scan
// over earlier pages).
//
// # Simulator
//
// With Config.Simulate, Start runs a goroutine that, every SimulateEvery on
// average (uniformly jittered between half and one and a half times it,
// seeded), makes a customer write in through Receive: usually in a
// conversation active in the last 48 hours ("Thanks!", "Can we move it to
// Thursday?", occasionally hostile text), sometimes (15%) a brand-new
// contact (mostly in the agent's accounts) in a new conversation. Outgoing
// statuses progress by themselves (they are derived from the clock). It
// stops when the context is done or Close is called.
//
// # Fault injection
//
// SetFaults replaces the active faults (SetFaults() clears them). For each
// request, faults are tried in order and the first that matches (Methods,
// any case; Paths, prefixes of the path after trailing-slash removal) and
// fires wins: a fault with Count > 0 fires for its next Count matching
// requests and is then spent (Rate is ignored); with Count 0 it fires with
// probability Rate from a PRNG seeded by Config.Seed, Rate 0 (or ≥ 1)
// meaning every matching request. A fault that does not fire lets later
// faults be tried. Faults apply to every route, including /oauth/token and
// unknown routes, and Stats counts every request that reached the sandbox,
// faulted or not. Effects: Latency sleeps first (giving up, without an
// answer, if the request context ends); then Drop closes the connection
// before handling; Status answers that status with a JSON error (and, for
// 429 and 503, Retry-After in whole seconds rounded up when RetryAfter is
// set); DropAfter handles the request fully and closes the connection
// without answering; Malformed handles it and, if the answer is 2xx,
// replaces the body with its first half (204 becomes 200 with a truncated
// JSON body) — error answers pass through unchanged. Connections are
// closed by hijacking; where that is impossible (HTTP/2, recorders) the
// handler panics with http.ErrAbortHandler, which net/http servers turn
// into an aborted response. Note that Go's http.Transport silently retries
// an idempotent request that fails on a reused keep-alive connection, so a
// Drop on a GET may be invisible to a Go client unless it uses a fresh
// connection.
//
// # Stats
//
// Stats.Requests is keyed "METHOD /route" with the route's pattern, e.g.
// "GET /message", "GET /message/{id}", "PUT /conversation/{id}"; aliases
// have their own keys ("GET /inboxes/{id}", "POST /organisation"); unknown
// routes count as "METHOD *". Stats.Logins counts successful logins.
//
// # Concurrency
//
// One sync.RWMutex guards the store. Authenticated handlers write their
// response into a buffer while holding it, and the buffer reaches the
// network only after the lock is released, so a slow client cannot stall
// the sandbox. Every exported method is safe for concurrent use.
package sandbox
