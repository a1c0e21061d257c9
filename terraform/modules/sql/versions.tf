terraform {
  required_providers {
    # Roles and grants inside the PostgreSQL flexible server (configured in the root module).
    postgresql = {
      source  = "cyrilgdn/postgresql"
      version = "~> 1.25"
    }
  }
}
