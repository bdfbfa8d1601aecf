// Terraform state in KV, for the deploy workflow:
//   node scripts/tfstate.ts lock            take the deploy lock (refuses while another deploy holds it)
//   node scripts/tfstate.ts pull  [file]    write the stored state to tf/terraform.tfstate (nothing on first deploy)
//   node scripts/tfstate.ts push  [file]    store it back (refuses older or foreign state; needs the lock)
//   node scripts/tfstate.ts unlock [--force]
// Needs CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN. The lock owner is the workflow run
// (GITHUB_RUN_ID/GITHUB_RUN_ATTEMPT) or TFSTATE_OWNER.
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT } from './lib.ts'
import { ensureNamespace, RestKV } from './tfstate/rest.ts'
import { lock, pull, push, StateError, unlock } from './tfstate/store.ts'

const NAMESPACE_TITLE = process.env.TFSTATE_NAMESPACE ?? 'herd-tfstate'

function need(name: string): string {
  const v = process.env[name]
  if (!v) {
    console.error(`tfstate: ${name} is not set`)
    process.exit(2)
  }
  return v
}

const [command, arg] = process.argv.slice(2)
const file = arg && !arg.startsWith('--') ? arg : join(ROOT, 'tf', 'terraform.tfstate')
const owner = process.env.TFSTATE_OWNER ?? (process.env.GITHUB_RUN_ID ? `github-run-${process.env.GITHUB_RUN_ID}-${process.env.GITHUB_RUN_ATTEMPT ?? '1'}` : `local-${process.env.USER ?? 'user'}`)

if (!['lock', 'unlock', 'pull', 'push'].includes(command ?? '')) {
  console.error('usage: node scripts/tfstate.ts lock|unlock [--force]|pull [file]|push [file]')
  process.exit(2)
}

const accountId = need('CLOUDFLARE_ACCOUNT_ID')
const token = need('CLOUDFLARE_API_TOKEN')
const kv = new RestKV(accountId, await ensureNamespace(accountId, token, NAMESPACE_TITLE), token)

try {
  switch (command) {
    case 'lock': {
      const l = await lock(kv, owner)
      console.log(`tfstate: locked by ${l.owner} until ${new Date(l.expiresAt).toISOString()}`)
      break
    }
    case 'unlock':
      await unlock(kv, owner, process.argv.includes('--force'))
      console.log('tfstate: unlocked')
      break
    case 'pull': {
      const state = await pull(kv)
      if (state === null) console.log('tfstate: no stored state yet (first deploy)')
      else {
        writeFileSync(file, state)
        console.log(`tfstate: pulled serial ${(JSON.parse(state) as { serial: number }).serial}`)
      }
      break
    }
    case 'push': {
      if (!existsSync(file)) throw new StateError(`${file} does not exist: nothing to push`)
      console.log(`tfstate: ${await push(kv, owner, readFileSync(file, 'utf8'))}`)
      break
    }
  }
} catch (e) {
  if (e instanceof StateError) {
    console.error(`tfstate: ${e.message}`)
    process.exit(1)
  }
  throw e
}
