-- The social graph and the timelines built on it.
-- Design: home timelines are fanned out on write into home_feed (as Mastodon does), so reading a
-- page is one index range scan bounded by the page size, however many accounts are followed.
-- Counts live in columns kept by triggers; nothing is counted per row at read time.

ALTER TABLE statuses ADD COLUMN replies_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statuses ADD COLUMN reblogs_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE statuses ADD COLUMN favourites_count INTEGER NOT NULL DEFAULT 0;

-- Public timelines skip reblogs, as Mastodon's do; partial indexes keep them to public posts.
CREATE INDEX statuses_public ON statuses (id) WHERE visibility = 'public' AND reblog_of_id IS NULL;
CREATE INDEX statuses_public_by_origin ON statuses (local, id) WHERE visibility = 'public' AND reblog_of_id IS NULL;
CREATE INDEX statuses_in_reply_to ON statuses (in_reply_to_id, id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX statuses_reblog_of ON statuses (reblog_of_id, account_id) WHERE reblog_of_id IS NOT NULL;

CREATE TABLE follows (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- The Follow activity's id, so that Accept, Reject and Undo can find it.
  uri TEXT,
  state TEXT NOT NULL DEFAULT 'accepted' CHECK (state IN ('pending', 'accepted')),
  show_reblogs INTEGER NOT NULL DEFAULT 1,
  notify INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  CHECK (account_id <> target_account_id)
);
CREATE UNIQUE INDEX follows_pair ON follows (account_id, target_account_id);
CREATE INDEX follows_target ON follows (target_account_id, state, id);
CREATE INDEX follows_source ON follows (account_id, state, id);
CREATE UNIQUE INDEX follows_uri ON follows (uri) WHERE uri IS NOT NULL;

CREATE TRIGGER follows_count_insert AFTER INSERT ON follows WHEN NEW.state = 'accepted'
BEGIN
  UPDATE accounts SET following_count = following_count + 1 WHERE id = NEW.account_id;
  UPDATE accounts SET followers_count = followers_count + 1 WHERE id = NEW.target_account_id;
END;
CREATE TRIGGER follows_count_accept AFTER UPDATE OF state ON follows WHEN OLD.state = 'pending' AND NEW.state = 'accepted'
BEGIN
  UPDATE accounts SET following_count = following_count + 1 WHERE id = NEW.account_id;
  UPDATE accounts SET followers_count = followers_count + 1 WHERE id = NEW.target_account_id;
END;
CREATE TRIGGER follows_count_delete AFTER DELETE ON follows WHEN OLD.state = 'accepted'
BEGIN
  UPDATE accounts SET following_count = max(following_count - 1, 0) WHERE id = OLD.account_id;
  UPDATE accounts SET followers_count = max(followers_count - 1, 0) WHERE id = OLD.target_account_id;
END;

-- One row per entry in a local account's home timeline. status_id is the entry (a post or a reblog);
-- author_id lets an unfollow, mute or block remove that author's entries without scanning statuses.
CREATE TABLE home_feed (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  author_id TEXT NOT NULL,
  PRIMARY KEY (account_id, status_id)
) WITHOUT ROWID;
CREATE INDEX home_feed_author ON home_feed (account_id, author_id);
CREATE INDEX home_feed_status ON home_feed (status_id);

CREATE TABLE favourites (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  uri TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX favourites_pair ON favourites (account_id, status_id);
CREATE INDEX favourites_status ON favourites (status_id, id);
CREATE INDEX favourites_account ON favourites (account_id, id);
CREATE UNIQUE INDEX favourites_uri ON favourites (uri) WHERE uri IS NOT NULL;

CREATE TABLE bookmarks (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX bookmarks_pair ON bookmarks (account_id, status_id);
CREATE INDEX bookmarks_account ON bookmarks (account_id, id);

CREATE TRIGGER favourites_count_insert AFTER INSERT ON favourites
BEGIN
  UPDATE statuses SET favourites_count = favourites_count + 1 WHERE id = NEW.status_id;
END;
CREATE TRIGGER favourites_count_delete AFTER DELETE ON favourites
BEGIN
  UPDATE statuses SET favourites_count = max(favourites_count - 1, 0) WHERE id = OLD.status_id;
END;

CREATE TRIGGER statuses_relations_insert AFTER INSERT ON statuses
BEGIN
  UPDATE statuses SET replies_count = replies_count + 1 WHERE id = NEW.in_reply_to_id;
  UPDATE statuses SET reblogs_count = reblogs_count + 1 WHERE id = NEW.reblog_of_id;
  UPDATE accounts SET statuses_count = statuses_count + 1,
    last_status_at = CASE WHEN NEW.reblog_of_id IS NULL THEN NEW.created_at ELSE last_status_at END
  WHERE id = NEW.account_id;
END;
CREATE TRIGGER statuses_relations_delete AFTER DELETE ON statuses
BEGIN
  UPDATE statuses SET replies_count = max(replies_count - 1, 0) WHERE id = OLD.in_reply_to_id;
  UPDATE statuses SET reblogs_count = max(reblogs_count - 1, 0) WHERE id = OLD.reblog_of_id;
  UPDATE accounts SET statuses_count = max(statuses_count - 1, 0) WHERE id = OLD.account_id;
END;

-- Existing rows: bring the counts in line with what 0001 stored.
UPDATE accounts SET statuses_count = (SELECT count(*) FROM statuses WHERE statuses.account_id = accounts.id);
UPDATE statuses SET
  replies_count = (SELECT count(*) FROM statuses r WHERE r.in_reply_to_id = statuses.id),
  reblogs_count = (SELECT count(*) FROM statuses r WHERE r.reblog_of_id = statuses.id);
