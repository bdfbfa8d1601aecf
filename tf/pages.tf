# The Pages project. Its Functions and assets are uploaded by `wrangler pages deploy` from the
# rendered wrangler.toml; the project itself, its bindings and its environment are declared here.

locals {
  pages_bindings = local.bindings[var.name]
  pages_env = merge(
    { for k, v in local.deploy_vars : k => { type = "plain_text", value = v } },
    { for k, v in local.secrets : k => { type = "secret_text", value = v } },
  )
  pages_config = {
    compatibility_date  = "2026-07-01"
    compatibility_flags = ["nodejs_compat"]
    d1_databases        = { for k, b in local.pages_bindings : k => { id = b.database_id } if b.type == "d1" }
    kv_namespaces       = { for k, b in local.pages_bindings : k => { namespace_id = b.id } if b.type == "kv" }
    r2_buckets          = { for k, b in local.pages_bindings : k => { name = b.bucket_name } if b.type == "r2" }
    queue_producers     = { for k, b in local.pages_bindings : k => { name = b.queue } if b.type == "queue" }
    # Durable Object bindings of a Pages project need the namespace id, which exists only after
    # the herd-do Worker is published; they come from the rendered wrangler.toml (script_name),
    # which Pages reads at `wrangler pages deploy`.
    env_vars = local.pages_env
  }
}

resource "cloudflare_pages_project" "herd" {
  account_id        = var.account_id
  name              = var.name
  production_branch = "main"
  deployment_configs = {
    production = local.pages_config
    preview    = local.pages_config
  }
  lifecycle {
    # Set at `wrangler pages deploy` from the rendered wrangler.toml (see pages_config above);
    # Terraform must not remove them again on the next plan.
    ignore_changes = [
      deployment_configs.production.durable_object_namespaces,
      deployment_configs.preview.durable_object_namespaces,
    ]
  }
}

# The instance's own host name, served by the Pages project.
resource "cloudflare_pages_domain" "herd" {
  account_id   = var.account_id
  project_name = cloudflare_pages_project.herd.name
  name         = var.domain
}

resource "cloudflare_dns_record" "herd" {
  zone_id = var.zone_id
  name    = var.domain
  type    = "CNAME"
  content = cloudflare_pages_project.herd.subdomain
  proxied = true
  ttl     = 1
}
