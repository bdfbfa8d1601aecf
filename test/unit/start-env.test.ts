import { passedThrough } from '../../scripts/local-stack'

describe('npm start passes through', () => {
  it('the bridge and dev variables that are set, and nothing else', () => {
    const env = { ATPROTO_PLC_URL: 'http://127.0.0.1:8790', ATPROTO_RELAYS: 'http://127.0.0.1:8790/relay', HERD_DEV_ALLOW_HOSTS: '127.0.0.1:8790', HERD_KEK: 'secret', PATH: '/bin' }
    expect(passedThrough(env)).toEqual({ ATPROTO_PLC_URL: 'http://127.0.0.1:8790', ATPROTO_RELAYS: 'http://127.0.0.1:8790/relay', HERD_DEV_ALLOW_HOSTS: '127.0.0.1:8790' })
  })

  it('nothing when they are unset or empty, so the production defaults apply', () => {
    expect(passedThrough({ ATPROTO_PLC_URL: '', PATH: '/bin' })).toEqual({})
  })
})
