// Renders a checked-in wrangler.toml with the real resource ids from Terraform, for one deploy.
import { dirname, isAbsolute, join } from 'node:path'
import { stringify } from 'smol-toml'
import { bindingMismatches, KINDS, type TfBindings } from './bindings.ts'

type Table = Record<string, unknown>

function absolute(base: string, p: unknown): string {
  const s = String(p)
  return isAbsolute(s) ? s : join(base, s)
}

/**
 * The config at `configPath` (relative to `root`) with every binding pointed at the resource
 * Terraform made, deploy-specific vars added, and paths made absolute so the file can live in a
 * temporary directory. Throws when the config and Terraform disagree about any binding.
 */
export function renderConfig(root: string, configPath: string, source: Table, tf: TfBindings): Table {
  const toml = structuredClone(source)
  const name = String(toml.name)
  const scriptTf = tf.scripts[name]
  const problems = bindingMismatches(configPath, toml, scriptTf)
  const consumers = ((toml.queues as Table | undefined)?.consumers ?? []) as Table[]
  for (const c of consumers) {
    const t = tf.queue_consumers[name]?.[String(c.queue)]
    if (!t) problems.push(`${configPath}: consumer of queue ${String(c.queue)} is not in Terraform local.queue_consumers["${name}"]`)
    else if (t.dead_letter_queue !== undefined) c.dead_letter_queue = t.dead_letter_queue
  }
  if (problems.length > 0 || !scriptTf) throw new Error(`wrangler.toml and Terraform disagree:\n  ${problems.join('\n  ')}`)

  for (const kind of KINDS) {
    let list: unknown = toml
    for (const p of kind.path) list = (list as Table | undefined)?.[p]
    for (const entry of (Array.isArray(list) ? list : []) as Table[]) {
      const t = scriptTf[String(entry[kind.nameField])] as Record<string, string>
      for (const field of kind.fromTf) {
        if (t[field] !== undefined) entry[field] = t[field]
        else if (field !== 'script_name') delete entry[field]
      }
    }
  }

  const vars = { ...((toml.vars as Table | undefined) ?? {}) }
  for (const [k, v] of Object.entries(tf.vars)) {
    if (k in vars && vars[k] !== v) throw new Error(`${configPath}: var ${k} is set both in wrangler.toml and by Terraform`)
    vars[k] = v
  }
  if (Object.keys(vars).length > 0) toml.vars = vars

  const routes = tf.worker_routes?.[name] ?? []
  if (routes.length > 0) {
    if (toml.routes !== undefined || toml.route !== undefined) throw new Error(`${configPath}: routes are set both in wrangler.toml and by Terraform`)
    toml.routes = routes.map((r) => ({ pattern: r.pattern, zone_id: r.zone_id }))
  }

  const base = join(root, dirname(configPath))
  if (toml.main !== undefined) toml.main = absolute(base, toml.main)
  if (toml.pages_build_output_dir !== undefined) toml.pages_build_output_dir = absolute(base, toml.pages_build_output_dir)
  for (const d of (toml.d1_databases ?? []) as Table[]) {
    if (d.migrations_dir !== undefined) d.migrations_dir = absolute(base, d.migrations_dir)
  }
  return toml
}

export function renderToml(root: string, configPath: string, source: Table, tf: TfBindings): string {
  return `# Rendered for one deploy by scripts/deploy-config.ts from ${configPath} and Terraform's outputs. Do not commit.\n${stringify(renderConfig(root, configPath, source, tf))}\n`
}
