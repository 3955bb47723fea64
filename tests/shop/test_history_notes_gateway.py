"""Notes written by the payment gateway's transitions are stored as codes and read in the reader's language."""

import pytest
from django.utils import translation

from shop.history_notes import ORDER_NOTES, note_render, order_note_encode
from shop.services.payments import DEPOSIT_CANCELLED_NOTE
from shop.services.payments_gateway import AMOUNT_MISMATCH_NOTE, CANCELLED_AT_PROVIDER_NOTE, WIDGET_ABANDONED_NOTE


@pytest.mark.parametrize(
    "note", [AMOUNT_MISMATCH_NOTE, CANCELLED_AT_PROVIDER_NOTE, WIDGET_ABANDONED_NOTE, DEPOSIT_CANCELLED_NOTE]
)
def test_gateway_notes_become_codes_that_render_in_english(note):
    code, free_text = order_note_encode(note)

    assert code in ORDER_NOTES
    assert free_text == ""
    with translation.override("en"):
        rendered = note_render(table=ORDER_NOTES, code=code, params={}, fallback="")
    assert rendered != note
    assert rendered.isascii()
