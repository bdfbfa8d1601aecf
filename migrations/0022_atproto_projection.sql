-- What each local object became in its author's AT Protocol repository, so an edit, a delete or an
-- undo finds its record. One row per record: a post threaded into parts has one row per part.

CREATE TABLE atproto_records (
  -- The ActivityPub id of the local object or activity: a status uri, the Announce of a reblog,
  -- a Like's or a Follow's activity id (see backend/federation/activity-ids.ts).
  ap_id TEXT NOT NULL,
  part INTEGER NOT NULL DEFAULT 0,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  did TEXT NOT NULL,
  collection TEXT NOT NULL,
  -- A TID chosen before the first write, so a retried projection writes the same record again.
  rkey TEXT NOT NULL,
  -- The record's CID after the last commit that wrote it; NULL while only reserved.
  cid TEXT,
  -- The local status (posts and reposts), and the at-URI a repost or like points at.
  status_id TEXT,
  subject_uri TEXT,
  -- Posts: the strong reference to their thread's root, for replies to them.
  root_uri TEXT,
  root_cid TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (ap_id, part)
);
CREATE UNIQUE INDEX atproto_records_path ON atproto_records (did, collection, rkey);
-- Reposts and likes of a post that is deleted are found by what they point at.
CREATE INDEX atproto_records_subject ON atproto_records (subject_uri) WHERE subject_uri IS NOT NULL;

-- A local media file uploaded as a blob into a repository. Files never change (only their
-- description does), so an edit reuses the blob instead of uploading it again.
CREATE TABLE atproto_blobs (
  media_id TEXT NOT NULL,
  did TEXT NOT NULL,
  cid TEXT NOT NULL,
  mime_type TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (media_id, did)
);
