// Renders the checked-in wrangler.toml files with the ids Terraform created, into a temporary
// directory for this deploy only:
//   terraform -chdir=tf output -json bindings > "$RUNNER_TEMP/bindings.json"
//   node scripts/deploy-config.ts "$RUNNER_TEMP/bindings.json" "$RUNNER_TEMP/herd-config"
// writes <out>/<script name>.toml for each Worker, and <out>/pages/wrangler.toml with a
// `functions` link back to the repository, because `wrangler pages deploy` reads both from its
// working directory. Nothing here is committed or needed by the next run.
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ROOT } from './lib.ts'
import { wranglerConfigs, type TfBindings } from './deploy/bindings.ts'
import { renderToml } from './deploy/render.ts'

const [bindingsFile, outArg] = process.argv.slice(2)
if (!bindingsFile || !outArg) {
  console.error('usage: node scripts/deploy-config.ts <terraform output -json bindings file> <out dir>')
  process.exit(2)
}
const out = resolve(outArg)
const tf = JSON.parse(readFileSync(bindingsFile, 'utf8')) as TfBindings
rmSync(out, { recursive: true, force: true })
mkdirSync(join(out, 'pages'), { recursive: true })

try {
  for (const { path, toml } of wranglerConfigs(ROOT)) {
    const text = renderToml(ROOT, path, toml, tf)
    if (toml.pages_build_output_dir !== undefined) {
      writeFileSync(join(out, 'pages', 'wrangler.toml'), text)
      symlinkSync(join(ROOT, 'functions'), join(out, 'pages', 'functions'))
      console.log(`deploy-config: ${path} -> ${join(out, 'pages', 'wrangler.toml')}`)
    } else {
      const file = join(out, `${String(toml.name)}.toml`)
      writeFileSync(file, text)
      console.log(`deploy-config: ${path} -> ${file}`)
    }
  }
} catch (e) {
  console.error(`deploy-config: ${(e as Error).message}`)
  process.exit(1)
}
