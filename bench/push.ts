// Web Push bench: the CPU cost of encrypting and signing one push with web-push (what the queue
// consumer does per subscription), against a baseline of the one operation no push can skip, an
// ECDSA P-256 signature, measured in the same run. Standalone: `node bench/push.ts`.
// workerd's node:crypto and Node's share BoringSSL/OpenSSL-class primitives; the ratio is what
// carries over, not the absolute figure.
import { createECDH, generateKeyPairSync, randomBytes, sign } from 'node:crypto'
import webpush from 'web-push'

const N = Number(process.env.PUSH_BENCH_N ?? 2000)
const vapid = generateKeyPairSync('ec', { namedCurve: 'prime256v1' })
const jwk = vapid.privateKey.export({ format: 'jwk' })
const publicKey = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x as string, 'base64url'), Buffer.from(jwk.y as string, 'base64url')]).toString('base64url')
const ua = createECDH('prime256v1')
ua.generateKeys()
const subscription = { endpoint: 'https://push.example/send/abc', keys: { p256dh: ua.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url') } }
const payload = JSON.stringify({
  access_token: randomBytes(32).toString('base64url'),
  preferred_locale: 'en',
  notification_id: '117665587316521851',
  notification_type: 'mention',
  icon: 'https://herd.example/avatars/original/missing.png',
  title: 'Bob Builder mentioned you',
  body: 'x'.repeat(140),
})

function cpuMsPer(op: () => void): number {
  for (let i = 0; i < 50; i++) op()
  const start = process.cpuUsage()
  for (let i = 0; i < N; i++) op()
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000 / N
}

const baseline = cpuMsPer(() => sign('sha256', Buffer.from(payload), { key: vapid.privateKey, dsaEncoding: 'ieee-p1363' }))
const rows: [string, number][] = []
for (const encoding of ['aes128gcm', 'aesgcm'] as const) {
  rows.push([
    `web-push ${encoding} (encrypt + VAPID JWT)`,
    cpuMsPer(() => {
      webpush.generateRequestDetails(subscription, payload, {
        vapidDetails: { subject: 'https://herd.example', publicKey, privateKey: jwk.d as string },
        contentEncoding: encoding,
        TTL: 3600,
      })
    }),
  ])
}
console.log(`\nWeb Push (${N} pushes each, CPU in this process):`)
console.log(`  baseline: one ECDSA P-256 signature        ${baseline.toFixed(3)} ms`)
for (const [name, ms] of rows) console.log(`  ${name.padEnd(42)} ${ms.toFixed(3)} ms  (${(ms / baseline).toFixed(1)} × baseline)`)
console.log('  Target: well under the 10 ms CPU a Free-plan queue invocation may use per push.')
