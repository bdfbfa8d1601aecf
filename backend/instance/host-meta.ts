import type { Origin } from './documents'

/** RFC 6415 host-meta, pointing WebFinger clients at our template. */
export function hostMetaXml(o: Origin): string {
  const template = `${o.origin}/.well-known/webfinger?resource={uri}`
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<XRD xmlns="http://docs.oasis-open.org/ns/xri/xrd-1.0">\n' +
    `  <Link rel="lrdd" template="${escapeXml(template)}"/>\n` +
    '</XRD>\n'
  )
}

export function hostMetaJson(o: Origin) {
  return { links: [{ rel: 'lrdd', template: `${o.origin}/.well-known/webfinger?resource={uri}` }] }
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}
