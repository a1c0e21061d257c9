"""The generated deployment follows the specs: a new channel becomes a topic, a connector's
variables reach Kafka Connect, and the consumer subscribes to (and scales with) what it receives."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import yaml

from tests.deploy.tools import REPO, documents
from tests.generator.helpers import contractgen, copy_specs

NEW_TOPIC = "microservicesapp.idea.comments"


def _add_comment_channel(specs: Path) -> None:
    """idea sends IdeaCommented on a new 6-partition channel; activity receives it."""
    path = specs / "idea" / "asyncapi.yaml"
    idea = yaml.safe_load(path.read_text(encoding="utf-8"))
    message = copy.deepcopy(idea["components"]["messages"]["IdeaDeleted"])
    message["name"] = message["title"] = "IdeaCommented"
    message["payload"]["schema"]["name"] = "IdeaCommented"
    idea["components"]["messages"]["IdeaCommented"] = message
    idea["channels"]["ideaComments"] = {
        "address": NEW_TOPIC,
        "messages": {"IdeaCommented": {"$ref": "#/components/messages/IdeaCommented"}},
        "bindings": {"kafka": {"partitions": 6, "bindingVersion": "0.5.0"}},
    }
    idea["operations"]["sendIdeaCommented"] = {
        "action": "send",
        "channel": {"$ref": "#/channels/ideaComments"},
        "messages": [{"$ref": "#/channels/ideaComments/messages/IdeaCommented"}],
    }
    path.write_text(yaml.safe_dump(idea, sort_keys=False), encoding="utf-8")

    path = specs / "activity" / "asyncapi.yaml"
    activity = yaml.safe_load(path.read_text(encoding="utf-8"))
    activity["channels"]["ideaComments"] = {"$ref": "../idea/asyncapi.yaml#/channels/ideaComments"}
    activity["operations"]["receiveIdeaCommented"] = {
        "action": "receive",
        "channel": {"$ref": "#/channels/ideaComments"},
        "messages": [{"$ref": "#/channels/ideaComments/messages/IdeaCommented"}],
    }
    path.write_text(yaml.safe_dump(activity, sort_keys=False), encoding="utf-8")


def _kind(out: Path, path: str, kind: str) -> list[dict[str, Any]]:
    text = (out / "deploy" / "k8s" / path).read_text(encoding="utf-8")
    return [d for d in documents(text) if d["kind"] == kind]


def test_a_new_channel_becomes_a_topic_and_a_subscription(tmp_path: Path) -> None:
    specs = copy_specs(REPO / "specs", tmp_path)
    _add_comment_channel(specs)
    out = tmp_path / "generated"
    run = contractgen("generate", "--specs", specs, "--out", out, "-q")
    assert run.exit_code == 0, run.stderr

    topics = {t["spec"]["topicName"]: t for t in _kind(out, "topics/topics.yaml", "KafkaTopic")}
    assert topics[NEW_TOPIC]["spec"]["partitions"] == 6
    assert topics[NEW_TOPIC]["metadata"]["labels"]["strimzi.io/cluster"] == "microservicesapp-kafka"
    assert NEW_TOPIC + ".dlq" in topics

    [consumer] = _kind(out, "apps/activity-consumer.yaml", "Deployment")
    subscribed = consumer["metadata"]["annotations"]["contractgen.io/subscribes"].split(",")
    assert NEW_TOPIC in subscribed
    [autoscaler] = _kind(out, "apps/activity-consumer.yaml", "HorizontalPodAutoscaler")
    assert autoscaler["spec"]["maxReplicas"] == 6  # the widest topic it reads

    assert f'topic="{NEW_TOPIC}"' in (out / "activity" / "consumer.py").read_text(encoding="utf-8")
    platform = json.loads((out / "deploy" / "platform.json").read_text(encoding="utf-8"))
    assert NEW_TOPIC in platform["consumers"]["activity"]["topics"]
    assert platform["topics"][NEW_TOPIC]["partitions"] == 6


def test_the_committed_deployment_matches_the_specs() -> None:
    out = REPO / "generated"
    topics = {t["spec"]["topicName"]: t for t in _kind(out, "topics/topics.yaml", "KafkaTopic")}
    for service in ("organization", "idea"):
        spec = yaml.safe_load((REPO / "specs" / service / "asyncapi.yaml").read_text())
        for channel in spec["channels"].values():
            partitions = channel["bindings"]["kafka"]["partitions"]
            assert topics[channel["address"]]["spec"]["partitions"] == partitions

    connectors = {
        c["metadata"]["name"]: c for c in _kind(out, "connect/connectors.yaml", "KafkaConnector")
    }
    # Production databases: SQL Server where a service lists it, else PostgreSQL.
    assert connectors["organization-outbox-sqlserver"]["spec"]["class"].endswith(
        "SqlServerConnector"
    )
    assert connectors["idea-outbox"]["spec"]["class"].endswith("PostgresConnector")

    [patch] = documents((out / "deploy/k8s/connect/connect-env.yaml").read_text())
    env = {e["name"] for e in patch["spec"]["template"]["connectContainer"]["env"]}
    for connector in connectors.values():
        for value in connector["spec"]["config"].values():
            if str(value).startswith("${env:"):
                assert str(value)[6:-1] in env

    for service, port in (("organization", 8001), ("idea", 8002), ("activity", 8003)):
        [deployment] = _kind(out, f"apps/{service}.yaml", "Deployment")
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        assert container["ports"][0]["containerPort"] == port
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
