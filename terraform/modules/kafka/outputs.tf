output "bootstrap_servers" {
  description = "Bootstrap endpoint without the SASL_SSL:// scheme."
  value       = replace(confluent_kafka_cluster.main.bootstrap_endpoint, "SASL_SSL://", "")
}

output "api_keys" {
  description = "API key and secret per client (connect, each consumer group)."
  value = {
    for client, key in confluent_api_key.client : client => { key = key.id, secret = key.secret }
  }
  sensitive = true
}
