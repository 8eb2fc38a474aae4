"""The device's side of the depot and the fleet (issue 15): pull the signed documents meant for this device, download
their files with HTTP Range resume, verify them, and switch manuals and models over atomically.

- `settings.py`: the depot settings (`sync-setup --depot-key`), the device's id and groups, who is selected.
- `pull.py`: pull-only replication of the depot's CONTENT_DB into `depot_docs`, every document verified.
- `download.py`: one file into the staging folder, resumed after a drop, verified, renamed into place.
- `manuals.py`: the newest revision of each manual ingested in place of the previous one; withdrawal.
- `models.py`: rollouts: the model downloaded, checked, benchmarked, kept or rolled back.
- `local.py`, `jobs.py`, `nameplate.py`: verified documents kept here, jobs and the current job, nameplate codes.
- `counters.py`, `health.py`: what the health document reports, and its push.
- `round.py`: one depot round (pull, then files), as `field-assistant sync` and the SyncService run it;
  `progress.py`: what the round is doing meanwhile (checking, downloading N%, installing, proving).

No Qt here; this package depends on assistant.library, assistant.sync and assistant.depot.
"""
