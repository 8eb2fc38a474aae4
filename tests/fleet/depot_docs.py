"""Signed depot documents for the fleet tests: a throwaway depot key and documents as the admin's
`depot` commands publish them (fields of the contract, assistant/depot/format.py)."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from assistant.depot import format as fmt


class Depot:
    def __init__(self):
        self.key = Ed25519PrivateKey.generate()
        self.public = self.key.public_key()

    def job(self, job_id: str, asset: str, serial: str, *, device: str | None = None, groups=(),
            work_order: str = "WO-1", site: str = "Plant 3", withdrawn: bool = False) -> dict:
        return fmt.sign({"_id": fmt.doc_id("job", job_id), "kind": "job", "asset": asset, "serial": serial,
                         "site": site, "work_order": work_order, "device": device, "groups": list(groups),
                         "created": "2026-12-05T08:00:00Z", "withdrawn": withdrawn}, self.key)

    def manual(self, name: str, revision: str, equipment: list[str], groups=()) -> dict:
        return fmt.sign({"_id": fmt.doc_id("manual", name, revision), "kind": "manual", "name": name,
                         "revision": revision, "title": name, "filename": f"{name}.md", "sha256": "0" * 64,
                         "size": 1, "equipment": equipment, "groups": list(groups),
                         "created": "2026-12-05T08:00:00Z", "withdrawn": False}, self.key)
