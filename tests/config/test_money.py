"""Won amounts read the way Korean malls write them, and stay whole won in English."""

import pytest
from django.utils.translation import override

from config.money import discount_rate, format_krw, format_won

pytestmark = pytest.mark.smoke


def test_format_won_in_korean_puts_won_after_thousands_separated_amount():
    with override("ko"):
        assert format_won(12900) == "12,900원"
        assert format_won(None) == "0원"


def test_format_won_in_english_uses_the_won_sign():
    with override("en"):
        assert format_won(1234567) == "₩1,234,567"


def test_format_krw_is_compact_and_keeps_the_sign():
    assert format_krw(12900) == "₩12,900"
    assert format_krw(-3000) == "-₩3,000"


def test_discount_rate_rounds_down_to_whole_percent_and_is_zero_without_a_list_price():
    assert discount_rate(price=12900, list_price=15900) == 18
    assert discount_rate(price=12900, list_price=None) == 0
    assert discount_rate(price=15900, list_price=12900) == 0
