"""docker-compose and the databases' init scripts, from the contracts: every service, its
consumer, its database (PostgreSQL, or SQL Server where its contract says so), its least-privilege
logins, its outbox's publication or CDC, and the connectors reading them.

Written under `deploy/compose/`; the project's own `docker-compose.yml` includes it. Passwords are
never written: each login's comes from the environment as `<SERVICE>_<ROLE>_DB_PASSWORD`.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from typing import Any

import yaml

from contractgen.gen.naming import header
from contractgen.spec.project import Project, ServiceSpec
from contractgen.stack.roles import ServiceRoles

POSTGRES_IMAGE = "postgres:15.10-bookworm"
SQLSERVER_IMAGE = "mcr.microsoft.com/mssql/server:2022-CU16-ubuntu-22.04"
KAFKA_IMAGE = "apache/kafka:4.1.0"
CONNECT_IMAGE = "quay.io/debezium/connect:3.6.1.Final"
REGISTRY_IMAGE = "quay.io/apicurio/apicurio-registry:3.3.3"
REGISTRY_URL = "http://schema-registry:8080/apis/ccompat/v7"
REGISTRY_DATABASE = "schema_registry"
SQLCMD = '/opt/mssql-tools18/bin/sqlcmd -C -S sqlserver -U sa -P "$$MSSQL_SA_PASSWORD" -b'
ODBC = "driver=ODBC+Driver+18+for+SQL+Server&TrustServerCertificate=yes"


@dataclass(frozen=True)
class ComposeService:
    spec: ServiceSpec
    database: str
    """postgresql or sqlserver: the database it runs on in production, and here."""
    port: int
    publishes: bool
    consumes: bool

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def roles(self) -> ServiceRoles:
        return ServiceRoles(self.name, self.publishes)

    def password(self, role: str) -> str:
        variable = f"{role.upper()}_DB_PASSWORD"
        return "${" + variable + ":?set " + variable + "}"

    def url(self, role: str) -> str:
        login = f"{role}:{self.password(role)}"
        if self.database == "sqlserver":
            return f"mssql+aioodbc://{login}@sqlserver:1433/{self.name}?{ODBC}"
        return f"postgresql+psycopg://{login}@postgres:5432/{self.name}"


def compose_files(
    project: Project, services: list[ComposeService], generated: str
) -> dict[str, str]:
    """{path under generated/: text}."""
    source = project.docs.display(project.specs_dir) + "/"
    files = {"deploy/compose/docker-compose.yml": _compose(project, services, generated, source)}
    postgres = [s for s in services if s.database == "postgresql"]
    files["deploy/compose/postgres/roles.sql"] = _postgres_roles(postgres, source)
    files["deploy/compose/postgres/outbox-publications.sql"] = _publications(postgres, source)
    for service in (s for s in services if s.database == "sqlserver"):
        files[f"deploy/compose/sqlserver/{service.name}-database.sql"] = _sqlserver_database(
            service, source
        )
        files[f"deploy/compose/sqlserver/{service.name}-roles.sql"] = _sqlserver_roles(
            service, source
        )
        if service.publishes:
            files[f"deploy/compose/sqlserver/{service.name}-cdc.sql"] = _sqlserver_cdc(source)
    return files


def _compose(project: Project, services: list[ComposeService], generated: str, source: str) -> str:
    name = project.config.name
    folder = f"./{generated}/deploy/compose"
    python_env = {
        "JWT_SECRET": "${JWT_SECRET:?set JWT_SECRET}",
        "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
    }
    document: dict[str, Any] = {"services": {}, "volumes": {"kafka-data": None}}
    parts = document["services"]
    postgres = [s for s in services if s.database == "postgresql"]
    sqlserver = [s for s in services if s.database == "sqlserver"]
    publishers = [s for s in services if s.publishes]
    image = f"{name}-{services[0].name}"  # any service image has contractgen and Python
    # PostgreSQL always runs: it also stores the schema registry's data.
    document["volumes"]["postgres-data"] = None
    parts["postgres"] = {
        "image": POSTGRES_IMAGE,
        "command": [
            "postgres",
            "-c",
            "wal_level=logical",
            "-c",
            "max_wal_senders=10",
            "-c",
            "max_replication_slots=10",
        ],
        "environment": {
            "POSTGRES_PASSWORD": "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}",
            **{
                f"{role.upper()}_DB_PASSWORD": s.password(role)
                for s in postgres
                for role in s.roles.names()
            },
        },
        "volumes": [
            "postgres-data:/var/lib/postgresql/data",
            f"{folder}/postgres/roles.sql:/docker-entrypoint-initdb.d/roles.sql:ro",
        ],
        "healthcheck": _health("pg_isready -U postgres", 5, 20),
    }
    if sqlserver:
        document["volumes"]["sqlserver-data"] = None
        parts["sqlserver"] = {
            "image": SQLSERVER_IMAGE,
            "environment": {
                "ACCEPT_EULA": "Y",
                "MSSQL_SA_PASSWORD": "${MSSQL_SA_PASSWORD:?set MSSQL_SA_PASSWORD}",
                "MSSQL_AGENT_ENABLED": "true",  # CDC capture jobs run under SQL Server Agent
            },
            "volumes": ["sqlserver-data:/var/opt/mssql"],
            "healthcheck": _health(
                SQLCMD.replace("-S sqlserver", "-S localhost") + ' -Q "SELECT 1" -o /dev/null',
                10,
                30,
            ),
        }
        parts["sqlserver-init"] = _sqlcmd_job(
            {"sqlserver": "service_healthy"},
            [
                command
                for s in sqlserver
                for command in (
                    f"{SQLCMD} -i /sql/{s.name}-database.sql",
                    f"{SQLCMD} -d {s.name} -i /sql/{s.name}-roles.sql",
                )
            ],
            folder,
            {
                f"{role.upper()}_DB_PASSWORD": s.password(role)
                for s in sqlserver
                for role in s.roles.names()
            },
        )
    parts["kafka"] = _kafka()
    parts["schema-registry"] = _registry()
    parts["kafka-topics"] = {
        "image": image,
        "depends_on": {"kafka": {"condition": "service_healthy"}},
        "volumes": [f"./{generated}/deploy/platform.json:/deploy/platform.json:ro"],
        "entrypoint": ["python", "-m", "contractgen.deploy.topics"],
        "command": ["/deploy/platform.json", "kafka:9092", "1"],
        "healthcheck": {"disable": True},
        "restart": "no",
    }
    parts["connect"] = _connect(publishers)
    for service in services:
        database = "sqlserver-init" if service.database == "sqlserver" else "postgres"
        condition = (
            "service_completed_successfully"
            if database == "sqlserver-init"
            else ("service_healthy")
        )
        roles = service.roles
        env = {
            **python_env,
            f"{service.name.upper()}_DATABASE_URL": service.url(roles.runtime),
            f"{service.name.upper()}_MIGRATION_DATABASE_URL": service.url(roles.migration),
        }
        parts[service.name] = {
            "build": {
                "context": ".",
                "dockerfile": f"{generated}/deploy/docker/{service.name}/Dockerfile",
            },
            "image": f"{name}-{service.name}",
            "depends_on": {
                database: {"condition": condition},
                "schema-registry": {"condition": "service_healthy"},
            },
            "environment": env,
            "command": ["--host", "0.0.0.0", "--port", str(service.port), "--migrate"],
            "ports": [f"127.0.0.1:{service.port}:{service.port}"],
        }
        if service.consumes:
            parts[f"{service.name}-consumer"] = {
                "image": f"{name}-{service.name}",
                "depends_on": {service.name: {"condition": "service_healthy"}},
                "environment": {
                    **python_env,
                    f"{service.name.upper()}_DATABASE_URL": service.url(roles.runtime),
                    f"{service.name.upper()}_CONSUMER_GROUP": service.name,
                },
                "command": ["--consume"],
                "healthcheck": {"disable": True},
            }
    waits: dict[str, dict[str, str]] = {"connect": {"condition": "service_healthy"}}
    postgres_publishers = [s for s in publishers if s.database == "postgresql"]
    if postgres_publishers:
        parts["postgres-publications"] = {
            "image": POSTGRES_IMAGE,
            "depends_on": {s.name: {"condition": "service_healthy"} for s in postgres_publishers},
            "environment": {"PGPASSWORD": "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}"},
            "volumes": [f"{folder}/postgres:/sql:ro"],
            "entrypoint": [
                "psql",
                "-h",
                "postgres",
                "-U",
                "postgres",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
                "/sql/outbox-publications.sql",
            ],
            "restart": "no",
        }
        waits["postgres-publications"] = {"condition": "service_completed_successfully"}
    for service in (s for s in publishers if s.database == "sqlserver"):
        job = f"{service.name}-cdc"
        parts[job] = _sqlcmd_job(
            {service.name: "service_healthy"},
            [f"{SQLCMD} -d {service.name} -i /sql/{service.name}-cdc.sql"],
            folder,
            {},
        )
        waits[job] = {"condition": "service_completed_successfully"}
    parts["register-connectors"] = {
        "image": image,
        "depends_on": waits,
        "volumes": [f"./{generated}:/deploy/generated:ro"],
        "entrypoint": ["python", "-m", "contractgen.deploy.connectors"],
        "command": ["/deploy/generated", "http://connect:8083"],
        "healthcheck": {"disable": True},
        "restart": "no",
    }
    body = yaml.safe_dump(document, sort_keys=False, width=200, default_flow_style=False)
    intro = (
        "# The whole project for people who have Docker: `docker compose up --build` from the\n"
        "# project root (its docker-compose.yml includes this file). Set JWT_SECRET, the database\n"
        "# admin passwords and one password per login, <SERVICE>_<ROLE>_DB_PASSWORD (or an .env).\n"
    )
    return header(source) + intro + f"name: {name}\n" + body.replace(": null\n", ":\n")


def _health(command: str, interval: int, retries: int) -> dict[str, Any]:
    return {
        "test": ["CMD-SHELL", command],
        "interval": f"{interval}s",
        "timeout": "5s",
        "retries": retries,
    }


def _sqlcmd_job(
    after: dict[str, str], commands: list[str], folder: str, env: dict[str, str]
) -> dict[str, Any]:
    return {
        "image": SQLSERVER_IMAGE,
        "depends_on": {name: {"condition": condition} for name, condition in after.items()},
        "environment": {"MSSQL_SA_PASSWORD": "${MSSQL_SA_PASSWORD:?set MSSQL_SA_PASSWORD}", **env},
        "volumes": [f"{folder}/sqlserver:/sql:ro"],
        "entrypoint": ["/bin/sh", "-c"],
        "command": [" && ".join(commands)],
        "restart": "no",
    }


def _kafka() -> dict[str, Any]:
    return {
        "image": KAFKA_IMAGE,
        "environment": {
            "KAFKA_NODE_ID": 1,
            "KAFKA_PROCESS_ROLES": "broker,controller",
            "KAFKA_LISTENERS": "PLAINTEXT://:9092,CONTROLLER://:9093",
            "KAFKA_ADVERTISED_LISTENERS": "PLAINTEXT://kafka:9092",
            "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
            "KAFKA_LISTENER_SECURITY_PROTOCOL_MAP": "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT",
            "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@kafka:9093",
            "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": 1,
            "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": 1,
            "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": 1,
            "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": 1,
            "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": 1,
            # Topics come from the contracts (kafka-topics), never from a typo.
            "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
        },
        "volumes": ["kafka-data:/var/lib/kafka/data"],
        "healthcheck": _health(
            "/opt/kafka/bin/kafka-broker-api-versions.sh --bootstrap-server localhost:9092"
            " > /dev/null",
            10,
            20,
        ),
    }


def _registry() -> dict[str, Any]:
    """Apicurio Registry, Confluent-compatible API, its data in the compose PostgreSQL."""
    return {
        "image": REGISTRY_IMAGE,
        "depends_on": {"postgres": {"condition": "service_healthy"}},
        "environment": {
            "APICURIO_STORAGE_KIND": "sql",
            "APICURIO_STORAGE_SQL_KIND": "postgresql",
            "APICURIO_DATASOURCE_URL": f"jdbc:postgresql://postgres:5432/{REGISTRY_DATABASE}",
            "APICURIO_DATASOURCE_USERNAME": "postgres",
            "APICURIO_DATASOURCE_PASSWORD": "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}",
        },
        "ports": ["127.0.0.1:8081:8080"],
        "healthcheck": _health(
            "curl -fs http://localhost:8080/apis/ccompat/v7/subjects > /dev/null", 5, 30
        ),
    }


def _connect(publishers: list[ComposeService]) -> dict[str, Any]:
    env: dict[str, Any] = {
        "BOOTSTRAP_SERVERS": "kafka:9092",
        "GROUP_ID": "connect",
        "CONFIG_STORAGE_TOPIC": "_connect-configs",
        "OFFSET_STORAGE_TOPIC": "_connect-offsets",
        "STATUS_STORAGE_TOPIC": "_connect-status",
        "CONFIG_STORAGE_REPLICATION_FACTOR": 1,
        "OFFSET_STORAGE_REPLICATION_FACTOR": 1,
        "STATUS_STORAGE_REPLICATION_FACTOR": 1,
        "CONNECT_OFFSET_FLUSH_INTERVAL_MS": 1000,
        # The generated connector configs name their databases as ${env:<SERVICE>_DB_HOST}.
        "CONNECT_CONFIG_PROVIDERS": "env",
        "CONNECT_CONFIG_PROVIDERS_ENV_CLASS": (
            "org.apache.kafka.common.config.provider.EnvVarConfigProvider"
        ),
        "KAFKA_BOOTSTRAP_SERVERS": "kafka:9092",
    }
    for service in publishers:
        prefix = service.name.upper()
        sqlserver = service.database == "sqlserver"
        replication = service.roles.replication or ""
        env |= {
            f"{prefix}_DB_HOST": "sqlserver" if sqlserver else "postgres",
            f"{prefix}_DB_PORT": 1433 if sqlserver else 5432,
            f"{prefix}_DB_USER": replication,
            f"{prefix}_DB_PASSWORD": service.password(replication),
            f"{prefix}_DB_NAME": service.name,
        }
    return {
        "image": CONNECT_IMAGE,
        "depends_on": {"kafka-topics": {"condition": "service_completed_successfully"}},
        "environment": env,
        "ports": ["127.0.0.1:8083:8083"],
        "healthcheck": _health(
            "curl -fs http://localhost:8083/connector-plugins > /dev/null", 10, 30
        ),
    }


def _sql_header(source: str, purpose: str) -> str:
    return header(source, comment="--") + f"-- {purpose}\n"


def _postgres_roles(services: list[ComposeService], source: str) -> str:
    lines = [
        _sql_header(source, "Run once by the postgres image when the cluster is created."),
        f"-- The schema registry's storage.\nCREATE DATABASE {REGISTRY_DATABASE};\n",
    ]
    for service in services:
        roles = service.roles
        variables = {}
        for name in roles.names():
            variables[name] = f":'{name}_password'"
            lines.append(f"\\getenv {name}_password {name.upper()}_DB_PASSWORD\n")
        lines += [
            f'CREATE DATABASE "{service.name}";\n',
            roles.cluster_sql(variables) + "\n",
            f"\\connect {service.name}\n",
            _dedent(roles.database_sql()),
            "\\connect postgres\n",
        ]
    return "".join(lines)


def _publications(services: list[ComposeService], source: str) -> str:
    lines = [_sql_header(source, "Run after the services' first migration created the outboxes.")]
    for service in services:
        if service.publishes:
            lines += [f"\\connect {service.name}\n", _dedent(service.roles.publication_sql())]
    return "".join(lines)


def _sqlserver_database(service: ComposeService, source: str) -> str:
    """The service's database with CDC on (the compose SQL Server; Azure SQL's is Terraform's)."""
    db = service.name
    return _sql_header(source, f"The {db} database with CDC on (SQL Server Agent must run).") + (
        f"IF DB_ID('{db}') IS NULL\n    CREATE DATABASE {db};\nGO\n"
        f"USE {db};\nGO\n"
        f"IF (SELECT is_cdc_enabled FROM sys.databases WHERE name = '{db}') = 0\n"
        f"    EXEC sys.sp_cdc_enable_db;\nGO\n"
    )


def _sqlserver_roles(service: ComposeService, source: str) -> str:
    """The service's three contained users, for the compose SQL Server and Azure SQL alike; run
    in its database with sqlcmd, the passwords taken from the environment as scripting variables
    (`<SERVICE>_<ROLE>_DB_PASSWORD`)."""
    roles = service.roles
    users = "".join(
        f"IF DATABASE_PRINCIPAL_ID('{name}') IS NULL\n"
        f"    CREATE USER {name} WITH PASSWORD = '$({name.upper()}_DB_PASSWORD)';\n"
        for name in roles.names()
    )
    replication = ""
    if roles.replication:
        replication = (
            "-- Replication (Debezium's SQL Server connector): the outbox's CDC gating role.\n"
            "IF DATABASE_PRINCIPAL_ID('outbox_cdc_reader') IS NULL\n"
            "    CREATE ROLE outbox_cdc_reader;\n"
            f"ALTER ROLE outbox_cdc_reader ADD MEMBER {roles.replication};\n"
            "GRANT SELECT ON SCHEMA::cdc TO outbox_cdc_reader;\n"
            f"GRANT VIEW DATABASE STATE TO {roles.replication};\n"
        )
    purpose = f"The {service.name} service's logins (sqlcmd -d {service.name}). Safe to run again."
    return _sql_header(source, purpose) + (
        "IF (SELECT containment FROM sys.databases WHERE name = DB_NAME()) = 0\n"
        "    AND SERVERPROPERTY('EngineEdition') <> 5  -- Azure SQL Database is always contained\n"
        "BEGIN\n"
        "    EXEC sp_configure 'contained database authentication', 1;\n"
        "    RECONFIGURE;\n"
        "    DECLARE @sql nvarchar(200) = N'ALTER DATABASE ' + QUOTENAME(DB_NAME())"
        " + N' SET CONTAINMENT = PARTIAL';\n"
        "    EXEC (@sql);\n"
        "END;\nGO\n"
        f"{users}GO\n"
        "-- Migration: DDL in the database, and the data its migrations move.\n"
        f"ALTER ROLE db_ddladmin ADD MEMBER {roles.migration};\n"
        f"ALTER ROLE db_datareader ADD MEMBER {roles.migration};\n"
        f"ALTER ROLE db_datawriter ADD MEMBER {roles.migration};\n"
        "-- Runtime: DML on the dbo schema only; a schema grant covers tables later migrations add.\n"
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON SCHEMA::dbo TO {roles.runtime};\n"
        f"{replication}GO\n"
    )


def _sqlserver_cdc(source: str) -> str:
    return _sql_header(
        source, "CDC on the outbox, after the first migration; run in its database."
    ) + (
        "IF NOT EXISTS (SELECT 1 FROM sys.tables WHERE name = 'outbox' AND schema_id = SCHEMA_ID('dbo')"
        " AND is_tracked_by_cdc = 1)\n"
        "    EXEC sys.sp_cdc_enable_table @source_schema = N'dbo', @source_name = N'outbox',\n"
        "        @role_name = N'outbox_cdc_reader', @supports_net_changes = 0;\n"
        "GRANT SELECT ON dbo.outbox TO outbox_cdc_reader;\n"
    )


def _dedent(sql: str) -> str:
    return textwrap.dedent(sql).strip() + "\n"
