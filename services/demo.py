"""`python -m services.demo`: a scripted scenario against the running platform (`make up`).

It builds an organization with departments, roles and members, creates, updates and deletes
ideas, then prints the organization's activity feed as the events arrive through the outbox,
Debezium, Kafka and the activity consumer. Exit status 1 when an event type never arrives.
"""

from __future__ import annotations

import argparse
import sys
import time
import typing
from pathlib import Path
from typing import Any

from contractgen.spec.project import load_project
from contractgen.stack.cli import DEFAULT_STATE_DIR
from contractgen.stack.ports import Ports
from contractgen.stack.stack import Stack
from generated.activity import models
from services.platform_client import PlatformClient, PlatformError

# Every event type the activity feed records, as its contract lists them.
EVENT_TYPES = typing.get_args(typing.get_type_hints(models.Activity)["type"])


def run_scenario(client: PlatformClient) -> tuple[int, int]:
    """Make one of every event; returns the organization's id and how many events it caused."""
    org = client.create_organization(
        f"Demo {time.strftime('%H:%M:%S')}", "An organization made by `make demo`."
    )
    oid = org["id"]
    print(f"created organization {oid} ({org['name']})")
    engineering = client.create_department(oid, "Engineering")
    research = client.create_department(oid, "Research")
    engineer = client.create_role(oid, "Software engineer")
    scientist = client.create_role(oid, "Scientist")
    client.create_member(oid, "Ada Lovelace", engineer["id"], engineering["id"])
    client.create_member(oid, "Grace Hopper", scientist["id"], research["id"])
    print("created 2 departments, 2 roles, 2 members")
    week = client.create_idea(oid, "Four-day week", "Try it for one quarter and measure.")
    client.create_idea(oid, "Demo day", "Show what each team built, every Friday.")
    lunch = client.create_idea(oid, "Lunch talks", "One talk a week over lunch.")
    client.update_idea(oid, week["id"], "Four-day week", "Try it for two quarters and measure.")
    client.delete_idea(oid, lunch["id"])
    print("created 3 ideas, updated 1, deleted 1\n")
    return oid, 1 + 2 + 2 + 2 + 3 + 1 + 1


def show(activity: dict[str, Any], started: float) -> None:
    payload = activity["payload"]
    label = payload.get("name") or payload.get("ideaId") or ""
    print(
        f"  +{time.monotonic() - started:5.2f}s  #{activity['id']:<5} {activity['type']:<20} "
        f"aggregate {activity['aggregateId']:<6} {label}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m services.demo", description=__doc__)
    parser.add_argument("--state-dir", type=Path, default=DEFAULT_STATE_DIR)
    parser.add_argument("--specs", type=Path, default=Path("specs"))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the feed")
    args = parser.parse_args(argv)
    ports = Ports.saved(args.state_dir.resolve()) or Ports()
    stack = Stack(args.state_dir, load_project(args.specs), ports)
    urls = stack.service_urls()
    with PlatformClient(urls, subject="demo") as client:
        try:
            started = time.monotonic()
            oid, expected = run_scenario(client)
        except (PlatformError, OSError) as error:
            print(f"demo: {error}\nIs the platform running? `make up` starts it.", file=sys.stderr)
            return 1
        print(f"organization {oid}'s activity feed, as it arrives:")
        try:
            feed = client.wait_for_feed(
                oid,
                lambda feed: len(feed) >= expected,
                timeout=args.timeout,
                on_new=lambda activity: show(activity, started),
            )
        except TimeoutError as error:
            print(f"demo: not every event arrived: {error}", file=sys.stderr)
            return 1
    missing = set(EVENT_TYPES) - {activity["type"] for activity in feed}
    print(
        f"\n{len(feed)} activities, every event type: {'no, missing ' + str(missing) if missing else 'yes'}"
    )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
