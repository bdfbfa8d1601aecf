# What every binding of every script points at, keyed by script name (the `name` in each
# wrangler.toml) and binding name. The wrangler.toml files declare which bindings exist; this map
# says which real resource each one is. test/deploy/terraform.test.ts checks the two agree both
# ways, and scripts/deploy-config.ts refuses to render a config when they do not.
#
# The `bindings` output carries it to the deploy: the checked-in wrangler.toml files are rendered
# with these ids into a temporary directory for each run (never committed, never reused).

locals {
  d1        = { type = "d1", database_name = cloudflare_d1_database.db.name, database_id = cloudflare_d1_database.db.id }
  kv        = { type = "kv", id = cloudflare_workers_kv_namespace.kv.id }
  media     = { type = "r2", bucket_name = cloudflare_r2_bucket.media.name }
  queue     = { type = "queue", queue = cloudflare_queue.main.queue_name }
  cache     = { type = "durable_object", class_name = "CacheObject", script_name = "${var.name}-do" }
  repo      = { type = "durable_object", class_name = "RepoObject", script_name = "${var.name}-do" }
  streaming = { type = "durable_object", class_name = "StreamingObject", script_name = "${var.name}-do" }

  bindings = {
    # The Pages project (wrangler.toml).
    (var.name) = {
      DB        = local.d1
      KV        = local.kv
      MEDIA     = local.media
      QUEUE     = local.queue
      CACHE     = local.cache
      REPO      = local.repo
      STREAMING = local.streaming
    }
    # The Durable Objects Worker (do/wrangler.toml). Its CacheObject binding has no script_name:
    # the class lives in this very script.
    "${var.name}-do" = {
      CACHE     = { type = "durable_object", class_name = "CacheObject" }
      REPO      = { type = "durable_object", class_name = "RepoObject" }
      STREAMING = { type = "durable_object", class_name = "StreamingObject" }
    }
    # The queue consumer (consumer/wrangler.toml).
    "${var.name}-consumer" = {
      DB        = local.d1
      KV        = local.kv
      MEDIA     = local.media
      QUEUE     = local.queue
      CACHE     = local.cache
      REPO      = local.repo
      STREAMING = local.streaming
    }
  }

  # Queues each script consumes, with the dead-letter queue failed messages go to.
  queue_consumers = {
    "${var.name}-consumer" = {
      (cloudflare_queue.main.queue_name) = { dead_letter_queue = cloudflare_queue.dead_letter.queue_name }

      # The dead-letter queue itself: the consumer records what exhausted its retries (no DLQ of its own).
      (cloudflare_queue.dead_letter.queue_name) = {}
    }
  }

  # Plain-text variables that depend on the deployment (not on the code), for every script.
  # A for expression rather than a conditional, so both branches have one type.
  deploy_vars = merge(
    {
      for k, v in {
        ACCESS_TEAM_DOMAIN = var.access_team_domain
        ACCESS_AUD         = one(cloudflare_zero_trust_access_application.admin[*].aud)
      } : k => v if local.access_enabled
    },
    # How people sign in: Access when configured, else the built-in login if the owner chose it.
    {
      for k, v in {
        HERD_LOGIN = local.access_enabled ? "access" : "builtin"
      } : k => v if local.access_enabled || var.builtin_login
    },
    # The AT Protocol services the Bluesky bridge talks to (docs/operators.md).
    {
      ATPROTO_PLC_URL      = var.atproto_plc_url
      ATPROTO_RELAYS       = var.atproto_relays
      ATPROTO_DNS_RESOLVER = var.atproto_dns_resolver
    },
  )
}

output "bindings" {
  description = "Real resource behind each binding of each script; input of scripts/deploy-config.ts."
  value = {
    scripts         = local.bindings
    queue_consumers = local.queue_consumers
    vars            = local.deploy_vars
    worker_routes   = local.worker_routes
  }
}

# Secrets for `wrangler secret bulk` on the Workers (the Pages project gets them below as
# secret_text variables). Sensitive: shown by `terraform output -json secrets` only.
output "secrets" {
  value     = local.secrets
  sensitive = true
}
