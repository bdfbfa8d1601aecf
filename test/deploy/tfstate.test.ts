import { Miniflare } from 'miniflare'
import { lock, LOCK_KEY, pull, push, STATE_KEY, StateError, unlock, type KVStore } from '../../scripts/tfstate/store'

let mf: Miniflare
let kv: KVStore

function state(serial: number, lineage = 'lineage-a', extra = ''): string {
  return JSON.stringify({ version: 4, serial, lineage, resources: [], extra })
}

beforeAll(async () => {
  mf = new Miniflare({ modules: true, script: 'export default { fetch() { return new Response("") } }', kvNamespaces: ['STATE'] })
  const ns = await mf.getKVNamespace('STATE')
  // The real Miniflare KV behind the same interface the REST client implements.
  kv = {
    get: (k) => ns.get(k),
    put: (k, v) => ns.put(k, v),
    delete: (k) => ns.delete(k),
  }
})
afterAll(async () => {
  await mf.dispose()
})
beforeEach(async () => {
  for (const k of [LOCK_KEY, STATE_KEY, `${STATE_KEY}/previous`]) await kv.delete(k)
})

describe('the deploy lock', () => {
  it('refuses a second deploy while the first holds it', async () => {
    await lock(kv, 'run-1', 1_000)
    await expect(lock(kv, 'run-2', 2_000)).rejects.toThrow(/locked by run-1/)
  })

  it('lets a new deploy take a lock that expired', async () => {
    await lock(kv, 'run-1', 1_000, 10_000)
    const l = await lock(kv, 'run-2', 11_001, 10_000)
    expect(l.owner).toBe('run-2')
    expect(JSON.parse((await kv.get(LOCK_KEY)) as string).owner).toBe('run-2')
  })

  it('is released only by its owner unless forced', async () => {
    await lock(kv, 'run-1')
    await expect(unlock(kv, 'run-2')).rejects.toThrow(StateError)
    await unlock(kv, 'run-1')
    expect(await kv.get(LOCK_KEY)).toBeNull()
    await lock(kv, 'run-3')
    await unlock(kv, 'someone', true)
    expect(await kv.get(LOCK_KEY)).toBeNull()
  })

  it('treats an unreadable lock as held', async () => {
    await kv.put(LOCK_KEY, 'garbage')
    await expect(lock(kv, 'run-1')).rejects.toThrow(/unreadable lock/)
  })
})

describe('state push and pull', () => {
  it('round-trips the state byte for byte', async () => {
    expect(await pull(kv)).toBeNull()
    await lock(kv, 'run-1')
    const s = state(1, 'lineage-a', 'ünïcode ✓')
    expect(await push(kv, 'run-1', s)).toBe('stored')
    expect(await pull(kv)).toBe(s)
    expect(await push(kv, 'run-1', s)).toBe('unchanged')
  })

  it('refuses to push without the lock', async () => {
    await expect(push(kv, 'run-1', state(1))).rejects.toThrow(/does not hold the state lock/)
    await lock(kv, 'run-2')
    await expect(push(kv, 'run-1', state(1))).rejects.toThrow(/does not hold the state lock/)
    expect(await pull(kv)).toBeNull()
  })

  it('refuses to overwrite newer state, and keeps the previous one on success', async () => {
    await lock(kv, 'run-1')
    await push(kv, 'run-1', state(5))
    await expect(push(kv, 'run-1', state(4))).rejects.toThrow(/newer state: stored serial 5, local serial 4/)
    await expect(push(kv, 'run-1', state(5, 'lineage-a', 'changed'))).rejects.toThrow(/same serial/)
    expect(await pull(kv)).toBe(state(5))
    await push(kv, 'run-1', state(6))
    expect(await pull(kv)).toBe(state(6))
    expect(await kv.get(`${STATE_KEY}/previous`)).toBe(state(5))
  })

  it('refuses state of another lineage and things that are not state', async () => {
    await lock(kv, 'run-1')
    await push(kv, 'run-1', state(1, 'lineage-a'))
    await expect(push(kv, 'run-1', state(9, 'lineage-b'))).rejects.toThrow(/different Terraform state/)
    await expect(push(kv, 'run-1', '{"hello":1}')).rejects.toThrow(/not a Terraform state/)
    await expect(push(kv, 'run-1', 'nope')).rejects.toThrow(/not JSON/)
    expect(await pull(kv)).toBe(state(1, 'lineage-a'))
  })
})
