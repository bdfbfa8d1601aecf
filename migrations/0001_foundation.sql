-- Herd foundation schema.
-- Local accounts use domain = '' (not NULL) so that UNIQUE(username, domain) holds for them:
-- SQLite treats NULLs as distinct in unique indexes.

CREATE TABLE instance_settings (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  title TEXT NOT NULL,
  short_description TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  contact_email TEXT NOT NULL DEFAULT '',
  thumbnail_url TEXT,
  languages TEXT NOT NULL DEFAULT '["en"]',
  registrations_mode TEXT NOT NULL DEFAULT 'closed'
    CHECK (registrations_mode IN ('open', 'approval', 'closed')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO instance_settings (id, title, short_description, description)
VALUES (1, 'Herd', 'A small corner of the social web.',
        'This server runs Herd: ActivityPub, the Mastodon client API and a bridge into the AT Protocol, on Cloudflare.');

CREATE TABLE instance_rules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  position INTEGER NOT NULL DEFAULT 0,
  text TEXT NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
  hint TEXT NOT NULL DEFAULT ''
);
CREATE INDEX instance_rules_position ON instance_rules (position, id);

CREATE TABLE accounts (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  domain TEXT NOT NULL DEFAULT '',
  uri TEXT NOT NULL UNIQUE,
  url TEXT,
  display_name TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  avatar_url TEXT,
  header_url TEXT,
  locked INTEGER NOT NULL DEFAULT 0,
  bot INTEGER NOT NULL DEFAULT 0,
  discoverable INTEGER NOT NULL DEFAULT 1,
  fields TEXT NOT NULL DEFAULT '[]',
  followers_count INTEGER NOT NULL DEFAULT 0,
  following_count INTEGER NOT NULL DEFAULT 0,
  statuses_count INTEGER NOT NULL DEFAULT 0,
  last_status_at TEXT,
  last_active_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX accounts_username_domain ON accounts (username COLLATE NOCASE, domain);
CREATE INDEX accounts_local_active ON accounts (domain, last_active_at);

CREATE TABLE statuses (
  id TEXT PRIMARY KEY,
  uri TEXT NOT NULL UNIQUE,
  url TEXT,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  local INTEGER NOT NULL DEFAULT 0,
  in_reply_to_id TEXT,
  reblog_of_id TEXT,
  content TEXT NOT NULL DEFAULT '',
  spoiler_text TEXT NOT NULL DEFAULT '',
  sensitive INTEGER NOT NULL DEFAULT 0,
  language TEXT,
  visibility TEXT NOT NULL DEFAULT 'public'
    CHECK (visibility IN ('public', 'unlisted', 'private', 'direct')),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  edited_at TEXT
);
CREATE INDEX statuses_account ON statuses (account_id, id);

-- Instance-wide counters kept by triggers, so NodeInfo and /api/v1/instance read one row
-- instead of counting tables that grow without bound.
CREATE TABLE instance_counters (
  name TEXT PRIMARY KEY,
  value INTEGER NOT NULL DEFAULT 0
);
INSERT INTO instance_counters (name, value) VALUES ('local_accounts', 0), ('local_statuses', 0), ('known_domains', 0);

CREATE TRIGGER accounts_count_insert AFTER INSERT ON accounts WHEN NEW.domain = ''
BEGIN
  UPDATE instance_counters SET value = value + 1 WHERE name = 'local_accounts';
END;
CREATE TRIGGER accounts_count_delete AFTER DELETE ON accounts WHEN OLD.domain = ''
BEGIN
  UPDATE instance_counters SET value = value - 1 WHERE name = 'local_accounts';
END;
CREATE TRIGGER statuses_count_insert AFTER INSERT ON statuses WHEN NEW.local = 1
BEGIN
  UPDATE instance_counters SET value = value + 1 WHERE name = 'local_statuses';
END;
CREATE TRIGGER statuses_count_delete AFTER DELETE ON statuses WHEN OLD.local = 1
BEGIN
  UPDATE instance_counters SET value = value - 1 WHERE name = 'local_statuses';
END;

-- One row per queue probe: /health enqueues, the consumer records when it processed it.
CREATE TABLE queue_heartbeats (
  name TEXT PRIMARY KEY,
  enqueued_at TEXT,
  processed_at TEXT,
  last_message_id TEXT
);
