export { CacheObject } from './cache-object'
export { RepoObject } from './repo-object'
export { StreamingObject } from './streaming-object'

// The Durable Objects Worker serves no routes of its own; Pages and the consumer reach the
// objects through their bindings.
export default {
  fetch(): Response {
    return Response.json({ error: 'Not found' }, { status: 404 })
  },
} satisfies ExportedHandler
