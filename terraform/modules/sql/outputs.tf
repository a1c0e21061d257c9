output "postgresql_fqdn" {
  description = "Host of the PostgreSQL flexible server."
  value       = azurerm_postgresql_flexible_server.main.fqdn
}

output "postgresql_admin_login" {
  description = "PostgreSQL administrator login."
  value       = azurerm_postgresql_flexible_server.main.administrator_login
}

output "postgresql_admin_password" {
  description = "PostgreSQL administrator password."
  value       = random_password.postgresql.result
  sensitive   = true
}

output "sqlserver_fqdn" {
  description = "Host of the Azure SQL logical server (null when no service uses SQL Server)."
  value       = one(azurerm_mssql_server.main[*].fully_qualified_domain_name)
}

output "sqlserver_admin_login" {
  description = "Azure SQL administrator login."
  value       = one(azurerm_mssql_server.main[*].administrator_login)
}

output "sqlserver_admin_password" {
  description = "Azure SQL administrator password."
  value       = random_password.sqlserver.result
  sensitive   = true
}

output "postgresql_role_passwords" {
  description = "Password of each PostgreSQL service role (<service>_migration, _runtime, _replication)."
  value       = { for role, password in random_password.postgresql_role : role => password.result }
  sensitive   = true
}

output "sqlserver_role_passwords" {
  description = "Password of each Azure SQL contained user, for generated/deploy/compose/sqlserver/organization-roles.sql."
  value       = { for role, password in random_password.sqlserver_role : role => password.result }
  sensitive   = true
}
