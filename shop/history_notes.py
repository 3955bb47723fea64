"""Order-history and points-ledger notes as codes (+ params), rendered in the reader's language.

A row stores `note_code` and `note_params`; `note_render()` turns them into text when the page (or API answer) is
made, so an English reader sees English even for rows written while a Korean page was being served. Free text that
is no code (an admin's own words on a point adjustment) stays in `note` and is shown as it is.

`order_note_encode()` also recognises the Korean texts earlier code stored (and callers that still pass them), so
every known note ends up as a code; the data migration 0009 converted the existing rows with the same table.

A vocabulary, not a service: it reads and writes nothing and imports no model, so the models import it to render
their own notes (a parameter that names a model's choice, such as the carrier, arrives already as its label).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

ORDER_NOTES: dict[str, str] = {
    "placed": gettext_noop("주문 접수"),
    "card_approved": gettext_noop("카드 결제 승인"),
    "deposit_confirmed": gettext_noop("무통장 입금 확인"),
    "payment_declined": gettext_noop("결제 거절: 예약한 재고를 되돌렸어요"),
    "cancelled_by_customer": gettext_noop("고객 요청으로 취소"),
    "cancelled_by_admin": gettext_noop("관리자 취소"),
    "expired_unpaid": gettext_noop("결제가 확인되지 않아 자동 취소"),
    "returned_refunded": gettext_noop("반품 환불"),
    "shipped_with": gettext_noop("{carrier} 운송장 {number}"),
    "amount_mismatch_cancelled": gettext_noop("결제 금액 불일치로 자동 취소"),
    "widget_abandoned": gettext_noop("결제창에서 결제를 마치지 않아 취소"),
    "cancelled_at_gateway": gettext_noop("결제 대행사에서 결제가 취소됨"),
    "cancelled_at_toss": gettext_noop("토스페이먼츠에서 결제가 취소됨"),
}

POINT_NOTES: dict[str, str] = {
    "spent_on_order": gettext_noop("주문 결제에 사용"),
    "returned_on_cancel": gettext_noop("주문 취소로 돌려드림"),
    "earned_on_purchase": gettext_noop("구매 적립"),
    "earn_reversed_on_refund": gettext_noop("환불로 적립 취소"),
    "expired": gettext_noop("유효기간 만료"),
    "admin_adjust": gettext_noop("관리자 조정"),
    "welcome": gettext_noop("가입 축하 적립금"),
}

_ORDER_CODE_BY_TEXT = {text: code for code, text in ORDER_NOTES.items()}
_POINT_CODE_BY_TEXT = {text: code for code, text in POINT_NOTES.items()}


def note_render(*, table: dict[str, str], code: str, params: dict[str, Any], fallback: str) -> str:
    """The note in the active language; `fallback` (the stored free text) when the code is empty or unknown."""
    template = table.get(code)
    if template is None:
        return fallback
    try:
        return _(template).format(**params)
    except (KeyError, IndexError, ValueError):
        return fallback or template


def order_note_encode(note: str) -> tuple[str, str]:
    """(code, free text) for a note passed to an order transition: a code, a known Korean text, or free text."""
    if note in ORDER_NOTES:
        return note, ""
    if note in _ORDER_CODE_BY_TEXT:
        return _ORDER_CODE_BY_TEXT[note], ""
    return "", note


def point_note_encode(note: str) -> tuple[str, str]:
    """(code, free text) for a point entry's note: a code, a known Korean text, or an admin's own words."""
    if note in POINT_NOTES:
        return note, ""
    if note in _POINT_CODE_BY_TEXT:
        return _POINT_CODE_BY_TEXT[note], ""
    return "", note
