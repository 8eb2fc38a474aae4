"""The Ask page's question flow without a display: ask, progress, Stop, done, errors."""

from __future__ import annotations

from assistant.errors import ModelMissingError
from assistant.rag.answer import Answer, AnswerEvent, Citation
from assistant.rag.ask_flow import AskFlow
from assistant.rag.search import Passage


class FakeJob:
    def __init__(self, question, callbacks):
        self.question = question
        self.cb = callbacks
        self.cancelled = False

    def cancel(self):
        self.cancelled = True


class Page:
    """Records what the flow tells the page, and starts fake jobs."""

    def __init__(self):
        self.jobs: list[FakeJob] = []
        self.log: list[tuple] = []

    def start(self, question, **callbacks):
        job = FakeJob(question, callbacks)
        self.jobs.append(job)
        return job

    def turn_added(self, turn):
        self.log.append(("added", turn.question))

    def display(self, turn):
        self.log.append(("display", turn and turn.question))

    def turn_changed(self, turn, full):
        self.log.append(("changed", turn.question, full))

    def set_busy(self, busy):
        self.log.append(("busy", busy))

    def turn_finished(self, turn):
        self.log.append(("finished", turn.question, turn.state))


def passage(i: int) -> Passage:
    return Passage(i, "Pump manual", "/m/pump.pdf", i, "Seals", f"passage {i}", 1.0 - i / 10)


def answer(text="Tighten to 38 Nm [1].", abstained=False) -> Answer:
    cites = [] if abstained else [Citation.of(1, passage(1))]
    return Answer(text, abstained, cites, [], "test", {}, "model" if cites else "none")


def make():
    page = Page()
    return AskFlow(page.start, page), page


def test_a_question_streams_then_ends_done():
    flow, page = make()
    turn = flow.ask("impeller nut torque?")
    assert flow.current is turn and turn.state == "searching" and flow.busy
    assert page.log == [("added", "impeller nut torque?"), ("display", "impeller nut torque?"), ("busy", True)]
    job = page.jobs[0]
    assert turn.job is job and job.question == "impeller nut torque?"
    page.log.clear()
    job.cb["on_progress"]([AnswerEvent("retrieved", passages=[passage(1), passage(2)])])
    assert turn.state == "writing" and len(turn.passages) == 2
    job.cb["on_progress"]([AnswerEvent("token", text="Tighten "), AnswerEvent("token", text="to 38 Nm [1].")])
    assert turn.text == "Tighten to 38 Nm [1]." and turn.first_token is not None
    a = answer()
    job.cb["on_result"](a)
    assert turn.state == "done" and turn.answer is a and not flow.busy and turn.ended is not None
    assert page.log == [("changed", "impeller nut torque?", True), ("changed", "impeller nut torque?", False),
                        ("changed", "impeller nut torque?", True), ("busy", False),
                        ("finished", "impeller nut torque?", "done")]
    assert turn.sources() == ("cited", a.citations)


def test_stop_ends_the_turn_at_once_and_drops_what_comes_after():
    flow, page = make()
    turn = flow.ask("seal procedure?")
    job = page.jobs[0]
    job.cb["on_progress"]([AnswerEvent("retrieved", passages=[passage(1)]), AnswerEvent("token", text="First")])
    page.log.clear()
    flow.stop()
    assert job.cancelled and turn.state == "stopped" and not flow.busy
    assert page.log == [("changed", "seal procedure?", True), ("busy", False)]
    page.log.clear()
    job.cb["on_progress"]([AnswerEvent("token", text=" late")])
    job.cb["on_result"](answer())
    job.cb["on_cancelled"]()
    assert turn.text == "First" and turn.answer is None and turn.state == "stopped"
    assert page.log == []


def test_asking_again_stops_the_answer_being_written():
    flow, page = make()
    first = flow.ask("first?")
    second = flow.ask("second?")
    assert page.jobs[0].cancelled and first.state == "stopped"
    assert flow.turns == [first, second] and flow.current is second and second.busy
    # The first question's late result never reaches the page.
    page.log.clear()
    page.jobs[0].cb["on_result"](answer())
    assert page.log == [] and first.answer is None


def test_a_missing_model_fails_with_the_closest_passages_to_show():
    flow, page = make()
    turn = flow.ask("pump torque")
    job = page.jobs[0]
    job.cb["on_progress"]([AnswerEvent("retrieved", passages=[passage(i) for i in range(1, 6)])])
    job.cb["on_error"](ModelMissingError("no chat model"))
    assert turn.state == "failed" and turn.error_kind == "no-model" and not flow.busy
    kind, shown = turn.sources()
    assert kind == "closest" and [c.n for c in shown] == [1, 2, 3] and [c.text for c in shown][0] == "passage 1"
    assert page.log[-1] == ("finished", "pump torque", "failed")


def test_other_errors_and_a_cancelled_job():
    flow, page = make()
    turn = flow.ask("a?")
    page.jobs[0].cb["on_error"](RuntimeError("boom"))
    assert turn.state == "failed" and turn.error_kind == "error" and str(turn.error) == "boom"
    assert turn.sources() == ("", [])
    turn = flow.ask("b?")
    page.jobs[1].cb["on_cancelled"]()  # cancelled elsewhere (the window closing)
    assert turn.state == "stopped" and page.log[-1] == ("finished", "b?", "stopped")


def test_an_abstained_answer_shows_the_closest_passages():
    flow, page = make()
    turn = flow.ask("espresso machine?")
    page.jobs[0].cb["on_progress"]([AnswerEvent("retrieved", passages=[passage(1), passage(2)])])
    page.jobs[0].cb["on_result"](answer("Not found in the loaded manuals.", abstained=True))
    kind, shown = turn.sources()
    assert kind == "closest" and [c.n for c in shown] == [1, 2]


def test_only_the_turn_on_screen_updates_the_page():
    flow, page = make()
    first = flow.ask("first?")
    flow.select(None)  # New question: the empty page
    page.log.clear()
    page.jobs[0].cb["on_progress"]([AnswerEvent("token", text="x")])
    page.jobs[0].cb["on_result"](answer())
    assert first.state == "done"
    assert page.log == [("finished", "first?", "done")]  # no redraw, and the empty page's buttons stay
