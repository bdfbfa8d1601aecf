import { grants, parseScopes, within } from '../../backend/auth/scopes'
import { safeReturnTo } from '../../backend/auth/return-to'
import { validateRedirectUris } from '../../backend/oauth/apps'
import { hashPassword, verifyPassword } from '../../backend/auth/password'

describe('scopes', () => {
  it('a top-level scope covers its granular ones, not the other way round', () => {
    expect(grants(['read'], 'read:statuses')).toBe(true)
    expect(grants(['write'], 'write:media')).toBe(true)
    expect(grants(['read:statuses'], 'read')).toBe(false)
    expect(grants(['read'], 'write:statuses')).toBe(false)
    expect(grants(['admin:read'], 'admin:read:accounts')).toBe(true)
    expect(grants(['read'], 'admin:read:accounts')).toBe(false)
  })

  it('follow covers the follow, block and mute scopes only', () => {
    expect(grants(['follow'], 'write:follows')).toBe(true)
    expect(grants(['follow'], 'read:blocks')).toBe(true)
    expect(grants(['follow'], 'write:statuses')).toBe(false)
    expect(grants(['push'], 'read:notifications')).toBe(false)
  })

  it('parses spaces and plus signs, defaults to read, refuses unknown scopes', () => {
    expect(parseScopes('read+write  follow')).toEqual(['read', 'write', 'follow'])
    expect(parseScopes(undefined)).toEqual(['read'])
    expect(() => parseScopes('read sudo')).toThrow('invalid_scope')
    expect(within(['read:accounts', 'follow'], ['read', 'follow'])).toBe(true)
    expect(within(['write'], ['read'])).toBe(false)
  })
})

describe('redirects', () => {
  it('return_to stays on this site', () => {
    expect(safeReturnTo('/oauth/authorize?x=1')).toBe('/oauth/authorize?x=1')
    for (const bad of ['https://evil.example', '//evil.example', '/\\evil.example', 'evil', '/x\r\nSet-Cookie: a=b', 5]) expect(safeReturnTo(bad)).toBeNull()
  })

  it('redirect URIs: web, custom schemes and oob are fine; scripts, fragments and relative ones are not', () => {
    expect(validateRedirectUris(['https://a.example/cb', 'app.tusky://oauth', 'urn:ietf:wg:oauth:2.0:oob'])).toHaveLength(3)
    for (const bad of ['javascript:alert(1)', 'data:text/html,x', '/relative', 'https://a.example/#x', '']) expect(() => validateRedirectUris(bad)).toThrow()
  })
})

describe('passwords', () => {
  it('verifies the right password only, and refuses hashes above the runtime cap', async () => {
    const stored = await hashPassword('correct horse battery')
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$/)
    expect(await verifyPassword('correct horse battery', stored)).toBe(true)
    expect(await verifyPassword('wrong', stored)).toBe(false)
    expect(await verifyPassword('anything', null)).toBe(false)
    expect(await verifyPassword('correct horse battery', stored.replace('$100000$', '$100001$'))).toBe(false)
  })
})
