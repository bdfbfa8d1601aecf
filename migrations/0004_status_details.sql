-- What a status carries besides its text: media, hashtags and mentions.

ALTER TABLE statuses ADD COLUMN in_reply_to_account_id TEXT;
-- Kept by triggers, so rendering a page looks up media, tags and mentions only for the statuses
-- that have them: D1 counts every index probe, found or not.
ALTER TABLE statuses ADD COLUMN media_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statuses ADD COLUMN tags_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statuses ADD COLUMN mentions_count INTEGER NOT NULL DEFAULT 0;

CREATE TABLE media_attachments (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- NULL until a status uses it; uploads that never get used are cleaned up later.
  status_id TEXT REFERENCES statuses (id) ON DELETE CASCADE,
  type TEXT NOT NULL CHECK (type IN ('image', 'gifv', 'video', 'audio', 'unknown')),
  -- Key of the object in the MEDIA bucket for local files; NULL for remote ones.
  r2_key TEXT,
  remote_url TEXT,
  content_type TEXT NOT NULL DEFAULT 'application/octet-stream',
  size INTEGER,
  width INTEGER,
  height INTEGER,
  description TEXT,
  focus_x REAL NOT NULL DEFAULT 0,
  focus_y REAL NOT NULL DEFAULT 0,
  blurhash TEXT,
  position INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX media_attachments_status ON media_attachments (status_id, position) WHERE status_id IS NOT NULL;
CREATE INDEX media_attachments_unattached ON media_attachments (account_id, created_at) WHERE status_id IS NULL;

CREATE TABLE tags (
  id TEXT PRIMARY KEY,
  -- Stored as first written; matched case-insensitively, as Mastodon does.
  name TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX tags_name ON tags (name COLLATE NOCASE);

-- Keyed (tag_id, status_id) so a tag timeline page is one index range scan.
CREATE TABLE status_tags (
  tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  PRIMARY KEY (tag_id, status_id)
) WITHOUT ROWID;
CREATE INDEX status_tags_status ON status_tags (status_id);

CREATE TABLE status_mentions (
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (status_id, account_id)
) WITHOUT ROWID;
CREATE INDEX status_mentions_account ON status_mentions (account_id, status_id);

CREATE TRIGGER media_attached_insert AFTER INSERT ON media_attachments WHEN NEW.status_id IS NOT NULL
BEGIN
  UPDATE statuses SET media_count = media_count + 1 WHERE id = NEW.status_id;
END;
CREATE TRIGGER media_attached_update AFTER UPDATE OF status_id ON media_attachments WHEN OLD.status_id IS NOT NEW.status_id
BEGIN
  UPDATE statuses SET media_count = max(media_count - 1, 0) WHERE id = OLD.status_id;
  UPDATE statuses SET media_count = media_count + 1 WHERE id = NEW.status_id;
END;
CREATE TRIGGER media_attached_delete AFTER DELETE ON media_attachments WHEN OLD.status_id IS NOT NULL
BEGIN
  UPDATE statuses SET media_count = max(media_count - 1, 0) WHERE id = OLD.status_id;
END;
CREATE TRIGGER status_tags_insert AFTER INSERT ON status_tags
BEGIN
  UPDATE statuses SET tags_count = tags_count + 1 WHERE id = NEW.status_id;
END;
CREATE TRIGGER status_tags_delete AFTER DELETE ON status_tags
BEGIN
  UPDATE statuses SET tags_count = max(tags_count - 1, 0) WHERE id = OLD.status_id;
END;
CREATE TRIGGER status_mentions_insert AFTER INSERT ON status_mentions
BEGIN
  UPDATE statuses SET mentions_count = mentions_count + 1 WHERE id = NEW.status_id;
END;
CREATE TRIGGER status_mentions_delete AFTER DELETE ON status_mentions
BEGIN
  UPDATE statuses SET mentions_count = max(mentions_count - 1, 0) WHERE id = OLD.status_id;
END;
