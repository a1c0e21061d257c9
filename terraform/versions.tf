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
