import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

type Json = string | number | boolean | null | Json[] | { [k: string]: Json }
type Obj = { [k: string]: Json }

export interface Terraform {
  files: Record<string, Obj>
  locals: Obj
  variables: Record<string, Obj>
  /** resource type → name → body */
  resources: Record<string, Record<string, Obj>>
  /** Resolves var.*, local.* and static resource attributes the way Terraform would, as far as it can offline. */
  resolve(value: Json): Json
}

// Loaded by a non-literal specifier so its declarations (which pull in lib.dom and clash with
// the Workers types) stay out of the type check.
const HCL2JSON = '@cdktf/hcl2json'
async function parse(file: string, text: string): Promise<unknown> {
  const mod = (await import(HCL2JSON)) as { parse(file: string, text: string): Promise<unknown> }
  return mod.parse(file, text)
}

/** Parses tf/*.tf with an HCL-to-JSON parser and evaluates the simple references in it. */
export async function loadTerraform(dir: string): Promise<Terraform> {
  const files: Record<string, Obj> = {}
  const locals: Obj = {}
  const variables: Record<string, Obj> = {}
  const resources: Record<string, Record<string, Obj>> = {}
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.tf')).sort()) {
    const doc = (await parse(f, readFileSync(join(dir, f), 'utf8'))) as Obj
    files[f] = doc
    for (const block of (doc.locals ?? []) as Obj[]) Object.assign(locals, block)
    for (const [name, blocks] of Object.entries((doc.variable ?? {}) as Record<string, Obj[]>)) variables[name] = blocks[0] as Obj
    for (const [type, byName] of Object.entries((doc.resource ?? {}) as Record<string, Record<string, Obj[]>>)) {
      for (const [name, blocks] of Object.entries(byName)) (resources[type] ??= {})[name] = blocks[0] as Obj
    }
  }

  const reference = (expr: string): Json => {
    const e = expr.trim().replace(/^\((.*)\)$/, '$1').trim()
    let m = /^var\.(\w+)$/.exec(e)
    if (m) return resolve(variables[m[1] as string]?.default ?? `<var.${m[1]}>`)
    m = /^local\.(\w+)$/.exec(e)
    if (m) return resolve(locals[m[1] as string] ?? `<local.${m[1]}>`)
    m = /^(\w+)\.(\w+)\.(\w+)$/.exec(e)
    if (m) {
      const [, type, name, attr] = m as unknown as [string, string, string, string]
      const r = resources[type]?.[name]
      // Static arguments (names) resolve; ids only exist after apply.
      if (r && attr !== 'id' && typeof r[attr] === 'string') return resolve(r[attr])
      return `<${type}.${name}.${attr}>`
    }
    return `<${e}>`
  }

  const resolve = (value: Json): Json => {
    if (typeof value === 'string') {
      const whole = /^\$\{([^{}]*)\}$/.exec(value)
      if (whole) return reference(whole[1] as string)
      return value.replace(/\$\{([^{}]*)\}/g, (_, e: string) => String(reference(e)))
    }
    if (Array.isArray(value)) return value.map(resolve)
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [String(resolve(k)), resolve(v)]))
    return value
  }

  return { files, locals, variables, resources, resolve }
}
