import { route } from '../../../../../backend/http/route'
import { interactingAccountsHandler } from '../../../../../backend/statuses/interactions'

export const onRequest = route<'id'>({ GET: interactingAccountsHandler('favourited') })
