-- Local accounts bridged into the AT Protocol. Bridging is opt-in: an account has a row only once
-- it has opted in, and opting out keeps the row (inactive) so the DID and handle come back with it.

CREATE TABLE atproto_accounts (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  did TEXT NOT NULL UNIQUE,
  handle TEXT NOT NULL UNIQUE COLLATE NOCASE,
  active INTEGER NOT NULL DEFAULT 1,
  -- A post longer than Bluesky allows is either cut with a link card back to it, or threaded.
  long_posts TEXT NOT NULL DEFAULT 'truncate' CHECK (long_posts IN ('truncate', 'thread')),
  -- The did:plc rotation key, sealed under HERD_KEK like the ActivityPub keys.
  rotation_key_sealed TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX atproto_accounts_active ON atproto_accounts (active, account_id);
