terraform {
  required_version = ">= 1.6.0"
  required_providers {
    cloudflare = {
      source  = "cloudflare/cloudflare"
      version = "5.11.0"
    }
    random = {
      source  = "hashicorp/random"
      version = "3.7.2"
    }
    tls = {
      source  = "hashicorp/tls"
      version = "4.1.0"
    }
  }
  # State lives in a KV namespace, pulled and pushed by scripts/tfstate.ts around plan/apply
  # (with a lock and a serial guard), so the local backend is used on the runner.
}

# The deploy token reaches Terraform only through CLOUDFLARE_API_TOKEN in the workflow's
# environment. Nothing below copies it into a binding, variable or secret of the runtime.
provider "cloudflare" {}
