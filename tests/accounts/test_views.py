import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from accounts import services
from accounts.models import Household, User
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "test-pass-1234"
GOOD_PASSWORD = "동네가게-좋은-비밀번호-42"


def signup_data(**overrides) -> dict:
    data = {
        "username": "minji",
        "nickname": "민지",
        "email": "minji@example.com",
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
        "birth_date": "1994-03-02",
        "terms": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- sign-up / log-in / log-out -----------------------------------------------------------------------------------


def test_signup_page_is_korean_form(client):
    response = client.get(reverse("accounts:signup"))
    body = response.content.decode()
    assert response.status_code == 200
    for label in ("아이디", "닉네임", "이메일", "비밀번호 확인", "생년월일", "할인·이벤트 소식 받기", "밤 시간"):
        assert label in body


def test_signup_creates_user_logs_in_and_shows_nickname(client):
    response = client.post(reverse("accounts:signup"), signup_data(marketing_consent="on"), follow=True)
    assert response.status_code == 200
    user = User.objects.get(username="minji")
    assert user.birth_date == dt.date(1994, 3, 2)
    assert user.marketing_consented_at is not None
    assert user.night_marketing_consented_at is None
    assert response.context["user"] == user
    assert "민지님" in response.content.decode()


def test_signup_redirects_to_safe_next_only(client):
    response = client.post(reverse("accounts:signup") + "?next=/accounts/household/", signup_data())
    assert response["Location"] == "/accounts/household/"
    client.logout()
    response = client.post(
        reverse("accounts:signup") + "?next=https://evil.example/",
        signup_data(username="other", email="o@example.com"),
    )
    assert response["Location"] == reverse("shop:home")


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"password2": "different-pass-99"}, "password2", "두 비밀번호가 서로 달라요"),
        ({"email": "not-an-email"}, "email", ""),
        ({"terms": None}, "terms", "필수 약관에 동의해야"),
        ({"night_marketing_consent": "on"}, "night_marketing_consent", "마케팅 정보 수신에 동의해야"),
        ({"password1": "1234", "password2": "1234"}, "password1", "비밀번호"),
        ({"birth_date": "2999-01-01"}, "birth_date", "생년월일이 오늘보다 늦어요"),
        ({"username": "민지 !!"}, "username", ""),
    ],
)
def test_signup_bad_input_shows_form_error_and_keeps_what_was_typed(client, overrides, field, message):
    response = client.post(reverse("accounts:signup"), signup_data(**overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors
    assert message in " ".join(form.errors[field])
    assert 'value="민지"' in response.content.decode()
    assert not User.objects.filter(username="minji").exists()


def test_signup_with_taken_username_is_a_field_error(client):
    UserFactory(username="minji")
    response = client.post(reverse("accounts:signup"), signup_data(email="new@example.com"))
    assert response.status_code == 200
    assert services.USERNAME_TAKEN in response.context["form"].errors["username"]


def test_signup_page_when_logged_in_goes_home(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:signup"))["Location"] == reverse("shop:home")


def test_login_with_right_password_logs_in(client):
    user = UserFactory(username="haneul")
    response = client.post(reverse("accounts:login"), {"username": "haneul", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_login_with_wrong_password_says_so_in_korean(client):
    UserFactory(username="haneul")
    response = client.post(reverse("accounts:login"), {"username": "haneul", "password": "wrong"})
    assert response.status_code == 200
    assert "아이디 또는 비밀번호가 맞지 않아요" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_needs_post(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_header_shows_login_for_visitors_and_nickname_for_members(client):
    body = client.get(reverse("accounts:login")).content.decode()
    assert "회원가입" in body
    assert 'data-testid="header-nickname"' not in body
    client.force_login(UserFactory(nickname="다온"))
    body = client.get(reverse("accounts:profile")).content.decode()
    assert re.search(r'data-testid="header-nickname">\s*다온님', body)


# --- profile ------------------------------------------------------------------------------------------------------


def test_profile_requires_login(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_profile_update_saves_fields_and_consents(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "nickname": "새닉네임",
            "birth_date": "1988-12-24",
            "gender": "M",
            "phone": "010 9876 5432",
            "marketing_consent": "on",
            "night_marketing_consent": "on",
            "tracking_opted_out": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.nickname == "새닉네임"
    assert user.phone == "010-9876-5432"
    assert user.has_night_marketing_consent
    assert user.tracking_opted_out


def test_profile_bad_phone_is_a_field_error_and_nothing_is_saved(client):
    user = UserFactory(nickname="그대로")
    client.force_login(user)
    response = client.post(reverse("accounts:profile"), {"nickname": "바뀜", "phone": "123", "marketing_consent": "on"})
    assert response.status_code == 200
    assert services.PHONE_INVALID in response.context["form"].errors["phone"]
    user.refresh_from_db()
    assert user.nickname == "그대로"
    assert user.marketing_consented_at is None


def test_profile_night_consent_without_marketing_is_a_field_error(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:profile"), {"nickname": "닉", "night_marketing_consent": "on"})
    assert response.status_code == 200
    assert "night_marketing_consent" in response.context["form"].errors


def test_profile_shows_when_consent_was_given(client):
    user = UserFactory()
    services.user_consents_set(user=user, marketing=True, night=False, now=dt.datetime(2026, 3, 1, 1, 0, tzinfo=dt.UTC))
    client.force_login(user)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "2026.03.01 10:00에 동의했어요" in body  # shown in Seoul time


# --- household ----------------------------------------------------------------------------------------------------


def test_household_page_without_household_offers_create_and_join(client):
    client.force_login(UserFactory())
    body = client.get(reverse("accounts:household")).content.decode()
    assert "우리 집 만들기" in body
    assert "초대 코드로 참여하기" in body


def test_household_create_then_partner_joins_and_both_see_members(client):
    owner = UserFactory(nickname="엄마")
    client.force_login(owner)
    response = client.post(
        reverse("accounts:household_create"),
        {"create-name": "햇살 가득 우리 집", "create-size": "3", "create-has_children": "on"},
    )
    assert response.status_code == 302
    household = Household.objects.get()
    partner = UserFactory(nickname="아빠")
    client.force_login(partner)
    response = client.post(reverse("accounts:household_join"), {"join-invite_code": household.invite_code.lower()})
    assert response.status_code == 302
    body = client.get(reverse("accounts:household")).content.decode()
    assert "햇살 가득 우리 집" in body
    assert "엄마" in body
    assert "아빠" in body
    assert household.invite_code in body


def test_household_join_with_unknown_code_is_a_field_error(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:household_join"), {"join-invite_code": "ZZZZ9999"})
    assert response.status_code == 400
    assert services.INVITE_CODE_UNKNOWN in response.context["join_form"].errors["invite_code"]


def test_household_create_with_bad_size_is_a_form_error_not_500(client):
    client.force_login(UserFactory())
    response = client.post(reverse("accounts:household_create"), {"create-name": "우리 집", "create-size": "abc"})
    assert response.status_code == 400
    assert "size" in response.context["create_form"].errors
    assert 'value="우리 집"' in response.content.decode()


def test_household_update_size_below_members_is_a_field_error(client):
    owner, partner = UserFactory(), UserFactory()
    household = services.household_create(user=owner, name="우리 집", size=2, has_children=False, has_pets=False)
    services.household_join_by_invite_code(user=partner, invite_code=household.invite_code)
    client.force_login(owner)
    response = client.post(reverse("accounts:household_update"), {"update-name": "우리 집", "update-size": "1"})
    assert response.status_code == 400
    assert "size" in response.context["update_form"].errors


def test_household_of_others_is_never_shown(client):
    other = UserFactory(nickname="옆집사람")
    services.household_create(user=other, name="옆집 비밀 이름", size=2, has_children=False, has_pets=False)
    client.force_login(UserFactory())
    body = client.get(reverse("accounts:household")).content.decode()
    assert "옆집 비밀 이름" not in body
    assert "옆집사람" not in body


def test_household_leave_and_rotate_code(client):
    user = UserFactory()
    household = services.household_create(user=user, name="우리 집", size=2, has_children=False, has_pets=False)
    client.force_login(user)
    old = household.invite_code
    client.post(reverse("accounts:household_invite_code_rotate"))
    household.refresh_from_db()
    assert household.invite_code != old
    client.post(reverse("accounts:household_leave"))
    user.refresh_from_db()
    assert user.household is None


def test_household_pages_render_in_constant_queries(client, assert_constant_queries):
    """The members list is prefetched: a household of 2 and of 12 take the same number of queries."""
    owner = UserFactory()
    household = services.household_create(user=owner, name="우리 집", size=2, has_children=False, has_pets=False)
    services.household_join_by_invite_code(user=UserFactory(), invite_code=household.invite_code)
    client.force_login(owner)

    def render():
        assert client.get(reverse("accounts:household")).status_code == 200

    def grow():
        for _ in range(10):
            services.household_join_by_invite_code(user=UserFactory(), invite_code=household.invite_code)

    assert_constant_queries(render, grow)


# --- password reset (console e-mail backend in development, locmem in tests) ----------------------------------------


def test_password_reset_sends_korean_mail_and_link_sets_new_password(client):
    user = UserFactory(username="reset-me", email="reset@example.com")
    response = client.post(reverse("accounts:password_reset"), {"email": "reset@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "비밀번호" in message.subject
    assert "동네가게" in message.subject
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", message.body).group(1)
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0]
    assert "새 비밀번호 만들기" in response.content.decode()
    new_password = "새-비밀번호-동네가게-77"
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response["Location"] == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_for_unknown_email_sends_nothing_but_looks_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_admin_lists_users_and_households_in_korean(client):
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    services.household_create(user=admin, name="관리자네", size=1, has_children=False, has_pets=False)
    client.force_login(admin)
    assert "회원" in client.get("/admin/accounts/user/").content.decode()
    body = client.get("/admin/accounts/household/").content.decode()
    assert "관리자네" in body
    household = Household.objects.get()
    assert client.get(f"/admin/accounts/household/{household.pk}/change/").status_code == 200
