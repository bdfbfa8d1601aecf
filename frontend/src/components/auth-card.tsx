import { component$, Slot } from '@builder.io/qwik'

/** The frame of the sign-in, first-login and consent pages. */
export const AuthCard = component$((props: { title: string; error?: string | null }) => (
  <main class="mx-auto w-full max-w-md py-16">
    <div class="rounded-2xl bg-white p-8 shadow-sm ring-1 ring-stone-200 dark:bg-stone-900 dark:ring-stone-800">
      <h1 class="text-2xl font-bold tracking-tight">{props.title}</h1>
      {props.error && (
        <p role="alert" class="mt-4 rounded-lg bg-red-50 p-3 text-sm text-red-800 ring-1 ring-red-200 dark:bg-red-950 dark:text-red-200 dark:ring-red-900" data-testid="form-error">
          {props.error}
        </p>
      )}
      <Slot />
    </div>
  </main>
))

export const inputClass =
  'mt-1 block w-full rounded-lg border-0 bg-stone-50 px-3 py-2 ring-1 ring-stone-300 focus:ring-2 focus:ring-emerald-600 dark:bg-stone-800 dark:ring-stone-700'
export const buttonClass = 'w-full rounded-lg bg-emerald-700 px-4 py-2 font-semibold text-white hover:bg-emerald-800 focus:outline-none focus:ring-2 focus:ring-emerald-600'
