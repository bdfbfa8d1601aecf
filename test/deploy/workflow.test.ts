import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { wranglerConfigs } from '../../scripts/deploy/bindings'
import { deployInputProblems } from '../../scripts/deploy/inputs'
import { appliedFromWranglerJson, unappliedMigrations } from '../../scripts/deploy/migrations'

const ROOT = process.cwd()

interface Step {
  name?: string
  uses?: string
  run?: string
  if?: string
  'working-directory'?: string
  'continue-on-error'?: boolean
}
interface Workflow {
  on: Record<string, unknown>
  defaults?: { run?: { shell?: string } }
  jobs: Record<string, { steps: Step[] }>
}

export function workflowProblems(wf: Workflow, root: string): string[] {
  const problems: string[] = []
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  const workerNames = new Set(wranglerConfigs(root).map((c) => String(c.toml.name)))
  if (!wf.defaults?.run?.shell?.includes('-euo pipefail')) problems.push('run steps must use a shell with -euo pipefail')
  if (!('push' in wf.on) || !('workflow_dispatch' in wf.on)) problems.push('must run on push and workflow_dispatch')
  for (const [jobName, job] of Object.entries(wf.jobs)) {
    for (const step of job.steps) {
      const where = `${jobName} / ${step.name ?? step.uses ?? '?'}`
      if (step['continue-on-error']) problems.push(`${where}: continue-on-error hides failures`)
      const dir = step['working-directory']
      if (dir && !dir.includes('${{') && !existsSync(join(root, dir))) problems.push(`${where}: working-directory ${dir} does not exist`)
      const run = step.run ?? ''
      for (const m of run.matchAll(/\bnode (scripts\/[\w/.-]+\.ts)/g)) if (!existsSync(join(root, m[1] as string))) problems.push(`${where}: ${m[1]} does not exist`)
      for (const m of run.matchAll(/\bnpm run ([\w:-]+)/g)) if (!scripts[m[1] as string]) problems.push(`${where}: npm script "${m[1]}" does not exist`)
      if (/\bnpm test\b/.test(run) && !scripts.test) problems.push(`${where}: npm script "test" does not exist`)
      for (const m of run.matchAll(/herd-config\/([\w-]+)\.toml/g)) if (!workerNames.has(m[1] as string)) problems.push(`${where}: no wrangler.toml names a Worker "${m[1]}"`)
      if (/>>?\s*\S*\.toml\b/.test(run) && !/herd-config/.test(run)) problems.push(`${where}: writes a .toml file; configuration is declared once, in checked-in files`)
      if (/\|\|\s*true\b/.test(run)) problems.push(`${where}: "|| true" swallows a failure`)
    }
  }
  const steps = Object.values(wf.jobs).flatMap((j) => j.steps)
  const idx = (re: RegExp) => steps.findIndex((s) => re.test(s.run ?? ''))
  const migrate = idx(/d1 migrations apply DB --remote/)
  const verify = idx(/verify-migrations\.ts/)
  const firstPublish = Math.min(...[idx(/wrangler deploy/), idx(/pages deploy/)].filter((i) => i >= 0))
  if (migrate < 0) problems.push('no step applies D1 migrations')
  if (verify < migrate) problems.push('the applied migrations are not verified after applying them')
  if (!(migrate < firstPublish)) problems.push('code is published before the migrations it needs')
  return problems
}

const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'deploy.yml'), 'utf8')) as Workflow

describe('the deploy workflow', () => {
  it('references only scripts, npm scripts, Workers and directories that exist, and fails on any error', () => {
    expect(workflowProblems(workflow, ROOT)).toEqual([])
  })

  it('the check notices a missing script, a swallowed error, a written toml and migrations after publishing', () => {
    const broken: Workflow = structuredClone(workflow)
    const steps = broken.jobs.deploy!.steps
    steps.push({ name: 'gone', run: 'node scripts/nope.ts && npm run nope' })
    steps.push({ name: 'echo', run: 'echo "[vars]" >> wrangler.toml || true' })
    const migrate = steps.findIndex((s) => /migrations apply/.test(s.run ?? ''))
    steps.push(...steps.splice(migrate, 1))
    const found = workflowProblems(broken, ROOT).join('\n')
    expect(found).toMatch(/scripts\/nope\.ts does not exist/)
    expect(found).toMatch(/npm script "nope" does not exist/)
    expect(found).toMatch(/writes a \.toml file/)
    expect(found).toMatch(/swallows a failure/)
    expect(found).toMatch(/published before the migrations/)
  })

  it('never hands the deploy token to the runtime', () => {
    const tf = ['bindings.tf', 'secrets.tf', 'pages.tf'].map((f) => readFileSync(join(ROOT, 'tf', f), 'utf8')).join('\n')
    expect(tf).not.toMatch(/api_token|API_TOKEN/i)
    // The only step given the secrets output writes it to the consumer's secrets, then deletes it.
    const secretSteps = workflow.jobs.deploy!.steps.filter((s) => /output -json secrets/.test(s.run ?? ''))
    expect(secretSteps).toHaveLength(1)
    expect(secretSteps[0]!.run).toMatch(/rm -f "\$RUNNER_TEMP\/secrets\.json"/)
  })
})

describe('deploy input checks', () => {
  const good = { CLOUDFLARE_API_TOKEN: 't', CLOUDFLARE_ACCOUNT_ID: 'a'.repeat(32), CLOUDFLARE_ZONE_ID: 'b'.repeat(32), HERD_DOMAIN: 'social.example.com', HERD_BUILTIN_LOGIN: 'true' }
  it('accepts complete inputs', () => {
    expect(deployInputProblems(good)).toEqual([])
  })
  it('names every missing or malformed input', () => {
    expect(deployInputProblems({})).toHaveLength(5)
    expect(deployInputProblems({ ...good, HERD_BUILTIN_LOGIN: undefined }).join()).toMatch(/choose how people sign in/)
    expect(deployInputProblems({ ...good, HERD_BUILTIN_LOGIN: undefined, HERD_ACCESS_EMAIL: 'me@example.com', HERD_ACCESS_TEAM_DOMAIN: 't.cloudflareaccess.com' })).toEqual([])
    expect(deployInputProblems({ ...good, CLOUDFLARE_ACCOUNT_ID: 'xyz' }).join()).toMatch(/CLOUDFLARE_ACCOUNT_ID .* not a 32 hex digit/)
    expect(deployInputProblems({ ...good, HERD_DOMAIN: 'https://Social.example.com/' }).join()).toMatch(/HERD_DOMAIN .* not a lower-case host name/)
    expect(deployInputProblems({ ...good, HERD_ACCESS_EMAIL: 'me@example.com' }).join()).toMatch(/HERD_ACCESS_TEAM_DOMAIN .* is required when HERD_ACCESS_EMAIL/)
  })
})

describe('migration verification after apply', () => {
  it('reads wrangler d1 execute --json output and lists what is missing', () => {
    // The shape wrangler 4 prints (checked against a local D1 where 0002 failed to apply).
    const out = JSON.stringify([{ results: [{ name: '0001_a.sql' }], success: true, meta: { duration: 0 } }])
    expect(unappliedMigrations(['0001_a.sql', '0002_bad.sql'], appliedFromWranglerJson(out))).toEqual(['0002_bad.sql'])
    expect(unappliedMigrations(['0001_a.sql'], appliedFromWranglerJson(out))).toEqual([])
    expect(() => appliedFromWranglerJson(JSON.stringify([{ results: [], success: false }]))).toThrow(/did not succeed/)
  })
})
