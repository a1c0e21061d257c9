variable "name" {
  description = "Base name of the resources (project-environment)."
  type        = string
}

variable "resource_group_name" {
  description = "Resource group the cluster, registry and public IP go into."
  type        = string
}

variable "location" {
  description = "Azure region."
  type        = string
}

variable "kubernetes_version" {
  description = "Kubernetes version of the cluster."
  type        = string
}

variable "system_node_vm_size" {
  description = "VM size of the system node pool."
  type        = string
}

variable "app_node_vm_size" {
  description = "VM size of the application node pool."
  type        = string
}

variable "app_node_min_count" {
  description = "Fewest application nodes."
  type        = number
}

variable "app_node_max_count" {
  description = "Most application nodes."
  type        = number
}

variable "api_server_authorized_ip_ranges" {
  description = "CIDRs allowed to reach the Kubernetes API."
  type        = list(string)
}

variable "admin_group_object_ids" {
  description = "Microsoft Entra ID groups with cluster-admin through Azure RBAC."
  type        = list(string)
}

variable "acr_name" {
  description = "Globally unique container registry name."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
}

variable "address_space" {
  description = "Address space of the cluster's virtual network (a /16: nodes and private endpoints)."
  type        = string
}
