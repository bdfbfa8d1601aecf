-- Inbound federation: the instance actor that signs our fetches, the activities already handled
-- (inbox delivery is at least once), and tombstones of deleted remote objects.

-- The instance's own Application actor (`/actor`), one row. Its private key is sealed like account keys
-- (AES-GCM under HERD_KEK, with 'instance-actor' as associated data).
CREATE TABLE instance_actor (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  uri TEXT NOT NULL,
  public_key_pem TEXT NOT NULL,
  private_key_encrypted TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

-- Ids of inbound activities whose effects are stored; a redelivered activity is skipped.
CREATE TABLE processed_activities (
  uri TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  processed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

-- Remote objects that were deleted, so that a late or replayed Create does not bring them back.
CREATE TABLE tombstones (
  uri TEXT PRIMARY KEY,
  deleted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;
