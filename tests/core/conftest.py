"""Fixtures of the core tests: the demo library, ingested once per test module."""

from __future__ import annotations

import os

import pytest


class DemoLibrary:
    """The demo library (`assistant.demo`) as a new user gets it, and the app's direct answer over
    it: `retrieve`, then `direct_answer`, as `ask` does. The tests that share it only read."""

    def __init__(self, session):
        self.session = session

    def retrieve(self, question: str):
        """`answer.retrieve` of `question` at the session's settings."""
        from assistant.rag import answer

        s = self.session
        return answer.retrieve(s.db, s.embedder, question, s.settings)

    def answer(self, question: str, got=None):
        """The direct answer the app shows for `question` (over `got`, when the test read it already)."""
        from assistant.rag import answer

        return answer.direct_answer(question, self.retrieve(question) if got is None else got, self.session.embedder)


@pytest.fixture(scope="module")
def demo_library(models_dir, tmp_path_factory):
    """The demo library ingested once per module, into a data folder of its own (`home` gives each
    test a fresh one, which this module-wide library outlives): the database and the embedding
    model are opened here, before the tests' own data folders are set."""
    from assistant import demo
    from assistant.library import ingest
    from assistant.session import Session

    with pytest.MonkeyPatch.context() as mp:
        for var in [v for v in os.environ if v.startswith("FIELD_ASSISTANT_")]:
            mp.delenv(var)
        mp.setenv("FIELD_ASSISTANT_HOME", str(tmp_path_factory.mktemp("demo-home")))
        mp.setenv("FIELD_ASSISTANT_BUNDLED_MODELS", str(models_dir))
        mp.setenv("HF_HUB_OFFLINE", "1")
        s = Session()
        assert not ingest.run(s.db, s.embedder, [demo.demo_dir()]).failed
    yield DemoLibrary(s)
    s.close()
