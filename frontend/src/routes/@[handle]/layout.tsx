import { component$, Slot } from '@builder.io/qwik'
import { routeLoader$ } from '@builder.io/qwik-city'
import { profileByHandle } from '../../../../backend/web/profile'
import { dbOf } from '../../platform'
import { orNotFound, paramOf } from '../../web-page'

/** The account of `/@user` or `/@user@domain` and every page under it; null (and a 404) when unknown. */
export const useProfile = routeLoader$((ev) => orNotFound(ev, () => profileByHandle(dbOf(ev), paramOf(ev, 'handle'), ev.url.origin)))

export default component$(() => <Slot />)
