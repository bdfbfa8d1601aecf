import { createHash } from 'node:crypto'

/** A status id for a moment: Herd's snowflakes are ms << 16 (the low bits 0 here). */
export const statusId = (ms: number): string => String(BigInt(ms) << 16n)

const DAY = 86_400_000
export const T0 = Date.UTC(2026, 0, 1)
export const CW_ID = statusId(T0 + 40 * DAY)
export const THREAD_ROOT = statusId(T0 + 41 * DAY)
export const THREAD_REPLY = statusId(T0 + 42 * DAY)
export const THREAD_REPLY2 = statusId(T0 + 43 * DAY)
export const EMOJI_ID = statusId(T0 + 44 * DAY)
export const PICTURE_ID = statusId(T0 + 45 * DAY)

/** Session and CSRF cookie values the tests present; only the session's hash is stored, as the server does. */
export const ADMIN_SESSION = 'admin-session-secret-admin-session-secret-00'
export const USER_SESSION = 'plain-session-secret-plain-session-secret-00'
export const CSRF = 'c'.repeat(43)
const hash = (s: string) => createHash('sha256').update(s).digest('hex')

/**
 * The seeded instance the browser tests read: a local account with fields and 25 posts, a remote
 * account, a thread across both, a content warning over sensitive media, a hashtag, a custom emoji,
 * an admin and a non-admin user with sessions, a pending sign-up and an open report.
 */
export function webSeed(origin: string): string[] {
  const future = new Date(Date.now() + 30 * DAY).toISOString()
  const now = new Date().toISOString()
  return [
    "UPDATE instance_settings SET title = 'Meadow', short_description = 'A quiet meadow for sheep.', description = 'Sheep and goats welcome.', contact_email = 'owner@meadow.example', registrations_mode = 'approval' WHERE id = 1",
    "INSERT INTO instance_rules (position, text, hint) VALUES (0, 'Be kind', 'to every creature'), (1, 'No spam', '')",
    `INSERT INTO accounts (id, username, domain, uri, display_name, note, fields, discoverable, last_status_at, followers_count, following_count) VALUES
      ('100', 'dolly', '', '${origin}/users/dolly', 'Dolly the Sheep', '<p>First of her kind &amp; proud.</p>', '[{"name":"Website","value":"<a href=\\"https://dolly.example/\\" rel=\\"nofollow\\">dolly.example</a>","verified_at":null},{"name":"Home","value":"Roslin","verified_at":null}]', 1, '${now}', 3, 2),
      ('200', 'shaun', 'farm.example', 'https://farm.example/users/shaun', 'Shaun', '<p>From the farm</p>', '[]', 1, '${now}', 0, 1),
      ('300', 'owner', '', '${origin}/users/owner', 'The Owner', '', '[]', 0, NULL, 0, 0),
      ('400', 'visitor', '', '${origin}/users/visitor', 'Visitor', '', '[]', 0, NULL, 0, 0),
      ('500', 'newbie', '', '${origin}/users/newbie', 'Newbie', '', '[]', 0, NULL, 0, 0)`,
    `INSERT INTO users (id, email, account_id, role, approved, registration_reason) VALUES
      ('u1', 'owner@meadow.example', '300', 'admin', 1, ''),
      ('u2', 'visitor@meadow.example', '400', 'user', 1, ''),
      ('u3', 'newbie@meadow.example', '500', 'user', 0, 'I love sheep')`,
    `INSERT INTO sessions (id_hash, user_id, expires_at) VALUES ('${hash(ADMIN_SESSION)}', 'u1', '${future}'), ('${hash(USER_SESSION)}', 'u2', '${future}')`,
    // 25 plain posts, one a day, so timelines have a second page.
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25)
     INSERT INTO statuses (id, uri, account_id, local, visibility, content, created_at) SELECT printf('%d', (${T0} + i * ${DAY}) * 65536), '${origin}/s/' || i, '100', 1, 'public', '<p>Post number ' || i || '</p>', strftime('%Y-%m-%dT%H:%M:%fZ', (${T0} + i * ${DAY}) / 1000.0, 'unixepoch') FROM n`,
    `INSERT INTO statuses (id, uri, account_id, local, visibility, content, spoiler_text, sensitive, created_at) VALUES ('${CW_ID}', '${origin}/s/cw', '100', 1, 'public', '<p>Shorn today<script>alert(1)</script> <a href="javascript:alert(2)">look</a></p>', 'Wool', 1, '${new Date(T0 + 40 * DAY).toISOString()}')`,
    `INSERT INTO media_attachments (id, account_id, status_id, type, r2_key, width, height, description) VALUES ('900', '100', '${CW_ID}', 'image', 'dolly/fleece.png', 640, 360, 'A pile of fleece')`,
    `INSERT INTO statuses (id, uri, url, account_id, local, visibility, content, created_at) VALUES ('${THREAD_ROOT}', '${origin}/s/root', NULL, '100', 1, 'public', '<p>Who wants to graze?</p>', '${new Date(T0 + 41 * DAY).toISOString()}')`,
    `INSERT INTO statuses (id, uri, url, account_id, local, visibility, content, in_reply_to_id, in_reply_to_account_id, created_at) VALUES ('${THREAD_REPLY}', 'https://farm.example/s/1', 'https://farm.example/@shaun/1', '200', 0, 'public', '<p>Me! <span class="invisible">https://</span>farm</p>', '${THREAD_ROOT}', '100', '${new Date(T0 + 42 * DAY).toISOString()}')`,
    `INSERT INTO statuses (id, uri, account_id, local, visibility, content, in_reply_to_id, in_reply_to_account_id, created_at) VALUES ('${THREAD_REPLY2}', '${origin}/s/reply2', '100', 1, 'public', '<p>Then come along</p>', '${THREAD_REPLY}', '200', '${new Date(T0 + 43 * DAY).toISOString()}')`,
    `INSERT INTO statuses (id, uri, account_id, local, visibility, content, created_at) VALUES ('${EMOJI_ID}', '${origin}/s/emoji', '100', 1, 'public', '<p>Hello :sheep: friends #Wool &amp; "quotes" &lt;b&gt;</p>', '${new Date(T0 + 44 * DAY).toISOString()}')`,
    `INSERT INTO custom_emojis (id, shortcode, domain, url, static_url) VALUES ('e1', 'sheep', '', '${origin}/favicon.svg', '${origin}/favicon.svg')`,
    `INSERT INTO tags (id, name) VALUES ('t1', 'wool'), ('t2', 'woolly')`,
    `INSERT INTO status_tags (tag_id, status_id) VALUES ('t1', '${EMOJI_ID}')`,
    `INSERT INTO statuses (id, uri, account_id, local, visibility, content, created_at) VALUES ('${PICTURE_ID}', '${origin}/s/picture', '100', 1, 'public', '<p>A meadow</p>', '${new Date(T0 + 45 * DAY).toISOString()}')`,
    `INSERT INTO media_attachments (id, account_id, status_id, type, r2_key, width, height, description) VALUES ('901', '100', '${PICTURE_ID}', 'image', 'dolly/meadow.png', 800, 400, 'Green grass under a blue sky')`,
    `INSERT INTO reports (id, account_id, target_account_id, comment, category) VALUES ('r1', '400', '200', 'Spamming the meadow', 'spam')`,
  ]
}
