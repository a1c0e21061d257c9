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
  acl = { resource_type = "TOPIC", pattern_type = "LITERAL" }
  acls = merge(
    { for topic, operation in local.connect_topics :
      "connect/topic/${topic}" => merge(local.acl, { client = "connect", resource_name = topic, operation = operation })
    },
    { for kind in ["TOPIC", "GROUP"] :
      "connect/${lower(kind)}-prefix" => { client = "connect", resource_type = kind, resource_name = var.connect_group, pattern_type = "PREFIXED", operation = "ALL" }
    },
    { for item in local.consumer_reads :
      "${item.group}/read/${item.topic}" => merge(local.acl, { client = item.group, resource_name = item.topic, operation = "READ" })
    },
    { for item in local.consumer_writes :
      "${item.group}/write/${item.topic}" => merge(local.acl, { client = item.group, resource_name = item.topic, operation = "WRITE" })
    },
    { for group in keys(var.consumers) :
      "${group}/group" => { client = group, resource_type = "GROUP", resource_name = group, pattern_type = "LITERAL", operation = "READ" }
    },
  )
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

# Every ACL of every client, one resource: connect writes the event topics (reads back its schema
# history) and owns its group and internal topics (named after the group); each consumer group
# reads its topics and its group, and writes their dead letters.
resource "confluent_kafka_acl" "client" {
  for_each      = local.acls
  resource_type = each.value.resource_type
  resource_name = each.value.resource_name
  pattern_type  = each.value.pattern_type
  principal     = "User:${confluent_service_account.client[each.value.client].id}"
  host          = "*"
  operation     = each.value.operation
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
