variable "subscription_id" {
  description = "Azure subscription to deploy into."
  type        = string
}

variable "project" {
  description = "Name prefix of every resource."
  type        = string
  default     = "microservicesapp"
}

variable "environment" {
  description = "Environment name (dev, prod): part of every resource name; one state per environment."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "location" {
  description = "Azure region, also the Confluent Cloud region (e.g. westeurope)."
  type        = string
  default     = "westeurope"
}

variable "tags" {
  description = "Tags added to every Azure resource."
  type        = map(string)
  default     = {}
}

variable "kubernetes_version" {
  description = "AKS Kubernetes version; the k8s manifests are validated against the same minor version."
  type        = string
  default     = "1.33"
}

variable "system_node_vm_size" {
  description = "VM size of the system node pool (critical add-ons only)."
  type        = string
  default     = "Standard_D2ds_v5"
}

variable "app_node_vm_size" {
  description = "VM size of the node pool that runs the services, Kafka Connect and the consumer."
  type        = string
  default     = "Standard_D4ds_v5"
}

variable "app_node_min_count" {
  description = "Fewest application nodes (the cluster autoscaler's floor)."
  type        = number
  default     = 2
}

variable "app_node_max_count" {
  description = "Most application nodes (the cluster autoscaler's ceiling)."
  type        = number
  default     = 10
}

variable "api_server_authorized_ip_ranges" {
  description = "CIDRs allowed to reach the Kubernetes API (CI runners, operators)."
  type        = list(string)

  validation {
    condition     = length(var.api_server_authorized_ip_ranges) > 0
    error_message = "List at least one CIDR: the API server is not open to everyone."
  }
}

variable "address_space" {
  description = "Address space of the environment's virtual network (a /16)."
  type        = string
  default     = "10.20.0.0/16"
}

variable "aks_admin_group_object_ids" {
  description = "Microsoft Entra ID groups that administer the cluster (Azure RBAC for Kubernetes)."
  type        = list(string)
}

variable "acr_name" {
  description = "Globally unique name of the container registry (alphanumeric), e.g. microservicesappdev."
  type        = string
}

variable "postgresql_sku_name" {
  description = "SKU of the PostgreSQL flexible server (idea and activity databases)."
  type        = string
  default     = "GP_Standard_D2ds_v5"
}

variable "sqlserver_sku_name" {
  description = "SKU of each Azure SQL database (organization); CDC needs vCore or S3 and above."
  type        = string
  default     = "GP_Gen5_2"
}

variable "sql_admin_group_name" {
  description = "Display name of the Microsoft Entra ID group that administers Azure SQL."
  type        = string
}

variable "sql_admin_group_object_id" {
  description = "Object id of the Microsoft Entra ID group that administers Azure SQL."
  type        = string
}

variable "confluent_cloud_enabled" {
  description = "Create Kafka on Confluent Cloud (prod); dev runs Strimzi Kafka inside the cluster instead."
  type        = bool
  default     = true
}

variable "kafka_availability" {
  description = "Confluent Cloud cluster availability: SINGLE_ZONE or MULTI_ZONE."
  type        = string
  default     = "MULTI_ZONE"
}
