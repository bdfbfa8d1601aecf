import type { Db } from '../db/client'
import type { Env } from '../env'
import { instanceV1, instanceV2, originOf } from './documents'
import { nodeInfo, nodeInfoLinks, type NodeInfoVersion } from './nodeinfo'
import { countActiveLocalAccounts, getCounts, getSettings } from './settings'
import { contactAccount } from '../accounts/read'

export async function readInstanceV1(env: Pick<Env, 'CACHE'>, db: Db, url: string) {
  const o = originOf(url)
  const [settings, counts, contact] = await Promise.all([getSettings(env, db), getCounts(db), contactAccount(db, o.origin)])
  return instanceV1(settings, counts, o, contact)
}

export async function readInstanceV2(env: Pick<Env, 'CACHE'>, db: Db, url: string) {
  const o = originOf(url)
  const [settings, activeMonth, contact] = await Promise.all([getSettings(env, db), countActiveLocalAccounts(db, 30), contactAccount(db, o.origin)])
  return instanceV2(settings, activeMonth, o, contact)
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
