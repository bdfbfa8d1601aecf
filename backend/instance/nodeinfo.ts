import { HERD_VERSION, SOURCE_URL } from './limits'
import type { ActiveUsers, InstanceCounts, InstanceSettings } from './settings'
import type { Origin } from './documents'

export const NODEINFO_VERSIONS = ['2.0', '2.1'] as const
export type NodeInfoVersion = (typeof NODEINFO_VERSIONS)[number]

export function isNodeInfoVersion(v: string): v is NodeInfoVersion {
  return (NODEINFO_VERSIONS as readonly string[]).includes(v)
}

export function nodeInfoSchemaUrl(version: NodeInfoVersion): string {
  return `http://nodeinfo.diaspora.software/ns/schema/${version}`
}

/** GET /.well-known/nodeinfo: the discovery document pointing at each version we serve. */
export function nodeInfoLinks(o: Origin) {
  return {
    links: NODEINFO_VERSIONS.map((v) => ({ rel: nodeInfoSchemaUrl(v), href: `${o.origin}/nodeinfo/${v}` })),
  }
}

export function nodeInfo(version: NodeInfoVersion, s: InstanceSettings, counts: InstanceCounts, active: ActiveUsers) {
  // 2.0 forbids any software key beyond name and version; 2.1 adds repository and homepage.
  const software =
    version === '2.1' ? { name: 'herd', version: HERD_VERSION, repository: SOURCE_URL, homepage: SOURCE_URL } : { name: 'herd', version: HERD_VERSION }
  return {
    version,
    software,
    protocols: ['activitypub'],
    services: { inbound: [], outbound: ['atom1.0', 'rss2.0'] },
    openRegistrations: s.registrationsMode === 'open',
    usage: {
      users: { total: counts.localAccounts, activeMonth: active.month, activeHalfyear: active.halfyear },
      localPosts: counts.localStatuses,
    },
    metadata: { nodeName: s.title, nodeDescription: s.shortDescription },
  }
}
