import type { Generated } from 'kysely'

/** Timestamps are ISO-8601 strings in UTC with milliseconds, as SQLite's strftime('%Y-%m-%dT%H:%M:%fZ') writes them. */
export type Timestamp = string

export interface InstanceSettingsTable {
  id: number
  title: string
  short_description: string
  description: string
  contact_email: string
  thumbnail_url: string | null
  /** JSON array of ISO 639-1 codes. */
  languages: string
  registrations_mode: 'open' | 'approval' | 'closed'
  updated_at: Timestamp
}

export interface InstanceRulesTable {
  id: Generated<number>
  position: number
  text: string
  hint: string
}

export interface AccountsTable {
  id: string
  username: string
  /** '' for local accounts. */
  domain: string
  uri: string
  url: string | null
  display_name: Generated<string>
  note: Generated<string>
  avatar_url: string | null
  header_url: string | null
  locked: Generated<number>
  bot: Generated<number>
  discoverable: Generated<number>
  /** JSON array of {name, value, verified_at}. */
  fields: Generated<string>
  followers_count: Generated<number>
  following_count: Generated<number>
  statuses_count: Generated<number>
  last_status_at: string | null
  last_active_at: string | null
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
  /** SPKI PEM of a local account's signing key. */
  public_key_pem: string | null
  /** ActivityPub actor type: Person, Service, Application, Group, Organization. */
  actor_type: Generated<string>
  inbox_url: string | null
  shared_inbox_url: string | null
  outbox_url: string | null
  followers_url: string | null
  following_url: string | null
  featured_url: string | null
  /** The publicKey id of a remote actor (its PEM is kept in public_key_pem). */
  key_id: string | null
  /** When a remote actor's document was last fetched. */
  fetched_at: Timestamp | null
  moved_to_account_id: string | null
}

export interface PeersTable {
  domain: string
  first_failure_at: Timestamp | null
  last_failure_at: Timestamp | null
  last_success_at: Timestamp | null
  failures: Generated<number>
  unreachable: Generated<number>
}

export interface OutboundFanoutsTable {
  activity_id: string
  inboxes: number
  enqueued: Generated<number>
  created_at: Generated<Timestamp>
}

export interface DeadLettersTable {
  id: string
  kind: 'permanent' | 'exhausted'
  message_type: string
  activity_id: string | null
  target: string | null
  reason: string
  attempts: Generated<number>
  body: string
  created_at: Generated<Timestamp>
}

export type UserRole = 'admin' | 'user'
export type Visibility = 'public' | 'unlisted' | 'private' | 'direct'

export interface UsersTable {
  id: string
  email: string
  password_hash: string | null
  account_id: string | null
  role: Generated<UserRole>
  approved: Generated<number>
  note_source: Generated<string>
  /** JSON array of {name, value} in plain text. */
  fields_source: Generated<string>
  privacy: Generated<Visibility>
  sensitive: Generated<number>
  language: string | null
  registration_reason: Generated<string>
  created_at: Generated<Timestamp>
  /** Reading preferences (migrations/0006). */
  expand_media: Generated<'default' | 'show_all' | 'hide_all'>
  expand_spoilers: Generated<number>
}

export interface AccountKeysTable {
  account_id: string
  private_key_encrypted: string
}

export interface OauthAppsTable {
  id: string
  name: string
  website: string | null
  /** JSON array of strings. */
  redirect_uris: string
  /** Space-separated. */
  scopes: string
  client_id: string
  client_secret_hash: string
  created_at: Generated<Timestamp>
}

export interface OauthCodesTable {
  code_hash: string
  app_id: string
  user_id: string
  redirect_uri: string
  scopes: string
  code_challenge: string | null
  expires_at: Timestamp
  used_at: Timestamp | null
}

export interface OauthTokensTable {
  id: string
  token_hash: string
  app_id: string | null
  user_id: string | null
  scopes: string
  code_hash: string | null
  created_at: Generated<Timestamp>
  revoked_at: Timestamp | null
}

export interface SessionsTable {
  id_hash: string
  user_id: string
  created_at: Generated<Timestamp>
  expires_at: Timestamp
}

export interface LoginFailuresTable {
  key_hash: string
  failures: number
  window_start: Timestamp
}

export interface StatusesTable {
  id: string
  uri: string
  url: string | null
  account_id: string
  local: number
  in_reply_to_id: string | null
  reblog_of_id: string | null
  content: Generated<string>
  spoiler_text: Generated<string>
  sensitive: Generated<number>
  language: string | null
  visibility: 'public' | 'unlisted' | 'private' | 'direct'
  created_at: Generated<Timestamp>
  edited_at: string | null
  replies_count: Generated<number>
  reblogs_count: Generated<number>
  favourites_count: Generated<number>
  in_reply_to_account_id: string | null
  /** Snapshots kept by triggers: see migrations/0004_status_details.sql. */
  media_json: Generated<string>
  tags_json: Generated<string>
  mentions_json: Generated<string>
  /** The author's source text (local statuses only). */
  text: string | null
  /** Its poll, if it has one (migrations/0017). */
  poll_id: Generated<string | null>
}

export interface MediaAttachmentsTable {
  id: string
  account_id: string
  status_id: string | null
  type: 'image' | 'gifv' | 'video' | 'audio' | 'unknown'
  r2_key: string | null
  remote_url: string | null
  content_type: Generated<string>
  size: number | null
  width: number | null
  height: number | null
  description: string | null
  focus_x: Generated<number>
  focus_y: Generated<number>
  blurhash: string | null
  position: Generated<number>
  created_at: Generated<Timestamp>
  /** Held for a scheduled status until it is published (migrations/0017). */
  scheduled_status_id: Generated<string | null>
}

export interface TagsTable {
  id: string
  name: string
  created_at: Generated<Timestamp>
}

export interface StatusTagsTable {
  tag_id: string
  status_id: string
}

export interface StatusMentionsTable {
  status_id: string
  account_id: string
}

export interface FollowsTable {
  id: string
  account_id: string
  target_account_id: string
  uri: string | null
  state: Generated<'pending' | 'accepted'>
  show_reblogs: Generated<number>
  notify: Generated<number>
  created_at: Generated<Timestamp>
}

export interface HomeFeedTable {
  account_id: string
  status_id: string
  author_id: string
}

export interface FavouritesTable {
  id: string
  account_id: string
  status_id: string
  uri: string | null
  created_at: Generated<Timestamp>
}

export interface BookmarksTable {
  id: string
  account_id: string
  status_id: string
  created_at: Generated<Timestamp>
}

export type NotificationType =
  | 'mention'
  | 'status'
  | 'reblog'
  | 'follow'
  | 'follow_request'
  | 'favourite'
  | 'poll'
  | 'update'
  | 'admin.sign_up'
  | 'admin.report'
  | 'severed_relationships'
  | 'moderation_warning'

export interface NotificationsTable {
  id: string
  account_id: string
  from_account_id: string
  type: NotificationType
  status_id: string | null
  dedupe_key: string
  created_at: Generated<Timestamp>
  /** Set when stored (migrations/0018): `ungrouped-<id>` for types that are not grouped. */
  group_key: Generated<string>
  /** 1 when the recipient's notification policy filtered it into a notification request. */
  filtered: Generated<number>
}

export type PolicyAction = 'accept' | 'filter' | 'drop'

export interface NotificationPoliciesTable {
  account_id: string
  for_not_following: Generated<PolicyAction>
  for_not_followers: Generated<PolicyAction>
  for_new_accounts: Generated<PolicyAction>
  for_private_mentions: Generated<PolicyAction>
  for_limited_accounts: Generated<PolicyAction>
  updated_at: Generated<Timestamp>
}

export interface NotificationPermissionsTable {
  account_id: string
  from_account_id: string
  created_at: Generated<Timestamp>
}

export interface NotificationRequestsTable {
  id: string
  account_id: string
  from_account_id: string
  last_status_id: string | null
  notifications_count: Generated<number>
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export interface StatusTrendsTable {
  status_id: string
  day: number
  score: Generated<number>
}

export interface StatusLinksTable {
  status_id: string
  url: string
  account_id: string
  day: number
}

export interface LinkDaysTable {
  url: string
  day: number
  uses: Generated<number>
  accounts: Generated<number>
}

export interface LinkDayAccountsTable {
  url: string
  day: number
  account_id: string
}

export interface BlocksTable {
  id: string
  account_id: string
  target_account_id: string
  uri: string | null
  created_at: Generated<Timestamp>
}

export interface MutesTable {
  id: string
  account_id: string
  target_account_id: string
  notifications: Generated<number>
  expires_at: Timestamp | null
  created_at: Generated<Timestamp>
}

export interface StatusPinsTable {
  account_id: string
  status_id: string
  created_at: Generated<Timestamp>
}

export interface StatusMutesTable {
  account_id: string
  status_id: string
  created_at: Generated<Timestamp>
}

export interface StatusEditsTable {
  id: string
  status_id: string
  account_id: string
  content: string
  spoiler_text: Generated<string>
  sensitive: Generated<number>
  media_json: Generated<string>
  created_at: Generated<Timestamp>
}

export interface IdempotencyKeysTable {
  account_id: string
  key: string
  status_id: string
  created_at: Generated<Timestamp>
}

export interface MarkersTable {
  account_id: string
  timeline: 'home' | 'notifications'
  last_read_id: string
  version: Generated<number>
  updated_at: Generated<Timestamp>
}

export interface CustomEmojisTable {
  id: string
  shortcode: string
  domain: Generated<string>
  uri: string | null
  url: string
  static_url: string
  r2_key: string | null
  visible_in_picker: Generated<number>
  category: string | null
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export interface PushSubscriptionsTable {
  id: Generated<number>
  token_id: string
  account_id: string
  endpoint: string
  p256dh: string
  auth: string
  standard: Generated<number>
  /** JSON object: notification type -> boolean. */
  alerts: Generated<string>
  policy: Generated<'all' | 'followed' | 'follower' | 'none'>
  access_token_sealed: string
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export interface InstanceDomainBlocksTable {
  domain: string
  severity: Generated<'silence' | 'suspend' | 'noop'>
  public_comment: string | null
  private_comment: string | null
  created_at: Generated<Timestamp>
}

export interface InstanceActivityTable {
  week: string
  statuses: Generated<number>
  logins: Generated<number>
  registrations: Generated<number>
}

export interface AnnouncementsTable {
  id: string
  content: string
  starts_at: Timestamp | null
  ends_at: Timestamp | null
  all_day: Generated<number>
  published: Generated<number>
  published_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export interface AnnouncementReactionsTable {
  announcement_id: string
  account_id: string
  name: string
  created_at: Generated<Timestamp>
}

export interface AnnouncementDismissalsTable {
  announcement_id: string
  account_id: string
}

export interface AccountEndorsementsTable {
  account_id: string
  target_account_id: string
  created_at: Generated<Timestamp>
}

export interface FeaturedTagsTable {
  id: string
  account_id: string
  tag_id: string
  statuses_count: Generated<number>
  last_status_at: Timestamp | null
  created_at: Generated<Timestamp>
}

export interface AccountDomainBlocksTable {
  account_id: string
  domain: string
  created_at: Generated<Timestamp>
}

export interface ReportsTable {
  id: string
  account_id: string
  target_account_id: string
  status_ids: Generated<string>
  rule_ids: Generated<string>
  comment: Generated<string>
  category: Generated<'spam' | 'legal' | 'violation' | 'other'>
  forwarded: Generated<number>
  action_taken_at: Timestamp | null
  created_at: Generated<Timestamp>
}

export interface ListsTable {
  id: string
  account_id: string
  title: string
  replies_policy: Generated<'followed' | 'list' | 'none'>
  exclusive: Generated<number>
  created_at: Generated<Timestamp>
}

export interface ListAccountsTable {
  list_id: string
  account_id: string
  created_at: Generated<Timestamp>
}

export interface ListFeedTable {
  list_id: string
  status_id: string
  author_id: string
}

export type FilterContext = 'home' | 'notifications' | 'public' | 'thread' | 'account'

export interface FiltersTable {
  id: string
  account_id: string
  title: string
  /** JSON array of FilterContext. */
  context: string
  filter_action: Generated<'warn' | 'hide' | 'blur'>
  expires_at: Timestamp | null
  created_at: Generated<Timestamp>
}

export interface FilterKeywordsTable {
  id: string
  filter_id: string
  keyword: string
  whole_word: Generated<number>
}

export interface FilterStatusesTable {
  id: string
  filter_id: string
  status_id: string
}

/** migrations/0016: a direct-message conversation as one local owner sees it. */
export interface ConversationsTable {
  account_id: string
  id: string
  root_id: string
  /** JSON array of the other participants' ids, sorted. */
  participants: string
  last_status_id: string
  unread: Generated<number>
}

export interface ConversationStatusesTable {
  account_id: string
  conversation_id: string
  status_id: string
}

export interface SuggestionDismissalsTable {
  account_id: string
  target_account_id: string
  created_at: Generated<Timestamp>
}

export interface AtprotoAccountsTable {
  account_id: string
  did: string
  handle: string
  active: Generated<number>
  long_posts: Generated<'truncate' | 'thread'>
  rotation_key_sealed: string | null
  /** 0021: CID of the latest PLC operation signed here, the `prev` of the next one. */
  plc_op_cid: string | null
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

export interface AccountNotesTable {
  account_id: string
  target_account_id: string
  comment: string
  updated_at: Generated<Timestamp>
}

/** migrations/0022: what a local object became in its author's repository (one row per record). */
export interface AtprotoRecordsTable {
  ap_id: string
  part: Generated<number>
  account_id: string
  did: string
  collection: string
  rkey: string
  cid: string | null
  status_id: string | null
  subject_uri: string | null
  root_uri: string | null
  root_cid: string | null
  created_at: Generated<Timestamp>
  updated_at: Generated<Timestamp>
}

/** migrations/0022: a local media file's blob in a repository. */
export interface AtprotoBlobsTable {
  media_id: string
  did: string
  cid: string
  mime_type: string
  size: number
}

export interface InstanceCountersTable {
  name: 'local_accounts' | 'local_statuses' | 'known_domains'
  value: number
}

export interface QueueHeartbeatsTable {
  name: string
  enqueued_at: Timestamp | null
  processed_at: Timestamp | null
  last_message_id: string | null
}

export interface TagFollowsTable {
  id: string
  account_id: string
  tag_id: string
  created_at: Generated<Timestamp>
}

/** Per-day hashtag use, kept by a trigger on status_tags (migrations/0006). `day` is days since the epoch. */
export interface TagDaysTable {
  tag_id: string
  day: number
  uses: Generated<number>
  accounts: Generated<number>
}

/** Contentless FTS5 indexes keyed by the numeric snowflake id (migrations/0006); queried with raw SQL. */
export interface StatusesFtsTable {
  rowid: number
  text: string
}
export interface AccountsFtsTable {
  rowid: number
  username: string
  display_name: string
}

export interface InstanceActorTable {
  id: number
  uri: string
  public_key_pem: string
  private_key_encrypted: string
  created_at: Generated<Timestamp>
}

export interface ProcessedActivitiesTable {
  uri: string
  type: string
  processed_at: Generated<Timestamp>
}

export interface TombstonesTable {
  uri: string
  deleted_at: Generated<Timestamp>
}

/** A poll on a status (migrations/0017). Counts follow poll_votes through a trigger. */
export interface PollsTable {
  id: string
  status_id: string
  account_id: string
  expires_at: string | null
  multiple: Generated<number>
  hide_totals: Generated<number>
  /** JSON array of option titles. */
  options: string
  /** JSON array of vote counts, one per option. */
  option_votes: string
  votes_count: Generated<number>
  voters_count: Generated<number | null>
  updated_at: Generated<Timestamp>
  closed_at: string | null
  created_at: Generated<Timestamp>
}

export interface PollVotesTable {
  id: string
  poll_id: string
  account_id: string
  choice: number
  uri: string | null
  created_at: Generated<Timestamp>
}

export interface ScheduledStatusesTable {
  id: string
  account_id: string
  scheduled_at: string
  /** JSON: Mastodon's ScheduledStatus params. */
  params: string
  idempotency_key: string | null
  claimed_until: string | null
  created_at: Generated<Timestamp>
}

export interface Database {
  instance_settings: InstanceSettingsTable
  instance_rules: InstanceRulesTable
  accounts: AccountsTable
  statuses: StatusesTable
  instance_counters: InstanceCountersTable
  queue_heartbeats: QueueHeartbeatsTable
  follows: FollowsTable
  home_feed: HomeFeedTable
  favourites: FavouritesTable
  bookmarks: BookmarksTable
  media_attachments: MediaAttachmentsTable
  tags: TagsTable
  status_tags: StatusTagsTable
  status_mentions: StatusMentionsTable
  users: UsersTable
  account_keys: AccountKeysTable
  oauth_apps: OauthAppsTable
  oauth_codes: OauthCodesTable
  oauth_tokens: OauthTokensTable
  sessions: SessionsTable
  login_failures: LoginFailuresTable
  notifications: NotificationsTable
  blocks: BlocksTable
  mutes: MutesTable
  status_pins: StatusPinsTable
  status_mutes: StatusMutesTable
  status_edits: StatusEditsTable
  idempotency_keys: IdempotencyKeysTable
  markers: MarkersTable
  custom_emojis: CustomEmojisTable
  peers: PeersTable
  outbound_fanouts: OutboundFanoutsTable
  dead_letters: DeadLettersTable
  push_subscriptions: PushSubscriptionsTable
  instance_domain_blocks: InstanceDomainBlocksTable
  instance_activity: InstanceActivityTable
  announcements: AnnouncementsTable
  announcement_reactions: AnnouncementReactionsTable
  announcement_dismissals: AnnouncementDismissalsTable
  account_endorsements: AccountEndorsementsTable
  featured_tags: FeaturedTagsTable
  account_domain_blocks: AccountDomainBlocksTable
  reports: ReportsTable
  lists: ListsTable
  list_accounts: ListAccountsTable
  list_feed: ListFeedTable
  filters: FiltersTable
  filter_keywords: FilterKeywordsTable
  filter_statuses: FilterStatusesTable
  tag_follows: TagFollowsTable
  tag_days: TagDaysTable
  statuses_fts: StatusesFtsTable
  accounts_fts: AccountsFtsTable
  instance_actor: InstanceActorTable
  processed_activities: ProcessedActivitiesTable
  tombstones: TombstonesTable
  atproto_accounts: AtprotoAccountsTable
  account_notes: AccountNotesTable
  conversations: ConversationsTable
  conversation_statuses: ConversationStatusesTable
  suggestion_dismissals: SuggestionDismissalsTable
  polls: PollsTable
  poll_votes: PollVotesTable
  scheduled_statuses: ScheduledStatusesTable
  notification_policies: NotificationPoliciesTable
  notification_permissions: NotificationPermissionsTable
  notification_requests: NotificationRequestsTable
  status_trends: StatusTrendsTable
  status_links: StatusLinksTable
  link_days: LinkDaysTable
  link_day_accounts: LinkDayAccountsTable
  atproto_records: AtprotoRecordsTable
  atproto_blobs: AtprotoBlobsTable
}
