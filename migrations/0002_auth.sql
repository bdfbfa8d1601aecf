-- Sign-in, OAuth 2 and local accounts.
-- Every secret (token, code, session id, client secret) is stored as the hex SHA-256 of its value.

-- The public half of each local account's key pair; federation publishes it.
ALTER TABLE accounts ADD COLUMN public_key_pem TEXT;

-- A person who can sign in. account_id stays NULL until first login picks a username.
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL,
  -- NULL when the identity comes from Cloudflare Access.
  password_hash TEXT,
  account_id TEXT UNIQUE REFERENCES accounts (id) ON DELETE CASCADE,
  role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
  approved INTEGER NOT NULL DEFAULT 1,
  -- Plain-text sources of the rendered profile, and posting defaults (Mastodon's `source`).
  note_source TEXT NOT NULL DEFAULT '',
  fields_source TEXT NOT NULL DEFAULT '[]',
  privacy TEXT NOT NULL DEFAULT 'public' CHECK (privacy IN ('public', 'unlisted', 'private', 'direct')),
  sensitive INTEGER NOT NULL DEFAULT 0,
  language TEXT,
  registration_reason TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);
-- The instance's contact is the first admin: found without scanning users.
CREATE INDEX users_role ON users (role, created_at);

-- Kept apart from accounts so that no `SELECT *` on accounts ever carries key material.
CREATE TABLE account_keys (
  account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  -- AES-GCM under HERD_KEK: "v1.<iv b64url>.<ciphertext b64url>", with the account id as associated data.
  private_key_encrypted TEXT NOT NULL
);

CREATE TABLE oauth_apps (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  website TEXT,
  -- JSON array of exact redirect URIs.
  redirect_uris TEXT NOT NULL,
  scopes TEXT NOT NULL,
  client_id TEXT NOT NULL UNIQUE,
  client_secret_hash TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE oauth_codes (
  code_hash TEXT PRIMARY KEY,
  app_id TEXT NOT NULL REFERENCES oauth_apps (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  redirect_uri TEXT NOT NULL,
  scopes TEXT NOT NULL,
  code_challenge TEXT,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX oauth_codes_expires ON oauth_codes (expires_at);

CREATE TABLE oauth_tokens (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  app_id TEXT REFERENCES oauth_apps (id) ON DELETE CASCADE,
  -- NULL for client_credentials tokens, which act for the app only.
  user_id TEXT REFERENCES users (id) ON DELETE CASCADE,
  scopes TEXT NOT NULL,
  -- The code it was issued for: a replayed code revokes it.
  code_hash TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  revoked_at TEXT
);
CREATE INDEX oauth_tokens_user ON oauth_tokens (user_id);
CREATE INDEX oauth_tokens_code ON oauth_tokens (code_hash);

CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Failed password attempts per (email, IP) within a window; one row per key, pruned on write.
CREATE TABLE login_failures (
  key_hash TEXT PRIMARY KEY,
  failures INTEGER NOT NULL DEFAULT 0,
  window_start TEXT NOT NULL
);
CREATE INDEX login_failures_window ON login_failures (window_start);
