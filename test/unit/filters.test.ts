import { FilterSet, keywordPattern, type FilterableStatus } from '../../backend/filters/apply'
import type { Filter } from '../../backend/filters/filters'

const status = (id: string, content: string, extra: Partial<FilterableStatus> = {}): FilterableStatus => ({ id, content, spoiler_text: '', media_attachments: [], reblog: null, ...extra })
const filter = (over: Partial<Filter>): Filter => ({ id: '1', title: 't', context: ['home'], filter_action: 'warn', expires_at: null, keywords: [], statuses: [], ...over })

describe('filter keywords', () => {
  it('match whole words only where the keyword has word edges, case-insensitively', () => {
    expect(keywordPattern('cat', true).test('A Cat sat')).toBe(true)
    expect(keywordPattern('cat', true).test('concatenate')).toBe(false)
    expect(keywordPattern('cat', false).test('concatenate')).toBe(true)
    expect(keywordPattern('#tag', true).test('see #tag.')).toBe(true)
    expect(keywordPattern('über', true).test('Über alles')).toBe(true)
    expect(keywordPattern('über', true).test('Überall')).toBe(false)
    expect(keywordPattern('a.b', false).test('axb')).toBe(false)
  })

  it('look at the text, the content warning and media descriptions, and through reblogs', () => {
    const set = new FilterSet([filter({ keywords: [{ id: 'k', keyword: 'spoiler', whole_word: true }] })], 'home')
    expect(set.results(status('1', '<p>nothing here</p>'))).toEqual([])
    expect(set.results(status('2', '<p>a</p>', { spoiler_text: 'Spoiler ahead' }))[0]?.keyword_matches).toEqual(['spoiler'])
    expect(set.results(status('3', '<p>a</p>', { media_attachments: [{ description: 'a spoiler image' }] }))).toHaveLength(1)
    expect(set.results(status('4', '', { reblog: status('5', '<p>big <b>spoiler</b></p>') }))).toHaveLength(1)
    expect(set.results(status('6', '<p>spoiler&#39;s</p>'))).toHaveLength(1)
  })

  it('apply only in their contexts and until they expire, and match filtered statuses by id', () => {
    const f = filter({ context: ['public'], statuses: [{ id: 's', status_id: '9' }] })
    expect(new FilterSet([f], 'home').empty).toBe(true)
    expect(new FilterSet([f], 'public').results(status('9', 'x'))[0]?.status_matches).toEqual(['9'])
    const expired = filter({ expires_at: new Date(Date.now() - 1000).toISOString(), keywords: [{ id: 'k', keyword: 'x', whole_word: false }] })
    expect(new FilterSet([expired], 'home').empty).toBe(true)
  })
})
