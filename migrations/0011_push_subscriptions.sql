-- Web Push subscriptions: one per access token, as Mastodon keeps them. The id is an integer
-- because the Mastodon Android app reads it as a number.
CREATE TABLE push_subscriptions (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  token_id TEXT NOT NULL REFERENCES oauth_tokens (id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  endpoint TEXT NOT NULL,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  -- RFC 8291 aes128gcm with RFC 8292 VAPID when 1; the legacy drafts (aesgcm) when 0.
  standard INTEGER NOT NULL DEFAULT 0,
  -- JSON object: notification type -> boolean.
  alerts TEXT NOT NULL DEFAULT '{}',
  policy TEXT NOT NULL DEFAULT 'all' CHECK (policy IN ('all', 'followed', 'follower', 'none')),
  -- Mastodon's push payload carries the access token, encrypted to the client's key. Tokens are
  -- otherwise kept only as hashes, so this copy is sealed under HERD_KEK and opened only to push.
  access_token_sealed TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX push_subscriptions_token ON push_subscriptions (token_id);
CREATE INDEX push_subscriptions_account ON push_subscriptions (account_id);
