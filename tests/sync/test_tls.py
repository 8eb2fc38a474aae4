"""Sync over TLS with the depot's own CA pinned (sync_ca_file): trusted with it, refused with a
clear message without it (verification is on by default), nothing lost either way."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.sync import SyncError
from tests.sync.tlsproxy import TlsProxy, make_ca_and_server_cert


@pytest.fixture
def tls(couch, tmp_path):
    ca, cert, key = make_ca_and_server_cert(tmp_path / "pki")
    proxy = TlsProxy(couch.port, cert, key).start()
    yield proxy, ca
    proxy.stop()


def test_pinned_ca_is_trusted(tls, config, devices):
    proxy, ca = tls
    dev = devices("tablet")
    dev.store.add("Seal replaced", "SK-200-45B fitted")
    report = dev.sync(replace(config, url=proxy.url, ca_file=str(ca)))
    assert report.pushed == 1 and dev.store.pending_count() == 0


def test_unknown_ca_is_refused_with_a_clear_message(tls, config, devices):
    proxy, _ = tls
    dev = devices("tablet")
    dev.store.add("Seal replaced", "SK-200-45B fitted")
    with pytest.raises(SyncError) as e:
        dev.sync(replace(config, url=proxy.url))  # verify_tls on, the system's CAs only
    msg = str(e.value)
    assert "certificate" in msg.lower() and "\n" not in msg, msg
    assert dev.store.pending_count() == 1  # kept for the next round


def test_a_different_pinned_ca_is_refused(tls, config, devices, tmp_path):
    proxy, _ = tls
    other_ca, _, _ = make_ca_and_server_cert(tmp_path / "other-pki")
    dev = devices("tablet")
    dev.store.add("Seal replaced", "SK-200-45B fitted")
    with pytest.raises(SyncError, match="(?i)certificate"):
        dev.sync(replace(config, url=proxy.url, ca_file=str(other_ca)))
    assert dev.store.pending_count() == 1
