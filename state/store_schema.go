package state

import "database/sql"

// The store's schema, as an ordered list of migrations. Each step runs in
// its own transaction together with the PRAGMA user_version that records
// it, so a database is always at exactly one version. Steps are never
// edited once released: a change is a new step appended to the list.
//
// Conventions:
//   - Times are INTEGER Unix nanoseconds, 0 for the zero time.
//   - Text columns are NOT NULL with the empty string for "none", except
//     messages.id and messages.local_id, which are NULL when absent so
//     that UNIQUE applies only to real ids.
//   - Message rowids are time-ordered (see seqSlots in store_messages.go).
//   - Full-text tables are external-content FTS5 tables, tokenizer
//     unicode61 with diacritics removed ("cafe" finds "café"). The store's
//     code keeps them in step with their tables (see store_search.go),
//     not triggers: a trigger makes each INSERT a statement transaction,
//     at which FTS5 flushes its pending terms to disk, which made
//     ApplyMessages three times slower.
//
// Indexes follow the reads: each list view and IndexOf walk one index in
// the order they return (see buildView in store_conversations.go), counts
// add up rows of conversation_counts, the thread walks (conversation_id,
// time, msg_key).
//
// The literal statuses 4 and 5 below are StatusRead and StatusFailed; the
// constants after the list stop the build if they ever move.
var migrations = []string{
	// 1: the first schema.
	`
CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE accounts (
	id    TEXT PRIMARY KEY,
	name  TEXT NOT NULL,
	phone TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE inboxes (
	id         TEXT PRIMARY KEY,
	account_id TEXT NOT NULL,
	name       TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE users (
	id         TEXT PRIMARY KEY,
	first_name TEXT NOT NULL,
	last_name  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE user_accounts (
	user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	account_id TEXT NOT NULL,
	pos        INTEGER NOT NULL,
	PRIMARY KEY (user_id, account_id)
) WITHOUT ROWID;

CREATE TABLE teams (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	description TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE team_accounts (
	team_id    TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	account_id TEXT NOT NULL,
	pos        INTEGER NOT NULL,
	PRIMARY KEY (team_id, account_id)
) WITHOUT ROWID;

CREATE TABLE team_users (
	team_id TEXT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
	user_id TEXT NOT NULL,
	pos     INTEGER NOT NULL,
	PRIMARY KEY (team_id, user_id)
) WITHOUT ROWID;

CREATE TABLE templates (
	id         TEXT PRIMARY KEY,
	account_id TEXT NOT NULL,
	name       TEXT NOT NULL,
	status     TEXT NOT NULL,
	text       TEXT NOT NULL,
	example    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX templates_account ON templates(account_id);

CREATE TABLE contacts (
	seq        INTEGER PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	account_id TEXT NOT NULL,
	name       TEXT NOT NULL,
	number     TEXT NOT NULL,
	status     TEXT NOT NULL,
	email      TEXT NOT NULL,
	tags       TEXT NOT NULL, -- JSON array
	created    INTEGER NOT NULL,
	digits     TEXT NOT NULL  -- the number's digits and every suffix of them, for search
);

CREATE VIRTUAL TABLE contacts_fts USING fts5(
	name, digits,
	content='contacts', content_rowid='seq',
	tokenize='unicode61 remove_diacritics 2'
);

CREATE TABLE conversations (
	seq            INTEGER PRIMARY KEY,
	id             TEXT NOT NULL UNIQUE,
	account_id     TEXT NOT NULL DEFAULT '',
	contact_id     TEXT NOT NULL DEFAULT '',
	contact_name   TEXT NOT NULL DEFAULT '',
	contact_number TEXT NOT NULL DEFAULT '',
	folder         TEXT NOT NULL DEFAULT 'inbox',
	user_id        TEXT NOT NULL DEFAULT '',
	team_id        TEXT NOT NULL DEFAULT '',
	last_inbound   INTEGER NOT NULL DEFAULT 0,
	last_outbound  INTEGER NOT NULL DEFAULT 0,
	last_activity  INTEGER NOT NULL DEFAULT 0,
	preview        TEXT NOT NULL DEFAULT '',
	preview_out    INTEGER NOT NULL DEFAULT 0,
	preview_key    TEXT NOT NULL DEFAULT '', -- key of the message the preview shows
	unread         INTEGER NOT NULL DEFAULT 0,
	read_at        INTEGER NOT NULL DEFAULT 0,
	meta_known     INTEGER NOT NULL DEFAULT 0
);
-- Folder views: WHERE folder = ? ORDER BY last_activity DESC, id.
CREATE INDEX conversations_folder ON conversations(folder, last_activity DESC, id);
-- Mine, Team and Unassigned: partial indexes, so that a row is in the
-- one that fits its assignee. The queries repeat the literal terms of
-- the WHERE clauses (user_id <> '' and so on) so the planner can use them.
CREATE INDEX conversations_user ON conversations(folder, user_id, last_activity DESC, id) WHERE user_id <> '';
CREATE INDEX conversations_team ON conversations(folder, team_id, last_activity DESC, id) WHERE team_id <> '';
CREATE INDEX conversations_unassigned ON conversations(folder, last_activity DESC, id)
	WHERE user_id = '' AND team_id = '';
-- Closing soon: a range of last_inbound, most urgent first; only rows whose
-- last message is the customer's.
CREATE INDEX conversations_closing ON conversations(folder, last_inbound, id, last_outbound)
	WHERE last_inbound >= last_outbound;
-- How many conversations each (folder, user, team) holds, kept by
-- triggers: counts of the list views and FolderCounts read a few rows
-- instead of counting index entries.
CREATE TABLE conversation_counts (
	folder  TEXT NOT NULL,
	user_id TEXT NOT NULL,
	team_id TEXT NOT NULL,
	n       INTEGER NOT NULL,
	PRIMARY KEY (folder, user_id, team_id)
) WITHOUT ROWID;
CREATE TRIGGER conversations_count_ai AFTER INSERT ON conversations BEGIN
	INSERT INTO conversation_counts(folder, user_id, team_id, n) VALUES (new.folder, new.user_id, new.team_id, 1)
		ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER conversations_count_ad AFTER DELETE ON conversations BEGIN
	UPDATE conversation_counts SET n = n - 1
		WHERE folder = old.folder AND user_id = old.user_id AND team_id = old.team_id;
END;
CREATE TRIGGER conversations_count_au AFTER UPDATE OF folder, user_id, team_id ON conversations
WHEN old.folder IS NOT new.folder OR old.user_id IS NOT new.user_id OR old.team_id IS NOT new.team_id BEGIN
	UPDATE conversation_counts SET n = n - 1
		WHERE folder = old.folder AND user_id = old.user_id AND team_id = old.team_id;
	INSERT INTO conversation_counts(folder, user_id, team_id, n) VALUES (new.folder, new.user_id, new.team_id, 1)
		ON CONFLICT DO UPDATE SET n = n + 1;
END;
-- ConversationsWithoutMeta.
CREATE INDEX conversations_nometa ON conversations(last_activity DESC, id) WHERE meta_known = 0;
-- UpsertContacts refreshes names.
CREATE INDEX conversations_contact ON conversations(contact_id);

-- seq is time-ordered: milliseconds * 2^19 + a free slot (see seqSlots).
CREATE TABLE messages (
	seq             INTEGER PRIMARY KEY,
	id              TEXT UNIQUE,  -- platform id; NULL while only local
	local_id        TEXT,         -- outbox id; NULL for messages not sent from here
	conversation_id TEXT NOT NULL,
	account_id      TEXT NOT NULL,
	contact_id      TEXT NOT NULL,
	direction       INTEGER NOT NULL,
	body            TEXT NOT NULL,
	time            INTEGER NOT NULL,
	status          INTEGER NOT NULL,
	reason          TEXT NOT NULL,
	template        INTEGER NOT NULL,
	sender          TEXT NOT NULL,
	msg_key         TEXT GENERATED ALWAYS AS (coalesce(id, 'local:' || local_id)) VIRTUAL
);
CREATE UNIQUE INDEX messages_local ON messages(local_id) WHERE local_id IS NOT NULL;
-- Thread pages and conversation aggregates.
CREATE INDEX messages_thread ON messages(conversation_id, time, msg_key);
-- NonFinalOutgoing: small, as most messages reach a final status.
CREATE INDEX messages_nonfinal ON messages(time)
	WHERE direction = 1 AND id IS NOT NULL AND status NOT IN (4, 5);

CREATE VIRTUAL TABLE messages_fts USING fts5(
	body,
	content='messages', content_rowid='seq',
	tokenize='unicode61 remove_diacritics 2'
);

CREATE TABLE drafts (
	conversation_id TEXT PRIMARY KEY,
	text            TEXT NOT NULL,
	updated         INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE outbox (
	local_id        TEXT PRIMARY KEY,
	conversation_id TEXT NOT NULL,
	account_id      TEXT NOT NULL,
	contact_id      TEXT NOT NULL,
	kind            TEXT NOT NULL,
	template_id     TEXT NOT NULL,
	body            TEXT NOT NULL,
	created         INTEGER NOT NULL,
	state           TEXT NOT NULL,
	attempts        INTEGER NOT NULL,
	next_attempt    INTEGER NOT NULL,
	reason          TEXT NOT NULL,
	server_id       TEXT NOT NULL,
	broadcast_id    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX outbox_state ON outbox(state, created, local_id);
CREATE INDEX outbox_created ON outbox(created, local_id);
`,
	// 2: a contact by number (a duplicate reported by the platform).
	`CREATE INDEX contacts_number ON contacts(account_id, number);`,
	// 3: platform-neutral sends. The outbox keeps a template's reference
	// (id, name, language) and its placeholder values (a JSON array of
	// strings, Params[i] filling {{i+1}}; '' for items queued before,
	// which have only template_id and body), and "broadcast_id" becomes
	// the neutral follow-up token. Templates get their language.
	`
ALTER TABLE outbox ADD COLUMN template_name TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN template_language TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN template_params TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox RENAME COLUMN broadcast_id TO follow_up;
ALTER TABLE templates ADD COLUMN language TEXT NOT NULL DEFAULT '';
`,
	// 4: conversation tags (a platform that tags conversations: get.chat),
	// a JSON array of strings in the platform's spelling; '' for none.
	`ALTER TABLE conversations ADD COLUMN tags TEXT NOT NULL DEFAULT '';`,
	// 5: media. A message's file (Media as JSON; '' for none), and a
	// reply's attached file (OutgoingFile as JSON: the copy mbx keeps
	// until it is sent; '' for none).
	`
ALTER TABLE messages ADD COLUMN media TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN file TEXT NOT NULL DEFAULT '';
`,
	// 6: when the status of each unfinished outgoing message was last
	// asked for (Unix nanoseconds, 0: never), so that a restart asks only
	// for those due (DueStatusChecks).
	`ALTER TABLE messages ADD COLUMN status_checked INTEGER NOT NULL DEFAULT 0;`,
	// 7: "mark as unread", kept locally (no platform has the call): the
	// row shows unread until the conversation is opened (MarkRead clears
	// it). The unread-only views walk a partial index of the unread rows
	// (the queries repeat its WHERE term literally); their counts add up
	// conversation_counts.u, the unread ones of each (folder, user, team),
	// kept by triggers that fire only when a row becomes unread or read
	// or an unread row moves (not at each new message of an unread one).
	`
ALTER TABLE conversations ADD COLUMN marked_unread INTEGER NOT NULL DEFAULT 0;
CREATE INDEX conversations_unread ON conversations(folder, last_activity DESC, id)
	WHERE unread > 0 OR marked_unread = 1;
ALTER TABLE conversation_counts ADD COLUMN u INTEGER NOT NULL DEFAULT 0;
UPDATE conversation_counts SET u = (SELECT count(*) FROM conversations c
	WHERE c.folder = conversation_counts.folder AND c.user_id = conversation_counts.user_id
	AND c.team_id = conversation_counts.team_id AND (c.unread > 0 OR c.marked_unread = 1));
CREATE TRIGGER conversations_unread_ai AFTER INSERT ON conversations
WHEN new.unread > 0 OR new.marked_unread = 1 BEGIN
	INSERT INTO conversation_counts(folder, user_id, team_id, n, u) VALUES (new.folder, new.user_id, new.team_id, 0, 1)
		ON CONFLICT DO UPDATE SET u = u + 1;
END;
CREATE TRIGGER conversations_unread_ad AFTER DELETE ON conversations
WHEN old.unread > 0 OR old.marked_unread = 1 BEGIN
	UPDATE conversation_counts SET u = u - 1
		WHERE folder = old.folder AND user_id = old.user_id AND team_id = old.team_id;
END;
CREATE TRIGGER conversations_unread_au_old AFTER UPDATE OF unread, marked_unread, folder, user_id, team_id ON conversations
WHEN (old.unread > 0 OR old.marked_unread = 1) AND (NOT (new.unread > 0 OR new.marked_unread = 1)
	OR old.folder IS NOT new.folder OR old.user_id IS NOT new.user_id OR old.team_id IS NOT new.team_id) BEGIN
	UPDATE conversation_counts SET u = u - 1
		WHERE folder = old.folder AND user_id = old.user_id AND team_id = old.team_id;
END;
CREATE TRIGGER conversations_unread_au_new AFTER UPDATE OF unread, marked_unread, folder, user_id, team_id ON conversations
WHEN (new.unread > 0 OR new.marked_unread = 1) AND (NOT (old.unread > 0 OR old.marked_unread = 1)
	OR old.folder IS NOT new.folder OR old.user_id IS NOT new.user_id OR old.team_id IS NOT new.team_id) BEGIN
	INSERT INTO conversation_counts(folder, user_id, team_id, n, u) VALUES (new.folder, new.user_id, new.team_id, 0, 1)
		ON CONFLICT DO UPDATE SET u = u + 1;
END;
`,
	// 8: snooze (see doc.go). snoozed_until is when a snoozed
	// conversation wakes (Unix nanoseconds; 0: awake); snooze_reply is 1
	// when it wakes only at the customer's next message (snoozed_until is
	// then the window-capped fallback). A snoozed row leaves its views and
	// their counts: the count triggers file it under the folder key
	// 'snoozed' instead of its folder, so that conversation_counts stays
	// equal to the awake lists. The triggers of steps 1 and 7 are
	// replaced by ones keyed so, and the counts rebuilt.
	`
ALTER TABLE conversations ADD COLUMN snoozed_until INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN snooze_reply INTEGER NOT NULL DEFAULT 0;
CREATE INDEX conversations_snoozed ON conversations(snoozed_until, id) WHERE snoozed_until <> 0;
-- The list indexes again with snoozed_until after their equality
-- columns: views read "snoozed_until = 0" and stay index-only, in order.
DROP INDEX conversations_folder;
CREATE INDEX conversations_folder ON conversations(folder, snoozed_until, last_activity DESC, id);
DROP INDEX conversations_user;
CREATE INDEX conversations_user ON conversations(folder, user_id, snoozed_until, last_activity DESC, id) WHERE user_id <> '';
DROP INDEX conversations_team;
CREATE INDEX conversations_team ON conversations(folder, team_id, snoozed_until, last_activity DESC, id) WHERE team_id <> '';
DROP INDEX conversations_unassigned;
CREATE INDEX conversations_unassigned ON conversations(folder, snoozed_until, last_activity DESC, id)
	WHERE user_id = '' AND team_id = '';
DROP INDEX conversations_closing;
CREATE INDEX conversations_closing ON conversations(folder, snoozed_until, last_inbound, id, last_outbound)
	WHERE last_inbound >= last_outbound;
DROP INDEX conversations_unread;
CREATE INDEX conversations_unread ON conversations(folder, snoozed_until, last_activity DESC, id)
	WHERE unread > 0 OR marked_unread = 1;
DROP TRIGGER conversations_count_ai;
DROP TRIGGER conversations_count_ad;
DROP TRIGGER conversations_count_au;
DROP TRIGGER conversations_unread_ai;
DROP TRIGGER conversations_unread_ad;
DROP TRIGGER conversations_unread_au_old;
DROP TRIGGER conversations_unread_au_new;
CREATE TRIGGER conversations_count_ai AFTER INSERT ON conversations BEGIN
	INSERT INTO conversation_counts(folder, user_id, team_id, n, u)
		VALUES (CASE WHEN new.snoozed_until <> 0 THEN 'snoozed' ELSE new.folder END, new.user_id, new.team_id, 1,
			new.unread > 0 OR new.marked_unread = 1)
		ON CONFLICT DO UPDATE SET n = n + 1, u = u + excluded.u;
END;
CREATE TRIGGER conversations_count_ad AFTER DELETE ON conversations BEGIN
	UPDATE conversation_counts SET n = n - 1, u = u - (old.unread > 0 OR old.marked_unread = 1)
		WHERE folder = (CASE WHEN old.snoozed_until <> 0 THEN 'snoozed' ELSE old.folder END)
		AND user_id = old.user_id AND team_id = old.team_id;
END;
CREATE TRIGGER conversations_count_au AFTER UPDATE OF folder, user_id, team_id, snoozed_until ON conversations
WHEN old.folder IS NOT new.folder OR old.user_id IS NOT new.user_id OR old.team_id IS NOT new.team_id
	OR (old.snoozed_until <> 0) IS NOT (new.snoozed_until <> 0) BEGIN
	UPDATE conversation_counts SET n = n - 1, u = u - (old.unread > 0 OR old.marked_unread = 1)
		WHERE folder = (CASE WHEN old.snoozed_until <> 0 THEN 'snoozed' ELSE old.folder END)
		AND user_id = old.user_id AND team_id = old.team_id;
	INSERT INTO conversation_counts(folder, user_id, team_id, n, u)
		VALUES (CASE WHEN new.snoozed_until <> 0 THEN 'snoozed' ELSE new.folder END, new.user_id, new.team_id, 1,
			new.unread > 0 OR new.marked_unread = 1)
		ON CONFLICT DO UPDATE SET n = n + 1, u = u + excluded.u;
END;
-- A row that stays in its place and becomes unread or read.
CREATE TRIGGER conversations_unread_au AFTER UPDATE OF unread, marked_unread ON conversations
WHEN old.folder IS new.folder AND old.user_id IS new.user_id AND old.team_id IS new.team_id
	AND (old.snoozed_until <> 0) IS (new.snoozed_until <> 0)
	AND (old.unread > 0 OR old.marked_unread = 1) IS NOT (new.unread > 0 OR new.marked_unread = 1) BEGIN
	UPDATE conversation_counts SET u = u + (CASE WHEN new.unread > 0 OR new.marked_unread = 1 THEN 1 ELSE -1 END)
		WHERE folder = (CASE WHEN new.snoozed_until <> 0 THEN 'snoozed' ELSE new.folder END)
		AND user_id = new.user_id AND team_id = new.team_id;
END;
DELETE FROM conversation_counts;
INSERT INTO conversation_counts(folder, user_id, team_id, n, u)
	SELECT folder, user_id, team_id, count(*), sum(unread > 0 OR marked_unread = 1)
	FROM conversations GROUP BY folder, user_id, team_id;
`,
	// 9: a query's free words (query.go) through an index instead of a
	// scan: each conversation's contact name, its number's digits and
	// every suffix of them (as contacts.digits), and its preview. The
	// index is contentless (rowid conversations.seq): it keeps no text,
	// and an entry is removed with the text it was written with. The
	// store's code keeps it in step (reindexConversation in
	// store_search.go) and fills it here (migrationFills).
	`
CREATE VIRTUAL TABLE conversations_fts USING fts5(
	name, digits, preview,
	content='',
	tokenize='unicode61 remove_diacritics 2'
);
`,
}

// migrationFills are Go steps of migrations (by the version they make),
// run in the migration's transaction after its SQL: what SQL alone cannot
// compute.
var migrationFills = map[int]func(tx *sql.Tx) error{
	9: fillConversationsFTS,
}

// The schema writes these statuses as literals; a uint conversion of a
// negative constant does not compile.
const (
	_ = uint(StatusRead - 4)
	_ = uint(4 - StatusRead)
	_ = uint(StatusFailed - 5)
	_ = uint(5 - StatusFailed)
	_ = uint(Outbound - 1)
	_ = uint(1 - Outbound)
)
