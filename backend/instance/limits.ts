/** Limits that the API enforces and the instance documents report. One place for both. */
export const LIMITS = {
  statuses: { maxCharacters: 500, maxMediaAttachments: 4, charactersReservedPerUrl: 23 },
  media: {
    supportedMimeTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif'],
    imageSizeLimit: 16 * 1024 * 1024,
    imageMatrixLimit: 33_177_600,
    /** Characters of alt text. */
    descriptionLimit: 1500,
    videoSizeLimit: 0,
    videoFrameRateLimit: 0,
    videoMatrixLimit: 0,
  },
  polls: { maxOptions: 4, maxCharactersPerOption: 50, minExpiration: 300, maxExpiration: 2_629_746 },
  accounts: { maxFeaturedTags: 10, maxPinnedStatuses: 5, maxProfileFields: 4, maxDisplayNameLength: 30, maxNoteLength: 500 },
} as const

/** The Mastodon API version we implement, for clients that parse it. */
export const MASTODON_COMPAT_VERSION = '4.3.0'
export const MASTODON_API_VERSION = 2
export const HERD_VERSION = '0.1.0'
export const SOURCE_URL = 'https://github.com/herd-social/herd'
