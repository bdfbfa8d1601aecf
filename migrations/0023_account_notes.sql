-- Private notes one person keeps about another account (Relationship.note).
CREATE TABLE account_notes (
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  target_account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  comment TEXT NOT NULL,
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (account_id, target_account_id)
) WITHOUT ROWID;
