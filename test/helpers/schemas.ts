import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020'
import addFormats from 'ajv-formats'

const SHARED = join(process.cwd(), '..', 'shared', 'spec')

function newAjv(): Ajv2020 {
  // The OpenAPI document carries keywords JSON Schema does not know (example, externalDocs…).
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true })
  addFormats(ajv)
  // Mastodon itself answers "" when no contact email is set, which the format would refuse.
  ajv.addFormat('email', { validate: (s: string) => s === '' || /^[^\s@]+@[^\s@]+$/.test(s) })
  ajv.addFormat('iso-639-1', /^[a-z]{2}$/)
  return ajv
}

let openapi: Ajv2020 | undefined
const compiled = new Map<string, ValidateFunction>()

/** Validates a body against a component schema of ../shared/spec/mastodon/openapi.json. */
export function mastodonValidator(schema: string): ValidateFunction {
  const key = `mastodon:${schema}`
  const hit = compiled.get(key)
  if (hit) return hit
  if (!openapi) {
    openapi = newAjv()
    const doc = JSON.parse(readFileSync(join(SHARED, 'mastodon', 'openapi.json'), 'utf8')) as Record<string, unknown>
    openapi.addSchema({ $id: 'mastodon', components: doc.components })
  }
  const fn = openapi.getSchema(`mastodon#/components/schemas/${schema}`)
  if (!fn) throw new Error(`no schema ${schema} in openapi.json`)
  compiled.set(key, fn)
  return fn
}

export function nodeInfoValidator(version: '2.0' | '2.1'): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true })
  addFormats(ajv)
  const schema = JSON.parse(readFileSync(join(SHARED, 'nodeinfo', version, 'schema.json'), 'utf8')) as Record<string, unknown>
  delete schema.$schema
  delete schema.id
  return ajv.compile(schema)
}

/** Jest-friendly: returns the errors, so a failing test shows what did not match. */
export function schemaErrors(validate: ValidateFunction, body: unknown): string[] {
  return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`)
}
