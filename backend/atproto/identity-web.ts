/**
 * The instance's did:web document (`did:web:<host>`, served at /.well-known/did.json): this host as
 * an AT Protocol PDS. Accounts have their own did:plc documents, kept by the PLC directory.
 */
export function instanceDidDocument(origin: string): Record<string, unknown> {
  const did = `did:web:${new URL(origin).host.replace(/:/g, '%3A')}`
  return {
    '@context': ['https://www.w3.org/ns/did/v1'],
    id: did,
    service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: origin }],
  }
}
