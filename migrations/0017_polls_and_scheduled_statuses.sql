-- Polls attached to statuses (local and remote), the votes cast on them, and statuses scheduled for later.

-- A status with a poll points at it, so pages without polls never look for one.
ALTER TABLE statuses ADD COLUMN poll_id TEXT;

CREATE TABLE polls (
  id TEXT PRIMARY KEY,
  status_id TEXT NOT NULL UNIQUE REFERENCES statuses (id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  -- NULL: never ends (a remote Question without endTime).
  expires_at TEXT,
  multiple INTEGER NOT NULL DEFAULT 0,
  hide_totals INTEGER NOT NULL DEFAULT 0,
  -- JSON arrays of the same length: option titles, and each option's votes.
  options TEXT NOT NULL,
  option_votes TEXT NOT NULL,
  votes_count INTEGER NOT NULL DEFAULT 0,
  -- NULL when a remote server does not say.
  voters_count INTEGER DEFAULT 0,
  -- Changes with every count change and at closing: outbound Updates of the Question are named after it.
  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  -- Set once by the cron run that closed it (notified voters, federated the final counts).
  closed_at TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX polls_to_close ON polls (expires_at) WHERE closed_at IS NULL AND expires_at IS NOT NULL;

-- One row per voter and chosen option; the uniqueness counts a remote actor's vote once per option.
CREATE TABLE poll_votes (
  id TEXT PRIMARY KEY,
  poll_id TEXT NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  choice INTEGER NOT NULL,
  -- The Note a remote vote came as; NULL for local votes.
  uri TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  UNIQUE (poll_id, account_id, choice)
);
CREATE INDEX poll_votes_account ON poll_votes (account_id, poll_id);

-- Counts follow the votes in the same statement that stores a vote, so concurrent votes never lose one.
CREATE TRIGGER poll_votes_count AFTER INSERT ON poll_votes
BEGIN
  UPDATE polls SET
    option_votes = json_set(option_votes, '$[' || NEW.choice || ']', coalesce(json_extract(option_votes, '$[' || NEW.choice || ']'), 0) + 1),
    votes_count = votes_count + 1,
    voters_count = CASE
      WHEN EXISTS (SELECT 1 FROM poll_votes v WHERE v.poll_id = NEW.poll_id AND v.account_id = NEW.account_id AND v.id <> NEW.id) THEN voters_count
      ELSE coalesce(voters_count, 0) + 1 END,
    updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE id = NEW.poll_id;
END;

CREATE TABLE scheduled_statuses (
  id TEXT PRIMARY KEY,
  account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  scheduled_at TEXT NOT NULL,
  -- The status parameters as Mastodon's ScheduledStatus.params shows them (JSON).
  params TEXT NOT NULL,
  -- The client's Idempotency-Key: the same key schedules once.
  idempotency_key TEXT,
  -- A cron run that is publishing it holds it until then; an expired claim (a run that died) is taken again.
  claimed_until TEXT,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE INDEX scheduled_statuses_due ON scheduled_statuses (scheduled_at);
CREATE INDEX scheduled_statuses_account ON scheduled_statuses (account_id, id);
CREATE UNIQUE INDEX scheduled_statuses_idempotency ON scheduled_statuses (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- Media waiting for a scheduled status: not free to attach elsewhere, and not unattached leftovers.
ALTER TABLE media_attachments ADD COLUMN scheduled_status_id TEXT REFERENCES scheduled_statuses (id) ON DELETE SET NULL;
CREATE INDEX media_attachments_scheduled ON media_attachments (scheduled_status_id) WHERE scheduled_status_id IS NOT NULL;
