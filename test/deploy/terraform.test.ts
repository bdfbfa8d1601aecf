import { execFileSync, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bindingMismatches, declaredBindings, declaredQueues, wranglerConfigs, type TfBindings } from '../../scripts/deploy/bindings'
import { renderConfig } from '../../scripts/deploy/render'
import { loadTerraform, type Terraform } from '../helpers/terraform'

const ROOT = process.cwd()
const configs = wranglerConfigs(ROOT)
let tf: Terraform
let scripts: Record<string, Record<string, { type: string }>>

beforeAll(async () => {
  tf = await loadTerraform(join(ROOT, 'tf'))
  scripts = tf.resolve(tf.locals.bindings ?? null) as typeof scripts
})

function resourceValues(type: string, attr: string): string[] {
  return Object.values(tf.resources[type] ?? {}).map((r) => String(tf.resolve(r[attr] ?? null)))
}

describe('wrangler.toml ⇄ Terraform', () => {
  it('finds every wrangler.toml and a Terraform binding map for each script', () => {
    expect(configs.map((c) => c.path)).toEqual(expect.arrayContaining(['wrangler.toml', 'do/wrangler.toml', 'consumer/wrangler.toml']))
    expect(Object.keys(scripts).sort()).toEqual(configs.map((c) => String(c.toml.name)).sort())
  })

  it.each(configs.map((c) => [c.path, c] as const))('%s: every binding exists in Terraform with the same name and kind, and the reverse', (_path, c) => {
    expect(bindingMismatches(c.path, c.toml, scripts[String(c.toml.name)])).toEqual([])
  })

  it('every queue, database and bucket named in a wrangler.toml is a Terraform resource of that name', () => {
    const queues = resourceValues('cloudflare_queue', 'queue_name')
    const databases = resourceValues('cloudflare_d1_database', 'name')
    const buckets = resourceValues('cloudflare_r2_bucket', 'name')
    for (const c of configs) {
      for (const q of declaredQueues(c.toml)) expect({ config: c.path, queue: q, known: queues.includes(q) }).toEqual({ config: c.path, queue: q, known: true })
      for (const b of declaredBindings(c.toml)) {
        if (b.type === 'd1') expect(databases).toContain(b.entry.database_name)
        if (b.type === 'r2') expect(buckets).toContain(b.entry.bucket_name)
      }
    }
  })

  it('the consumer Worker consumes the same queues, with the same dead-letter queue, in both', () => {
    const consumers = tf.resolve(tf.locals.queue_consumers ?? null) as Record<string, Record<string, { dead_letter_queue: string }>>
    for (const c of configs) {
      const declared = ((c.toml.queues as { consumers?: Array<{ queue: string; dead_letter_queue?: string }> } | undefined)?.consumers ?? []).map((q) => ({
        queue: q.queue,
        dlq: q.dead_letter_queue,
      }))
      const inTf = Object.entries(consumers[String(c.toml.name)] ?? {}).map(([queue, v]) => ({ queue, dlq: v.dead_letter_queue }))
      const byQueue = (a: { queue: string }, b: { queue: string }) => a.queue.localeCompare(b.queue)
      expect({ config: c.path, consumers: inTf.sort(byQueue) }).toEqual({ config: c.path, consumers: declared.sort(byQueue) })
    }
  })

  it('every secret and deploy variable Terraform sets is a field the code reads from Env', () => {
    const env = readFileSync(join(ROOT, 'backend', 'env.ts'), 'utf8')
    const names = [
      ...Object.keys((tf.locals.secrets ?? {}) as object),
      // deploy_vars is a for-expression; its keys are the NAME = lines inside it.
      ...[...String(tf.locals.deploy_vars).matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*=/gm)].map((m) => m[1] as string),
    ]
    expect(names).toEqual(expect.arrayContaining(['HERD_KEK']))
    const unread = names.filter((n) => !new RegExp(`\\b${n}\\??:`).test(env))
    expect(unread).toEqual([])
  })

  it('every string setting the code reads from Env is set by Terraform or a wrangler.toml, unless it is local-only', () => {
    const env = readFileSync(join(ROOT, 'backend', 'env.ts'), 'utf8')
    const body = /export interface Env \{([\s\S]*?)\n\}/.exec(env)?.[1] ?? ''
    const settings = [...body.matchAll(/^\s*([A-Z][A-Z0-9_]*)\??:\s*string\b/gm)].map((m) => m[1] as string)
    const setByTf = [
      ...Object.keys((tf.locals.secrets ?? {}) as object),
      ...[...String(tf.locals.deploy_vars).matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*=/gm)].map((m) => m[1] as string),
    ]
    const inToml = configs.flatMap((c) => Object.keys((c.toml.vars ?? {}) as object))
    // Development and test switches: never set in production, off when absent.
    const localOnly = (n: string) => n === 'HERD_EXPOSE_METRICS' || n.startsWith('HERD_DEV_')
    expect(settings).toContain('HERD_KEK')
    expect(settings.filter((n) => !setByTf.includes(n) && !inToml.includes(n) && !localOnly(n))).toEqual([])
  })

  it('keeps data: stateful resources cannot be destroyed by a plan', () => {
    for (const type of ['cloudflare_d1_database', 'cloudflare_workers_kv_namespace', 'cloudflare_r2_bucket']) {
      for (const [name, r] of Object.entries(tf.resources[type] ?? {})) {
        expect({ resource: `${type}.${name}`, lifecycle: r.lifecycle }).toEqual({ resource: `${type}.${name}`, lifecycle: [{ prevent_destroy: true }] })
      }
    }
  })

  it('pins every provider to an exact version', () => {
    const req = (tf.files['versions.tf']?.terraform as Array<{ required_providers: Array<Record<string, { version: string }>> }>)[0]?.required_providers[0] ?? {}
    expect(Object.keys(req)).toContain('cloudflare')
    for (const [name, p] of Object.entries(req)) expect({ name, version: p.version }).toEqual({ name, version: expect.stringMatching(/^\d+\.\d+\.\d+$/) })
  })

  it('is formatted (only where terraform is installed)', () => {
    const which = spawnSync('sh', ['-c', 'command -v terraform'], { encoding: 'utf8' })
    if (which.status !== 0) return // terraform is optional on developer machines; CI runs fmt -check in the workflow.
    execFileSync('terraform', ['fmt', '-check', '-recursive', 'tf'], { cwd: ROOT, stdio: 'pipe' })
  })
})

describe('rendering a deploy config', () => {
  const fake: TfBindings = {
    scripts: {},
    queue_consumers: { 'herd-consumer': { 'herd-queue': { dead_letter_queue: 'herd-dlq' }, 'herd-dlq': {} } },
    vars: { ACCESS_AUD: 'aud-123' },
    worker_routes: { 'herd-consumer': [{ pattern: '*.social.example/.well-known/atproto-did*', zone_id: 'zone-123' }] },
  }
  beforeAll(() => {
    // Terraform's own map, with the ids it would only know after apply filled in.
    fake.scripts = JSON.parse(
      JSON.stringify(scripts)
        .replace(/<cloudflare_d1_database\.db\.id>/g, 'real-d1-id')
        .replace(/<cloudflare_workers_kv_namespace\.kv\.id>/g, 'real-kv-id'),
    ) as TfBindings['scripts']
  })

  it('puts the real ids in, absolute paths, and the deploy variables', () => {
    const c = configs.find((x) => x.path === 'consumer/wrangler.toml')!
    const out = renderConfig(ROOT, c.path, c.toml, fake) as {
      main: string
      vars: Record<string, string>
      d1_databases: Array<{ database_id: string; migrations_dir: string }>
      kv_namespaces: Array<{ id: string }>
    }
    expect(out.d1_databases[0]!.database_id).toBe('real-d1-id')
    expect(out.d1_databases[0]!.migrations_dir).toBe(join(ROOT, 'migrations'))
    expect(out.kv_namespaces[0]!.id).toBe('real-kv-id')
    expect(out.main).toBe(join(ROOT, 'consumer', 'index.ts'))
    expect(out.vars.ACCESS_AUD).toBe('aud-123')
    // The consumer's Cron Trigger (scheduled posts, ending polls) is deployed with it.
    expect((out as { triggers?: unknown }).triggers).toEqual({ crons: ['* * * * *'] })
    // Bluesky handle host names reach the consumer through its route (tf/atproto.tf).
    expect((out as unknown as { routes: unknown }).routes).toEqual([{ pattern: '*.social.example/.well-known/atproto-did*', zone_id: 'zone-123' }])
    const pages = configs.find((x) => x.path === 'wrangler.toml')!
    expect((renderConfig(ROOT, pages.path, pages.toml, fake) as { routes?: unknown }).routes).toBeUndefined()
    // The checked-in file is untouched.
    expect((c.toml.d1_databases as Array<{ database_id: string }>)[0]!.database_id).not.toBe('real-d1-id')
  })

  it('refuses a config with a binding Terraform does not provide', () => {
    const c = configs.find((x) => x.path === 'wrangler.toml')!
    const extra = { ...c.toml, kv_namespaces: [...(c.toml.kv_namespaces as object[]), { binding: 'SESSIONS', id: 'x' }] }
    expect(() => renderConfig(ROOT, c.path, extra, fake)).toThrow(/binding SESSIONS \(kv\) has no counterpart in Terraform/)
  })

  it('refuses a Terraform binding the config does not declare', () => {
    const c = configs.find((x) => x.path === 'do/wrangler.toml')!
    const tfExtra = { ...fake, scripts: { ...fake.scripts, 'herd-do': { ...fake.scripts['herd-do'], DB: { type: 'd1', database_id: 'x' } } } }
    expect(() => renderConfig(ROOT, c.path, c.toml, tfExtra)).toThrow(/Terraform binding DB of script "herd-do" is not declared/)
  })
})
