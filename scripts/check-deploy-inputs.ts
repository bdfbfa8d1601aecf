// First step of the deploy workflow: fail clearly when the fork's secrets or variables are missing.
import { deployInputProblems } from './deploy/inputs.ts'

const problems = deployInputProblems(process.env)
for (const p of problems) console.log(`::error title=Deploy input missing::${p}`)
if (problems.length > 0) {
  console.error(`Deploy stopped: ${problems.length} input problem(s). Set them and re-run the workflow.`)
  process.exit(1)
}
console.log('deploy inputs: ok')
