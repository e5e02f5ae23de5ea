"""Validation rules said in words.

msgspec reports a text that does not match its pattern by printing the regular
expression, and an unknown enum value without the allowed ones. Every 422 says instead
what is allowed: :func:`rule_of` finds the rule of the field at a path of a wire type
(its ``description``, or an enum's or a literal's values) and :func:`in_words` rewrites
the message with it; a pattern that has no words is never printed.

Choices that people type (an application status, a document kind, a remote preference)
are :func:`choice` texts: any letter case and surrounding white space, the allowed
words in the description, one case rule everywhere.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, TypeVar

import msgspec
import msgspec.inspect as mi

E = TypeVar("E", bound=enum.Enum)

SPACE: Final = "\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""What ``str.strip()`` removes, spelled out: ``\\s`` means other things in other regex engines."""

NOT_IN_FORM: Final = "is not in the allowed form"
"""What a pattern without words says: never the pattern itself."""

_SEGMENT: Final = re.compile(r"\.?([^.\[\]]+)|\[([^\]]*)\]")


def one_of(words: Sequence[str]) -> str:
    """``a, b or c``."""
    quoted = [str(w) for w in words]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} or {quoted[-1]}"


def choice_pattern(words: Iterable[str]) -> str:
    """A pattern matching any of ``words`` in any letter case, with white space around."""
    spelled = (
        "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in w)
        for w in words
    )
    return "^[{0}]*(?:{1})[{0}]*$".format(SPACE, "|".join(spelled))


def choice_words(words: Sequence[str], note: str = "") -> str:
    """The description of a choice: its words and the case rule."""
    extra = f"; {note}" if note else ""
    return f"one of {one_of(words)} (any letter case{extra})"


def choice(words: Sequence[str]) -> msgspec.Meta:
    """The constraint of a text that is one of ``words``, in any letter case."""
    return msgspec.Meta(pattern=choice_pattern(words), description=choice_words(words))


def chosen(kind: type[E], text: str) -> E:
    """The member of ``kind`` whose value ``text`` spells, in any letter case."""
    wanted = text.strip().lower()
    for member in kind:
        if str(member.value).lower() == wanted:
            return member
    raise ValueError(f"{text!r} is not a {kind.__name__}")


# --------------------------------------------------------------------------- rules


def _alternatives(info: mi.Type) -> Iterator[mi.Type]:
    """``info`` and, through unions and metadata, every type it may be."""
    if isinstance(info, mi.UnionType):
        for member in info.types:
            yield from _alternatives(member)
    elif isinstance(info, mi.Metadata):
        yield info
        yield from _alternatives(info.type)
    else:
        yield info


def _step(info: mi.Type, name: str | None, index: str | None) -> list[mi.Type]:
    found: list[mi.Type] = []
    for alt in _alternatives(info):
        if name is not None and isinstance(alt, mi.StructType | mi.DataclassType):
            found += [f.type for f in alt.fields if name in (f.name, f.encode_name)]
        elif index is not None and isinstance(alt, mi.ListType | mi.SetType | mi.VarTupleType):
            found.append(alt.item_type)
        elif name is not None and isinstance(alt, mi.DictType):
            found.append(alt.value_type)
    return found


def _rule(info: mi.Type) -> str | None:
    for alt in _alternatives(info):
        if isinstance(alt, mi.Metadata) and alt.extra_json_schema:
            description = alt.extra_json_schema.get("description")
            if description:
                return str(description)
        if isinstance(alt, mi.EnumType):
            return f"one of {one_of([str(m.value) for m in alt.cls])}"
        if isinstance(alt, mi.LiteralType):
            return f"one of {one_of([str(v) for v in alt.values])}"
    return None


def rule_of(annotation: Any, path: str) -> str | None:
    """The rule, in words, of the field at ``path`` (``a.b[0].c``) of ``annotation``."""
    try:
        infos = [mi.type_info(annotation)]
    except (TypeError, ValueError):
        return None
    for match in _SEGMENT.finditer(path):
        infos = [t for info in infos for t in _step(info, match.group(1), match.group(2))]
    for info in infos:
        if rule := _rule(info):
            return rule
    return None


def in_words(message: str, rule: str | None) -> str:
    """``message`` with a regular expression replaced by ``rule``, and an unknown
    enum value followed by the allowed ones."""
    if "regex" in message:
        return f"must be {rule}" if rule else NOT_IN_FORM
    if rule and ("timezone component" in message or message.startswith("Invalid RFC3339")):
        return f"must be {rule}"
    if message.startswith("Invalid enum value") and rule:
        return f"{message}: must be {rule}"
    return message
