import { route } from '../../backend/http/route'
import { readParams } from '../../backend/http/body'
import { checkCsrf } from '../../backend/auth/cookies'
import { endSession } from '../../backend/auth/sessions'
import { seeOther } from '../../backend/http/form'

export const onRequest = route({
  POST: async ({ request, data }) => {
    checkCsrf(request, (await readParams(request)).csrf)
    return seeOther('/', { 'Set-Cookie': await endSession(data.db, request) })
  },
})
