/** Only same-site paths: no scheme, no host, no `//` or backslash tricks. */
export function safeReturnTo(value: unknown): string | null {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\r\n]/.test(value)) return null
  return value
}
