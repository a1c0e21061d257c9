"""Register the generated Debezium connectors on Kafka Connect (compose's one-shot job).

`python -m contractgen.deploy.connectors GENERATED_DIR CONNECT_URL`: PUT /connectors/{name}/config for each
connector generated/deploy/platform.json names (one per service: its production database).
PUT creates or updates, so running it again is safe.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import httpx

# The local SQL Server container serves a self-signed certificate.
LOCAL_OVERRIDES = {"sqlserver": {"database.trustServerCertificate": "true"}}


def main(generated: str, connect_url: str) -> None:
    root = Path(generated)
    platform = json.loads((root / "deploy" / "platform.json").read_text(encoding="utf-8"))
    _wait(connect_url)
    for name, spec in sorted(platform["connectors"].items()):
        path = root / spec["service"] / "connect" / f"{name}.json"
        config = json.loads(path.read_text(encoding="utf-8"))["config"]
        config.update(LOCAL_OVERRIDES.get(spec["database"], {}))
        response = httpx.put(f"{connect_url}/connectors/{name}/config", json=config, timeout=30)
        response.raise_for_status()
        print(f"registered {name}")


def _wait(connect_url: str, timeout: float = 180.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(f"{connect_url}/connectors", timeout=5).raise_for_status()
            return
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                raise
            time.sleep(2)


if __name__ == "__main__":
    main(*sys.argv[1:])
