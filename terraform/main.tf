# One environment (dev or prod) of the platform on Azure: AKS with ACR and a public IP for the
# ingress, the databases, and (optionally) Kafka on Confluent Cloud.
#
# What the specs know (databases per service, topics, who reads what) comes from the file
# contractgen generates, so Terraform and Kubernetes never disagree about it.

locals {
  platform = jsondecode(file("${path.root}/../generated/deploy/platform.json"))
  name     = "${var.project}-${var.environment}"
  tags = merge(var.tags, {
    project     = var.project
    environment = var.environment
  })
}

resource "azurerm_resource_group" "main" {
  name     = "rg-${local.name}"
  location = var.location
  tags     = local.tags
}

module "aks" {
  source = "./modules/aks"

  name                            = local.name
  resource_group_name             = azurerm_resource_group.main.name
  location                        = azurerm_resource_group.main.location
  kubernetes_version              = var.kubernetes_version
  system_node_vm_size             = var.system_node_vm_size
  app_node_vm_size                = var.app_node_vm_size
  app_node_min_count              = var.app_node_min_count
  app_node_max_count              = var.app_node_max_count
  api_server_authorized_ip_ranges = var.api_server_authorized_ip_ranges
  admin_group_object_ids          = var.aks_admin_group_object_ids
  acr_name                        = var.acr_name
  address_space                   = var.address_space
  tags                            = local.tags
}

module "sql" {
  source = "./modules/sql"

  name                       = local.name
  resource_group_name        = azurerm_resource_group.main.name
  location                   = azurerm_resource_group.main.location
  postgresql_databases       = lookup(local.platform.databases, "postgresql", [])
  sqlserver_databases        = lookup(local.platform.databases, "sqlserver", [])
  postgresql_publishers      = [for c in values(local.platform.connectors) : c.service if c.database == "postgresql"]
  postgresql_sku_name        = var.postgresql_sku_name
  sqlserver_sku_name         = var.sqlserver_sku_name
  virtual_network_id         = module.aks.virtual_network_id
  private_endpoint_subnet_id = module.aks.private_endpoint_subnet_id
  log_analytics_workspace_id = module.aks.log_analytics_workspace_id
  sql_admin_group_name       = var.sql_admin_group_name
  sql_admin_group_object_id  = var.sql_admin_group_object_id
  tags                       = local.tags
}

module "kafka" {
  source = "./modules/kafka"
  count  = var.confluent_cloud_enabled ? 1 : 0

  name          = local.name
  cloud_region  = var.location
  availability  = var.kafka_availability
  topics        = local.platform.topics
  consumers     = local.platform.consumers
  connect_group = "microservicesapp-connect"
}
