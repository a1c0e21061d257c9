"""What a user of a new project does by hand: add an operation and an event to the contracts,
and the few lines of handler code that implement them (shared by the fast and end-to-end tests)."""

from __future__ import annotations

from pathlib import Path

import yaml

DELETE_NOTE = {
    "operationId": "deleteNote",
    "summary": "Delete a note",
    "x-emits": ["NoteDeleted"],
    "parameters": [{"$ref": "#/components/parameters/NoteId"}],
    "responses": {
        "204": {"description": "The note was deleted."},
        "400": {"$ref": "#/components/responses/BadRequest"},
        "401": {"$ref": "#/components/responses/Unauthorized"},
        "404": {"$ref": "#/components/responses/NotFound"},
        "503": {"$ref": "#/components/responses/ServiceUnavailable"},
    },
}

NOTE_DELETED = {
    "name": "NoteDeleted",
    "title": "Note deleted",
    "summary": "A note was deleted.",
    "contentType": "avro/binary",
    "x-aggregate-id": "noteId",
    "payload": {
        "schemaFormat": "application/vnd.apache.avro;version=1.9.0",
        "schema": {
            "type": "record",
            "name": "NoteDeleted",
            "namespace": "shop.notes.events",
            "doc": "A note was deleted.",
            "fields": [{"name": "noteId", "type": "long", "doc": "The deleted note's id."}],
        },
    },
    "examples": [{"name": "first", "payload": {"noteId": 1}}],
}

DELETE_HANDLER = """

    async def delete_note(self, principal: Principal, note_id: int) -> None:
        async with self._new_uow() as uow:
            result = await uow.connection.execute(table.delete().where(table.c.id == note_id))
            if result.rowcount != 1:
                raise NotFound(f"There is no note {note_id}.")
            await uow.publish(NoteDeleted(note_id=note_id))
"""

ON_DELETED = """

    async def on_note_deleted(self, event: NoteDeleted, meta: EventMeta) -> None:
        await self.record(event, meta)
"""


def _edit_yaml(path: Path, change: object) -> None:
    document = yaml.safe_load(path.read_text())
    change(document)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def add_delete_to_the_contracts(project: Path) -> None:
    """A new operation on notes (DELETE, emitting NoteDeleted) and the audit service receiving it."""

    def openapi(document: dict) -> None:  # type: ignore[type-arg]
        document["paths"]["/notes/{noteId}"]["delete"] = DELETE_NOTE

    def asyncapi(document: dict) -> None:  # type: ignore[type-arg]
        document["components"]["messages"]["NoteDeleted"] = NOTE_DELETED
        document["channels"]["noteEvents"]["messages"]["NoteDeleted"] = {
            "$ref": "#/components/messages/NoteDeleted"
        }
        document["operations"]["sendNoteDeleted"] = {
            "action": "send",
            "channel": {"$ref": "#/channels/noteEvents"},
            "messages": [{"$ref": "#/channels/noteEvents/messages/NoteDeleted"}],
        }

    def receiver(document: dict) -> None:  # type: ignore[type-arg]
        document["operations"]["receiveNoteDeleted"] = {
            "action": "receive",
            "channel": {"$ref": "#/channels/noteEvents"},
            "messages": [{"$ref": "#/channels/noteEvents/messages/NoteDeleted"}],
        }

    _edit_yaml(project / "specs/notes/openapi.yaml", openapi)
    _edit_yaml(project / "specs/notes/asyncapi.yaml", asyncapi)
    _edit_yaml(project / "specs/audit/asyncapi.yaml", receiver)


def implement_delete(project: Path) -> None:
    """The handler code a user writes after regenerating."""
    notes = project / "services/notes/handlers.py"
    text = notes.read_text().replace("import NoteCreated", "import NoteCreated, NoteDeleted")
    notes.write_text(text.replace("\n\ndef _note(", DELETE_HANDLER + "\n\ndef _note(", 1))
    audit = project / "services/audit/handlers.py"
    text = audit.read_text().replace("import NoteCreated", "import NoteCreated, NoteDeleted")
    marker = "\n\ndef _json_value("
    audit.write_text(text.replace(marker, ON_DELETED + marker, 1))
