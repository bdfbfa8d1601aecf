// What the deploy workflow needs from the fork's settings, checked before anything runs.

const HEX32 = /^[0-9a-f]{32}$/
const HOST = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/

/** Every problem with the deploy's inputs, each saying which setting to fix and where. */
export function deployInputProblems(env: Record<string, string | undefined>): string[] {
  const problems: string[] = []
  const secret = (name: string) => `repository secret ${name} (Settings → Secrets and variables → Actions → Secrets)`
  const variable = (name: string) => `repository variable ${name} (Settings → Secrets and variables → Actions → Variables)`
  if (!env.CLOUDFLARE_API_TOKEN) problems.push(`${secret('CLOUDFLARE_API_TOKEN')} is not set: create an API token as described in docs/operators.md`)
  if (!env.CLOUDFLARE_ACCOUNT_ID) problems.push(`${secret('CLOUDFLARE_ACCOUNT_ID')} is not set`)
  else if (!HEX32.test(env.CLOUDFLARE_ACCOUNT_ID)) problems.push(`${secret('CLOUDFLARE_ACCOUNT_ID')} is not a 32 hex digit account id`)
  if (!env.CLOUDFLARE_ZONE_ID) problems.push(`${secret('CLOUDFLARE_ZONE_ID')} is not set`)
  else if (!HEX32.test(env.CLOUDFLARE_ZONE_ID)) problems.push(`${secret('CLOUDFLARE_ZONE_ID')} is not a 32 hex digit zone id`)
  if (!env.HERD_DOMAIN) problems.push(`${variable('HERD_DOMAIN')} is not set: the host name of your instance, e.g. social.example.com`)
  else if (!HOST.test(env.HERD_DOMAIN)) problems.push(`${variable('HERD_DOMAIN')} "${env.HERD_DOMAIN}" is not a lower-case host name`)
  if (env.HERD_ACCESS_EMAIL && !env.HERD_ACCESS_TEAM_DOMAIN) problems.push(`${variable('HERD_ACCESS_TEAM_DOMAIN')} is required when HERD_ACCESS_EMAIL is set`)
  // Sign-in must be chosen: a deployment that silently accepted passwords would surprise an owner who meant Access.
  if (!env.HERD_ACCESS_EMAIL && env.HERD_BUILTIN_LOGIN !== 'true') {
    problems.push(`choose how people sign in: set ${variable('HERD_ACCESS_EMAIL')} (with HERD_ACCESS_TEAM_DOMAIN) for Zero Trust Access, or ${variable('HERD_BUILTIN_LOGIN')} to true for email and password`)
  }
  return problems
}
