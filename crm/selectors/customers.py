"""Customers in the back office: a team's (or one segment's) customer list and its CSV lines (the 360 page reads
through crm.selectors.customer_360).

Every read starts from the seat (crm.selectors.access): a member sees only customers in segments their team owns,
an admin working inside a team sees the customers of that team's segments and may open any customer's page. The
list reads the current run's CustomerProfile rows joined to the user in one query; contact data is masked here,
when a row is shaped, unless the seat may SEE_CONTACT.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Replace
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from accounts.models import User
from crm.masking import mask_address, mask_email, mask_phone
from crm.models import (
    CustomerProfile,
    Lifecycle,
    RfmSegment,
    Segment,
    SegmentMembership,
)
from crm.selectors.access import SEE_CONTACT, Seat, visible_customer_ids
from shop.models import Address
from shop.selectors.orders import default_addresses_for_users

PAGE_SIZE = 50
EXPORT_CHUNK_SIZE = 2000
SEARCH_MAX_LENGTH = 50
PHONE_TAIL_MIN_DIGITS = 3

# --- sorting ------------------------------------------------------------------------------------------------------
LIFECYCLE_ORDER = list(Lifecycle.values)
RFM_ORDER = list(RfmSegment.values)


def _rank(field_name: str, values: list[str]) -> Case:
    """Order a choice column by its meaning (잠재 -> 휴면, 챔피언 -> 떠난 고객), not alphabetically."""
    return Case(
        *(When(**{field_name: value}, then=Value(i)) for i, value in enumerate(values)),
        default=Value(len(values)),
        output_field=IntegerField(),
    )


SORT_COLUMNS: dict[str, tuple[Any, ...]] = {
    "nickname": (F("user__nickname"),),
    "name": (F("user__last_name"), F("user__first_name")),
    "lifecycle": (_rank("lifecycle", LIFECYCLE_ORDER),),
    "rfm": (_rank("rfm_segment", RFM_ORDER),),
    "r": (F("r_score"),),
    "f": (F("f_score"),),
    "m": (F("m_score"),),
    "orders": (F("frequency"),),
    "spend": (F("monetary"),),
    "last_order": (F("last_order_at"),),
    "essentials": (F("essentials_share"),),
    "overdue": (F("essentials_overdue"),),
    "last_seen": (F("last_seen_at"),),
    "joined": (F("joined_at"),),
}
DEFAULT_SORT = "-spend"
SORT_CHOICES = [*SORT_COLUMNS, *(f"-{key}" for key in SORT_COLUMNS)]


def sort_normalize(value: str | None) -> str:
    """A whitelisted sort key ("spend", "-last_seen"), or the default for anything else."""
    value = (value or "").strip()
    return value if value in SORT_CHOICES else DEFAULT_SORT


def _order_by(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    expressions = SORT_COLUMNS[sort.lstrip("-")]
    ordered = [e.desc(nulls_last=True) if descending else e.asc(nulls_last=True) for e in expressions]
    return [*ordered, F("user_id").asc()]


# --- filters ------------------------------------------------------------------------------------------------------
YES, NO = "yes", "no"
YES_NO = (YES, NO)


@dataclass(frozen=True)
class CustomerFilters:
    """The list's filters. Empty strings mean "any"; values are always whitelisted (see from_params)."""

    lifecycle: str = ""
    rfm: str = ""
    consent: str = ""  # yes / no: marketing consent
    overdue: str = ""  # yes / no: at least one essential overdue

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> CustomerFilters:
        """Read filters from a query string, dropping unknown values (pages ignore a bad filter; the API
        validates first and answers 400)."""

        def pick(name: str, allowed: tuple[str, ...] | list[str]) -> str:
            value = str(params.get(name) or "").strip()
            return value if value in allowed else ""

        return cls(
            lifecycle=pick("lifecycle", Lifecycle.values),
            rfm=pick("rfm", RfmSegment.values),
            consent=pick("consent", YES_NO),
            overdue=pick("overdue", YES_NO),
        )

    def as_dict(self) -> dict[str, str]:
        """The filters that are set, e.g. {"lifecycle": "vip"} (for the audit log and query strings)."""
        return {key: value for key, value in asdict(self).items() if value}

    def apply(self, qs: QuerySet[CustomerProfile]) -> QuerySet[CustomerProfile]:
        if self.lifecycle:
            qs = qs.filter(lifecycle=self.lifecycle)
        if self.rfm:
            qs = qs.filter(rfm_segment=self.rfm)
        if self.consent:
            qs = qs.filter(marketing_consent=self.consent == YES)
        if self.overdue == YES:
            qs = qs.filter(essentials_overdue__gt=0)
        elif self.overdue == NO:
            qs = qs.filter(essentials_overdue=0)
        return qs


def search_normalize(value: str | None) -> str:
    return (value or "").strip()[:SEARCH_MAX_LENGTH]


def _search(qs: QuerySet[CustomerProfile], text: str) -> QuerySet[CustomerProfile]:
    """Nickname, real name (김하늘 or 하늘), username or e-mail contain the text; or, for 3+ digits, the phone
    number ends with them (staff ask a caller for the last four digits)."""
    text = search_normalize(text)
    if not text:
        return qs
    condition = (
        Q(user__nickname__icontains=text)
        | Q(user__username__icontains=text)
        | Q(user__email__icontains=text)
        | Q(user__first_name__icontains=text)
        | Q(full_name__icontains=text)
    )
    digits = re.sub(r"[\s\-]", "", text)
    if digits.isdigit() and len(digits) >= PHONE_TAIL_MIN_DIGITS:
        qs = qs.annotate(phone_digits=Replace(Replace("user__phone", Value("-"), Value("")), Value(" "), Value("")))
        condition |= Q(phone_digits__endswith=digits)
    return qs.annotate(full_name=Concat("user__last_name", "user__first_name")).filter(condition)


# --- the list -----------------------------------------------------------------------------------------------------
def customer_rows(
    *,
    seat: Seat,
    run_id: int | None,
    segment: Segment | None = None,
    search: str = "",
    filters: CustomerFilters | None = None,
    sort: str = "",
) -> QuerySet[CustomerProfile]:
    """The run's profiles this seat may list, with the user joined: one query per page (plus the count).

    Without `segment`: every customer of the team's active segments (for members and admins alike: the team view
    is the team's customers). With `segment`: that segment's members; the segment must belong to the seat's team
    (else nothing), and a member still sees only customers visible to the team. Unknown sort keys fall back to
    DEFAULT_SORT; filters are already whitelisted by CustomerFilters.
    """
    if run_id is None or (segment is not None and segment.team_id != seat.team.pk):
        return CustomerProfile.objects.none()
    qs = CustomerProfile.objects.filter(run_id=run_id)
    if segment is not None:
        qs = qs.filter(user_id__in=SegmentMembership.objects.filter(run_id=run_id, segment=segment).values("user_id"))
    if segment is None or not seat.is_admin:
        qs = qs.filter(user_id__in=visible_customer_ids(seat=seat, run_id=run_id))
    qs = (filters or CustomerFilters()).apply(qs)
    qs = _search(qs, search)
    return qs.select_related("user").order_by(*_order_by(sort_normalize(sort)))


CHIP_TONES = {
    Lifecycle.VIP: "ok",
    Lifecycle.REGULAR: "ok",
    Lifecycle.AT_RISK: "warn",
    Lifecycle.DORMANT: "danger",
    RfmSegment.CHAMPIONS: "ok",
    RfmSegment.LOYAL: "ok",
    RfmSegment.POTENTIAL_LOYALIST: "ok",
    RfmSegment.NEED_ATTENTION: "warn",
    RfmSegment.ABOUT_TO_SLEEP: "warn",
    RfmSegment.AT_RISK: "warn",
    RfmSegment.CANT_LOSE: "danger",
    RfmSegment.HIBERNATING: "danger",
    RfmSegment.LOST: "danger",
}


def lifecycle_tone(value: str) -> str:
    return CHIP_TONES.get(Lifecycle(value), "") if value in Lifecycle.values else ""


def rfm_tone(value: str) -> str:
    return CHIP_TONES.get(RfmSegment(value), "") if value in RfmSegment.values else ""


def full_name(user: User) -> str:
    """Korean order, family name first ("김하늘")."""
    return f"{user.last_name}{user.first_name}".strip()


def essentials_percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


@dataclass(frozen=True)
class CustomerRow:
    """One line of the customer table (page, CSV and API), contact data already masked for the seat."""

    customer_id: int
    nickname: str
    name: str
    username: str
    phone: str
    lifecycle: str
    lifecycle_label: str
    lifecycle_tone: str
    rfm_segment: str
    rfm_label: str
    rfm_tone: str
    r_score: int | None
    f_score: int | None
    m_score: int | None
    orders: int
    spend: int
    last_order_at: datetime | None
    essentials_share: int | None  # percent
    essentials_overdue: int
    last_seen_at: datetime | None
    marketing_consent: bool


def customer_row(profile: CustomerProfile, *, show_contact: bool) -> CustomerRow:
    """Shape a profile (with its user joined) for display. No query."""
    user = profile.user
    return CustomerRow(
        customer_id=profile.user_id,
        nickname=user.display_name,
        name=full_name(user),
        username=user.username,
        phone=user.phone if show_contact else mask_phone(user.phone),
        lifecycle=profile.lifecycle,
        lifecycle_label=profile.get_lifecycle_display(),
        lifecycle_tone=lifecycle_tone(profile.lifecycle),
        rfm_segment=profile.rfm_segment,
        rfm_label=profile.get_rfm_segment_display() if profile.rfm_segment else "",
        rfm_tone=rfm_tone(profile.rfm_segment),
        r_score=profile.r_score,
        f_score=profile.f_score,
        m_score=profile.m_score,
        orders=profile.frequency,
        spend=profile.monetary,
        last_order_at=profile.last_order_at,
        essentials_share=essentials_percent(profile.essentials_share),
        essentials_overdue=profile.essentials_overdue,
        last_seen_at=profile.last_seen_at,
        marketing_consent=profile.marketing_consent,
    )


def customer_rows_shaped(profiles: list[CustomerProfile] | Any, *, seat: Seat) -> list[CustomerRow]:
    show_contact = seat.can(SEE_CONTACT)
    return [customer_row(profile, show_contact=show_contact) for profile in profiles]


# --- CSV ------------------------------------------------------------------------------------------------------
def _csv_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (=, +, -, @ first) gets a leading apostrophe: nicknames and
    names are typed by customers."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_time(value: datetime | None) -> str:
    return localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_header() -> list[str]:
    return [
        _("고객 번호"),
        _("닉네임"),
        _("이름"),
        _("아이디"),
        _("이메일"),
        _("휴대폰"),
        _("기본 배송지"),
        _("고객 단계"),
        _("RFM 세그먼트"),
        "R",
        "F",
        "M",
        _("주문 수"),
        _("누적 결제 금액(원)"),
        _("마지막 주문"),
        _("필수품 점유율(%)"),
        _("떨어졌을 필수품"),
        _("마지막 방문"),
        _("마케팅 수신 동의"),
    ]


def address_text(address: Address | None, *, show_contact: bool) -> str:
    if address is None:
        return ""
    if show_contact:
        return f"({address.postal_code}) {address.address1} {address.address2}".strip()
    return mask_address(address.address1, address.address2)


def customer_export_lines(rows: QuerySet[CustomerProfile], *, seat: Seat) -> Iterator[list[Any]]:
    """The header, then one CSV line per profile of `rows` (a customer_rows queryset), streamed.

    Reads the profiles with .iterator(chunk_size=EXPORT_CHUNK_SIZE) (a server-side cursor on PostgreSQL) and the
    default addresses of each chunk in one more query, so memory stays at one chunk whatever the export's size.
    Contact columns are masked unless the seat may SEE_CONTACT.
    """
    show_contact = seat.can(SEE_CONTACT)
    yield export_header()
    profiles = rows.iterator(chunk_size=EXPORT_CHUNK_SIZE)
    yes, no = _("예"), _("아니요")
    while chunk := list(islice(profiles, EXPORT_CHUNK_SIZE)):
        addresses = default_addresses_for_users(user_ids=[p.user_id for p in chunk])
        for profile in chunk:
            row = customer_row(profile, show_contact=show_contact)
            user = profile.user
            yield [
                _csv_safe(value)
                for value in (
                    row.customer_id,
                    row.nickname,
                    row.name,
                    row.username,
                    user.email if show_contact else mask_email(user.email),
                    row.phone,
                    address_text(addresses.get(profile.user_id), show_contact=show_contact),
                    row.lifecycle_label,
                    row.rfm_label,
                    row.r_score or "",
                    row.f_score or "",
                    row.m_score or "",
                    row.orders,
                    row.spend,
                    _csv_time(row.last_order_at),
                    "" if row.essentials_share is None else row.essentials_share,
                    row.essentials_overdue,
                    _csv_time(row.last_seen_at),
                    yes if row.marketing_consent else no,
                )
            ]
