"""`spoken_numbers.digits` rewrites only a number it reads whole: the tail of a number it does not
read ("point five", "... thousand nine hundred", "plus or minus") is no value of its own; nor is "second" after a number an ordinal."""

from __future__ import annotations

from assistant.library.quantities import query_values
from assistant.library.spoken_numbers import digits
from assistant.rag import specs


def _numbers(text: str) -> list[float | None]:
    return [v.number for v in query_values(text)]


def test_a_number_after_point_is_not_read_as_a_whole_number():
    # "point five volts" is half a volt, not 5 V
    assert 5.0 not in _numbers("is point five volts too much ripple?")
    assert -5.0 not in _numbers("the minus point five volt offset")


def test_the_tail_of_a_bigger_number_is_not_read_as_the_number():
    # "...thousand nine hundred ninety nine volts" is not 999 V
    assert 999.0 not in _numbers("nine hundred ninety nine thousand nine hundred ninety nine volts")
    assert 200.0 not in _numbers("one million two hundred volts")


def test_plus_or_minus_is_a_tolerance_not_a_sign():
    assert -5.0 not in _numbers("what is the plus or minus 5 V tolerance")
    assert -5.0 not in _numbers("the plus or minus five volt tolerance")
    assert digits("a plus-minus 5 V band") == "a plus-minus 5 V band"


def test_whole_numbers_are_still_read():
    assert _numbers("the negative twelve volt rail") == [-12.0]
    assert _numbers("three point three volts") == [3.3]
    assert _numbers("minus 5 V") == [-5.0]


def test_seconds_after_a_number_are_no_ordinal():
    def ordinals(q: str) -> list[str]:
        return [m.group(1) for m in specs._ORDINAL.finditer(digits(q))]

    assert ordinals("the 30 second delay before restart") == []
    assert ordinals("what is the ten second timeout") == []
    assert ordinals("the 5-second hold") == []
    assert ordinals("the second remote diode") == ["second"]
