"""Packing big containers of numbers for the cache records: a CJK face's
tables hold 25,000-45,000 entries, and marshal builds such dicts and lists
several times slower than arrays of numbers are read back. Each array is
stored as its type code (one byte: "i" 4-byte or "q" 8-byte integers, "d"
doubles) and its items, integers in 4 bytes where they fit: the records are
read, checked and decoded at every start.

``pack(value)`` gives a tuple (kind, arrays as bytes...) or None for values
it does not pack; ``packed_ok`` checks a stored one's shape before use;
``unpack`` gives the value back, of the same types. ``SortedMap`` and
``Pairs`` read a packed dict or pair list without building it.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable
from typing import Any


def _ints(values: Iterable[int]) -> bytes:
    items = array("q", values)
    if items and -(2**31) <= min(items) and max(items) < 2**31:
        return b"i" + array("i", items).tobytes()
    return b"q" + items.tobytes()


def _floats(values: Iterable[float]) -> bytes:
    return b"d" + array("d", values).tobytes()


def _count(raw: object, codes: str = "iq") -> int | None:
    """How many items a stored array holds; None when it is not one of ``codes``."""
    if type(raw) is not bytes or not raw or chr(raw[0]) not in codes:
        return None
    size = array(chr(raw[0])).itemsize
    return (len(raw) - 1) // size if (len(raw) - 1) % size == 0 else None


def _load(raw: bytes) -> array[Any]:
    items = array(chr(raw[0]))
    items.frombytes(memoryview(raw)[1:])
    return items


def int_array(raw: bytes) -> array[int]:
    """8-byte integers written by ``array("q").tobytes()`` as an array."""
    a = array("q")
    a.frombytes(raw)
    return a


def _unints(raw: bytes) -> list[int]:
    values: list[int] = _load(raw).tolist()
    return values


def pack(v: Any) -> tuple[Any, ...] | None:
    """Int-keyed dicts of ints, floats or int lists; lists of ints, of int pairs,
    or of (int or float, int) pairs, as packed arrays; None for anything else."""
    try:
        if type(v) is dict and v:
            ks, vs = list(v), list(v.values())
            if all(type(k) is int for k in ks):
                if all(type(x) is int for x in vs):
                    return ("di", _ints(ks), _ints(vs))
                if all(type(x) is float for x in vs):
                    return ("df", _ints(ks), _floats(vs))
                if all(type(x) is list and all(type(y) is int for y in x) for x in vs):
                    return ("dl", _ints(ks), _ints([len(x) for x in vs]), _ints([y for x in vs for y in x]))
        elif type(v) is list and v:
            if all(type(x) is int for x in v):
                return ("li", _ints(v))
            if all(type(x) is tuple and len(x) == 2 and type(x[0]) is int and type(x[1]) is int for x in v):
                return ("lt", _ints([x[0] for x in v]), _ints([x[1] for x in v]))
            # pairs whose first item is an int or a float: each one's type is kept
            if all(type(x) is tuple and len(x) == 2 and type(x[0]) in (int, float) and type(x[1]) is int for x in v):
                return ("lm", _floats([x[0] for x in v]), bytes(type(x[0]) is float for x in v),
                        _ints([x[1] for x in v]))
    except OverflowError:
        pass
    return None


def packed_ok(packed: object) -> bool:
    """A value ``pack`` wrote: a known kind with arrays of the right types and lengths."""
    if type(packed) is not tuple or not packed:
        return False
    kind, parts = packed[0], packed[1:]
    if kind == "li":
        return len(parts) == 1 and _count(parts[0]) is not None
    if kind in ("di", "lt", "df"):
        if len(parts) != 2:
            return False
        n = _count(parts[0])
        return n is not None and n == _count(parts[1], "d" if kind == "df" else "iq")
    if kind == "dl":
        return (len(parts) == 3 and _count(parts[0]) is not None and _count(parts[0]) == _count(parts[1])
                and _count(parts[2]) is not None)
    if kind == "lm":
        if len(parts) != 3 or type(parts[1]) is not bytes:
            return False
        n = _count(parts[0], "d")
        return n is not None and n == len(parts[1]) == _count(parts[2])
    return False


def unpack(packed: tuple[Any, ...]) -> dict[int, Any] | list[Any]:
    kind = packed[0]
    if kind == "di":
        return dict(zip(_unints(packed[1]), _unints(packed[2])))
    if kind == "df":
        return dict(zip(_unints(packed[1]), _load(packed[2]).tolist()))
    if kind == "dl":
        flat, out, i = _unints(packed[3]), {}, 0
        for k, n in zip(_unints(packed[1]), _unints(packed[2])):
            out[k] = flat[i:i + n]
            i += n
        return out
    if kind == "li":
        return _unints(packed[1])
    if kind == "lt":
        return list(zip(_unints(packed[1]), _unints(packed[2])))
    if kind == "lm":
        return [(a if is_float else int(a), b)
                for a, is_float, b in zip(_load(packed[1]).tolist(), packed[2], _unints(packed[3]))]
    raise ValueError(kind)



class SortedMap:
    """A packed code -> value dict ("di" or "df", sorted by code) searched by bisection."""

    __slots__ = ("_codes", "_values")

    def __init__(self, packed: tuple[Any, ...]):
        self._codes = _load(packed[1])
        self._values = _load(packed[2])

    def get(self, code: int) -> Any:
        i = bisect_left(self._codes, code)
        if i < len(self._codes) and self._codes[i] == code:
            return self._values[i]
        return None


class Pairs:
    """A packed "lm" pair list, each pair built when indexed."""

    __slots__ = ("_firsts", "_is_float", "_seconds")

    def __init__(self, packed: tuple[Any, ...]):
        self._firsts = _load(packed[1])
        self._is_float = packed[2]
        self._seconds = _load(packed[3])

    def __len__(self) -> int:
        return len(self._seconds)

    def __getitem__(self, i: int) -> tuple[float | int, int]:
        first = self._firsts[i]
        return (first if self._is_float[i] else int(first)), self._seconds[i]


def indexable(packed: tuple[Any, ...]) -> Any:
    """A packed list as something indexable without building it (an int list
    as an array, pairs as Pairs); anything else unpacked."""
    if packed[0] == "li":
        return _load(packed[1])
    if packed[0] == "lm":
        return Pairs(packed)
    return unpack(packed)
