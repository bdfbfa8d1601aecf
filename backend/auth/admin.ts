import type { Db } from '../db/client'
import { HttpError } from '../http/errors'

/** 403 unless the user is an admin: for /api/v1/admin endpoints, after requireUser. */
export async function requireAdmin(db: Db, userId: string): Promise<void> {
  const row = await db.selectFrom('users').select('role').where('id', '=', userId).executeTakeFirst()
  if (row?.role !== 'admin') throw new HttpError(403, 'This action is not allowed')
}
