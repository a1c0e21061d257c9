"""Running Kafka's JVM processes from the cached classpath, with our own Log4j2 settings."""

from __future__ import annotations

from pathlib import Path

from contractgen.stack.artifacts import Artifacts, require
from contractgen.stack.processes import ManagedProcess

LOG4J2 = """\
status = warn
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = %d{ISO8601} %-5p [%c{1}] %m%n
rootLogger.level = INFO
rootLogger.appenderRef.stdout.ref = STDOUT
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.kafkaapache.name = org.apache.kafka
logger.kafkaapache.level = WARN
logger.connect.name = org.apache.kafka.connect.runtime.Worker
logger.connect.level = INFO
logger.reflections.name = org.reflections
logger.reflections.level = ERROR
logger.debezium.name = io.debezium
logger.debezium.level = INFO
"""


def java_command(
    process: ManagedProcess, artifacts: Artifacts, main_class: str, *args: str, heap: str = "512m"
) -> list[str]:
    java = require("java", "install a JDK 17 (`apt-get install -y openjdk-17-jre-headless`)")
    config = process.state_dir / "config" / "log4j2.properties"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(LOG4J2, encoding="utf-8")
    return [
        java,
        f"-Xms{heap}",
        f"-Xmx{heap}",
        "-XX:+UseG1GC",
        "-XX:TieredStopAtLevel=1",  # C1 only: much faster start-up, plenty for a local stack
        "-Djava.awt.headless=true",
        f"-Dlog4j2.configurationFile={config}",
        "-cp",
        f"{artifacts.lib}/*",
        main_class,
        *args,
    ]


def write_properties(path: Path, settings: dict[str, str | int]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(f"{key}={value}\n" for key, value in settings.items()), encoding="utf-8"
    )
    return path
