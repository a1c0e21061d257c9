# No secrets here: credentials come from the environment (ARM_*, CONFLUENT_CLOUD_*) or are
# generated into the remote state.
environment             = "dev"
acr_name                = "microservicesappdev"
app_node_min_count      = 1
app_node_max_count      = 3
postgresql_sku_name     = "B_Standard_B2s"
confluent_cloud_enabled = false
kafka_availability      = "SINGLE_ZONE"
