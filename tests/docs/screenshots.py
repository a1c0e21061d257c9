"""Screenshots of the platform's portal for the README: the index, one message page and the
system map, taken in headless Chromium with the network cut off.

    python -m tests.docs.screenshots docs/screenshots
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from contractgen.docs.cli import build_portal
from tests.docs.browser import Guard, launch

REPO = Path(__file__).resolve().parents[2]
SHOTS = {
    "index.png": "index.html",
    "message.png": "message-microservicesapp.idea.events.IdeaCreated.html",
    "map.png": "map.html",
}


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        site = Path(folder) / "docs-site"
        build_portal(REPO / "specs", site, title="microservicesapp")
        browser = launch(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 860})
        guard = Guard(allowed=(site.as_uri(),))
        guard.attach(context)
        page = context.new_page()
        guard.watch(page)
        for name, page_file in SHOTS.items():
            page.goto((site / page_file).as_uri())
            page.screenshot(path=str(target / name))
            print(f"wrote {target / name}")
        browser.close()
        if guard.outside or guard.errors:
            sys.exit(f"the portal misbehaved: {guard.outside + guard.errors}")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots"))
