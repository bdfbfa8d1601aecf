import { relationshipRoute } from '../../../../../backend/relationships/http'
import { setAccountNote } from '../../../../../backend/relationships/notes'

export const onRequest = relationshipRoute('id', 'write:accounts', setAccountNote)
