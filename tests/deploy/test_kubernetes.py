"""Every overlay renders, validates strictly against Kubernetes' schemas, and Strimzi's."""

from __future__ import annotations

from typing import Any

import hcl2
import kubernetes_validate
import pytest

from tests.deploy.tools import OVERLAYS, REPO, strimzi_problems

STRIMZI_GROUPS = ("kafka.strimzi.io/", "core.strimzi.io/")


def _aks_version() -> str:
    with (REPO / "terraform" / "variables.tf").open(encoding="utf-8") as handle:
        blocks = hcl2.load(handle)["variable"]
    [spec] = [b['"kubernetes_version"'] for b in blocks if '"kubernetes_version"' in b]
    return str(spec["default"]).strip('"') + ".0"


def _is_strimzi(resource: dict[str, Any]) -> bool:
    return str(resource["apiVersion"]).startswith(STRIMZI_GROUPS)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_validates_strictly_against_the_kubernetes_schemas(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    version = _aks_version()
    checked = 0
    for resource in rendered[overlay]:
        if _is_strimzi(resource):
            continue
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            name = f"{resource['kind']}/{resource['metadata']['name']}"
            pytest.fail(f"{overlay}: {name}: {error.message} at {list(error.path)}")
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_strimzi_resources_validate_against_the_strimzi_crds(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    resources = [r for r in rendered[overlay] if _is_strimzi(r)]
    assert {"KafkaConnect", "KafkaConnector"} <= {r["kind"] for r in resources}
    assert strimzi_problems(resources) == []


def test_the_strimzi_validator_rejects_an_invalid_resource() -> None:
    bad = {
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaTopic",
        "metadata": {"name": "t"},
        "spec": {"partitions": "three"},
    }
    [problem] = strimzi_problems([bad])
    assert "partitions" in problem["error"]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_resource_is_namespaced_and_images_point_at_the_registry(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    for resource in rendered[overlay]:
        if resource["kind"] != "Namespace":
            assert resource["metadata"].get("namespace") == "microservicesapp", resource["kind"]
        if resource["kind"] == "Deployment":
            for container in resource["spec"]["template"]["spec"]["containers"]:
                assert ".azurecr.io/microservicesapp-" in container["image"]
                assert not container["image"].endswith(":unset")


def test_dev_runs_kafka_in_the_cluster_and_prod_uses_confluent_cloud(
    rendered: dict[str, list[dict[str, Any]]],
) -> None:
    dev_kinds = {r["kind"] for r in rendered["dev"]}
    prod_kinds = {r["kind"] for r in rendered["prod"]}
    assert {"Kafka", "KafkaNodePool", "KafkaTopic"} <= dev_kinds
    assert not {"Kafka", "KafkaTopic"} & prod_kinds
    [connect] = [r for r in rendered["prod"] if r["kind"] == "KafkaConnect"]
    assert connect["spec"]["authentication"]["type"] == "plain"
    assert connect["spec"]["bootstrapServers"].endswith(".confluent.cloud:9092")
    for topic in (r for r in rendered["dev"] if r["kind"] == "KafkaTopic"):
        assert topic["spec"]["replicas"] == 1
        assert topic["spec"]["config"]["min.insync.replicas"] == "1"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_consumer_still_scales_with_its_partitions(
    overlay: str, rendered: dict[str, list[dict[str, Any]]]
) -> None:
    [autoscaler] = [
        r
        for r in rendered[overlay]
        if r["kind"] == "HorizontalPodAutoscaler" and r["metadata"]["name"] == "activity-consumer"
    ]
    assert autoscaler["spec"]["maxReplicas"] == 3  # the partitions of the topics it reads
