import { LIMITS, HERD_VERSION, MASTODON_API_VERSION, MASTODON_COMPAT_VERSION, SOURCE_URL } from './limits'
import type { InstanceCounts, InstanceSettings } from './settings'
import type { renderAccount } from '../mastodon/account'

/** The admin's Account entity, or null before anyone has an account. */
export type ContactAccount = ReturnType<typeof renderAccount> | null

/** Where the instance is reached: derived from the request, so one deployment serves its own domain. */
export interface Origin {
  /** e.g. https://social.example */
  origin: string
  /** e.g. social.example (with a port when there is one, as in local development) */
  domain: string
}

export function originOf(url: string): Origin {
  const u = new URL(url)
  return { origin: u.origin, domain: u.host }
}

function streamingUrl(o: Origin): string {
  return o.origin.replace(/^http/, 'ws')
}

function thumbnailUrl(s: InstanceSettings, o: Origin): string {
  return s.thumbnailUrl ?? `${o.origin}/thumbnail.png`
}

/** Mastodon reports e.g. "4.3.0 (compatible; Herd 0.1.0)"; clients gate features on the first number. */
const VERSION = `${MASTODON_COMPAT_VERSION} (compatible; Herd ${HERD_VERSION})`

function mediaConfiguration() {
  return {
    supported_mime_types: [...LIMITS.media.supportedMimeTypes],
    image_size_limit: LIMITS.media.imageSizeLimit,
    image_matrix_limit: LIMITS.media.imageMatrixLimit,
    video_size_limit: LIMITS.media.videoSizeLimit,
    video_frame_rate_limit: LIMITS.media.videoFrameRateLimit,
    video_matrix_limit: LIMITS.media.videoMatrixLimit,
    description_limit: LIMITS.media.descriptionLimit,
  }
}

function statusesConfiguration() {
  return {
    max_characters: LIMITS.statuses.maxCharacters,
    max_media_attachments: LIMITS.statuses.maxMediaAttachments,
    characters_reserved_per_url: LIMITS.statuses.charactersReservedPerUrl,
  }
}

function pollsConfiguration() {
  return {
    max_options: LIMITS.polls.maxOptions,
    max_characters_per_option: LIMITS.polls.maxCharactersPerOption,
    min_expiration: LIMITS.polls.minExpiration,
    max_expiration: LIMITS.polls.maxExpiration,
  }
}

function rules(s: InstanceSettings) {
  return s.rules.map((r) => ({ id: r.id, text: r.text, hint: r.hint }))
}

/** GET /api/v1/instance (Mastodon's V1::Instance, deprecated but still read by many clients). */
export function instanceV1(s: InstanceSettings, counts: InstanceCounts, o: Origin, contact: ContactAccount = null) {
  return {
    uri: o.domain,
    title: s.title,
    short_description: s.shortDescription,
    description: s.description,
    email: s.contactEmail,
    version: VERSION,
    urls: { streaming_api: streamingUrl(o) },
    stats: { user_count: counts.localAccounts, status_count: counts.localStatuses, domain_count: counts.knownDomains },
    thumbnail: thumbnailUrl(s, o),
    languages: s.languages,
    registrations: s.registrationsMode !== 'closed',
    approval_required: s.registrationsMode === 'approval',
    invites_enabled: false,
    configuration: {
      accounts: { max_featured_tags: LIMITS.accounts.maxFeaturedTags },
      statuses: statusesConfiguration(),
      media_attachments: mediaConfiguration(),
      polls: pollsConfiguration(),
    },
    contact_account: contact,
    rules: rules(s),
  }
}

/** GET /api/v2/instance. */
export function instanceV2(s: InstanceSettings, activeMonth: number, o: Origin, contact: ContactAccount = null) {
  return {
    domain: o.domain,
    title: s.title,
    version: VERSION,
    source_url: SOURCE_URL,
    description: s.shortDescription || s.description,
    usage: { users: { active_month: activeMonth } },
    thumbnail: { url: thumbnailUrl(s, o) },
    icon: [],
    languages: s.languages,
    configuration: {
      // The about page is the frontend's; Herd has no separate privacy policy, terms or status pages.
      urls: { streaming: streamingUrl(o), about: `${o.origin}/about`, privacy_policy: null, terms_of_service: null, status: null },
      accounts: {
        max_featured_tags: LIMITS.accounts.maxFeaturedTags,
        max_pinned_statuses: LIMITS.accounts.maxPinnedStatuses,
        max_profile_fields: LIMITS.accounts.maxProfileFields,
        max_display_name_length: LIMITS.accounts.maxDisplayNameLength,
        max_note_length: LIMITS.accounts.maxNoteLength,
      },
      statuses: statusesConfiguration(),
      media_attachments: mediaConfiguration(),
      polls: pollsConfiguration(),
      translation: { enabled: false },
    },
    registrations: {
      enabled: s.registrationsMode !== 'closed',
      approval_required: s.registrationsMode === 'approval',
      message: null,
    },
    api_versions: { mastodon: MASTODON_API_VERSION },
    contact: { email: s.contactEmail, account: contact },
    rules: rules(s),
  }
}
