"""First run on an empty library: the demo manuals load before the window calls itself ready."""

from __future__ import annotations

from tests.ui.conftest import wait_ready


def test_window_is_ready_only_after_the_demo_library_is_in(qtbot, home, short_answers):
    from ui.app import build_window
    from ui.services import Services

    w = build_window(services=Services(auto_demo=True))
    try:
        w.resize(1280, 800)
        w.show()
        w.start()
        # Ready used to fire as soon as the (empty) library was listed, so a `--screenshot` or
        # an admin's first look caught the window mid-ingest and closed it, leaving no demo.
        wait_ready(qtbot, w, timeout=180_000)
        titles = sorted(m["title"] for m in w.services.manuals)
        assert len(titles) == len(Services.demo_files()) == 3, titles
        assert any("UPS-3000" in t for t in titles)
        assert not w.services.demo_loading
        from assistant import settings

        assert settings.load().demo_loaded  # a user who later removes the demo does not get it back
    finally:
        w.force_close()
        w.shutdown(2.0)
        for lane in w.services.workers.lanes.values():
            for t in lane.threads:
                t.join(60)
        w.deleteLater()
