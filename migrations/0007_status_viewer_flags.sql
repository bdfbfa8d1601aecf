-- Whether a viewer reblogged the statuses of a page: one range scan over the viewer's own reblogs
-- (account_id, reblog_of_id) instead of an index probe per status, which D1 bills as a row each.
CREATE INDEX statuses_account_reblog_of ON statuses (account_id, reblog_of_id) WHERE reblog_of_id IS NOT NULL;
