import { formToParams, readParams } from '../../backend/http/body'
import { HttpError } from '../../backend/http/errors'

describe('request bodies', () => {
  it('fold Rails-style form names into lists and objects', () => {
    const params = formToParams(
      new URLSearchParams('status=hi&media_ids[]=1&media_ids[]=2&poll[options][]=a&poll[options][]=b&poll[expires_in]=300&data[alerts][follow]=true'),
    )
    expect(params).toEqual({
      status: 'hi',
      media_ids: ['1', '2'],
      poll: { options: ['a', 'b'], expires_in: '300' },
      data: { alerts: { follow: 'true' } },
    })
  })

  it('fold a[][k] into a list of objects, starting a new one when a key repeats', () => {
    const params = formToParams(
      new URLSearchParams('keywords_attributes[][keyword]=cat&keywords_attributes[][whole_word]=true&keywords_attributes[][keyword]=dog&keywords_attributes[][id]=7'),
    )
    expect(params).toEqual({ keywords_attributes: [{ keyword: 'cat', whole_word: 'true' }, { keyword: 'dog', id: '7' }] })
  })

  it('ignore prototype-polluting names', () => {
    const params = formToParams(new URLSearchParams('__proto__[x]=1&a[constructor][y]=2'))
    expect(({} as Record<string, unknown>).x).toBeUndefined()
    expect(params).toEqual({ a: {} })
  })

  it('answer malformed JSON with a 400', async () => {
    const req = new Request('http://x/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' })
    await expect(readParams(req)).rejects.toMatchObject({ status: 400 })
    const arr = new Request('http://x/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[1]' })
    await expect(readParams(arr)).rejects.toBeInstanceOf(HttpError)
  })

  it('refuse an unknown content type with a 415', async () => {
    const req = new Request('http://x/', { method: 'POST', headers: { 'content-type': 'text/csv' }, body: 'a,b' })
    await expect(readParams(req)).rejects.toMatchObject({ status: 415 })
  })
})
