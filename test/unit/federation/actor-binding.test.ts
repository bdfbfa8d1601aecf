import { assertSignerIsActor } from '../../../backend/federation/actor-binding'

describe('binding the signer to the actor', () => {
  const alice = 'https://a.example/users/alice'
  it('accept the owner, or a key on the same origin when the owner is unknown', () => {
    expect(() => assertSignerIsActor({ keyId: `${alice}#main-key`, ownerId: alice }, alice)).not.toThrow()
    expect(() => assertSignerIsActor({ keyId: 'https://a.example/actor#main-key', ownerId: null }, alice)).not.toThrow()
  })
  it('refuse another owner, another origin, a key elsewhere claiming the actor, a non-URL actor', () => {
    const cases: [{ keyId: string; ownerId: string | null }, string][] = [
      [{ keyId: 'https://a.example/users/mallory#main-key', ownerId: 'https://a.example/users/mallory' }, alice],
      [{ keyId: 'https://evil.example/k', ownerId: null }, alice],
      [{ keyId: 'https://evil.example/k', ownerId: alice }, alice],
      [{ keyId: 'https://a.example.evil.example/k', ownerId: null }, alice],
      [{ keyId: `${alice}#main-key`, ownerId: alice }, 'not a url'],
    ]
    for (const [signer, actor] of cases) expect(() => assertSignerIsActor(signer, actor)).toThrow(expect.objectContaining({ status: 401 }))
  })
})
