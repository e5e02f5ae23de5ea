"""The ranking index's passes over every row, compiled (numba).

Stage A of :mod:`.ranking_index` reads each row of a segment once per request. Written
as numpy expressions it took about twenty passes over the columns, each with its own
temporary array (a million rows: some 200 MB moved for one request); here it is one
loop that reads each row's columns once and writes its four codes. The loops release
the GIL, and are compiled on first use (or read from numba's cache next to this file);
:func:`warm` compiles them ahead, which the index does while it loads.

Every function takes and fills arrays the caller made: nothing here keeps state.
"""

from __future__ import annotations

from collections.abc import Sequence

import numba
import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]
U16 = npt.NDArray[np.uint16]
I32 = npt.NDArray[np.int32]
I64 = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


@numba.njit(cache=True, nogil=True)
def _add(counts: U8, rows: I32, times: int) -> None:
    for r in rows:
        counts[r] += times


@numba.njit(cache=True, nogil=True)
def _stage_a(
    skill_count: U8,
    held: U8,
    skill_stride: int,
    skill_table: U8,
    skill_floor: U8,
    skill_less: Bools,
    skill_unknown: int,
    title_weight: U8,
    shared: U8,
    title_stride: int,
    title_table: U8,
    title_floor: U8,
    has_title: Bools,
    title_unknown: int,
    place_key: I32,
    has_keys: Bools,
    hit: U8,
    place_table: U8,
    fresh_key: U16,
    fresh_table: I32,
    bound_table: U8,
    place_step: int,
    skill_step: int,
    mask: Bools,
    skilled: bool,
    titled: bool,
    keyed: bool,
    masked: bool,
    sk: U8,
    ti: U8,
    place: U8,
    a: U8,
) -> None:
    # Without branches on a row's values: a choice between two codes is taken by
    # arithmetic, so rows in any order cost the same (a mispredicted branch per row
    # cost more than the rest of the row).
    unskilled, untitled = not skilled, not titled
    for i in range(len(a)):
        s = max(skill_table[skill_count[i] * skill_stride + held[i]], skill_floor[i])
        s += (skill_unknown - s) * (skill_less[i] | unskilled)
        t = max(title_table[title_weight[i] * title_stride + shared[i]], title_floor[i])
        t += (title_unknown - t) * ((not has_title[i]) | untitled)
        state = 2 - (keyed & has_keys[i]) * (2 - hit[i])  # 0 missed, 1 hit, 2 unknown
        p = place_table[place_key[i] * 3 + state]
        sk[i] = s
        ti[i] = t
        place[i] = p
        bound = bound_table[p * place_step + s * skill_step + t + fresh_table[fresh_key[i]]]
        a[i] = bound * mask[i] if masked else bound


def add_rows(counts: U8, rows: I32, times: int = 1) -> None:
    """``counts[r] += times`` for each ``r`` of ``rows`` (a row listed twice counts twice)."""
    _add(counts, rows, times)


def stage_a(
    *,
    skill_count: U8,
    held: U8,
    skill_stride: int,
    skill_table: U8,
    skill_floor: U8,
    skill_less: Bools,
    skill_unknown: int,
    title_weight: U8,
    shared: U8,
    title_stride: int,
    title_table: U8,
    title_floor: U8,
    has_title: Bools,
    title_unknown: int,
    place_key: I32,
    has_keys: Bools,
    hit: U8,
    place_tables: Sequence[U8],
    fresh_key: U16,
    fresh_table: I32,
    bound_table: U8,
    place_step: int,
    skill_step: int,
    mask: Bools | None,
    skilled: bool,
    titled: bool,
    keyed: bool,
) -> tuple[U8, U8, U8, U8]:
    """Each row's skills, title and location codes and its stage-A bound.

    Skills: ``skill_table[skill_count * skill_stride + held]``, raised to
    ``skill_floor``; ``skill_unknown`` for a row in ``skill_less`` or when the person
    has no skills. Title: ``title_table[title_weight * title_stride + shared]``, raised
    to ``title_floor``; ``title_unknown`` for a row without a title or a person without
    a role. Location outcome: by ``place_key``, from the missed or hit table for a row
    with location keys when ``keyed`` (the person has some), else the unknown one. The
    bound: ``bound_table[outcome * place_step + skills * skill_step + title +
    fresh_table[fresh_key]]``; 0 for a row ``mask`` leaves out.
    """
    n = len(place_key)
    sk, ti, place, a = (np.empty(n, np.uint8) for _ in range(4))
    place_table = np.ascontiguousarray(np.stack(place_tables, axis=1)).ravel()
    _stage_a(
        skill_count, held, skill_stride, skill_table, skill_floor, skill_less, skill_unknown,
        title_weight, shared, title_stride, title_table, title_floor, has_title, title_unknown,
        place_key, has_keys, hit, place_table,
        fresh_key, fresh_table, bound_table, place_step, skill_step,
        mask if mask is not None else np.empty(0, np.bool_),
        skilled, titled, keyed, mask is not None,
        sk, ti, place, a,
    )  # fmt: skip
    return sk, ti, place, a


def warm() -> None:
    """Compile (or load from the cache) every loop here, on a few rows."""
    n = 4
    u8, flags = np.zeros(n, np.uint8), np.zeros(n, np.bool_)
    add_rows(u8, np.arange(n, dtype=np.int32))
    stage_a(
        skill_count=u8, held=u8, skill_stride=1, skill_table=u8, skill_floor=u8,
        skill_less=flags, skill_unknown=0, title_weight=u8, shared=u8, title_stride=1,
        title_table=u8, title_floor=u8, has_title=flags, title_unknown=0,
        place_key=np.zeros(n, np.int32), has_keys=flags, hit=u8, place_tables=(u8, u8, u8),
        fresh_key=np.zeros(n, np.uint16), fresh_table=np.zeros(n, np.int32), bound_table=u8,
        place_step=1, skill_step=1, mask=flags, skilled=True, titled=True, keyed=True,
    )  # fmt: skip
