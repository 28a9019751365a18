"""A safe, typed serializer for answer values: data crosses, code never does.

The learner's process hands the values a test needs to the checker through this module.
Only plain data is encoded: None, bools, numbers, strings, bytes, dates and times,
lists / tuples / dicts / sets of these, numpy arrays and scalars of plain dtypes, and
pandas Series / DataFrame / Index of those. Library modules, functions and classes travel
as *names* that the checker resolves in its own pristine modules. Anything else (an
object of a learner-defined class, a statsmodels result, a figure) raises
``NotTransferable``. Decoding builds only those types, so a hostile payload is at worst
a wrong answer: nothing here is ``pickle``, nothing calls a class the payload names.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import math
import sys
import types
from collections import Counter, OrderedDict
from pathlib import PurePath

import numpy as np
import pandas as pd

MAX_DEPTH = 40
MAX_ITEMS = 5_000_000  # elements across one value: a bound on time and memory


class NotTransferable(Exception):
    """The value is not plain data (its type name is the message)."""


class _Budget:
    def __init__(self, references: bool = True) -> None:
        self.items = 0
        self.references = references

    def spend(self, count: int) -> None:
        self.items += count
        if self.items > MAX_ITEMS:
            raise NotTransferable("too large")


def encode(value, depth: int = 0, budget: _Budget | None = None, *, references: bool = True):
    """Plain data as JSON-ready structures; ``NotTransferable`` for anything else.

    ``references=False`` (values coming *from* a learner) refuses modules, functions and
    classes too: the checker must never call library code a learner chose; such values
    become handles answered in the learner's process instead (``calls.py``).
    """
    budget = budget or _Budget(references)
    if depth > MAX_DEPTH:
        raise NotTransferable("too deep")
    budget.spend(1)
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return value if abs(value) < 2**53 else {"$": "bigint", "v": str(value)}
    if kind is float:
        return value if math.isfinite(value) else {"$": "float", "v": repr(value)}
    if kind in (list, tuple, set, frozenset):
        budget.spend(len(value))
        items = [encode(v, depth + 1, budget) for v in value]
        return {"$": kind.__name__, "v": items}
    if kind in (dict, OrderedDict, Counter):
        budget.spend(len(value))
        return {
            "$": "dict",
            "type": kind.__name__,
            "k": [encode(k, depth + 1, budget) for k in value],
            "v": [encode(v, depth + 1, budget) for v in value.values()],
        }
    if isinstance(value, dict) and kind.__module__ == "collections":  # defaultdict
        return encode(dict(value), depth, budget)
    if kind is bytes:
        return {"$": "bytes", "v": base64.b64encode(value).decode()}
    if kind is complex:
        return {"$": "complex", "v": [value.real, value.imag]}
    if kind is decimal.Decimal:
        return {"$": "decimal", "v": str(value)}
    if isinstance(value, PurePath) and kind.__module__ == "pathlib":
        return {"$": "path", "v": str(value)}
    if kind is pd.Timestamp:
        return {"$": "timestamp", "v": value.isoformat()} if value is not pd.NaT else {"$": "nat"}
    if value is pd.NaT:
        return {"$": "nat"}
    if value is pd.NA:
        return {"$": "na"}
    if kind is pd.Interval:
        ends = [encode(value.left, depth + 1, budget), encode(value.right, depth + 1, budget)]
        return {"$": "interval", "v": ends, "closed": value.closed}
    if kind is pd.Period:
        return {"$": "period", "v": str(value), "freq": value.freqstr}
    if kind is pd.Timedelta:
        return {"$": "timedelta64", "v": int(value.value)}
    if kind is dt.datetime:
        return {"$": "datetime", "v": value.isoformat()}
    if kind is dt.date:
        return {"$": "date", "v": value.isoformat()}
    if kind is dt.time:
        return {"$": "time", "v": value.isoformat()}
    if kind is dt.timedelta:
        return {"$": "timedelta", "v": [value.days, value.seconds, value.microseconds]}
    if isinstance(value, np.generic) and kind.__module__ == "numpy":
        return {"$": "npscalar", "v": _array(np.asarray(value), budget)}
    if kind is np.ndarray:
        return {"$": "ndarray", "v": _array(value, budget)}
    if kind is pd.Series:
        return {
            "$": "series",
            "name": encode(value.name, depth + 1, budget),
            "index": _index(value.index, depth, budget),
            "values": _column(value, depth, budget),
        }
    if kind is pd.DataFrame:
        return {
            "$": "frame",
            "columns": _index(value.columns, depth, budget),
            "index": _index(value.index, depth, budget),
            "data": [_column(value.iloc[:, i], depth, budget) for i in range(value.shape[1])],
        }
    if isinstance(value, pd.Index) and kind.__module__.startswith("pandas"):
        return {"$": "index", "v": _index(value, depth, budget)}
    reference = _reference(value) if budget.references else None
    if reference is not None:
        return reference
    raise NotTransferable(f"{kind.__module__}.{kind.__qualname__}")


def _reference(value):
    """Library modules, functions and classes travel by name, never by content."""
    if isinstance(value, types.ModuleType):
        return {"$": "module", "v": value.__name__}
    if isinstance(value, (types.FunctionType, types.BuiltinFunctionType, type, np.ufunc)):
        module = getattr(value, "__module__", None)
        qualname = getattr(value, "__qualname__", None) or getattr(value, "__name__", None)
        if module and qualname and module != "__main__" and "<" not in qualname:
            return {"$": "ref", "module": module, "name": qualname}
    return None


def _array(array: np.ndarray, budget: _Budget):
    budget.spend(array.size)
    if array.dtype.kind in "biufcmM":  # numbers, booleans, datetimes: raw bytes
        data = np.ascontiguousarray(array)
        return {
            "dtype": array.dtype.str,
            "shape": list(array.shape),
            "b": base64.b64encode(data.tobytes()).decode(),
        }
    if array.dtype.kind in "US":
        return {"dtype": array.dtype.str, "shape": list(array.shape), "list": array.tolist()}
    if array.dtype.kind == "O":
        flat = [encode(v, 1, budget) for v in array.ravel(order="C")]
        return {"dtype": "O", "shape": list(array.shape), "objects": flat}
    raise NotTransferable(f"numpy dtype {array.dtype}")


def _column(series: pd.Series, depth: int, budget: _Budget):
    dtype = series.dtype
    if isinstance(dtype, np.dtype):
        return {"array": _array(series.to_numpy(), budget)}
    if isinstance(dtype, pd.CategoricalDtype):
        return {
            "categorical": _index(dtype.categories, depth, budget),
            "ordered": bool(dtype.ordered),
            "codes": _array(np.asarray(series.cat.codes), budget),
        }
    if isinstance(dtype, pd.DatetimeTZDtype):
        # Per-element Timestamps cost seconds on a GPS log; the instants as int64 plus
        # the zone name rebuild the same column (NaT is int64's minimum, as in pandas).
        instants = series.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy()
        return {"tz": str(dtype.tz), "unit": dtype.unit, "array": _array(instants, budget)}
    objects = series.astype(object).to_numpy()
    if isinstance(dtype, pd.StringDtype):
        # Strings and missing values only: a plain JSON list, not one tagged value each.
        budget.spend(len(objects))
        strings = [None if v is None or v is pd.NA or v != v else v for v in objects]
        if all(v is None or type(v) is str for v in strings):
            return {"extension": str(dtype), "strings": strings}
    return {"extension": str(dtype), "array": _array(objects, budget)}


def _index(index: pd.Index, depth: int, budget: _Budget):
    names = [encode(n, depth + 1, budget) for n in index.names]
    if type(index) is pd.RangeIndex:
        return {"range": [index.start, index.stop, index.step], "names": names}
    if isinstance(index, pd.MultiIndex):
        tuples = [encode(t, depth + 1, budget) for t in index]
        return {"multi": tuples, "names": names}
    return {"values": _column(pd.Series(index, copy=False), depth, budget), "names": names}


# ------------------------------------------------------------------ decoding


def decode(data):
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):  # never produced by encode; tolerate as a list
        return [decode(v) for v in data]
    tag = data.get("$")
    v = data.get("v")
    if tag in ("list", "tuple", "set", "frozenset"):
        items = [decode(x) for x in v]
        return {"list": list, "tuple": tuple, "set": set, "frozenset": frozenset}[tag](items)
    if tag == "dict":
        pairs = zip((decode(k) for k in data["k"]), (decode(x) for x in v), strict=True)
        kind = {"Counter": Counter, "OrderedDict": OrderedDict}.get(data.get("type"), dict)
        return kind(dict(pairs))
    simple = {
        "bigint": lambda: int(v),
        "float": lambda: float(v),
        "bytes": lambda: base64.b64decode(v),
        "complex": lambda: complex(*v),
        "decimal": lambda: decimal.Decimal(v),
        "path": lambda: __import__("pathlib").Path(v),
        "timestamp": lambda: pd.Timestamp(v),
        "nat": lambda: pd.NaT,
        "na": lambda: pd.NA,
        "timedelta64": lambda: pd.Timedelta(v, unit="ns"),
        "datetime": lambda: dt.datetime.fromisoformat(v),
        "date": lambda: dt.date.fromisoformat(v),
        "time": lambda: dt.time.fromisoformat(v),
        "timedelta": lambda: dt.timedelta(*v),
        "npscalar": lambda: _decode_array(v)[()],
        "ndarray": lambda: _decode_array(v),
        "index": lambda: _decode_index(v),
        "module": lambda: _resolve_module(v),
        "ref": lambda: _resolve(data["module"], data["name"]),
    }
    if tag in simple:
        return simple[tag]()
    if tag == "interval":
        closed = data.get("closed")
        if closed not in ("left", "right", "both", "neither"):
            raise ValueError("bad interval")
        return pd.Interval(decode(v[0]), decode(v[1]), closed=closed)
    if tag == "period":
        return pd.Period(str(v), freq=str(data.get("freq")))
    if tag == "series":
        index = _decode_index(data["index"])
        return pd.Series(_decode_column(data["values"]), index=index, name=decode(data["name"]))
    if tag == "frame":
        columns = _decode_index(data["columns"])
        index = _decode_index(data["index"])
        frame = pd.DataFrame(
            {i: _decode_column(c) for i, c in enumerate(data["data"])}, index=index
        )
        frame.columns = columns
        return frame
    raise ValueError(f"unknown value tag {tag!r}")


def _decode_array(data) -> np.ndarray:
    shape = tuple(data["shape"])
    if "b" in data:
        dtype = np.dtype(data["dtype"])
        if dtype.kind not in "biufcmM":
            raise ValueError("unexpected dtype")
        return np.frombuffer(base64.b64decode(data["b"]), dtype=dtype).reshape(shape).copy()
    if "list" in data:
        return np.array(data["list"], dtype=np.dtype(data["dtype"])).reshape(shape)
    array = np.empty(len(data["objects"]), dtype=object)
    array[:] = [decode(v) for v in data["objects"]] or []
    return array.reshape(shape)


def _decode_column(data):
    if "categorical" in data:
        categories = _decode_index(data["categorical"])
        codes = _decode_array(data["codes"])
        return pd.Categorical.from_codes(codes, categories=categories, ordered=data["ordered"])
    if "tz" in data:
        instants = _decode_array(data["array"])
        if instants.dtype.kind != "M":
            raise ValueError("unexpected dtype")
        dtype = pd.DatetimeTZDtype(unit=str(data["unit"]), tz=str(data["tz"]))
        local = pd.DatetimeIndex(instants).tz_localize("UTC").tz_convert(dtype.tz)
        return pd.array(local.as_unit(dtype.unit))
    if "strings" in data:
        strings = data["strings"]
        if not all(v is None or type(v) is str for v in strings):
            raise ValueError("not strings")
        return pd.array(strings, dtype=pd.StringDtype(*_string_dtype(data["extension"])))
    array = _decode_array(data["array"])
    if "extension" in data:
        return pd.array(array, dtype=data["extension"])
    return array


def _string_dtype(name: str) -> tuple:
    """The (storage, na_value) of a StringDtype from its name, never anything else."""
    names = {str(dtype): dtype for dtype in _STRING_DTYPES}
    if name not in names:
        raise ValueError("unexpected string dtype")
    return names[name].storage, names[name].na_value


_STRING_DTYPES = [pd.StringDtype("python"), pd.StringDtype("python", na_value=np.nan)]
try:
    _STRING_DTYPES += [pd.StringDtype("pyarrow"), pd.StringDtype("pyarrow", na_value=np.nan)]
except ImportError:  # no pyarrow
    pass


def _decode_index(data) -> pd.Index:
    names = [decode(n) for n in data["names"]]
    if "range" in data:
        return pd.RangeIndex(*data["range"], name=names[0])
    if "multi" in data:
        return pd.MultiIndex.from_tuples([decode(t) for t in data["multi"]], names=names)
    return pd.Index(_decode_column(data["values"]), name=names[0], tupleize_cols=False)


def _resolve_module(name: str):
    module = sys.modules.get(name)
    if module is None:  # only modules already imported by the pristine process resolve
        raise NotTransferable(name)
    return module


def _resolve(module_name: str, qualname: str):
    value = _resolve_module(module_name)
    for part in qualname.split("."):
        value = getattr(value, part)
    return value
