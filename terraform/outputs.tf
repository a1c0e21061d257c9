output "resource_group_name" {
  description = "Resource group of the environment."
  value       = azurerm_resource_group.main.name
}

output "aks_cluster_name" {
  description = "AKS cluster name, for `az aks get-credentials`."
  value       = module.aks.cluster_name
}

output "acr_login_server" {
  description = "Registry the images are pushed to and pulled from."
  value       = module.aks.acr_login_server
}

output "ingress_public_ip" {
  description = "Static public IP for the NGINX ingress controller's load balancer."
  value       = module.aks.ingress_public_ip
}

output "postgresql_fqdn" {
  description = "Host of the PostgreSQL flexible server."
  value       = module.sql.postgresql_fqdn
}

output "postgresql_admin_login" {
  description = "PostgreSQL administrator login."
  value       = module.sql.postgresql_admin_login
}

output "postgresql_admin_password" {
  description = "PostgreSQL administrator password (kept in the remote state only)."
  value       = module.sql.postgresql_admin_password
  sensitive   = true
}

output "sqlserver_fqdn" {
  description = "Host of the Azure SQL logical server."
  value       = module.sql.sqlserver_fqdn
}

output "sqlserver_admin_login" {
  description = "Azure SQL administrator login."
  value       = module.sql.sqlserver_admin_login
}

output "sqlserver_admin_password" {
  description = "Azure SQL administrator password (kept in the remote state only)."
  value       = module.sql.sqlserver_admin_password
  sensitive   = true
}

output "kafka_bootstrap_servers" {
  description = "Confluent Cloud bootstrap endpoint (null when Confluent Cloud is off)."
  value       = var.confluent_cloud_enabled ? module.kafka[0].bootstrap_servers : null
}

output "kafka_api_keys" {
  description = "Confluent Cloud API key per principal (connect and each consumer group)."
  value       = var.confluent_cloud_enabled ? module.kafka[0].api_keys : {}
  sensitive   = true
}

output "postgresql_role_passwords" {
  description = "Password of each PostgreSQL service role (<service>_migration, _runtime, _replication)."
  value       = module.sql.postgresql_role_passwords
  sensitive   = true
}

output "sqlserver_role_passwords" {
  description = "Password of each Azure SQL contained user (generated/deploy/compose/sqlserver/organization-roles.sql)."
  value       = module.sql.sqlserver_role_passwords
  sensitive   = true
}
