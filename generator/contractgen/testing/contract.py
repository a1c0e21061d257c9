"""The contract check: REST and event contracts, linked by each operation's `x-emits`.

For every request schemathesis generates from the OpenAPI document: every schemathesis check at
its defaults (no 5xx, the response conforms, invalid data is rejected, valid data is accepted,
...), and the outbox gained exactly the events the operation declares, each decoding against
its Avro schema with the key and headers the AsyncAPI document implies (`events.EventContract`),
when the call succeeded and none when it did not. Driven by the generated operation table;
nothing is written per operation. `contractgen test` (testing/command.py) runs the same promise
through schemathesis's own runner, stateful phase included.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import hypothesis.strategies as st
import schemathesis
from schemathesis.core.parameters import ParameterLocation

from contractgen.runtime.app import Binding
from contractgen.runtime.avro import Event
from contractgen.runtime.ecma import python_schema
from contractgen.runtime.settings import sync_url
from contractgen.testing.outbox import outbox_log, start_outbox_log, stop_outbox_log

if TYPE_CHECKING:
    from contractgen.testing.events import EventContract


@dataclass(frozen=True)
class OutboxRow:
    id: str
    type: str
    aggregate_id: str
    payload: bytes
    columns: Mapping[str, Any] = field(default_factory=dict, compare=False)
    """Every column of the row by name (topic, headers), where the reader has them."""


_logged: list[str] = []


def outbox_reader(database_url: str, table: str = "outbox") -> Callable[[], list[OutboxRow]]:
    """What a service commits to its outbox from now on, read from the WAL: the unit of work
    deletes each row in the transaction that wrote it, so the table itself stays empty (see
    contractgen.testing.outbox). `close_outbox_readers()` drops the logs' slots."""
    url = sync_url(database_url)
    start_outbox_log(url)
    _logged.append(url)

    def read() -> list[OutboxRow]:
        return [
            OutboxRow(row.id, row.type, row.aggregateid, row.payload, dataclasses.asdict(row))
            for row in outbox_log(url, table)
        ]

    return read


def close_outbox_readers() -> None:
    """Drop the replication slots every `outbox_reader` opened."""
    while _logged:
        stop_outbox_log(_logged.pop())


@dataclass
class ContractWorld:
    """One service under test: its app, its contract tables, and a window on its outbox."""

    app: Any
    operations: Mapping[str, Binding]
    event_types: Mapping[str, type[Event]]
    read_outbox: Callable[[], Sequence[OutboxRow]]
    headers: dict[str, str]
    known_ids: Mapping[str, Sequence[int]] = field(default_factory=dict)
    """Ids that exist, mixed into generated path parameters and bodies so that successful
    calls (and their events) are exercised, not only 404s."""
    emitted: Counter[str] = field(default_factory=Counter)
    events: EventContract | None = None
    """The AsyncAPI side (key, headers, topic); without it only types and decoding are checked."""

    def schema(self) -> schemathesis.schemas.BaseSchema:
        # Hypothesis generates from Python regexes: patterns rewritten to match what ECMA-262
        # (the contract's dialect, and the service's) matches.
        raw = self.app.test_client().get("/openapi.json").json()
        schema = schemathesis.openapi.from_dict(python_schema(raw))
        schema.app = self.app
        schema.location = "/openapi.json"
        known = self.known_ids

        def mix(values: Any) -> st.SearchStrategy[Any]:
            if not isinstance(values, dict):
                return st.just(values)
            return st.fixed_dictionaries(
                {
                    key: st.one_of(st.just(value), st.sampled_from(list(known[key])))
                    if known.get(key)
                    else st.just(value)
                    for key, value in values.items()
                }
            )

        @schema.hook
        def flatmap_case(context: Any, case: Any) -> Any:
            # Only valid (positive) parts get known ids: a negative part must stay invalid.
            meta = case.meta
            path = st.just(case.path_parameters)
            body = st.just(case.body)
            if meta is None or not meta.is_negative_at(ParameterLocation.PATH):
                path = mix(case.path_parameters)
            if meta is None or not meta.is_negative_at(ParameterLocation.BODY):
                body = mix(case.body)
            return st.tuples(path, body).map(lambda pair: _with(case, *pair))

        return schema

    def check(self, case: Any) -> None:
        before = {row.id for row in self.read_outbox()}
        # A case whose headers are deliberately invalid keeps them (a bad token must get 401).
        negative_headers = case.meta is not None and case.meta.is_negative_at(
            ParameterLocation.HEADER
        )
        headers = None if negative_headers else self.headers
        response = case.call(headers=headers)
        case.validate_response(response, headers=headers)  # every check, at its defaults
        added = [row for row in self.read_outbox() if row.id not in before]
        operation_id = case.operation.definition.raw["operationId"]
        declared = self.operations[operation_id].emits
        where = f"{case.method} {case.formatted_path} -> {response.status_code}"
        if self.events is not None:
            problems = self.events.problems(operation_id, response.status_code, added)
            assert not problems, f"{where}:\n" + "\n".join(problems)
        if 200 <= response.status_code < 300:
            assert sorted(row.type for row in added) == sorted(declared), (
                f"{where}: the outbox gained {[r.type for r in added]}, the contract declares {list(declared)}"
            )
            for row in added:
                event = self.event_types[row.type].from_framed(row.payload)
                assert event.aggregate_id() == row.aggregate_id, f"{where}: {row.type} key mismatch"
                self.emitted[row.type] += 1
        else:
            assert not added, (
                f"{where}: a failed call wrote {[r.type for r in added]} to the outbox"
            )


def _with(case: Any, path_parameters: Any, body: Any) -> Any:
    if path_parameters is not case.path_parameters:
        case.path_parameters = path_parameters
    if body is not case.body:
        case.body = body
    return case


def assert_every_event_exercised(world: ContractWorld) -> None:
    """Run after the contract test: every event some operation declares was seen and decoded."""
    declared = {name for binding in world.operations.values() for name in binding.emits}
    missing = declared - set(world.emitted)
    assert not missing, f"no successful call emitted {sorted(missing)}; seen: {dict(world.emitted)}"
