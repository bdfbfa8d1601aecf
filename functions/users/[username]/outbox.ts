import { collectionRoute } from '../../../backend/federation/collection-route'

export const onRequest = collectionRoute('outbox')
