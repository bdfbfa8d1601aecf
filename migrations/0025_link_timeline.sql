-- The link timeline (GET /api/v1/timelines/link) pages a link's posts by status id.
CREATE INDEX status_links_url ON status_links (url, status_id);
