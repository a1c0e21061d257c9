"""The embedded stack on the benchmark's own ports and state folder, always brought down again."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.procs import PORT_SHIFT, ROOT
from contractgen.spec.project import load_project
from contractgen.stack.ports import Ports
from contractgen.stack.stack import Stack

# Away from the defaults (`make up`) and the test suite's stack, and below Linux's ephemeral
# range (32768-60999), where a client's outgoing connection can briefly hold a port.
PORTS = Ports(
    postgres=21432 + PORT_SHIFT,
    kafka=21092 + PORT_SHIFT,
    controller=21093 + PORT_SHIFT,
    connect=21083 + PORT_SHIFT,
    apps_offset=13000 + PORT_SHIFT,
)


@contextmanager
def benchmark_stack(state: Path, say: Callable[[str], None]) -> Iterator[Stack]:
    """A fresh stack (its folder wiped first: no backlog or rows from an earlier run), with the
    services, connectors and the activity consumer running."""
    stack = Stack(state / "stack", load_project(ROOT / "specs"), PORTS, say=say, root=ROOT)
    stack.down()  # whatever an interrupted run left behind (only this folder's own processes)
    shutil.rmtree(stack.state_dir, ignore_errors=True)
    try:
        stack.up(apps=True)
        yield stack
    finally:
        stack.down()
