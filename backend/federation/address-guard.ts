// Which hosts outbound federation traffic may reach. Workers have no DNS API, so we cannot see what a name
// resolves to: we refuse IP literals outside the public unicast space and names that by convention stay on a
// local network. (Cloudflare's edge also refuses private targets in production; local workerd does not.)

/** `host:port` pairs a developer allowed over plain http, e.g. two local Herd instances. Empty by default. */
export type DevAllowHosts = ReadonlySet<string>

export function parseDevAllowHosts(value: string | undefined): DevAllowHosts {
  return new Set(
    (value ?? '')
      .split(',')
      .map((s) => s.trim().toLowerCase())
      .filter((s) => /^[^\s/:]+:\d+$|^\[[0-9a-f:.]+\]:\d+$/.test(s)),
  )
}

function hostPort(url: URL): string {
  const port = url.port || (url.protocol === 'https:' ? '443' : url.protocol === 'http:' ? '80' : '')
  return `${url.hostname.toLowerCase()}:${port}`
}

/** True when this URL's `host:port` is in the development allowlist. */
export function devAllowed(url: URL, devAllow: DevAllowHosts): boolean {
  return devAllow.has(hostPort(url))
}

function ipv4Octets(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  if (!m) return null
  const o = m.slice(1).map(Number)
  return o.every((n) => n <= 255) ? o : null
}

/** Non-public IPv4: this-network, private, CGNAT, loopback, link-local, IETF, documentation, benchmarking, multicast, reserved. */
function ipv4Problem(o: number[]): string | null {
  const [a = 0, b = 0, c = 0] = o
  if (a === 0) return 'this-network address'
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private address'
  if (a === 100 && b >= 64 && b <= 127) return 'CGNAT address'
  if (a === 127) return 'loopback address'
  if (a === 169 && b === 254) return 'link-local address'
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'reserved address'
  if ((a === 198 && (b === 18 || b === 19)) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return 'reserved address'
  if (a >= 224) return 'multicast or reserved address'
  return null
}

function ipv6Groups(host: string): number[] | null {
  let h = host
  // An embedded dotted IPv4 tail becomes two groups.
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(h)
  if (tail && tail[1] !== undefined && tail[2] !== undefined) {
    const o = ipv4Octets(tail[2])
    if (!o) return null
    h = `${tail[1]}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`
  }
  const halves = h.split('::')
  if (halves.length > 2) return null
  const parse = (s: string) => (s === '' ? [] : s.split(':').map((g) => (/^[0-9a-f]{1,4}$/i.test(g) ? parseInt(g, 16) : NaN)))
  const head = parse(halves[0] ?? '')
  const rest = halves.length === 2 ? parse(halves[1] ?? '') : []
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0
  const groups = [...head, ...Array<number>(Math.max(fill, 0)).fill(0), ...rest]
  return groups.length === 8 && groups.every((g) => !Number.isNaN(g)) && fill >= 0 ? groups : null
}

function ipv6Problem(g: number[]): string | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0] = g
  const firstFiveZero = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0
  if (firstFiveZero && g5 === 0xffff) return 'IPv4-mapped IPv6 address'
  if (firstFiveZero && g5 === 0) {
    if (g[6] === 0 && g[7] === 1) return 'loopback address'
    if (g[6] === 0 && g[7] === 0) return 'unspecified address'
    return 'IPv4-compatible IPv6 address'
  }
  if (g0 === 0x64 && g1 === 0xff9b) return 'NAT64 address'
  if ((g0 & 0xfe00) === 0xfc00) return 'unique-local address'
  if ((g0 & 0xffc0) === 0xfe80 || (g0 & 0xffc0) === 0xfec0) return 'link-local address'
  if ((g0 & 0xff00) === 0xff00) return 'multicast address'
  if (g0 === 0x2001 && (g1 === 0xdb8 || g1 === 0)) return 'documentation or Teredo address'
  if (g0 === 0x2002) return '6to4 address'
  if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'discard address'
  if (g0 === 0) return 'reserved address'
  return null
}

const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.localdomain', '.home.arpa', '.lan', '.intranet']

/**
 * Why an outbound request to this URL is refused, or null when it may go.
 * Only https, to public names or public IP literals, unless `host:port` is in the development allowlist.
 */
export function urlProblem(url: URL, devAllow: DevAllowHosts = new Set()): string | null {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `scheme ${url.protocol} is not allowed`
  if (url.username !== '' || url.password !== '') return 'credentials in URLs are not allowed'
  if (devAllowed(url, devAllow)) return null
  if (url.protocol !== 'https:') return 'only https is allowed'
  const host = url.hostname.toLowerCase().replace(/\.$/, '')
  if (host.startsWith('[')) {
    const groups = ipv6Groups(host.slice(1, -1))
    if (!groups) return 'malformed IPv6 address'
    return ipv6Problem(groups)
  }
  const v4 = ipv4Octets(host)
  if (v4) return ipv4Problem(v4)
  // WHATWG URL turns numeric hosts (0x7f.1, 2130706433) into dotted form; anything all-numeric left is odd.
  if (/^[0-9.]+$/.test(host)) return 'malformed IPv4 address'
  if (host === 'localhost' || LOCAL_SUFFIXES.some((s) => host.endsWith(s))) return 'local host name'
  if (!host.includes('.')) return 'single-label host name'
  return null
}
