variable "name" {
  description = "Base name of the servers (project-environment)."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group the servers go into."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "postgresql_databases" {
  description = "One database per service on PostgreSQL (from generated/deploy/platform.json)."
  type        = list(string)
}

variable "sqlserver_databases" {
  description = "One database per service on Azure SQL (from generated/deploy/platform.json)."
  type        = list(string)
}

variable "postgresql_sku_name" {
  description = "SKU of the PostgreSQL flexible server."
  type        = string
}

variable "sqlserver_sku_name" {
  description = "SKU of each Azure SQL database (CDC needs vCore or S3 and above)."
  type        = string
}

variable "virtual_network_id" {
  description = "The cluster's virtual network, linked to the private DNS zones."
  type        = string
}

variable "private_endpoint_subnet_id" {
  description = "Subnet the servers' private endpoints go into."
  type        = string
}

variable "log_analytics_workspace_id" {
  description = "Workspace that receives the Azure SQL audit events."
  type        = string
}

variable "sql_admin_group_name" {
  description = "Display name of the Microsoft Entra ID group that administers Azure SQL."
  type        = string
}

variable "sql_admin_group_object_id" {
  description = "Object id of that group."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
}

variable "postgresql_publishers" {
  description = "PostgreSQL services whose outbox Debezium reads: they get a replication role."
  type        = list(string)
}
