"""The household essentials section of the customer 360 page: one dataclass, a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from accounts.models import User
from crm.models import CustomerProfile, HouseholdEssential
from crm.selectors.surveys import essentials_answers
from crm.services.households import DUE_SOON_DAYS, SHARE_LOOKBACK_DAYS
from shop.models import Category

Status = HouseholdEssential.Status

STATUS_CHIP = {Status.OVERDUE: "chip--danger", Status.DUE: "chip--warn", Status.OK: "chip--ok"}
STATUS_ORDER: dict[str, int] = {Status.OVERDUE: 0, Status.DUE: 1, Status.OK: 2}


@dataclass(frozen=True)
class EssentialBought:
    """One essential category the household buys here, as the run computed it."""

    category_id: int
    category_name: str
    purchase_days: int
    median_interval_days: float | None
    cycle_days: int | None
    cycle_from_category: bool
    is_regular: bool
    first_bought_on: date
    last_bought_on: date
    due_on: date | None
    days_until_due: int | None
    status: str
    status_label: str
    status_chip: str
    recent_purchase_days: int
    coverage_percent: int | None

    @property
    def days_overdue(self) -> int:
        return -self.days_until_due if self.days_until_due is not None and self.days_until_due < 0 else 0


@dataclass(frozen=True)
class EssentialElsewhere:
    """An essential category the household never bought here: it probably buys it elsewhere."""

    category_id: int
    name: str
    replenishment_days: int | None
    survey_answer: str = ""  # what the household said in an essentials survey: "쿠팡에서 사요 · 가격"


@dataclass
class HouseholdEssentialsView:
    run_id: int | None
    today: date
    is_solo: bool
    household_name: str
    household_size: int
    has_children: bool
    member_nicknames: list[str] = field(default_factory=list)
    bought: list[EssentialBought] = field(default_factory=list)
    elsewhere: list[EssentialElsewhere] = field(default_factory=list)
    share_percent: int | None = None
    lookback_days: int = SHARE_LOOKBACK_DAYS
    due_soon_days: int = DUE_SOON_DAYS

    @property
    def due_count(self) -> int:
        return sum(1 for item in self.bought if item.status == Status.DUE)

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.bought if item.status == Status.OVERDUE)

    @property
    def has_run(self) -> bool:
        return self.run_id is not None


def household_essentials_view(*, run_id: int | None, customer: User, today: date) -> HouseholdEssentialsView:
    """The customer's household (or the customer alone), the essentials it buys here with their rhythm and due
    dates (overdue first), the essential categories it never buys here, and the estimated share of wallet.

    Five queries whatever the number of categories or members (members with their household, the run's rows
    with their categories, the essential categories with a cycle, the household's essentials survey answers, the
    customer's profile); two without a run.
    The caller has already checked that the viewer may see `customer`.
    """
    if customer.household_id is None:
        view = HouseholdEssentialsView(
            run_id=run_id,
            today=today,
            is_solo=True,
            household_name="",
            household_size=1,
            has_children=False,
            member_nicknames=[customer.display_name],
        )
        owner = {"user_id": customer.pk}
        asked_ids = [customer.pk]
    else:
        members = list(
            User.objects.filter(household_id=customer.household_id, is_active=True)
            .select_related("household")
            .only("pk", "username", "nickname", "household__name", "household__size", "household__has_children")
            .order_by("date_joined", "pk")
        )
        household = members[0].household if members else None
        view = HouseholdEssentialsView(
            run_id=run_id,
            today=today,
            is_solo=False,
            household_name=household.name if household else "",
            household_size=household.size if household else len(members),
            has_children=household.has_children if household else False,
            member_nicknames=[member.display_name for member in members],
        )
        owner = {"household_id": customer.household_id}
        asked_ids = [member.pk for member in members]

    share_categories = list(
        Category.objects.filter(kind=Category.Kind.ESSENTIAL, is_active=True, replenishment_days__isnull=False)
        .only("pk", "name", "replenishment_days", "sort_order")
        .order_by("sort_order", "name", "pk")
    )
    if run_id is None:
        view.elsewhere = [
            EssentialElsewhere(category_id=c.pk, name=c.name, replenishment_days=c.replenishment_days)
            for c in share_categories
        ]
        return view

    rows = list(
        HouseholdEssential.objects.filter(run_id=run_id, **owner)
        .select_related("category")
        .only(
            "category__name",
            "category__replenishment_days",
            "purchase_days",
            "median_interval_days",
            "cycle_days",
            "is_regular",
            "first_bought_on",
            "last_bought_on",
            "due_on",
            "status",
            "recent_purchase_days",
            "coverage",
        )
    )
    view.bought = sorted(
        (_bought(row, today=today) for row in rows),
        key=lambda item: (STATUS_ORDER.get(item.status, 3), item.due_on or date.max, item.category_name),
    )
    bought_ids = {row.category_id for row in rows}
    elsewhere = [c for c in share_categories if c.pk not in bought_ids]
    answers = essentials_answers(customer_ids=asked_ids, category_ids=[c.pk for c in elsewhere])
    view.elsewhere = [
        EssentialElsewhere(
            category_id=c.pk, name=c.name, replenishment_days=c.replenishment_days, survey_answer=answers.get(c.pk, "")
        )
        for c in elsewhere
    ]
    share = (
        CustomerProfile.objects.filter(run_id=run_id, user_id=customer.pk)
        .values_list("essentials_share", flat=True)
        .first()
    )
    view.share_percent = round(share * 100) if share is not None else None
    return view


def _bought(row: HouseholdEssential, *, today: date) -> EssentialBought:
    status = Status(row.status)
    median = row.median_interval_days
    return EssentialBought(
        category_id=row.category_id,
        category_name=row.category.name,
        purchase_days=row.purchase_days,
        median_interval_days=round(median, 1) if median is not None else None,
        cycle_days=row.cycle_days,
        cycle_from_category=median is None and row.cycle_days is not None,
        is_regular=row.is_regular,
        first_bought_on=row.first_bought_on,
        last_bought_on=row.last_bought_on,
        due_on=row.due_on,
        days_until_due=(row.due_on - today).days if row.due_on else None,
        status=status.value,
        status_label=str(status.label),
        status_chip=STATUS_CHIP[status],
        recent_purchase_days=row.recent_purchase_days,
        coverage_percent=round(row.coverage * 100) if row.coverage is not None else None,
    )
