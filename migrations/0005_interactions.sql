-- Interactions shared by the client API and federation: notifications, blocks and mutes, pins,
-- conversation mutes, edit history, idempotent posting, read markers and custom emoji.

-- The author's source text of a local status, for edits, /source, redrafts and search.
-- NULL for remote statuses, whose source we never see.
ALTER TABLE statuses ADD COLUMN text TEXT;

-- What federation needs of a remote actor, refreshed from its document (fetched_at says when).
ALTER TABLE accounts ADD COLUMN actor_type TEXT NOT NULL DEFAULT 'Person';
ALTER TABLE accounts ADD COLUMN inbox_url TEXT;
ALTER TABLE accounts ADD COLUMN shared_inbox_url TEXT;
ALTER TABLE accounts ADD COLUMN outbox_url TEXT;
ALTER TABLE accounts ADD COLUMN followers_url TEXT;
ALTER TABLE accounts ADD COLUMN following_url TEXT;
ALTER TABLE accounts ADD COLUMN featured_url TEXT;
ALTER TABLE accounts ADD COLUMN key_id TEXT;
ALTER TABLE accounts ADD COLUMN fetched_at TEXT;
ALTER TABLE accounts ADD COLUMN moved_to_account_id TEXT REFERENCES accounts (id) ON DELETE SET NULL;
CREATE INDEX accounts_key_id ON accounts (key_id) WHERE key_id IS NOT NULL;

-- Delivery health per remote host: an instance that has failed for days is skipped until it answers again.
CREATE TABLE peers (
  domain TEXT PRIMARY KEY,
  first_failure_at TEXT,
  last_failure_at TEXT,
  last_success_at TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  unreachable INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  -- The local account notified.
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  from_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  type TEXT NOT NULL CHECK (type IN ('mention', 'status', 'reblog', 'follow', 'follow_request', 'favourite',
    'poll', 'update', 'admin.sign_up', 'admin.report', 'severed_relationships', 'moderation_warning')),
  status_id TEXT REFERENCES statuses (id) ON DELETE CASCADE,
  -- Delivery is at least once: the same event processed twice must notify once.
  dedupe_key TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX notifications_dedupe ON notifications (account_id, dedupe_key);
CREATE INDEX notifications_account ON notifications (account_id, id);
CREATE INDEX notifications_account_type ON notifications (account_id, type, id);
CREATE INDEX notifications_account_from ON notifications (account_id, from_account_id, id);
CREATE INDEX notifications_status ON notifications (status_id) WHERE status_id IS NOT NULL;
CREATE INDEX notifications_from ON notifications (from_account_id);

CREATE TABLE blocks (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- The Block activity's id, so that an inbound Undo can find it.
  uri TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK (account_id <> target_account_id)
);
CREATE UNIQUE INDEX blocks_pair ON blocks (account_id, target_account_id);
CREATE INDEX blocks_target ON blocks (target_account_id, account_id);
CREATE INDEX blocks_account ON blocks (account_id, id);
CREATE UNIQUE INDEX blocks_uri ON blocks (uri) WHERE uri IS NOT NULL;

CREATE TABLE mutes (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- Whether the mute also hides notifications from the account (Mastodon's default: yes).
  notifications INTEGER NOT NULL DEFAULT 1,
  expires_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK (account_id <> target_account_id)
);
CREATE UNIQUE INDEX mutes_pair ON mutes (account_id, target_account_id);
CREATE INDEX mutes_account ON mutes (account_id, id);

CREATE TABLE status_pins (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_id, status_id)
) WITHOUT ROWID;
CREATE INDEX status_pins_status ON status_pins (status_id);

-- A muted conversation, keyed by the status the person muted; notifications about that status
-- and its replies are left out.
CREATE TABLE status_mutes (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_id, status_id)
) WITHOUT ROWID;
CREATE INDEX status_mutes_status ON status_mutes (status_id);

-- Every version of an edited status, the original first, as /api/v1/statuses/:id/history lists them.
CREATE TABLE status_edits (
  id TEXT PRIMARY KEY,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  content TEXT NOT NULL,
  spoiler_text TEXT NOT NULL DEFAULT '',
  sensitive INTEGER NOT NULL DEFAULT 0,
  media_json TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX status_edits_status ON status_edits (status_id, id);

-- The Idempotency-Key a client sent with a post, so that a retried request returns the first post.
CREATE TABLE idempotency_keys (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_status ON idempotency_keys (status_id);

-- Where a person has read up to, per timeline (home, notifications), with Mastodon's version counter.
CREATE TABLE markers (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  timeline TEXT NOT NULL CHECK (timeline IN ('home', 'notifications')),
  last_read_id TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_id, timeline)
) WITHOUT ROWID;

CREATE TABLE custom_emojis (
  id TEXT PRIMARY KEY,
  shortcode TEXT NOT NULL,
  -- '' for this instance's own emoji.
  domain TEXT NOT NULL DEFAULT '',
  -- The Emoji object's id for remote emoji.
  uri TEXT,
  url TEXT NOT NULL,
  static_url TEXT NOT NULL,
  r2_key TEXT,
  visible_in_picker INTEGER NOT NULL DEFAULT 1,
  category TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX custom_emojis_shortcode ON custom_emojis (shortcode, domain);
