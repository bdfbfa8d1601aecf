import type { Db } from '../db/client'
import type { Env } from '../env'
import { instanceV1, instanceV2, originOf } from './documents'
import { nodeInfo, nodeInfoLinks, type NodeInfoVersion } from './nodeinfo'
import { getSettings, getStats } from './settings'
import { renderAccount } from '../mastodon/account'

export async function readInstanceV1(env: Pick<Env, 'CACHE'>, db: Db, url: string) {
  const o = originOf(url)
  const [settings, stats] = await Promise.all([getSettings(env, db), getStats(env, db)])
  return instanceV1(settings, stats.counts, o, stats.contact && renderAccount(stats.contact, o.origin))
}

export async function readInstanceV2(env: Pick<Env, 'CACHE'>, db: Db, url: string) {
  const o = originOf(url)
  const [settings, stats] = await Promise.all([getSettings(env, db), getStats(env, db)])
  return instanceV2(settings, stats.active.month, o, stats.contact && renderAccount(stats.contact, o.origin))
}

export async function readNodeInfo(env: Pick<Env, 'CACHE'>, db: Db, version: NodeInfoVersion) {
  const [settings, stats] = await Promise.all([getSettings(env, db), getStats(env, db)])
  return nodeInfo(version, settings, stats.counts, stats.active)
}

export { nodeInfoLinks }
