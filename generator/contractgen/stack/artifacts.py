"""Kafka, Kafka Connect and Debezium from Maven Central, fetched once into a cache outside git."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

KAFKA_VERSION = "4.4.0"
DEBEZIUM_VERSION = "3.6.1.Final"
# Kafka 4.4 logs through SLF4J 1.7: the matching Log4j2 binding is log4j-slf4j-impl.
LOG4J_VERSION = "2.24.3"
DEBEZIUM_PLUGINS = ("postgres",)


class StackError(RuntimeError):
    """A part of the stack cannot be set up or started; the message says what to do."""


@dataclass(frozen=True)
class Artifacts:
    lib: Path
    """One classpath for the broker and the Connect worker, as Kafka's own distribution has."""
    plugins: Path
    """Kafka Connect's plugin.path, with one folder per Debezium connector."""


def cache_dir() -> Path:
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "contractgen"
    return Path(os.environ.get("CONTRACTGEN_CACHE", default))


def require(tool: str, hint: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise StackError(f"`{tool}` is not installed: {hint}")
    return path


def _pom() -> str:
    kafka = [
        ("org.apache.kafka", name, KAFKA_VERSION)
        for name in ("kafka_2.13", "connect-runtime", "connect-json", "connect-transforms")
    ]
    dependencies = [*kafka, ("org.apache.logging.log4j", "log4j-slf4j-impl", LOG4J_VERSION)]
    entries = "\n".join(
        f"    <dependency><groupId>{g}</groupId><artifactId>{a}</artifactId><version>{v}</version></dependency>"
        for g, a, v in dependencies
    )
    return f"""<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.contractgen</groupId><artifactId>stack</artifactId><version>1</version>
  <packaging>pom</packaging>
  <dependencies>
{entries}
  </dependencies>
</project>
"""


def _mvn(mvn: str, cwd: Path, *goal: str) -> None:
    result = subprocess.run(
        [mvn, "-q", "-B", *goal], cwd=cwd, capture_output=True, text=True, check=False, timeout=900
    )
    if result.returncode != 0:
        detail = (result.stdout + result.stderr).strip().splitlines()[-15:]
        raise StackError("Maven could not fetch the stack's jars:\n  " + "\n  ".join(detail))


def ensure_artifacts(say: Callable[[str], None]) -> Artifacts:
    """The jars and plugins, downloading them on the first run only (a marker records success)."""
    root = cache_dir() / f"kafka-{KAFKA_VERSION}-debezium-{DEBEZIUM_VERSION}"
    artifacts = Artifacts(root / "lib", root / "plugins")
    if (root / ".complete").is_file():
        return artifacts
    root.parent.mkdir(parents=True, exist_ok=True)
    with (root.parent / f"{root.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two stacks starting at once fetch once
        if not (root / ".complete").is_file():
            _fetch(root, say)
    return artifacts


def _fetch(root: Path, say: Callable[[str], None]) -> None:
    artifacts = Artifacts(root / "lib", root / "plugins")
    require("java", "install a JDK 17 (`apt-get install -y openjdk-17-jre-headless`)")
    mvn = require("mvn", "install Maven (`apt-get install -y maven`)")
    say(
        f"fetching Kafka {KAFKA_VERSION} and Debezium {DEBEZIUM_VERSION} from Maven Central (first run only)"
    )
    work = root / "work"
    shutil.rmtree(root, ignore_errors=True)
    work.mkdir(parents=True)
    (work / "pom.xml").write_text(_pom(), encoding="utf-8")
    _mvn(
        mvn,
        work,
        "dependency:copy-dependencies",
        "-DincludeScope=runtime",
        f"-DoutputDirectory={work / 'lib'}",
    )
    for plugin in DEBEZIUM_PLUGINS:
        coordinates = f"io.debezium:debezium-connector-{plugin}:{DEBEZIUM_VERSION}:tar.gz:plugin"
        _mvn(
            mvn,
            work,
            "dependency:copy",
            f"-Dartifact={coordinates}",
            f"-DoutputDirectory={work / 'archives'}",
        )
    plugins = work / "plugins"
    for archive in sorted((work / "archives").glob("*.tar.gz")):
        with tarfile.open(archive) as tar:
            members = [m for m in tar.getmembers() if "PaxHeaders" not in m.name]
            tar.extractall(plugins, members=members, filter="data")
    os.replace(work / "lib", artifacts.lib)
    os.replace(plugins, artifacts.plugins)
    shutil.rmtree(work)
    (root / ".complete").write_text(
        f"kafka {KAFKA_VERSION}\ndebezium {DEBEZIUM_VERSION}\n", encoding="utf-8"
    )
