"""The ranking index's passes over every row, compiled (numba).

Stage A of :mod:`.ranking_index` reads each row of a segment once per request. Written
as numpy expressions it took about twenty passes over the columns, each with its own
temporary array (a million rows: some 200 MB moved for one request); here it is four
short loops, each reading the columns of its part once and writing one byte a row (one
loop for all four kept more values live than the registers hold, and took half as long
again). Numba is imported when an index first loads, not with every ``skael`` command.
The loops release the GIL, and are compiled on first use (or read from numba's cache
next to this file); :func:`warm` compiles them ahead, which the index does while it
loads.

Every function takes and fills arrays the caller made: nothing here keeps state.
"""

from __future__ import annotations

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
def _codes(
    count: U8,
    held: U8,
    stride: int,
    table: U8,
    floor: U8,
    off: Bools,
    unknown: int,
    known: bool,
    out: U8,
) -> None:
    """``out = max(table[count * stride + held], floor)``, or ``unknown`` where ``off``
    (or everywhere when not ``known``); written without branches on a row's values."""
    for i in range(len(out)):
        c = max(table[count[i] * stride + held[i]], floor[i])
        out[i] = c + (unknown - c) * (off[i] | (not known))


@numba.njit(cache=True, nogil=True)
def _places(
    place_key: I32, has_keys: Bools, hit: U8, place_table: U8, keyed: bool, out: U8
) -> None:
    for i in range(len(out)):
        state = 2 - (keyed & has_keys[i]) * (2 - hit[i])  # 0 missed, 1 hit, 2 unknown
        out[i] = place_table[place_key[i] * 3 + state]


@numba.njit(cache=True, nogil=True)
def _bounds(
    sk: U8,
    ti: U8,
    place: U8,
    fresh_key: U16,
    fresh_table: I32,
    bound_table: U8,
    place_step: int,
    skill_step: int,
    mask: Bools,
    masked: bool,
    out: U8,
) -> None:
    for i in range(len(out)):
        at = place[i] * place_step + sk[i] * skill_step + ti[i] + fresh_table[fresh_key[i]]
        bound = bound_table[at]
        out[i] = bound * mask[i] if masked else bound


@numba.njit(cache=True, nogil=True)
def _bound_table(
    total: I32,
    weight: I32,
    cap: U8,
    outcome_total: I64,
    outcome_weight: I64,
    outcome_cap: I64,
    fresh: I64,
    out: U8,
) -> None:
    k = 0
    for f in range(fresh.shape[0]):
        for o in range(len(outcome_total)):
            for s in range(total.shape[0]):
                for t in range(total.shape[1]):
                    sum_ = total[s, t] + outcome_total[o] + fresh[f, 0]
                    weights = weight[s, t] + outcome_weight[o] + fresh[f, 1]
                    bound = np.floor((2 * sum_ + weights) / (2.0 * weights) + 1e-6)
                    limit = min(min(cap[s, t], outcome_cap[o]), fresh[f, 2])
                    out[k] = min(bound, limit)
                    k += 1


def bound_table(
    total: I32,
    weight: I32,
    cap: U8,
    outcomes: tuple[I64, I64, I64],
    fresh: I64,
) -> U8:
    """Stage A's bound by (freshness class, location outcome, skills code, title code),
    flat: the weighted mean of the parts' ``total`` and ``weight`` (by skills and title
    code) plus the outcome's and the class's (``fresh``: rows of (total, weight, cap)),
    rounded half up with a millionth to spare, under the least of the three caps."""
    size = fresh.shape[0] * len(outcomes[0]) * total.size
    out = np.empty(size, np.uint8)
    _bound_table(total, weight, cap, *outcomes, fresh, out)
    return out


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
    title_less: Bools,
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
    with location keys when ``keyed`` (the person has some), else the unknown one:
    ``place_table[place_key * 3 + (0 missed, 1 hit, 2 unknown)]``. The
    bound: ``bound_table[outcome * place_step + skills * skill_step + title +
    fresh_table[fresh_key]]``; 0 for a row ``mask`` leaves out.
    """
    n = len(place_key)
    sk, ti, place, a = (np.empty(n, np.uint8) for _ in range(4))
    # four short loops: one loop doing all four kept more values live than registers
    # hold and took half as long again
    _codes(
        held=held,
        count=skill_count,
        stride=skill_stride,
        table=skill_table,
        floor=skill_floor,
        off=skill_less,
        unknown=skill_unknown,
        known=skilled,
        out=sk,
    )
    _codes(
        count=title_weight,
        held=shared,
        stride=title_stride,
        table=title_table,
        floor=title_floor,
        off=title_less,
        unknown=title_unknown,
        known=titled,
        out=ti,
    )
    _places(place_key, has_keys, hit, place_table, keyed, place)
    empty = np.empty(0, np.bool_)
    _bounds(sk, ti, place, fresh_key, fresh_table, bound_table, place_step, skill_step,
            mask if mask is not None else empty, mask is not None, a)  # fmt: skip
    return sk, ti, place, a


def warm() -> None:
    """Compile (or load from the cache) every loop here, on a few rows."""
    n = 4
    u8, flags = np.zeros(n, np.uint8), np.zeros(n, np.bool_)
    add_rows(u8, np.arange(n, dtype=np.int32))
    two = np.ones((2, 2), np.int32)
    outcome = np.ones(1, np.int64)
    bound_table(two, two, np.ones((2, 2), np.uint8), (outcome,) * 3, np.ones((2, 3), np.int64))
    stage_a(
        skill_count=u8, held=u8, skill_stride=1, skill_table=u8, skill_floor=u8,
        skill_less=flags, skill_unknown=0, title_weight=u8, shared=u8, title_stride=1,
        title_table=u8, title_floor=u8, title_less=flags, title_unknown=0,
        place_key=np.zeros(n, np.int32), has_keys=flags, hit=u8, place_table=u8,
        fresh_key=np.zeros(n, np.uint16), fresh_table=np.zeros(n, np.int32), bound_table=u8,
        place_step=1, skill_step=1, mask=flags, skilled=True, titled=True, keyed=True,
    )  # fmt: skip
