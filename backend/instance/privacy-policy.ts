import type { Db } from '../db/client'
import type { Env } from '../env'
import { escapeHtml } from '../accounts/update'
import { getSettings } from './settings'

/** When the text below last changed; clients show it as the policy's date. */
const POLICY_UPDATED_AT = '2026-11-23T00:00:00.000Z'

/**
 * GET /api/v1/instance/privacy_policy. Herd has no owner-written policy yet, so, like Mastodon's
 * default template, it states what this software itself stores and shares, with the instance's
 * name and contact address filled in.
 */
export async function privacyPolicy(env: Pick<Env, 'CACHE'>, db: Db): Promise<{ updated_at: string; content: string }> {
  const s = await getSettings(env, db)
  const title = escapeHtml(s.title)
  const contact = s.contactEmail === '' ? '' : ` at <a href="mailto:${escapeHtml(s.contactEmail)}">${escapeHtml(s.contactEmail)}</a>`
  const sections: Array<[string, string[]]> = [
    [
      'What this server stores',
      [
        'Your account: username, display name, bio, profile fields, avatar and header, and the email address you signed in with. A password is stored only as a salted hash; access tokens only as hashes.',
        'What you write and do: posts (with their edit history), media you upload, follows, blocks, mutes, favourites, bookmarks, lists, filters, polls and your votes, reports, and read markers.',
        'Web Push subscriptions you create: the push service address and its keys, so notifications can be encrypted to your device.',
        'Failed sign-in attempts are counted under a hash, to slow down password guessing; no IP address log is kept.',
      ],
    ],
    [
      'What other servers receive',
      [
        'Public and unlisted posts, and your profile, are sent to the servers of your followers and of the people you mention, and can be fetched by anyone. Followers-only posts go to your followers’ servers; direct messages only to the servers of the people they mention.',
        'When you edit or delete a post, an update or deletion is sent to the same servers. This server cannot guarantee that other servers honour it.',
        'If you turn on the Bluesky bridge, your public posts, boosts, favourites, follows and profile are also published in your AT Protocol repository, which anyone can read and copy; your DID is registered with the PLC directory, whose log is public and permanent. Turning the bridge off deactivates the repository.',
      ],
    ],
    [
      'Where it lives',
      [`${title} runs on Cloudflare, in the owner’s own account. Nothing is sold or shared with advertisers.`],
    ],
    [
      'Your choices',
      [`You can edit or delete your posts and profile at any time. To have your account removed, contact the owner${contact}.`],
    ],
  ]
  const content = sections.map(([heading, paragraphs]) => `<h2>${heading}</h2>${paragraphs.map((p) => `<p>${p}</p>`).join('')}`).join('')
  return { updated_at: POLICY_UPDATED_AT, content }
}
