// Package msgboxx is a typed client of the msgboxx public REST API
// (../shared/docs/msgboxx-api-reference.txt, with the send-message
// walkthrough and the public API overview beside it).
//
// # Shape
//
// One method per documented endpoint. Lists come back as iter.Seq2 over
// every item of every page (100 a page, driven by paging.pages, or by
// paging.recordCount where a server leaves pages out); …Page methods fetch
// a single page. Every failure is an *Error carrying the route, the HTTP
// status, the server's code and words, and whether the request may have
// been acted on; IsUnauthorized, IsForbidden, IsNotFound, IsConflict,
// IsRateLimited, IsWindowClosed, IsServerError, IsTemporary,
// MaybeDelivered and IsLoginRequired are what callers branch on.
// Malformed, truncated or oversized (> 32 MiB) answers are errors naming
// the route, never panics; unknown fields are ignored.
//
// # As a state.Backend
//
// Backend adapts the client to state's core and declares the capabilities
// msgboxx has (state.Capabilities{Folders, ContactEditing,
// TemplateFollowUp}):
//
//   - Me: msgboxx has no "me" endpoint, and the reference says nothing of
//     the token's claims. The user is the one of the /user list the engine
//     has just read (read now when none was) whose id a claim of the login
//     token holds — whichever claim: sub, uid, nameid… (IdentifyUser; ids
//     compared ignoring letter case, a number claim read as its digits).
//     No claim holding a listed id, or claims holding different ones: Me
//     answers nobody, never a guess, and state asks the agent once
//     ("Which of these is you?"), remembers the answer per account, and
//     the config file's user_id wins over both. /user documents no
//     username or email, so a claim equal to the login username names
//     nobody here. Asking costs no request.
//   - Messages: GET /message filtered by time, account, contact and
//     conversation. The reference does not say in which order the pages
//     come, so no page promises state.Batch.Through: the engine moves its
//     cursor (and, in the first sync, its floor) after a whole pass. The
//     sandbox serves either order (Config.Order, mbx sandbox --order
//     newest|oldest) and the sync is tested in both, with a failure at
//     every page. Items are decoded one by one: one that does not decode,
//     a message without messageId or conversationId, or a contact without
//     contactId is skipped, logged (route, page, position, the reason
//     sanitized) and reported to the engine (state.ReportSkipped); the
//     page still counts its items for paging. Pages carry no conversation metadata:
//     ConversationMeta reads GET /conversation/{id} (a folder outside
//     inbox/archive/spam reads as inbox; the user wins over the team).
//   - History: one week of a conversation before the given time, every
//     page of it in one batch.
//   - Send: text is POST /message; a template is POST /broadcast with the
//     template's id and the text filled in (msgboxx takes no parameters:
//     state's TemplateRef.Params are kept in the outbox but not sent; a
//     reference without an id is refused). A broadcast without a message
//     yet is answered with an empty Message.ID and the broadcast id as the
//     follow-up token.
//   - TemplateFollower: FollowUp reads GET /broadcast/{id} (and the message
//     in full when the broadcast carries no text); FindOwnSend (and
//     FindSend, its answer when it is the agent's) looks through the
//     contact's broadcasts for one with the same text, created no earlier
//     than the item (minus state's margin), whose id no other outbox item
//     holds, and that is provably the agent's.
//   - Who sent a message: the reference gives an outgoing message's
//     sender only as senderFirstName and senderLastName, no user id, and
//     a broadcast names no sender at all. Decision: a message is the
//     agent's only when that name (first and last, trimmed) is the
//     logged-in user's name in GET /user and no other user there has it
//     (state.SenderOwnership); a name no listed user has, a shared name,
//     no name, or a broadcast not yet a message proves nothing, and a
//     reply whose answer was lost is then left for the agent to settle
//     (send again / it was sent) rather than claimed. The same holds for
//     the sync: a colleague's message with the agent's text is never
//     taken as the agent's reply.
//   - FolderMover: UpdateConversation is one PUT /conversation/{id} with
//     what changes; Assign is the same PUT with a user or a team. msgboxx
//     keeps one assignee (no UserAndTeamAssigner) and documents no way to
//     unassign (no Unassigner); there is no resolve, no conversation
//     tags, no saved responses and no push to mbx (webhooks need a public
//     URL).
//   - ContactEditor: POST /contact (then a PUT for the tags, which the
//     create body lacks), PUT /contact/{id}, GET /contact?mobileNumber=…
//     checked digit for digit.
//   - InboxLister: GET /inbox. PlatformNamer: "msgboxx".
//   - Who may take a conversation: /user's (user, api account) pairs become
//     state.User.AccountIDs, /team's accounts state.Team.AccountIDs (none:
//     every account); state's neutral rule reads them.
//
// # Auth
//
// POST /oauth/token with X-Calling-Application ("mbx/<version>"; sent on
// every request, as the platform rate-limits by it). The reference asks
// clients not to call the token endpoint every time and to check
// expires_at or exp, but gives no renewal rule; this package decided:
//
//   - The token expires at the earlier of expires_at and the JWT's exp
//     (the client only peeks at the claims; the server verifies).
//   - It is renewed ahead of that once 80% of its lifetime has passed:
//     the lifetime is exp − iat, or expiry − the moment the client first
//     saw it without iat, counted from when the client got it (a fresh
//     login) or from iat (a stored token). So a 60 s token means a login
//     about every 48 s, whatever the traffic, and a server clock ahead or
//     behind cannot make a fresh token due at once. The same token
//     handed out again is not renewed ahead again: at most one renewal
//     per lifetime.
//   - A renewal ahead of time that fails (the network, the platform, a
//     changed password) is no error while the token still works: it is
//     sent, and the renewal tried again halfway to the expiry.
//   - Without a password source (a stored token only) the token is used
//     until it really expires; only then is a login required ("logged
//     out"). An unknown expiry keeps the token until a 401.
//   - A 401 renews once; only one login is ever in flight however many
//     goroutines need a token.
//
// The token and password appear in no error, log line or %v/%#v.
// Redirects are never followed, so neither can be carried to another host.
//
// # Retries
//
// GET, PUT, DELETE and the login are retried on 429, 502, 503, 504 and
// connection failures, with exponential backoff and full jitter, a
// Retry-After honoured but capped (RetryPolicy.MaxRetryAfter, 30 s by
// default: a Retry-After of a day must not freeze the app; a wait past
// MaxElapsed ends the loop with the 429, RetryAfter set, for the caller to
// schedule), bounded attempts and total time, and the context respected.
// POST /message and POST /broadcast, like the other POSTs, are never
// retried blindly: only a 429 (the server said it did not act) or a
// connection that was never made is retried. Any other failure after the
// request may have left (a timeout, a reset, a 5xx) returns an error for
// which MaybeDelivered is true, so the caller looks for the message before
// sending it again instead of sending it twice.
//
// # Transport
//
// Each attempt has a timeout (30 s by default) that covers the body. A
// base URL must be https; plain http is refused unless the host is
// loopback (127.0.0.0/8, ::1, localhost), which is where the sandbox runs.
//
// # Files
//
// A message's "fileLocation" is the only word the reference has on files:
// the examples show it empty and say nothing of its form. Decided: a
// non-empty fileLocation is an absolute URL of the file a customer sent.
// The message becomes a media message (state.Media: Ref the location, Name
// its last path element, Kind and MIME from that name's extension,
// "document" when unknown) whose body reads as on every platform,
// "[document cv.pdf] Here is my CV" or "[image] caption" (state.MediaLine).
// FetchMedia (state.MediaFetcher) reads it like any GET (retried, bounded
// at 100 MiB), under the transport rule: https, or plain http on loopback
// only, never with credentials in the URL. The bearer token goes only to
// the API's own scheme and host; a file elsewhere (a CDN, a signed URL) is
// asked for without it. The sandbox's reading serves its files on its own
// host under /files/{messageId}/{name}, behind the same token.
//
// # The reference's inconsistencies, and what this package decided
//
//   - "datetime" (api accounts, contacts, the single inbox) vs "dateTime"
//     (messages, broadcasts, templates, the inbox list): both decode, through
//     encoding/json's case-insensitive key matching (guarded by a test).
//   - "apiAccountId" vs "apiAccountid" (inside /user and /team): the same.
//   - /user and /team return bare JSON arrays, unlike every other list; the
//     client accepts a bare array or, should the platform align them, the
//     usual {items, paging} envelope (then every page is fetched).
//   - The Create Message example posts to /contact: the heading and the
//     walkthrough say POST /message, which the client uses.
//   - The Create Webhook example posts to /organisation: the client posts to
//     /webhook, like every other webhook call.
//   - The Get Inbox heading says /inboxes/{id}; every other path is
//     singular: the client reads /inbox/{id}.
//   - Get Webhooks says /webhooks, its example /webhook: the client uses
//     /webhook.
//   - A message carries isSent/isDelivered/isRead (reference) or a "status"
//     string (walkthrough), and its body as "bodyText" or "message", its
//     contact nested or as a top-level "contactId". All are accepted;
//     Message.Status derives one status, the more advanced of the two
//     sources, a failure winning; an outgoing message with neither is
//     pending.
//   - Only "outgoing" is documented for messageDirection: any other value,
//     or none, is inbound.
//   - expires_at is typed "string": read as a date-time or Unix seconds.
//   - Error bodies are not documented: {"message"}, {"detail"}/{"title"},
//     {"error_description"}, {"error"} (a code or a sentence) and plain text
//     are read. A closed 24-hour window is recognised by the code
//     "window_closed", or, from a server that sends none, by a 400 on
//     POST /message whose words mention the window or a template.
//   - The reference lists 409 "Duplicate Contact" under Create Message,
//     Create Broadcast and Create Webhook too: a copy-paste slip; 409 is
//     treated as a conflict wherever it comes.
//   - Update Conversation's example sends "teamId": "" beside a userId. The
//     client sends only the fields that change (ConversationUpdate omits
//     empty ones; Changes drops those already true) and refuses a user and
//     a team together. No way to unassign is documented, so none is offered.
//   - The walkthrough searches contacts by mobileNumber=447902111123
//     (no +); the client sends numbers as given.
//   - Create Contact's example number +4479051337665 has one digit too
//     many for a UK mobile; the client checks only the E.164 form (+, 7 to
//     15 digits, the first not 0: LooksE164 is state's one rule for phone
//     numbers, state.IsE164, which the contact form and every other place
//     a number is typed use too) and leaves validity to the server, whose
//     refusal comes back in its words. (Our sandbox plays a strict server
//     and refuses that number; another server may take it.)
//   - Update Contact's example sends the whole contact, "datetime"
//     included, and says nothing of it otherwise. The client sends the
//     contact's creation time when it has it and leaves the field out when
//     it does not: never "datetime": "", which is no date-time.
//   - The Broadcast body calls its text "The session message we wish to
//     send": it is the template text with placeholders replaced.
package msgboxx
