"""`python -m services.idea [--host 127.0.0.1] [--port 8002] [--migrate]`"""

from __future__ import annotations

import argparse

import uvicorn

from contractgen.runtime.observability import configure_logging
from services.idea.bootstrap import build_app, migrate
from services.idea.settings import Settings


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.idea")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8002)
    parser.add_argument(
        "--migrate", action="store_true", help="upgrade the database schema before serving"
    )
    args = parser.parse_args(argv)
    configure_logging()
    settings = Settings.from_env()
    if args.migrate:
        migrate(settings.migration_url)
    uvicorn.run(build_app(settings), host=args.host, port=args.port, log_config=None)


if __name__ == "__main__":
    main()
