"""Field notes: the technician's notes on this device and what sync needs of them.

- `store`: `NoteStore`, the notes (create, edit, delete, list, search, merge).
- `tree`: the revision tree of each note and the materialised winner.
- `outbox`: the revisions waiting for the server, and the parked ones.
- `revs`, `merge`: revision ids and clocks; the deterministic merge of concurrent versions.
- `model`: `Note`, `ParkedDoc` and the errors. `listeners`: who hears of a change.
- `dictation`: a note body from a recording.

Nothing here knows about the network: `assistant.sync` replicates these notes to a server.
"""

from .dictation import dictate
from .listeners import add_listener, remove_listener
from .model import EDITABLE, Note, NoteExistsError, NoteNotFoundError, ParkedDoc
from .store import NoteStore

__all__ = ["EDITABLE", "Note", "NoteExistsError", "NoteNotFoundError", "NoteStore", "ParkedDoc",
           "add_listener", "dictate", "remove_listener"]
