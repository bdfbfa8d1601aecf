// The bindings the wrangler.toml files declare, and how Terraform's `bindings` output fills in
// the real resources behind them. Shared by scripts/deploy-config.ts (deploy time) and
// test/deploy/terraform.test.ts (offline check). No import.meta here: jest loads it.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'smol-toml'

type Table = Record<string, unknown>

/** One kind of binding: where it sits in wrangler.toml, and which fields Terraform supplies. */
interface Kind {
  type: string
  path: string[]
  nameField: string
  /** Fields taken from Terraform (real ids and names). */
  fromTf: string[]
}

export const KINDS: Kind[] = [
  { type: 'd1', path: ['d1_databases'], nameField: 'binding', fromTf: ['database_name', 'database_id'] },
  { type: 'kv', path: ['kv_namespaces'], nameField: 'binding', fromTf: ['id'] },
  { type: 'r2', path: ['r2_buckets'], nameField: 'binding', fromTf: ['bucket_name'] },
  { type: 'queue', path: ['queues', 'producers'], nameField: 'binding', fromTf: ['queue'] },
  { type: 'durable_object', path: ['durable_objects', 'bindings'], nameField: 'name', fromTf: ['class_name', 'script_name'] },
  { type: 'service', path: ['services'], nameField: 'binding', fromTf: ['service'] },
]

/** Binding kinds wrangler knows that this mapper does not (yet): a config using one is refused. */
const UNMAPPED = ['ai', 'vectorize', 'hyperdrive', 'analytics_engine_datasets', 'send_email', 'browser', 'workflows', 'mtls_certificates', 'dispatch_namespaces', 'images', 'version_metadata', 'secrets_store_secrets', 'pipelines']

export interface TfBinding {
  type: string
  [field: string]: string
}

export interface TfBindings {
  scripts: Record<string, Record<string, TfBinding>>
  queue_consumers: Record<string, Record<string, { dead_letter_queue?: string }>>
  vars: Record<string, string>
  /** Routes per script, set by `wrangler deploy` from the rendered config (tf/atproto.tf says why not by Terraform). */
  worker_routes?: Record<string, Array<{ pattern: string; zone_id: string }>>
}

export interface DeclaredBinding {
  name: string
  type: string
  entry: Table
}

export interface WranglerConfig {
  /** Path relative to the repository root. */
  path: string
  toml: Table
}

/** The root wrangler.toml and every <dir>/wrangler.toml one level down. */
export function wranglerConfigs(root: string): WranglerConfig[] {
  const skip = new Set(['node_modules', '.build', '.wrangler', '.git', 'frontend'])
  const paths = ['wrangler.toml']
  for (const d of readdirSync(root, { withFileTypes: true })) {
    if (d.isDirectory() && !skip.has(d.name) && existsSync(join(root, d.name, 'wrangler.toml'))) paths.push(`${d.name}/wrangler.toml`)
  }
  return paths.map((path) => ({ path, toml: parse(readFileSync(join(root, path), 'utf8')) as Table }))
}

function at(toml: Table, path: string[]): Table[] {
  let v: unknown = toml
  for (const p of path) v = (v as Table | undefined)?.[p]
  return Array.isArray(v) ? (v as Table[]) : []
}

export function declaredBindings(toml: Table): DeclaredBinding[] {
  for (const key of UNMAPPED) {
    if (toml[key] !== undefined) throw new Error(`binding kind "${key}" is not mapped in scripts/deploy/bindings.ts: add it to KINDS and to tf/`)
  }
  const out: DeclaredBinding[] = []
  for (const kind of KINDS) {
    for (const entry of at(toml, kind.path)) out.push({ name: String(entry[kind.nameField]), type: kind.type, entry })
  }
  return out
}

/** Queue names a config refers to (producers, consumers and their dead-letter queues). */
export function declaredQueues(toml: Table): string[] {
  const q = new Set<string>()
  for (const p of at(toml, ['queues', 'producers'])) q.add(String(p.queue))
  for (const c of at(toml, ['queues', 'consumers'])) {
    q.add(String(c.queue))
    if (c.dead_letter_queue) q.add(String(c.dead_letter_queue))
  }
  return [...q]
}

/**
 * Every way the bindings a config declares and the bindings Terraform provides for that script
 * disagree: missing on either side, or of a different kind. Empty when they match.
 */
export function bindingMismatches(configPath: string, toml: Table, tf: Record<string, { type: string }> | undefined): string[] {
  const name = String(toml.name)
  if (!tf) return [`${configPath}: Terraform declares no bindings for script "${name}"`]
  const problems: string[] = []
  const declared = declaredBindings(toml)
  for (const b of declared) {
    const t = tf[b.name]
    if (!t) problems.push(`${configPath}: binding ${b.name} (${b.type}) has no counterpart in Terraform local.bindings["${name}"]`)
    else if (t.type !== b.type) problems.push(`${configPath}: binding ${b.name} is ${b.type} in wrangler.toml but ${t.type} in Terraform`)
  }
  for (const tfName of Object.keys(tf)) {
    if (!declared.some((b) => b.name === tfName)) problems.push(`${configPath}: Terraform binding ${tfName} of script "${name}" is not declared in wrangler.toml`)
  }
  return problems
}
