"""The platform's portal in a real browser (Debian's headless Chromium), network cut off: every
page opens from the file system and from a static server, shows every service, channel, message
and Avro field of the contracts, every internal link and anchor resolves, nothing is fetched from
outside, no console errors; and the index filters as one types."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urldefrag, urljoin

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from contractgen.docs.avro import fields
from contractgen.docs.model import page_name
from contractgen.spec.project import Project, load_project
from tests.docs.browser import Guard, launch, static_server
from tests.generator.helpers import REPO, contractgen

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(REPO / "specs")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("portal") / "docs-site"
    run = contractgen("docs", "--specs", REPO / "specs", "--out", out)
    assert run.exit_code == 0, run.stderr
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module", params=["file", "http"])
def base_url(request: pytest.FixtureRequest, site: Path) -> Iterator[str]:
    if request.param == "file":
        yield site.as_uri() + "/"
    else:
        with static_server(site) as url:
            yield url


def crawl(page: Page, start: str, base: str) -> set[str]:
    """Every page reachable from `start` by links under `base`; fails on a page that does not
    load or a link to an anchor its page lacks. Returns the visited URLs."""
    queue, ids, anchors = [start], {}, []
    while queue:
        url = queue.pop()
        if url in ids:
            continue
        response = page.goto(url)
        assert response is None or response.ok, f"{url}: HTTP {response.status}"
        ids[url] = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
        hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        for href in hrefs:
            target = urljoin(url, href)
            assert target.startswith(base), f"{url} links outside the portal: {href}"
            document, fragment = urldefrag(target)
            assert document.endswith((".html", ".svg")), f"{url}: unexpected link {href}"
            queue.append(document)
            if fragment:
                anchors.append((url, document, fragment))
    for source, document, fragment in anchors:
        assert fragment in ids[document], f"{source}: {document}#{fragment} has no such anchor"
    return set(ids)


def test_every_page_link_and_anchor_resolves_offline(
    browser: Browser, base_url: str, site: Path
) -> None:
    context = browser.new_context()
    guard = Guard(allowed=(base_url,))
    guard.attach(context)
    page = context.new_page()
    guard.watch(page)
    visited = crawl(page, base_url + "index.html", base_url)
    context.close()
    on_disk = {base_url + p.name for p in [*site.glob("*.html"), *site.glob("*.svg")]}
    assert set(visited) == on_disk, "every page is reachable from the index"
    assert guard.outside == [], "nothing is fetched from outside"
    assert guard.errors == []


def test_every_service_channel_message_and_field_is_shown(
    browser: Browser, base_url: str, project: Project
) -> None:
    context = browser.new_context()
    guard = Guard(allowed=(base_url,))
    guard.attach(context)
    page = context.new_page()
    guard.watch(page)
    page.goto(base_url + "index.html")
    index = page.inner_text("main")
    messages = {}
    for service in project.services:
        assert service.name in index
        page.goto(base_url + page_name("service", service.name))
        for operation in service.openapi.operations:
            section = page.locator(f"#op-{operation.operation_id}")
            assert section.is_visible(), operation.operation_id
            assert operation.path in section.inner_text()
            for emitted in operation.emits:
                assert section.locator(".emits a", has_text=emitted).count() == 1
        for channel in service.asyncapi.channels if service.asyncapi else ():
            for message in channel.messages:
                messages[message.full_name] = message
    for channel_address in sorted(
        {c.address for s in project.services if s.asyncapi for c in s.asyncapi.channels}
    ):
        assert channel_address in index
        page.goto(base_url + page_name("channel", channel_address))
        assert page.locator("h1").is_visible()
        assert channel_address in page.inner_text("table.facts")
    assert len(messages) == 7
    for full_name, message in sorted(messages.items()):
        page.goto(base_url + page_name("message", full_name))
        assert message.name in page.inner_text("h1")
        for avro_field in fields(message.avro):
            row = page.locator(f"#field-{avro_field.name}")
            assert row.is_visible(), f"{full_name}.{avro_field.name}"
            assert avro_field.type_label in row.inner_text()
        if "createdOn" in {f.name for f in fields(message.avro)}:
            assert "timestamp (ms since epoch, UTC)" in page.inner_text("table.fields")
        assert page.locator("pre.json").first.is_visible()  # the example
    context.close()
    assert guard.outside == [] and guard.errors == []


def test_the_index_filters_as_one_types(browser: Browser, base_url: str) -> None:
    page = browser.new_page()
    page.goto(base_url + "index.html")
    rows = page.locator("tr[data-entry]")
    total = rows.count()
    assert total == 3 + 2 + 7

    def visible() -> list[str]:
        return [
            rows.nth(i).get_attribute("data-entry") or ""
            for i in range(total)
            if rows.nth(i).is_visible()
        ]

    page.fill("#search", "createdOn")  # a field name finds the messages that have it
    assert visible() == [
        page_name("message", "microservicesapp.idea.events.IdeaCreated"),
        page_name("message", "microservicesapp.organization.events.OrganizationCreated"),
    ]
    page.fill("#search", "idea updated")
    assert page_name("message", "microservicesapp.idea.events.IdeaUpdated") in visible()
    assert page_name("service", "organization") not in visible()
    page.fill("#search", "no such thing at all")
    assert visible() == [] and page.locator("#no-match").is_visible()
    page.fill("#search", "")
    assert len(visible()) == total and not page.locator("#no-match").is_visible()
    page.goto(base_url + "index.html?q=activity")
    assert page.input_value("#search") == "activity"
    assert page_name("service", "activity") in visible()
    assert "shown" in page.inner_text("#search-count")
    page.close()


def test_the_system_map_draws_every_producer_topic_and_consumer(
    browser: Browser, base_url: str, project: Project
) -> None:
    page = browser.new_page()
    page.goto(base_url + "map.html")
    svg = page.locator("svg.system-map")
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 100
    links = page.eval_on_selector_all("svg a", "els => els.map(e => e.getAttribute('href'))")
    for service in project.services:
        assert page_name("service", service.name) in links
    assert page.locator("svg path.edge").count() == 4  # idea, organization -> topics -> activity
    page.close()


def test_the_guard_catches_outside_requests_and_console_errors(
    browser: Browser, tmp_path: Path
) -> None:
    """The checks above can fail: a page that loads from a CDN and logs an error is caught."""
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<!doctype html><link rel="stylesheet" href="https://cdn.example.com/x.css">'
        "<script>console.error('boom')</script>"
    )
    context = browser.new_context()
    guard = Guard(allowed=(tmp_path.as_uri(),))
    guard.attach(context)
    page = context.new_page()
    guard.watch(page)
    page.goto(bad.as_uri())
    context.close()
    assert guard.outside == ["https://cdn.example.com/x.css"]
    assert "console: boom" in guard.errors
