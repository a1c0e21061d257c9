"""Create the topics generated/deploy/platform.json lists (compose's one-shot `kafka-topics` job).

`python -m contractgen.deploy.topics PLATFORM_JSON BOOTSTRAP [REPLICAS]`; topics that exist are
left alone.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from confluent_kafka.admin import AdminClient, NewTopic  # type: ignore[attr-defined]


def main(platform: str, bootstrap: str, replicas: str = "1") -> None:
    topics = json.loads(Path(platform).read_text(encoding="utf-8"))["topics"]
    admin = AdminClient({"bootstrap.servers": bootstrap})
    existing = set(admin.list_topics(timeout=30).topics)
    wanted = [
        NewTopic(
            name,
            num_partitions=spec["partitions"],
            replication_factor=int(replicas),
            # One broker here: the generated min.insync.replicas is for three.
            config={k: v for k, v in spec["config"].items() if k != "min.insync.replicas"},
        )
        for name, spec in topics.items()
        if name not in existing
    ]
    for name, future in admin.create_topics(wanted).items() if wanted else []:
        future.result()
        print(f"created {name}")
    print(f"{len(topics)} topics present")


if __name__ == "__main__":
    main(*sys.argv[1:])
