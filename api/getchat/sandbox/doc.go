// Package sandbox is an in-process get.chat / Wabbit WhatsApp Integration
// API: the REST API under /api/v1/ and the websocket at "/", on one
// http.Handler, with demo data, statuses that advance on the sandbox
// clock, simulated customers and fault injection. It plays for
// api/getchat the role api/msgboxx/sandbox plays for msgboxx: a client can
// be developed, demonstrated and tested end to end without the real
// service.
//
// It is written from the references (../shared/docs/getchat-*.txt) and
// the decisions recorded in api/getchat/doc.go, and it has its own wire
// shapes on purpose: it never imports api/getchat (nor state, ui or Bubble
// Tea), so a client that misreads the documented API fails its tests
// instead of agreeing with itself. Data is in memory, deterministic from
// Config.Seed and relative to the sandbox clock. The package never logs.
//
// # Using it
//
//	s := sandbox.New(sandbox.Config{})         // demo data, real clock
//	srv := httptest.NewServer(s)               // or sandbox.Start(cfg, "127.0.0.1:0")
//	// POST srv.URL+"/api/v1/auth/token/" {"username": "alex", "password": "demo-alex-pass"}
//	// websocket: sandbox.WebsocketURL(srv.URL) == "ws://127.0.0.1:PORT/"
//
// Start(cfg, addr) listens, serves and runs the background work, returning
// the server, "http://HOST:PORT" and a stop function; a command can print
//
//	listening http://HOST:PORT
//	login alex demo-alex-pass
//	websocket ws://HOST:PORT/
//
// (Banner(url) is exactly these three lines). New alone starts nothing in
// the background: Run(ctx) ticks statuses twice a second and runs the
// simulator (Config.Simulate); Close stops both and drops the websockets.
// Every request also ticks first, so with a fake clock (Config.Now) tests
// move the clock and call Tick, and the events due are pushed. Test hooks
// that bypass HTTP: Receive (a customer writes), Tick, SetFaults, FailNext,
// DropWebsockets, WebsocketClients, WebsocketDropped, Stats, ResetStats,
// Users (every login with its token).
//
// # Switches (Config)
//
//   - Seed: demo data, ids, tokens and the simulator (default 1).
//   - Now: the clock (default time.Now); windows, statuses and every
//     timestamp read it.
//   - StatusStep: an outgoing message is sent after one step, delivered
//     after two and read after three (about four in five are read; a
//     message to ChatUnreachable fails after one step). Default 3 s,
//     rounded to whole seconds (the API's timestamps are seconds).
//   - Empty: users, groups, tags, templates and saved responses only.
//   - Conversations, Messages, HistoryDays: volume data ("4474" + 8
//     digits, "Volume Customer N", everything read), history span.
//   - Simulate, SimulateEvery: customers write in every ~SimulateEvery
//     (jittered), mostly in chats active in the last two days, sometimes a
//     new number, once in a while something hostile.
//   - Order: "newest" (default, as documented: "ordered from newest to
//     oldest", chats "newest to oldest") or "oldest", for both messages/
//     and chats/. The reference does not say whether since_time flips the
//     order; this switch lets clients prove they do not depend on it.
//   - EventFormat: "flat" (default) or "cloud", below.
//   - AuthStatus: 403 (default, the reference's example) or 401 (with
//     "WWW-Authenticate: Token", Django REST framework with token
//     authentication first) for missing or bad credentials.
//   - WebsocketBuffer: frames queued per websocket client before it is
//     dropped as too slow (default 256).
//
// # Routes
//
// All under /api/v1/, paths exactly as api/getchat/doc.go's table; lists
// are {count, next, previous, results} pages with limit (default 100, at
// most 1000) and offset; next and previous are absolute URLs built from the
// request's Host, http:// unless the request came over TLS (or
// X-Forwarded-Proto says https), so loopback links stay http://. A path
// without its trailing "/" is 404 with words saying so, except
// chats/{wa_id}/resolve, served with and without one, and media/{id},
// served both ways because the web client's links have none.
//
//	POST   auth/token/               {username, password} (JSON or form) → {token}; 400 non_field_errors
//	GET    users/current/            the caller
//	GET    users/  users/{id}/       every user (url, id, username, names, email, profile.role, groups, permissions)
//	GET    groups/
//	GET    chats/                    assigned_to_me, assigned_group, chat_tag_id, search (name, wa_id, text, caption)
//	GET    chats/{wa_id}/
//	PATCH  chats/{wa_id}/resolve     {resolved} → {wa_id, resolved}
//	GET    messages/                 wa_id, since_time (≥), before_time (<), search, assigned_to_me,
//	                                 assigned_group, mark_as_received=1
//	POST   messages/                 text, template, image/document/video/audio (type inferred when absent)
//	GET    chat_assignment/{wa_id}/  {wa_id, assigned_to_user, assigned_group} as ids or null
//	PUT    chat_assignment/{wa_id}/  both sides (a side left out is nobody)
//	PATCH  chat_assignment/{wa_id}/  the sides given only
//	GET    tags/
//	POST   chat_tagging/             {tag, chat} → 201 {id, tag, chat, extra}
//	DELETE chat_tagging/{id}/        204
//	GET    saved_responses/          POST {text} → 201; DELETE saved_responses/{id}/ → 204
//	GET    templates/                approved, pending and rejected; header, body, footer, buttons
//	POST   mark_as_received/         {customer_wa_id, timestamp} → 201
//	POST   media/                    multipart "file_encoded" → 201 {file, id}; over 16 MB → 413
//	GET    media/{id}/               the bytes with their Content-Type
//	GET    persons/  persons/{wa_id}/
//	GET    whatsapp_accounts/        web client only: [{phone_number (digits, no "+"), this_instance: true}]
//	GET    settings/profile/photo/   web client only: the business's photo, a PNG
//	GET    contacts/                 web client only: an empty page (no Contact Providers connected)
//	GET    contacts/{wa_id}/         web client only: {person (null for an unknown number), contact_provider_results: []}
//	GET    /api/v1/ itself           the API root: {name: absolute URL} of each list, signed-in callers only
//	GET    chat_assignment_events/   wa_id, since_time, before_time: {timestamp, wa_id, assigned_to_user_set,
//	                                 assigned_to_user_was_cleared, assigned_group_set,
//	                                 assigned_group_was_cleared, done_by}
//	GET    chat_tagging_events/      wa_id, since_time, before_time: {timestamp, action, tag, chat, extra, done_by}
//
// The event histories hold the seeded assignments (by Sam, when the chat
// began) and taggings (by Alex) and every change made through the API, in
// the configured Order; their items are the websocket's chat_assignment
// and chat_tagging objects. Not served (404): auth/logout/, message
// tagging, webhooks, contacts import and users/{id}/availability.
//
// # The vendor's web inbox
//
// The vendor's own web client (get-chat/web-app) runs against the sandbox
// behind an https proxy on loopback: login, the chat list, a chat, a sent
// text and its ticks, customers' messages arriving live, and a reload that
// keeps the session. For it the sandbox serves what no inbox of ours needs
// (webapp.go, with whatsapp_accounts/ and settings/profile/photo/ beside
// the other handlers): contacts/ before anything shows (an empty page:
// get.chat keeps no contacts, Contact Providers do, and none is connected),
// contacts/{wa_id}/ for each row, and the API root, with which it checks
// a stored token (403 means "answering, not signed in"). Its websocket
// reads only the "cloud" event format (waba_webhook nested, getchat_webhook
// for its own events), so run it with --event-format cloud; with "flat"
// nothing arrives live. It connects to wss://websockets-HOST/: the proxy
// answers that name too and forwards the upgrade to "/". Its own config
// flags (read-only, user availability, restricted regular users) stay off;
// business profile settings, template refresh and logout are not served.
//
// # Choices where the references are open
//
//   - Errors are Django REST framework's words: {"detail": "…"} (401/403:
//     "Authentication credentials were not provided.", "Invalid token.",
//     "Invalid token header. …"; 404 "Not found."; 405 `Method "X" not
//     allowed.`), field errors {"field": ["…"]}, a failed login 400
//     {"non_field_errors": ["Unable to log in with provided credentials."]}.
//   - Tokens never expire and login hands out the same token every time
//     ("a new or existing available token"); they are derived from the seed
//     and the username, so a seed gives the same tokens.
//   - Roles: admin and app (an integration or bot) write to any chat; a
//     user (role "user", permissions.can_write_to_chats "user") sends,
//     tags, untags and resolves only in chats assigned to them, else 403
//     {"detail": "You are not allowed to write to this chat: it is not
//     assigned to you. …"}; that includes a template to a new number.
//     Everyone reads every chat (can_read_chats "all"). Assignment for a
//     user: they may give a chat to someone (themselves included) only when
//     nobody has it, clear the user only when it is them, and change the
//     group only of a chat that is theirs or nobody's; each refusal is 403
//     with words. assigned_group on chats/ and messages/ is 400 for a group
//     a user is not a member of ("Only Groups the User is member of can be
//     used").
//   - The 24-hour window runs from contact.last_message_timestamp, the
//     customer's last message; a text or media message at or after 24 h,
//     or to a customer who never wrote, is 453 {"reason": "The 24-hour
//     customer care window closed at … Send an approved template
//     instead.", "waba_response": {"errors": [{"code": 470, …}]}}.
//     Templates go out whatever the window; a template to an unknown
//     number starts a chat.
//   - Templates: the name and language code must exist (language compared
//     without case) and be approved (else 400 {"template": [...]} naming
//     the status); each HEADER and BODY placeholder needs a parameter of
//     that component: numbered ones ({{1}}) by count and position, named
//     ones ({{customer_name}}) by parameter_name. "hsm" is read as
//     "template". The list's language is a string, its status lower case.
//   - Create Message answers 201 {"id": get.chat's UUID, "waba_response":
//     {"messages": [{"id": WhatsApp's id}], "meta": …}}; never 202.
//   - Outgoing statuses: waba_statuses {sent, delivered, read} hold the
//     time each was reached, 0 before; is_failed once failed. Inbound
//     waba_payload.timestamp is a string of seconds, outgoing a number, as
//     in the reference's examples; contact.last_message_timestamp is a
//     number or null.
//   - Unread counts are per user: new_messages counts the customer's
//     messages after the caller's received mark; "received" on an inbound
//     message says whether it is at or before it (outgoing ones are always
//     received). A mark only moves forward: mark_as_received/ with an older
//     timestamp changes nothing. mark_as_received=1 on messages/ marks the
//     inbound messages of the page returned.
//   - Chats are ordered by their last message in either direction (the
//     reference says "last_message_timestamp", which on the contact is the
//     customer's last message only; ordering by it would leave a chat we
//     just wrote to in place), ties by wa_id. persons/ is ordered by wa_id.
//   - A customer writing to a resolved chat reopens it (a chat_resolved
//     event with resolved false follows the message).
//   - Media: raw bytes in multipart "file_encoded" (as the JS example and
//     the web client send them, not base64); the type is the part's
//     Content-Type, else sniffed. A media message links to
//     /api/v1/media/{id}/ on the host the reader used; a link to the
//     sandbox's own media is checked to exist, another link is kept as is.
//   - Chat tags carry tagging_id (the chat tagging to DELETE) and extra {};
//     tagging the same tag twice is 400 ("The fields tag, chat must make a
//     unique set.").
//   - saved_responses' created_by is the creator's numeric id (the
//     reference says string, the web client number; clients read both).
//
// # Websocket
//
// GET / with an Upgrade: websocket (any Origin is accepted, so the web
// client can connect from its own origin; GET / without one answers a line
// of text). The first client frame must be {"token": "…"}; the answer is
// {"type": "token", "status": "success", "message": "Token authentication
// successful."}, or {"type": "token", "status": "failed", "message":
// "Invalid token."} or {"type": "response", "status": "bad_request",
// "message": …} followed by a close (1008). The client is registered
// before "success" is written, so nothing after it is missed. Events then
// go to every authenticated client (everyone reads every chat), one
// payload per frame, in the order they happen:
//
//	event                     "flat" (default)                        "cloud"
//	customer message          waba_webhook {contacts, messages,       waba_webhook {object, entry[{id, changes[{field:
//	                          incoming_messages}}                     "messages", value{messaging_product, metadata,
//	                                                                  contacts, messages}}]}]}
//	message sent from inbox   waba_webhook {outgoing_messages}        getchat_webhook {outgoing_messages}
//	status reached            waba_webhook {statuses[{id, getchat_id, waba_webhook nested as above, value{statuses}
//	                          recipient_id, status, timestamp}]}
//	assignment changed        waba_webhook {chat_assignment}          getchat_webhook {chat_assignment}
//	chat tagged / untagged    waba_webhook {chat_tagging}             getchat_webhook {chat_tagging}
//	resolved / reopened       waba_webhook {chat_resolved}            getchat_webhook {chat_resolved}
//
// chat_resolved in the flat format is an extension: the reference has no
// resolve event and one frame type, so it rides in waba_webhook. Status
// timestamps are strings of seconds in both formats; failed statuses carry
// errors [{code 131026, title, details}]. Frames do not mark messages as
// received (the reference says so of websockets).
//
// Each client has a queue of WebsocketBuffer frames written by its own
// goroutine; publishing never blocks: a client whose queue is full is cut
// at once (no close frame) and counted in WebsocketDropped. Close sends
// 1001 "server shutting down"; DropWebsockets cuts every connection
// without a close frame, as a network failure would.
//
// # Faults
//
// SetFaults(Fault{...}) or FailNext(method, pathPrefix, n, status): per
// method and path prefix, the next Count requests or a seeded Rate of them
// answer Status (with Retry-After for 429 and 503), wait Latency, Drop the
// connection before handling or DropAfter handling (the request took
// effect, the answer was lost). Method "WS" with path "/" matches the
// websocket upgrade.
//
// # Demo data
//
// Deterministic from the seed, relative to the clock.
//
//   - Users (password "demo-" + username + "-pass"): alex "Alex Agent"
//     (admin; DemoUsername), robin "Robin Regular" (user; RegularUsername),
//     sam "Sam Supervisor" (admin), bot "Inbox Bot" (app), and mallory,
//     a user whose last name holds a screen clear and a bidi override.
//   - Groups Support, Sales, Admin and a hostile "Night …shift".
//   - Tags VIP, Order issue, Follow-up, Agent needed and four hostile ones
//     (SGR blink, bidi override, an OSC 8 link, a C1 CSI; one with a
//     colour holding an escape).
//   - Story chats with fixed wa_ids (ChatOpenRegular … ChatNeverWrote):
//     open windows assigned to robin and to alex, an unassigned one with an
//     unread message, one closing in about an hour, one closed three days
//     ago, one whose last inbound message is a generated PNG with a
//     caption, a resolved one, one whose messages fail, and one the
//     customer never wrote to (a template only).
//   - Eight hostile customers (ANSI colours and screen clears, bidi
//     overrides, OSC 8 and OSC 52, C1 controls, zero-width characters and
//     a carriage return, invalid UTF-8, emoji sequences, CJK) with hostile
//     bodies, and 44 ordinary chats: about 40% open, 10% closing soon
//     (under 2 h left), 50% closed; about 30% with 1–3 unread; a third
//     nobody's; half with a group; tags; closed ones mostly resolved; some
//     of our replies still on their way (their statuses arrive after
//     start).
//   - Templates: order_update (en, {{1}}–{{3}}, header and footer),
//     appointment_reminder (en_GB, named parameters in header and body,
//     footer, quick-reply buttons), welcome, follow_up (header, footer),
//     bienvenida (es), winter_sale (pending), account_alert (rejected,
//     INVALID_FORMAT).
//   - Four saved responses, one hostile.
//
// JSON is written with HTML escaping off; control characters go out as
// \u001b and the like, invalid UTF-8 as U+FFFD (encoding/json's rule).
package sandbox
