import type { Db } from '../db/client'
import type { Env } from '../env'
import { instanceV1, instanceV2, originOf } from './documents'
import { nodeInfo, nodeInfoLinks, type NodeInfoVersion } from './nodeinfo'
import { getSettings, getStats } from './settings'
import { getContactAccount } from '../accounts/read'

export async function readInstanceV1(env: Pick<Env, 'CACHE'>, db: Db, url: string) {
  const o = originOf(url)
  const [settings, stats, contact] = await Promise.all([getSettings(env, db), getStats(env, db), getContactAccount(env, db, o.origin)])
  return instanceV1(settings, stats.counts, o, contact)
}

export async function readInstanceV2(env: Pick<Env, 'CACHE'>, db: Db, url: string) {
  const o = originOf(url)
  const [settings, stats, contact] = await Promise.all([getSettings(env, db), getStats(env, db), getContactAccount(env, db, o.origin)])
  return instanceV2(settings, stats.active.month, o, contact)
}

export async function readNodeInfo(env: Pick<Env, 'CACHE'>, db: Db, version: NodeInfoVersion) {
  const [settings, stats] = await Promise.all([getSettings(env, db), getStats(env, db)])
  return nodeInfo(version, settings, stats.counts, stats.active)
}

export { nodeInfoLinks }
