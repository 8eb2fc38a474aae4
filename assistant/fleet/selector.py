"""The depot's `_changes` filtered on the server: a Mango selector that keeps exactly the documents
`settings.selects` keeps, and how each kind of server is asked for it.

- CouchDB >= 2 (welcome `{"couchdb": "Welcome", "version": "3.3.3"}`): `POST /db/_changes?filter=_selector`
  with `{"selector": ...}` in the body.
- pouchdb-server / express-pouchdb (welcome `{"express-pouchdb": "Welcome!", ...}`, the test server):
  `filter=_selector` kills its process (it looks for a design document `_selector`), but its changes
  route JSON-decodes every query parameter and hands them to PouchDB's `changes()`, which filters by
  `selector` itself: `GET /db/_changes?selector=<JSON>`.
- Anything else (CouchDB 1.x, an unknown server): nothing is sent; the device filters on its side.

The device still runs `selects` on what the server sends (a server that ignored the selector would
otherwise hand it other groups' documents); the selector only saves the transfer.
"""

from __future__ import annotations

import json

# How a server is asked: the values kept in sync_state.
SERVER_POST = "couchdb"  # POST ?filter=_selector, {"selector": ...}
SERVER_QUERY = "pouchdb"  # GET ?selector=JSON
CLIENT = "client"  # no server-side filter


# `groups` missing or null: `selects` reads both as [] (every device).
_ABSENT = ({"$exists": False}, {"$eq": None})


def selector(device: str, groups: tuple[str, ...] | list[str]) -> dict:
    """The Mango selector of the documents meant for `device` in `groups` (settings.selects):

    - model and rollout documents: all (whether a rollout applies is decided on the device), unless
      their `groups` is something other than a list;
    - a job addressed to this device, or to one of its groups;
    - a manual for every device (`groups` missing, null or []) or for one of its groups.

    Written as a flat `$or` of plain conditions (no `$or` nested under `$and`): PouchDB's selector
    code rewrites nested `$and`/`$or` and then matched every document (found by the test).
    """
    groups = sorted({g for g in groups if isinstance(g, str)})
    listed = (*_ABSENT, {"$type": "array"})
    either = [{"kind": {"$in": ["model", "rollout"]}, "groups": g} for g in listed]
    either += [{"kind": "job", "device": {"$eq": device}, "groups": g} for g in listed]
    either += [{"kind": "manual", "groups": g} for g in (*_ABSENT, {"$size": 0})]
    if groups:
        either.append({"kind": {"$in": ["job", "manual"]}, "groups": {"$elemMatch": {"$in": groups}}})
    return {"$or": either}


def mode_for(welcome: dict) -> str:
    """Which form of the filter this server takes, from its welcome (`GET /`)."""
    if not isinstance(welcome, dict):
        return CLIENT
    if welcome.get("couchdb") == "Welcome":
        try:
            major = int(str(welcome.get("version", "")).split(".")[0])
        except ValueError:
            return CLIENT
        return SERVER_POST if major >= 2 else CLIENT  # 1.x has no Mango
    if "express-pouchdb" in welcome:
        return SERVER_QUERY
    return CLIENT


def request_args(mode: str, sel: dict, params: dict) -> tuple[str, dict]:
    """(method, keyword arguments for CouchClient.request) of one `_changes` page in that mode."""
    if mode == SERVER_POST:
        return "POST", {"params": {**params, "filter": "_selector"}, "json": {"selector": sel}}
    if mode == SERVER_QUERY:
        return "GET", {"params": {**params, "selector": json.dumps(sel, separators=(",", ":"))}}
    return "GET", {"params": params}


def welcome_key(welcome: dict) -> str:
    """What identifies a server's build in its welcome: a refusal is remembered until it changes."""
    if not isinstance(welcome, dict):
        return ""
    return json.dumps({k: welcome.get(k) for k in ("couchdb", "express-pouchdb", "version", "vendor")},
                      sort_keys=True)
