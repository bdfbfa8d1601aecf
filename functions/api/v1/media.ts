import { route } from '../../../backend/http/route'
import { uploadMedia } from '../../../backend/media/handlers'

export const onRequest = route({ POST: uploadMedia })
