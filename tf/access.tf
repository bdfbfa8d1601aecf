# Optional Zero Trust Access in front of where people sign in (/auth, the OAuth consent page) and
# the owner's admin pages. Off unless access_email is set; the built-in login is the alternative.
# Federation and client API paths are never put behind Access: remote servers and Mastodon apps
# could not pass it, and they use OAuth tokens issued after an Access-verified sign-in.

locals {
  access_enabled = var.access_email != ""
}

resource "cloudflare_zero_trust_access_policy" "owner" {
  count      = local.access_enabled ? 1 : 0
  account_id = var.account_id
  name       = "${var.name} owner"
  decision   = "allow"
  include = [
    { email = { email = var.access_email } },
  ]
}

resource "cloudflare_zero_trust_access_application" "admin" {
  count      = local.access_enabled ? 1 : 0
  account_id = var.account_id
  name       = "${var.name} admin"
  type       = "self_hosted"
  domain     = "${var.domain}/auth"
  destinations = [
    { type = "public", uri = "${var.domain}/auth" },
    { type = "public", uri = "${var.domain}/oauth/authorize" },
    { type = "public", uri = "${var.domain}/admin" },
  ]
  session_duration = "24h"
  policies = [
    { id = cloudflare_zero_trust_access_policy.owner[0].id, precedence = 1 },
  ]
  lifecycle {
    precondition {
      condition     = var.access_team_domain != ""
      error_message = "access_team_domain is required when access_email is set."
    }
  }
}

output "access_aud" {
  value = local.access_enabled ? cloudflare_zero_trust_access_application.admin[0].aud : ""
}
