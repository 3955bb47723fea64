"""Masking of contact data for back-office roles that do not need it (only CS 상담 and admins see it whole).

Masking happens when a row is shaped for a page, a CSV line or an API payload, never in the database: the same
selector serves every role, and the seat decides what leaves the server.
"""

from __future__ import annotations

import re

MASK = "****"
HIDDEN = "***"

# Leading address words that name an area, not a house: 특별시/광역시/도, 시/군/구, 읍/면/동, 가/리.
_AREA_WORD = re.compile(r"^\S*(?:특별시|광역시|특별자치시|특별자치도|시|도|군|구|읍|면|동|가|리)$")
_AREA_NUMBER_ONLY = re.compile(r"^[\d\-]+")
# Road-name addresses carry the legal dong in brackets at the end: "테헤란로 152 (역삼동)".
_BRACKETED_DONG = re.compile(r"\(([^()\s,]+(?:동|가|리))(?:,[^()]*)?\)")
_MAX_AREA_WORDS = 4


def mask_phone(phone: str) -> str:
    """010-1234-5678 -> 010-****-5678: the middle digits hidden, the last four kept so CS can confirm a caller.

    Works on any formatting (01012345678, 010 1234 5678, +82 10-1234-5678); a number too short to split keeps
    only its last two digits.
    """
    digits = re.sub(r"\D", "", phone or "")
    if not digits:
        return ""
    if digits.startswith("82") and len(digits) >= 11:
        digits = "0" + digits[2:]
    if len(digits) < 7:
        return "*" * max(len(digits) - 2, 1) + digits[-2:]
    head = 2 if digits.startswith("02") else 3
    middle = len(digits) - head - 4
    return f"{digits[:head]}-{'*' * middle}-{digits[-4:]}"


def mask_address(address1: str, address2: str = "") -> str:
    """Keep the area (시/도, 시/군/구, 읍/면/동) and hide the road, the house number and the detail.

    "서울특별시 강남구 테헤란로 152 (역삼동)" -> "서울특별시 강남구 역삼동 ***";
    "경기도 성남시 분당구 정자동 178-1" + "101동 1001호" -> "경기도 성남시 분당구 정자동 ***".
    `address2` (동/호수) is never shown masked, whatever it holds.
    """
    text = (address1 or "").strip()
    if not text:
        return HIDDEN if (address2 or "").strip() else ""
    bracketed = _BRACKETED_DONG.search(text)
    words = _BRACKETED_DONG.sub(" ", text).split()
    area: list[str] = []
    for word in words[:_MAX_AREA_WORDS]:
        if not _AREA_WORD.match(word) or _AREA_NUMBER_ONLY.match(word):
            break
        area.append(word)
    if bracketed and bracketed.group(1) not in area:
        area.append(bracketed.group(1))
    return " ".join([*area, HIDDEN])


def mask_email(email: str) -> str:
    """minji.kim@example.com -> mi***@example.com (the domain stays: it tells staff which provider)."""
    email = (email or "").strip()
    if not email:
        return ""
    local, at, domain = email.partition("@")
    if not at:
        return local[:2] + HIDDEN
    return f"{local[:2]}{HIDDEN}@{domain}"
