"""Where the stack's parts listen, all on 127.0.0.1.

The defaults lie below 32768 on purpose: Linux hands out 32768-60999 as ephemeral ports for
outgoing connections, so a server port in that range is now and then briefly taken by a client."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Ports:
    # The main cluster; each service that publishes events has its own on the ports after it.
    postgres: int = 15432
    kafka: int = 19092
    controller: int = 19093
    connect: int = 18083
    # Added to each service's contract port (x-port), so that two stacks can run side by side.
    apps_offset: int = 0
    # The schema registry (Apicurio) and its management port (registry + 1); 0: two below
    # Kafka Connect's REST port (18081), so that it moves with the other ports.
    registry: int = 0

    @property
    def registry_port(self) -> int:
        return self.registry or self.connect - 2

    def save(self, state_dir: Path) -> None:
        state_dir.mkdir(parents=True, exist_ok=True)
        (state_dir / "ports.json").write_text(json.dumps(asdict(self), indent=2) + "\n")

    @classmethod
    def saved(cls, state_dir: Path) -> Ports | None:
        """The ports a stack in `state_dir` was started with, if it ever was."""
        try:
            return cls(**json.loads((state_dir / "ports.json").read_text()))
        except (OSError, ValueError, TypeError):
            return None
