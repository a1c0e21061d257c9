output "cluster_name" {
  description = "AKS cluster name."
  value       = azurerm_kubernetes_cluster.main.name
}

output "acr_login_server" {
  description = "Login server of the container registry."
  value       = azurerm_container_registry.main.login_server
}

output "ingress_public_ip" {
  description = "Static public IP for the ingress controller."
  value       = azurerm_public_ip.ingress.ip_address
}

output "virtual_network_id" {
  description = "The cluster's virtual network (private DNS zones link to it)."
  value       = azurerm_virtual_network.main.id
}

output "private_endpoint_subnet_id" {
  description = "Subnet for the databases' private endpoints."
  value       = azurerm_subnet.private_endpoints.id
}

output "log_analytics_workspace_id" {
  description = "Log Analytics workspace (Container Insights; Azure SQL audit logs)."
  value       = azurerm_log_analytics_workspace.main.id
}
