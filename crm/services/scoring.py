"""RFM scores (1-5 by quintile) and the standard RFM segment names, set on a run's profiles in SQL.

Quintiles: over the run's customers with at least one order, NTILE(5) ordered by the value (recency: most days
since the last order first, so the most recent land in tile 5), ties broken by user id so the tiles are
deterministic. The tiles only give the *breakpoints*: the highest value of tiles 1-4 (for recency the fewest days).
A customer's score is 1 + the number of breakpoints their value beats, so equal values always get equal scores
(a boundary value stays in the lower tile), and an incremental run scores changed customers against the same
breakpoints, stored on the run (`rfm_breakpoints` = {"r": [...], "f": [...], "m": [...]}).

The segment name comes from the R and F scores (the usual R/F grid; M is shown but does not name the segment):

    R \\ F   1               2               3                4           5
    5       New             Potential l.    Potential l.     Champions   Champions
    4       Promising       Potential l.    Potential l.     Loyal       Loyal
    3       About to sleep  About to sleep  Need attention   Loyal       Loyal
    2       Hibernating     Hibernating     At risk          At risk     Can't lose
    1       Lost            Hibernating     At risk          At risk     Can't lose
"""

from __future__ import annotations

from crm.models import CustomerProfile, RfmSegment
from crm.services import sql
from crm.services.profiles import customer_scope

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


def rfm_breakpoints_compute(*, run_id: int) -> dict[str, list[int]]:
    """The quintile breakpoints of the run's buyers, in one query (three NTILE windows over one scan).
    Tiles that do not exist (fewer than five buyers) are left out of the lists."""
    profile = sql.table(CustomerProfile)
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
            FROM {profile} WHERE run_id = :run_id AND frequency > 0
        ) t
        """,  # noqa: S608 (table name from model meta)
        {"run_id": run_id},
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


def rfm_scores_apply(
    *,
    run_id: int,
    breakpoints: dict[str, list[int]],
    id_range: tuple[int, int] | None = None,
    user_ids: list[int] | None = None,
) -> int:
    """Set r/f/m scores and the segment name of the run's buyers (in a scope, for incremental runs) in one
    UPDATE; customers without orders keep NULL scores and an empty name. Returns the rows updated."""
    r = _score("recency_days", breakpoints.get("r", []), lower_is_better=True)
    f = _score("frequency", breakpoints.get("f", []), lower_is_better=False)
    m = _score("monetary", breakpoints.get("m", []), lower_is_better=False)
    scope = customer_scope("user_id", id_range=id_range, user_ids=user_ids)
    values: dict = {"run_id": run_id}
    if id_range is not None:
        values["lo"], values["hi"] = id_range
    if user_ids is not None:
        values["user_ids"] = user_ids
    return sql.execute(
        f"""
        UPDATE {sql.table(CustomerProfile)}
        SET r_score = {r}, f_score = {f}, m_score = {m}, rfm_segment = {SEGMENT_CASE.format(r=r, f=f)}
        WHERE run_id = :run_id AND frequency > 0 AND {scope}
        """,  # noqa: S608 (table name from model meta, breakpoints are integers we computed)
        values,
    )
