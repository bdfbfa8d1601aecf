-- Grouped notifications (Mastodon 4.3), notification policies and requests, and trends.

-- The group a notification belongs to, decided once when it is stored (backend/notifications/create.ts)
-- so that a page of groups is a range read of the notifications index. Favourites and reblogs of one
-- status group by hour bucket (a group keeps its bucket for 12 hours, as Mastodon does); follows by
-- day; everything else is `ungrouped-<id>`.
ALTER TABLE notifications ADD COLUMN group_key TEXT NOT NULL DEFAULT '';
-- 1 when the recipient's notification policy filtered it: it waits in a notification request.
ALTER TABLE notifications ADD COLUMN filtered INTEGER NOT NULL DEFAULT 0;

-- Existing rows: the same keys, by the hour or day they were created (without the 12-hour carry-over).
UPDATE notifications SET group_key = CASE
    WHEN type IN ('favourite', 'reblog') AND status_id IS NOT NULL
      THEN type || '-' || status_id || '-' || (CAST(strftime('%s', created_at) AS INTEGER) / 3600)
    WHEN type = 'follow' THEN 'follow-d' || (CAST(strftime('%s', created_at) AS INTEGER) / 86400)
    ELSE 'ungrouped-' || id
  END;

CREATE INDEX notifications_group ON notifications (account_id, group_key, id);
-- What lists read: the recipient's unfiltered notifications, newest first.
CREATE INDEX notifications_listed ON notifications (account_id, id) WHERE filtered = 0;

-- Per recipient: what happens to notifications from each kind of stranger. No row = Mastodon's defaults.
CREATE TABLE notification_policies (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  for_not_following TEXT NOT NULL DEFAULT 'accept' CHECK (for_not_following IN ('accept', 'filter', 'drop')),
  for_not_followers TEXT NOT NULL DEFAULT 'accept' CHECK (for_not_followers IN ('accept', 'filter', 'drop')),
  for_new_accounts TEXT NOT NULL DEFAULT 'accept' CHECK (for_new_accounts IN ('accept', 'filter', 'drop')),
  for_private_mentions TEXT NOT NULL DEFAULT 'filter' CHECK (for_private_mentions IN ('accept', 'filter', 'drop')),
  for_limited_accounts TEXT NOT NULL DEFAULT 'filter' CHECK (for_limited_accounts IN ('accept', 'filter', 'drop')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

-- Senders whose request the recipient accepted: their notifications pass the policy from then on.
CREATE TABLE notification_permissions (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  from_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_id, from_account_id)
) WITHOUT ROWID;

-- Filtered notifications, one request per sender, kept up to date as they are stored.
CREATE TABLE notification_requests (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  from_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  last_status_id TEXT REFERENCES statuses (id) ON DELETE SET NULL,
  notifications_count INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX notification_requests_pair ON notification_requests (account_id, from_account_id);
CREATE INDEX notification_requests_account ON notification_requests (account_id, id);

-- Trending tags read the busiest tags of a day from tag_days (0006) without reading the others.
CREATE INDEX tag_days_rank ON tag_days (day, accounts, uses);

-- Trending statuses: public, original statuses of the last two days with a score of favourites +
-- reblogs, kept by triggers. Statuses older than the window are never written, and rows past it are
-- pruned as new ones come, so the table holds about two days of interacted-with posts.
CREATE TABLE status_trends (
  status_id TEXT PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
  day INTEGER NOT NULL,
  score INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX status_trends_rank ON status_trends (day, score, status_id);

CREATE VIEW status_trend_candidates AS
SELECT id, CAST(strftime('%s', created_at) AS INTEGER) / 86400 AS day
  FROM statuses
 WHERE visibility = 'public' AND reblog_of_id IS NULL
   AND created_at >= strftime('%Y-%m-%dT00:00:00.000Z', 'now', '-1 days');

CREATE TRIGGER status_trends_favourite AFTER INSERT ON favourites
BEGIN
  INSERT INTO status_trends (status_id, day, score) SELECT id, day, 1 FROM status_trend_candidates WHERE id = NEW.status_id
    ON CONFLICT (status_id) DO UPDATE SET score = score + 1;
  DELETE FROM status_trends WHERE day < CAST(strftime('%s', 'now') AS INTEGER) / 86400 - 2;
END;
CREATE TRIGGER status_trends_unfavourite AFTER DELETE ON favourites
BEGIN
  UPDATE status_trends SET score = max(score - 1, 0) WHERE status_id = OLD.status_id;
END;
CREATE TRIGGER status_trends_reblog AFTER INSERT ON statuses WHEN NEW.reblog_of_id IS NOT NULL
BEGIN
  INSERT INTO status_trends (status_id, day, score) SELECT id, day, 1 FROM status_trend_candidates WHERE id = NEW.reblog_of_id
    ON CONFLICT (status_id) DO UPDATE SET score = score + 1;
END;
CREATE TRIGGER status_trends_unreblog AFTER DELETE ON statuses WHEN OLD.reblog_of_id IS NOT NULL
BEGIN
  UPDATE status_trends SET score = max(score - 1, 0) WHERE status_id = OLD.reblog_of_id;
END;

-- Existing recent statuses with interactions.
INSERT INTO status_trends (status_id, day, score)
SELECT c.id, c.day, s.favourites_count + s.reblogs_count FROM status_trend_candidates c JOIN statuses s ON s.id = c.id
 WHERE s.favourites_count + s.reblogs_count > 0;

-- Trending links. The links of a public status, normalized (backend/trends/links.ts), written in
-- the batch that stores the status; INSERT OR IGNORE makes a redelivered status count once.
CREATE TABLE status_links (
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  account_id TEXT NOT NULL,
  day INTEGER NOT NULL,
  PRIMARY KEY (status_id, url)
) WITHOUT ROWID;
-- A link's use per day, as tag_days counts tags: reading a week of history is at most 7 rows.
CREATE TABLE link_days (
  url TEXT NOT NULL,
  day INTEGER NOT NULL,
  uses INTEGER NOT NULL DEFAULT 0,
  accounts INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (url, day)
) WITHOUT ROWID;
CREATE INDEX link_days_rank ON link_days (day, accounts, uses);
-- Who shared a link on a day, so that `accounts` counts each account once; pruned past a week.
CREATE TABLE link_day_accounts (
  url TEXT NOT NULL,
  day INTEGER NOT NULL,
  account_id TEXT NOT NULL,
  PRIMARY KEY (url, day, account_id)
) WITHOUT ROWID;

CREATE TRIGGER link_days_count AFTER INSERT ON status_links
BEGIN
  INSERT INTO link_days (url, day, uses, accounts)
  VALUES (NEW.url, NEW.day, 1, NOT EXISTS (SELECT 1 FROM link_day_accounts WHERE url = NEW.url AND day = NEW.day AND account_id = NEW.account_id))
  ON CONFLICT (url, day) DO UPDATE SET uses = uses + 1, accounts = accounts + excluded.accounts;
  INSERT OR IGNORE INTO link_day_accounts (url, day, account_id) VALUES (NEW.url, NEW.day, NEW.account_id);
  DELETE FROM link_day_accounts WHERE url = NEW.url AND day < NEW.day - 7;
END;
