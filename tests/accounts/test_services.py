import datetime as dt

import pytest
from django.utils import timezone

from accounts import services
from accounts.models import Household, User
from config.errors import DomainError
from tests.accounts.factories import HouseholdFactory, UserFactory
from tests.concurrency.runner import run_concurrently

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 23, 20, 30, tzinfo=dt.UTC)
GOOD_PASSWORD = "동네가게-좋은-비밀번호-42"


def signup(**overrides) -> User:
    data = {
        "username": "minji",
        "email": "minji@example.com",
        "password": GOOD_PASSWORD,
        "nickname": "민지",
        "now": NOW,
    }
    data.update(overrides)
    return services.user_signup(**data)


# --- sign-up -------------------------------------------------------------------------------------------------


def test_user_signup_creates_user_with_hashed_password_and_no_consents_by_default():
    user = signup()
    user.refresh_from_db()
    assert user.nickname == "민지"
    assert user.check_password(GOOD_PASSWORD)
    assert user.password != GOOD_PASSWORD
    assert user.marketing_consented_at is None
    assert user.night_marketing_consented_at is None


def test_user_signup_with_consents_stamps_them_with_the_given_time():
    user = signup(marketing_consent=True, night_marketing_consent=True)
    user.refresh_from_db()
    assert user.marketing_consented_at == NOW
    assert user.night_marketing_consented_at == NOW
    assert user.has_night_marketing_consent


def test_user_signup_night_consent_without_marketing_consent_is_rejected():
    with pytest.raises(DomainError) as exc:
        signup(marketing_consent=False, night_marketing_consent=True)
    assert exc.value.message == services.NIGHT_CONSENT_NEEDS_MARKETING
    assert not User.objects.filter(username="minji").exists()


def test_user_signup_with_taken_username_in_other_case_is_rejected():
    UserFactory(username="minji")
    with pytest.raises(DomainError) as exc:
        signup(username="MinJi", email="other@example.com")
    assert exc.value.code == "username_taken"
    assert exc.value.message == services.USERNAME_TAKEN


def test_user_signup_with_taken_email_is_rejected():
    UserFactory(username="someone", email="minji@example.com")
    with pytest.raises(DomainError) as exc:
        signup(email="MINJI@example.com")
    assert exc.value.code == "email_taken"


def test_user_signup_with_weak_password_is_rejected_in_korean():
    with pytest.raises(DomainError) as exc:
        signup(password="1234")
    assert exc.value.code == "password"
    assert "비밀번호" in exc.value.message
    assert not User.objects.exists()


def test_user_signup_with_birth_date_in_future_is_rejected():
    with pytest.raises(DomainError) as exc:
        signup(birth_date=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.message == services.BIRTH_DATE_IN_FUTURE


def test_user_signup_with_blank_nickname_is_rejected():
    with pytest.raises(DomainError) as exc:
        signup(nickname="   ")
    assert exc.value.code == "nickname_required"


# --- profile and consents ------------------------------------------------------------------------------------


def test_user_profile_update_normalizes_phone_and_saves_fields():
    user = UserFactory()
    services.user_profile_update(
        user=user,
        nickname="하늘",
        birth_date=dt.date(1990, 5, 17),
        gender=User.Gender.FEMALE,
        phone="01012345678",
        tracking_opted_out=True,
    )
    user.refresh_from_db()
    assert (user.nickname, user.phone, user.gender, user.tracking_opted_out) == ("하늘", "010-1234-5678", "F", True)
    assert user.birth_date == dt.date(1990, 5, 17)


@pytest.mark.parametrize("phone", ["12345", "010-12-34", "02-123-4567", "전화번호"])
def test_user_profile_update_with_bad_phone_is_rejected_and_keeps_old_data(phone):
    user = UserFactory(phone="010-1111-2222", nickname="예전닉")
    with pytest.raises(DomainError) as exc:
        services.user_profile_update(
            user=user, nickname="새닉", birth_date=None, gender="", phone=phone, tracking_opted_out=False
        )
    assert exc.value.message == services.PHONE_INVALID
    user.refresh_from_db()
    assert (user.phone, user.nickname) == ("010-1111-2222", "예전닉")


def test_marketing_consent_grant_keeps_the_first_consent_time():
    user = UserFactory()
    services.marketing_consent_grant(user=user, at=NOW)
    services.marketing_consent_grant(user=user, at=NOW + dt.timedelta(days=3))
    user.refresh_from_db()
    assert user.marketing_consented_at == NOW


def test_night_marketing_consent_grant_without_marketing_consent_is_rejected():
    user = UserFactory()
    with pytest.raises(DomainError) as exc:
        services.night_marketing_consent_grant(user=user, at=NOW)
    assert exc.value.message == services.NIGHT_CONSENT_NEEDS_MARKETING
    user.refresh_from_db()
    assert user.night_marketing_consented_at is None


def test_marketing_consent_withdraw_also_withdraws_night_consent():
    user = UserFactory()
    services.user_consents_set(user=user, marketing=True, night=True, now=NOW)
    services.marketing_consent_withdraw(user=user)
    user.refresh_from_db()
    assert user.marketing_consented_at is None
    assert user.night_marketing_consented_at is None


def test_user_consents_set_withdraws_only_night_consent_when_asked():
    user = UserFactory()
    services.user_consents_set(user=user, marketing=True, night=True, now=NOW)
    services.user_consents_set(user=user, marketing=True, night=False, now=NOW + dt.timedelta(hours=1))
    user.refresh_from_db()
    assert user.marketing_consented_at == NOW
    assert user.night_marketing_consented_at is None


def test_night_consent_without_marketing_is_refused_by_the_database_too():
    from django.db import IntegrityError, transaction

    user = UserFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(night_marketing_consented_at=NOW)


# --- households ------------------------------------------------------------------------------------------------


def test_household_create_makes_user_its_first_member():
    user = UserFactory()
    household = services.household_create(user=user, name="망원동 우리 집", size=3, has_children=True, has_pets=False)
    user.refresh_from_db()
    assert user.household == household
    assert household.size == 3
    assert household.has_children
    assert len(household.invite_code) == 8


def test_household_create_when_already_in_a_household_is_rejected():
    user = UserFactory(household=HouseholdFactory())
    with pytest.raises(DomainError) as exc:
        services.household_create(user=user, name="두 번째 집", size=1, has_children=False, has_pets=False)
    assert exc.value.message == services.ALREADY_IN_HOUSEHOLD
    assert Household.objects.count() == 1


@pytest.mark.parametrize("size", [0, 21])
def test_household_create_with_size_out_of_range_is_rejected(size):
    with pytest.raises(DomainError) as exc:
        services.household_create(user=UserFactory(), name="우리 집", size=size, has_children=False, has_pets=False)
    assert exc.value.message == services.HOUSEHOLD_SIZE_RANGE
    assert not Household.objects.exists()


def test_household_join_by_invite_code_ignores_case_spaces_and_hyphens():
    owner = UserFactory()
    household = services.household_create(user=owner, name="우리 집", size=2, has_children=False, has_pets=True)
    partner = UserFactory()
    code = household.invite_code
    joined = services.household_join_by_invite_code(user=partner, invite_code=f" {code[:4].lower()}-{code[4:]} ")
    partner.refresh_from_db()
    assert joined == household
    assert partner.household == household


def test_household_join_beyond_recorded_size_grows_the_size():
    owner = UserFactory()
    household = services.household_create(user=owner, name="우리 집", size=1, has_children=False, has_pets=False)
    services.household_join_by_invite_code(user=UserFactory(), invite_code=household.invite_code)
    household.refresh_from_db()
    assert household.size == 2


def test_household_join_with_unknown_code_is_rejected():
    with pytest.raises(DomainError) as exc:
        services.household_join_by_invite_code(user=UserFactory(), invite_code="ZZZZ9999")
    assert exc.value.message == services.INVITE_CODE_UNKNOWN


def test_household_join_when_already_in_a_household_is_rejected():
    other = services.household_create(user=UserFactory(), name="옆집", size=2, has_children=False, has_pets=False)
    user = UserFactory()
    mine = services.household_create(user=user, name="우리 집", size=2, has_children=False, has_pets=False)
    with pytest.raises(DomainError) as exc:
        services.household_join_by_invite_code(user=user, invite_code=other.invite_code)
    assert exc.value.code == "already_in_household"
    user.refresh_from_db()
    assert user.household == mine


def test_household_leave_by_last_member_deletes_household_and_its_code():
    user = UserFactory()
    household = services.household_create(user=user, name="우리 집", size=1, has_children=False, has_pets=False)
    services.household_leave(user=user)
    user.refresh_from_db()
    assert user.household is None
    assert not Household.objects.filter(pk=household.pk).exists()


def test_household_leave_keeps_household_for_remaining_members():
    owner, partner = UserFactory(), UserFactory()
    household = services.household_create(user=owner, name="우리 집", size=2, has_children=False, has_pets=False)
    services.household_join_by_invite_code(user=partner, invite_code=household.invite_code)
    services.household_leave(user=owner)
    assert list(household.members.all()) == [partner]


def test_household_leave_without_household_is_rejected():
    with pytest.raises(DomainError) as exc:
        services.household_leave(user=UserFactory())
    assert exc.value.message == services.NOT_IN_HOUSEHOLD


def test_household_update_by_member_changes_fields():
    user = UserFactory()
    household = services.household_create(user=user, name="우리 집", size=2, has_children=False, has_pets=False)
    services.household_update(household=household, user=user, name="새 이름", size=4, has_children=True, has_pets=True)
    household.refresh_from_db()
    assert (household.name, household.size, household.has_children, household.has_pets) == ("새 이름", 4, True, True)


def test_household_update_by_non_member_is_rejected():
    household = services.household_create(
        user=UserFactory(), name="우리 집", size=2, has_children=False, has_pets=False
    )
    with pytest.raises(DomainError) as exc:
        services.household_update(
            household=household, user=UserFactory(), name="남의 집", size=2, has_children=False, has_pets=False
        )
    assert exc.value.message == services.NOT_A_MEMBER
    household.refresh_from_db()
    assert household.name == "우리 집"


def test_household_update_size_below_member_count_is_rejected():
    owner, partner = UserFactory(), UserFactory()
    household = services.household_create(user=owner, name="우리 집", size=2, has_children=False, has_pets=False)
    services.household_join_by_invite_code(user=partner, invite_code=household.invite_code)
    with pytest.raises(DomainError) as exc:
        services.household_update(
            household=household, user=owner, name="우리 집", size=1, has_children=False, has_pets=False
        )
    assert exc.value.code == "household_size_too_small"
    assert "2명" in exc.value.message


def test_household_invite_code_rotate_makes_the_old_code_stop_working():
    user = UserFactory()
    household = services.household_create(user=user, name="우리 집", size=2, has_children=False, has_pets=False)
    old_code = household.invite_code
    rotated = services.household_invite_code_rotate(household=household, user=user)
    assert rotated.invite_code != old_code
    with pytest.raises(DomainError):
        services.household_join_by_invite_code(user=UserFactory(), invite_code=old_code)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_household_join_by_many_at_once_counts_every_member():
    """Five people join with the same code at the same moment: all five are members and the size follows."""
    owner = UserFactory()
    household = services.household_create(user=owner, name="대가족", size=1, has_children=False, has_pets=False)
    joiners = [UserFactory() for _ in range(5)]

    _, errors = run_concurrently(
        len(joiners),
        lambda i: services.household_join_by_invite_code(user=joiners[i], invite_code=household.invite_code),
    )

    assert errors == []
    household.refresh_from_db()
    assert household.members.count() == 6
    assert household.size == 6
