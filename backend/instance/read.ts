import type { Db } from '../db/client'
import type { Env } from '../env'
import { instanceV1, instanceV2, originOf } from './documents'
import { nodeInfo, nodeInfoLinks, type NodeInfoVersion } from './nodeinfo'
import { getSettings, getStats } from './settings'
import { renderAccount } from '../mastodon/account'
import { vapidPublicKey } from '../push/vapid'

type InstanceEnv = Pick<Env, 'CACHE' | 'VAPID_PRIVATE_KEY'>

/** The Web Push key clients subscribe with, where Mastodon 4.3 reports it. */
function withVapid<T extends { configuration: object }>(doc: T, publicKey: string): T {
  return { ...doc, configuration: { ...doc.configuration, vapid: { public_key: publicKey } } }
}

export async function readInstanceV1(env: InstanceEnv, db: Db, url: string) {
  const o = originOf(url)
  const [settings, stats, vapid] = await Promise.all([getSettings(env, db), getStats(env, db), vapidPublicKey(env)])
  return withVapid(instanceV1(settings, stats.counts, o, stats.contact && renderAccount(stats.contact, o.origin)), vapid)
}

export async function readInstanceV2(env: InstanceEnv, db: Db, url: string) {
  const o = originOf(url)
  const [settings, stats, vapid] = await Promise.all([getSettings(env, db), getStats(env, db), vapidPublicKey(env)])
  return withVapid(instanceV2(settings, stats.active.month, o, stats.contact && renderAccount(stats.contact, o.origin)), vapid)
}

export async function readNodeInfo(env: Pick<Env, 'CACHE'>, db: Db, version: NodeInfoVersion) {
  const [settings, stats] = await Promise.all([getSettings(env, db), getStats(env, db)])
  return nodeInfo(version, settings, stats.counts, stats.active)
}

export { nodeInfoLinks }
