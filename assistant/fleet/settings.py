"""Which depot, which key, which groups: read from the settings; and whether a document is meant for
this device (its groups, `groups: []` = everyone, a job addressed to its id, a percentage rollout)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from ..depot import format as fmt
from ..errors import AssistantError
from ..sync.config import SyncConfig, split_credentials


class DepotNotConfigured(AssistantError):
    """No depot URL or key in the settings: the depot round is skipped."""


@dataclass(frozen=True)
class DepotTarget:
    config: SyncConfig  # the depot server with CONTENT_DB as its database
    public_key: object  # Ed25519PublicKey
    groups: tuple[str, ...]


def target(settings, db: str = fmt.CONTENT_DB) -> DepotTarget:
    """The depot from settings; the notes sync credentials are reused when the depot is the same server.

    Raises:
        DepotNotConfigured: no depot key or no URL at all.
        DepotSignatureError: the stored key does not parse.
    """
    if not settings.depot_key:
        raise DepotNotConfigured("no depot key: run `field-assistant sync-setup --server URL --depot-key KEY`")
    raw = settings.depot_url or settings.sync_url
    if not raw:
        raise DepotNotConfigured("no depot server: set depot_url (sync-setup --depot-url) or sync_url")
    key = fmt.decode_public_key(settings.depot_key)
    url, user, password = split_credentials(raw)
    same_server = settings.sync_url and split_credentials(settings.sync_url)[0] == url
    if same_server and not user:
        from ..sync.config import from_settings

        notes = from_settings(settings)
        user, password = notes.user, notes.password
    config = SyncConfig(url=url, db=db, user=user, password=password,
                        verify_tls=settings.sync_verify_tls, ca_file=settings.sync_ca_file)
    return DepotTarget(config, key, tuple(settings.device_groups or ()))


def in_percent(device: str, rollout_id: str, percent) -> bool:
    """The contract's bucket: int(sha256(device_id + rollout _id), 16) % 100 < percent."""
    try:
        p = float(percent)
    except (TypeError, ValueError):
        return False
    return int(hashlib.sha256((device + rollout_id).encode()).hexdigest(), 16) % 100 < p


def selects(doc: dict, device: str, groups: tuple[str, ...]) -> bool:
    """Whether `doc` is meant for this device.

    Manuals and jobs are filtered by groups (and a job by its device id). Model and rollout documents
    are small and always kept: whether a rollout applies is decided when it is applied (`rollout_applies`),
    so a rollout widened later to this device finds its model document already here.
    `groups` missing or null reads as [] (every device); any other non-list selects nothing. The
    server-side filter (selector.selector) is the same rule in Mango: keep the two in step.
    """
    kind = doc.get("kind")
    doc_groups = doc.get("groups")
    if doc_groups is None:
        doc_groups = []
    if not isinstance(doc_groups, list):
        return False
    mine = any(isinstance(g, str) and g in groups for g in doc_groups)
    if kind in ("model", "rollout"):
        return True
    if kind == "job":
        return doc.get("device") == device or mine
    if kind == "manual":
        return not doc_groups or mine
    return False


def rollout_applies(doc: dict, device: str, groups: tuple[str, ...]) -> bool:
    """A rollout takes this device when one of its groups is the device's, or the device's bucket is
    under its percent; one with neither groups nor percent takes every device."""
    doc_groups = doc.get("groups") or []
    percent = doc.get("percent")
    if not doc_groups and percent is None:
        return True
    if set(doc_groups) & set(groups):
        return True
    return percent is not None and in_percent(device, doc.get("_id", ""), percent)
