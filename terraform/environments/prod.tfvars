# No secrets here: credentials come from the environment (ARM_*, CONFLUENT_CLOUD_*) or are
# generated into the remote state.
environment             = "prod"
acr_name                = "microservicesapp"
app_node_min_count      = 3
app_node_max_count      = 10
confluent_cloud_enabled = true
kafka_availability      = "MULTI_ZONE"
