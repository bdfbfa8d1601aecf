import type { Db } from '../db/client'
import type { Env } from '../env'
import { instanceV1, instanceV2, originOf } from './documents'
import { nodeInfo, nodeInfoLinks, type NodeInfoVersion } from './nodeinfo'
import { getSettings, getStats } from './settings'

export async function readInstanceV1(env: Pick<Env, 'CACHE'>, db: Db, url: string) {
  const [settings, stats] = await Promise.all([getSettings(env, db), getStats(env, db)])
  return instanceV1(settings, stats.counts, originOf(url))
}

export async function readInstanceV2(env: Pick<Env, 'CACHE'>, db: Db, url: string) {
  const [settings, stats] = await Promise.all([getSettings(env, db), getStats(env, db)])
  return instanceV2(settings, stats.active.month, originOf(url))
}

export async function readNodeInfo(env: Pick<Env, 'CACHE'>, db: Db, version: NodeInfoVersion) {
  const [settings, stats] = await Promise.all([getSettings(env, db), getStats(env, db)])
  return nodeInfo(version, settings, stats.counts, stats.active)
}

export { nodeInfoLinks }
