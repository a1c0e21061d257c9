"""Deployment resources for what the specs know: services, ports, topics and connectors.

Kubernetes manifests (one kustomize component per concern, under `deploy/k8s/`) and
`deploy/platform.json`, the same facts for Terraform. What the specs do not know (registries, hosts,
sizes per environment) lives in the hand-written `k8s/` overlays and `terraform/`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from contractgen import __version__
from contractgen.gen.compose import ComposeService, compose_files
from contractgen.gen.connectors import CONNECTORS
from contractgen.gen.naming import header
from contractgen.gen.render import render
from contractgen.ports import DEFAULT_METRICS_PORT, DEFAULT_PORT
from contractgen.spec.project import Project, ServiceSpec
from contractgen.topics import dead_letter_topic

TOPIC_REPLICAS = 3
# Where a service lists several outbox databases, production runs on the first of these it lists.
PRODUCTION_DATABASES = ("sqlserver", "postgresql")
ENV_PLACEHOLDER = re.compile(r"\$\{env:([A-Z0-9_]+)\}")


@dataclass(frozen=True)
class Names:
    """Kubernetes names derived from the project's name (contractgen.toml `project.name`)."""

    project: str

    @property
    def namespace(self) -> str:
        return self.project

    @property
    def kafka_cluster(self) -> str:
        """The Strimzi Kafka the topics belong to."""
        return f"{self.project}-kafka"

    @property
    def connect_cluster(self) -> str:
        """The Strimzi KafkaConnect running the connectors."""
        return f"{self.project}-connect"

    @property
    def config_map(self) -> str:
        return f"{self.project}-config"


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int
    config: dict[str, str]
    purpose: str

    @property
    def resource_name(self) -> str:
        return self.name.replace("_", "-").lower()


@dataclass(frozen=True)
class Consumer:
    service: str
    name: str
    group: str
    topics: tuple[str, ...]
    max_replicas: int


@dataclass(frozen=True)
class Connector:
    service: str
    name: str
    database: str
    connector_class: str
    tasks_max: int
    config: dict[str, str]


def deploy_files(project: Project) -> dict[str, str]:
    """{path under generated/: text} for every deployment file."""
    source = project.docs.display(project.specs_dir) + "/"
    connectors = [c for s in project.services if (c := _connector(s)) is not None]
    consumers = [g for s in project.services if (g := _consumer(s, project)) is not None]
    topics = _topics(project, consumers, connectors)
    yaml_header = header(source)
    names = Names(project.config.name)
    files = {
        "deploy/platform.json": _platform_json(project, topics, consumers, connectors),
        "deploy/k8s/apps/ingress.yaml": render(
            "deploy_ingress.yaml.jinja2",
            header=yaml_header,
            namespace=names.namespace,
            services=[_k8s_name(s.name) for s in project.services],
        ),
        "deploy/k8s/topics/topics.yaml": render(
            "deploy_topics.yaml.jinja2",
            header=yaml_header,
            namespace=names.namespace,
            cluster=names.kafka_cluster,
            replicas=TOPIC_REPLICAS,
            topics=topics,
        ),
        "deploy/k8s/connect/connectors.yaml": render(
            "deploy_connectors.yaml.jinja2",
            header=yaml_header,
            namespace=names.namespace,
            cluster=names.connect_cluster,
            connectors=[(c, _yaml_block(c.config, 4)) for c in connectors],
        ),
    }
    apps = []
    for service in project.services:
        apps.append(f"{service.name}.yaml")
        files[f"deploy/k8s/apps/{service.name}.yaml"] = render(
            "deploy_service.yaml.jinja2",
            header=header(project.docs.display(service.openapi.path)),
            namespace=names.namespace,
            name=service.name,
            k8s_name=_k8s_name(service.name),
            port=_port(service),
            metrics_port=DEFAULT_METRICS_PORT,
        )
    for service in project.services:
        path = f"deploy/docker/{service.name}/Dockerfile"
        files[path] = render(
            "deploy_dockerfile.jinja2",
            header=header(project.docs.display(service.openapi.path)),
            namespace=names.namespace,
            services_dir=project.config.services.replace(".", "/"),
            generated_dir=project.config.generated,
            framework=project.config.framework,
            version=__version__,
            path=f"{project.config.generated}/{path}",
            name=service.name,
            port=_port(service),
            consumer=any(c.service == service.name for c in consumers),
            sqlserver=production_database(service) == "sqlserver",
        )
    for consumer in consumers:
        apps.append(f"{consumer.name}.yaml")
        files[f"deploy/k8s/apps/{consumer.name}.yaml"] = render(
            "deploy_consumer.yaml.jinja2",
            header=yaml_header,
            namespace=names.namespace,
            consumer=consumer,
            group_env=f"{consumer.service.upper()}_CONSUMER_GROUP",
        )
    apps.append("ingress.yaml")
    files.update(
        compose_files(project, _compose_services(project, consumers), project.config.generated)
    )
    files["deploy/k8s/connect/connect-env.yaml"] = render(
        "deploy_connect_env.yaml.jinja2",
        header=yaml_header,
        namespace=names.namespace,
        cluster=names.connect_cluster,
        env=_connect_env(connectors, names.config_map),
    )
    # apps is a plain kustomization; connect and topics are components an overlay opts into.
    for folder, kind, resources, patches in (
        ("apps", "Kustomization", sorted(apps), []),
        ("connect", "Component", ["connectors.yaml"], ["connect-env.yaml"]),
        ("topics", "Component", ["topics.yaml"], []),
    ):
        files[f"deploy/k8s/{folder}/kustomization.yaml"] = render(
            "deploy_kustomization.yaml.jinja2",
            header=yaml_header,
            kind=kind,
            resources=resources,
            patches=patches,
        )
    return files


def _compose_services(project: Project, consumers: list[Consumer]) -> list[ComposeService]:
    return [
        ComposeService(
            spec=service,
            database=production_database(service),
            port=_port(service),
            publishes=bool(service.asyncapi and service.asyncapi.sent),
            consumes=any(c.service == service.name for c in consumers),
        )
        for service in project.services
    ]


def production_database(service: ServiceSpec) -> str:
    databases = service.asyncapi.databases if service.asyncapi else ("postgresql",)
    return next(d for d in PRODUCTION_DATABASES if d in databases)


def _k8s_name(name: str) -> str:
    """Kubernetes names are DNS labels: no underscores."""
    return name.replace("_", "-")


def _port(service: ServiceSpec) -> int:
    return service.openapi.port or DEFAULT_PORT


def _connector(service: ServiceSpec) -> Connector | None:
    if service.asyncapi is None or not service.asyncapi.sent:
        return None
    database = production_database(service)
    spec = CONNECTORS[database](service.name)
    config = dict(spec["config"])
    connector_class = config.pop("connector.class")
    tasks_max = int(config.pop("tasks.max"))
    return Connector(service.name, spec["name"], database, connector_class, tasks_max, config)


def _consumer(service: ServiceSpec, project: Project) -> Consumer | None:
    if service.asyncapi is None or not service.asyncapi.received:
        return None
    channels = {c.address: c for c, _ in service.asyncapi.received}
    # Partitions are the producer's to declare: read them from the channel that sends.
    partitions = {
        c.address: c.partitions
        for s in project.services
        if s.asyncapi is not None
        for c in s.asyncapi.channels
        if c.address in channels
    }
    counts = [partitions.get(a, channels[a].partitions) for a in channels]
    return Consumer(
        service=service.name,
        name=f"{_k8s_name(service.name)}-consumer",
        group=service.name,
        topics=tuple(sorted(channels)),
        # Partitions are assigned per topic: consumers beyond the widest topic's count sit idle.
        max_replicas=max(counts),
    )


def _topics(
    project: Project, consumers: list[Consumer], connectors: list[Connector]
) -> list[Topic]:
    topics: dict[str, Topic] = {}
    for service in project.services:
        if service.asyncapi is None:
            continue
        sent = {m.name for m in service.asyncapi.sent}
        for channel in service.asyncapi.channels:
            if any(m.name in sent for m in channel.messages):
                topics[channel.address] = Topic(
                    channel.address,
                    channel.partitions,
                    {"cleanup.policy": "delete", "min.insync.replicas": "2"},
                    f"{service.name} events",
                )
    for consumer in consumers:
        for address in consumer.topics:
            name = dead_letter_topic(address)
            topics[name] = Topic(
                name,
                1,
                {"cleanup.policy": "delete", "retention.ms": str(30 * 24 * 3600 * 1000)},
                f"{consumer.name} dead letters",
            )
    for connector in connectors:
        history = connector.config.get("schema.history.internal.kafka.topic")
        if history:
            # Debezium needs its schema history whole, in order: one partition, kept forever.
            topics[history] = Topic(
                history,
                1,
                {"cleanup.policy": "delete", "retention.ms": "-1"},
                f"{connector.name} schema history",
            )
    return [topics[name] for name in sorted(topics)]


def _connect_env(connectors: list[Connector], config_map: str) -> list[tuple[str, str, str, str]]:
    """(variable, source kind, object, key) for each `${env:...}` the connectors name.

    `<SERVICE>_<KEY>` comes from the Secret `<service>-connector`; anything else from the
    ConfigMap `<project>-config` under its own name.
    """
    names = sorted(
        {n for c in connectors for v in c.config.values() for n in ENV_PLACEHOLDER.findall(v)}
    )
    env = []
    for name in names:
        owner = next(
            (c.service for c in connectors if name.startswith(c.service.upper() + "_")), None
        )
        if owner is None:
            env.append((name, "configMapKeyRef", config_map, name))
        else:
            key = name[len(owner) + 1 :]
            env.append((name, "secretKeyRef", f"{_k8s_name(owner)}-connector", key))
    return env


def _platform_json(
    project: Project, topics: list[Topic], consumers: list[Consumer], connectors: list[Connector]
) -> str:
    databases: dict[str, list[str]] = {}
    for service in project.services:
        databases.setdefault(production_database(service), []).append(service.name)
    document = {
        "_generated": f"by contractgen {__version__} from "
        f"{project.docs.display(project.specs_dir)}/; do not edit",
        "consumers": {c.group: {"deployment": c.name, "topics": list(c.topics)} for c in consumers},
        "connectors": {c.name: {"database": c.database, "service": c.service} for c in connectors},
        "databases": {kind: sorted(names) for kind, names in sorted(databases.items())},
        "services": {s.name: {"port": _port(s)} for s in project.services},
        "topics": {
            t.name: {"config": t.config, "partitions": t.partitions, "purpose": t.purpose}
            for t in topics
        },
    }
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


def _yaml_block(value: dict[str, str], indent: int) -> str:
    text = yaml.safe_dump(value, sort_keys=True, default_flow_style=False, width=1000)
    pad = " " * indent
    return "\n".join(pad + line for line in text.rstrip("\n").split("\n"))
