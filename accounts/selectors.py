"""Reads of users and households that pages and APIs share.

A household and its members are only ever read through the member asking, so no page can show
another home's data (no IDOR: there is no household id in any URL).
"""

from django.db.models import Prefetch, QuerySet

from accounts.models import Household, User

MEMBER_FIELDS = ("id", "username", "nickname", "household_id", "date_joined")


def household_members(*, household: Household) -> QuerySet[User]:
    return User.objects.filter(household=household).only(*MEMBER_FIELDS).order_by("date_joined", "pk")


def household_for_member(*, user: User) -> Household | None:
    """The user's own household with its members prefetched (two queries), or None."""
    if not user.is_authenticated or user.household_id is None:
        return None
    members = User.objects.only(*MEMBER_FIELDS).order_by("date_joined", "pk")
    return (
        Household.objects.filter(pk=user.household_id, members=user)
        .prefetch_related(Prefetch("members", queryset=members))
        .first()
    )


def user_for_api(*, user: User) -> User:
    """The signed-in user with the household row joined, for /api/accounts/me/."""
    return User.objects.select_related("household").get(pk=user.pk)
