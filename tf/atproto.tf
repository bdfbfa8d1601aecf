# Bluesky handles under the instance's domain (alice.social.example.com). Pages takes no wildcard
# custom domains, so the handle host names reach Herd another way: a proxied wildcard DNS record
# with no origin of its own (100:: is the documented "originless" address), and a Worker route on
# the queue consumer Worker, which reads D1 and answers /.well-known/atproto-did with the DID.
# Explicit records for other host names in the zone take precedence over the wildcard, and the
# route claims only that one path.
#
# The route is not a Terraform resource: Cloudflare refuses a route to a Worker that does not exist
# yet, and Terraform runs before the first `wrangler deploy`. It goes out in the `bindings` output
# (worker_routes) and scripts/deploy-config.ts writes it into the rendered consumer config, so
# `wrangler deploy` sets it right after uploading the Worker.

resource "cloudflare_dns_record" "atproto_handles" {
  zone_id = var.zone_id
  name    = "*.${var.domain}"
  type    = "AAAA"
  content = "100::"
  proxied = true
  ttl     = 1
  comment = "Bluesky handles: answered by the ${var.name}-consumer Worker route"
}

locals {
  worker_routes = {
    "${var.name}-consumer" = [{ pattern = "*.${var.domain}/.well-known/atproto-did*", zone_id = var.zone_id }]
  }
}
