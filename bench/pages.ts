// Page weight: the JavaScript a public page makes the browser load before anyone interacts with it,
// gzip-compressed as it travels. Read from the server-rendered HTML: every <script src> and
// <link rel=modulepreload>, plus inline scripts (Qwik's loader is inline).
import { gzipSync } from 'node:zlib'

export const PAGE_JS_TARGET_KB = 30

export interface PageWeight {
  path: string
  htmlGzipKB: number
  jsFiles: number
  jsGzipKB: number
}

const kb = (bytes: number) => bytes / 1024

export async function pageWeight(origin: string, path: string): Promise<PageWeight> {
  const html = await (await fetch(origin + path)).text()
  const urls = new Set<string>()
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) if (m[1]) urls.add(m[1])
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(m[0])?.[1]
    if (href) urls.add(href)
  }
  let js = 0
  for (const m of html.matchAll(/<script\b(?![^>]*\bsrc=)(?![^>]*type="(?:qwik\/json|application\/json|qwik\/vnode)")[^>]*>([\s\S]*?)<\/script>/g)) {
    if (m[1]) js += gzipSync(m[1]).length
  }
  for (const u of urls) {
    const body = Buffer.from(await (await fetch(new URL(u.replace(/&amp;/g, '&'), origin + path))).arrayBuffer())
    js += gzipSync(body).length
  }
  return { path, htmlGzipKB: kb(gzipSync(html).length), jsFiles: urls.size, jsGzipKB: kb(js) }
}

export async function printPageWeights(origin: string, paths: string[]): Promise<void> {
  console.log(`\nPage weight before interaction (gzip; target: JavaScript ≤ ${PAGE_JS_TARGET_KB} KB):`)
  for (const p of paths) {
    const w = await pageWeight(origin, p)
    console.log(`  ${p.padEnd(36)} HTML ${w.htmlGzipKB.toFixed(1).padStart(5)} KB   JS ${w.jsGzipKB.toFixed(1).padStart(5)} KB in ${w.jsFiles} files + inline   ${w.jsGzipKB <= PAGE_JS_TARGET_KB ? 'met' : 'MISSED'}`)
  }
}
