terraform {
  required_version = ">= 1.6.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.14"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.6"
    }
    confluent = {
      source  = "confluentinc/confluent"
      version = "~> 2.12"
    }
    postgresql = {
      source  = "cyrilgdn/postgresql"
      version = "~> 1.25"
    }
  }

  # Remote state in an Azure Storage container, configured per environment at init:
  #   terraform init -backend-config=environments/dev.backend.hcl
  backend "azurerm" {}
}

provider "azurerm" {
  features {}
  subscription_id = var.subscription_id
}

# Credentials come from CONFLUENT_CLOUD_API_KEY / CONFLUENT_CLOUD_API_SECRET in the environment.
provider "confluent" {}

# The services' roles and grants (modules/sql/roles.tf), as the server's administrator. The server
# has no public endpoint: run `terraform apply` from inside the virtual network. Azure's
# administrator is not a superuser.
provider "postgresql" {
  host      = module.sql.postgresql_fqdn
  port      = 5432
  username  = module.sql.postgresql_admin_login
  password  = module.sql.postgresql_admin_password
  database  = "postgres"
  sslmode   = "require"
  superuser = false
}
