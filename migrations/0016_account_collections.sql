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
