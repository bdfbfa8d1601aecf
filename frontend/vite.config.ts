import { defineConfig } from 'vite'
import { qwikVite } from '@builder.io/qwik/optimizer'
import { qwikCity } from '@builder.io/qwik-city/vite'
import tailwindcss from '@tailwindcss/vite'

export default defineConfig(() => ({
  // Exact paths, as OAuth clients and the Fediverse use them (/oauth/authorize, /about, /@user).
  plugins: [qwikCity({ trailingSlash: false }), qwikVite(), tailwindcss()],
  // Vite must not reach for the network or the clipboard during builds on CI.
  server: { headers: { 'Cache-Control': 'public, max-age=0' } },
  preview: { headers: { 'Cache-Control': 'public, max-age=600' } },
}))
