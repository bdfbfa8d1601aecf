# Bluesky handles under the instance's domain (alice.social.example.com). Pages takes no wildcard
# custom domains, so the handle host names reach Herd another way: a proxied wildcard DNS record
# with no origin of its own (100:: is the documented "originless" address), and a Worker route on
# the queue consumer Worker, which reads D1 and answers /.well-known/atproto-did with the DID.
# Explicit records for other host names in the zone take precedence over the wildcard, and the
# route only claims that one path.

resource "cloudflare_dns_record" "atproto_handles" {
  zone_id = var.zone_id
  name    = "*.${var.domain}"
  type    = "AAAA"
  content = "100::"
  proxied = true
  ttl     = 1
  comment = "Bluesky handles: answered by the ${var.name}-consumer Worker route"
}

resource "cloudflare_workers_route" "atproto_handles" {
  zone_id = var.zone_id
  pattern = "*.${var.domain}/.well-known/atproto-did*"
  script  = "${var.name}-consumer"
}
