import { cloudflarePagesAdapter } from '@builder.io/qwik-city/adapters/cloudflare-pages/vite'
import { extendConfig } from '@builder.io/qwik-city/vite'
import baseConfig from '../../vite.config'

export default extendConfig(baseConfig, () => ({
  build: {
    ssr: true,
    rollupOptions: { input: ['src/entry.cloudflare-pages.tsx', '@qwik-city-plan'] },
  },
  // No static generation: every page reads the instance from D1 at request time, 404 included.
  plugins: [cloudflarePagesAdapter({ ssg: null })],
}))
