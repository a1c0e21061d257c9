# Kafka on Confluent Cloud: an environment, a cluster, the topics the specs declare, and one
# service account per client with only the ACLs it needs:
#   connect        writes the event topics (Debezium's outbox router) and its own internal topics
#   <group>        each consumer group reads its topics and writes their dead letters
# A manager account with CloudClusterAdmin creates the topics and ACLs.

locals {
  dead_letter_suffix = ".dlq"
  # Connect writes the event topics; Debezium's schema history topics it also reads back.
  connect_topics = {
    for name, topic in var.topics : name => endswith(topic.purpose, "schema history") ? "ALL" : "WRITE"
    if !endswith(name, local.dead_letter_suffix)
  }
  consumer_reads = flatten([
    for group, consumer in var.consumers : [for topic in consumer.topics : { group = group, topic = topic }]
  ])
  consumer_writes = flatten([
    for group, consumer in var.consumers : [
      for topic in consumer.topics : { group = group, topic = "${topic}${local.dead_letter_suffix}" }
    ]
  ])
  cluster = {
    id            = confluent_kafka_cluster.main.id
    rest_endpoint = confluent_kafka_cluster.main.rest_endpoint
  }
}

resource "confluent_environment" "main" {
  display_name = var.name

  stream_governance {
    package = "ESSENTIALS"
  }
}

resource "confluent_kafka_cluster" "main" {
  display_name = var.name
  availability = var.availability
  cloud        = "AZURE"
  region       = var.cloud_region

  standard {}

  environment {
    id = confluent_environment.main.id
  }
}

resource "confluent_service_account" "manager" {
  display_name = "${var.name}-manager"
  description  = "Creates the topics and ACLs of ${var.name}"
}

resource "confluent_role_binding" "manager" {
  principal   = "User:${confluent_service_account.manager.id}"
  role_name   = "CloudClusterAdmin"
  crn_pattern = confluent_kafka_cluster.main.rbac_crn
}

resource "confluent_api_key" "manager" {
  display_name = "${var.name}-manager"
  description  = "Topic and ACL management"

  owner {
    id          = confluent_service_account.manager.id
    api_version = confluent_service_account.manager.api_version
    kind        = confluent_service_account.manager.kind
  }

  managed_resource {
    id          = confluent_kafka_cluster.main.id
    api_version = confluent_kafka_cluster.main.api_version
    kind        = confluent_kafka_cluster.main.kind

    environment {
      id = confluent_environment.main.id
    }
  }

  depends_on = [confluent_role_binding.manager]
}

resource "confluent_kafka_topic" "topic" {
  for_each         = var.topics
  topic_name       = each.key
  partitions_count = each.value.partitions
  # Confluent Cloud sets min.insync.replicas itself (2 of 3).
  config        = { for key, value in each.value.config : key => value if key != "min.insync.replicas" }
  rest_endpoint = local.cluster.rest_endpoint

  kafka_cluster {
    id = local.cluster.id
  }

  credentials {
    key    = confluent_api_key.manager.id
    secret = confluent_api_key.manager.secret
  }
}

resource "confluent_service_account" "client" {
  for_each     = toset(concat(["connect"], keys(var.consumers)))
  display_name = "${var.name}-${each.key}"
  description  = "Kafka client ${each.key} of ${var.name}"
}

resource "confluent_api_key" "client" {
  for_each     = confluent_service_account.client
  display_name = "${var.name}-${each.key}"
  description  = "Kafka API key of ${each.key}"

  owner {
    id          = each.value.id
    api_version = each.value.api_version
    kind        = each.value.kind
  }

  managed_resource {
    id          = confluent_kafka_cluster.main.id
    api_version = confluent_kafka_cluster.main.api_version
    kind        = confluent_kafka_cluster.main.kind

    environment {
      id = confluent_environment.main.id
    }
  }
}

resource "confluent_kafka_acl" "connect_topics" {
  for_each      = local.connect_topics
  resource_type = "TOPIC"
  resource_name = each.key
  pattern_type  = "LITERAL"
  principal     = "User:${confluent_service_account.client["connect"].id}"
  host          = "*"
  operation     = each.value
  permission    = "ALLOW"
  rest_endpoint = local.cluster.rest_endpoint

  kafka_cluster {
    id = local.cluster.id
  }

  credentials {
    key    = confluent_api_key.manager.id
    secret = confluent_api_key.manager.secret
  }
}

# Connect owns its group and internal topics (named after the group).
resource "confluent_kafka_acl" "connect_internal" {
  for_each      = toset(["TOPIC", "GROUP"])
  resource_type = each.key
  resource_name = var.connect_group
  pattern_type  = "PREFIXED"
  principal     = "User:${confluent_service_account.client["connect"].id}"
  host          = "*"
  operation     = "ALL"
  permission    = "ALLOW"
  rest_endpoint = local.cluster.rest_endpoint

  kafka_cluster {
    id = local.cluster.id
  }

  credentials {
    key    = confluent_api_key.manager.id
    secret = confluent_api_key.manager.secret
  }
}

resource "confluent_kafka_acl" "consumer_read" {
  for_each      = { for item in local.consumer_reads : "${item.group}/${item.topic}" => item }
  resource_type = "TOPIC"
  resource_name = each.value.topic
  pattern_type  = "LITERAL"
  principal     = "User:${confluent_service_account.client[each.value.group].id}"
  host          = "*"
  operation     = "READ"
  permission    = "ALLOW"
  rest_endpoint = local.cluster.rest_endpoint

  kafka_cluster {
    id = local.cluster.id
  }

  credentials {
    key    = confluent_api_key.manager.id
    secret = confluent_api_key.manager.secret
  }
}

resource "confluent_kafka_acl" "consumer_dead_letters" {
  for_each      = { for item in local.consumer_writes : "${item.group}/${item.topic}" => item }
  resource_type = "TOPIC"
  resource_name = each.value.topic
  pattern_type  = "LITERAL"
  principal     = "User:${confluent_service_account.client[each.value.group].id}"
  host          = "*"
  operation     = "WRITE"
  permission    = "ALLOW"
  rest_endpoint = local.cluster.rest_endpoint

  kafka_cluster {
    id = local.cluster.id
  }

  credentials {
    key    = confluent_api_key.manager.id
    secret = confluent_api_key.manager.secret
  }
}

resource "confluent_kafka_acl" "consumer_group" {
  for_each      = var.consumers
  resource_type = "GROUP"
  resource_name = each.key
  pattern_type  = "LITERAL"
  principal     = "User:${confluent_service_account.client[each.key].id}"
  host          = "*"
  operation     = "READ"
  permission    = "ALLOW"
  rest_endpoint = local.cluster.rest_endpoint

  kafka_cluster {
    id = local.cluster.id
  }

  credentials {
    key    = confluent_api_key.manager.id
    secret = confluent_api_key.manager.secret
  }
}
