-- Full-text search, followed hashtags, hashtag usage history and reading preferences.

-- Reading preferences (Mastodon's /api/v1/preferences). The posting defaults are users.privacy,
-- users.sensitive and users.language from 0002.
ALTER TABLE users ADD COLUMN expand_media TEXT NOT NULL DEFAULT 'default' CHECK (expand_media IN ('default', 'show_all', 'hide_all'));
ALTER TABLE users ADD COLUMN expand_spoilers INTEGER NOT NULL DEFAULT 0;

-- Search indexes. Both are contentless (the text lives in statuses and accounts already) and keyed
-- by the numeric value of the snowflake id rather than the implicit rowid, which VACUUM may renumber:
-- the FTS rowid is the id itself, so a match joins straight back by primary key, and ORDER BY rowid
-- DESC is newest first. Rows whose id is not a snowflake (hand-made test rows) are not indexed.
CREATE VIRTUAL TABLE statuses_fts USING fts5(text, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE accounts_fts USING fts5(username, display_name, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');

-- The words of a status, defined once: the content warning, then the author's source text for
-- local posts (statuses.text, 0005), or for remote ones the HTML content with its tags removed
-- (split on '<', keep what follows each '>') and the entities we write decoded. Indexing the HTML
-- itself would make every post with a link match "href", "class" or "span".
-- Reblogs carry no text of their own.
CREATE VIEW status_search_documents AS
SELECT id, CAST(id AS INTEGER) AS doc_id,
       spoiler_text || ' ' || coalesce(text, replace(replace(replace(replace(replace(replace(
         (SELECT group_concat(piece, ' ') FROM (
            SELECT CASE WHEN key = 0 THEN value ELSE substr(value, instr(value, '>') + 1) END AS piece
              FROM json_each('[' || replace(json_quote(content), '<', '","') || ']') ORDER BY key)),
         '&lt;', '<'), '&gt;', '>'), '&quot;', '"'), '&#39;', ''''), '&nbsp;', ' '), '&amp;', '&')) AS text
  FROM statuses
 WHERE reblog_of_id IS NULL AND id GLOB '[1-9]*' AND NOT id GLOB '*[^0-9]*' AND length(id) <= 18;

CREATE VIEW account_search_documents AS
SELECT id, CAST(id AS INTEGER) AS doc_id, username, display_name
  FROM accounts
 WHERE id GLOB '[1-9]*' AND NOT id GLOB '*[^0-9]*' AND length(id) <= 18;

-- Writers only note what changed; the index catches up before each search (backend/search/index.ts).
-- FTS5 writes its index with statements of its own, partly when the transaction commits, and D1
-- counts those in `meta.changes` of whichever statement of the writer's batch ran last; writers
-- read that count to see whether their own write took effect. A plain row from a trigger is not
-- a surprise there: D1 already counts trigger writes.
CREATE TABLE search_index_queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('status', 'account')),
  id TEXT NOT NULL
);

CREATE TRIGGER statuses_search_insert AFTER INSERT ON statuses WHEN NEW.reblog_of_id IS NULL
BEGIN
  INSERT INTO search_index_queue (kind, id) VALUES ('status', NEW.id);
END;
CREATE TRIGGER statuses_search_update AFTER UPDATE OF content, spoiler_text, text ON statuses WHEN NEW.reblog_of_id IS NULL
BEGIN
  INSERT INTO search_index_queue (kind, id) VALUES ('status', NEW.id);
END;
CREATE TRIGGER statuses_search_delete AFTER DELETE ON statuses WHEN OLD.reblog_of_id IS NULL
BEGIN
  INSERT INTO search_index_queue (kind, id) VALUES ('status', OLD.id);
END;
CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts
BEGIN
  INSERT INTO search_index_queue (kind, id) VALUES ('account', NEW.id);
END;
CREATE TRIGGER accounts_search_update AFTER UPDATE OF username, display_name ON accounts
BEGIN
  INSERT INTO search_index_queue (kind, id) VALUES ('account', NEW.id);
END;
CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts
BEGIN
  INSERT INTO search_index_queue (kind, id) VALUES ('account', OLD.id);
END;

-- Existing rows.
INSERT INTO statuses_fts (rowid, text) SELECT doc_id, text FROM status_search_documents;
INSERT INTO accounts_fts (rowid, username, display_name) SELECT doc_id, username, display_name FROM account_search_documents;

-- Hashtags a person follows; their posts reach that person's home timeline.
CREATE TABLE tag_follows (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX tag_follows_pair ON tag_follows (account_id, tag_id);
CREATE INDEX tag_follows_account ON tag_follows (account_id, id);
CREATE INDEX tag_follows_tag ON tag_follows (tag_id);

-- A hashtag's use per day (Tag.history): kept by a trigger as statuses are tagged, so reading a
-- week is at most 7 rows however popular the tag is. `day` counts days since the epoch (UTC).
-- Uses are counted when a post is tagged and not taken back if it is deleted, as Mastodon does.
CREATE TABLE tag_days (
  tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  day INTEGER NOT NULL,
  uses INTEGER NOT NULL DEFAULT 0,
  accounts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (tag_id, day)
) WITHOUT ROWID;
-- Who used a tag on a day, so that `accounts` counts each account once; pruned past a week.
CREATE TABLE tag_day_accounts (
  tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  day INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  PRIMARY KEY (tag_id, day, account_id)
) WITHOUT ROWID;

-- Posts from the last week, with the day they were written.
CREATE VIEW status_recent_days AS
SELECT id, account_id, CAST(strftime('%s', created_at) AS INTEGER) / 86400 AS day
  FROM statuses
 WHERE created_at >= strftime('%Y-%m-%dT00:00:00.000Z', 'now', '-6 days');

CREATE TRIGGER tag_days_count AFTER INSERT ON status_tags
BEGIN
  INSERT OR IGNORE INTO tag_days (tag_id, day) SELECT NEW.tag_id, day FROM status_recent_days WHERE id = NEW.status_id;
  UPDATE tag_days
     SET uses = uses + 1,
         accounts = accounts + NOT EXISTS (
           SELECT 1 FROM tag_day_accounts ta JOIN status_recent_days s ON s.id = NEW.status_id
            WHERE ta.tag_id = NEW.tag_id AND ta.day = s.day AND ta.account_id = s.account_id)
   WHERE tag_id = NEW.tag_id AND day = (SELECT day FROM status_recent_days WHERE id = NEW.status_id);
  INSERT OR IGNORE INTO tag_day_accounts (tag_id, day, account_id) SELECT NEW.tag_id, day, account_id FROM status_recent_days WHERE id = NEW.status_id;
  DELETE FROM tag_day_accounts WHERE tag_id = NEW.tag_id AND day < CAST(strftime('%s', 'now') AS INTEGER) / 86400 - 7;
END;

-- Existing tags: count the last week from what is stored.
INSERT INTO tag_day_accounts (tag_id, day, account_id)
SELECT DISTINCT st.tag_id, s.day, s.account_id FROM status_tags st JOIN status_recent_days s ON s.id = st.status_id;
INSERT INTO tag_days (tag_id, day, uses, accounts)
SELECT st.tag_id, s.day, count(*), count(DISTINCT s.account_id) FROM status_tags st JOIN status_recent_days s ON s.id = st.status_id GROUP BY st.tag_id, s.day;

-- /api/v1/custom_emojis lists this instance's emoji in shortcode order without reading remote ones.
CREATE INDEX custom_emojis_local ON custom_emojis (domain, shortcode);
