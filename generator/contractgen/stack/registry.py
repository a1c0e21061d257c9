"""Apicurio Registry in the embedded stack: a Confluent-compatible schema registry without Docker.

Apicurio is on Maven Central as a Quarkus application folder (Confluent's registry is not; Karapace
needs Docker or a source build). It needs Java 21+, so it runs on its own JDK, not Kafka's 17.
Its Confluent-compatible API lies under `/apis/ccompat/v7`: that URL is what services get as
SCHEMA_REGISTRY_URL, and what any Kafka Avro serializer can be pointed at."""

from __future__ import annotations

import fcntl
import os
import shutil
import tarfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from contractgen.stack.artifacts import StackError, _mvn, cache_dir, require
from contractgen.stack.processes import ManagedProcess

APICURIO_VERSION = "3.3.3"
CCOMPAT_PATH = "/apis/ccompat/v7"
DATABASE = "schema_registry"
# Apicurio 3 needs Java 21+; the Temurin path first, then whatever JDKs the machine has.
JAVA_HOMES = (
    "/usr/lib/jvm/temurin-25-jdk-amd64",
    "/usr/lib/jvm/temurin-21-jdk-amd64",
    "/usr/lib/jvm/java-25-openjdk-amd64",
    "/usr/lib/jvm/java-21-openjdk-amd64",
)


def registry_url(port: int) -> str:
    """The Confluent-compatible base URL of the stack's registry."""
    return f"http://127.0.0.1:{port}{CCOMPAT_PATH}"


def ensure_apicurio(say: Callable[[str], None]) -> Path:
    """The unpacked application folder (holding quarkus-run.jar), fetched on the first run only."""
    root = cache_dir() / f"apicurio-registry-{APICURIO_VERSION}"
    if (root / ".complete").is_file():
        return root / "app"
    root.parent.mkdir(parents=True, exist_ok=True)
    with (root.parent / f"{root.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two stacks starting at once fetch once
        if not (root / ".complete").is_file():
            _fetch(root, say)
    return root / "app"


def _fetch(root: Path, say: Callable[[str], None]) -> None:
    mvn = require("mvn", "install Maven (`apt-get install -y maven`)")
    say(
        f"fetching Apicurio Registry {APICURIO_VERSION} from Maven Central (first run only, ~160 MB)"
    )
    shutil.rmtree(root, ignore_errors=True)
    work = root / "work"
    work.mkdir(parents=True)
    (work / "pom.xml").write_text(
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
        "<groupId>local.contractgen</groupId><artifactId>registry</artifactId><version>1</version>"
        "<packaging>pom</packaging></project>\n",
        encoding="utf-8",
    )
    _mvn(
        mvn,
        work,
        "dependency:copy",
        f"-Dartifact=io.apicurio:apicurio-registry-app:{APICURIO_VERSION}:tar.gz:all",
        f"-DoutputDirectory={work / 'archives'}",
    )
    (archive,) = (work / "archives").glob("*.tar.gz")
    unpacked = work / "unpacked"
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    runner = next(unpacked.rglob("quarkus-run.jar"), None)
    if runner is None:
        raise StackError(f"the Apicurio archive {archive.name} holds no quarkus-run.jar")
    os.replace(runner.parent, root / "app")
    shutil.rmtree(work)
    (root / ".complete").write_text(f"apicurio-registry {APICURIO_VERSION}\n", encoding="utf-8")


def java21() -> str:
    for home in (os.environ.get("CONTRACTGEN_JAVA21_HOME", ""), *JAVA_HOMES):
        if home and (Path(home) / "bin" / "java").is_file():
            return str(Path(home) / "bin" / "java")
    raise StackError(
        "Apicurio Registry needs Java 21 or newer: install one (e.g. Temurin 25) and set "
        "CONTRACTGEN_JAVA21_HOME to its folder"
    )


def start_registry(
    process: ManagedProcess, app: Path, port: int, database: tuple[str, str, str] | None
) -> None:
    """Bound to 127.0.0.1 only, management port included (it would take 0.0.0.0:9000 else).

    With `database` (JDBC URL, user, password) its data lives in PostgreSQL and survives
    restarts; without, in Apicurio's in-memory H2 default."""
    options = [
        "-Xms128m",
        "-Xmx384m",
        "-XX:TieredStopAtLevel=1",  # C1 only: faster start-up, plenty for a local stack
        "-Dquarkus.http.host=127.0.0.1",
        f"-Dquarkus.http.port={port}",
        "-Dquarkus.management.host=127.0.0.1",
        f"-Dquarkus.management.port={port + 1}",
        "-Dquarkus.log.level=WARN",
        '-Dquarkus.log.category.\\"io.apicurio\\".level=INFO',
    ]
    if database is not None:
        url, user, password = database
        options += [
            "-Dapicurio.storage.kind=sql",
            "-Dapicurio.storage.sql.kind=postgresql",
            f"-Dapicurio.datasource.url={url}",
            f"-Dapicurio.datasource.username={user}",
            f"-Dapicurio.datasource.password={password}",
            # Its defaults keep 20 connections open: too many for the stack's small PostgreSQL.
            "-Dapicurio.datasource.jdbc.initial-size=2",
            "-Dapicurio.datasource.jdbc.min-size=2",
            "-Dapicurio.datasource.jdbc.max-size=10",
        ]
    process.start([java21(), *options, "-jar", str(app / "quarkus-run.jar")])


def wait_for_registry(process: ManagedProcess, port: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (status := process.exit_code()) is not None:
            raise StackError(
                f"Apicurio Registry exited (status {status}) while starting; the end of "
                f"{process.log_file}:\n{process.log_tail()}"
            )
        try:
            if httpx.get(f"{registry_url(port)}/subjects", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise StackError(
        f"Apicurio Registry did not answer within {timeout:.0f} s; the end of "
        f"{process.log_file}:\n{process.log_tail()}"
    )
