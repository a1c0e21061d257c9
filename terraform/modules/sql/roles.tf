# Least-privilege logins per PostgreSQL service, the same three as the embedded stack's
# (contractgen.stack.roles) and generated/deploy/compose/postgres/roles.sql:
#
#   <service>_migration    CONNECT and CREATE on its database, CREATE on its schema: owns every
#                          table it makes; runs the migrations (DDL) and makes the publication
#   <service>_runtime      CONNECT to its own database, DML on its tables and sequences, granted as
#                          default privileges of the migration role (later migrations need no grant)
#   <service>_replication  (publishers) REPLICATION; SELECT on the outbox only, for Debezium
#
# CONNECT is revoked from PUBLIC on every service database. The outbox grant and the publication
# need the outbox table, which the first migration creates: run generated/deploy/
# compose/postgres/outbox-publications.sql once after it (psql as the migration login, which owns the outbox),
# as generated/deploy/compose/sqlserver/organization-cdc.sql is run for SQL Server.
#
# The postgresql provider reaches the server through its private endpoint: apply from a runner
# inside the virtual network.

locals {
  postgresql_roles = merge([
    for db in var.postgresql_databases : merge(
      { "${db}_migration" = db, "${db}_runtime" = db },
      contains(var.postgresql_publishers, db) ? { "${db}_replication" = db } : {},
    )
  ]...)
}

resource "random_password" "postgresql_role" {
  for_each = local.postgresql_roles
  length   = 32
  special  = false
}

resource "postgresql_role" "service" {
  for_each            = local.postgresql_roles
  name                = each.key
  login               = true
  password            = random_password.postgresql_role[each.key].result
  replication         = endswith(each.key, "_replication")
  create_database     = false
  create_role         = false
  superuser           = false
  inherit             = false
  skip_reassign_owned = true
}

resource "postgresql_grant" "no_public_connect" {
  for_each    = toset(var.postgresql_databases)
  database    = azurerm_postgresql_flexible_server_database.service[each.key].name
  role        = "public"
  object_type = "database"
  privileges  = []
}

resource "postgresql_grant" "connect" {
  for_each    = local.postgresql_roles
  database    = azurerm_postgresql_flexible_server_database.service[each.value].name
  role        = postgresql_role.service[each.key].name
  object_type = "database"
  privileges  = endswith(each.key, "_migration") ? ["CONNECT", "CREATE"] : ["CONNECT"]
}

resource "postgresql_grant" "schema" {
  for_each    = local.postgresql_roles
  database    = azurerm_postgresql_flexible_server_database.service[each.value].name
  role        = postgresql_role.service[each.key].name
  schema      = "public"
  object_type = "schema"
  privileges  = endswith(each.key, "_migration") ? ["CREATE", "USAGE"] : ["USAGE"]
}

resource "postgresql_default_privileges" "runtime_tables" {
  for_each    = toset(var.postgresql_databases)
  database    = azurerm_postgresql_flexible_server_database.service[each.key].name
  owner       = postgresql_role.service["${each.key}_migration"].name
  role        = postgresql_role.service["${each.key}_runtime"].name
  schema      = "public"
  object_type = "table"
  privileges  = ["SELECT", "INSERT", "UPDATE", "DELETE"]
}

resource "postgresql_default_privileges" "runtime_sequences" {
  for_each    = toset(var.postgresql_databases)
  database    = azurerm_postgresql_flexible_server_database.service[each.key].name
  owner       = postgresql_role.service["${each.key}_migration"].name
  role        = postgresql_role.service["${each.key}_runtime"].name
  schema      = "public"
  object_type = "sequence"
  privileges  = ["USAGE", "SELECT"]
}

# Azure SQL: contained database users (no server logins), created by
# generated/deploy/compose/sqlserver/organization-roles.sql with these passwords (sqlcmd -v, see that file); Entra ID group
# members administer the server. The provider ecosystem has no maintained resource for contained
# users with database-scoped grants, so the script is the one place they are spelled.
resource "random_password" "sqlserver_role" {
  for_each = toset(flatten([
    for db in var.sqlserver_databases : ["${db}_migration", "${db}_runtime", "${db}_replication"]
  ]))
  length      = 32
  special     = false
  min_upper   = 2
  min_lower   = 2
  min_numeric = 2
}
