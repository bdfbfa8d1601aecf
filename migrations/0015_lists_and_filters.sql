-- Lists (with their own fanned-out feeds, like home) and content filters.

CREATE TABLE lists (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  replies_policy TEXT NOT NULL DEFAULT 'list' CHECK (replies_policy IN ('followed', 'list', 'none')),
  -- Posts of an exclusive list's members stay out of the owner's home timeline.
  exclusive INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX lists_account ON lists (account_id, id);

CREATE TABLE list_accounts (
  list_id TEXT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (list_id, account_id)
) WITHOUT ROWID;
CREATE INDEX list_accounts_account ON list_accounts (account_id, list_id);

-- A list's timeline, fanned out on write like home_feed: a page is one range scan.
CREATE TABLE list_feed (
  list_id TEXT NOT NULL REFERENCES lists (id) ON DELETE CASCADE,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  author_id TEXT NOT NULL,
  PRIMARY KEY (list_id, status_id)
) WITHOUT ROWID;
CREATE INDEX list_feed_author ON list_feed (list_id, author_id);
CREATE INDEX list_feed_status ON list_feed (status_id);

-- Leaving a list takes the member's posts out of its feed.
CREATE TRIGGER list_accounts_delete AFTER DELETE ON list_accounts
BEGIN
  DELETE FROM list_feed WHERE list_id = OLD.list_id AND author_id = OLD.account_id;
END;
-- Unfollowing someone takes them out of one's lists, as in Mastodon.
CREATE TRIGGER follows_delete_leaves_lists AFTER DELETE ON follows
BEGIN
  DELETE FROM list_accounts WHERE account_id = OLD.target_account_id
    AND list_id IN (SELECT id FROM lists WHERE account_id = OLD.account_id);
END;

CREATE TABLE filters (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  title TEXT NOT NULL,
  -- JSON array of: home, notifications, public, thread, account.
  context TEXT NOT NULL,
  filter_action TEXT NOT NULL DEFAULT 'warn' CHECK (filter_action IN ('warn', 'hide', 'blur')),
  expires_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX filters_account ON filters (account_id, id);

CREATE TABLE filter_keywords (
  id TEXT PRIMARY KEY,
  filter_id TEXT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
  keyword TEXT NOT NULL,
  whole_word INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX filter_keywords_filter ON filter_keywords (filter_id, id);

CREATE TABLE filter_statuses (
  id TEXT PRIMARY KEY,
  filter_id TEXT NOT NULL REFERENCES filters (id) ON DELETE CASCADE,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX filter_statuses_pair ON filter_statuses (filter_id, status_id);
CREATE INDEX filter_statuses_status ON filter_statuses (status_id);
