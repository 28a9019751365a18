"""The checker's inputs: typed values, names a test reads, calls into throwaway children."""

from __future__ import annotations

import datetime as dt
import json
import math
import os

import numpy as np
import pandas as pd
import pytest

from workbench.grading import calls, checker, values


def _cross(value, **options):
    """Encode, go through JSON text as on the pipe, decode."""
    return values.decode(json.loads(json.dumps(values.encode(value, **options))))


FRAME = pd.DataFrame(
    {
        "市町村": ["A市", "B町", None],
        "人口": [1200, 340, 56],
        "率": [0.5, float("nan"), 1.25],
        "日付": pd.to_datetime(["2024-04-01", "2024-05-01", None]),
        "区分": pd.Categorical(["x", "y", "x"]),
        "件数": pd.array([1, None, 3], dtype="Int64"),
    },
    index=pd.Index(["a", "b", "c"], name="key"),
)


@pytest.mark.parametrize(
    "value",
    [
        FRAME,
        FRAME["率"],
        FRAME.set_index(["市町村", "人口"]),
        np.arange(12, dtype=np.int32).reshape(3, 4),
        np.array(["北", "南"]),
        pd.cut(pd.Series([1, 5, 9]), [0, 4, 8, 16]),
        pd.Series(pd.date_range("2024-01-01", periods=3, tz="Asia/Tokyo")),
        pd.DatetimeIndex(["2024-01-01", "2024-02-01"], name="月"),
        pd.Series([pd.Timestamp("2024-03-31 01:30", tz="Europe/Berlin"), pd.NaT]).astype(
            "datetime64[s, Europe/Berlin]"
        ),
        pd.Series(["北", None, "南"], dtype="string"),
    ],
    ids=[
        "frame",
        "series",
        "multiindex",
        "int32",
        "unicode",
        "intervals",
        "tz",
        "dtindex",
        "tz-seconds-nat",
        "string",
    ],
)
def test_pandas_and_numpy_values_cross_unchanged(value):
    back = _cross(value)
    assert type(back) is type(value)
    if isinstance(value, np.ndarray):
        assert back.dtype == value.dtype and np.array_equal(back, value)
    elif isinstance(value, pd.Index):
        assert back.equals(value) and back.name == value.name
    else:
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(back, value)
        else:
            pd.testing.assert_series_equal(back, value)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        3,
        2**80,
        1.5,
        "県\ud800",
        b"\x00\xff",
        [1, (2, 3)],
        {1, 2},
        {(1, "a"): [None]},
        dt.date(2024, 4, 1),
        dt.timedelta(days=2),
        np.float64(0.1),
        pd.Timestamp("2024-04-01 09:00"),
        math.inf,
    ],
)
def test_plain_values_cross_with_their_types(value):
    back = _cross(value)
    assert back == value and type(back) is type(value)


def test_nan_crosses_as_nan():
    assert math.isnan(_cross(float("nan")))


class Answer:
    """A learner-defined class: its objects must never be rebuilt in the checker."""

    def __eq__(self, other):
        return True


@pytest.mark.parametrize("value", [Answer(), [1, Answer()], {"k": Answer()}, lambda: 1])
def test_learner_objects_are_not_data(value):
    with pytest.raises(values.NotTransferable):
        values.encode(value, references=False)


def test_a_learner_cannot_send_library_code_by_name():
    assert values.encode(math.sqrt)["$"] == "ref"  # the checker may send it to a learner
    with pytest.raises(values.NotTransferable):  # but a learner's value never crosses so
        values.encode(math.sqrt, references=False)


@pytest.mark.parametrize(
    "payload",
    [
        {"$": "pickle", "v": "gASV"},
        {"$": "ndarray", "v": {"dtype": "|O", "shape": [1], "b": "AAAAAAAAAAA="}},
        {"$": "interval", "v": [0, 1], "closed": "__import__('os')"},
        {"$": "index", "v": {"values": {"extension": "str", "strings": [1]}, "names": [None]}},
        {"$": "index", "v": {"values": {"extension": "x", "strings": ["a"]}, "names": [None]}},
        {
            "$": "index",
            "v": {
                "values": {
                    "tz": "UTC",
                    "unit": "ns",
                    "array": {"dtype": "<i8", "shape": [0], "b": ""},
                },
                "names": [None],
            },
        },
    ],
)
def test_forged_payloads_are_refused(payload):
    with pytest.raises((ValueError, TypeError)):
        values.decode(payload)


def test_oversized_values_are_refused():
    with pytest.raises(values.NotTransferable):
        values.encode(list(range(values.MAX_ITEMS + 1)))


def test_names_a_test_reads():
    source = (
        'north_app = checks.variable("north_app")\n'
        "for _name in ['n_north', 'p']:\n"
        "    checks.number(checks.variable(_name), _name)\n"
        "def _helper(x):\n    return x\n"
        "checks.expect(t_stat > _helper(0), 'hint text')\n"
    )
    assert checker.referenced_names(source) == ["checks", "n_north", "north_app", "p", "t_stat"]


def test_builtins_and_locked_code_keep_the_checkers_objects():
    import types

    namespace = {"checks": types.ModuleType("checks"), "x": 1}
    ownership = checker.Ownership()
    ownership.learn(namespace)
    mine = namespace["checks"]
    message = {
        "values": {
            "checks": values.encode([1]),
            "len": values.encode(5),
            "x": values.encode(2),
        }
    }
    checker.inject(namespace, message, ownership)
    assert namespace["checks"] is mine and "len" not in namespace and namespace["x"] == 2


STATE = {"calls": 0}


def _mutating(x):
    STATE["calls"] += 1
    return x * 2


def _call(name: str, *args) -> dict:
    return {"name": name, "ops": [["call", values.encode(args), values.encode({})]]}


def test_a_learner_function_runs_in_a_throwaway_child():
    with calls.CallServer({"f": _mutating}, timeout=5) as server:
        assert server.call(_call("f", 21)) == {"value": 42}
        assert server.call(_call("f", 1)) == {"value": 2}  # one child answers many calls
    assert STATE["calls"] == 0, "the calls' side effects stayed in the child"
    _mutating(1)  # negative control: called here, the same function does change state
    assert STATE["calls"] == 1


def test_objects_that_are_not_data_come_back_as_handles_and_errors_by_name():
    namespace = {"model": Answer(), "loop": lambda: [0 for _ in iter(int, 1)], "f": _mutating}
    with calls.CallServer(namespace, timeout=0.5) as server:
        assert server.call({"name": "model", "ops": []}) == {"remote": f"{__name__}.Answer"}
        reply = server.call({"name": "model", "ops": [["attr", "missing"]]})
        assert reply["error"][0] == "AttributeError"
        reply = server.call(_call("loop"))
        assert reply["error"][0] == "TimeoutError"  # the endless call was stopped
        assert not server.alive  # and its child is gone; the next call needs a new one
    with calls.CallServer(namespace, timeout=5) as server:
        assert server.call(_call("f", 2)) == {"value": 4}


def test_a_call_that_kills_its_child_is_an_error_not_a_hang():
    namespace = {"exit": lambda: os._exit(3), "f": _mutating}
    with calls.CallServer(namespace, timeout=5) as server:
        assert server.call(_call("exit"))["error"][0] == "TimeoutError"
        assert not server.alive
