"""Request ids, JSON logs, trace context and Prometheus metrics for every request; the metrics on a
port of their own (`METRICS_PORT`), never on the app's port that an ingress exposes."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import socket
import sys
from collections.abc import Callable, Iterator

import connexion
import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from contractgen.runtime import observability
from contractgen.runtime.observability import (
    JsonFormatter,
    MetricsListener,
    _new_request_id,
    configure_logging,
    log_access,
)
from tests.conftest import free_port
from tests.runtime.conftest import InMemoryIdeas, bearer

Metered = tuple[TestClient, str]

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


@pytest.fixture
def running(
    build: Callable[..., connexion.AsyncApp], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Metered]]:
    """Start apps as a server does (lifespan included) with METRICS_PORT set: (client, metrics URL)."""
    started: list[TestClient] = []

    def start(**options: object) -> Metered:
        port = free_port()
        monkeypatch.setenv("METRICS_PORT", str(port))
        client: TestClient = build(**options).test_client()
        client.__enter__()
        started.append(client)
        return client, f"http://127.0.0.1:{port}/metrics"

    yield start
    for client in started:
        client.__exit__(None, None, None)


@pytest.fixture
def metered(running: Callable[..., Metered]) -> Metered:
    return running()


def requests_total(metrics_url: str) -> dict[tuple[str, str, str, str], float]:
    response = httpx.get(metrics_url)
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


def test_request_ids_made_here_differ_between_requests_and_processes(client: TestClient) -> None:
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(50)}
    assert len(ids) == 50
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # a forked worker draws a prefix of its own
        os.write(writer, _new_request_id().encode("ascii"))
        os._exit(0)
    os.waitpid(child, 0)
    in_child = os.read(reader, 64).decode("ascii")
    os.close(reader)
    os.close(writer)
    assert re.fullmatch(r"[0-9a-f]{32}", in_child)
    assert in_child[:16] not in {one[:16] for one in ids}


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


def test_metrics_count_requests_by_route_template(metered: Metered) -> None:
    client, metrics = metered
    client.get(IDEAS, headers=bearer())
    client.get("/organizations/2/ideas", headers=bearer([2]))
    client.get(IDEAS)
    client.get("/nowhere/at/all")
    counts = requests_total(metrics)
    assert counts[("idea", "GET", TEMPLATE, "200")] == 2
    assert counts[("idea", "GET", TEMPLATE, "401")] == 1
    assert counts[("idea", "GET", "unmatched", "404")] == 1
    assert not any("/organizations/1" in key[2] for key in counts)
    # Scrapes are not requests of the service.
    assert requests_total(metrics) == counts


def test_latency_histogram_has_the_same_labels(metered: Metered) -> None:
    client, metrics = metered
    client.get("/healthz")
    text = httpx.get(metrics).text
    assert (
        'http_request_duration_seconds_count{method="GET",route="/healthz",service="idea",status="200"} 1.0'
        in text
    )


def test_odd_methods_do_not_become_label_values(metered: Metered) -> None:
    client, metrics = metered
    client.request("BREW", "/healthz")
    assert requests_total(metrics) == {("idea", "OTHER", "unmatched", "405"): 1}


def test_each_app_has_its_own_registry_and_service_name(
    running: Callable[..., Metered],
) -> None:
    first, first_metrics = running()
    second, second_metrics = running(service_name="ideas-eu")
    first.get("/healthz")
    assert requests_total(first_metrics)[("idea", "GET", "/healthz", "200")] == 1
    assert requests_total(second_metrics) == {}
    second.get("/healthz")
    assert requests_total(second_metrics)[("ideas-eu", "GET", "/healthz", "200")] == 1


@pytest.mark.parametrize("configured", [False, True])
def test_the_apps_own_port_serves_no_metrics(
    running: Callable[..., Metered], client: TestClient, configured: bool
) -> None:
    """What an ingress routes to the app must not show its metrics, configured or not."""
    app_client = running()[0] if configured else client
    app_client.get("/healthz")
    response = app_client.get("/metrics")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


def test_the_metrics_listener_lives_and_dies_with_the_app(
    build: Callable[..., connexion.AsyncApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    monkeypatch.setenv("METRICS_PORT", str(port))
    with build().test_client():
        assert httpx.get(f"http://127.0.0.1:{port}/metrics").status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2)


def test_a_taken_metrics_port_is_logged_and_the_app_serves_anyway(
    build: Callable[..., connexion.AsyncApp],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setenv("METRICS_PORT", str(taken.getsockname()[1]))
        with build().test_client() as client:
            assert client.get("/healthz").status_code == 200
    assert "metrics not served" in caplog.text


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"METRICS_PORT": ""}, None),
        ({"METRICS_PORT": "9100"}, MetricsListener("127.0.0.1", 9100)),  # loopback by default
        ({"METRICS_PORT": "9100", "METRICS_HOST": "0.0.0.0"}, MetricsListener("0.0.0.0", 9100)),
    ],
)
def test_the_listener_from_the_environment(
    environ: dict[str, str], expected: MetricsListener | None
) -> None:
    assert MetricsListener.from_env(environ) == expected


@pytest.mark.parametrize("port", ["http", "-1", "0", "70000"])
def test_a_bad_metrics_port_is_refused(port: str) -> None:
    with pytest.raises(ValueError, match="METRICS_PORT"):
        MetricsListener.from_env({"METRICS_PORT": port})


@pytest.mark.parametrize(("value", "status"), [(None, 200), ("true", 200), ("false", 404)])
def test_swagger_ui_can_be_switched_off_by_the_environment(
    handlers: InMemoryIdeas, monkeypatch: pytest.MonkeyPatch, value: str | None, status: int
) -> None:
    from generated.idea.app import create_app

    if value is None:
        monkeypatch.delenv("SWAGGER_UI", raising=False)
    else:
        monkeypatch.setenv("SWAGGER_UI", value)
    client = create_app(handlers).test_client()
    assert client.get("/ui/").status_code == status


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


def test_the_access_line_written_directly_is_the_records_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through `configure_logging`'s handler the access line skips the LogRecord; the line is
    the one the record would give. Any other set-up (here a filter) gets the record."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    fields: dict[str, object] = {
        "service": "idea",
        "status": 201,
        "path": '/a"b',
        "request_id": "r1",
    }
    moment = 1_780_000_000.9995
    monkeypatch.setattr(observability, "time", lambda: moment)
    try:
        configure_logging("INFO")
        assert observability._access_handler() is root.handlers[0]
        log_access(fields)
        direct = capsys.readouterr().err.splitlines()
        observability.access_log.addFilter(lambda record: True)
        try:
            assert observability._access_handler() is None
            log_access(fields)
        finally:
            observability.access_log.filters.clear()
        through_logging = capsys.readouterr().err.splitlines()
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        logging.getLogger("uvicorn.access").disabled = False
    record = observability.access_log.makeRecord(
        "contractgen.access", logging.INFO, "", 0, "request", (), None, extra=fields
    )
    record.created = moment
    assert direct == [JsonFormatter().format(record)]
    assert [json.loads(line) | {"time": ""} for line in through_logging] == [
        json.loads(direct[0]) | {"time": ""}
    ]
