// Package getchat is the wire layer of mbx's get.chat / Wabbit WhatsApp
// Integration API platform: the API's JSON types (types.go), its paths and
// the link rules (endpoints.go), and a decoder of websocket and webhook
// events in every shape met (events.go). The typed client, the
// state.Backend adapter and the sandbox build on it.
//
// The references are ../shared/docs/getchat-integration-api-reference.txt
// ("the reference") and getchat-api-auth-contacts-media.txt. Their rendering
// lost most endpoint paths, the websocket examples and some shapes; each
// was recovered from the reference's own names and examples and from the
// vendor's public web client, github.com/get-chat/web-app (read at commit
// 4b0f1609, 2026-05-12; "web-app" below), and every reading is recorded
// here. Nothing of the web client was copied.
//
// # Shape of the client
//
// Client (client.go, auth.go, api.go, paging.go, websocket.go) has one
// method per endpoint below. New(Config{BaseURL, Username, Password,
// Token, OnToken, WebsocketURL, HTTPClient, Timeout, Retry, PageSize, Now,
// Logger}) checks the addresses and makes no request.
//
//   - Auth: Login, Logout (local only), Token, SetToken; the first request
//     without a token logs in, and a refused token is replaced by one more
//     login when a password is configured.
//   - Reads: CurrentUser; Users, Groups, Tags, SavedResponses, Templates,
//     Chats(ChatFilter{AssignedToMe, Group, Tag, Search}) and
//     Messages(MessageFilter{WaID, Since, Before, Search, …}) as
//     iter.Seq2 over every item of every page (ChatPages, MessagePages a
//     page at a time; Collect gathers); Chat, Assignment, DownloadMedia.
//   - Writes: Send / SendText / SendTemplate(TemplateMessage{Name,
//     Language, Header, Body []Param{Name, Text}}) / SendMedia (answers
//     Sent{Result, Status}; Queued for 202), Assign(AssignmentUpdate),
//     Resolve, Reopen, TagChat, UntagChat, MarkAsReceived, UploadMedia.
//   - Events(ctx): the websocket (below) as iter.Seq2[[]Event, error].
//
// Failures are *Error{Route, Status, Words, Body, RetryAfter,
// MaybeDelivered, Err}; routes name path parameters ({wa_id}) and never
// carry a query, so no error, log line or %v shows a token, a password or
// a customer's number (Client and Config print masked). Predicates:
// IsUnauthorized (401; 403 with DRF's authentication words; a refused
// login; no token and no password), IsForbidden (any other 403),
// IsWindowClosed (453), IsNotFound, IsInvalid, IsTooLarge, IsRateLimited,
// IsTemporary, MaybeDelivered. Malformed answers are errors naming the
// route, never panics; unknown fields are ignored; a list item that does
// not decode is skipped (Page.Skipped, logged), never failing the page.
//
// Retries (RetryPolicy, as api/msgboxx): up to 5 attempts within 60 s,
// exponential waits with full jitter, a Retry-After in place of the draw
// but capped at 30 s. GET, PUT, PATCH, DELETE, the login and
// mark_as_received (repeating them cannot act twice) are retried after a
// 502/503/504, a timeout or a broken connection; a POST only when it
// never left (the dial failed) or after a 429. A POST that may have been
// acted on (a broken connection or a timeout after it was written, a 5xx,
// an unreadable 2xx) is an error with MaybeDelivered, never repeated.
// Each attempt has its own timeout (Timeout, 30 s; 4× for media).
// Redirects are never followed.
//
// # Shape of the backend
//
// NewBackend(c) adapts the client to state.Backend with the capabilities
// Resolver, Unassigner, UserAndTeamAssigner, ConversationTagger,
// SavedResponder, EventStreamer, ReadMarker and PlatformNamer
// ("get.chat").
//
//   - One account, AccountID "getchat": a get.chat inbox is one number.
//     Users are get.chat's users, teams its groups (members from the users'
//     groups); every user works in the account.
//   - A chat is a conversation and a contact at once: both ids are the
//     customer's wa_id; the contact's number is "+" and the wa_id; the
//     chat's tags are the contact's tags (Contacts reads the chat list).
//   - Message ids are Message.Key: WhatsApp's id, else "getchat:" and
//     get.chat's (a send queued with 202). A message handed out by its
//     get.chat id keeps it for the rest of the run once WhatsApp's is
//     known (statuses carry both); after a restart the two can differ
//     (the store has no alias: see below).
//   - Folders: a resolved chat (contact.resolved) is FolderArchive, an
//     open one FolderInbox; Resolve and Reopen change it. No spam.
//   - ConversationMeta reads chats/{wa_id}/: user, group and folder.
//     Assign sends PATCH with the side named (the other is kept), PUT when
//     both are named; Unassign PUTs both null.
//   - Messages(q): messages/ with since_time = From and before_time = To
//     (else now + 1 s) fixed for the whole pass, so that offsets do not
//     shift as messages arrive; pages in whatever order the server lists;
//     no Batch.Through (newest-first pages cannot promise anything before
//     the pass ends). Each batch carries the metadata and contact of the
//     conversations it names for the first time in the run: from the chat
//     list, read first when the pass reaches back more than an hour (a
//     backfill: 100 chats a request instead of one request each), else
//     from chats/{wa_id}/. A whole pass fetches the next page while the
//     engine stores the current one; Contacts right after a backfill
//     serves the chat list the pass just read. The first sync fills the
//     newest window first and older ones behind; each older window goes on
//     reading the chat list where the newer one stopped (chatPrefix), so
//     the list is read once. The first sync of 10k chats and 100k messages
//     costs 1,117 requests (1,009 message pages, 101 chat pages, 2 chat
//     lookups), against a minimum of about 1,105; the newest chat is on
//     top after 0.14 s (BenchmarkFirstSync). Bodies: a text's words; a template filled in
//     with header, body and footer as Templates renders it (so that a
//     template sent from here is recognised); media as "[image] caption"
//     or "[document name]" (state.MediaLine), with state.Media; others
//     "[type]".
//   - Templates: every status, ID "name:language", Language set; Text is
//     header, body and footer on their lines with the placeholders
//     numbered globally (Template.Render: the header's first, numbered
//     ones in order, named ones by first use), Example their sample values
//     in [brackets]. Send maps TemplateRef.Params back to the header's and
//     body's parameters, named ones with parameter_name.
//   - Send: a text, or a template by name and language. The message id is
//     WhatsApp's from waba_response; else a non-UUID id; else, for a 202,
//     "getchat:" and get.chat's id; else (a 200/201 with only get.chat's
//     id) the chat's newest messages are read for it. Without an id the
//     send is "accepted" and the engine finds it by its text — and by its
//     sender: a message from us names its sender (a user object), passed
//     on as the user's name (User.Name: first and last name, else the
//     username), and state claims it for the reply only when that is the
//     logged-in user's name and no other user's (state.SenderOwnership);
//     a message without a sender ("sender": null, as for one sent from
//     outside get.chat) proves nothing and the agent is asked. No lookup
//     of get.chat's own is needed: its sends are found among the chat's
//     messages.
//   - History: one page (PageSize) before the time, newest first.
//   - Message(id): no endpoint reads one message: it is found among its
//     chat's messages since its time (the run remembers each message's
//     chat); an id the run has not seen (after a restart) triggers one
//     scan of the last 25 hours, at most every ten minutes, else
//     KindNotFound.
//   - Events: the first batch is empty with Batch.Connected set, the
//     explicit "connected" of state.EventStreamer's contract: while the
//     socket stays up the engine makes no periodic message polls (one
//     catch-up by since_time after each connection; reference data every
//     5 minutes; TestEngineIdleWebsocket: 0 message-list requests per idle
//     minute, 2 before); messages become
//     messages; a status becomes the message with that status when the run
//     knows it, else the message is read from its chat (never an empty
//     message); assignment and resolve events, and the first message of a
//     chat the run has not described, read the chat for its whole
//     metadata, as does a customer's message to a chat last known resolved
//     (it reopens). A chat's tagging event reads the chat likewise; a
//     message's is dropped.
//   - Conversation tags: a batch that describes a chat (from the chat
//     list, chats/{wa_id}/ or an event) carries its tags by name
//     (Batch.Tags), so Conversation.Tags is the chat's. A chat described
//     once in a run is not read again by polls: while the websocket is
//     down, a tag changed elsewhere shows with the next event or start.
//     SetConversationTags stores the tags once get.chat has them.
//   - Read-only chats: Me carries the user's state.WriteScope, CanWrite's
//     rule: can_write_to_chats when the server sends it (all, group →
//     WriteTeam, user → WriteAssigned, none), else admin writes
//     everywhere and any other role (user, app) only to chats assigned
//     to them. The store marks the others read-only and the engine
//     refuses to send there before any request (the sandbox would answer
//     403).
//   - Unread counts (ReadMarker): a described chat's new_messages (the
//     logged-in user's count) comes as Batch.Unread and becomes
//     Conversation.Unread; in a pass over the chat list every page naming
//     the chat repeats it (older pages' messages would otherwise count
//     on). Customer messages after that count on in the store. MarkRead
//     posts mark_as_received/ with the last customer message's time
//     (rounded up to its second), in the background.
//   - Errors: IsUnauthorized → KindAuth, 453 → KindWindowClosed,
//     MaybeDelivered → KindAmbiguous, 404 → KindNotFound, 409 →
//     KindConflict, temporary → KindTemporary, other 4xx (the 403 of the
//     write rule among them, with the server's words) → KindRefused.
//   - Files (state.MediaFetcher, state.FileSender; media.go): a media
//     message's state.Media has the kind (image, video, audio, voice,
//     document, sticker; else "file"), the name and content type the
//     payload gives, and the reference "id:<media id>" or, with no id,
//     "link:<url>" (CheckLink is applied again when it is fetched: a
//     link off the account's host or off https is not followed, and the
//     id is used instead). The payload gives no size: it is learnt from
//     the download and kept. Bodies use state.MediaLine (only a
//     document shows its name), the same for a file sent from here, so
//     the platform's copy reads as the outbox's. Sending: the kept copy
//     is uploaded (POST media/), then sent by id as image, video or
//     audio when WhatsApp shows that type inline (state.MediaKindOf:
//     JPEG/PNG, MP4/3GPP, AAC/MP4/MPEG/AMR/Ogg), otherwise as a document
//     with its name; the caption is the reply's text (none on audio).
//     Reading: the reference names no size limits, so WhatsApp Cloud
//     API's apply (MaxFileSize): 5 MB pictures, 16 MB video and sound,
//     100 MB documents (and never over MaxMediaBytes). An upload is not
//     idempotent, but harmless to repeat: only the send is reconciled.
//
// What this package leaves out: a message id that changes once (queued →
// on WhatsApp) is followed through aliases, not rewritten.
//
// # Auth
//
// POST /api/v1/auth/token/ with {"username", "password"} answers
// {"token": "…"}; every request then carries "Authorization: Token …". The
// token does not expire and the server hands out "a new or existing
// available token": it is the same token the user's web inbox holds. So
// there is no refresh (a 401, or a 403 with the authentication words below,
// means "log in again"), and mbx logout only forgets the token locally: it
// never calls the web client's GET /api/v1/auth/logout/, which could revoke
// the token the user's web inbox also uses. Session cookies and the 360dialog D360-Api-Key
// method are not used. The token and password print as placeholders
// (Token, LoginRequest) and appear in no error or log line. Redirects are
// not followed. The base URL must be https, or http on a loopback host (the
// sandbox).
//
// # Paging
//
// Lists are limit/offset pages in the envelope {count, next, previous,
// results} (Page, DecodePage); the chats list defaults to 100 a page. A next
// link is followed only when CheckLink accepts it: same host and port as the
// account, https (http only when the account itself is loopback http), no
// credentials. The reference's own examples write http:// links (and one
// with a stray "/" inside the query), so a refused link is not an error: the
// client builds the next page from the account URL with its own limit and
// offset, and reads next only as "there is more". The reference advises
// before_time over offset for messages because new messages shift offsets;
// a pass over messages instead fixes its window first (since_time and a
// before_time of now + 1 s for the whole pass), which holds the offsets
// still in whatever order the server lists, and pages it by offset.
//
// # Endpoints
//
// All under https://HOST/api/v1/. "I" is the reference, "A" the auth,
// contacts and media reference, "web-app" the file read.
//
//	what                       method  path                              source
//	log in                     POST    auth/token/                       I "Token authorization" (curl); web-app src/api/authApi.ts
//	current user               GET     users/current/                    I "Provider authorization" example; web-app src/api/usersApi.ts
//	users                      GET     users/?limit&offset               I List Users (envelope); web-app usersApi.ts
//	groups                     GET     groups/?limit&offset              I List Groups (envelope); web-app src/api/groupsApi.ts
//	chats                      GET     chats/?limit&offset&search        I Getting Started "/chats/" + List Chats params;
//	                                   &assigned_to_me=true              web-app src/api/chatsApi.ts, src/types/chats.ts
//	                                   &assigned_group=ID&chat_tag_id=ID (chat_tag_id: web-app only)
//	one chat                   GET     chats/{wa_id}/                    I Retrieve Chat ("wa_id required"); web-app chatsApi.ts
//	messages                   GET     messages/?wa_id&limit&offset      I Getting Started curl (?wa_id=…&limit=1, before_time=…),
//	                                   &since_time&before_time           List Messages params; web-app src/api/messagesApi.ts
//	                                   &mark_as_received=1&search
//	                                   &assigned_to_me&assigned_group
//	send text                  POST    messages/ {wa_id, type:"text",    I "Example for POST request" + Create Message;
//	                                   text:{body}}                      web-app src/components/Main/Chat/ChatView/useChat.ts
//	send template              POST    messages/ {wa_id,                 I Create Message type enum; shape: web-app
//	                                   type:"template",                  src/helpers/ChatHelper.ts, TemplateMessageHelper.ts,
//	                                   template:{namespace, name,
//	                                   language:{code, policy:           (generateTemplateMessagePayload), src/types/templates.ts
//	                                   "deterministic"}, components:
//	                                   [{type:"header"|"body"|"button",
//	                                   parameters:[{type:"text", text,
//	                                   parameter_name?}]}]}}
//	24-hour window             —       contact.last_message_timestamp    I Person.last_message_timestamp ("customer care 24h
//	                                   + 24 h; a text after it: 453      window"); 453: web-app useChat.ts, ChatView.tsx
//	assignment (read)          GET     chat_assignment/{wa_id}/          I Chat Assignment (path lost); web-app
//	assign user and group      PUT     chat_assignment/{wa_id}/          src/api/chatAssignmentApi.ts,
//	                                   {wa_id, assigned_to_user,         src/types/chatAssignment.ts
//	                                   assigned_group} (null = nobody)
//	change one side            PATCH   chat_assignment/{wa_id}/          I "Partial update allows you to change the User only or
//	                                   {wa_id, the side that changes}    Group only"; web-app chatAssignmentApi.ts
//	assignment history         GET     chat_assignment_events/?wa_id     I List Chat Assignment Events; web-app
//	                                   &since_time&before_time
//	resolve / reopen           PATCH   chats/{wa_id}/resolve             web-app only: chatsApi.ts, src/types/chats.ts,
//	                                   {resolved: true|false}            src/components/ChatHeader/ChatHeader.tsx
//	                                   → {wa_id, resolved}
//	tags                       GET     tags/?limit&offset                I List Tags; web-app src/api/tagsApi.ts
//	tag a chat                 POST    chat_tagging/ {tag, chat}         I Create Chat Tagging; web-app src/api/chatTaggingApi.ts
//	                                   → {id, tag, chat, extra}
//	untag a chat               DELETE  chat_tagging/{id}/ (id = the       I "A unique integer value identifying this chat
//	                                   chat's tags[].tagging_id)         tagging"; web-app chatTaggingApi.ts
//	a chat's tags              GET     chats/{wa_id}/ → tags[]; history  I Chat.tags, List Chat Tagging Events; web-app
//	                                   chat_tagging_events/?wa_id
//	saved responses            GET     saved_responses/                  I SavedResponse; web-app src/api/savedResponsesApi.ts
//	                           POST    saved_responses/ {text}
//	                           DELETE  saved_responses/{id}/
//	templates                  GET     templates/?limit&offset           I List Templates; web-app src/api/templatesApi.ts
//	mark as received           POST    mark_as_received/                 I Getting Started + Create Mark; web-app messagesApi.ts
//	                                   {customer_wa_id, timestamp}
//	media upload               POST    media/ multipart "file_encoded"   I/A media section (JS FormData example);
//	                                   → {file: URL, id: UUID}; then     web-app src/api/mediaApi.ts, ChatHelper.ts
//	                                   POST messages/ {type:"image"|
//	                                   "document"|"video"|"audio",
//	                                   <type>:{link: file, mime_type,
//	                                   caption | filename}}
//	media download             GET     media/{id}/ or the message's      I List Messages example ("link": …/api/v1/media/<uuid>/),
//	                                   <type>.link (after CheckLink)     "Retrieve binary raw media file"; web-app
//	                                                                     src/helpers/MessageHelper.ts
//	persons (contact search)   GET     persons/?search, persons/{wa_id}/ I "similar to /persons/"; web-app src/api/personsApi.ts
//	WhatsApp accounts          GET     whatsapp_accounts/                web-app only (the sandbox serves it for the web-app;
//	                                   phone_number digits, no "+"       the web-app writes the "+" itself: Sidebar.tsx)
//	contacts (providers)       GET     contacts/, contacts/{wa_id}/      A "Contacts"; web-app src/api/contactsApi.ts, Main.tsx;
//	                                                                     not used by mbx; the sandbox answers no providers
//	API root                   GET     /api/v1/ itself                   web-app src/api/healthApi.ts (a stored token checked;
//	                                                                     403 = answering, not signed in); not used by mbx
//	websocket                  —       wss://websockets-HOST/            I "Websockets"; web-app src/helpers/URLHelper.ts
//	                                   first frame {"token": "…"}        (getWebSocketURL), src/components/Main/Main.tsx,
//	                                                                     src/helpers/CloudApiWebhookHelper.ts,
//	                                                                     src/types/webhook.ts, src/types/messages.ts
//
// # Websocket
//
// The address is derived from the base URL as the reference says:
// https://HOST[:PORT]/… becomes wss://websockets-HOST[:PORT]/ (WebsocketURL);
// a loopback base keeps its host and port (ws://127.0.0.1:PORT/, the
// sandbox); an override wins over both. The client sends one frame, first:
// {"token": "…"} (no "type"). The server answers {"type": "token",
// "status": "success"|"failed", "message"} or {"type": "response",
// "status": "bad_request", "message"}, then sends {"type": "waba_webhook" |
// "getchat_webhook", "waba_payload": {…}} frames. Unlike HTTP webhooks,
// frames do not mark messages as received: mbx posts mark_as_received/ when
// the agent has seen them. DecodeEvent turns a frame (or a webhook body)
// into Events of six kinds: inbound message, outbound message (sent from
// the inbox by anyone), status, assignment, tagging, resolve/reopen, each
// with the chat's wa_id, WhatsApp's message id and get.chat's where known,
// and the time.
//
// Two payload shapes are accepted, by content and whatever the frame type
// says:
//
//   - Flat (the published reference): waba_payload is a WABA on-premise
//     webhook — contacts[], messages[] (raw WABA messages), statuses[] —
//     plus get.chat's fields incoming_messages[], outgoing_messages[],
//     assigned_messages[] (get.chat Message objects), chat_assignment,
//     chat_tagging, message_tagging (one object each; an array is also
//     read) and the deprecated tagged_chats[] / tagged_messages[]. The web
//     client's getchat_webhook frames use this shape for outgoing_messages,
//     chat_assignment, chat_tagging, chat_resolved {wa_id, resolved} and
//     user_availability (ignored).
//   - Nested (the Cloud API; the web client since 2026-04-01, commit
//     77b992bd "Migrated to Cloud-API events and also getchat custom
//     webhooks"): waba_webhook's waba_payload is {object, entry[]: {id,
//     changes[]: {field, value: {messaging_product, metadata, contacts[],
//     messages[], statuses[]}}}}; statuses carry get.chat's getchat_id.
//
// Within one payload a message met twice (messages[] and
// incoming_messages[] carry the same one) yields one event, the get.chat
// wrapper winning. A malformed item is skipped and named in
// Decoded.Problems with its path; the rest of the payload is still read.
//
// # Roles and who may write
//
// profile.role is admin, user or app (an integration or bot; the web inbox
// refuses it). The reference: "By default, a User is not allowed to write
// to Chats they're not directly assigned to. If in admin group, the User can
// write to any existing Chat"; a user may be given a chat only when nobody
// has it, or by an admin; only the assignee or an admin removes an
// assignment. CanWrite, CanAssignUser and CanUnassign apply this, the
// admin role standing for "admin group". When the server sends
// permissions.can_write_to_chats (all, group, user, none; web-app
// src/types/users.ts), it decides instead: a customised inbox overrides the
// default.
//
// # The reference's inconsistencies, and what this package decided
//
//   - Paths: lost in the rendering except auth/token/, users/current/,
//     chats/, messages/, mark_as_received/ and media/; the others come from
//     the web client. Every path ends in "/" except chats/{wa_id}/resolve
//     (and users/{id}/availability), which the web client sends without
//     one: the client sends exactly that, the sandbox accepts both.
//   - Messages of one chat: List Messages' prose writes
//     /api/v1/messages/48123123123/?limit=20, the curl examples and the web
//     client ?wa_id=48123123123: the query form is used.
//   - /chats/ in Getting Started answers a bare array [{wa_id,
//     new_messages}], List Chats the envelope: both decode (Page.Bare).
//   - Time: waba_payload.timestamp is a string of seconds ("1612544982") in
//     inbound messages and List Messages but a number (1612372697) in the
//     outgoing webhook example; last_message_timestamp, event timestamps
//     and query parameters are integers; the web client writes fractional
//     seconds; Cloud API statuses use strings. UnixTime reads a number
//     (with or without a fraction), the same in a string, or an ISO 8601
//     date-time, and 0, "" and null as "unknown"; requests send integer
//     seconds.
//   - waba_statuses {sent, delivered, read} are 0 in every example: read as
//     the time each status was reached, 0 = not yet. Message.Status is the
//     furthest reached, failed when is_failed or the payload has errors.
//   - Ids: users, groups, tags, taggings and saved responses are integers,
//     but path parameters are typed "string" ("A unique integer value
//     identifying this chat tagging"); saved responses' created_by is
//     "string" in the reference and a number in the web client: Int and ID
//     accept a number or a string.
//   - Message ids: a message has WhatsApp's id (waba_payload.id) and
//     get.chat's own ("id", a UUID); the bot walkthrough gives the same
//     message d9d2244d-… (get.chat's) in one step and ABGGSFEB… (WhatsApp's)
//     in the next. Messages are keyed by WhatsApp's id, else
//     "getchat:"+get.chat's (Message.Key) for one queued with 202 and not
//     yet on WhatsApp; statuses carry both (id, getchat_id).
//   - assigned_to_user and assigned_group are objects in a Chat and
//     integers in ChatAssignment: User and Group decode a bare id; Tag too
//     (a chat tagging's "tag" is an integer).
//   - PUT vs PATCH on chat_assignment: PUT sets both sides, so the client
//     writes both, null for nobody; PATCH changes only the side given
//     (AssignmentUpdate.Method: PUT when both are decided, else PATCH).
//     Unassign is null on that side.
//   - The webhook chapter swaps two descriptions: "chat_tagging … each time
//     any Message is tagged", "message_tagging … each time any Chat is
//     tagged". The field names are trusted: chat_tagging names a chat,
//     message_tagging a message (the payload schemas agree).
//   - tagged_messages / tagged_chats are said to hold "message"/"chat" and
//     "tag" but are described and shown with "new_tag": new_tag is read,
//     then tag. (The example's tag name "agent neded" is shown as given.)
//   - List Messages' example marks an outgoing-shaped payload ("to",
//     "recipient_type", a sender) from_us false: from_us decides the
//     direction; the payload's shape is not used to guess.
//   - The Rule Engine examples write "contacts": "..." (a string where an
//     array belongs) and their Python reads message['id'] and an
//     undocumented 'chat_id': the decoder reports the placeholder and reads
//     the rest; the rule engine itself is out of mbx's scope.
//   - The WABA webhook sample is not JSON (unquoted latitude, "a | b"
//     values); its field list is what was used.
//   - Create Message answers "{ }" with an optional waba_response in the
//     reference; the web client reads {id, reason} and treats 202 as
//     "stored, sent later". 200, 201 and 202 are success, 202 queued;
//     SendResult.MessageID is "id", else waba_response.messages[0].id. The
//     type enum lists both "hsm" and "template": "template" is sent.
//   - Template language is a string in the list and {code, policy} in a
//     template message (Language reads both); status is "approved" in the
//     web client, "APPROVED" in WhatsApp's: compared without case. Named
//     ({{order_id}}) and numbered ({{1}}) placeholders: a named one sends
//     parameter_name, a numbered one relies on order.
//   - Media upload: "file_encoded" is described as "base64 encoding of
//     binary data" while the JS example and the web client send raw bytes
//     in multipart/form-data: raw multipart. A retrieve path parameter pair
//     mime_type_type / mime_type_subtype is listed with no path: unused.
//     Media links end in "/" in the reference and not in the web client:
//     a message's link is used when CheckLink accepts it, else
//     media/{id}/ is built.
//   - The 24-hour window runs from Person.last_message_timestamp, "the last
//     message that was sent by this contact" (not the chat's last message,
//     which may be ours); exactly 24 h (the web client floors hours,
//     which is the same). A text to a closed window is refused with 453,
//     which the reference does not mention (web client only): the client
//     checks the window first and reads 453 as "window closed", whatever
//     the body.
//   - Errors: the reference shows 403 {"detail": "Authentication
//     credentials were not provided."} for missing credentials; Django
//     REST framework answers 401 or 403 depending on the auth classes, and
//     the web client logs out on 401 anywhere and on 403 from
//     users/current/. Reading: 401 is always "log in again"; 403 is "log in
//     again" only with DRF's authentication words (ErrorBody.AuthFailure:
//     credentials not provided, invalid token, user inactive or deleted),
//     otherwise "not allowed" (e.g. writing to a chat not assigned to you).
//     A failed login is 400 {"non_field_errors": […]} (the web client
//     treats 400, 401 and 403 alike there). Words are read from detail,
//     reason, message, non_field_errors, waba_response.errors, field errors
//     or plain text (ParseErrorBody). 413 on media/ is "file too big".
//   - Websocket: the reference's example payloads for the token result and
//     server response are cut off after "{": only the field lists (type,
//     status, message) are known. The reference says ws:// does not work;
//     the web client also turns an http:// base into wss://websockets-…;
//     mbx refuses a non-loopback http base instead.
//   - chat_resolved and user_availability exist only in the web client; the
//     resolved state lives in the chat's contact.resolved (Import Chat
//     example in A; the web client reads it there). Neither source has a
//     resolved filter on chats/: Open and Resolved are split client-side.
//   - Order: messages are "ordered from newest to oldest"; since_time is
//     "for scroll from oldest to newest" without saying whether the order
//     flips. Page order is never relied on: items are sorted by timestamp
//     and deduplicated by id. since_time is inclusive ("at the same
//     timestamp or newer"), so catch-up repeats the boundary second
//     (dropped by id); before_time is exclusive and sent rounded up to the
//     second, so a history page repeats the oldest second it starts from
//     (dropped by id) and skips nothing. A history page is the newest page
//     before that time: the one place the documented newest-first order is
//     relied on.
//   - Chats are "sorted by last_message_timestamp, newest to oldest": a
//     chat that moves while pages are read can be seen twice or missed;
//     chats are deduplicated by wa_id and a pass ends with a messages
//     catch-up by since_time.
//   - A chat's wa_id is "Deprecated" yet required; contact.wa_id is the
//     same: Chat.ID prefers the contact's.
//   - Booleans in queries are sent as "true" (as the web client's axios
//     does); mark_as_received, documented as an integer, as 1.
//   - tags and chat_tags of a message: objects in the reference, "any[]" in
//     the web client: a bare id decodes as a Tag.
//   - "context" is null in the webhook examples and {} in List Chats: kept
//     raw (RawJSON, null as absent).
package getchat
