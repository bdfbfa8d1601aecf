import { AS_PUBLIC, addressing, renderCreate, renderNote, renderPerson } from '../../../backend/federation/objects'
import { visibilityOf } from '../../../backend/federation/inbox/notes'
import type { AccountRow } from '../../../backend/mastodon/account'
import type { StatusRow } from '../../../backend/mastodon/status'

const origin = 'https://herd.example'
const author = {
  id: '1',
  username: 'ewe',
  domain: '',
  uri: `${origin}/users/ewe`,
  url: `${origin}/@ewe`,
  display_name: 'Ewe',
  note: '<p>bio</p>',
  avatar_url: null,
  header_url: null,
  locked: 1,
  bot: 0,
  discoverable: 1,
  fields: '[{"name":"Home","value":"meadow"}]',
  created_at: '2026-01-02T03:04:05.000Z',
  public_key_pem: 'PEM',
} as unknown as AccountRow
const friend = 'https://other.example/users/goat'

function status(visibility: StatusRow['visibility']): StatusRow {
  return {
    id: '2',
    uri: `${origin}/users/ewe/statuses/2`,
    url: null,
    account_id: '1',
    local: 1,
    in_reply_to_id: null,
    reblog_of_id: null,
    content: '<p>hi</p>',
    spoiler_text: '',
    sensitive: 0,
    language: 'en',
    visibility,
    created_at: '2026-01-03T00:00:00.000Z',
    edited_at: null,
    media_json: '[]',
    tags_json: '["Meadow"]',
    mentions_json: JSON.stringify([{ id: '3', username: 'goat', domain: 'other.example', url: null, uri: friend }]),
  } as unknown as StatusRow
}

describe('ActivityPub objects of local things', () => {
  it.each([
    ['public', { to: [AS_PUBLIC], cc: [`${origin}/users/ewe/followers`, friend] }],
    ['unlisted', { to: [`${origin}/users/ewe/followers`], cc: [AS_PUBLIC, friend] }],
    ['private', { to: [`${origin}/users/ewe/followers`], cc: [friend] }],
    ['direct', { to: [friend], cc: [] }],
  ] as const)('addresses a %s status as Mastodon does, and reading the addressing back gives the same visibility', (visibility, expected) => {
    expect(addressing(visibility, author.uri, [friend])).toEqual(expected)
    const note = renderNote(status(visibility), { author, inReplyToUri: null, media: [] }, origin)
    expect({ to: note.to, cc: note.cc }).toEqual(expected)
    expect(visibilityOf(note, `${origin}/users/ewe/followers`)).toBe(visibility)
  })

  it('a Note carries its mentions and hashtags as tags; its Create shares its id root and addressing', () => {
    const note = renderNote(status('public'), { author, inReplyToUri: 'https://other.example/notes/1', media: [] }, origin)
    expect(note).toMatchObject({ id: `${origin}/users/ewe/statuses/2`, attributedTo: author.uri, inReplyTo: 'https://other.example/notes/1', url: `${origin}/@ewe/2`, contentMap: { en: '<p>hi</p>' } })
    expect(note.tag).toEqual([
      { type: 'Mention', href: friend, name: '@goat@other.example' },
      { type: 'Hashtag', href: `${origin}/tags/meadow`, name: '#meadow' },
    ])
    const create = renderCreate(note)
    expect(create).toMatchObject({ id: `${origin}/users/ewe/statuses/2/activity`, type: 'Create', actor: author.uri, to: note.to, cc: note.cc, object: { id: note.id } })
  })

  it('the Person carries key, collections, shared inbox, lock and profile fields', () => {
    const person = renderPerson(author, origin)
    expect(person).toMatchObject({
      type: 'Person',
      manuallyApprovesFollowers: true,
      publicKey: { id: `${author.uri}#main-key`, owner: author.uri, publicKeyPem: 'PEM' },
      endpoints: { sharedInbox: `${origin}/inbox` },
      attachment: [{ type: 'PropertyValue', name: 'Home', value: 'meadow' }],
      published: '2026-01-02T00:00:00Z',
    })
  })
})
