-- What a status carries besides its text: media, hashtags and mentions.

ALTER TABLE statuses ADD COLUMN in_reply_to_account_id TEXT;
-- Snapshots of what a status carries, rebuilt by triggers from the tables below whenever they
-- change. Rendering a page then reads its statuses and their authors and nothing else: D1 counts
-- every index entry it visits, and per-status lookups of media, tags and mentions tripled the cost.
ALTER TABLE statuses ADD COLUMN media_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE statuses ADD COLUMN tags_json TEXT NOT NULL DEFAULT '[]';
ALTER TABLE statuses ADD COLUMN mentions_json TEXT NOT NULL DEFAULT '[]';

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

-- Each snapshot is defined once, as a view; the triggers below only copy it onto the status.
CREATE VIEW status_media_snapshots AS
SELECT status_id, json_group_array(json_object('id', id, 'type', type, 'r2_key', r2_key, 'remote_url', remote_url,
         'description', description, 'blurhash', blurhash, 'width', width, 'height', height,
         'focus_x', focus_x, 'focus_y', focus_y)) AS json
  FROM (SELECT * FROM media_attachments WHERE status_id IS NOT NULL ORDER BY status_id, position, id)
 GROUP BY status_id;

CREATE VIEW status_tag_snapshots AS
SELECT status_id, json_group_array(name) AS json
  FROM (SELECT st.status_id, t.name FROM status_tags st JOIN tags t ON t.id = st.tag_id ORDER BY st.status_id, t.name)
 GROUP BY status_id;

CREATE VIEW status_mention_snapshots AS
SELECT status_id, json_group_array(json_object('id', id, 'username', username, 'domain', domain, 'url', url, 'uri', uri)) AS json
  FROM (SELECT sm.status_id, a.* FROM status_mentions sm JOIN accounts a ON a.id = sm.account_id ORDER BY sm.status_id, a.id)
 GROUP BY status_id;

CREATE TRIGGER media_snapshot_insert AFTER INSERT ON media_attachments WHEN NEW.status_id IS NOT NULL
BEGIN
  UPDATE statuses SET media_json = coalesce((SELECT json FROM status_media_snapshots WHERE status_id = NEW.status_id), '[]') WHERE id = NEW.status_id;
END;
CREATE TRIGGER media_snapshot_update AFTER UPDATE ON media_attachments
BEGIN
  UPDATE statuses SET media_json = coalesce((SELECT json FROM status_media_snapshots WHERE status_id = OLD.status_id), '[]') WHERE id = OLD.status_id;
  UPDATE statuses SET media_json = coalesce((SELECT json FROM status_media_snapshots WHERE status_id = NEW.status_id), '[]') WHERE id = NEW.status_id;
END;
CREATE TRIGGER media_snapshot_delete AFTER DELETE ON media_attachments WHEN OLD.status_id IS NOT NULL
BEGIN
  UPDATE statuses SET media_json = coalesce((SELECT json FROM status_media_snapshots WHERE status_id = OLD.status_id), '[]') WHERE id = OLD.status_id;
END;
CREATE TRIGGER tags_snapshot_insert AFTER INSERT ON status_tags
BEGIN
  UPDATE statuses SET tags_json = coalesce((SELECT json FROM status_tag_snapshots WHERE status_id = NEW.status_id), '[]') WHERE id = NEW.status_id;
END;
CREATE TRIGGER tags_snapshot_delete AFTER DELETE ON status_tags
BEGIN
  UPDATE statuses SET tags_json = coalesce((SELECT json FROM status_tag_snapshots WHERE status_id = OLD.status_id), '[]') WHERE id = OLD.status_id;
END;
CREATE TRIGGER mentions_snapshot_insert AFTER INSERT ON status_mentions
BEGIN
  UPDATE statuses SET mentions_json = coalesce((SELECT json FROM status_mention_snapshots WHERE status_id = NEW.status_id), '[]') WHERE id = NEW.status_id;
END;
CREATE TRIGGER mentions_snapshot_delete AFTER DELETE ON status_mentions
BEGIN
  UPDATE statuses SET mentions_json = coalesce((SELECT json FROM status_mention_snapshots WHERE status_id = OLD.status_id), '[]') WHERE id = OLD.status_id;
END;
