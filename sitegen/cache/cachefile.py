"""The build cache's file format: data that cannot run code when loaded.

`.sitegen-cache/build.msgpack` holds what `sitegen build` keeps between runs
(the parsed sources, page digests, the files the last build made, image
sizes; see layout.py for the whole folder). It used
to be a pickle, and loading a pickle runs whatever code it names, so a file
planted there (by a pull request, say) ran on the next build. This format is
MessagePack (msgspec) holding only plain values, and tagged extensions for
the few other types sources are read into: an allowlist of sitegen's records
(built by keyword from their fields, nothing else is called), dates, tuples
and paths. Anything else refuses to load. A file that does not load is
reported and ignored, never trusted.
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone
from pathlib import Path, PurePath
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

import msgspec

from ..sources import models

RECORDS: dict[str, type] = {cls.__name__: cls for cls in (
    models.Post, models.Page, models.Service, models.Profile, models.Session, models.Notice, models.TagLink,
    models.SeriesNav)}
"""The only classes a cache file may name."""
_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls)) for cls in RECORDS.values()}

_RECORD, _DATETIME, _DATE, _TUPLE, _PATH = 1, 2, 3, 4, 5
_PLAIN = (str, int, float, bool, bytes, type(None))


class CacheFormatError(ValueError):
    """The file is not a cache this sitegen wrote."""


def dumps(value: Any) -> bytes:
    """Encode plain values, tuples, dates, paths and sitegen's records.
    RecursionError on absurd nesting, TypeError on any other type."""
    return _encoder.encode(_plain(value))


def write(file: BinaryIO, value: dict[str, Any]) -> None:
    """`file.write(dumps(value))`, a map entry at a time, and the entries of
    its mappings likewise: the whole cache (17 MB at 4,000 posts, every
    record encoded twice on the way) was in memory at once, the peak of
    every build that writes it. The bytes are `dumps`'s: msgpack's shortest
    map headers, the entries in their order."""
    file.write(_map_header(len(value)))
    for key, item in value.items():
        file.write(dumps(key))
        if type(item) is dict:
            file.write(_map_header(len(item)))
            for inner_key, inner in item.items():
                file.write(dumps(inner_key) + dumps(inner))
        else:
            file.write(dumps(item))


def _map_header(count: int) -> bytes:
    if count < 16:
        return bytes([0x80 | count])  # fixmap
    if count < 1 << 16:
        return b"\xde" + count.to_bytes(2, "big")  # map 16
    return b"\xdf" + count.to_bytes(4, "big")  # map 32


def loads(data: bytes) -> Any:
    """The inverse of `dumps`; CacheFormatError for anything it did not write."""
    try:
        return _decoder.decode(data)
    except CacheFormatError:
        raise
    except (msgspec.DecodeError, TypeError, ValueError, KeyError, IndexError, RecursionError, OverflowError) as exc:
        raise CacheFormatError(str(exc)) from None


def _plain(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list:
        return [_plain(v) for v in value]
    if kind is dict:
        return {_plain(k): _plain(v) for k, v in value.items()}
    if kind is tuple:
        return msgspec.msgpack.Ext(_TUPLE, _encoder.encode([_plain(v) for v in value]))
    if kind is datetime:
        return msgspec.msgpack.Ext(_DATETIME, _encoder.encode(_datetime_parts(value)))
    if kind is date:
        return msgspec.msgpack.Ext(_DATE, _encoder.encode(value.isoformat()))
    if isinstance(value, PurePath):
        return msgspec.msgpack.Ext(_PATH, _encoder.encode(str(value)))
    if kind in _FIELDS:
        fields = [_plain(getattr(value, name)) for name in _FIELDS[kind]]
        return msgspec.msgpack.Ext(_RECORD, _encoder.encode([kind.__name__, fields]))
    if isinstance(value, str):  # Markup and other str subclasses: their text
        return str(value)
    raise TypeError(f"the build cache cannot hold a {kind.__name__}")


def _datetime_parts(value: datetime) -> list[Any]:
    """The wall time and the zone as they were: a named zone stays named
    (dates are formatted and compared in it)."""
    zone = value.tzinfo
    if zone is None:
        tz: Any = None
    elif isinstance(zone, ZoneInfo):
        tz = zone.key
    elif isinstance(zone, timezone):
        tz = zone.utcoffset(None).total_seconds()
    else:
        raise TypeError(f"the build cache cannot hold the time zone {zone!r}")
    return [value.replace(tzinfo=None).isoformat(), value.fold, tz]


def _ext(code: int, data: memoryview) -> Any:
    inner = _decoder.decode(data)
    if code == _TUPLE and type(inner) is list:
        return tuple(inner)
    if code == _DATETIME:
        wall, fold, tz = inner
        value = datetime.fromisoformat(wall).replace(fold=fold)
        if isinstance(tz, str):
            return value.replace(tzinfo=ZoneInfo(tz))
        if isinstance(tz, (int, float)) and not isinstance(tz, bool):
            return value.replace(tzinfo=timezone(timedelta(seconds=tz)))
        if tz is None:
            return value
    elif code == _DATE and type(inner) is str:
        return date.fromisoformat(inner)
    elif code == _PATH and type(inner) is str:
        return Path(inner)
    elif code == _RECORD and type(inner) is list and len(inner) == 2:
        name, fields = inner
        cls = RECORDS.get(name) if type(name) is str else None
        if cls is not None and type(fields) is list and len(fields) == len(_FIELDS[cls]):
            return cls(**dict(zip(_FIELDS[cls], fields)))
    raise CacheFormatError(f"unexpected entry (extension {code}) in the build cache")


_encoder = msgspec.msgpack.Encoder()
_decoder = msgspec.msgpack.Decoder(ext_hook=_ext)
