"""Operational endpoints stay inside the cluster: the Ingress routes only each API's `http` port,
metrics are served on a `metrics` port that only the monitoring namespace may reach, and prod
switches the Swagger UI off."""

from __future__ import annotations

from typing import Any

import pytest

from tests.deploy.tools import OVERLAYS

Resources = dict[str, list[dict[str, Any]]]


def of_kind(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [r for r in resources if r["kind"] == kind]


def apis(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [
        r
        for r in of_kind(resources, kind)
        if r["metadata"]["labels"].get("app.kubernetes.io/component") == "api"
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_ingress_routes_only_http_ports(overlay: str, rendered: Resources) -> None:
    [ingress] = of_kind(rendered[overlay], "Ingress")
    ports = [
        path["backend"]["service"]["port"]
        for rule in ingress["spec"]["rules"]
        for path in rule["http"]["paths"]
    ]
    assert ports and all(port == {"name": "http"} for port in ports)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_api_serves_metrics_on_a_port_of_its_own(overlay: str, rendered: Resources) -> None:
    services = {s["metadata"]["name"]: s for s in apis(rendered[overlay], "Service")}
    deployments = apis(rendered[overlay], "Deployment")
    assert len(deployments) == 3
    for deployment in deployments:
        [container] = deployment["spec"]["template"]["spec"]["containers"]
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        env = {e["name"]: e.get("value") for e in container["env"]}
        assert env["METRICS_PORT"] == str(ports["metrics"]) and env["METRICS_HOST"] == "0.0.0.0"
        assert ports["metrics"] != ports["http"]
        service = services[deployment["metadata"]["name"]]
        by_name = {p["name"]: p["targetPort"] for p in service["spec"]["ports"]}
        assert by_name == {"http": "http", "metrics": "metrics"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_only_the_monitoring_namespace_may_scrape(overlay: str, rendered: Resources) -> None:
    policies = of_kind(rendered[overlay], "NetworkPolicy")
    admitted: dict[str, list[str]] = {}
    for policy in policies:
        if (
            policy["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/component")
            != "api"
        ):
            continue
        for rule in policy["spec"].get("ingress", []):
            sources = [
                peer["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"]
                for peer in rule["from"]
            ]
            for port in rule["ports"]:
                admitted.setdefault(str(port["port"]), []).extend(sources)
    assert admitted == {"http": ["ingress-nginx"], "metrics": ["monitoring"]}
    [deny] = [p for p in policies if p["metadata"]["name"] == "default-deny-ingress"]
    assert deny["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}


def test_prod_switches_the_swagger_ui_off_and_dev_keeps_it(rendered: Resources) -> None:
    def config(overlay: str) -> dict[str, str]:
        [config_map] = [
            c
            for c in of_kind(rendered[overlay], "ConfigMap")
            if c["metadata"]["name"] == "microservicesapp-config"
        ]
        data: dict[str, str] = config_map["data"]
        return data

    assert config("prod")["SWAGGER_UI"] == "false"
    assert "SWAGGER_UI" not in config("dev")
