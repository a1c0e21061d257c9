"""Ports every service has, shared by the generator (manifests) and the runtime (serving)."""

from __future__ import annotations

DEFAULT_PORT = 8080
"""Where a service listens when its contract names no `info.x-port`."""

DEFAULT_METRICS_PORT = 9100
"""Prometheus metrics in a container: a port of their own, never routed by the Ingress."""
