"""`python -m services.organization [--host 127.0.0.1] [--port 8001] [--migrate]`"""

from __future__ import annotations

import argparse

import uvicorn

from contractgen.runtime.observability import configure_logging
from services.organization.bootstrap import build_app, migrate
from services.organization.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.organization")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument(
        "--migrate", action="store_true", help="apply the database migrations before serving"
    )
    args = parser.parse_args(argv)
    configure_logging()
    settings = Settings.from_env()
    if args.migrate:
        migrate(settings.migration_url)
    uvicorn.run(build_app(settings), host=args.host, port=args.port, log_config=None)


if __name__ == "__main__":
    main()
