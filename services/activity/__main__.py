"""`python -m services.activity [--host 127.0.0.1] [--port 8003] [--migrate] [--consume]`"""

from __future__ import annotations

import argparse
import asyncio

import uvicorn

from contractgen.runtime.database import create_engine
from contractgen.runtime.observability import configure_logging
from services.activity.bootstrap import build_app, build_consumer, migrate
from services.activity.settings import Settings


async def consume(settings: Settings) -> None:
    """Run the consumer loop until SIGTERM/SIGINT."""
    engine = create_engine(settings.database_url)
    try:
        await build_consumer(settings, engine).run()
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.activity")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8003)
    parser.add_argument(
        "--migrate", action="store_true", help="upgrade the database schema before starting"
    )
    parser.add_argument(
        "--consume",
        action="store_true",
        help="consume the other services' events into the feed instead of serving HTTP",
    )
    args = parser.parse_args(argv)
    configure_logging()
    settings = Settings.from_env()
    if args.migrate:
        migrate(settings.migration_url)
    if args.consume:
        asyncio.run(consume(settings))
    else:
        uvicorn.run(build_app(settings), host=args.host, port=args.port, log_config=None)


if __name__ == "__main__":
    main()
