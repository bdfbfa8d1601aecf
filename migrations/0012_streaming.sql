-- The streaming API leaves out of each event the accounts that mute its author or a mentioned
-- account: that lookup goes from the muted account to its muters, which needs this index.
CREATE INDEX mutes_target ON mutes (target_account_id, account_id);
