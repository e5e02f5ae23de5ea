"""What every request passes before a handler sees it, whatever the route.

- **Nesting.** A JSON body nests arrays and objects at most :data:`MAX_DEPTH` deep; a
  deeper one is a 400, found by a scan of the bytes before anything decodes them
  (decoders recurse, and a few kilobytes of ``[`` exhaust the stack).
- **Two spellings.** A body that takes a field under two names (``email``/``email_id``)
  must not send both with different values (:func:`agree_spellings`).
- **NUL.** No text holds the NUL character (U+0000): not a body's strings or keys, not a
  query or path parameter. PostgreSQL cannot store it, so it is refused as a 422 naming
  the field, on every store alike.
- **Plain integers in paths.** An integer path parameter is written in ASCII digits,
  a minus sign at most before them (:func:`plain_path_integers`). Python's ``int()``,
  which routing uses, also reads `` 7``, ``+7``, ``1_0`` and other scripts' digits
  (``٣``, an Arabic-Indic three), which would make many paths name one resource;
  such a path is a 404, as ``/jobs/abc`` is.

The scans cost next to nothing on ordinary bodies: a body with fewer brackets than the
bound, or without the six bytes ``\\u0000``, is passed after a substring search.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Final

import msgspec
from litestar.connection import ASGIConnection
from litestar.exceptions import ClientException, ValidationException
from msgspec import NODEFAULT, UNSET

from skael_core.errors import InvalidInput

MAX_DEPTH: Final = 32
"""How deep a JSON body may nest arrays and objects."""

NUL: Final = "\x00"
NUL_MESSAGE: Final = "must not contain the NUL character (U+0000)"
TOO_DEEP: Final = f"the body is nested too deeply: at most {MAX_DEPTH} levels of arrays and objects"

_STRING: Final = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS: Final = bytes(b for b in range(256) if b not in b"[]{}")
_SQUARE: Final = bytes.maketrans(b"{}", b"[]")


def nesting_exceeds(body: bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether the JSON text ``body`` nests arrays and objects more than ``limit`` deep.

    Strings are cut out (their brackets are text) and every byte but a bracket is
    dropped; then the innermost pairs are removed, one level a round. Pairs left after
    ``limit`` rounds, or more than ``limit`` brackets never closed, are too deep. (A
    malformed body within the bound is left to the decoder, which refuses it.)
    """
    if body.count(b"[") + body.count(b"{") <= limit:
        return False
    brackets = _STRING.sub(b"", body).translate(_SQUARE, _NOT_BRACKETS)
    for _ in range(limit):
        inner = brackets.replace(b"[]", b"")
        if inner == brackets:
            break
        brackets = inner
    return b"[]" in brackets or brackets.count(b"[") > limit


def _items(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and NUL in key:
                yield (path or "body"), key
            yield where, item
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield f"{path}[{index}]", item


def nul_field(value: Any) -> str | None:
    """The path (``a.b[0]``) of the first text in decoded JSON ``value`` holding NUL."""
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return path.replace(NUL, "\\u0000") or "body"
        elif isinstance(item, Mapping | list):
            stack.extend(reversed(list(_items(item, path))))
    return None


def may_hold_nul(body: bytes) -> bool:
    """Whether a JSON text may hold a NUL: only as the escape ``\\u0000``."""
    return b"\\u0000" in body


def refuse_deep(body: bytes) -> None:
    if nesting_exceeds(body):
        raise ClientException(detail=TOO_DEEP)


def refuse_nul(field: str | None, source: str) -> None:
    if field is not None:
        raise ValidationException(extra=[{"message": NUL_MESSAGE, "key": field, "source": source}])


def nul_parameter(connection: ASGIConnection[Any, Any, Any, Any]) -> tuple[str, str] | None:
    """The first query or path parameter holding NUL, and where it is."""
    if connection.scope.get("query_string"):
        for name, value in connection.query_params.multi_items():
            if NUL in name or NUL in value:
                return name.replace(NUL, "\\u0000"), "query"
    for name, value in (connection.scope.get("path_params") or {}).items():
        if isinstance(value, str) and NUL in value:
            return name, "path"
    return None


def screen_parameters(connection: ASGIConnection[Any, Any, Any, Any]) -> None:
    """No query or path parameter holds NUL (a 422 names it)."""
    found = nul_parameter(connection)
    if found is not None:
        refuse_nul(*found)


_PLAIN_INTEGER: Final = re.compile(r"-?[0-9]+")


def plain_path_integers(scope: Mapping[str, Any]) -> bool:
    """Whether every integer parameter of the routed path (``scope``'s ``path_params``
    placed by its ``path_template``) is written ``-?[0-9]+``."""
    params: Mapping[str, Any] = scope.get("path_params") or {}
    if not any(type(value) is int for value in params.values()):
        return True
    names = str(scope.get("path_template") or "").split("/")
    given = str(scope.get("path") or "").split("/")
    if len(names) != len(given):
        return True  # a path Litestar reshaped (a mount): its own parsing stands
    for name, text in zip(names, given, strict=True):
        integer = name[:1] == "{" and type(params.get(name[1:-1])) is int
        if integer and _PLAIN_INTEGER.fullmatch(text) is None:
            return False
    return True


def _sent(value: Any, default: Any) -> bool:
    return value is not UNSET and value is not NODEFAULT and value != default


def _differs(other: str) -> str:
    return f"differs from {other}, its other spelling: send one of them"


def agree_spellings(body: msgspec.Struct, spellings: Iterable[tuple[str, str]]) -> None:
    """Each pair names one field twice (the contract's name and its alias): sending both
    with different values is a 422 naming both; equal values, or one of them, are fine."""
    defaults = {f.name: f.default for f in msgspec.structs.fields(body)}
    for name, alias in spellings:
        value, other = getattr(body, name), getattr(body, alias)
        both = _sent(value, defaults.get(name)) and _sent(other, defaults.get(alias))
        if both and value != other:
            raise InvalidInput({name: _differs(alias), alias: _differs(name)})
