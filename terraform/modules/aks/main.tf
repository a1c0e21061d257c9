# AKS with Azure RBAC, network policy and Container Insights; ACR that the kubelets pull from;
# a static public IP for the NGINX ingress controller's load balancer.

resource "azurerm_log_analytics_workspace" "main" {
  name                = "log-${var.name}"
  resource_group_name = var.resource_group_name
  location            = var.location
  sku                 = "PerGB2018"
  retention_in_days   = 30
  tags                = var.tags
}

resource "azurerm_virtual_network" "main" {
  name                = "vnet-${var.name}"
  resource_group_name = var.resource_group_name
  location            = var.location
  address_space       = [var.address_space]
  tags                = var.tags
}

resource "azurerm_subnet" "nodes" {
  name                 = "snet-nodes"
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [cidrsubnet(var.address_space, 4, 0)]
}

# The databases' private endpoints: they are reachable from the cluster only.
resource "azurerm_subnet" "private_endpoints" {
  name                 = "snet-private-endpoints"
  resource_group_name  = var.resource_group_name
  virtual_network_name = azurerm_virtual_network.main.name
  address_prefixes     = [cidrsubnet(var.address_space, 8, 255)]
}

# Subnet NSGs: the defaults allow traffic inside the network and from Azure's load balancer;
# the nodes also take HTTP(S) from the internet for the ingress controller.
resource "azurerm_network_security_group" "subnet" {
  for_each            = toset(["nodes", "private-endpoints"])
  name                = "nsg-${var.name}-${each.key}"
  resource_group_name = var.resource_group_name
  location            = var.location
  tags                = var.tags
}

resource "azurerm_network_security_rule" "ingress_http" {
  #checkov:skip=CKV_AZURE_160:port 80 is the public ingress: NGINX redirects it to HTTPS and cert-manager answers ACME HTTP-01 challenges on it
  name                        = "allow-ingress-http"
  priority                    = 100
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_ranges     = ["80", "443"]
  source_address_prefix       = "Internet"
  destination_address_prefix  = azurerm_public_ip.ingress.ip_address
  resource_group_name         = var.resource_group_name
  network_security_group_name = azurerm_network_security_group.subnet["nodes"].name
}

resource "azurerm_subnet_network_security_group_association" "nodes" {
  subnet_id                 = azurerm_subnet.nodes.id
  network_security_group_id = azurerm_network_security_group.subnet["nodes"].id
}

resource "azurerm_subnet_network_security_group_association" "private_endpoints" {
  subnet_id                 = azurerm_subnet.private_endpoints.id
  network_security_group_id = azurerm_network_security_group.subnet["private-endpoints"].id
}

resource "azurerm_kubernetes_cluster" "main" {
  #checkov:skip=CKV_AZURE_6:authorized_ip_ranges is var.api_server_authorized_ip_ranges, required and validated non-empty; checkov cannot resolve it
  #checkov:skip=CKV_AZURE_115:CI deploys from hosted runners over the public API, limited to api_server_authorized_ip_ranges
  #checkov:skip=CKV_AZURE_117:OS and data disks use platform-managed keys; a customer-managed disk encryption set is not required here
  name                              = "aks-${var.name}"
  resource_group_name               = var.resource_group_name
  location                          = var.location
  dns_prefix                        = var.name
  kubernetes_version                = var.kubernetes_version
  sku_tier                          = "Standard"
  automatic_upgrade_channel         = "patch"
  local_account_disabled            = true
  role_based_access_control_enabled = true
  azure_policy_enabled              = true
  tags                              = var.tags

  default_node_pool {
    name                         = "system"
    vm_size                      = var.system_node_vm_size
    auto_scaling_enabled         = true
    min_count                    = 1
    max_count                    = 3
    max_pods                     = 50
    os_disk_type                 = "Ephemeral"
    host_encryption_enabled      = true
    only_critical_addons_enabled = true
    zones                        = ["1", "2", "3"]
    vnet_subnet_id               = azurerm_subnet.nodes.id

    upgrade_settings {
      max_surge = "33%"
    }
  }

  identity {
    type = "SystemAssigned"
  }

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled     = true
    admin_group_object_ids = var.admin_group_object_ids
  }

  api_server_access_profile {
    authorized_ip_ranges = var.api_server_authorized_ip_ranges
  }

  network_profile {
    network_plugin    = "azure"
    network_policy    = "azure"
    load_balancer_sku = "standard"
    service_cidr      = "10.240.0.0/16"
    dns_service_ip    = "10.240.0.10"
  }

  oms_agent {
    log_analytics_workspace_id = azurerm_log_analytics_workspace.main.id
  }

  key_vault_secrets_provider {
    secret_rotation_enabled = true
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "apps" {
  name                    = "apps"
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.main.id
  vm_size                 = var.app_node_vm_size
  auto_scaling_enabled    = true
  min_count               = var.app_node_min_count
  max_count               = var.app_node_max_count
  max_pods                = 50
  os_disk_type            = "Ephemeral"
  host_encryption_enabled = true
  zones                   = ["1", "2", "3"]
  vnet_subnet_id          = azurerm_subnet.nodes.id
  tags                    = var.tags
}

resource "azurerm_container_registry" "main" {
  #checkov:skip=CKV_AZURE_139:CI pushes images from hosted runners outside the virtual network
  #checkov:skip=CKV_AZURE_165:one region; geo-replication is a cost decision for later
  #checkov:skip=CKV_AZURE_163:image scanning is Microsoft Defender for Containers, enabled per subscription, not per registry
  #checkov:skip=CKV_AZURE_164:images are signed and verified by digest in CI, not with Docker Content Trust (deprecated in ACR)
  #checkov:skip=CKV_AZURE_166:quarantine needs a scanner to release images; none is wired to this registry
  name                          = var.acr_name
  resource_group_name           = var.resource_group_name
  location                      = var.location
  sku                           = "Premium"
  admin_enabled                 = false
  anonymous_pull_enabled        = false
  public_network_access_enabled = true
  zone_redundancy_enabled       = true
  data_endpoint_enabled         = true
  retention_policy_in_days      = 30
  tags                          = var.tags
}

resource "azurerm_role_assignment" "kubelet_acr_pull" {
  scope                            = azurerm_container_registry.main.id
  role_definition_name             = "AcrPull"
  principal_id                     = azurerm_kubernetes_cluster.main.kubelet_identity[0].object_id
  skip_service_principal_aad_check = true
}

resource "azurerm_public_ip" "ingress" {
  name                = "pip-${var.name}-ingress"
  resource_group_name = var.resource_group_name
  location            = var.location
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = ["1", "2", "3"]
  tags                = var.tags
}

# The cluster's identity attaches the ingress IP (in this resource group) to its load balancer.
resource "azurerm_role_assignment" "cluster_network" {
  scope                = azurerm_public_ip.ingress.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_kubernetes_cluster.main.identity[0].principal_id
}

# Subnet joins for the node pools.
resource "azurerm_role_assignment" "cluster_subnet" {
  scope                = azurerm_subnet.nodes.id
  role_definition_name = "Network Contributor"
  principal_id         = azurerm_kubernetes_cluster.main.identity[0].principal_id
}
