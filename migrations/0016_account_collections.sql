-- The viewer's own collections: direct-message conversations and dismissed follow suggestions.
-- (Favourites, bookmarks, endorsements and featured tags already have their tables and indexes.)

-- One conversation per local owner, thread and set of other participants, as Mastodon keeps its
-- account_conversations: kept on write when a direct status is stored (backend/conversations).
-- `id` is the id of the status that opened it for this owner, so writing it again is idempotent.
CREATE TABLE conversations (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  -- The id of the thread's first stored status.
  root_id TEXT NOT NULL,
  -- JSON array of the other participants' account ids, sorted: the set, as one comparable value.
  participants TEXT NOT NULL,
  last_status_id TEXT NOT NULL,
  unread INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX conversations_key ON conversations (account_id, root_id, participants);
-- The list is paged by the last status, newest first, as Mastodon pages it.
CREATE INDEX conversations_recent ON conversations (account_id, last_status_id);

-- The statuses of each conversation, so that deleting one moves last_status_id back (or removes
-- a conversation left empty) without a scan.
CREATE TABLE conversation_statuses (
  account_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  status_id TEXT NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
  PRIMARY KEY (account_id, conversation_id, status_id),
  FOREIGN KEY (account_id, conversation_id) REFERENCES conversations (account_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX conversation_statuses_status ON conversation_statuses (status_id);

CREATE TRIGGER conversation_statuses_delete AFTER DELETE ON conversation_statuses
BEGIN
  DELETE FROM conversations WHERE account_id = OLD.account_id AND id = OLD.conversation_id
    AND NOT EXISTS (SELECT 1 FROM conversation_statuses WHERE account_id = OLD.account_id AND conversation_id = OLD.conversation_id);
  UPDATE conversations
     SET last_status_id = (SELECT max(status_id) FROM conversation_statuses WHERE account_id = OLD.account_id AND conversation_id = OLD.conversation_id)
   WHERE account_id = OLD.account_id AND id = OLD.conversation_id AND last_status_id = OLD.status_id;
END;

-- Direct statuses stored before this migration open their conversations as the fan-out would
-- have (backend/conversations/write.ts), marked read: old messages should not all turn up as new.
WITH RECURSIVE
  direct AS (SELECT id, account_id, in_reply_to_id FROM statuses WHERE visibility = 'direct' AND reblog_of_id IS NULL),
  up(start, id, parent, depth) AS (
    SELECT id, id, in_reply_to_id, 0 FROM direct
    UNION ALL
    SELECT up.start, p.id, p.in_reply_to_id, up.depth + 1 FROM up JOIN statuses p ON p.id = up.parent WHERE up.depth < 200),
  roots AS (SELECT start, id AS root_id FROM (SELECT start, id, row_number() OVER (PARTITION BY start ORDER BY depth DESC) AS n FROM up) WHERE n = 1),
  parts(status_id, id) AS (
    SELECT id, account_id FROM direct
    UNION SELECT sm.status_id, sm.account_id FROM status_mentions sm JOIN direct d ON d.id = sm.status_id),
  keyed AS (
    SELECT d.id AS status_id, o.id AS owner, r.root_id,
           (SELECT json_group_array(x.id) FROM (SELECT p.id FROM parts p WHERE p.status_id = d.id AND p.id <> o.id ORDER BY p.id) x) AS participants
      FROM direct d
      JOIN roots r ON r.start = d.id
      JOIN parts o ON o.status_id = d.id
      JOIN accounts a ON a.id = o.id AND a.domain = ''
     WHERE o.id = d.account_id OR NOT (
             EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = o.id AND b.target_account_id = d.account_id)
          OR EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = o.id AND m.target_account_id = d.account_id
                       AND (m.expires_at IS NULL OR m.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))))
INSERT OR IGNORE INTO conversations (account_id, id, root_id, participants, last_status_id, unread)
SELECT owner, min(status_id), root_id, participants, max(status_id), 0 FROM keyed GROUP BY owner, root_id, participants;

WITH RECURSIVE
  direct AS (SELECT id, account_id, in_reply_to_id FROM statuses WHERE visibility = 'direct' AND reblog_of_id IS NULL),
  up(start, id, parent, depth) AS (
    SELECT id, id, in_reply_to_id, 0 FROM direct
    UNION ALL
    SELECT up.start, p.id, p.in_reply_to_id, up.depth + 1 FROM up JOIN statuses p ON p.id = up.parent WHERE up.depth < 200),
  roots AS (SELECT start, id AS root_id FROM (SELECT start, id, row_number() OVER (PARTITION BY start ORDER BY depth DESC) AS n FROM up) WHERE n = 1),
  parts(status_id, id) AS (
    SELECT id, account_id FROM direct
    UNION SELECT sm.status_id, sm.account_id FROM status_mentions sm JOIN direct d ON d.id = sm.status_id),
  keyed AS (
    SELECT d.id AS status_id, o.id AS owner, r.root_id,
           (SELECT json_group_array(x.id) FROM (SELECT p.id FROM parts p WHERE p.status_id = d.id AND p.id <> o.id ORDER BY p.id) x) AS participants
      FROM direct d
      JOIN roots r ON r.start = d.id
      JOIN parts o ON o.status_id = d.id
      JOIN accounts a ON a.id = o.id AND a.domain = ''
     WHERE o.id = d.account_id OR NOT (
             EXISTS (SELECT 1 FROM blocks b WHERE b.account_id = o.id AND b.target_account_id = d.account_id)
          OR EXISTS (SELECT 1 FROM mutes m WHERE m.account_id = o.id AND m.target_account_id = d.account_id
                       AND (m.expires_at IS NULL OR m.expires_at > strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))))
INSERT OR IGNORE INTO conversation_statuses (account_id, conversation_id, status_id)
SELECT k.owner, c.id, k.status_id FROM keyed k
  JOIN conversations c ON c.account_id = k.owner AND c.root_id = k.root_id AND c.participants = k.participants;

-- Accounts a person asked not to be suggested again (DELETE /api/v1/suggestions/:account_id).
CREATE TABLE suggestion_dismissals (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_id, target_account_id)
) WITHOUT ROWID;

-- An endorsement needs a follow: unfollowing (or a block, which unfollows) drops it, as in Mastodon.
CREATE TRIGGER follows_delete_endorsement AFTER DELETE ON follows
BEGIN
  DELETE FROM account_endorsements WHERE account_id = OLD.account_id AND target_account_id = OLD.target_account_id;
END;
