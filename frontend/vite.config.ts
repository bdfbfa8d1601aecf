import { defineConfig } from 'vite'
import { qwikVite } from '@builder.io/qwik/optimizer'
import { qwikCity } from '@builder.io/qwik-city/vite'
import tailwindcss from '@tailwindcss/vite'

export default defineConfig(() => ({
  // Paths without a trailing slash, as the Fediverse links them (/about, /@user).
  // Styles stay inlined (one request per page) while they are under 40 kB; Qwik's default is 20 kB.
  plugins: [qwikCity({ trailingSlash: false }), qwikVite({ optimizerOptions: { inlineStylesUpToBytes: 40_000 } }), tailwindcss()],
  // Vite must not reach for the network or the clipboard during builds on CI.
  server: { headers: { 'Cache-Control': 'public, max-age=0' } },
  preview: { headers: { 'Cache-Control': 'public, max-age=600' } },
}))
