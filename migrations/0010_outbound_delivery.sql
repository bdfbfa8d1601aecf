-- Outbound delivery bookkeeping.

-- How far the fan-out of one local activity has got: the consumer enqueues deliveries in batches
-- and records each batch, so a retried fan-out message resumes instead of delivering twice.
CREATE TABLE outbound_fanouts (
  activity_id TEXT PRIMARY KEY,
  inboxes INTEGER NOT NULL,
  enqueued INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;
-- Progress is only needed while the federate message may be retried (minutes); old rows are pruned.
CREATE INDEX outbound_fanouts_created ON outbound_fanouts (created_at);

-- Work that will not be retried: deliveries a peer refused for good (4xx), targets the address guard
-- refused, and messages the queue gave up on (its dead-letter queue). Kept for the operator to see.
CREATE TABLE dead_letters (
  id TEXT PRIMARY KEY,
  -- 'permanent' (refused for good on the first answer) or 'exhausted' (from the dead-letter queue).
  kind TEXT NOT NULL CHECK (kind IN ('permanent', 'exhausted')),
  message_type TEXT NOT NULL,
  activity_id TEXT,
  target TEXT,
  reason TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 1,
  -- The queue message as JSON (ids and public activity JSON only: messages never carry secrets).
  body TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX dead_letters_created ON dead_letters (created_at);
CREATE INDEX dead_letters_activity ON dead_letters (activity_id) WHERE activity_id IS NOT NULL;

-- Unreachable peers are looked up on every fan-out.
CREATE INDEX peers_unreachable ON peers (domain) WHERE unreachable = 1;
