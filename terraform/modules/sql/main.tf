# PostgreSQL flexible server with logical replication (Debezium's pgoutput) and one database per
# PostgreSQL service; Azure SQL with one database per SQL Server service.
#
# CDC on Azure SQL: Debezium's SQL Server connector reads change tables. After the organization
# service's first migration, run generated/deploy/compose/sqlserver/organization-cdc.sql against its database
# (it enables CDC on the database and on dbo.outbox; needs a vCore or S3+ SKU).

locals {
  private_endpoints = merge(
    {
      postgresql = {
        id          = azurerm_postgresql_flexible_server.main.id
        subresource = "postgresqlServer"
        zone        = "privatelink.postgres.database.azure.com"
      }
    },
    length(var.sqlserver_databases) > 0 ? {
      sqlserver = {
        id          = azurerm_mssql_server.main[0].id
        subresource = "sqlServer"
        zone        = "privatelink.database.windows.net"
      }
    } : {},
  )
}

resource "random_password" "postgresql" {
  length  = 32
  special = false
}

resource "random_password" "sqlserver" {
  length      = 32
  special     = false
  min_upper   = 2
  min_lower   = 2
  min_numeric = 2
}

resource "azurerm_postgresql_flexible_server" "main" {
  name                          = "psql-${var.name}"
  resource_group_name           = var.resource_group_name
  location                      = var.location
  version                       = "15"
  sku_name                      = var.postgresql_sku_name
  storage_mb                    = 65536
  backup_retention_days         = 14
  geo_redundant_backup_enabled  = true
  public_network_access_enabled = false
  administrator_login           = "microservicesapp"
  administrator_password        = random_password.postgresql.result
  tags                          = var.tags

  lifecycle {
    ignore_changes = [zone]
  }
}

# Debezium reads the outbox through logical decoding.
resource "azurerm_postgresql_flexible_server_configuration" "wal_level" {
  name      = "wal_level"
  server_id = azurerm_postgresql_flexible_server.main.id
  value     = "logical"
}

resource "azurerm_postgresql_flexible_server_configuration" "max_replication_slots" {
  name      = "max_replication_slots"
  server_id = azurerm_postgresql_flexible_server.main.id
  value     = "10"
}

resource "azurerm_postgresql_flexible_server_configuration" "require_secure_transport" {
  name      = "require_secure_transport"
  server_id = azurerm_postgresql_flexible_server.main.id
  value     = "on"
}

resource "azurerm_postgresql_flexible_server_database" "service" {
  for_each  = toset(var.postgresql_databases)
  name      = each.key
  server_id = azurerm_postgresql_flexible_server.main.id
  charset   = "UTF8"
  collation = "en_US.utf8"
}

resource "azurerm_mssql_server" "main" {
  #checkov:skip=CKV2_AZURE_2:vulnerability assessment is Microsoft Defender for SQL's express configuration (no storage account), enabled per subscription
  count                         = length(var.sqlserver_databases) > 0 ? 1 : 0
  name                          = "sql-${var.name}"
  resource_group_name           = var.resource_group_name
  location                      = var.location
  version                       = "12.0"
  minimum_tls_version           = "1.2"
  public_network_access_enabled = false
  administrator_login           = "microservicesapp"
  administrator_login_password  = random_password.sqlserver.result
  tags                          = var.tags

  azuread_administrator {
    login_username = var.sql_admin_group_name
    object_id      = var.sql_admin_group_object_id
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_mssql_database" "service" {
  #checkov:skip=CKV_AZURE_224:the outbox is insert-then-delete (Debezium reads the log); ledger tables are append-only
  for_each       = toset(var.sqlserver_databases)
  name           = each.key
  server_id      = azurerm_mssql_server.main[0].id
  sku_name       = var.sqlserver_sku_name
  zone_redundant = true
  ledger_enabled = false
  tags           = var.tags
}

resource "azurerm_mssql_server_extended_auditing_policy" "main" {
  count                  = length(azurerm_mssql_server.main)
  server_id              = azurerm_mssql_server.main[0].id
  log_monitoring_enabled = true
  retention_in_days      = 91
}

# Audit events go to Log Analytics through the master database's diagnostic setting.
resource "azurerm_monitor_diagnostic_setting" "sql_audit" {
  count                      = length(azurerm_mssql_server.main)
  name                       = "audit"
  target_resource_id         = "${azurerm_mssql_server.main[0].id}/databases/master"
  log_analytics_workspace_id = var.log_analytics_workspace_id

  enabled_log {
    category = "SQLSecurityAuditEvents"
  }
}

# Private endpoints: both servers are reachable from the cluster's network only.
resource "azurerm_private_dns_zone" "zone" {
  for_each            = local.private_endpoints
  name                = each.value.zone
  resource_group_name = var.resource_group_name
  tags                = var.tags
}

resource "azurerm_private_dns_zone_virtual_network_link" "zone" {
  for_each              = local.private_endpoints
  name                  = "link-${each.key}"
  resource_group_name   = var.resource_group_name
  private_dns_zone_name = azurerm_private_dns_zone.zone[each.key].name
  virtual_network_id    = var.virtual_network_id
  tags                  = var.tags
}

resource "azurerm_private_endpoint" "server" {
  for_each            = local.private_endpoints
  name                = "pe-${var.name}-${each.key}"
  resource_group_name = var.resource_group_name
  location            = var.location
  subnet_id           = var.private_endpoint_subnet_id
  tags                = var.tags

  private_service_connection {
    name                           = "psc-${var.name}-${each.key}"
    private_connection_resource_id = each.value.id
    subresource_names              = [each.value.subresource]
    is_manual_connection           = false
  }

  private_dns_zone_group {
    name                 = each.key
    private_dns_zone_ids = [azurerm_private_dns_zone.zone[each.key].id]
  }
}
