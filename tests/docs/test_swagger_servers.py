"""Each service's Swagger UI offers a real server (the address it was loaded from) instead of
Connexion's empty one, and routing stays at `/`."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
import yaml
from playwright.sync_api import sync_playwright

from contractgen.runtime import app as runtime
from generated.idea.app import SPEC
from generated.idea.handlers import OPERATIONS, IdeaHandlers
from tests.conftest import free_port
from tests.docs.browser import Guard, launch
from tests.runtime.conftest import VERIFIER, InMemoryIdeas


def build(spec: Path = SPEC) -> object:
    return runtime.create_app(
        spec=spec,
        handlers=InMemoryIdeas(),
        interface=IdeaHandlers,
        operations=OPERATIONS,
        verify_token=VERIFIER,
    )


def test_openapi_json_lists_this_server_first_and_routes_stay_at_root() -> None:
    client = build().test_client()  # type: ignore[attr-defined]
    spec = client.get("/openapi.json").json()
    assert spec["servers"] == [
        {"url": "http://testserver", "description": "this server (where this page came from)"}
    ]
    assert client.get("/healthz").status_code == 200
    assert client.get("/ui/").status_code == 200


def test_servers_the_contract_declares_follow(tmp_path: Path) -> None:
    document = yaml.safe_load(SPEC.read_text())
    document["servers"] = [{"url": "https://ideas.example.com", "description": "production"}]
    spec = tmp_path / "openapi.yaml"
    spec.write_text(yaml.safe_dump(document))
    client = build(spec).test_client()  # type: ignore[attr-defined]
    servers = client.get("/openapi.json").json()["servers"]
    assert [s["url"] for s in servers] == ["http://testserver", "https://ideas.example.com"]
    assert client.get("/healthz").status_code == 200  # a host-only URL keeps the base path `/`


@pytest.fixture
def served() -> Iterator[str]:
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(build(), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.browser
def test_swagger_ui_shows_the_server_in_a_real_browser(served: str) -> None:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = browser.new_context()
        guard = Guard(allowed=(served + "/",))
        guard.attach(context)
        page = context.new_page()
        guard.watch(page)
        page.goto(served + "/ui/")
        options = page.locator(".servers select option")
        options.first.wait_for(state="attached", timeout=20_000)
        assert options.all_inner_texts() == [f"{served} - this server (where this page came from)"]
        browser.close()
    assert guard.outside == [] and guard.errors == []
