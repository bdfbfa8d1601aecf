import { route } from '../backend/http/route'

// The benchmark's baseline: the full Pages Functions path (middleware included) with no work.
export const onRequest = route({ GET: () => new Response('ok') })
