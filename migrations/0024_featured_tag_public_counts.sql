-- A featured hashtag's count shows on the public profile, so it counts only public and unlisted
-- posts (as Mastodon does), and a deleted post now takes its use back: the status_tags rows go by
-- cascade after the status row, when the old trigger could no longer find the post's author.

DROP TRIGGER featured_tags_count_insert;
DROP TRIGGER featured_tags_count_delete;

CREATE TRIGGER featured_tags_count_insert AFTER INSERT ON status_tags
WHEN (SELECT visibility FROM statuses WHERE id = NEW.status_id) IN ('public', 'unlisted')
BEGIN
  UPDATE featured_tags SET statuses_count = statuses_count + 1,
    last_status_at = max(coalesce(last_status_at, ''), (SELECT created_at FROM statuses WHERE id = NEW.status_id))
  WHERE tag_id = NEW.tag_id AND account_id = (SELECT account_id FROM statuses WHERE id = NEW.status_id);
END;

-- A tag removed from a post by an edit.
CREATE TRIGGER featured_tags_count_delete AFTER DELETE ON status_tags
WHEN (SELECT visibility FROM statuses WHERE id = OLD.status_id) IN ('public', 'unlisted')
BEGIN
  UPDATE featured_tags SET statuses_count = max(statuses_count - 1, 0)
  WHERE tag_id = OLD.tag_id AND account_id = (SELECT account_id FROM statuses WHERE id = OLD.status_id);
END;

-- A deleted post, while its tags are still there to see.
CREATE TRIGGER featured_tags_count_status_delete BEFORE DELETE ON statuses
WHEN OLD.visibility IN ('public', 'unlisted')
BEGIN
  UPDATE featured_tags SET statuses_count = max(statuses_count - 1, 0)
  WHERE account_id = OLD.account_id AND tag_id IN (SELECT tag_id FROM status_tags WHERE status_id = OLD.id);
END;

-- Counts kept before this migration may include private posts: count once more (at most ten
-- featured tags an account, each over that account's posts with the tag).
-- herd:may-change featured_tags.statuses_count
-- herd:may-change featured_tags.last_status_at
UPDATE featured_tags SET
  statuses_count = (SELECT count(*) FROM status_tags st JOIN statuses s ON s.id = st.status_id
                     WHERE st.tag_id = featured_tags.tag_id AND s.account_id = featured_tags.account_id AND s.visibility IN ('public', 'unlisted')),
  last_status_at = (SELECT max(s.created_at) FROM status_tags st JOIN statuses s ON s.id = st.status_id
                     WHERE st.tag_id = featured_tags.tag_id AND s.account_id = featured_tags.account_id AND s.visibility IN ('public', 'unlisted'));
