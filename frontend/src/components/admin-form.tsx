import { component$, Slot } from '@builder.io/qwik'

export const fieldClass =
  'mt-1 block w-full rounded-lg border border-stone-300 bg-white px-3 py-2 text-stone-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 dark:border-stone-700 dark:bg-stone-900 dark:text-stone-100'
export const primaryButton =
  'rounded-lg bg-emerald-700 px-4 py-2 font-semibold text-white hover:bg-emerald-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 focus-visible:ring-offset-2 dark:focus-visible:ring-offset-stone-950'
export const secondaryButton =
  'rounded-lg px-3 py-1.5 text-sm font-medium text-stone-800 ring-1 ring-stone-300 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-emerald-600 dark:text-stone-200 dark:ring-stone-700 dark:hover:bg-stone-800'

/** A plain-HTML owner form: posts to /admin/actions/<action> with the page's CSRF token. */
export const AdminForm = component$<{ action: string; csrf: string; class?: string; testid?: string }>((props) => (
  <form method="post" action={`/admin/actions/${props.action}`} class={props.class} data-testid={props.testid}>
    <input type="hidden" name="csrf" value={props.csrf} />
    <Slot />
  </form>
))
