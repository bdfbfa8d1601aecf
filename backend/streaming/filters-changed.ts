import { errorMessage } from '../cache/client'
import type { Env } from '../env'
import { publishFiltersChanged } from './publish'

/** After a filter write: tell the person's open streams to reload their filters (`filters_changed`). */
export function filtersChanged(ctx: { env: Env; waitUntil: (p: Promise<unknown>) => void }, accountId: string): void {
  ctx.waitUntil(publishFiltersChanged(ctx.env, accountId).catch((err) => console.error('streaming: filters_changed failed', errorMessage(err))))
}
