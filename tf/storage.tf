# Every piece of state Herd keeps. prevent_destroy makes a plan that would delete a
# database, namespace or bucket fail instead of losing data on a renamed resource.

resource "cloudflare_d1_database" "db" {
  account_id = var.account_id
  name       = var.name
  lifecycle {
    prevent_destroy = true
  }
}

resource "cloudflare_workers_kv_namespace" "kv" {
  account_id = var.account_id
  title      = "${var.name}-kv"
  lifecycle {
    prevent_destroy = true
  }
}

resource "cloudflare_r2_bucket" "media" {
  account_id = var.account_id
  name       = "${var.name}-media"
  location   = var.r2_location
  lifecycle {
    prevent_destroy = true
  }
}

resource "cloudflare_queue" "main" {
  account_id = var.account_id
  queue_name = "${var.name}-queue"
}

# Messages that exhausted their retries land here instead of vanishing.
resource "cloudflare_queue" "dead_letter" {
  account_id = var.account_id
  queue_name = "${var.name}-dlq"
}
