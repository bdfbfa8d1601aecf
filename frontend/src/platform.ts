import type { RequestEventBase } from '@builder.io/qwik-city'
import type { Env } from '../../backend/env'
import { database, type Db } from '../../backend/db/client'

/** The Worker bindings for a server-side loader. Pages passes them in as the platform. */
export function envOf(ev: RequestEventBase): Env {
  const env = (ev.platform as { env?: Env }).env
  if (env === undefined) throw new Error('No Cloudflare platform: run the frontend through the Pages stack (npm start).')
  return env
}

export function dbOf(ev: RequestEventBase): Db {
  return database(envOf(ev).DB)
}
