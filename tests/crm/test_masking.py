"""Masking of contact data for back-office roles that do not need it."""

import pytest

from crm.masking import mask_address, mask_email, mask_phone


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("010-1234-5678", "010-****-5678"),
        ("01012345678", "010-****-5678"),
        ("010 1234 5678", "010-****-5678"),
        ("+82 10-1234-5678", "010-****-5678"),
        ("011-123-4567", "011-***-4567"),
        ("02-123-4567", "02-***-4567"),
        ("02-1234-5678", "02-****-5678"),
    ],
)
def test_mask_phone_hides_the_middle_and_keeps_the_last_four(phone, masked):
    assert mask_phone(phone) == masked


def test_mask_phone_of_nothing_is_empty():
    assert mask_phone("") == ""


def test_mask_phone_of_a_short_number_keeps_two_digits_only():
    assert mask_phone("12345") == "***45"


@pytest.mark.parametrize(
    ("address1", "masked"),
    [
        ("서울특별시 중구 세종대로 110", "서울특별시 중구 ***"),
        ("서울특별시 강남구 테헤란로 152 (역삼동)", "서울특별시 강남구 역삼동 ***"),
        ("서울특별시 마포구 월드컵북로 396 (상암동, 누리꿈스퀘어)", "서울특별시 마포구 상암동 ***"),
        ("경기도 성남시 분당구 정자동 178-1", "경기도 성남시 분당구 정자동 ***"),
        ("부산광역시 해운대구 우동 1408", "부산광역시 해운대구 우동 ***"),
        ("제주특별자치도 제주시 첨단로 242", "제주특별자치도 제주시 ***"),
    ],
)
def test_mask_address_keeps_only_the_area_down_to_dong(address1, masked):
    assert mask_address(address1, "101동 1001호") == masked


def test_mask_address_never_shows_the_detail_line():
    assert "1001호" not in mask_address("경기도 성남시 분당구 정자동 178-1", "101동 1001호")
    assert mask_address("", "101동 1001호") == "***"


def test_mask_address_of_nothing_is_empty():
    assert mask_address("", "") == ""


def test_mask_email_keeps_two_letters_and_the_domain():
    assert mask_email("minji.kim@example.com") == "mi***@example.com"
    assert mask_email("") == ""
