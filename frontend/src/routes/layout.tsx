import { component$, Slot } from '@builder.io/qwik'

export default component$(() => (
  <div class="mx-auto flex min-h-screen max-w-3xl flex-col px-4">
    <Slot />
    <footer class="mt-auto py-6 text-sm text-stone-500 dark:text-stone-400">
      Powered by <a class="underline hover:text-stone-800 dark:hover:text-stone-200" href="https://github.com/herd-social/herd">Herd</a>
    </footer>
  </div>
))
