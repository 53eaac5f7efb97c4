"""Spaces and their elements between Gymnasium (NumPy) and the JSON of ``bdt-gym serve``.

The server describes a space by its ``toJSON()`` form (env/spaces/*.ts) and sends elements as
plain lists and objects; these functions turn them into ``gymnasium.spaces`` and NumPy values
and back. Non-finite space bounds arrive as the strings "Infinity", "-Infinity", "NaN"
(env/spaces/json-number.ts); non-finite values inside elements as JSON's bare NaN tokens, which
Python's ``json`` reads and writes by default.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from gymnasium import spaces

_NON_FINITE = {"Infinity": np.inf, "-Infinity": -np.inf, "NaN": np.nan}


def _number(x: Any) -> Any:
    """A bound: a number, a non-finite one spelled as a string, or a list of them."""
    if isinstance(x, list):
        return [_number(v) for v in x]
    return _NON_FINITE.get(x, x) if isinstance(x, str) else x


def _bound(j: dict[str, Any], name: str) -> np.ndarray:
    """A Box's ``low`` or ``high`` in its shape: it arrives as one number for every element, or
    as one per element in a flat list, whatever the shape (encodeNumbers in env/spaces/json-number.ts)."""
    dtype, shape = np.dtype(j["dtype"]), tuple(j["shape"])
    bound = np.asarray(_number(j[name]), dtype=dtype)
    if bound.ndim == 0:
        return np.full(shape, bound, dtype=dtype)
    if bound.size != int(np.prod(shape)):
        raise ValueError(f"bdt_gym: a Box of shape {list(shape)} from the server has {bound.size} {name} bounds (one, or one per element)")
    return bound.reshape(shape)


def space_from_json(j: dict[str, Any]) -> spaces.Space[Any]:
    """The Gymnasium space of a bdt-gym space's ``toJSON()`` form."""
    kind = j["type"]
    if kind == "Box":
        return spaces.Box(low=_bound(j, "low"), high=_bound(j, "high"), shape=tuple(j["shape"]), dtype=np.dtype(j["dtype"]))
    if kind == "Discrete":
        return spaces.Discrete(j["n"], start=j.get("start", 0))
    if kind == "MultiDiscrete":
        return spaces.MultiDiscrete(np.asarray(j["nvec"], dtype=np.int64), start=np.asarray(j.get("start", [0] * len(j["nvec"])), dtype=np.int64))
    if kind == "MultiBinary":
        shape = j["shape"]
        return spaces.MultiBinary(shape[0] if len(shape) == 1 else shape)
    if kind == "Dict":
        # a sequence of pairs keeps the server's key order (a plain dict would be sorted)
        return spaces.Dict([(key, space_from_json(s)) for key, s in zip(j["keys"], j["spaces"])])
    if kind == "Tuple":
        return spaces.Tuple([space_from_json(s) for s in j["spaces"]])
    raise ValueError(f"bdt_gym: unknown space type {kind!r} from the server")


def element_from_json(space: spaces.Space[Any], value: Any) -> Any:
    """An observation (or action) of ``space`` from its JSON form."""
    if isinstance(space, spaces.Box):
        return np.asarray(value, dtype=space.dtype).reshape(space.shape)
    if isinstance(space, (spaces.MultiDiscrete, spaces.MultiBinary)):
        return np.asarray(value, dtype=space.dtype).reshape(space.shape)
    if isinstance(space, spaces.Discrete):
        return np.int64(value)
    if isinstance(space, spaces.Dict):
        return {key: element_from_json(sub, value[key]) for key, sub in space.spaces.items()}
    if isinstance(space, spaces.Tuple):
        return tuple(element_from_json(sub, v) for sub, v in zip(space.spaces, value))
    raise TypeError(f"bdt_gym: cannot read elements of {space}")


def to_json_data(value: Any, bools_as_numbers: bool = False) -> Any:
    """An action, keyword arguments or reset options as JSON data: NumPy arrays as (nested)
    lists, NumPy scalars as Python numbers, tuples as lists (``json`` refuses NumPy values).

    Nothing is cast, but booleans with ``bools_as_numbers`` (an action's, which NumPy and
    Gymnasium's ``contains`` read as 0 and 1): a fractional entry of an integer space reaches the
    server as it is and is refused there with its place named, rather than truncated here.
    """
    if isinstance(value, np.ndarray):
        return (value.astype(np.int64) if bools_as_numbers and value.dtype == np.bool_ else value).tolist()
    if isinstance(value, (bool, np.bool_)) and bools_as_numbers:
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dict):
        return {key: to_json_data(v, bools_as_numbers) for key, v in value.items()}
    if isinstance(value, (tuple, list)):
        return [to_json_data(v, bools_as_numbers) for v in value]
    return value


def non_json_value(data: Any, path: tuple[str | int, ...] = (), expected: str = "a number") -> str | None:
    """Where JSON data (from ``to_json_data``) holds a value JSON cannot carry (an entry of an
    object or complex array), as ``key 'inferenceShare': element [0] has type complex, not a number``
    (``expected`` says what it should be); None when it has none."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return None
    if isinstance(data, (dict, list)):
        for key, value in data.items() if isinstance(data, dict) else enumerate(data):
            why = non_json_value(value, (*path, key), expected)
            if why is not None:
                return why
        return None
    keys = "".join(f"key {key!r}: " for key in path if isinstance(key, str))
    indices = "".join(f"[{i}]" for i in path if isinstance(i, int))
    return f"{keys}{f'element {indices} ' if indices else ''}has type {type(data).__name__}, not {expected}"


#: What ``non_json_value`` says an argument (not an action entry) should be.
JSON_DATA = "JSON data (a number, string, boolean, None, list or dict)"


def json_arguments(data: Any, what: str) -> Any:
    """``to_json_data(data)``, or a TypeError naming the first value JSON cannot carry: for
    keyword arguments, checked before a server starts for them (``json`` names only the type)."""
    converted = to_json_data(data)
    why = non_json_value(converted, expected=JSON_DATA)
    if why is not None:
        raise TypeError(f"{what}: {why}")
    return converted


def shape_mismatch(space: spaces.Space[Any], action: Any) -> str | None:
    """Why ``action`` has the wrong shape for ``space`` (a Dict's arrays, key by key), or None.

    The server reads an action as a flat list per key, so a transposed or flattened array would
    pass there and send values to the wrong env or device; only the shape here can tell."""
    if isinstance(space, spaces.Dict):
        if not isinstance(action, dict):
            return None  # the server names what is wrong with it
        for key, subspace in space.spaces.items():
            if key in action:
                why = shape_mismatch(subspace, action[key])
                if why is not None:
                    return f"key {key!r}: {why}"
        return None
    if isinstance(space, (spaces.Box, spaces.MultiDiscrete, spaces.MultiBinary)):
        shape = np.shape(action)
        if shape != space.shape:
            return f"shape {shape}, expected {space.shape}"
    return None

