"""Packing big containers of numbers for the cache records: a CJK face's
tables hold 25,000-45,000 entries, and marshal builds such dicts and lists
several times slower than arrays of 8-byte numbers are read back.

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
    return array("q", values).tobytes()


def int_array(raw: bytes) -> array[int]:
    """Packed 8-byte integers as an array."""
    a = array("q")
    a.frombytes(raw)
    return a


def _unints(raw: bytes) -> list[int]:
    return int_array(raw).tolist()


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
                    return ("df", _ints(ks), array("d", vs).tobytes())
                if all(type(x) is list and all(type(y) is int for y in x) for x in vs):
                    return ("dl", _ints(ks), _ints([len(x) for x in vs]), _ints([y for x in vs for y in x]))
        elif type(v) is list and v:
            if all(type(x) is int for x in v):
                return ("li", _ints(v))
            if all(type(x) is tuple and len(x) == 2 and type(x[0]) is int and type(x[1]) is int for x in v):
                return ("lt", _ints([x[0] for x in v]), _ints([x[1] for x in v]))
            # pairs whose first item is an int or a float: each one's type is kept
            if all(type(x) is tuple and len(x) == 2 and type(x[0]) in (int, float) and type(x[1]) is int for x in v):
                return ("lm", array("d", [x[0] for x in v]).tobytes(),
                        bytes(type(x[0]) is float for x in v), _ints([x[1] for x in v]))
    except OverflowError:
        pass
    return None


def packed_ok(packed: object) -> bool:
    """A value ``pack`` wrote: a known kind with arrays of matching lengths."""
    if type(packed) is not tuple or not packed or not all(type(x) is bytes for x in packed[1:]):
        return False
    kind, sizes = packed[0], [len(x) for x in packed[1:]]
    if any(n % 8 for n in sizes) and kind != "lm":
        return False
    if kind == "li":
        return len(sizes) == 1
    if kind in ("di", "df", "lt"):
        return len(sizes) == 2 and sizes[0] == sizes[1]
    if kind == "dl":
        return len(sizes) == 3 and sizes[0] == sizes[1] and sizes[2] % 8 == 0
    if kind == "lm":
        return len(sizes) == 3 and sizes[0] % 8 == 0 and sizes[0] == sizes[2] == 8 * sizes[1]
    return False


def unpack(packed: tuple[Any, ...]) -> dict[int, Any] | list[Any]:
    kind = packed[0]
    if kind == "di":
        return dict(zip(_unints(packed[1]), _unints(packed[2])))
    if kind == "df":
        floats = array("d")
        floats.frombytes(packed[2])
        return dict(zip(_unints(packed[1]), floats.tolist()))
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
        firsts = array("d")
        firsts.frombytes(packed[1])
        return [(a if is_float else int(a), b)
                for a, is_float, b in zip(firsts.tolist(), packed[2], _unints(packed[3]))]
    raise ValueError(kind)



class SortedMap:
    """A packed code -> value dict ("di" or "df", sorted by code) searched by bisection."""

    __slots__ = ("_codes", "_values")

    def __init__(self, packed: tuple[Any, ...]):
        self._codes = int_array(packed[1])
        self._values = array("d" if packed[0] == "df" else "q")
        self._values.frombytes(packed[2])

    def get(self, code: int) -> Any:
        i = bisect_left(self._codes, code)
        if i < len(self._codes) and self._codes[i] == code:
            return self._values[i]
        return None


class Pairs:
    """A packed "lm" pair list, each pair built when indexed."""

    __slots__ = ("_firsts", "_is_float", "_seconds")

    def __init__(self, packed: tuple[Any, ...]):
        self._firsts = array("d")
        self._firsts.frombytes(packed[1])
        self._is_float = packed[2]
        self._seconds = int_array(packed[3])

    def __len__(self) -> int:
        return len(self._seconds)

    def __getitem__(self, i: int) -> tuple[float | int, int]:
        first = self._firsts[i]
        return (first if self._is_float[i] else int(first)), self._seconds[i]


def indexable(packed: tuple[Any, ...]) -> Any:
    """A packed list as something indexable without building it (an int list
    as an array, pairs as Pairs); anything else unpacked."""
    if packed[0] == "li":
        return int_array(packed[1])
    if packed[0] == "lm":
        return Pairs(packed)
    return unpack(packed)
