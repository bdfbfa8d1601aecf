variable "account_id" {
  description = "Cloudflare account id."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.account_id))
    error_message = "account_id must be the 32 hex digit Cloudflare account id."
  }
}

variable "zone_id" {
  description = "Id of the Cloudflare zone the domain lives in."
  type        = string
  validation {
    condition     = can(regex("^[0-9a-f]{32}$", var.zone_id))
    error_message = "zone_id must be the 32 hex digit Cloudflare zone id."
  }
}

variable "domain" {
  description = "Host name the instance answers on, e.g. social.example.com. It is the identity of every account: changing it later is a migration (see docs/operators.md)."
  type        = string
  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?\\.)+[a-z]{2,}$", var.domain))
    error_message = "domain must be a lower-case host name such as social.example.com."
  }
}

variable "name" {
  description = "Prefix for resource names. Matches the names in the wrangler.toml files; change both together."
  type        = string
  default     = "herd"
}

variable "access_email" {
  description = "When set, the instance's admin paths are put behind a Zero Trust Access application that admits only this email. Empty: the built-in login is used."
  type        = string
  default     = ""
}

variable "access_team_domain" {
  description = "Zero Trust team domain (your-team.cloudflareaccess.com); needed only with access_email."
  type        = string
  default     = ""
}

variable "r2_location" {
  description = "Location hint for the media bucket."
  type        = string
  default     = "WEUR"
}

variable "builtin_login" {
  description = "Sign-in with email and password stored in D1, when Access is not used. It must be chosen explicitly: with neither it nor access_email, Herd refuses logins with an explanation."
  type        = bool
  default     = false
}

variable "atproto_plc_url" {
  description = "did:plc directory that bridged accounts' identities are registered with."
  type        = string
  default     = "https://plc.directory"
}

variable "atproto_relays" {
  description = "Comma-separated AT Protocol relays asked to crawl this host when an account opts in to the Bluesky bridge."
  type        = string
  default     = "https://bsky.network"
}

variable "atproto_dns_resolver" {
  description = "DNS-over-HTTPS (JSON) resolver used to verify custom Bluesky handles' _atproto TXT records."
  type        = string
  default     = "https://cloudflare-dns.com/dns-query"
}
