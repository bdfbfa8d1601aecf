import type { Db } from '../db/client'
import type { Env } from '../env'
import { instanceV1, instanceV2, originOf } from './documents'
import { nodeInfo, nodeInfoLinks, type NodeInfoVersion } from './nodeinfo'
import { countActiveLocalAccounts, getCounts, getSettings } from './settings'

export async function readInstanceV1(env: Pick<Env, 'CACHE'>, db: Db, url: string) {
  const [settings, counts] = await Promise.all([getSettings(env, db), getCounts(db)])
  return instanceV1(settings, counts, originOf(url))
}

export async function readInstanceV2(env: Pick<Env, 'CACHE'>, db: Db, url: string) {
  const [settings, activeMonth] = await Promise.all([getSettings(env, db), countActiveLocalAccounts(db, 30)])
  return instanceV2(settings, activeMonth, originOf(url))
}

export async function readNodeInfo(env: Pick<Env, 'CACHE'>, db: Db, version: NodeInfoVersion) {
  const [settings, counts, month, halfyear] = await Promise.all([
    getSettings(env, db),
    getCounts(db),
    countActiveLocalAccounts(db, 30),
    countActiveLocalAccounts(db, 180),
  ])
  return nodeInfo(version, settings, counts, { month, halfyear })
}

export { nodeInfoLinks }
