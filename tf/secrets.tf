# Secrets are generated once, on the first apply, and then live in Terraform state (kept in KV by
# scripts/tfstate.ts). Later applies reuse them: random_* and tls_private_key have no inputs that
# change, so they are never replaced. Rotation is a deliberate act (docs/operators.md).

# Key-encryption key for private keys at rest (32 random bytes, base64).
resource "random_bytes" "kek" {
  length = 32
}

# Web Push (VAPID) key pair, ECDSA P-256. The runtime receives the PKCS#8 PEM private key; the
# public "application server key" is derived from it with WebCrypto (export the public key as
# raw: 65 bytes, base64url), so nothing needs a second format from Terraform.
resource "tls_private_key" "vapid" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}

locals {
  # Secrets every script that runs backend code receives. The names are those backend/env.ts
  # reads; test/deploy/terraform.test.ts fails if they drift apart.
  secrets = {
    HERD_KEK          = random_bytes.kek.base64
    VAPID_PRIVATE_KEY = tls_private_key.vapid.private_key_pem_pkcs8
  }
}
