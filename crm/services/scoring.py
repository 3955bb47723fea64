"""RFM scores (1-5 by quintile) and the standard RFM segment names, set on a run's profiles in SQL.

Quintiles: over the customers with at least one bought order, NTILE(5) ordered by the value (recency: most days
since the last order first, so the most recent land in tile 5), ties broken by user id so the tiles are
deterministic. The tiles only give the *breakpoints*: the highest value of tiles 1-4 (for recency the fewest days).
A customer's score is 1 + the number of breakpoints their value beats, so equal values always get equal scores
(a boundary value stays in the lower tile), and an incremental run scores changed customers against the same
breakpoints, stored on the run (`rfm_breakpoints` = {"r": [...], "f": [...], "m": [...]}). Scores are written by
the same INSERT that writes the profile (crm.services.profiles), never by a second pass.

The segment name comes from the R and F scores (the usual R/F grid; M is shown but does not name the segment):

    R \\ F   1               2               3                4           5
    5       New             Potential l.    Potential l.     Champions   Champions
    4       Promising       Potential l.    Potential l.     Loyal       Loyal
    3       About to sleep  About to sleep  Need attention   Loyal       Loyal
    2       Hibernating     Hibernating     At risk          At risk     Can't lose
    1       Lost            Hibernating     At risk          At risk     Can't lose
"""

from __future__ import annotations

from crm.models import RfmSegment
from crm.services import sql
from crm.services.staging import Stage

SEGMENT_CASE = f"""CASE
    WHEN {{r}} = 5 AND {{f}} >= 4 THEN '{RfmSegment.CHAMPIONS}'
    WHEN {{r}} >= 3 AND {{f}} >= 4 THEN '{RfmSegment.LOYAL}'
    WHEN {{r}} >= 4 AND {{f}} >= 2 THEN '{RfmSegment.POTENTIAL_LOYALIST}'
    WHEN {{r}} = 5 THEN '{RfmSegment.NEW}'
    WHEN {{r}} = 4 THEN '{RfmSegment.PROMISING}'
    WHEN {{r}} = 3 AND {{f}} = 3 THEN '{RfmSegment.NEED_ATTENTION}'
    WHEN {{r}} = 3 THEN '{RfmSegment.ABOUT_TO_SLEEP}'
    WHEN {{f}} = 5 THEN '{RfmSegment.CANT_LOSE}'
    WHEN {{f}} >= 3 THEN '{RfmSegment.AT_RISK}'
    WHEN {{r}} = 1 AND {{f}} = 1 THEN '{RfmSegment.LOST}'
    ELSE '{RfmSegment.HIBERNATING}' END"""


def rfm_segment_for(r: int, f: int) -> str:
    """The same map in Python (tests and the back office legend use it)."""
    if r == 5 and f >= 4:
        return RfmSegment.CHAMPIONS
    if r >= 3 and f >= 4:
        return RfmSegment.LOYAL
    if r >= 4 and f >= 2:
        return RfmSegment.POTENTIAL_LOYALIST
    if r == 5:
        return RfmSegment.NEW
    if r == 4:
        return RfmSegment.PROMISING
    if r == 3:
        return RfmSegment.NEED_ATTENTION if f == 3 else RfmSegment.ABOUT_TO_SLEEP
    if f == 5:
        return RfmSegment.CANT_LOSE
    if f >= 3:
        return RfmSegment.AT_RISK
    return RfmSegment.LOST if (r, f) == (1, 1) else RfmSegment.HIBERNATING


def rfm_breakpoints_compute(*, stage: Stage) -> dict[str, list[int]]:
    """The quintile breakpoints of today's buyers, from the run's staged orders (one row per customer), in one
    query (three NTILE windows). A full run computes them before its range tasks so every range scores its
    customers in the same INSERT that writes them; tiles that do not exist (fewer than five buyers) are left out."""
    from accounts.models import User

    tiles = ", ".join(
        f"MIN(CASE WHEN rt = {k} THEN recency_days END), MAX(CASE WHEN ft = {k} THEN frequency END), "
        f"MAX(CASE WHEN mt = {k} THEN monetary END)"
        for k in range(1, 5)
    )
    rows = sql.fetchall(
        f"""
        SELECT {tiles} FROM (
            SELECT recency_days, frequency, monetary,
                NTILE(5) OVER (ORDER BY recency_days DESC, user_id) AS rt,
                NTILE(5) OVER (ORDER BY frequency, user_id) AS ft,
                NTILE(5) OVER (ORDER BY monetary, user_id) AS mt
            FROM (
                SELECT s.user_id, s.orders AS frequency, s.spend AS monetary, s.recency_days
                FROM {stage.orders} s
                JOIN {sql.table(User)} u ON u.id = s.user_id
                WHERE u.is_active AND NOT u.is_staff AND NOT u.is_superuser
            ) a
        ) t
        """,  # noqa: S608 (table names from model meta and the run id)
    )
    values = rows[0] if rows else (None,) * 12
    breakpoints: dict[str, list[int]] = {"r": [], "f": [], "m": []}
    for k in range(4):
        for offset, key in enumerate(("r", "f", "m")):
            value = values[k * 3 + offset]
            if value is not None:
                breakpoints[key].append(int(value))
    return breakpoints


def _score(column: str, points: list[int], *, lower_is_better: bool) -> str:
    comparison = "<" if lower_is_better else ">"
    beats = " + ".join(f"CASE WHEN {column} {comparison} {int(point)} THEN 1 ELSE 0 END" for point in points)
    return f"(1 + {beats})" if beats else "1"


def rfm_scores(breakpoints: dict, *, prefix: str) -> str:
    """SQL for the three columns r_score, f_score, m_score of a row whose recency_days, frequency and monetary are
    `prefix`-qualified; NULL for customers without orders. The breakpoints are integers we computed, inlined as
    literals."""
    r = _score(f"{prefix}recency_days", breakpoints.get("r", []), lower_is_better=True)
    f = _score(f"{prefix}frequency", breakpoints.get("f", []), lower_is_better=False)
    m = _score(f"{prefix}monetary", breakpoints.get("m", []), lower_is_better=False)
    buyer = f"{prefix}frequency > 0"
    return (
        f"CASE WHEN {buyer} THEN {r} END AS r_score, CASE WHEN {buyer} THEN {f} END AS f_score, "
        f"CASE WHEN {buyer} THEN {m} END AS m_score"
    )


def rfm_segment(*, prefix: str) -> str:
    """SQL for the rfm_segment column from the `prefix`-qualified r_score and f_score of `rfm_scores` (computed
    in a subquery first: inlined, every WHEN of the name re-added the score's CASEs); '' without orders."""
    name = SEGMENT_CASE.format(r=f"{prefix}r_score", f=f"{prefix}f_score")
    return f"CASE WHEN {prefix}frequency > 0 THEN {name} ELSE '' END"
