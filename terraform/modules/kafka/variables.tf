variable "name" {
  description = "Display name of the Confluent environment, cluster and service accounts."
  type        = string
}

variable "cloud_region" {
  description = "Azure region of the Confluent Cloud cluster (next to AKS)."
  type        = string
}

variable "availability" {
  description = "SINGLE_ZONE or MULTI_ZONE."
  type        = string
}

variable "topics" {
  description = "Topics by name with partitions and config (generated/deploy/platform.json)."
  type = map(object({
    partitions = number
    config     = map(string)
    purpose    = string
  }))
}

variable "consumers" {
  description = "Consumer groups by name with the topics each reads (generated/deploy/platform.json)."
  type = map(object({
    deployment = string
    topics     = list(string)
  }))
}

variable "connect_group" {
  description = "Kafka Connect's group id, also the prefix of its internal topics."
  type        = string
}
