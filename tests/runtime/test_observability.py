"""Request ids, JSON logs, trace context and Prometheus metrics for every request."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Callable, Iterator

import connexion
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from contractgen.runtime.observability import JsonFormatter, configure_logging
from tests.runtime.conftest import InMemoryIdeas, bearer

IDEAS = "/organizations/1/ideas"
TEMPLATE = "/organizations/{organizationId}/ideas"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Log records as the JSON formatter writes them, formatted while the request runs."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def access_lines(stream: io.StringIO) -> list[dict[str, object]]:
    entries = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [entry for entry in entries if entry["logger"] == "contractgen.access"]


def requests_total(client: TestClient) -> dict[tuple[str, str, str, str], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.labels["service"], s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
        if s.name == "http_requests_total"
    }


def test_a_sane_request_id_is_echoed(client: TestClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "req-1.A_b"})
    assert response.headers["X-Request-ID"] == "req-1.A_b"


@pytest.mark.parametrize("incoming", [None, "", "has spaces", "x" * 129, "a/b", "é".encode()])
def test_a_missing_or_odd_request_id_is_replaced(
    client: TestClient, incoming: str | bytes | None
) -> None:
    headers = {} if incoming is None else {"X-Request-ID": incoming}
    response = client.get("/healthz", headers=headers)
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-ID"])


def test_problem_responses_carry_the_request_id(client: TestClient) -> None:
    response = client.get(IDEAS, headers={"X-Request-ID": "r401"})
    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == "r401"
    assert (
        client.get("/nowhere", headers={"X-Request-ID": "r404"}).headers["X-Request-ID"] == "r404"
    )


def test_one_json_access_line_per_request(client: TestClient, json_lines: io.StringIO) -> None:
    client.get(IDEAS, headers={**bearer(), "X-Request-ID": "log-1"})
    [line] = access_lines(json_lines)
    assert line["service"] == "idea"
    assert line["method"] == "GET"
    assert line["path"] == IDEAS
    assert line["route"] == TEMPLATE
    assert line["status"] == 200
    assert line["request_id"] == "log-1"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0


def test_logs_written_during_a_request_carry_its_id(
    client: TestClient, json_lines: io.StringIO
) -> None:
    client.get("/healthz", headers={"X-Request-ID": "inner-1"})
    entries = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    [entry] = [entry for entry in entries if entry["message"] == "healthy"]
    assert entry["request_id"] == "inner-1"
    assert entry["probe"] == "live"
    assert entry["level"] == "INFO"


def test_the_traceparent_reaches_the_handler(client: TestClient, handlers: InMemoryIdeas) -> None:
    traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    client.get("/healthz", headers={"traceparent": traceparent})
    client.get("/healthz")
    assert handlers.traceparents[0] == traceparent
    started = handlers.traceparents[1]
    assert started is not None and started != traceparent
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-01", started)


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    client.get(IDEAS, headers=bearer())
    client.get("/organizations/2/ideas", headers=bearer([2]))
    client.get(IDEAS)
    client.get("/nowhere/at/all")
    counts = requests_total(client)
    assert counts[("idea", "GET", TEMPLATE, "200")] == 2
    assert counts[("idea", "GET", TEMPLATE, "401")] == 1
    assert counts[("idea", "GET", "unmatched", "404")] == 1
    assert not any("/organizations/1" in key[2] for key in counts)
    # Scrapes are not requests of the service.
    assert not any(key[2] == "/metrics" for key in requests_total(client))


def test_latency_histogram_has_the_same_labels(client: TestClient) -> None:
    client.get("/healthz")
    text = client.get("/metrics").text
    assert (
        'http_request_duration_seconds_count{method="GET",route="/healthz",service="idea",status="200"} 1.0'
        in text
    )


def test_odd_methods_do_not_become_label_values(client: TestClient) -> None:
    client.request("BREW", "/healthz")
    assert requests_total(client) == {("idea", "OTHER", "unmatched", "405"): 1}


def test_each_app_has_its_own_registry_and_service_name(
    build: Callable[..., connexion.AsyncApp],
) -> None:
    first = build().test_client()
    second = build(service_name="ideas-eu").test_client()
    first.get("/healthz")
    assert requests_total(first)[("idea", "GET", "/healthz", "200")] == 1
    assert requests_total(second) == {}
    second.get("/healthz")
    assert requests_total(second)[("ideas-eu", "GET", "/healthz", "200")] == 1


def test_metrics_are_not_in_the_contract(client: TestClient) -> None:
    assert "/metrics" not in client.get("/openapi.json").json()["paths"]


def test_configure_logging_writes_json_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    access = logging.getLogger("uvicorn.access")
    try:
        configure_logging("DEBUG")
        assert root.level == logging.DEBUG
        logging.getLogger("services.test").info("hello %s", "world", extra={"answer": 42})
        entry = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
        assert entry["message"] == "hello world"
        assert entry["answer"] == 42
        assert entry["logger"] == "services.test"
        assert "request_id" not in entry
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        access.disabled = False


def test_exceptions_are_logged_as_one_json_object() -> None:
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.makeLogRecord({"msg": "failed", "levelname": "ERROR"})
        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: boom" in entry["exc_info"]
