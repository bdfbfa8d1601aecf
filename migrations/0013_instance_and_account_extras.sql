-- What clients read besides timelines: instance activity, domain blocks, announcements, markers'
-- neighbours (endorsements, featured tags, per-person domain blocks) and reports.

-- Domains the instance refuses or limits. `suspend` refuses all federation with the domain.
CREATE TABLE instance_domain_blocks (
  domain TEXT PRIMARY KEY,
  severity TEXT NOT NULL DEFAULT 'suspend' CHECK (severity IN ('silence', 'suspend', 'noop')),
  public_comment TEXT,
  private_comment TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

-- Weekly activity for /api/v1/instance/activity, kept by triggers: reading 12 weeks reads 12 rows.
-- `week` is the Monday (UTC) starting the week.
CREATE TABLE instance_activity (
  week TEXT PRIMARY KEY,
  statuses INTEGER NOT NULL DEFAULT 0,
  logins INTEGER NOT NULL DEFAULT 0,
  registrations INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

CREATE TRIGGER instance_activity_statuses AFTER INSERT ON statuses WHEN NEW.local = 1
BEGIN
  INSERT INTO instance_activity (week, statuses) VALUES (date(NEW.created_at, '-6 days', 'weekday 1'), 1)
    ON CONFLICT (week) DO UPDATE SET statuses = statuses + 1;
END;
CREATE TRIGGER instance_activity_registrations AFTER INSERT ON accounts WHEN NEW.domain = ''
BEGIN
  INSERT INTO instance_activity (week, registrations) VALUES (date(NEW.created_at, '-6 days', 'weekday 1'), 1)
    ON CONFLICT (week) DO UPDATE SET registrations = registrations + 1;
END;
-- A login counts once per person per week: when their last activity moves into a new week.
CREATE TRIGGER instance_activity_logins AFTER UPDATE OF last_active_at ON accounts
WHEN NEW.domain = '' AND NEW.last_active_at IS NOT NULL
  AND (OLD.last_active_at IS NULL OR date(OLD.last_active_at, '-6 days', 'weekday 1') <> date(NEW.last_active_at, '-6 days', 'weekday 1'))
BEGIN
  INSERT INTO instance_activity (week, logins) VALUES (date(NEW.last_active_at, '-6 days', 'weekday 1'), 1)
    ON CONFLICT (week) DO UPDATE SET logins = logins + 1;
END;

-- Peers for /api/v1/instance/peers and the directory: found through an index, not a table scan.
CREATE INDEX accounts_domain ON accounts (domain);
CREATE INDEX accounts_directory ON accounts (discoverable, last_status_at);

CREATE TABLE announcements (
  id TEXT PRIMARY KEY,
  -- HTML, written by the admin through the owner pages and sanitized on save.
  content TEXT NOT NULL,
  starts_at TEXT,
  ends_at TEXT,
  all_day INTEGER NOT NULL DEFAULT 0,
  published INTEGER NOT NULL DEFAULT 1,
  published_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX announcements_published ON announcements (published, published_at);

CREATE TABLE announcement_reactions (
  announcement_id TEXT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (announcement_id, account_id, name)
) WITHOUT ROWID;

CREATE TABLE announcement_dismissals (
  announcement_id TEXT NOT NULL REFERENCES announcements (id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (account_id, announcement_id)
) WITHOUT ROWID;

-- Accounts a person features on their profile (Mastodon's endorsements).
CREATE TABLE account_endorsements (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_id, target_account_id)
) WITHOUT ROWID;

-- Hashtags a person features, with their use counted by triggers instead of on every read.
CREATE TABLE featured_tags (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
  statuses_count INTEGER NOT NULL DEFAULT 0,
  last_status_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX featured_tags_pair ON featured_tags (account_id, tag_id);
CREATE INDEX featured_tags_tag ON featured_tags (tag_id, account_id);

CREATE TRIGGER featured_tags_count_insert AFTER INSERT ON status_tags
BEGIN
  UPDATE featured_tags SET statuses_count = statuses_count + 1,
    last_status_at = max(coalesce(last_status_at, ''), (SELECT created_at FROM statuses WHERE id = NEW.status_id))
  WHERE tag_id = NEW.tag_id AND account_id = (SELECT account_id FROM statuses WHERE id = NEW.status_id);
END;
CREATE TRIGGER featured_tags_count_delete AFTER DELETE ON status_tags
BEGIN
  UPDATE featured_tags SET statuses_count = max(statuses_count - 1, 0)
  WHERE tag_id = OLD.tag_id AND account_id = (SELECT account_id FROM statuses WHERE id = OLD.status_id);
END;

-- Domains one person hides: their posts and notifications, and follows from them.
CREATE TABLE account_domain_blocks (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  domain TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_id, domain)
) WITHOUT ROWID;

CREATE TABLE reports (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- JSON arrays of ids.
  status_ids TEXT NOT NULL DEFAULT '[]',
  rule_ids TEXT NOT NULL DEFAULT '[]',
  comment TEXT NOT NULL DEFAULT '',
  category TEXT NOT NULL DEFAULT 'other' CHECK (category IN ('spam', 'legal', 'violation', 'other')),
  forwarded INTEGER NOT NULL DEFAULT 0,
  action_taken_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX reports_open ON reports (action_taken_at, id);
CREATE INDEX reports_account ON reports (account_id, id);

-- Existing history: the weeks already lived through, counted once.
INSERT INTO instance_activity (week, statuses)
SELECT date(created_at, '-6 days', 'weekday 1') AS w, count(*) FROM statuses WHERE local = 1 GROUP BY w
ON CONFLICT (week) DO UPDATE SET statuses = statuses + excluded.statuses;
INSERT INTO instance_activity (week, registrations)
SELECT date(created_at, '-6 days', 'weekday 1') AS w, count(*) FROM accounts WHERE domain = '' GROUP BY w
ON CONFLICT (week) DO UPDATE SET registrations = registrations + excluded.registrations;
